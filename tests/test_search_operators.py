"""Phrases and OR (issue 23): `"exact phrase"` keeps the documents holding its words one after another
(the index matches the words, the page checks their order on the text: the record, or search/x/ for a
long body), `a OR b` takes either, `-word` excludes; the same from the box and the address, in both
editions, from file:// and over http. A count the page could not check in full says "at most"."""

from __future__ import annotations

import functools
import http.server
import json
import threading
from urllib.parse import parse_qs, quote, urlsplit

import pytest

from sitegen import searchdata
from sitegen.build import build
from sitegen.config import load_config
from tests.conftest import site_config, write_site
from tests.test_search_address import settled

FILLER = " ".join(f"filler{i}" for i in range(80))  # past the record's SNIPPET_WORDS


def doc(name: str, title: str, body: str, language: str = "en", date: str = "2019-05-01") -> tuple[str, str]:
    return (f"content/documents/{name}.md",
            f"---\ntitle: {title}\ndate: {date}\nsource: Wire\nlanguage: {language}\n---\n{body}\n")


DOCS = dict([
    doc("adjacent", "Holdings", "The national archive of Syria holds records."),
    doc("apart", "Records", "The archive keeps national records and more."),
    doc("late", "Long report", f"{FILLER} Here the national archives are named at last."),  # archives: the same term
    doc("treaty", "A treaty", "The peace treaty was signed."),
    doc("accord", "An accord", "The peace accord was signed."),
    doc("war", "War", "The war treaty was broken."),
    doc("ar-near", "تقرير", "يحفظ الأرشيف الوطني السجلات.", "ar"),
    doc("ar-apart", "تقرير آخر", "الوطني هو من يحفظ الأرشيف.", "ar"),
    *(doc(f"pair-{i:02d}", f"Pair {i}", "alpha beta" if i % 2 else "beta then alpha") for i in range(24)),
])


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = write_site(tmp_path_factory.mktemp("operators") / "site", DOCS, base=False,
                      config=site_config(extra="languages: [en, ar]\n"))
    out = root / "out"
    build(load_config(root / "sitegen.yaml", environ={}), out=out, jobs=1)
    handler = functools.partial(type("Quiet", (http.server.SimpleHTTPRequestHandler,), {"log_message": lambda *a: None}),
                                directory=str(out))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield out, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_only_a_body_longer_than_its_record_has_a_text_file(site):
    out, _ = site
    records = {}
    for path in (out / "search/r").glob("*.js"):
        text = path.read_text(encoding="utf-8")
        records[path.stem] = json.loads(text[text.index(",") + 1:text.rindex(")")])
    long = {n for n, r in records.items() if r["text"].endswith("…")}
    assert long and {p.stem for p in (out / "search/x").glob("*.js")} == long
    n = next(iter(long))
    text = (out / f"search/x/{n}.js").read_text(encoding="utf-8")
    assert "national archives are named at last" in json.loads(text[text.index(",") + 1:text.rindex(")")])
    assert searchdata.SNIPPET_WORDS < 80


def titles(page) -> set[str]:
    return set(page.eval_on_selector_all("#search-results a.doc-title", "els => els.map(e => e.textContent)"))


def open_search(browser, site, scheme: str, edition: str, q: str):
    out, http_root = site
    base = (out.as_uri() if scheme == "file" else http_root) + "/" + edition
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{base}search.html?q={quote(q)}")
    settled(page)
    return page, errors


CASES = [
    ('"national archive"', {"Holdings", "Long report"}),  # not "Records": its words are apart
    ('"national archive" -syria', {"Long report"}),
    ('archive -"national archive"', {"Records"}),  # the phrase excluded, not its words
    ("treaty OR accord", {"A treaty", "An accord", "War"}),
    ("peace treaty OR accord", {"A treaty", "An accord"}),  # peace AND (treaty OR accord)
    ('peace OR war "peace treaty"', {"A treaty"}),
    ('"national archive" OR accord', {"Holdings", "Long report", "An accord"}),  # a phrase or a word
    ('"الارشيف الوطني"', {"تقرير"}),  # normalised and analysed: the hamza and the article as the index has them
]


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["file", "http"])
@pytest.mark.parametrize("edition", ["", "ar/"])
def test_phrases_or_and_not_from_the_address(browser, site, scheme, edition):
    for q, expected in CASES:
        page, errors = open_search(browser, site, scheme, edition, q)
        assert titles(page) == expected, q
        assert page.get_attribute("#search-app", "data-unchecked") == "0", q  # every candidate checked: an exact count
        if not edition:
            assert page.text_content("#search-count").split(" ")[0] == str(len(expected)), q
        assert errors == []
        page.close()


@pytest.mark.browser
@pytest.mark.parametrize("edition", ["", "ar/"])
def test_a_phrase_typed_in_the_box_goes_into_the_address(browser, site, edition):
    page, _ = open_search(browser, site, "file", edition, "national")
    page.fill("#q", '"national archive"')
    page.press("#q", "Enter")
    page.wait_for_function("document.querySelectorAll('#search-results li').length === 2")
    settled(page)
    assert parse_qs(urlsplit(page.url).query)["q"] == ['"national archive"']
    assert titles(page) == {"Holdings", "Long report"}
    page.close()


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["file", "http"])
@pytest.mark.parametrize("edition", ["", "ar/"])
def test_a_count_not_checked_in_full_says_at_most_and_showing_more_checks_more(browser, site, scheme, edition):
    page, errors = open_search(browser, site, scheme, edition, '"alpha beta"')
    shown = titles(page)
    assert len(shown) == 10 and all(int(t.split()[1]) % 2 for t in shown)  # every one shown holds the phrase
    unchecked = int(page.get_attribute("#search-app", "data-unchecked"))
    assert unchecked > 0
    count = page.text_content("#search-count")
    assert count == f"at most {10 + unchecked} results" if not edition else "على الأكثر" in count
    page.click("#search-more")
    page.wait_for_function("document.querySelectorAll('#search-results li').length === 12")
    settled(page)
    assert all(int(t.split()[1]) % 2 for t in titles(page)) and len(titles(page)) == 12
    assert page.get_attribute("#search-app", "data-unchecked") == "0"
    assert edition or page.text_content("#search-count") == "12 results"
    assert errors == []
    page.close()
