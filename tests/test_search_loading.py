"""How the search page loads the index (issue 23, the page's fixed time): over http each index file
is fetched and its SITEGEN_DATA calls read as JSON; from file:// (no fetch there), when fetch is
refused, or for a file in any other form, a classic <script> element, with the same results, counts
and facet counts. The scripts are deferred from the head. In Chromium, both editions."""

from __future__ import annotations

import json
import re
from urllib.parse import quote

import pytest

from tests.conftest import served_build

DOCS = {f"content/documents/doc{i}.md": f"---\ntitle: Council report {i}\ndate: 20{10 + i}-01-0{1 + i % 9}\n"
        f"source: {['Wire', 'Desk'][i % 2]}\nlanguage: {['en', 'ar'][i % 3 == 2]}\n"
        f"summary: the security council {i}\n---\n"
        + "the security council met on economic development " * (1 + i % 4) + f"word{i}\n" for i in range(14)}

SEEN = """(() => {  // the index files asked for: by script element (document.scripts) or fetched
  window.fetched = [];
  const fetchNow = window.fetch;
  window.fetch = function (url, ...rest) {
    window.fetched.push(new URL(url, location.href).href);
    return fetchNow.call(this, url, ...rest);
  };
})();"""
REFUSED = "window.fetch = () => Promise.reject(new TypeError('refused'));"  # as a policy refusing it would
SHOWN = """() => ['search-count', 'search-results', 'search-facets'].map(id => document.getElementById(id).innerText)
  .join('\\n--\\n')"""
INDEX_FILES = """() => ({fetched: window.fetched || [],
  scripts: Array.from(document.scripts, s => s.src).filter(s => s.includes('/search/') && !s.endsWith('/core.js'))})"""
QUERIES = ["council", '"security council"', "economic -word3", "counicl"]


@pytest.fixture(scope="module")
def loading_site(tmp_path_factory):
    with served_build(tmp_path_factory.mktemp("loading") / "site", DOCS) as served:
        yield served


def shown(browser, url: str, init: str = SEEN, route=None) -> tuple[str, dict, list[str]]:
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.add_init_script(init)
    if route:
        page.route(*route)
    page.goto(url)
    page.wait_for_function("performance.getEntriesByName('sitegen:complete').length > 0")
    out = page.evaluate(SHOWN), page.evaluate(INDEX_FILES), errors
    page.close()
    return out


@pytest.mark.browser
@pytest.mark.parametrize("edition", ["", "ar/"])
def test_over_http_index_files_are_fetched_and_from_file_they_are_scripts(browser, loading_site, edition):
    out, http_root = loading_site
    for q in QUERIES:
        over_file, files_file, errors_file = shown(browser, f"{out.as_uri()}/{edition}search.html?q={quote(q)}")
        over_http, files_http, errors_http = shown(browser, f"{http_root}/{edition}search.html?q={quote(q)}")
        assert over_file == over_http and "\n" in over_http, q  # the same results, count and facet counts
        assert files_file["scripts"] and not files_file["fetched"], q
        assert files_http["fetched"] and not files_http["scripts"], q
        assert all("/search/" in f for f in files_http["fetched"]), q
        assert sorted(f.split("/search/")[1] for f in files_http["fetched"]) == \
            sorted(f.split("/search/")[1] for f in files_file["scripts"]), q  # the same files, each once
        assert errors_file == errors_http == [], q


@pytest.mark.browser
def test_refused_fetch_or_a_file_in_another_form_loads_as_a_script(browser, loading_site):
    """A page whose fetch is refused loads every file as a script; a file that is not one call a line
    (here a record with a comment before its call) is loaded again as a script: the same results."""
    out, http_root = loading_site
    url = f"{http_root}/search.html?q={quote('council')}"
    expected, files, _ = shown(browser, url)
    assert files["fetched"] and not files["scripts"]
    refused, files, errors = shown(browser, url, init=SEEN + REFUSED)
    assert refused == expected and files["scripts"] and errors == []
    record = next(f for f in files["scripts"] if "/search/r/" in f)

    def commented(route):
        body = route.fetch().text()
        route.fulfill(status=200, content_type="text/javascript", body="/* a host's banner */\n" + body)

    other, files, errors = shown(browser, url, route=(record, commented))
    assert other == expected and errors == []
    assert [f for f in files["scripts"]] == [record] and record in files["fetched"]


@pytest.mark.browser
def test_a_file_of_several_calls_gives_each_its_data_over_http(browser, loading_site):
    """search/v/first.js holds the first value list of every facet, each its own SITEGEN_DATA call."""
    out, http_root = loading_site
    text = (out / "search/v/first.js").read_text(encoding="utf-8")
    calls = re.findall(r'^SITEGEN_DATA\(("[^"]+"), (.*)\);$', text, re.M)
    assert len(calls) > 1
    page = browser.new_page()
    page.add_init_script(SEEN)
    page.goto(f"{http_root}/search.html")
    page.wait_for_function("window.sitegenIndex !== undefined")
    for key, data in calls:
        name = json.loads(key).split("/", 1)[1]
        got = page.evaluate("name => window.sitegenIndexRooms.load.load('lists', name)", name)
        assert got == json.loads(data), key
    assert [f.split("/search/")[1] for f in page.evaluate("window.fetched")] == ["v/first.js"]
    page.close()


@pytest.mark.browser
def test_the_search_scripts_are_deferred_from_the_head(loading_site):
    out, _ = loading_site
    for edition in ("", "ar/"):
        html = (out / edition / "search.html").read_text(encoding="utf-8")
        head, body = html.split("</head>", 1)
        scripts = re.findall(r'<script src="([^"]+)"( defer)?></script>', head)
        assert [src.removeprefix("../") for src, _ in scripts] == ["search/core.js", "assets/sitegen-search.all.js"]
        assert all(defer for _, defer in scripts) and "<script src=" not in body
