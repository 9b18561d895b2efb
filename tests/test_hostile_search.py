"""The search index from untrusted content: titles, summaries, bodies and queries that are code in
HTML, JavaScript or JSON stay text in the shipped index and in the results, from file://; a body of
distinct made-up words (the worst case for an index) builds."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from sitegen.build import build
from sitegen.config import load_config
from tests import hostile
from tests.conftest import write_site

NASTY = [
    "</script><script>alert(1)</script>",
    "<img src=x onerror=alert(2)>",
    "\u2028\u2029 line separators",
    '"}]);alert(3);//',
    "\\u003cscript\\u003ealert(4)",
    "${alert(5)} `backticks`",
    "zalgo\u0301\u0301\u0301 and \U0001F600 emoji",
]


@pytest.fixture(scope="module")
def nasty_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("nasty") / "site"
    files = {f"content/documents/nasty-{i}.md": hostile.document(
        title=f"'Nastytitle{i} {text.replace(chr(39), chr(39) * 2)}'", body=f"Nastybody{i} {text}\n\nqqqmarker{i}",
        fields=f"dateline: '{text.replace(chr(39), chr(39) * 2)}'\n") for i, text in enumerate(NASTY)}
    write_site(root, files)
    out = root / "build"
    build(load_config(root / "sitegen.yaml", environ={}), out=out)
    return out


def test_the_index_keeps_code_as_data(nasty_site):
    shipped = "".join(p.read_text(encoding="utf-8") for p in sorted((nasty_site / "search").rglob("*.js")))
    assert "</script>" not in shipped.lower() or "<\\/script>" in shipped  # never closes an inline script
    for i in range(len(NASTY)):
        assert f"nastytitle{i}" in shipped.lower()


@pytest.mark.browser
@pytest.mark.parametrize("i", range(len(NASTY)))
def test_nasty_documents_are_found_and_nothing_runs(i, nasty_site, browser):
    context = browser.new_context()
    page = context.new_page()
    problems = []
    page.on("dialog", lambda d: (problems.append("dialog " + d.message), d.dismiss()))
    page.on("pageerror", lambda e: problems.append(str(e)))
    for query in (f"qqqmarker{i}", NASTY[i]):
        page.goto(f"{nasty_site.as_uri()}/search.html?q={quote(query)}")
        page.wait_for_function("document.getElementById('search-app').getAttribute('aria-busy') === 'false'",
                               timeout=10_000)
    page.goto(f"{nasty_site.as_uri()}/search.html?q={quote(f'qqqmarker{i}')}")
    page.wait_for_function("document.getElementById('search-app').getAttribute('aria-busy') === 'false'"
                           " && document.querySelectorAll('#search-results a.doc-title').length > 0", timeout=10_000)
    assert page.eval_on_selector_all("#search-results a.doc-title", "els => els.map(e => e.getAttribute('href'))") == \
        [f"documents/nasty-{i}.html"]
    assert page.locator("#search-results img, #search-results script").count() == 0
    page.goto(f"{nasty_site.as_uri()}/documents/nasty-{i}.html")
    page.wait_for_timeout(100)
    assert problems == []
    context.close()


def test_a_body_of_distinct_words_builds(tmp_path):
    """256 KB of made-up words, each a new index term (2 MB, the size limit, is measured by
    benchmarks/hostile_bench.py: too slow for a unit test)."""
    root = write_site(tmp_path / "site", {"content/documents/words.md": hostile.document(body=hostile.varied_words(256))})
    result = build(load_config(root / "sitegen.yaml", environ={}), out=tmp_path / "out")
    assert result.counts["documents"] == 3
