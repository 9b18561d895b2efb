"""Search in a real browser (Debian's Chromium via Playwright), from file:// and over http, plus the
Python↔JS analysis parity check and the build-side properties of the index."""

from __future__ import annotations

import functools
import http.server
import itertools
import json
import os
import threading
from pathlib import Path
from urllib.parse import quote

import pytest

from sitegen import search
from sitegen.analysis import form_term, stop_term, terms, tokens
from sitegen.build import build
from sitegen.config import load_config
from sitegen.lunrcompat import stem, utf16_key
from tests.conftest import ROOT

ARABIC_DOC = "documents/2021-10-08-wang-yi-gctf-international-cooperation-ar.html"
XINHUA = "documents/2021-12-23-xinhua-china-calls-for-joint-efforts.html"
TASS = "documents/2021-12-22-tass-russia-ready-to-join-efforts-with-china.html"
INP = "documents/2019-11-06-inp-china-afghanistan-deepen-anti-terrorism-cooperation.html"
SCHOLARS = "documents/2018-12-huang-ren-fu-pakistan-anti-terrorism-achievements.html"


# ---- build side, no browser ----

@pytest.mark.parametrize("word, js_stem", [("money", "money"), ("envoy", "envoy"), ("turkey", "turkey"),
                                           ("survey", "survey"), ("cry", "cri"), ("by", "by"), ("happy", "happi"),
                                           ("countries", "countri"), ("terrorism", "terror")])
def test_english_stems_follow_lunr_js(word, js_stem):
    assert stem(word) == js_stem


def test_terms_sort_in_javascript_order():
    words = ["\ufefb", "😀", "z", "a"]  # U+FEFB sorts after an astral character in code points, before in UTF-16
    assert sorted(words, key=utf16_key) == ["a", "z", "😀", "\ufefb"]


@pytest.mark.parametrize("variant", ["الإرهاب", "الارهاب", "إرهاب", "ارهاب", "الإِرْهَابِ", "والإرهاب", "للإرهاب", "الإرهابية"])
def test_arabic_spellings_share_one_term(variant):
    assert terms(variant) == ["ارهاب"]


def test_punctuation_and_presentation_forms_do_not_make_tokens():
    assert tokens("«terrorism», (ETIM)… \ufefb") == ["terrorism", "etim", "لا"]


def test_ascii_text_splits_as_the_unicode_pattern_does():
    """ASCII text takes a faster path; every ASCII character, between letters and alone, tokenises as
    the letters-and-numbers pattern would."""
    import re
    for c in map(chr, range(128)):
        for text in (f"ab{c}cd", c, f"{c}{c}x9{c}"):
            assert tokens(text) == re.findall(r"[^\W_]+", text.lower()), repr(text)


def test_no_built_file_uses_xhr_or_modules_and_only_the_index_loader_fetches(sample_build):
    """Everything works from file:// (classic scripts); over http the index loader alone fetches, and
    from file:// it loads the same files as scripts (tests/test_search_loading.py)."""
    fetching = {"assets/sitegen-index/load.js", "assets/sitegen-search.all.js"}
    for path in sample_build.rglob("*"):
        if path.suffix in (".js", ".html"):
            text = path.read_text(encoding="utf-8")
            for banned in ("XMLHttpRequest", 'type="module"', "new Worker", "import("):
                assert banned not in text, f"{path} contains {banned}"
            assert "fetch(" not in text or path.relative_to(sample_build).as_posix() in fetching, path


def data_file(path: Path) -> object:
    """The data a search script hands to the page: `window.SITEGEN_SEARCH = {...};` or `SITEGEN_DATA(key, ...);`."""
    text = path.read_text(encoding="utf-8")
    if text.startswith("window.SITEGEN_SEARCH = "):
        return json.loads(text[len("window.SITEGEN_SEARCH = "):-2])
    assert text.startswith("SITEGEN_DATA(") and text.endswith(");\n"), path
    return json.loads(text[text.index(", ") + 2:-3])


def all_terms(out: Path) -> list[str]:
    """Every term of a built index, from its chunks in order."""
    core = data_file(out / "search/core.js")
    return [t for path in search.chunk_paths(core) for t in data_file(out / path)["terms"]]


