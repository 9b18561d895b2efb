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
SHOWN = 12  # facet values the page shows, most results first (it counts them exactly)
LABELS_PER_FILE = 32  # the top values of a facet (what the page shows) mostly fall in the first file
FOLDER = urls.SEARCH_CORE.rsplit("/", 1)[0]


def facets(site: Site) -> tuple[list[Document], list[dict], list[str], dict[str, bytes]]:
    """The documents in index order, [{name, title, values, single, files, top}] for the core, per
    document its facet value ids packed (the rows), and the label and value-list files. Every taxonomy
    is a facet, then language, year and source. Documents are numbered by their single-valued facets
    (fewest values first) so each value of those is a few runs of numbers, nearly free to ship."""
    editions = site.config.languages  # titles and labels per edition: {"en": ..., "ar": ...}
    specs = [(name, {e: tax.config.title_in(ui_language(e)) for e in editions}, lambda d, name=name: list(d.terms.get(name, ())),
              lambda v, tax=tax: {e: list(tax.terms[v].name(e)) for e in editions} if v in tax.terms else [v, ""])
             for name, tax in site.taxonomies.items()]
    specs += [("language", "", lambda d: [d.language],
               lambda v: {e: [language_name(v, ui_language(e)), ui_language(e)] for e in editions}),
              ("year", "", lambda d: [str(d.date.year)] if d.date.year else [], lambda v: [v, ""]),
              ("source", "", lambda d: [d.source] if d.source else [], lambda v: [v, ""])]
    docs = sorted(site.documents.values(), key=lambda d: d.id)
    values = [[values_of(d) for d in docs] for _, _, values_of, _ in specs]
    ranked = [searchindex.rank_values(per_doc) for per_doc in values]
    ids = [[sorted({number[v] for v in doc_values}) for doc_values in per_doc]
           for per_doc, number in zip(values, ({v: i for i, v in enumerate(r)} for r in ranked))]
    single = [all(len(doc_ids) <= 1 for doc_ids in per_doc) for per_doc in ids]
    runs = sorted((f for f in range(len(specs)) if single[f]), key=lambda f: len(ranked[f]))
    order = sorted(range(len(docs)), key=lambda n: ([ids[f][n] for f in runs], docs[n].id))
    out, files = [], {}
    for f, (name, title, _, label_of) in enumerate(specs):
        for start in range(0, len(ranked[f]), LABELS_PER_FILE):
            key = f"l/{f}-{start // LABELS_PER_FILE}"
            files[path(key)] = data(key, [label_of(v) for v in ranked[f][start:start + LABELS_PER_FILE]])
        lists = searchindex.value_lists([ids[f][n] for n in order], len(ranked[f]), single[f])
        cuts = list(searchindex.list_files(lists))
        for k, (lo, hi) in enumerate(cuts):
            files[path(f"v/{f}-{k}")] = data(f"v/{f}-{k}", lists[lo:hi])
        sizes = [len(files[path(f"v/{f}-{k}")]) for k in range(len(cuts))]
        totals = searchindex.value_counts(ids[f], len(ranked[f]))
        out.append({"name": name, "title": title, "values": len(ranked[f]), "single": single[f],
                    "files": [[lo, totals[lo], size] for (lo, _), size in zip(cuts, sizes)],
                    "top": totals[min(SHOWN, len(totals)) - 1] if totals else 0})
    parts = [searchindex.facet_part([per_doc[n] for per_doc in ids], single) for n in order]
    return [docs[n] for n in order], out, parts, files


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
