"""Order and date range (issue 23): results ordered by relevance, newest or oldest, and kept to a date
range (from, to: a year, a month or a day) that a document's partial or uncertain date overlaps, or
lies wholly within; set from the page's controls or the address (order, from, to, within), applied to
every result before paging. In Chromium, from file:// and over http, in both editions."""

from __future__ import annotations

import functools
import http.server
import json
import threading
from urllib.parse import parse_qs, urlsplit

import pytest

from sitegen import searchcodes
from sitegen.build import build
from sitegen.config import load_config
from tests.conftest import site_config, write_site
from tests.test_search_address import settled

DATED = {"Year only": "2019", "May": "2019-05", "June first": "2019-06-01", "Later": "2020-06-15",
         "Uncertain": "2018?", "Old": "2015-03-02", "Circa": "2021-02~"}
DOCS = {f"content/documents/doc-{i}.md": f"---\ntitle: {title}\ndate: '{date}'\nsource: Wire\nlanguage: en\n---\n"
        f"{'A report on the harbour.' if i % 2 == 0 else 'The harbour report.'}\n" for i, (title, date) in enumerate(DATED.items())}
NEWEST = ["Circa", "Later", "June first", "May", "Year only", "Uncertain", "Old"]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = write_site(tmp_path_factory.mktemp("dates") / "site", DOCS, base=False,
                      config=site_config(extra="languages: [en, ar]\n"))
    out = root / "out"
    build(load_config(root / "sitegen.yaml", environ={}), out=out, jobs=1)
    handler = functools.partial(type("Quiet", (http.server.SimpleHTTPRequestHandler,), {"log_message": lambda *a: None}),
                                directory=str(out))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield out, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def data(path):
    text = path.read_text(encoding="utf-8")
    return json.loads(text[text.index(",") + 1:text.rindex(")")])


def test_the_date_file_holds_each_documents_date_as_written(site):
    out, _ = site
    base, packed = data(out / "search/y/0.js")
    titles = [data(out / f"search/r/{n}.js")["title"] for n in range(len(DATED))]
    decoded = {}
    for title, code in zip(titles, searchcodes.unpack(packed), strict=True):
        c, qualified = divmod(code - 1, 2)
        c, day = divmod(c, 32)
        year, month = divmod(c, 13)
        decoded[title] = (f"{base + year}" + (f"-{month:02d}" if month else "") + (f"-{day:02d}" if day else ""), qualified)
    assert decoded == {t: (d.strip("~?"), int(d != d.strip("~?"))) for t, d in DATED.items()}


def open_search(browser, site, scheme: str, edition: str, query: str):
    out, http_root = site
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{(out.as_uri() if scheme == 'file' else http_root)}/{edition}search.html?{query}")
    settled(page)
    return page, errors


def titles(page) -> list[str]:
    return page.eval_on_selector_all("#search-results a.doc-title", "els => els.map(e => e.textContent)")


CASES = [
    ("q=report&from=2019-05&to=2019-06", {"Year only", "May", "June first", "Uncertain"}),  # 2018? may be 2019
    ("q=report&from=2019-05&to=2019-06&within=1", {"May", "June first"}),
    ("q=report&to=2016", {"Old"}),
    ("q=report&from=2020-06-16", {"Circa"}),  # ~2021-02 may be January 2021; Later (2020-06-15) ends before
    ("q=report&from=2022", set()),
    ("q=report&from=2019-13", set(DATED)),  # not a date: no bound
]


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["file", "http"])
@pytest.mark.parametrize("edition", ["", "ar/"])
def test_date_range_and_order_from_the_address(browser, site, scheme, edition):
    for query, expected in CASES:
        page, errors = open_search(browser, site, scheme, edition, query)
        assert set(titles(page)) == expected, query
        assert errors == []
        page.close()
    page, _ = open_search(browser, site, scheme, edition, "q=report&order=newest")
    assert titles(page) == NEWEST and page.input_value("#search-order") == "newest" and page.is_visible("#search-order")
    page.close()
    page, _ = open_search(browser, site, scheme, edition, "q=report&order=oldest&from=2019&within=1")
    assert titles(page) == ["Year only", "May", "June first", "Later", "Circa"]  # not 2018?: it may be 2017
    assert page.input_value("#search-from") == "2019" and page.is_checked("#search-within")
    page.close()


@pytest.mark.browser
@pytest.mark.parametrize("edition", ["", "ar/"])
def test_the_controls_go_into_the_address_and_back_returns(browser, site, edition):
    page, _ = open_search(browser, site, "file", edition, "q=report")
    relevance = titles(page)
    assert not page.is_visible("#search-order")  # closed until the reader opens it (or the address sets one)
    page.click("#search-when-box > summary")
    page.select_option("#search-order", "oldest")
    page.wait_for_function("new URLSearchParams(location.search).get('order') === 'oldest'")
    settled(page)
    assert titles(page) == NEWEST[::-1]
    page.fill("#search-from", "2019-05")
    page.fill("#search-to", "2019-06")
    page.check("#search-within")
    page.wait_for_function("document.querySelectorAll('#search-results li').length === 2")
    settled(page)
    params = parse_qs(urlsplit(page.url).query)
    assert params["from"] == ["2019-05"] and params["to"] == ["2019-06"] and params["within"] == ["1"]
    assert titles(page) == ["May", "June first"]
    assert page.get_by_label("From" if not edition else "من", exact=True).count() == 1
    page.go_back()
    page.wait_for_function("!location.search.includes('within')")
    settled(page)
    assert not page.is_checked("#search-within")
    while "order=" in page.url:
        page.go_back()
        page.wait_for_timeout(50)
    settled(page)
    assert titles(page) == relevance and page.input_value("#search-order") == ""
    page.close()


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["file", "http"])
@pytest.mark.parametrize("edition", ["", "ar/"])
def test_a_phrase_with_a_date_range_and_an_order(browser, site, scheme, edition):
    """The operators and the dates together, from the address: the phrase first, then the range, then
    the order, over every result."""
    phrase = 'q=%22report+on+the+harbour%22'  # the even documents'; the odd ones say "the harbour report"
    page, errors = open_search(browser, site, scheme, edition, f"{phrase}&order=oldest&from=2019")
    assert titles(page) == ["Uncertain", "Year only", "June first", "Circa"]  # 2018? may be 2019
    page.close()
    page, errors = open_search(browser, site, scheme, edition, f"{phrase}&order=newest&from=2019&within=1")
    assert titles(page) == ["Circa", "June first", "Year only"] and errors == []
    assert page.input_value("#q") == '"report on the harbour"' and page.input_value("#search-order") == "newest"
    page.close()
