"""The default theme ships inside sitegen; a project's templates and assets override it file by file.

A project without templates or assets builds with the theme; overriding one template changes the pages
of that kind only; an asset of the project replaces the theme's asset of that name. Adding or removing
an override is a change for every cache (a warm build equals a cold one, byte for byte).
"""

from __future__ import annotations

import json
import os
import posixpath
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
import rjsmin

from sitegen import theme
from sitegen.build import build
from sitegen.cache import open_cache
from sitegen.cli import main
from sitegen.config import SCHEMA, config_reference, load_config
from sitegen.theme import AA_CONTRAST, BACKGROUNDS, contrast, darker
from sitegen.errors import BuildFailed

from tests.conftest import ROOT, write_site
from tests.test_a11y import VNU, WIDE, axe_violations, tool

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
    ours = chronology.replace("{% block main %}", "{% block main %}<p>OURS</p>")
    (root / "templates" / "chronology.html").write_text(ours, encoding="utf-8")
    after = built(root, "b")
    changed = {name for name in before.keys() | after.keys() if before.get(name) != after.get(name)}
    assert changed == {"chronology.html"}
    assert b"<p>OURS</p>" in after["chronology.html"]


@pytest.mark.parametrize("cache", [False, True], ids=["cold", "with the cache"])
def test_an_included_partial_renders_with_the_including_pages_escaping(make_site, cache):
    """A `.txt` or `.html` partial included from an HTML page is escaped as HTML, and from a `.txt`
    template (robots.txt) as text: the code Jinja compiles for one format is never run for the other
    (the `.txt` partial in an HTML page stopped the build: "'NoneType' object is not callable")."""
    root = make_site(config=PLAIN + "base_url: https://example.org/archive/\n")
    chronology = (ROOT / "templates" / "chronology.html").read_text(encoding="utf-8")
    parts = '<div id="parts">{% include "part.txt" %}{% include "part.html" %}</div>'
    (root / "templates").mkdir()
    ours = chronology.replace("{% block main %}", "{% block main %}" + parts)
    (root / "templates" / "chronology.html").write_text(ours, encoding="utf-8")
    (root / "templates" / "robots.txt").write_text("User-agent: *\n" + parts + "\n", encoding="utf-8")
    (root / "templates" / "part.txt").write_text('{% set v = "<b>&" %}[txt {{ v }}]', encoding="utf-8")
    (root / "templates" / "part.html").write_text('{% set v = "<b>&" %}<i>html {{ v }}</i>', encoding="utf-8")
    for out in ("a", "b"):  # the second build runs the code the first compiled, when cached
        files = built(root, out, cache=cache)
        shown = '<div id="parts">[txt &lt;b&gt;&amp;]<i>html &lt;b&gt;&amp;</i></div>'
        assert shown in files["chronology.html"].decode()
        assert '<div id="parts">[txt <b>&]<i>html <b>&</i></div>' in files["robots.txt"].decode()


def test_a_projects_asset_replaces_the_themes_and_adds_its_own(make_site):
    root = make_site(config=PLAIN)
    (root / "assets").mkdir()
    (root / "assets" / "style.css").write_text("body { color: black }\n", encoding="utf-8")
    (root / "assets" / "extra.js").write_text("// ours\nwindow.ours = 1;\n", encoding="utf-8")
    (root / "assets" / "vendor.min.js").write_text("/* theirs */ window.theirs = 2;\n", encoding="utf-8")
    files = built(root, "build")
    assert files["assets/style.css"] == b"body { color: black }\n"
    assert files["assets/extra.js"] == b"window.ours=1;"  # JavaScript is published minified
    assert files["assets/vendor.min.js"] == b"/* theirs */ window.theirs = 2;\n"  # as it is: minified by its makers
    search_js = (ROOT / "assets" / "sitegen-search.js").read_bytes()
    assert files["assets/sitegen-search.js"] == rjsmin.jsmin(search_js)
    assert len(files["assets/sitegen-search.js"]) < len(search_js) * 0.8


