"""Ranking the reader's words (issue 23): a document whose title holds every word of the query comes
before one whose title does not, however often the other has the words elsewhere; lunr's syntax keeps
lunr's order. In Chromium, from file:// and over http."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from tests.conftest import served_build

DOCS = {
    "content/documents/elsewhere.md": "---\ntitle: Summit\ndate: 2020-01-01\nsource: Wire\nlanguage: en\n"
    "summary: innovation innovation innovation summit summit\n---\n" + "innovation summit " * 30 + "\n",
    "content/documents/titled.md": "---\ntitle: Innovation summit reports\ndate: 2020-01-02\nsource: Wire\nlanguage: en\n"
    "summary: a report\n---\n" + " ".join(f"word{i}" for i in range(600)) + "\n",
}


@pytest.fixture(scope="module")
def ranked_site(tmp_path_factory):
    with served_build(tmp_path_factory.mktemp("ranking") / "site", DOCS) as served:
        yield served


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["file", "http"])
@pytest.mark.parametrize("edition", ["", "ar/"])
def test_a_title_holding_every_word_comes_first(browser, ranked_site, scheme, edition):
    out, http_root = ranked_site
    base = out.as_uri() if scheme == "file" else http_root
    page = browser.new_page()
    page.goto(f"{base}/{edition}search.html?q={quote('innovation summit')}")
    page.wait_for_function("performance.getEntriesByName('sitegen:complete').length > 0")
    hrefs = page.eval_on_selector_all("#search-results a.doc-title", "els => els.map(e => e.getAttribute('href'))")
    assert [h.removeprefix("../") for h in hrefs] == ["documents/titled.html", "documents/elsewhere.html"]
    lunr_order = page.evaluate("""() => window.sitegenIndex.run(window.sitegenIndex.parse('+innovation +summit'))
        .then(hits => hits.map(h => h.n))""")
    assert len(lunr_order) == 2 and lunr_order[0] != page.evaluate("""() => window.sitegenIndex.run(
        window.sitegenIndex.words(['innov', 'summit'], '')).then(hits => hits[0].n)""")  # the rule decided
    page.close()
