"""Phrases and OR (issue 23): `"exact phrase"` keeps the documents holding its words one after another
in their title or body (the index matches the words, the page checks their places on the positions
the index keeps beside each term chunk, search/p/, loaded only for a phrase's words; a stop word
keeps its place), `a OR b` takes either, `-word` and `-"a phrase"` exclude; the same from the box and
the address, in both editions, from file:// and over http, with exact counts."""

from __future__ import annotations

import collections
from urllib.parse import parse_qs, quote, urlsplit

import pytest

from sitegen import searchindex
from tests.conftest import served_build
from tests.test_search_address import settled

FILLER = " ".join(f"filler{i}" for i in range(300))  # a long body: the phrase far from its start


def doc(name: str, title: str, body: str, language: str = "en", source: str = "Wire") -> tuple[str, str]:
    return (f"content/documents/{name}.md",
            f"---\ntitle: {title}\ndate: 2019-05-01\nsource: {source}\nlanguage: {language}\n---\n{body}\n")


DOCS = dict([
    doc("adjacent", "Holdings", "The national archive of Syria holds records."),
    doc("apart", "Records", "The archive keeps national records and more."),
    doc("late", "Long report", f"{FILLER} Here the national archives are named at last."),  # archives: the same term
    doc("titled", "The National Archive", "Its records, kept."),  # the phrase in the title alone
    doc("across", "A report national", "Archive boxes, counted."),  # title's end and body's start: no phrase
    doc("treaty", "A treaty", "The peace treaty was signed."),
    doc("accord", "An accord", "The peace accord was signed."),
    doc("war", "War", "The war treaty was broken."),
    doc("press", "Freedom", "Freedom of the press is the subject."),  # freedom at 0, press at 3
    doc("press-near", "Near", "Freedom press, they said."),  # press right after freedom: not "freedom of the press"
    doc("press-turned", "Turned", "The press of the freedom fighters."),
    doc("ar-near", "تقرير", "يحفظ الأرشيف الوطني السجلات.", "ar"),
    doc("ar-apart", "تقرير آخر", "الوطني هو من يحفظ الأرشيف.", "ar"),
    doc("ar-stop", "تقرير ثالث", "حرية في الصحافة مضمونة.", "ar"),  # في: a stop word between
    *(doc(f"pair-{i:02d}", f"Pair {i}", "alpha beta" if i % 2 else "beta then alpha", source="Pairs") for i in range(24)),
])


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """Built with a term's positions a file of its own from 3 body positions (archive, national, peace,
    alpha, beta...), so phrases read both kinds of position file."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(searchindex, "ALONE", 3)
        with served_build(tmp_path_factory.mktemp("operators") / "site", DOCS) as served:
            yield served


def titles(page) -> set[str]:
    return set(page.eval_on_selector_all("#search-results a.doc-title", "els => els.map(e => e.textContent)"))


def open_search(browser, site, scheme: str, edition: str, q: str):
    out, http_root = site
    base = (out.as_uri() if scheme == "file" else http_root) + "/" + edition
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    loaded: list[str] = []
    page.on("request", lambda r: loaded.append(r.url.split("/search/", 1)[1]) if "/search/" in r.url else None)
    page.goto(f"{base}search.html?q={quote(q)}")
    settled(page)
    return page, errors, loaded


CASES = [
    ('"national archive"', {"Holdings", "Long report", "The National Archive"}),  # not "Records", nor across title and body
    ('"national archive" -syria', {"Long report", "The National Archive"}),
    ('archive -"national archive"', {"Records", "A report national"}),  # the phrase excluded, not its words
    ('"freedom of the press"', {"Freedom"}),  # a stop word keeps its place: "freedom press" is not it
    ('"freedom press"', {"Near"}),
    ('"archive of syria"', {"Holdings"}),  # read from its rarer word (syria), the first word's places checked
    ('"national archive of syria"', {"Holdings"}),
    ('"the national archive" -"archive of syria"', {"Long report", "The National Archive"}),
    ("treaty OR accord", {"A treaty", "An accord", "War"}),
    ("peace treaty OR accord", {"A treaty", "An accord"}),  # peace AND (treaty OR accord)
    ('peace OR war "peace treaty"', {"A treaty"}),
    ('"national archive" OR accord', {"Holdings", "Long report", "The National Archive", "An accord"}),  # a phrase or a word
    ('"الارشيف الوطني"', {"تقرير"}),  # normalised and analysed: the hamza and the article as the index has them
    ('"حرية في الصحافة"', {"تقرير ثالث"}),
    ('"حرية الصحافة"', set()),  # one word apart in the text
]


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["file", "http"])
@pytest.mark.parametrize("edition", ["", "ar/"])
def test_phrases_or_and_not_from_the_address(browser, site, scheme, edition):
    for q, expected in CASES:
        page, errors, loaded = open_search(browser, site, scheme, edition, q)
        assert titles(page) == expected, q
        if not edition:  # (an Arabic count's words depend on the number: two is a word of its own)
            assert page.text_content("#search-count") == f"{len(expected)} result{'s' * (len(expected) != 1)}", q
        assert ('"' in q) == any(p.startswith("p/") for p in loaded), q  # positions only for a phrase
        if q == '"national archive"':
            assert {p.count("-") for p in loaded if p.startswith("p/")} == {1}  # common words: files of their own
        if q == '"حرية في الصحافة"':
            assert {p.count("-") for p in loaded if p.startswith("p/")} == {0}  # rare words: their chunks' files
        assert not any(p.startswith("x/") for p in loaded)
        assert errors == []
        page.close()


@pytest.mark.browser
@pytest.mark.parametrize("edition", ["", "ar/"])
def test_a_phrase_typed_in_the_box_goes_into_the_address_and_back_returns(browser, site, edition):
    page, _, _ = open_search(browser, site, "file", edition, "national")
    before = titles(page)
    page.fill("#q", '"national archive"')
    page.press("#q", "Enter")
    page.wait_for_function("document.querySelectorAll('#search-results li').length === 3")
    settled(page)
    assert parse_qs(urlsplit(page.url).query)["q"] == ['"national archive"']
    assert titles(page) == {"Holdings", "Long report", "The National Archive"}
    page.go_back()
    page.wait_for_function("document.getElementById('q').value === 'national'")
    settled(page)
    assert titles(page) == before and len(before) > 3
    page.close()


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["file", "http"])
@pytest.mark.parametrize("edition", ["", "ar/"])
def test_a_phrase_over_many_candidates_counts_exactly(browser, site, scheme, edition):
    """24 documents hold both words, 12 the phrase: every candidate is checked before facets and paging."""
    page, errors, _ = open_search(browser, site, scheme, edition, '"alpha beta"')
    shown = titles(page)
    assert len(shown) == 10 and all(int(t.split()[1]) % 2 for t in shown)  # every one shown holds the phrase
    assert edition or page.text_content("#search-count") == "12 results"
    pairs = page.locator("fieldset[data-facet=source] label", has_text="Pairs").locator(".count")
    assert pairs.text_content() == "12"
    page.click("#search-more")
    page.wait_for_function("document.querySelectorAll('#search-results li').length === 12")
    settled(page)
    assert all(int(t.split()[1]) % 2 for t in titles(page)) and len(titles(page)) == 12
    assert errors == []
    page.close()


# A phrase's few results, more than a page shows, in an archive whose documents carry many facet values:
# their facets are counted from their records (what counting them needs, and fewer bytes than the rows of
# every document or the value lists their words' bounds leave open), every count exact, and no row, value
# list or label file is loaded.
CROWD = [f"Person {i:03d}" for i in range(400)]
MANY = dict(
    (f"content/documents/crowd-{i:03d}.md",
     "---\n" + f"title: Crowd {i}\ndate: 2019-05-01\nsource: {'Pairs' if i < 24 else 'Crowds'}\nlanguage: en\n"
     + "actors: [" + ", ".join(["Phrase Holder" if i < 12 else "Other Holder"] * (i < 24)
                               + [CROWD[(i * 7 + k * 13) % len(CROWD)] for k in range(20)]) + "]\n---\n"
     + ("gamma delta here." if i < 12 else "delta then gamma." if i < 24 else "Crowded text.") + "\n")
    for i in range(300))
MANY.update((f"content/actors/{name.lower().replace(' ', '-')}.md", f"---\nnames:\n  en: {name}\nkind: person\n---\n")
            for name in CROWD + ["Phrase Holder", "Other Holder"])


@pytest.fixture(scope="module")
def crowded(tmp_path_factory):
    with served_build(tmp_path_factory.mktemp("crowded") / "site", MANY) as served:
        yield served


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["file", "http"])
@pytest.mark.parametrize("edition", ["", "ar/"])
def test_a_phrase_with_a_few_results_counts_facets_from_their_records(browser, crowded, scheme, edition):
    page, errors, loaded = open_search(browser, crowded, scheme, edition, '"gamma delta"')
    assert len(titles(page)) == 10 and all(int(t.split()[1]) < 12 for t in titles(page))
    counts = page.eval_on_selector_all("fieldset[data-facet=actors] label", """els => Object.fromEntries(els.map(e =>
        [e.textContent.replace(e.querySelector('.count').textContent, '').trim(), e.querySelector('.count').textContent]))""")
    assert counts.get("Phrase Holder") == "12" and "Other Holder" not in counts
    expected = collections.Counter(CROWD[(i * 7 + k * 13) % len(CROWD)] for i in range(12) for k in range(20))
    assert all(int(count) == (12 if name == "Phrase Holder" else expected[name]) for name, count in counts.items()), counts
    assert len({p for p in loaded if p.startswith("r/")}) == 12  # the records of every result, none more
    assert not any(p.split("/")[0] in ("f", "v", "l", "s") for p in loaded), loaded  # no rows, value lists nor labels
    assert errors == []
    page.close()


ASKED = """(() => {  // the position files asked for when the first term chunk arrives (its data, SITEGEN_DATA)
  let real = null;
  window.askedBeforeChunks = null;
  window.fetched = [];  // over http the index files are fetched, from file:// script elements
  const fetchNow = window.fetch;
  window.fetch = function (url, ...rest) { window.fetched.push(new URL(url, location.href).href); return fetchNow.call(this, url, ...rest); };
  window.askedFor = part => Array.from(document.scripts, s => s.src).concat(window.fetched).filter(s => s.includes(part))
    .map(s => s.split('/search/')[1]);
  Object.defineProperty(window, 'SITEGEN_DATA', { configurable: true, set(f) { real = f; }, get() {
    return real && function (key, data) {
      if (window.askedBeforeChunks === null && key.startsWith('t/')) window.askedBeforeChunks = window.askedFor('/search/p/');
      return real(key, data);
    };
  } });
})();"""


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["file", "http"])
@pytest.mark.parametrize("edition", ["", "ar/"])
def test_a_phrases_positions_are_asked_for_with_its_chunks(browser, site, scheme, edition):
    """One round: the core says which words have a position file of their own (`own`), so every
    position file a phrase needs is asked for before any of its chunks arrives, files of their own
    (common words) and chunks' files (rare words) alike."""
    out, http_root = site
    for q, own in (('"national archive"', {1}), ('"حرية في الصحافة"', {0}), ('"national archive" -"war treaty"', {0, 1})):
        page = browser.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.add_init_script(ASKED)
        page.goto(f"{(out.as_uri() if scheme == 'file' else http_root)}/{edition}search.html?q={quote(q)}")
        settled(page)
        asked = page.evaluate("window.askedBeforeChunks")
        loaded = page.evaluate("window.askedFor('/search/p/')")
        assert asked and sorted(asked) == sorted(loaded), (q, asked, loaded)
        assert {p.count("-") for p in loaded} == own, q
        assert titles(page) and errors == [], q
        page.close()


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["file", "http"])
def test_a_phrase_of_a_word_the_index_lacks_whose_hash_is_in_the_set(browser, site, scheme):
    """A word the index lacks may hash as one with a position file of its own: the page asks for a
    file that is not there, finds the word absent from its chunk, and shows no result, without error."""
    from sitegen import analysis
    from tests.test_search import data_file
    out, http_root = site
    spec = data_file(out / "search/core.js")["own"]
    hashes = searchindex.own_hashes(spec)
    analysis.prepare()
    word = next(w for i in range(100_000) for w in [f"zq{i}x"]
                if analysis.term_for(w) == w and searchindex.term_hash(w) & spec["m"] - 1 in hashes)
    page, errors, loaded = open_search(browser, site, scheme, "", f'"national {word}"')
    assert any(p.startswith("p/") and p.endswith(f"-{searchindex.chunk_name(word)}.js") for p in loaded), loaded  # asked for
    assert titles(page) == set() and errors == []
    assert "0" in page.text_content("#search-count") or "No" in page.text_content("#search-count"), page.text_content("#search-count")
    page.close()
