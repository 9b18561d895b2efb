"""What the search files carry besides postings, and the wrapping every search file shares: facet
labels and each document's facet value ids, display records, the analysis tables the page reads, all
as classic scripts calling `SITEGEN_DATA(key, data)` (so they load from `file://`). See search.py.
"""

from __future__ import annotations

import json

from sitegen import analysis, arabic, searchindex, urls
from sitegen.model import Document, Site
from sitegen.ui import language_name, ui_language

SNIPPET_WORDS = 60
LABELS_PER_FILE = 32  # the top values of a facet (what the page shows) mostly fall in the first file
FOLDER = urls.SEARCH_CORE.rsplit("/", 1)[0]


def facets(site: Site, docs: list[Document], files: dict[str, bytes]) -> tuple[list[dict], list[str]]:
    """Label files, [{name, title, values, single}] for the core, and per document its facet value ids
    packed (for the table blocks). Every taxonomy is a facet, then language, year and source."""
    editions = site.config.languages  # titles and labels per edition: {"en": ..., "ar": ...}
    specs = [(name, {e: tax.config.title_in(ui_language(e)) for e in editions}, lambda d, name=name: list(d.terms.get(name, ())),
              lambda v, tax=tax: {e: list(tax.terms[v].name(e)) for e in editions} if v in tax.terms else [v, ""])
             for name, tax in site.taxonomies.items()]
    specs += [("language", "", lambda d: [d.language],
               lambda v: {e: [language_name(v, ui_language(e)), ui_language(e)] for e in editions}),
              ("year", "", lambda d: [str(d.date.year)] if d.date.year else [], lambda v: [v, ""]),
              ("source", "", lambda d: [d.source] if d.source else [], lambda v: [v, ""])]
    per_doc: list[list[list[int]]] = [[] for _ in docs]
    out, single = [], []
    for f, (name, title, values_of, label_of) in enumerate(specs):
        values = [values_of(d) for d in docs]
        ranked = searchindex.rank_values(values)
        ids = {v: i for i, v in enumerate(ranked)}
        for n, doc_values in enumerate(values):
            per_doc[n].append(sorted({ids[v] for v in doc_values}))
        for start in range(0, len(ranked), LABELS_PER_FILE):
            key = f"l/{f}-{start // LABELS_PER_FILE}"
            files[path(key)] = data(key, [label_of(v) for v in ranked[start:start + LABELS_PER_FILE]])
        single.append(all(len(doc_ids[f]) <= 1 for doc_ids in per_doc))
        out.append({"name": name, "title": title, "values": len(ranked), "single": single[-1]})
    return out, [searchindex.facet_part(ids, single) for ids in per_doc]


def record(site: Site, doc: Document) -> dict[str, object]:
    """One result's display record; its date and language name in the words of every edition (each
    edition's search page picks its own)."""
    editions = site.config.languages
    words = doc.body.text.split(maxsplit=SNIPPET_WORDS)  # the rest, if any, in one piece
    return {"href": urls.document(doc.id), "title": doc.title, "lang": doc.language, "dir": doc.dir,
            "language": {e: language_name(doc.language, ui_language(e)) for e in editions},
            "date": {e: doc.date.display(ui_language(e)) for e in editions}, "source": doc.source, "summary": doc.summary,
            "text": " ".join(words[:SNIPPET_WORDS]) + (" …" if len(words) > SNIPPET_WORDS else "")}


def analysis_tables() -> dict[str, object]:
    """The rules `analysis.py` and `arabic.py` apply, for the JS twin to read instead of copying."""
    return {"stopWords": {"en": sorted(analysis.ENGLISH_STOP_WORDS), "ar": sorted(arabic.STOP_WORDS)},
            "arabicScript": arabic.ARABIC_SCRIPT.pattern, "diacritics": arabic.DIACRITICS.pattern,
            "letters": {chr(k): v for k, v in sorted(arabic.LETTERS.items())},
            "articles": list(arabic.ARTICLES), "suffixes": list(arabic.SUFFIXES), "waw": "و"}


def path(key: str) -> str:
    return f"{FOLDER}/{key}.js"


def data(key: str, data: object) -> bytes:
    return script(f"SITEGEN_DATA({json.dumps(key)}, ", data, ");")


def script(prefix: str, data: object, suffix: str) -> bytes:
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    # `</script>` or U+2028 in a title must not end or break the script
    text = text.replace("</", "<\\/").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return f"{prefix}{text}{suffix}\n".encode("utf-8")
