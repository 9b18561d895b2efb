"""`sitegen init`: a new archive that builds at once, passes `check --strict`, and never overwrites a file."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from sitegen.build import build
from sitegen.cli import main
from sitegen.config import SCHEMA, load_config
from sitegen.frontmatter import split_source

WRITTEN = {"sitegen.yaml", ".gitignore", ".github/workflows/check.yml", ".github/workflows/deploy.yml",
           "content/actors/harbour-office.md", "content/topics/public-records.md",
           "content/documents/2024-05-01-example-lighthouse-records.md", "content/about.md"}


def files_in(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


def test_a_bilingual_archive_passes_check_strict_and_builds(tmp_path, capsys):
    assert main(["init", str(tmp_path / "new"), "--languages", "en,ar", "--title", "Harbour archive"]) == 0
    root = tmp_path / "new"
    arabic = "content/documents/2024-05-01-example-lighthouse-records-ar.md"
    assert files_in(root) == WRITTEN | {arabic, "content/about.ar.md"}
    assert capsys.readouterr().out.count("created ") == len(WRITTEN) + 2
    meta = split_source((root / arabic).read_bytes(), arabic)[0].meta.data
    assert meta["translation_of"] == "2024-05-01-example-lighthouse-records" and meta["language"] == "ar"
    assert main(["check", "--strict", "--config", str(root / "sitegen.yaml")]) == 0
    config = load_config(root / "sitegen.yaml", environ={})
    assert config.title == "Harbour archive" and config.languages == ("en", "ar")
    build(config)
    page = (root / "build/documents/2024-05-01-example-lighthouse-records.html").read_text(encoding="utf-8")
    assert "lighthouses" in page and 'href="2024-05-01-example-lighthouse-records-ar.html"' in page
    assert (root / "build/ar/index.html").is_file()
    assert "من يحفظه" in (root / "build/ar/about.html").read_text(encoding="utf-8")


def test_one_language_by_default_in_this_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")  # a folder that is not empty is fine
    assert main(["init"]) == 0
    assert files_in(tmp_path) == WRITTEN | {"notes.txt"}
    assert main(["check", "--strict"]) == 0


def test_sitegen_yaml_lists_every_key_of_the_schema_with_its_doc(tmp_path):
    main(["init", str(tmp_path)])
    text = (tmp_path / "sitegen.yaml").read_text(encoding="utf-8")

    def expect(keys, depth):
        for name, key in keys.items():
            pad = "  " * depth
            assert re.search(rf"^(# )?{pad}{name}:", text, re.M), (depth, name)
            assert key.doc in text, name
            expect(key.keys, depth + 1 + key.each)
    expect(SCHEMA, 0)


def test_every_commented_top_key_with_a_value_is_valid_when_uncommented(tmp_path):
    main(["init", str(tmp_path)])
    lines = (tmp_path / "sitegen.yaml").read_text(encoding="utf-8").splitlines()
    opened = [line[2:] if re.match(r"# [a-z_]+: \S", line) else line for line in lines]
    (tmp_path / "sitegen.yaml").write_text("\n".join(opened), encoding="utf-8")
    assert main(["check", "--strict", "--config", str(tmp_path / "sitegen.yaml")]) == 0


def test_nothing_is_written_when_any_file_exists(tmp_path, capsys):
    (tmp_path / "content/topics").mkdir(parents=True)
    (tmp_path / "content/topics/public-records.md").write_text("mine", encoding="utf-8")
    (tmp_path / ".gitignore").write_text("mine", encoding="utf-8")
    assert main(["init", str(tmp_path)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 2 and err[0].endswith(".gitignore: already exists; sitegen init wrote nothing "
                                             "(move it away, or init another folder)")
    assert "content/topics/public-records.md: already exists" in err[1]
    assert files_in(tmp_path) == {".gitignore", "content/topics/public-records.md"}
    assert (tmp_path / ".gitignore").read_text(encoding="utf-8") == "mine"


def test_an_unknown_language_is_a_usage_error(tmp_path, capsys):
    assert main(["init", str(tmp_path), "--languages", "en,xx"]) == 2
    assert "--languages must be distinct codes among en, ar" in capsys.readouterr().err
    assert files_in(tmp_path) == set()


def test_the_workflows_check_pull_requests_and_deploy_main_to_pages(tmp_path):
    main(["init", str(tmp_path)])
    check = yaml.safe_load((tmp_path / ".github/workflows/check.yml").read_text(encoding="utf-8"))
    deploy = yaml.safe_load((tmp_path / ".github/workflows/deploy.yml").read_text(encoding="utf-8"))
    assert "pull_request" in check[True]  # YAML 1.1 reads the key `on` as true
    runs = [step.get("run", "") for step in check["jobs"]["check"]["steps"]]
    assert 'python -m pip install -q "$SITEGEN"' in runs and "sitegen check --format github" in runs
    assert "sitegen build" in runs and check["env"]["SITEGEN"].startswith("sitegen==")
    assert deploy[True]["push"]["branches"] == ["main"]
    assert deploy["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    steps = deploy["jobs"]["build"]["steps"]
    assert {"run": "sitegen build"} in steps
    assert any(s.get("uses", "").startswith("actions/upload-pages-artifact@") and s["with"]["path"] == "build/"
               for s in steps)
    assert deploy["jobs"]["deploy"]["needs"] == "build"
    assert deploy["jobs"]["deploy"]["steps"][0]["uses"].startswith("actions/deploy-pages@")
    assert deploy["jobs"]["deploy"]["environment"]["name"] == "github-pages"


def test_an_archive_whose_first_edition_is_arabic_passes_check_strict(tmp_path):
    assert main(["init", str(tmp_path), "--languages", "ar,en"]) == 0
    assert (tmp_path / "content/about.en.md").is_file() and \
        (tmp_path / "content/about.md").read_text(encoding="utf-8").startswith("يحفظ")
    assert main(["check", "--strict", "--config", str(tmp_path / "sitegen.yaml")]) == 0


def test_without_a_title_each_edition_is_titled_in_its_language(tmp_path):
    assert main(["init", str(tmp_path / "new"), "--languages", "en,ar"]) == 0
    config = load_config(tmp_path / "new" / "sitegen.yaml")
    assert config.title_in("en") == ("Documentary archive", "en")
    assert config.title_in("ar") == ("أرشيف وثائقي", "ar")