def test_index_has_every_document_and_scripts_are_classic(sample_build):
    core = data_file(sample_build / "search/core.js")
    assert core["documents"] == len(list((ROOT / "content/documents").glob("*.md")))
    terms = all_terms(sample_build)
    assert terms == sorted(terms, key=utf16_key) and len(terms) == len(set(terms))
    chunks = [data_file(sample_build / path)["terms"] for path in search.chunk_paths(core)]
    for separator, chunk, before in zip(core["chunks"], chunks, [[""]] + chunks):  # separators split the chunks
        assert chunk[0].startswith(separator) and utf16_key(before[-1]) < utf16_key(separator) or separator == ""
    groups = [t for path in search.chunk_paths(core) if (sample_build / path.replace("/t/", "/k/")).exists()
              for t in data_file(sample_build / path.replace("/t/", "/k/"))]
    assert groups == [t for t in terms if not t.startswith("=")]  # the term lists fuzzy clauses read: every term but form terms
    assert "=countries" in terms and "=must" not in groups
    assert len(list((sample_build / "search/r").glob("*.js"))) == core["documents"]


def test_body_depth_is_configurable(make_site, tmp_path):
    docs = {f"content/documents/d{i}.md": f"---\ntitle: T{i}\ndate: 2020\nsource: S\nlanguage: en\nsummary: s\n---\n"
            f"alpha beta gamma uniqueword{i}\n" for i in range(5)}
    root = make_site(docs)
    (root / "sitegen.yaml").write_text((root / "sitegen.yaml").read_text() + "search:\n  body: 2\n")
    build(load_config(root / "sitegen.yaml"), out=tmp_path / "out")
    terms = all_terms(tmp_path / "out")
    assert "uniqueword1" not in terms and "alpha" in terms and "gamma" not in terms


# ---- in the browser ----

@pytest.fixture(scope="session")
def http_root(sample_build):
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(Quiet, directory=str(sample_build))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(params=["file", "http"])
def site_url(request, sample_build, http_root):
    return sample_build.as_uri() if request.param == "file" else http_root


@pytest.fixture
def page(browser):
    context = browser.new_context()
    page = context.new_page()
    page.errors = []
    page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    yield page
    context.close()


def results(page, base: str, query: str) -> list[str]:
    page.goto(f"{base}/search.html?q={quote(query)}")
    page.wait_for_function("document.getElementById('search-count').textContent.length > 0"
                           " && document.getElementById('search-app').getAttribute('aria-busy') === 'false'", timeout=10_000)
    hrefs = page.eval_on_selector_all("#search-results a.doc-title", "els => els.map(e => e.getAttribute('href'))")
    assert page.errors == []
    return hrefs


@pytest.mark.browser
def test_english_query_finds_the_right_documents(page, site_url):
    assert set(results(page, site_url, "Syromolotov")) == {TASS, XINHUA}
    assert results(page, site_url, "detention camp Xinjiang") == [INP]
    assert results(page, site_url, "Pompeo’s “detention camp”,") == [INP]  # quotes and punctuation are not syntax


@pytest.mark.browser
@pytest.mark.parametrize("query", ["المنتدى العالمي", "منتدى", "الإِرْهَابِ السيبراني", "إرهاب سيبراني", "الارهاب السيبراني",
                                   "الناشئة", "التِّقْنِيَّات", "وانغ"])
def test_arabic_spelling_variants_find_the_arabic_document(page, site_url, query):
    found = results(page, site_url, query)
    assert ARABIC_DOC in found, (query, found)


@pytest.mark.browser
def test_an_actors_arabic_alias_finds_documents_tagged_with_it(page, site_url):
    assert set(results(page, site_url, "داعش")) == {XINHUA, SCHOLARS}
    assert set(results(page, site_url, "وانغ يي")) == {ARABIC_DOC, SCHOLARS}


@pytest.mark.browser
def test_facets_narrow_results_and_show_counts(page, site_url):
    everything = results(page, site_url, "terrorism")
    assert len(everything) == 5
    arabic = page.locator("fieldset[data-facet=language] label", has_text="Arabic")
    assert arabic.locator(".count").text_content() == "1"
    arabic.locator("input").check()
    hrefs = page.eval_on_selector_all("#search-results a.doc-title", "els => els.map(e => e.getAttribute('href'))")
    assert hrefs == [ARABIC_DOC]
    assert page.locator("#search-count").text_content().startswith("1 result")
    page.locator("fieldset[data-facet=language] label", has_text="Arabic").locator("input").uncheck()
    page.locator("fieldset[data-facet=year] label", has_text="2021").locator("input").check()
    assert len(page.eval_on_selector_all("#search-results li", "els => els")) == 3
    page.wait_for_function("document.getElementById('search-status').textContent.startsWith('3 results')")


@pytest.mark.browser
def test_result_links_open_the_right_page(page, site_url):
    results(page, site_url, "Geng Shuang")
    page.click("#search-results a.doc-title")
    page.wait_for_load_state()
    assert page.url.endswith(INP)
    assert page.locator("h1").text_content().startswith("China, Afghanistan to deepen")


