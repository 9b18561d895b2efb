"""The reader's page (issue 22): locale-correct counts and dates (CLDR through Babel), one date order in
every listing, each listed item aligned by its own language, and the document's text on a phone's
first screen. The browser tests use Debian's Chromium, as the other browser tests do."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sitegen import l10n, ui
from sitegen.build import build
from sitegen.config import load_config
from sitegen.dates import parse_date
from sitegen.errors import BuildFailed
from tests.conftest import ROOT, site_config

EN_DOC = "documents/2021-12-23-xinhua-china-calls-for-joint-efforts.html"  # the longest front matter
AR_DOC = "documents/2021-10-08-wang-yi-gctf-international-cooperation-ar.html"
PHONE = {"width": 390, "height": 844}
TWO = site_config(extra="languages: [en, ar]\n")


# --- counts, numbers and dates -------------------------------------------------------------------

@pytest.mark.parametrize("n, words", [(0, "لا نتائج"), (1, "نتيجة واحدة"), (2, "نتيجتان"), (5, "5 نتائج"),
                                      (10, "10 نتائج"), (11, "11 نتيجة"), (99, "99 نتيجة"), (100, "100 نتيجة"),
                                      (103, "103 نتائج"), (1000, "1,000 نتيجة")])
def test_arabic_counts_take_the_plural_form_cldr_gives(n, words):
    assert l10n.count("results", n, "ar").replace("٬", ",") == words


def test_english_counts_and_arabic_document_counts():
    assert [l10n.count("count_documents", n, "en") for n in (0, 1, 2, 1234)] == [
        "0 documents", "1 document", "2 documents", "1,234 documents"]
    assert [l10n.count("count_documents", n, "ar") for n in (1, 2, 3)] == ["وثيقة واحدة", "وثيقتان", "3 وثائق"]


def test_every_count_table_has_an_other_form_and_only_cldr_categories():
    categories = {"zero", "one", "two", "few", "many", "other"}
    for lang, table in ui.STRINGS.items():
        for key in ("count_documents", "results", "shared_terms", "more_terms"):
            assert "other" in table[key] and set(table[key]) <= categories, (lang, key)


def test_dates_in_each_editions_words_and_digits():
    day, month, year = parse_date("2021-12-23"), parse_date("2019-11"), parse_date("2018~")
    assert l10n.date_text(day, "en") == "December 23, 2021"
    assert l10n.date_text(day, "ar") == "23 ديسمبر 2021"
    assert l10n.date_text(day, "ar", "native") == "٢٣ ديسمبر ٢٠٢١"
    assert l10n.date_text(month, "ar") == "نوفمبر 2019" and l10n.date_text(month, "en") == "November 2019"
    assert l10n.date_text(year, "en") == "c. 2018" and l10n.date_text(year, "ar") == "نحو 2018"
    assert l10n.date_text(parse_date("2021-10-08?"), "ar") == "8 أكتوبر 2021؟"
    assert l10n.date_note(parse_date("2021-10-08%"), "en").count(";") == 1  # both meanings said
    assert l10n.number(1234, "ar", "native") == "١٬٢٣٤" and l10n.number(1234, "en", "native") == "1,234"


def test_a_third_language_is_a_strings_table(monkeypatch):
    """French words only: its plural rule (0 and 1 are singular) and month names come from CLDR."""
    french = dict(ui.STRINGS["en"], count_documents={"one": "{n} document", "many": "{n} de documents",
                                                     "other": "{n} documents"},
                  date_approximate="vers {date}", date_uncertain="{date} ?")
    monkeypatch.setitem(ui.STRINGS, "fr", french)
    assert [l10n.count("count_documents", n, "fr") for n in (0, 1, 2)] == ["0 document", "1 document", "2 documents"]
    assert l10n.date_text(parse_date("2021-12-23?"), "fr") == "23 décembre 2021 ?"
    assert l10n.date_text(parse_date("2019-11~"), "fr") == "vers novembre 2019"


# --- one order for dates -------------------------------------------------------------------------

def _key(iso: str) -> tuple[int, int, int]:
    parts = [int(p) for p in iso.split("-")] + [1, 1]
    return tuple(parts[:3])


def listed_dates(page: Path) -> list[list[tuple[int, int, int]]]:
    """The dates of each document listing on a page, in the order shown."""
    html = page.read_text(encoding="utf-8")
    return [[_key(d) for d in re.findall(r'<span class="meta"[^>]*><time datetime="([^"]+)"', block)]
            for block in re.findall(r'<ol class="doc-list">(.*?)</ol>', html, re.S)]


def listing_pages(out: Path) -> list[Path]:
    pages = [p for p in out.rglob("*.html") if "documents" not in p.parts or p.parent != out / "documents"]
    return [p for p in pages if "doc-list" in p.read_text(encoding="utf-8")]


@pytest.mark.parametrize("order", ["newest", "oldest"])
def test_every_listing_runs_in_the_configured_order(tmp_path, order):
    config = (ROOT / "sitegen.yaml").read_text(encoding="utf-8") + f"\norder: {order}\n"
    (tmp_path / "sitegen.yaml").write_text(config.replace("content: content", f"content: {ROOT / 'content'}")
                                           .replace("templates: templates", f"templates: {ROOT / 'templates'}")
                                           .replace("assets: assets", f"assets: {ROOT / 'assets'}"), encoding="utf-8")
    out = tmp_path / "build"
    build(load_config(tmp_path / "sitegen.yaml", environ={}), out=out)
    pages = listing_pages(out)
    assert len(pages) > 60  # home, chronology, sources and every term page, both editions
    for page in pages:
        if page.name.startswith("20"):
            continue  # a document's related list runs by relevance
        for dates in listed_dates(page):
            assert dates == sorted(dates, reverse=order == "newest"), (page, dates)
    # the chronology: the whole page in one direction, years, months and days alike
    for chronology in (out / "chronology.html", out / "ar/chronology.html"):
        everything = [d for dates in listed_dates(chronology) for d in dates]
        assert len(everything) == 5 and everything == sorted(everything, reverse=order == "newest")
        years = re.findall(r'<h2 id="y(\d{4})">', chronology.read_text(encoding="utf-8"))
        assert years == sorted(years, reverse=order == "newest")


def test_a_terms_pages_run_in_order_across_pagination(make_site):
    docs = {f"content/documents/d{n}.md": f"---\ntitle: Report {n}\ndate: 2020-0{n}-01\nsource: Wire\nlanguage: en\n"
            f"actors: [Wang Yi]\n---\nText {n}.\n" for n in range(1, 6)}
    root = make_site(docs, config=site_config(extra="page_size: 2\n"))
    build(load_config(root / "sitegen.yaml"))
    actor = root / "build/actors"
    pages = [actor / "wang-yi.html"] + [actor / f"wang-yi/page-{n}.html" for n in range(2, 5)]
    shown = [d for page in pages for dates in listed_dates(page) for d in dates]
    assert not (actor / "wang-yi/page-5.html").exists() and len(shown) == 7  # with the base fixture's two
    assert shown == sorted(shown, reverse=True) and [d[1] for d in shown if d[0] == 2020] == [5, 4, 3, 2, 1]


def test_an_order_the_config_does_not_know_is_an_error_at_its_line(make_site):
    root = make_site({}, config=site_config(extra="order: random\n"))
    with pytest.raises(BuildFailed) as failed:
        load_config(root / "sitegen.yaml")
    (problem,) = failed.value.diagnostics
    assert problem.line == 7 and "newest or oldest" in problem.message


def test_term_page_counts_and_more_terms(make_site):
    actors = {f"content/actors/a{n:02d}.md": f"---\nnames: {{en: Actor {n}}}\n---\n" for n in range(33)}
    doc = ("---\ntitle: Many actors\ndate: 2020-01-01\nsource: Wire\nlanguage: en\nactors: ["
           + ", ".join(f"a{n:02d}" for n in range(33)) + "]\n---\nText.\n")
    root = make_site(actors | {"content/documents/many.md": doc}, config=TWO)
    build(load_config(root / "sitegen.yaml"))
    page = (root / "build/actors/a00.html").read_text(encoding="utf-8")
    assert '<h2 id="docs">1 document</h2>' in page
    assert '<a href="index.html">and 2 more</a>' in page  # 32 others, 30 shown
    arabic = (root / "build/ar/actors/a00.html").read_text(encoding="utf-8")
    assert '<h2 id="docs">وثيقة واحدة</h2>' in arabic and '<a href="index.html">واثنان آخران</a>' in arabic


# --- in Chromium ---------------------------------------------------------------------------------

FIRST_LINE = """() => {
  const body = document.querySelector('.document .body');
  const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT,
    {acceptNode: n => n.textContent.trim() ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_REJECT});
  const range = document.createRange(); range.selectNodeContents(walker.nextNode());
  return range.getClientRects()[0].top;
}"""


@pytest.mark.browser
@pytest.mark.parametrize("doc", [EN_DOC, AR_DOC])
def test_the_first_line_of_the_text_is_on_a_phones_first_screen(browser, sample_build, doc):
    page = browser.new_page(viewport=PHONE)
    try:
        page.goto((sample_build / doc).as_uri())
        assert page.evaluate(FIRST_LINE) < PHONE["height"]
        # provenance comes after the text on a phone, beside it on a wide screen
        body, panel = page.locator(".document .body").bounding_box(), page.locator(".panel").bounding_box()
        assert panel["y"] >= body["y"] + body["height"]
        page.set_viewport_size({"width": 1280, "height": 900})
        body, panel = page.locator(".document .body").bounding_box(), page.locator(".panel").bounding_box()
        assert abs(panel["y"] - body["y"]) < 2
        beside = panel["x"] >= body["x"] + body["width"] if doc == EN_DOC else panel["x"] + panel["width"] <= body["x"]
        assert beside
    finally:
        page.close()


ALIGNMENT = """sel => [...document.querySelectorAll(sel)].map(li => {
  const box = li.getBoundingClientRect(), edges = [];
  for (const part of li.querySelectorAll('.doc-title, .summary, .result-snippet, .meta')) {
    const range = document.createRange(), lines = new Map(); range.selectNodeContents(part);
    for (const r of range.getClientRects()) {  // a line's extent: its leftmost and rightmost box
      if (r.width < 1) continue;
      const key = Math.round(r.bottom / 4), line = lines.get(key) || [Infinity, -Infinity];
      lines.set(key, [Math.min(line[0], r.left), Math.max(line[1], r.right)]);
    }
    for (const [l, r] of lines.values()) edges.push([l - box.left, box.right - r]);
  }
  return {dir: getComputedStyle(li).direction, lang: li.lang, edges};
})"""


def assert_aligned(items: list[dict], page_dir: str) -> None:
    """Every line of each item hugs its own side: an RTL item's lines end at the right edge."""
    seen = set()
    for item in items:
        side = 1 if item["dir"] == "rtl" else 0
        assert item["edges"] and all(edge[side] < 2 for edge in item["edges"]), item
        seen.add(item["dir"])
    assert seen == {"ltr", "rtl"}  # the listing really mixes both


