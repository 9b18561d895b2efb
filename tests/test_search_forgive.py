"""Forgiving search (issue 23): a query word the archive lacks is matched to its nearest words, the page
says so with the reader's own words a click away, and a search finding nothing offers "did you mean".
In Chromium, from file:// and over http, in both editions of the sample archive."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from sitegen import searchvocab
from sitegen.analysis import terms
from sitegen.build import build
from sitegen.config import load_config
from tests.conftest import write_site
from tests.test_search import ARABIC_DOC, INP, TASS, XINHUA, all_terms, data_file, http_root, page, site_url  # noqa: F401

EDITIONS = ["", "ar/"]


# ---- build side ----

def test_the_vocabulary_is_split_by_first_letter_and_holds_every_word(sample_build):
    """Every word once by its first letter; every Arabic word once more by its second (`w/2-`), no
    other word; no form term (`=...`) anywhere."""
    core = data_file(sample_build / "search/core.js")
    found: dict[str, int] = {}
    second: dict[str, int] = {}
    for key in core["vocab"]:
        entries = searchvocab.decode(data_file(sample_build / f"search/w/{key}.js"))
        at, code = (1, key[2:]) if key.startswith("2-") else (0, key)
        assert entries and all(ord(term[at]) == int(code, 16) for term, _ in entries)
        (second if at else found).update(entries)
    wanted = sorted(t for t in all_terms(sample_build) if searchvocab.wanted(t))
    assert sorted(found) == wanted and not any(t.startswith("=") for t in found)
    assert sorted(second) == [t for t in wanted if "\u0600" <= t[0] <= "\u06ff"] and second
    assert len(found) + len(second) == sum(len(searchvocab.decode(data_file(sample_build / f"search/w/{k}.js"))) for k in core["vocab"])


def test_an_arabic_word_is_filed_by_its_first_and_second_letters_others_by_the_first():
    assert searchvocab.keys_of("فوتوغراف") == ["641", "2-648"] and searchvocab.keys_of("lens") == ["6c"]
    assert searchvocab.wanted("بن") and not searchvocab.wanted("=lenses") and not searchvocab.wanted("x")


def test_size_classes_order_words_by_how_common_they_are():
    packed = {"common": "x" * 900, "rare": "x" * 9}
    entries = dict(searchvocab.decode(searchvocab.encode(["common", "rare"], packed)))
    assert entries["common"] > entries["rare"]


# ---- in the browser ----

def search(page, url: str) -> tuple[list[str], str]:
    page.goto(url)
    page.wait_for_function("performance.getEntriesByName('sitegen:complete').length > 0"
                           " && document.getElementById('search-app').getAttribute('aria-busy') === 'false'", timeout=10_000)
    hrefs = page.eval_on_selector_all("#search-results a.doc-title", "els => els.map(e => e.getAttribute('href'))")
    assert page.errors == []
    return [h.removeprefix("../") for h in hrefs], page.text_content("#search-fix").strip()


@pytest.mark.browser
@pytest.mark.parametrize("edition", EDITIONS)
@pytest.mark.parametrize("query, found, shown", [
    ("Syromolotv", {TASS, XINHUA}, "syromolotov"),  # a letter left out
    ("detention cmap Xinjiang", {INP}, "detention camp Xinjiang"),  # two swapped
    ("detentoin", {INP}, "detention"),  # swapped where the stem ends: the word, not its stem, is one edit away
    ("Syromolo", {TASS, XINHUA}, "syromolotov"),  # a word cut short
    ("السيبراتي", {ARABIC_DOC}, "السيبراني"),  # a letter replaced
    ("اسيبراني", {ARABIC_DOC}, "السيبراني"),  # the article's lam left out: the word's term begins otherwise
])
def test_a_misspelt_word_finds_its_documents_and_the_page_says_what_it_searched(page, site_url, edition, query, found, shown):
    hrefs, fix = search(page, f"{site_url}/{edition}search.html?q={quote(query)}")
    assert set(hrefs) == found
    assert shown in fix and query in fix
    original = page.get_attribute("#search-fix a.search-original", "href")
    assert original == f"?q={quote(query)}&exact=1"


@pytest.mark.browser
@pytest.mark.parametrize("edition", EDITIONS)
def test_the_words_as_typed_are_a_click_away_and_then_did_you_mean_leads_back(page, site_url, edition):
    search(page, f"{site_url}/{edition}search.html?q={quote('detention cmap')}")
    page.click("#search-fix a.search-original")
    hrefs, fix = search(page, page.url)
    assert hrefs == [] and "detention camp" in fix  # the words as typed find nothing here
    assert page.input_value("#q") == "detention cmap"
    assert page.text_content("#search-fix a.search-suggestion") == "detention camp"
    page.click("#search-fix a.search-suggestion")
    hrefs, fix = search(page, page.url)
    assert hrefs == [INP] and fix == ""


NEAR_MISS = {  # "camo" is a word of the archive, one edit from "camp", a commoner one
    "content/documents/pattern.md": "---\ntitle: Pattern\ndate: 2020-01-01\nsource: Wire\nlanguage: en\n---\nA camo pattern.\n",
    **{f"content/documents/camp-{i}.md": f"---\ntitle: Camp {i}\ndate: 2020-01-01\nsource: Wire\nlanguage: en\n---\n"
       f"The detention camp {i}.\n" for i in range(4)},
}


@pytest.fixture(scope="module")
def near_miss(tmp_path_factory):
    root = write_site(tmp_path_factory.mktemp("near") / "site", NEAR_MISS, base=False)
    build(load_config(root / "sitegen.yaml", environ={}), out=root / "out", jobs=1)
    return root / "out"


@pytest.mark.browser
def test_a_search_finding_nothing_shows_what_the_nearest_words_find_or_offers_them(page, near_miss):
    hrefs, fix = search(page, f"{near_miss.as_uri()}/search.html?q={quote('detention camo')}")
    assert len(hrefs) == 4 and all("camp-" in h for h in hrefs) and "detention camp" in fix
    page.click("#search-fix a.search-original")  # the words as typed: nothing, and "did you mean"
    hrefs, fix = search(page, page.url)
    assert hrefs == [] and page.text_content("#search-fix a.search-suggestion") == "detention camp"


@pytest.mark.browser
def test_a_word_the_archive_has_is_not_replaced(page, site_url):
    hrefs, fix = search(page, f"{site_url}/search.html?q=camp")
    assert INP in hrefs and fix == ""
    assert terms("camp") == ["camp"]


@pytest.mark.browser
def test_a_word_nothing_is_near_finds_nothing_and_offers_nothing(page, site_url):
    hrefs, fix = search(page, f"{site_url}/search.html?q={quote('detention qqqqqqq')}")
    assert hrefs == [] and fix == ""
