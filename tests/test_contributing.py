"""CONTRIBUTING.md stays true: every front-matter example in it passes `check` inside the sample
archive, and its field table names every document field the schema has."""

from __future__ import annotations

import re
import shutil

from sitegen.cli import main
from sitegen.schema import DOCUMENT_FIELDS, suggest_id
from tests.conftest import ROOT

GUIDE = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
EXAMPLES = [block for block in re.findall(r"```yaml\n(.*?)```", GUIDE, re.S) if block.startswith("---\n")]


def test_every_example_passes_check_in_the_sample_archive(tmp_path, monkeypatch, capsys):
    site = tmp_path / "site"
    shutil.copytree(ROOT / "content", site / "content")
    shutil.copy(ROOT / "sitegen.yaml", site / "sitegen.yaml")
    (site / "sitegen.yaml").write_text((ROOT / "sitegen.yaml").read_text(encoding="utf-8").replace(
        "templates: templates", f"templates: {ROOT / 'templates'}").replace("assets: assets",
                                                                            f"assets: {ROOT / 'assets'}"),
        encoding="utf-8")
    kinds = {"document": 0, "term": 0}
    for n, example in enumerate(EXAMPLES):
        if "\ntitle:" in example:
            (site / f"content/documents/example-{n}.md").write_text(example, encoding="utf-8")
            kinds["document"] += 1
        else:  # a registry example replaces the entry it describes
            folder = "actors" if "kind: person" in example else "topics"
            name = re.search(r"^  en: (.+)$", example, re.M).group(1)
            (site / f"content/{folder}/{suggest_id(name)}.md").write_text(example, encoding="utf-8")
            kinds["term"] += 1
    assert kinds["document"] >= 3 and kinds["term"] >= 2
    monkeypatch.chdir(site)
    code = main(["check"])
    err = capsys.readouterr().err
    assert code == 0, err
    assert " error" not in err and "unknown" not in err


def test_the_field_table_lists_every_document_field():
    table = set(re.findall(r"^\| `([a-z_]+)`", GUIDE, re.M))
    assert set(DOCUMENT_FIELDS) <= table, set(DOCUMENT_FIELDS) - table


def test_the_workflow_checks_with_annotations_tests_and_builds_on_pull_requests():
    import yaml
    workflow = yaml.safe_load((ROOT / ".github/workflows/pull-request.yml").read_text(encoding="utf-8"))
    assert "pull_request" in workflow[True]  # PyYAML reads the key `on` as a boolean
    runs = [step.get("run", "") for job in workflow["jobs"].values() for step in job["steps"]]
    assert {"sitegen check --format github", "sitegen build", ".ci/run"} <= set(runs)


def test_check_formats_for_github_and_json(make_site, capsys):
    import json
    make_site({"content/documents/bad.md": "---\ntitle: Bad\ndate: 2021-13-01\nsource: Wire\nlanguage: en\n---\n"
                                           "50% done\n",
               "content/documents/warn.md": "---\ntitle: Warn\ndate: 2021\nsource: Wire\nlanguage: en\n---\nText.\n"})
    assert main(["check", "--format", "github"]) == 1
    out = capsys.readouterr()
    assert out.out.splitlines() == [
        "::warning file=content/documents/bad.md,line=1,col=1::document has no `summary` "
        "(add one or two sentences for listings and search)",
        "::error file=content/documents/bad.md,line=3,col=1::`2021-13-01` has no month 13 (dates look like "
        "2021-12-23, 2019-11, 2018, 2019-11-06? or 2018~)",
        "::warning file=content/documents/warn.md,line=1,col=1::document has no `summary` "
        "(add one or two sentences for listings and search)"]
    assert out.err == ""
    assert main(["check", "--format", "json"]) == 1
    problems = json.loads(capsys.readouterr().out)
    assert [(p["path"], p["line"], p["col"], p["severity"]) for p in problems] == [
        ("content/documents/bad.md", 1, 1, "warning"), ("content/documents/bad.md", 3, 1, "error"),
        ("content/documents/warn.md", 1, 1, "warning")]
