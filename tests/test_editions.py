"""Both languages throughout: one edition of the site's own pages per language in `languages`, a
language switch and hreflang alternates on every page, registry names and descriptions per language,
and text in another language than the page's marked with its own `lang` and `dir`."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from sitegen import ui
from sitegen.build import build
from sitegen.config import load_config
from sitegen.errors import BuildFailed
from tests.conftest import ROOT, document, site_config

AR_DOC = "documents/2021-10-08-wang-yi-gctf-international-cooperation-ar.html"
EN_DOC = "documents/2021-12-23-xinhua-china-calls-for-joint-efforts.html"
TWO = site_config(extra="languages: [en, ar]\n")
BASE = "https://archive.example.org/"
TWO_ONLINE = site_config(extra=f"languages: [en, ar]\nbase_url: {BASE}\n")


class Page(HTMLParser):
    """The parts of a page these tests read: <html> attributes, alternates, the language switch."""

    def __init__(self, path: Path):
        super().__init__()
        self.path, self.html, self.alternates, self.switch, self._in_switch = path, {}, {}, {}, False
        self.feed(path.read_text(encoding="utf-8"))

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.html = a
        elif tag == "link" and a.get("rel") == "alternate" and "hreflang" in a:
            self.alternates[a["hreflang"]] = a["href"]
        elif tag == "nav" and "languages" in (a.get("class") or ""):
            self._in_switch = True
        elif tag == "a" and self._in_switch:
            assert a["hreflang"] == a["lang"]
            self.switch[a["hreflang"]] = a["href"]

    def handle_endtag(self, tag):
        if tag == "nav":
            self._in_switch = False

    def target(self, href: str) -> Path:
        """The file a link leads to: relative, or (hreflang alternates) absolute under BASE."""
        if href.startswith(BASE):
            return (self.site / href[len(BASE):]).resolve()
        return (self.path.parent / href).resolve()

    @property
    def site(self) -> Path:
        return next(p for p in self.path.parents if p.name == "build")


def text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def test_arabic_edition_has_every_index_in_arabic_listing_documents_of_every_language(sample_build):
    for page in ("index.html", "chronology.html", "sources.html", "search.html", "actors/index.html",
                 "topics/index.html", "actors/wang-yi.html", "topics/xinjiang.html"):
        parsed = Page(sample_build / "ar" / page)
        assert parsed.html == {"lang": "ar", "dir": "rtl"}, page
    chronology = text(sample_build / "ar/chronology.html")
    assert "التسلسل الزمني" in chronology and 'aria-label="الموقع"' in chronology
    for doc in sorted((sample_build / "documents").glob("*.html")):
        assert f'href="../documents/{doc.name}"' in chronology  # every document, English ones too
    assert not (sample_build / "ar/documents").exists()  # documents exist once, in their own language


def test_every_page_has_a_language_switch_to_an_existing_page(sample_build):
    pages = sorted(sample_build.rglob("*.html"))
    assert len(pages) > 100
    for path in pages:
        parsed = Page(path)
        other = {"en": "ar", "ar": "en"}[parsed.html["lang"]]
        assert other in parsed.switch, path
        assert parsed.target(parsed.switch[other]).is_file(), (path, parsed.switch)


@pytest.fixture(scope="module")
def sample_online(tmp_path_factory) -> Path:
    """The sample archive with a base_url: hreflang alternates are absolute addresses, so only then."""
    config = (ROOT / "sitegen.yaml").read_text(encoding="utf-8") + f"\nbase_url: {BASE}\n"
    folder = tmp_path_factory.mktemp("online")
    for key in ("content", "templates", "assets"):
        config = config.replace(f"{key}: {key}", f"{key}: {ROOT / key}")
    (folder / "sitegen.yaml").write_text(config, encoding="utf-8")
    build(load_config(folder / "sitegen.yaml", environ={}), out=folder / "build", jobs=1)
    return folder / "build"


def test_without_base_url_no_page_has_relative_hreflang_alternates(sample_build):
    assert not any(Page(p).alternates for p in sample_build.rglob("*.html"))


def test_edition_pages_name_each_other_as_hreflang_alternates(sample_online):
    sample_build = sample_online
    for page in ("index.html", "actors/wang-yi.html", "topics/index.html", "sources.html", "search.html"):
        en, ar = Page(sample_build / page), Page(sample_build / "ar" / page)
        assert en.target(en.alternates["ar"]) == (sample_build / "ar" / page).resolve()
        assert ar.target(ar.alternates["en"]) == (sample_build / page).resolve()
        assert en.target(en.alternates["en"]) == en.path.resolve()  # each lists itself too
        assert en.target(en.switch["ar"]) == en.target(en.alternates["ar"])


def test_a_document_links_to_its_editions_chrome_and_switches_to_its_translation(make_site):
    root = make_site({"content/documents/first-report-ar.md": document("التقرير الأول", "نص.\n", language="ar",
                                                                       summary="s", translation_of="first-report")},
                     config=TWO_ONLINE)
    build(load_config(root / "sitegen.yaml"))
    arabic = Page(root / "build/documents/first-report-ar.html")
    assert arabic.switch == {"en": "first-report.html"} and arabic.alternates == {
        "ar": BASE + "documents/first-report-ar.html", "en": BASE + "documents/first-report.html"}
    page = text(root / "build/documents/first-report-ar.html")
    assert 'href="../ar/chronology.html"' in page and 'href="../ar/actors/index.html"' in page
    english = Page(root / "build/documents/first-report.html")
    assert english.switch == {"ar": "first-report-ar.html"}
    assert 'href="../chronology.html"' in text(english.path)
    # without a translation, the switch leads to the other edition's home page (and no alternates)
    lone = Page(root / "build/documents/arabic-report.html")
    assert lone.switch == {"en": "../index.html"} and lone.alternates == {}


def test_registry_names_and_descriptions_per_language(make_site):
    root = make_site({
        "content/actors/wang-yi.md": "---\nnames:\n  en: Wang Yi\n  ar: وانغ يي\nkind: person\ndescription:\n"
                                     "  ar: دبلوماسي صيني.\n---\n"
                                     "Chinese [foreign](../documents/first-report.md) minister.\n",
        "content/topics/cooperation.md": "---\nname: Cooperation\n---\n"
                                         "Working together, see [Wang](../actors/wang-yi.md).\n",
    }, config=TWO)
    build(load_config(root / "sitegen.yaml"))
    actor = text(root / "build/ar/actors/wang-yi.html")
    assert re.search(r'<h1 lang="ar" dir="rtl">وانغ يي</h1>', actor)
    assert '<div class="description"><p>دبلوماسي صيني.</p></div>' in actor and "Chinese" not in actor
    assert "<span>شخص</span>" in actor  # the kind in the edition's words
    english = text(root / "build/actors/wang-yi.html")
    assert "Chinese <a" in english and "دبلوماسي" not in english
    # no Arabic description: the body, marked English, its links moved one folder deeper
    topic = text(root / "build/ar/topics/cooperation.html")
    assert ('<div class="description" lang="en" dir="ltr"><p>Working together, see '
            '<a href="../../actors/wang-yi.html"') in topic
    assert (root / "build/ar/topics" / "../../actors/wang-yi.html").resolve().is_file()


def test_text_in_another_language_than_the_page_carries_its_lang_and_dir(sample_build):
    arabic = text(sample_build / AR_DOC)
    notes = re.search(r'<section class="notes".*?<p([^>]*)>The text gives', arabic, re.S)
    assert notes and notes.group(1) == ' lang="en" dir="ltr"'
    assert "<dt>الحدث</dt>" in arabic  # an `extra` key shown with its label from extra_labels
    english = text(sample_build / EN_DOC)
    assert "<dt>Event</dt>" in english and "<dt>Published</dt>" in english


def test_source_author_and_extra_in_another_script_are_marked(make_site):
    root = make_site({"content/documents/mixed.md": document("Mixed", date="2021", source="وكالة الأنباء", summary="s",
                                                             authors=["علي", "Bob"], notes="ملاحظة",
                                                             extra={"raw_key": "قيمة"})},
                     config=TWO)
    build(load_config(root / "sitegen.yaml"))
    page = text(root / "build/documents/mixed.html")
    assert '<dd lang="ar" dir="rtl">وكالة الأنباء</dd>' in page
    assert '<dd lang="ar" dir="rtl">علي</dd><dd>Bob</dd>' in page
    assert '<p lang="ar" dir="rtl">ملاحظة</p>' in page
    assert '<dt dir="auto">raw_key</dt><dd lang="ar" dir="rtl">قيمة</dd>' in page  # no label: as written


@pytest.mark.parametrize("value, candidates, expected", [
    ("The text gives the day", ("ar", "en"), "en"), ("وكالة الأنباء", ("en", "ar"), "ar"),
    ("王毅", ("ar", "en"), ""),  # no site language is written in Chinese characters: no wrong tag
    ("ТАСС", ("ru", "en"), "ru"), ("ТАСС", ("en", "ar"), ""), ("(1) Éditions", ("ar", "fr"), "fr"),
    ("2021", ("en",), ""),
])
def test_the_language_of_a_text_is_the_first_candidate_written_in_its_script(value, candidates, expected):
    assert ui.text_language(value, candidates) == expected


@pytest.mark.parametrize("line, message", [
    ("languages: [en, en]\n", "`languages` must be distinct language codes"),
    ("languages: []\n", "`languages` must be distinct language codes"),
    ("languages: [ar, en]\n", "`language: en` is not the first of `languages` (ar)"),
    ("languages: [en, xx]\n", "no interface strings for the `xx` edition"),
])
def test_language_mistakes_are_reported(make_site, line, message):
    root = make_site(config=site_config(extra=line))
    with pytest.raises(BuildFailed) as failed:
        build(load_config(root / "sitegen.yaml"))
    assert any(message in d.message for d in failed.value.diagnostics), failed.value.diagnostics


def test_a_third_language_needs_only_a_strings_table(make_site, monkeypatch):
    french = dict(ui.STRINGS["en"], home="Accueil", chronology="Chronologie",
                  language_names={"fr": "Français", "en": "Anglais", "ar": "Arabe"})
    monkeypatch.setitem(ui.STRINGS, "fr", french)
    root = make_site(config=site_config(extra="languages: [en, ar, fr]\n"))
    build(load_config(root / "sitegen.yaml"))
    home = Page(root / "build/fr/index.html")
    assert home.html == {"lang": "fr", "dir": "ltr"}
    assert home.switch == {"ar": "../ar/index.html", "en": "../index.html"}
    assert "Chronologie" in text(root / "build/fr/index.html")
    assert '<a href="fr/index.html" hreflang="fr" lang="fr" dir="ltr">Français</a>' in text(root / "build/index.html")
    assert Page(root / "build/index.html").switch["fr"] == "fr/index.html"


def test_every_strings_table_has_the_same_words():
    keys = set(ui.STRINGS["en"])
    for lang, table in ui.STRINGS.items():
        assert set(table) == keys, lang
        assert set(table["kinds"]) == set(ui.STRINGS["en"]["kinds"]), lang


@pytest.mark.browser
def test_search_in_the_arabic_edition_works_from_disk(browser, sample_build):
    page = browser.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        page.goto((sample_build / "ar/search.html").as_uri() + "?q=الصين")
        first = page.locator("#search-results li a.doc-title").first
        first.wait_for()
        assert page.locator("#search-results li").count() >= 2
        # dates, language names, facet titles and labels in the Arabic edition's words
        page.locator("#search-facets legend").first.wait_for()
        legends = page.locator("#search-facets legend").all_inner_texts()
        assert legends[:2] == ["الفاعلون", "المواضيع"] and "اللغة" in legends
        meta = " ".join(page.locator("#search-results .meta").all_inner_texts())
        assert "ديسمبر" in meta and "الإنجليزية" in meta and "December" not in meta and "English" not in meta
        assert "الصين" in page.locator("#search-facets fieldset").first.inner_text()
        href = first.get_attribute("href")
        assert href.startswith("../documents/")
        first.click()
        page.wait_for_url("**/documents/*.html")
        assert page.locator("h1").inner_text() == first_title(sample_build, href)
        # the header form of an Arabic page leads to the Arabic search page
        page.goto((sample_build / "ar/index.html").as_uri())
        page.fill("#site-search", "الإرهاب")
        page.press("#site-search", "Enter")
        page.wait_for_url("**/ar/search.html?q=*")
        page.locator("#search-results li a.doc-title").first.wait_for()
        assert errors == []
        # the English edition's search page keeps English words from the same index files
        page.goto((sample_build / "search.html").as_uri() + "?q=china")
        page.locator("#search-facets legend").first.wait_for()
        assert page.locator("#search-facets legend").first.inner_text() == "Actors"
        assert "December" in " ".join(page.locator("#search-results .meta").all_inner_texts())
    finally:
        page.close()


def first_title(build_dir: Path, href: str) -> str:
    page = text(build_dir / "ar" / href)
    return html.unescape(re.search(r"<h1>(.*?)</h1>", page, re.S).group(1).strip())


def test_a_document_in_a_language_without_interface_words_has_english_chrome_and_french_text(make_site):
    root = make_site({"content/documents/rapport.md": document("Un rapport", "Le texte.\n", date="2021", source="AFP",
                                                               language="fr", summary="Un résumé.")}, config=TWO)
    build(load_config(root / "sitegen.yaml"))
    page = text(root / "build/documents/rapport.html")
    assert Page(root / "build/documents/rapport.html").html == {"lang": "en", "dir": "ltr"}
    assert '<h1 lang="fr" dir="ltr">Un rapport</h1>' in page and \
        '<p class="lede" lang="fr" dir="ltr">Un résumé.' in page
    assert '<div class="body" lang="fr" dir="ltr">' in page and "<dt>Source</dt>" in page
    english = text(root / "build/documents/first-report.html")
    assert '<div class="body">' in english  # the same language as its page: not marked again