@pytest.mark.browser
def test_last_word_matches_as_a_prefix_while_typing(page, site_url):
    page.goto(f"{site_url}/search.html")
    page.wait_for_function("document.getElementById('search-app').getAttribute('aria-busy') === 'false'")
    page.locator("#q").press_sequentially("Syromol", delay=20)
    page.wait_for_function("document.querySelectorAll('#search-results li').length === 2")
    page.locator("#q").fill("")
    page.locator("#q").press_sequentially("countries", delay=10)  # stem "countri": still matches when complete
    page.wait_for_function("document.querySelectorAll('#search-results li').length >= 3")
    assert page.errors == []


@pytest.mark.browser
def test_raw_lunr_syntax_still_works(page, site_url):
    assert results(page, site_url, "title:xinjiang") == []
    assert results(page, site_url, "title:pakistan") == [SCHOLARS]
    assert set(results(page, site_url, "+syromolotov -xinhua")) == {TASS}


@pytest.mark.browser
def test_header_form_searches_from_any_page(page, site_url):
    page.goto(f"{site_url}/{ARABIC_DOC}")
    page.fill("#site-search", "Hedayah")
    page.press("#site-search", "Enter")
    page.wait_for_function("document.querySelectorAll('#search-results li').length === 1")
    assert page.url.split("?")[0].endswith("/search.html")
    assert page.errors == []


@pytest.mark.browser
def test_hostile_titles_and_queries_render_as_text(browser, make_site, tmp_path):
    root = make_site({"content/documents/evil.md": "---\ntitle: '\"><img src=x onerror=alert(1)>'\ndate: 2021\n"
                      "source: Wire\nlanguage: en\nsummary: '<b>bold</b> onerror'\n---\nBody <img src=x onerror=alert(2)>\n"})
    build(load_config(root / "sitegen.yaml"), out=tmp_path / "out")
    page = browser.new_page()
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto((tmp_path / "out/search.html").as_uri() + "?q=" + quote('"><img src=x onerror=alert(1)>'))
    page.wait_for_function("document.querySelectorAll('#search-results li').length === 1")
    assert page.locator("#search-results a.doc-title").text_content() == '"><img src=x onerror=alert(1)>'
    assert page.locator("#search-results img").count() == 0 and dialogs == []
    page.close()


@pytest.mark.browser
def test_js_analysis_gives_exactly_the_python_terms(browser, sample_build):
    words_file = Path("/usr/share/dict/words")
    if not words_file.exists():
        if os.environ.get("CI"):
            pytest.fail("CI must install wamerican for the parity word list")
        pytest.skip("no /usr/share/dict/words")
    english = [w for w in words_file.read_text(encoding="utf-8").split() if w.isascii()]
    words = english + arabic_forms() + ["Día", "Москва", "2021", "ﻻ", "ﺍﻹﺭﻫﺎﺏ", "x²", "ﬁnance", "İstanbul"]
    page = browser.new_page()
    page.goto((sample_build / "search.html").as_uri())
    js = page.evaluate("""words => { const A = window.sitegenAnalysis;
        return words.map(w => A.analyse(w).join(' ') + '|' + A.tokens(w).map(t => A.formFor(t) + ',' + A.stopFor(t)).join(' ')); }""", words)
    python = [" ".join(terms(w)) + "|" + " ".join(f"{form_term(t)},{stop_term(t)}" for t in tokens(w)) for w in words]
    mismatches = [(w, p, j) for w, p, j in zip(words, python, js) if p != j]
    assert mismatches == [], mismatches[:20]
    assert len(words) > 100_000 and len(arabic_forms()) > 5_000
    page.close()


def arabic_forms() -> list[str]:
    """Thousands of Arabic word forms: stems from the seed text with prefixes, suffixes and diacritics."""
    text = (ROOT / "content/documents/2021-10-08-wang-yi-gctf-international-cooperation-ar.md").read_text(encoding="utf-8")
    stems = sorted({t for t in tokens(text) if len(t) > 2 and "\u0600" <= t[0] <= "\u06ff"})
    prefixes = ["", "و", "ال", "وال", "بال", "لل", "ف", "ك"]
    suffixes = ["", "ة", "ات", "ين", "ون", "ها", "ية", "ي", "ى"]
    forms = {p + s + x for s, p, x in itertools.product(stems[:120], prefixes, suffixes)}
    forms |= {"إ" + s[1:] for s in stems} | {s[:2] + "\u064e" + s[2:] + "\u0651" for s in stems} | {s + "\u0640" for s in stems}
    return sorted(forms)
