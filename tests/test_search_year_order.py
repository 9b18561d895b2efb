"""The search page draws its year facet in the order of every listing (newest first by default), not
by count: which years are shown is still the most frequent ones (issue 22). In Chromium, from file://."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from tests.conftest import served_build

YEARS = {2003: 3, 2001: 2, 2005: 1}  # by count 2003, 2001, 2005; newest first 2005, 2003, 2001
DOCS = {f"content/documents/treaty-{year}-{n}.md": f"---\ntitle: Treaty report {year} {n}\ndate: {year}-01-0{n + 1}\n"
        f"source: Wire\nlanguage: en\nsummary: a treaty report\n---\nThe treaty text.\n"
        for year, count in YEARS.items() for n in range(count)}


@pytest.fixture(scope="module")
def years_site(tmp_path_factory):
    with served_build(tmp_path_factory.mktemp("years") / "site", DOCS) as served:
        yield served


@pytest.mark.browser
@pytest.mark.parametrize("edition", ["", "ar/"])
def test_the_year_facet_runs_newest_first_and_counts_stay(browser, years_site, edition):
    out, _ = years_site
    page = browser.new_page()
    page.goto(f"{out.as_uri()}/{edition}search.html?q={quote('treaty')}")
    page.wait_for_function("performance.getEntriesByName('sitegen:complete').length > 0"
                           " && document.querySelector('[data-facet=year] label')")
    rows = page.eval_on_selector_all("[data-facet=year] label", "els => els.map(e => [e.querySelector('input').id, "
                                     "e.querySelector('.count').textContent])")
    labels = page.eval_on_selector_all("[data-facet=year] label span:not(.count)", "els => els.map(e => e.textContent)")
    page.close()
    assert labels == ["2005", "2003", "2001"], labels
    assert [int(count) for _, count in rows] == [YEARS[2005], YEARS[2003], YEARS[2001]]