@pytest.mark.browser
@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("edition", ["", "ar/"])
def test_each_listed_item_is_aligned_by_its_own_language(browser, sample_build, edition, width):
    page = browser.new_page(viewport={"width": width, "height": 900})
    try:
        for listing in ("index.html", "chronology.html", "actors/wang-yi.html"):
            page.goto((sample_build / edition / listing).as_uri())
            assert_aligned(page.evaluate(ALIGNMENT, ".doc-list > li[lang]"), "rtl" if edition else "ltr")
        page.goto((sample_build / EN_DOC).as_uri())
        assert_aligned(page.evaluate(ALIGNMENT, ".related .doc-list > li[lang]"), "ltr")
        query = "الصين" if edition else "china"
        page.goto((sample_build / edition / "search.html").as_uri() + f"?q={query}")
        page.wait_for_selector("#search-results li")
        assert_aligned(page.evaluate(ALIGNMENT, "#search-results > li"), "rtl" if edition else "ltr")
        count = page.inner_text("#search-count")
        assert count == ("5 نتائج" if edition else "5 results")  # CLDR's plural form, from the script
    finally:
        page.close()


def test_native_digits_reach_the_arabic_edition_and_its_search_script(make_site):
    root = make_site({}, config=site_config(extra="languages: [en, ar]\ndigits: native\n"))
    build(load_config(root / "sitegen.yaml"))
    arabic, english = ((root / "build/ar/chronology.html").read_text(encoding="utf-8"),
                       (root / "build/chronology.html").read_text(encoding="utf-8"))
    assert re.search(r'<h2 id="y\d{4}">[٠-٩]{4}</h2>', arabic) and not re.search("[٠-٩]", english)
    # the search script writes counts with them (l10n.number_format)
    search = (root / "build/ar/search.html").read_text(encoding="utf-8")
    assert "٠١٢٣٤٥٦٧٨٩" in search and "٠١٢٣٤٥٦٧٨٩" not in (root / "build/search.html").read_text(encoding="utf-8")