def test_a_projects_copy_of_a_search_script_is_warned_about_and_other_overrides_are_not(make_site):
    """The theme's own scripts read what this sitegen writes: a project's copy outlives an upgrade and
    may find nothing, so the build says so at the file once it differs; a stylesheet or a script of
    its own is the project's business."""
    root = make_site(config=PLAIN)
    (root / "assets/sitegen-index").mkdir(parents=True)
    (root / "assets" / "style.css").write_text("body { color: black }\n", encoding="utf-8")
    (root / "assets" / "ours.js").write_text("window.ours = 1;\n", encoding="utf-8")
    (root / "assets" / "sitegen-search.js").write_text("window.old = 1;\n", encoding="utf-8")
    (root / "assets/sitegen-index" / "rank.js").write_text("window.old = 2;\n", encoding="utf-8")
    shutil.copy(ROOT / "assets/sitegen-index/query.js", root / "assets/sitegen-index/query.js")  # as it is: harmless
    warned = build(load_config(root / "sitegen.yaml"), out=root / "build").warnings
    said = [(d.path, d.message) for d in warned if "theme's own script" in d.message]
    assert said == [(os.path.join("assets", "sitegen-index", "rank.js"),
                     "`assets/sitegen-index/rank.js` replaces the theme's own script with another"),
                    (os.path.join("assets", "sitegen-search.js"),
                     "`assets/sitegen-search.js` replaces the theme's own script with another")]


def test_the_search_page_loads_its_scripts_joined_in_one_file_through_the_layers(make_site):
    """One request for the search page's scripts, not thirteen: the bundle is each of them as published
    (minified, the project's copy where it has one), in load order, each ending its statement."""
    from sitegen.pages import SEARCH_BUNDLE, SEARCH_SCRIPTS
    root = make_site(config=PLAIN)
    (root / "assets/sitegen-index").mkdir(parents=True)
    (root / "assets/sitegen-index/rank.js").write_text("window.ranked = 1\n", encoding="utf-8")
    files = built(root, "build")
    assert re.findall(r'<script src="([^"]+)"', files["search.html"].decode()) == ["search/core.js", SEARCH_BUNDLE]
    parts = [files[f"assets/{name}.js"] for name in SEARCH_SCRIPTS]
    assert b"window.ranked=1" in parts and all(part for part in parts)
    joined = b"".join(p.rstrip() + (b"\n" if p.rstrip().endswith(b";") else b";\n") for p in parts)
    assert files[SEARCH_BUNDLE] == joined


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
    for name, colour in BACKGROUNDS.items():
        (declared,) = re.findall(rf"{name}:\s*(#[0-9a-fA-F]+)", css)
        full = "#" + "".join(c * 2 for c in declared[1:]) if len(declared) == 4 else declared
        assert full.lower() == colour, name
    accent = re.search(r"--accent:\s*(#[0-9a-fA-F]{6})", css).group(1)
    assert min(contrast(accent, bg) for bg in BACKGROUNDS.values()) >= AA_CONTRAST  # the theme's own passes


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
    assert any(f.startswith("sitegen.yaml:5:3: `logo` must be one of .jpeg, .jpg, .png, .webp, not `logo.svg`")
               and "SVG can carry script" in f for f in found), found
    assert any(f.startswith("sitegen.yaml:6:3: `favicon` must be a file inside the project") for f in found), found
    assert any(f.startswith("sitegen.yaml:7:3: `accent` #ffcc00 has a contrast of") and "a darker shade such as #" in f
               for f in found), found
    assert any(f.startswith("sitegen.yaml:9:28: `fr` is not one of `languages`") for f in found), found
    assert any(f.startswith("sitegen.yaml:11:23: `url` must be an http(s) or mailto address") for f in found), found
    assert any(f.startswith("sitegen.yaml:12:3: unknown config key `colour`") for f in found), found


def test_an_image_that_is_not_what_its_name_says_is_refused(make_site):
    found = theme_errors(make_site, "theme:\n  logo: logo.png\n  favicon: icons/missing.ico\n", {"logo.png": b"<html>"})
    assert found[0].startswith("sitegen.yaml:5:3: `logo.png` is not a PNG file inside")
    assert found[1].startswith("sitegen.yaml:6:3: no file `icons/missing.ico` for `favicon`")


def test_a_suggested_darker_accent_passes():
    for colour in ("#ffcc00", "#88aaff", "#ff0000"):
        assert min(contrast(darker(colour), bg) for bg in BACKGROUNDS.values()) >= AA_CONTRAST


# ---- theme settings and the about page, in the built site ----

BILINGUAL = "title: Test archive\nlanguages: [en, ar]\nbuild_date: '2026-01-01'\n"
ICO = b"\x00\x00\x01\x00" + bytes(20)
SETTINGS = ("theme:\n  logo: art/logo.png\n  favicon: art/favicon.ico\n  accent: '#8a1a5c'\n"
            "  footer:\n    text: {en: Kept by the harbour office., ar: يحفظه مكتب الميناء.}\n"
            "    links:\n      - {label: {en: Contact, ar: اتصل بنا}, url: 'mailto:archive@example.org'}\n"
            "      - {label: Data, url: data/index.html}\n")


def with_files(root: Path, files: dict[str, bytes]) -> Path:
    for name, data in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    return root


