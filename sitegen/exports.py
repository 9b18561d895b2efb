"""The archive as data: `data/documents.csv` and `.json`, one `data/<taxonomy>.json` per taxonomy, and a
Frictionless `data/datapackage.json` describing them.

Owns the column order and how each field kind is written as a CSV cell. Columns come from
`schema.DOCUMENT_FIELDS` (a new field is a new column, described by its own doc line) and from the
configured taxonomies (no taxonomy named in code). Pure: returns each file's bytes, for the table of
outputs (`outputs.OUTPUTS`) to place.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from sitegen import urls
from sitegen.model import Document, Site, Term
from sitegen.schema import DOCUMENT_FIELDS, TERM_FIELDS

DATA = "data"
# field kind -> Frictionless type of its column
COLUMN_TYPES = {"date": "string", "texts": "string", "mapping": "object", "url": "string"}
LIST_SEPARATOR = "; "


def documents_csv_path() -> str:
    return f"{DATA}/documents.csv"


def taxonomy_json_path(name: str) -> str:
    return f"{DATA}/{name}.json"


def columns(site: Site) -> list[tuple[str, str, str]]:
    """(name, Frictionless type, description) of every column of documents.csv, in order."""
    cols = [("id", "string", "the document's id: its file name, and its page's"),
            ("page", "string", "its page, relative to the site's root")]
    cols += [(name, COLUMN_TYPES.get(f.kind, "string"), f.doc + (" (EDTF: ? uncertain, ~ approximate)" if f.kind == "date" else "")
              + (f", items separated by `{LIST_SEPARATOR.strip()}`" if f.kind == "texts" else ""))
             for name, f in DOCUMENT_FIELDS.items() if f.carried]
    cols.append(("translation_of", "string", DOCUMENT_FIELDS["translation_of"].doc))
    for name, tax in site.taxonomies.items():
        cols += [(name, "string", f"ids of its {name}, separated by `;` (see {taxonomy_json_path(name)})"),
                 (f"{name}_names", "string", f"names of its {name}, in the same order")]
    return cols


def documents_csv(site: Site) -> bytes:
    return _csv(site, [document_row(site, doc) for doc in site.documents.values()])


def documents_json(site: Site) -> bytes:
    return _json([document_json(site, d) for d in site.documents.values()])


def taxonomy_json(site: Site, name: str) -> bytes:
    return _json([term_json(t) for t in site.taxonomies[name].terms.values()])


def datapackage_json(site: Site) -> bytes:
    return _json(datapackage(site))


def _cell(kind: str, value: Any) -> str:
    if value is None:
        return ""
    if kind == "date":
        return value.edtf
    if kind == "texts":
        return LIST_SEPARATOR.join(value)
    if kind == "files":
        return LIST_SEPARATOR.join(a.href for a in value)
    if kind == "mapping":
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str) if value else ""
    return str(value)


def document_row(site: Site, doc: Document) -> list[str]:
    row = [doc.id, urls.document(doc.id, folder=doc.folder)]
    row += [_cell(f.kind, getattr(doc, name)) for name, f in DOCUMENT_FIELDS.items() if f.carried]
    row.append(doc.translation_of)
    for name, tax in site.taxonomies.items():
        ids = doc.terms.get(name, ())
        row += [LIST_SEPARATOR.join(ids), LIST_SEPARATOR.join(tax.terms[t].name(site.config.language)[0] for t in ids)]
    return row


def document_json(site: Site, doc: Document) -> dict[str, Any]:
    """A document's metadata with structure kept: lists as lists, dates as EDTF, terms as {id, name};
    `originals`: the text of its attachments, page by page (`method` "text" or "ocr", Tesseract's
    `confidence` for OCR), and the `.txt` published beside each."""
    data: dict[str, Any] = {"id": doc.id, "page": urls.document(doc.id, folder=doc.folder)}
    for name, f in DOCUMENT_FIELDS.items():
        if f.carried:
            value = getattr(doc, name)
            data[name] = (value.edtf if f.kind == "date" and value is not None else list(value) if f.kind == "texts"
                          else [a.href for a in value] if f.kind == "files" else value)
    data["translation_of"] = doc.translation_of
    for name, tax in site.taxonomies.items():
        data[name] = [{"id": t, "name": tax.terms[t].name(site.config.language)[0]} for t in doc.terms.get(name, ())]
    data["originals"] = [{"file": a.href, "text": a.href + ".txt", "pages": [
        {"page": p.number, "method": p.method, "confidence": p.confidence, "text": p.text} for p in a.pages]}
        for a in doc.attachments if a.pages]
    return data


def term_json(term: Term) -> dict[str, Any]:
    """Every registry field of a term (the carried fields of `schema.TERM_FIELDS`), its description as
    text, and how many documents cite it."""
    data: dict[str, Any] = {"id": term.id, "page": urls.term(term.taxonomy, term.id, folder=term.folder)}
    for name, f in TERM_FIELDS.items():
        if f.carried:
            value = getattr(term, name)
            data[name] = dict(sorted(value.items())) if f.kind == "names" else list(value) if f.kind == "texts" else value
    return {**data, "description": term.description.text if term.description else "",
            "document_count": len(term.documents), "documents": list(term.documents)}


def datapackage(site: Site) -> dict[str, Any]:
    """A Frictionless data package: the CSV as a tabular resource with a typed, described schema."""
    fields = [{"name": n, "type": t, "description": d} for n, t, d in columns(site)]
    resources = [{"name": "documents", "path": "documents.csv", "profile": "tabular-data-resource", "format": "csv",
                  "mediatype": "text/csv", "encoding": "utf-8", "schema": {"fields": fields, "primaryKey": ["id"]}},
                 {"name": "documents-json", "path": "documents.json", "format": "json", "mediatype": "application/json",
                  "description": "the same metadata with lists and terms kept structured, and the text of the attachments (`originals`)"}]
    resources += [{"name": name, "path": f"{name}.json", "format": "json", "mediatype": "application/json",
                   "description": f"the {name} registry, with document counts"} for name in site.taxonomies]
    return {"profile": "data-package", "name": "archive", "title": site.config.title,
            "description": site.config.description, "resources": resources}


def _csv(site: Site, rows: list[list[str]]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([name for name, _, _ in columns(site)])
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def _json(data: Any) -> bytes:
    """A list (the documents, a registry) one item a line: as easy to read, to grep and to diff line by
    line as an indented file, smaller, and made by json's C encoder (it indents only in Python: 0.9 s
    of CPU for 10,000 documents, against 0.2)."""
    if isinstance(data, list) and data:
        return ("[\n" + ",\n".join(json.dumps(item, ensure_ascii=False, default=str) for item in data) + "\n]\n").encode("utf-8")
    return (json.dumps(data, ensure_ascii=False, indent=1, default=str) + "\n").encode("utf-8")
