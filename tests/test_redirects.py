"""`redirects:` leaves a small page at each old address of a document: it sends readers on from file://
as from a host, says so in the document's language, asks not to be indexed, and is in no sitemap or
search; an address that another output has, or that no disk could hold, is an error at its line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sitegen.build import build
from sitegen.cli import main
from sitegen.config import load_config
from tests import conftest
from tests.conftest import site_config


def document(redirects: str, *, name: str = "moved", language: str = "en", title: str = "Moved report",
             extra: str = "") -> dict[str, str]:
    return {f"content/documents/{name}.md": conftest.document(title, date="2021-01-01", language=language, summary="S.",
                                                              raw=f"redirects: {redirects}\n{extra}")}


def built(make_site, files: dict[str, str], base_url: str = "https://archive.example.org/") -> Path:
    root = make_site(files, config=site_config(extra=f"base_url: {base_url}\n" if base_url else ""))
    build(load_config(root / "sitegen.yaml", environ={}), out=root / "build")
    return root / "build"


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_each_old_address_gets_a_page_sending_readers_on(make_site):
    out = built(make_site, document("[old/moved/, /2019/moved.html, documents/old-name.html]"))
    folder = (out / "old/moved/index.html").read_text()
    assert '<meta http-equiv="refresh" content="0; url=../../documents/moved.html">' in folder
    assert '<a href="../../documents/moved.html">Moved report</a>' in folder
    assert '<meta name="robots" content="noindex">' in folder
    assert '<link rel="canonical" href="https://archive.example.org/documents/moved.html">' in folder
    assert '<html lang="en" dir="ltr">' in folder and "This page has moved to" in folder
    assert 'url=../documents/moved.html"' in (out / "2019/moved.html").read_text()  # the leading / is the root
    assert 'url=moved.html"' in (out / "documents/old-name.html").read_text()
    files = tree(out)
    for rel, data in files.items():  # in no sitemap, no search index, no listing
        if rel not in ("old/moved/index.html", "2019/moved.html", "documents/old-name.html"):
            assert b"old/moved" not in data and b"old-name" not in data and b"2019/moved" not in data, rel


def test_without_base_url_the_canonical_link_is_relative_and_it_is_in_the_targets_language(make_site):
    out = built(make_site, document("[قديم.html]", language="ar", title="تقرير"), base_url="")
    page = (out / "قديم.html").read_text()
    assert '<html lang="ar" dir="rtl">' in page and "نُقلت هذه الصفحة إلى" in page
    assert '<link rel="canonical" href="documents/moved.html">' in page


def test_redirect_pages_work_from_disk(make_site, browser):
    out = built(make_site, document("[a/b/c/]"), base_url="")
    page = browser.new_page()
    try:
        page.goto((out / "a/b/c/index.html").as_uri())
        page.wait_for_url(re.compile(r".*/documents/moved\.html$"), timeout=5000)
        assert page.title().startswith("Moved report")
    finally:
        page.close()


@pytest.mark.parametrize("redirects, expected", [
    ("[index.html]", "redirect `index.html` would write index.html, already written for the home page"),
    ("[assets/style.css]", "already written for the asset assets/style.css"),
    ("[documents/first-report.html]", "already written for content/documents/first-report.md"),
    ("[search/old.html]", "would write search/old.html, in search/, which sitegen fills itself"),
    ("[documents/moved/scan.txt]", "already written for content/documents/moved.md (attachment)"),
    ("[old/, OLD/index.html]", "redirect `OLD/index.html` would write OLD/index.html, already written for "
                               "content/documents/moved.md:7:13"),
])
def test_an_address_another_output_has_is_an_error_naming_both(make_site, capsys, redirects, expected):
    files = document(redirects, extra="attachments: [scan.txt]\n")
    files["content/documents/scan.txt"] = "scan\n"
    make_site(files)
    assert main(["check"]) == 1
    err = capsys.readouterr().err
    assert "content/documents/moved.md:7:" in err and expected in err, err


def test_two_documents_asking_for_one_address(make_site, capsys):
    make_site({**document("[old.html]"), **document("[old.html]", name="other", title="Other")})
    assert main(["check"]) == 1
    err = capsys.readouterr().err
    assert ("content/documents/other.md:7:13: redirect `old.html` would write old.html, already written for "
            "content/documents/moved.md:7:13") in err


@pytest.mark.parametrize("written, message", [
    ("../outside.html", "is not a path inside the site"),
    ("'old\\\\page.html'", "contains a backslash"),
    ("https://elsewhere.example/page", "is a full address, not a path of this site"),
    ("'old.html?id=3'", "contains a query"),
    ("'old.html#top'", "contains a fragment"),
    ('"old\\u0007.html"', "control character U+0007"),  # refused as front matter is read
    ("old/CON.html", "has `CON.html`, a name Windows refuses"),
    ("'old/name. '", "a name Windows refuses"),
    ("old/.hidden.html", "a hidden name"),
    ("'old/a:b.html'", "contains the character ':'"),
])
def test_an_unsafe_address_is_an_error_at_its_line_with_a_hint(make_site, capsys, written, message):
    make_site(document(f"\n  - fine.html\n  - {written}\n"))
    assert main(["check"]) == 1
    err = capsys.readouterr().err
    line = next(line for line in err.splitlines() if line.startswith("content/documents/moved.md:9:5: "))
    assert message in line and line.endswith(")"), line


def test_a_registry_entry_may_list_old_addresses_too(make_site, capsys):
    actor = ("---\nnames:\n  en: Wang Yi\n  ar: وانغ يي\nkind: person\nredirects: [people/wang-yi/]\n---\n"
             "Chinese foreign minister.\n")
    out = built(make_site, {"content/actors/wang-yi.md": actor})
    page = (out / "people/wang-yi/index.html").read_text()
    assert 'url=../../actors/wang-yi.html"' in page and ">Wang Yi</a>" in page and '<html lang="en"' in page
    (out.parent / "content/actors/wang-yi.md").write_text(actor.replace("people/wang-yi/", "index.html"))
    assert main(["check"]) == 1
    assert ("content/actors/wang-yi.md:6:13: redirect `index.html` would write index.html, "
            "already written for the home page" in capsys.readouterr().err)
