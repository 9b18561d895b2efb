"""The address holds the search (issue 23): the query, the words as typed (`exact`), the chosen facet
values and how many results are shown are in the page's address, so a search can be shared and
bookmarked, and the back button returns to the results before. From file:// and over http."""

from __future__ import annotations

from urllib.parse import parse_qs, quote, urlsplit

import pytest

from tests.conftest import served_build

DOCS = {f"content/documents/report-{i:02d}.md": f"---\ntitle: Report number {i}\ndate: {2000 + i % 2}-01-01\nsource: Wire\n"
        f"language: en\nsummary: a report\n---\nThe report text {i}.\n" for i in range(30)}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with served_build(tmp_path_factory.mktemp("address") / "site", DOCS) as served:
        yield served


def settled(page) -> tuple[int, str]:
    page.wait_for_function("performance.getEntriesByName('sitegen:complete').length > 0"
                           " && document.getElementById('search-app').getAttribute('aria-busy') === 'false'")
    page.wait_for_timeout(100)
    page.wait_for_function("document.getElementById('search-app').getAttribute('aria-busy') === 'false'")
    return page.locator("#search-results li").count(), page.text_content("#search-count")


def count_is(n: int) -> str:  # "30 results", "30 نتيجة"
    return f"document.getElementById('search-count').textContent.split(' ')[0] === '{n}'"


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["file", "http"])
@pytest.mark.parametrize("edition", ["", "ar/"])
def test_query_facets_and_page_are_in_the_address_and_back_returns(browser, site, scheme, edition):
    out, http_root = site
    base = (out.as_uri() if scheme == "file" else http_root) + "/" + edition.rstrip("/")
    page = browser.new_page()
    page.goto(f"{base.rstrip('/')}/search.html?q=report")
    count, text = settled(page)
    assert count == 10 and text.startswith("30 ")
    page.locator("fieldset[data-facet='year'] input").first.check()
    page.wait_for_function(count_is(15))
    page.click("#search-more")
    page.wait_for_function("document.querySelectorAll('#search-results li').length === 15")
    params = parse_qs(urlsplit(page.url).query)
    assert params["q"] == ["report"] and params["page"] == ["2"] and len(params["year"]) == 1
    shared = page.url
    page.go_back()  # before "show more"
    page.wait_for_function("!location.search.includes('page=')")
    page.go_back()  # before the facet
    page.wait_for_function(count_is(30))
    assert page.locator("fieldset[data-facet='year'] input:checked").count() == 0
    other = browser.new_page()  # the shared address gives the same search
    other.goto(shared)
    settled(other)
    other.wait_for_function(count_is(15) + " && document.querySelectorAll('#search-results li').length === 15")
    assert other.locator("fieldset[data-facet='year'] input:checked").count() == 1
    assert other.input_value("#q") == "report"
    page.close()
    other.close()


@pytest.mark.browser
def test_a_submitted_search_is_pushed_so_back_returns_to_the_one_before(browser, site):
    out, _ = site
    page = browser.new_page()
    page.goto(f"{out.as_uri()}/search.html?q={quote('number 1')}")
    first = settled(page)
    page.fill("#q", "report")
    page.press("#q", "Enter")
    page.wait_for_function(count_is(30))
    assert parse_qs(urlsplit(page.url).query)["q"] == ["report"]
    page.go_back()
    page.wait_for_function("document.getElementById('q').value === 'number 1'")
    assert settled(page) == first
    page.close()