def links_to(page: str, html: str, label: str) -> list[str]:
    """The output-root paths `page` links to with the words `label`."""
    found = re.findall(rf'<a href="([^"]+)"[^>]*>{re.escape(label)}</a>', html)
    return [posixpath.normpath(posixpath.join(posixpath.dirname(page), href)) if ":" not in href else href
            for href in found]


def test_theme_settings_reach_every_page_of_every_edition(make_site):
    root = with_files(make_site(config=BILINGUAL + SETTINGS), {"art/logo.png": PNG, "art/favicon.ico": ICO})
    files = built(root, "build")
    assert files["logo.png"] == PNG and files["favicon.ico"] == ICO
    pages = {name: data.decode() for name, data in files.items() if name.endswith(".html")}
    for name, html in pages.items():
        arabic = name.startswith("ar/") or name == "documents/arabic-report.html"
        (icon,) = re.findall(r'<link rel="icon" href="([^"]+)">', html)
        assert posixpath.normpath(posixpath.join(posixpath.dirname(name), icon)) == "favicon.ico", name
        assert "<style>:root { --accent: #8a1a5c; }</style>" in html, name
        (logo,) = re.findall(r'<img class="logo" src="([^"]+)" alt="" height="40">', html)
        assert posixpath.normpath(posixpath.join(posixpath.dirname(name), logo)) == "logo.png", name
        assert links_to(name, html, "اتصل بنا" if arabic else "Contact") == ["mailto:archive@example.org"], name
        assert links_to(name, html, "Data") == ["data/index.html"], name
        assert ("<p>يحفظه مكتب الميناء.</p>" if arabic else "<p>Kept by the harbour office.</p>") in html, name


def test_without_theme_settings_pages_keep_the_themes_own(make_site):
    files = built(make_site(config=BILINGUAL), "build")
    html = files["index.html"].decode()
    assert '<link rel="icon" href="data:,">' in html and "<style>" not in html and 'class="logo"' not in html
    assert "about.html" not in html and "logo.png" not in files


ABOUT = ("We keep [the first report](doc:first-report) and [its data](data/index.html).\n\n# Who we are\n\n"
         "People. <script>alert(1)</script> {{ site.title }} <img src=x onerror=alert(2)>\n")


def test_about_pages_are_sanitised_and_linked_from_every_page_of_their_edition(make_site):
    root = make_site({"content/about.md": ABOUT, "content/about.ar.md": "نحن [التقرير](doc:arabic-report).\n"},
                     config=BILINGUAL)
    files = built(root, "build")
    about = files["about.html"].decode()
    assert '<a href="documents/first-report.html"' in about and '<a href="data/index.html"' in about
    assert "<script" not in about.split("<main")[1] and "onerror" not in about and "{{ site.title }}" in about
    assert 'id="who-we-are"' in about
    assert '<a href="../documents/arabic-report.html"' in files["ar/about.html"].decode()
    for name, data in files.items():
        if name.endswith(".html"):
            arabic = name.startswith("ar/") or name == "documents/arabic-report.html"
            expected = "ar/about.html" if arabic else "about.html"
            assert links_to(name, data.decode(), "عن الأرشيف" if arabic else "About") == [expected], name
    assert 'aria-current="page">About</a>' in about


def test_an_edition_without_its_about_page_links_the_first_editions(make_site):
    files = built(make_site({"content/about.md": "About us.\n"}, config=BILINGUAL), "build")
    assert "ar/about.html" not in files
    assert links_to("ar/index.html", files["ar/index.html"].decode(), "عن الأرشيف") == ["about.html"]


def test_a_broken_link_in_the_about_page_is_an_error_at_its_line(make_site, capsys):
    root = make_site({"content/about.md": "Fine.\n\nSee [this](doc:no-such-document).\n"}, config=BILINGUAL)
    assert main(["check", "--config", str(root / "sitegen.yaml")]) == 1
    assert "content/about.md:3:12: link to an unknown document id `no-such-document`" in capsys.readouterr().err


def test_an_about_page_leading_out_of_the_content_folder_is_refused(make_site, tmp_path, capsys):
    (tmp_path / "secret.md").write_text("secret words\n", encoding="utf-8")
    root = make_site(config=BILINGUAL)
    (root / "content" / "about.md").symlink_to(tmp_path / "secret.md")
    assert main(["build", "--config", str(root / "sitegen.yaml")]) == 1
    assert "content/about.md:1:1: link leads outside the content folder" in capsys.readouterr().err
    assert not (root / "build").exists()


