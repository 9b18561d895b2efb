"""Accessibility and validity of the sample archive, checked by the tools readers' advocates use.

axe-core (WCAG 2.1 A and AA rules) runs inside Debian's Chromium on the pages of both editions; the Nu
HTML checker (vnu.jar) validates every page in one run; the search page is used with the keyboard
only. The npm tools are installed by `.ci/run` (`npm ci` from package.json into node_modules/); without
them these tests skip on a laptop and fail under CI=true, like the browser tests.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.browser

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
WCAG21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
EN_DOC = "documents/2021-12-23-xinhua-china-calls-for-joint-efforts.html"
AR_DOC = "documents/2021-10-08-wang-yi-gctf-international-cooperation-ar.html"
EDITION_PAGES = ["actors/index.html", "actors/wang-yi.html", "topics/index.html", "topics/xinjiang.html"]
SEARCHES = [("search.html", "china"), ("ar/search.html", "الإرهاب")]
WIDE, NARROW = {"width": 1280, "height": 900}, {"width": 390, "height": 844}


def tool(path: Path) -> Path:
    """A tool from node_modules/; skip without it, except under CI=true where it must be there."""
    if path.exists():
        return path
    message = f"{path.relative_to(ROOT)} is missing: run `npm ci` in {ROOT}"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def axe_violations(page) -> list[dict]:
    page.add_script_tag(path=str(tool(AXE)))
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG21_AA)
    assert len(result["passes"]) > 10  # axe really ran its rules on this page
    return [{"id": v["id"], "impact": v["impact"], "help": v["help"],
             "nodes": [n["target"] for n in v["nodes"]][:5]} for v in result["violations"]]


def axe_on(browser, url: str, viewport: dict = WIDE, ready: str = "") -> list[dict]:
    """The violations axe finds on the page at `url`, once `ready` (a selector) is there."""
    page = browser.new_page(viewport=viewport)
    try:
        page.goto(url)
        if ready:
            page.wait_for_selector(ready)
        return axe_violations(page)
    finally:
        page.close()


def open_search(page, build: Path, path: str, query: str):
    page.goto(f"{(build / path).as_uri()}?q={query}")
    page.wait_for_selector("#search-results li a.doc-title")
    page.wait_for_selector("#search-facets input[type=checkbox]")


PAGES = [EN_DOC, AR_DOC, *EDITION_PAGES, *(f"ar/{p}" for p in EDITION_PAGES)]
NARROW_PAGES = [EN_DOC, AR_DOC, "index.html", "ar/index.html", "ar/actors/wang-yi.html"]  # the phone layout


@pytest.mark.parametrize("path, viewport", [(p, WIDE) for p in PAGES] + [(p, NARROW) for p in NARROW_PAGES],
                         ids=[f"{p}-wide" for p in PAGES] + [f"{p}-narrow" for p in NARROW_PAGES])
def test_axe_finds_no_wcag_violation(browser, sample_build, path, viewport):
    assert axe_on(browser, (sample_build / path).as_uri(), viewport) == []


def test_axe_finds_no_wcag_violation_on_any_page_at_the_root_of_an_edition(browser, sample_build):
    """Home, chronology, sources, the empty search page and whatever else an edition has at its root
    (an "About the data" page, say): found on disk, so a new one is checked without a new test."""
    pages = sorted(p.relative_to(sample_build).as_posix() for p in
                   [*sample_build.glob("*.html"), *sample_build.glob("ar/*.html")])
    assert {"index.html", "chronology.html", "sources.html", "search.html", "ar/index.html", "ar/chronology.html",
            "ar/sources.html", "ar/search.html"} <= set(pages)
    page = browser.new_page(viewport=WIDE)
    try:
        found = {}
        for path in pages:
            page.goto((sample_build / path).as_uri())
            found[path] = axe_violations(page)
        assert {path: v for path, v in found.items() if v} == {}
    finally:
        page.close()


@pytest.mark.parametrize("path, query", SEARCHES)
def test_axe_finds_no_wcag_violation_on_search_results(browser, sample_build, path, query):
    page = browser.new_page(viewport=WIDE)
    try:
        open_search(page, sample_build, path, query)
        page.locator("#search-facets input[type=checkbox]").first.check()  # a chosen facet too
        page.wait_for_selector("#search-results li a.doc-title")
        assert axe_violations(page) == []
    finally:
        page.close()


def test_every_page_is_valid_html(sample_build):
    """One run of the Nu HTML checker over every page (it is slow to start)."""
    jar = tool(VNU)
    java = shutil.which("java")
    if java is None:
        if os.environ.get("CI"):
            pytest.fail("java is not installed (apt-get install default-jre-headless)")
        pytest.skip("java is not installed")
    pages = sorted(str(p) for p in sample_build.rglob("*.html"))
    assert len(pages) > 100 and any("/ar/" in p for p in pages)
    run = subprocess.run([java, "-jar", str(jar), "--errors-only", "--format", "json", *pages],
                         capture_output=True, text=True, timeout=300)
    messages = json.loads(run.stderr or run.stdout or '{"messages": []}')["messages"]
    shown = [f"{Path(m.get('url', '')).name}:{m.get('lastLine', '?')}: {m.get('message')}" for m in messages]
    assert shown == []


def test_search_works_with_the_keyboard_alone(browser, sample_build):
    page = browser.new_page(viewport=WIDE)
    try:
        page.goto((sample_build / "search.html").as_uri())
        page.keyboard.press("Tab")  # the first stop is the skip link, and it leads to the content
        assert page.evaluate("document.activeElement.className") == "skip"
        assert page.locator(".skip").bounding_box()["x"] >= 0  # shown when focused
        page.keyboard.press("Enter")
        assert page.evaluate("location.hash") == "#main"
        page.locator("#q").focus()
        page.keyboard.type("china")
        page.keyboard.press("Enter")
        page.wait_for_selector("#search-facets input[type=checkbox]")
        before = page.locator("#search-results li a.doc-title").count()
        assert before >= 2
        # Tab forward from the query field past the order and date controls to the first facet box,
        # tick it with the space bar
        for _ in range(10):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.type === 'checkbox' "
                             "&& document.activeElement.id.startsWith('f-')"):
                break
        facet = page.evaluate("document.activeElement.id")
        assert facet.startswith("f-")
        expected = int(page.locator(f"label[for='{facet}'] .count").inner_text())
        page.keyboard.press("Space")
        page.wait_for_function("id => document.getElementById(id) && document.getElementById(id).checked", arg=facet)
        assert page.evaluate("document.activeElement.id") == facet  # focus kept after the results redraw
        assert page.locator("#search-results li a.doc-title").count() == expected
        # the focus ring is visible on the box the reader is on
        assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
        page.keyboard.press("Space")  # untick: every result is back
        page.wait_for_function(f"document.querySelectorAll('#search-results li a.doc-title').length === {before}")
        # on to the results: the first result link takes the reader to the document with Enter
        for _ in range(40):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.classList.contains('doc-title')"):
                break
        href = page.evaluate("document.activeElement.getAttribute('href')")
        assert href.startswith("documents/")
        page.keyboard.press("Enter")
        page.wait_for_url(f"**/{href}")
        assert page.locator("h1").count() == 1
    finally:
        page.close()


@pytest.mark.parametrize("path", [EN_DOC, AR_DOC])
def test_a_document_prints_with_its_provenance_and_without_navigation(browser, sample_build, path):
    page = browser.new_page()
    try:
        page.goto((sample_build / path).as_uri())
        page.emulate_media(media="print")
        shown = page.evaluate("""selectors => Object.fromEntries(selectors.map(s => {
            const el = document.querySelector(s);
            return [s, el ? getComputedStyle(el).display !== 'none' && el.getClientRects().length > 0 : null];
        }))""", ["h1", ".panel", ".panel dl", ".document .body", ".notes", ".cite", ".site-header nav", ".languages",
                 ".search-form", ".related", ".site-footer", ".skip"])
        assert shown == {"h1": True, ".panel": True, ".panel dl": True, ".document .body": True, ".notes": True,
                         ".cite": True,
                         ".site-header nav": False, ".languages": False, ".search-form": False, ".related": False,
                         ".site-footer": False, ".skip": False}
        assert page.pdf(format="A4")[:5] == b"%PDF-"
    finally:
        page.close()
