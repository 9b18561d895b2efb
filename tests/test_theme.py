"""The default theme ships inside sitegen; a project's templates and assets override it file by file.

A project without templates or assets builds with the theme; overriding one template changes the pages
of that kind only; an asset of the project replaces the theme's asset of that name. Adding or removing
an override is a change for every cache (a warm build equals a cold one, byte for byte).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from sitegen import theme
from sitegen.build import build
from sitegen.cache import open_cache
from sitegen.cli import main
from sitegen.config import load_config

from tests.conftest import ROOT

PLAIN = "title: Test archive\nlanguage: en\nbuild_date: '2026-01-01'\n"  # no paths: the theme's own


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def built(root: Path, out: str, cache: bool = False) -> dict[str, bytes]:
    config = load_config(root / "sitegen.yaml", environ={})
    build(config, out=root / out, memo=open_cache(config.root, enabled=cache))
    return tree(root / out)


def test_the_theme_is_the_repositorys_templates_and_assets_in_a_checkout():
    assert theme.TEMPLATES == ROOT / "templates" and theme.ASSETS == ROOT / "assets"


def test_a_project_without_templates_or_assets_builds_with_the_theme(make_site):
    root = make_site(config=PLAIN)
    assert not (root / "templates").exists() and not (root / "assets").exists()
    files = built(root, "build")
    assert "documents/first-report.html" in files
    assert files["assets/style.css"] == (ROOT / "assets" / "style.css").read_bytes()
    assert set(theme.files(ROOT / "assets")) <= {name.removeprefix("assets/") for name in files}


def test_one_overridden_template_changes_only_its_pages(make_site):
    root = make_site(config=PLAIN)
    before = built(root, "a")
    chronology = (ROOT / "templates" / "chronology.html").read_text(encoding="utf-8")
    (root / "templates").mkdir()
    (root / "templates" / "chronology.html").write_text(chronology.replace("{% block main %}", "{% block main %}<p>OURS</p>"),
                                                        encoding="utf-8")
    after = built(root, "b")
    changed = {name for name in before.keys() | after.keys() if before.get(name) != after.get(name)}
    assert changed == {"chronology.html"}
    assert b"<p>OURS</p>" in after["chronology.html"]


def test_a_projects_asset_replaces_the_themes_and_adds_its_own(make_site):
    root = make_site(config=PLAIN)
    (root / "assets").mkdir()
    (root / "assets" / "style.css").write_text("body { color: black }\n", encoding="utf-8")
    (root / "assets" / "extra.js").write_text("// ours\n", encoding="utf-8")
    files = built(root, "build")
    assert files["assets/style.css"] == b"body { color: black }\n"
    assert files["assets/extra.js"] == b"// ours\n"
    assert files["assets/sitegen-search.js"] == (ROOT / "assets" / "sitegen-search.js").read_bytes()


def test_adding_and_removing_an_override_with_the_cache_equals_a_cold_build(make_site):
    root = make_site(config=PLAIN)
    plain = built(root, "build", cache=True)
    assert plain == built(root, "cold0")
    base = (ROOT / "templates" / "base.html").read_text(encoding="utf-8")
    (root / "templates").mkdir()
    (root / "templates" / "base.html").write_text(base.replace("<main", "<p>OVERRIDE</p><main"), encoding="utf-8")
    (root / "assets").mkdir()
    (root / "assets" / "style.css").write_text("/* ours */\n", encoding="utf-8")
    warm = built(root, "build", cache=True)
    assert warm == built(root, "cold1")
    assert b"<p>OVERRIDE</p>" in warm["index.html"] and warm["assets/style.css"] == b"/* ours */\n"
    shutil.rmtree(root / "templates")
    (root / "assets" / "style.css").unlink()
    assert built(root, "build", cache=True) == plain


def test_check_audits_the_templates_the_build_uses(make_site, capsys):
    root = make_site(config=PLAIN)
    (root / "templates").mkdir()
    (root / "templates" / "home.html").write_text('{% extends "base.html" %}{% block main %}{{ site.title | safe }}'
                                                  "{% endblock %}", encoding="utf-8")
    assert main(["check", "--config", str(root / "sitegen.yaml")]) == 0
    assert "templates/home.html:1:1: warning: `site.title | safe` turns off escaping" in capsys.readouterr().err


def test_the_sample_archive_uses_one_layer():
    config = load_config(ROOT / "sitegen.yaml", environ={})
    assert config.template_folders == (ROOT / "templates",) and config.asset_folders == (ROOT / "assets",)
