"""The default theme ships inside sitegen; a project's templates and assets override it file by file.

A project without templates or assets builds with the theme; overriding one template changes the pages
of that kind only; an asset of the project replaces the theme's asset of that name. Adding or removing
an override is a change for every cache (a warm build equals a cold one, byte for byte).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from sitegen import theme
from sitegen.build import build
from sitegen.cache import open_cache
from sitegen.cli import main
from sitegen.config import AA_CONTRAST, SCHEMA, THEME_BACKGROUNDS, config_reference, contrast, darker, load_config
from sitegen.errors import BuildFailed

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


def test_the_readme_holds_the_generated_configuration_reference():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("<!-- config-reference:start -->\n")[1].split("<!-- config-reference:end -->")[0]
    assert section == config_reference()


def test_the_reference_lists_every_key_and_nested_key():
    reference = config_reference()
    for name in every_key():
        assert f"| `{name}` |" in reference, name


def every_key(keys=SCHEMA, prefix=""):
    for name, key in keys.items():
        yield prefix + name
        yield from every_key(key.keys, f"{prefix}{name}.<name>." if key.each else f"{prefix}{name}.")


def test_the_contrast_check_reads_the_backgrounds_style_css_declares():
    css = (ROOT / "assets" / "style.css").read_text(encoding="utf-8")
    for name, colour in THEME_BACKGROUNDS.items():
        (declared,) = re.findall(rf"{name}:\s*(#[0-9a-fA-F]+)", css)
        full = "#" + "".join(c * 2 for c in declared[1:]) if len(declared) == 4 else declared
        assert full.lower() == colour, name
    accent = re.search(r"--accent:\s*(#[0-9a-fA-F]{6})", css).group(1)
    assert min(contrast(accent, bg) for bg in THEME_BACKGROUNDS.values()) >= AA_CONTRAST  # the theme's own passes


PNG = b"\x89PNG\r\n\x1a\n" + bytes(16)


def theme_errors(make_site, theme: str, files: dict[str, bytes] = {}) -> list[str]:
    root = make_site(config=PLAIN + theme)
    for name, data in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    try:
        load_config(root / "sitegen.yaml", environ={})
    except BuildFailed as failed:
        return [d.format().split("/site/")[-1] for d in failed.diagnostics]
    return []


def test_theme_settings_are_checked_at_their_lines(make_site, tmp_path):
    (tmp_path / "outside.png").write_bytes(PNG)
    found = theme_errors(make_site, "theme:\n  logo: logo.svg\n  favicon: ../outside.png\n  accent: '#ffcc00'\n"
                                    "  footer:\n    text: {en: Kept by us, fr: Par nous}\n"
                                    "    links:\n      - {label: Home, url: 'javascript:alert(1)'}\n  colour: red\n",
                         {"logo.svg": b"<svg onload='alert(1)'/>"})
    assert any(f.startswith("sitegen.yaml:5:3: `logo` must be one of .jpeg, .jpg, .png, .webp, not `logo.svg`") and "SVG can carry script" in f
               for f in found), found
    assert any(f.startswith("sitegen.yaml:6:3: `favicon` must be a file inside the project") for f in found), found
    assert any(f.startswith("sitegen.yaml:7:3: `accent` #ffcc00 has a contrast of") and "a darker shade such as #" in f for f in found), found
    assert any(f.startswith("sitegen.yaml:9:28: `fr` is not one of `languages`") for f in found), found
    assert any(f.startswith("sitegen.yaml:11:23: `url` must be an http(s) or mailto address") for f in found), found
    assert any(f.startswith("sitegen.yaml:12:3: unknown config key `colour`") for f in found), found


def test_an_image_that_is_not_what_its_name_says_is_refused(make_site):
    found = theme_errors(make_site, "theme:\n  logo: logo.png\n  favicon: icons/missing.ico\n", {"logo.png": b"<html>"})
    assert found[0].startswith("sitegen.yaml:5:3: `logo.png` is not a PNG file inside")
    assert found[1].startswith("sitegen.yaml:6:3: no file `icons/missing.ico` for `favicon`")


def test_a_suggested_darker_accent_passes():
    for colour in ("#ffcc00", "#88aaff", "#ff0000"):
        assert min(contrast(darker(colour), bg) for bg in THEME_BACKGROUNDS.values()) >= AA_CONTRAST