@pytest.mark.browser
@pytest.mark.parametrize("edition", ["", "ar/"])
def test_the_header_is_one_row_wide_and_usable_on_a_phone(browser, sample_build, edition):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        # a document, and the pages whose menu item is marked as the current one (Chronology the longest)
        for path in (AR_DOC if edition else EN_DOC, f"{edition}chronology.html", f"{edition}actors/index.html"):
            page.goto((sample_build / path).as_uri())  # English labels are the longer
            rows = page.evaluate("""() => [...document.querySelector('.site-header .wrap').children]
                                    .map(e => Math.round(e.getBoundingClientRect().top))""")
            assert max(rows) - min(rows) < 12, (path, rows)  # title, menu, search and language switch side by side
        page.set_viewport_size(PHONE)
        field = page.locator(".site-header input[type=search]").bounding_box()
        assert field["width"] >= 200  # the search field spans the phone's width, not squeezed
        assert page.locator(".site-header").bounding_box()["height"] < PHONE["height"] / 3
    finally:
        page.close()


def test_the_chronology_explains_the_date_marks_it_uses(sample_build):
    english = (sample_build / "chronology.html").read_text(encoding="utf-8")
    arabic = (sample_build / "ar/chronology.html").read_text(encoding="utf-8")
    assert '<p class="legend"><span><b>?</b> uncertain: the archivist could not confirm this date</span></p>' in english
    assert "<b>؟</b> تاريخ غير مؤكد" in arabic
    assert "<b>c.</b>" not in english  # the sample has no approximate date: no mark explained that is not used