def test_editing_the_about_page_or_the_logo_with_the_cache_equals_a_cold_build(make_site):
    root = with_files(make_site({"content/about.md": "First words.\n"}, config=BILINGUAL + "theme: {logo: logo.png}\n"),
                      {"logo.png": PNG})
    built(root, "build", cache=True)
    (root / "content" / "about.md").write_text("Second words.\n", encoding="utf-8")
    (root / "logo.png").write_bytes(PNG + b"more")
    warm = built(root, "build", cache=True)
    assert warm == built(root, "cold") and b"Second words." in warm["about.html"] and warm["logo.png"] == PNG + b"more"


@pytest.fixture(scope="module")
def themed_build(tmp_path_factory) -> Path:
    """A bilingual site with every theme setting and both about pages, built once."""
    root = tmp_path_factory.mktemp("themed") / "site"
    write_site(root, {"content/about.md": ABOUT.split("People.")[0] + "People.\n",
                      "content/about.ar.md": "# من نحن\n\nنحن [التقرير](doc:arabic-report).\n"},
               config=BILINGUAL + SETTINGS)
    with_files(root, {"art/logo.png": PNG, "art/favicon.ico": ICO})
    built(root, "build")
    return root / "build"


THEMED_PAGES = ["index.html", "ar/index.html", "about.html", "ar/about.html", "documents/first-report.html",
                "documents/arabic-report.html"]


@pytest.mark.browser
def test_axe_finds_no_wcag_violation_with_theme_settings_and_about_pages(browser, themed_build):
    page = browser.new_page(viewport=WIDE)
    try:
        found = {}
        for path in THEMED_PAGES:
            page.goto((themed_build / path).as_uri())
            assert page.evaluate("getComputedStyle(document.querySelector('main a') || document.body)"
                                 ".getPropertyValue('--accent').trim()") == "#8a1a5c"
            found[path] = axe_violations(page)
        assert {path: v for path, v in found.items() if v} == {}
    finally:
        page.close()


@pytest.mark.browser
def test_pages_with_theme_settings_and_about_pages_are_valid_html(themed_build):
    jar, java = tool(VNU), shutil.which("java")
    if java is None:
        if os.environ.get("CI"):
            pytest.fail("java is not installed (apt-get install default-jre-headless)")
        pytest.skip("java is not installed")
    run = subprocess.run([java, "-jar", str(jar), "--errors-only", "--format", "json",
                          *(str(themed_build / p) for p in THEMED_PAGES)], capture_output=True, text=True, timeout=300)
    messages = json.loads(run.stderr or run.stdout or '{"messages": []}')["messages"]
    assert [f"{Path(m.get('url', '')).name}:{m.get('lastLine', '?')}: {m.get('message')}" for m in messages] == []


def test_a_footer_link_to_a_page_that_does_not_exist_is_an_error_at_its_line(make_site, capsys):
    root = make_site(config=BILINGUAL + "theme:\n  footer:\n    links:\n      - {label: Data, url: data/indx.html}\n")
    assert main(["check", "--config", str(root / "sitegen.yaml")]) == 1
    assert "sitegen.yaml:7:23: link to a page that does not exist: data/indx.html (did you mean `data/index.html`?)" \
        in capsys.readouterr().err


def test_a_sitegen_with_another_theme_is_a_change_for_the_cache(make_site, tmp_path, monkeypatch):
    """Upgrading sitegen brings a new theme at the same place, or at another: either way a warm build
    is the cold build of the new theme."""
    root = make_site(config=PLAIN)
    built(root, "build", cache=True)
    for name in ("templates", "assets"):
        shutil.copytree(ROOT / name, tmp_path / "v2" / name)
    base = tmp_path / "v2" / "templates" / "base.html"
    base.write_text(base.read_text(encoding="utf-8").replace("<main", "<p>V2</p><main"), encoding="utf-8")
    (tmp_path / "v2" / "assets" / "style.css").write_text("/* v2 */\n", encoding="utf-8")
    monkeypatch.setattr(theme, "TEMPLATES", tmp_path / "v2" / "templates")
    monkeypatch.setattr(theme, "ASSETS", tmp_path / "v2" / "assets")
    warm = built(root, "build", cache=True)
    assert warm == built(root, "cold") and b"<p>V2</p>" in warm["index.html"]
    assert warm["assets/style.css"] == b"/* v2 */\n"


def test_a_project_without_templates_packs_with_the_theme(make_site, capsys):
    root = make_site(config=PLAIN)
    assert main(["pack", "--config", str(root / "sitegen.yaml"), "--jobs", "1"]) == 0
    (packed,) = root.glob("*.zip")
    with zipfile.ZipFile(packed) as archive:
        names = archive.namelist()
        readme = archive.read(next(n for n in names if n.endswith("/README.txt"))).decode()
    assert any(n.endswith("/assets/style.css") for n in names) and "Test archive" in readme
