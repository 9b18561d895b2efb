"""The client-side search index, split by term, as classic scripts that work from `file://`.

Owns turning the site into `search/*.js` files (pure: returns bytes, touches no disk). A query loads
only what it needs (issue 10), each file a classic script calling `SITEGEN_DATA(key, data)`:
- `search/core.js`: what every query needs: fields and boosts, corpus statistics (document count,
  mean field lengths), the first term of every chunk, facet titles, the analysis tables and stop
  words shared with `analysis.py`/`arabic.py`. Loaded with the page.
- `search/t/<name>.js`: a run of terms in JavaScript order and, per term and field, its documents
  with term frequencies. Cut where the content says, named by a hash of the shortest prefix of its
  first term that tells it from the run before (the core lists those prefixes).
- `search/d/<n>.js`: for 512 documents, their field lengths (for BM25) and facet value ids (for
  facet counts over every result).
- `search/r/<n>.js`: one document's display record (title, link, date, snippet text).
- `search/l/<facet>-<n>.js`: labels of 32 values of a facet, most frequent values first.
- `search/k/<name>.js`: the terms of a group of chunks (named by its last chunk), loaded only for
  fuzzy (`~1`) and leading-wildcard clauses, which need every term.
Scores are lunr 2.3.9's BM25, computed in the browser from these counts exactly as lunr.py would
have stored them; a browser test checks ranking against stock lunr.js over a stock lunr.py index.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from dataclasses import dataclass

from sitegen import analysis, arabic, searchindex, urls
from sitegen.cache import NO_MEMO, Memo
from sitegen.model import Document, Site
from sitegen.lunrcompat import utf16_key
from sitegen.searchindex import Analysed
from sitegen.ui import language_name, ui_language

FORMAT = 2
SNIPPET_WORDS = 60
LABELS_PER_FILE = 32  # the top values of a facet (what the page shows) mostly fall in the first file
FOLDER = urls.SEARCH_CORE.rsplit("/", 1)[0]


@dataclass(frozen=True)
class SearchStats:
    documents: int
    terms: int
    shards: int  # term chunks
    raw_bytes: int
    gzip_bytes: int
    over_budget: bool = False
    files: int = 0


def fields(site: Site) -> list[tuple[str, float]]:
    """Searchable fields and their boosts: every taxonomy is a field of its own, named after it."""
    taxonomies = [(name, tax.config.boost) for name, tax in site.taxonomies.items()]
    return [("title", 10), *taxonomies, ("summary", 3), ("source", 2), ("body", 1)]


def build_search(site: Site, memo: Memo = NO_MEMO, jobs: int = 1) -> tuple[dict[str, bytes], SearchStats]:
    """`search/*.js` files for `site`, and their sizes."""
    docs = sorted(site.documents.values(), key=lambda d: d.id)  # numbered by id: edits renumber nothing
    field_list = fields(site)
    analysed = searchindex.analyse_all([_field_texts(site, d) for d in docs], memo, jobs)
    index = searchindex.postings(analysed, len(field_list))
    files: dict[str, bytes] = {}
    chunk_list = _chunk_files(index, files)
    facets = _facets(site, docs, analysed, files)
    for n, doc in enumerate(docs):
        files[_path(f"r/{n}")] = _data(f"r/{n}", _record(site, doc))
    core = {"format": FORMAT, "fields": [f for f, _ in field_list], "boosts": [b for _, b in field_list],
            "documents": len(docs), "averages": searchindex.average_lengths(analysed, len(field_list)),
            "chunks": chunk_list, "block": searchindex.BLOCK,
            "labels": LABELS_PER_FILE, "folder": FOLDER, "group": searchindex.GROUP, "facets": facets, "analysis": _analysis_tables()}
    files[urls.SEARCH_CORE] = _script("window.SITEGEN_SEARCH = ", core, ";")
    raw = sum(len(b) for b in files.values())
    zipped = sum(len(gzip.compress(b, compresslevel=6, mtime=0)) for b in files.values())
    over = raw > site.config.search.budget_kb * 1024
    return files, SearchStats(len(docs), len(index), len(chunk_list), raw, zipped, over, len(files))


def fingerprint(site: Site) -> str:
    """A hash of everything `build_search` reads from the site, so an unchanged index can be reused."""
    digest = hashlib.sha256(json.dumps([FORMAT, site.config.languages, repr(site.config.search),
                                        repr(site.config.taxonomies)]).encode())
    for doc in site.documents.values():
        digest.update(json.dumps([doc.id, doc.title, doc.summary, doc.source, doc.language, doc.dir,
                                  doc.date.edtf, doc.body.text, doc.terms], ensure_ascii=False).encode())
    for name, tax in site.taxonomies.items():
        digest.update(json.dumps([name, tax.config.title, [(t.id, t.names, t.aliases) for t in tax.terms.values()]],
                                 ensure_ascii=False).encode())
    return digest.hexdigest()


def _field_texts(site: Site, doc: Document) -> tuple[str, ...]:
    """The text of each field, in `fields` order: a taxonomy field holds every name and alias of
    the document's terms."""
    body = doc.body.text
    depth = site.config.search.body
    if depth == "none":
        body = ""
    elif isinstance(depth, int):
        body = " ".join(body.split()[:depth])
    names = [" ".join(n for t in doc.terms.get(name, ()) for n in tax.terms[t].all_names)
             for name, tax in site.taxonomies.items()]
    return (doc.title, *names, doc.summary, doc.source, body)


def _chunk_files(index: dict[str, list[list[int]]], files: dict[str, bytes]) -> list[str]:
    """Write the term chunks into `files`, and the term lists of groups of chunks (for fuzzy and
    leading-wildcard clauses, which need every term); the chunks' separators, in term order."""
    chunk_list = searchindex.chunks(index)
    seps = searchindex.separators(chunk_list)
    names = [searchindex.chunk_name(sep) for sep in seps]
    if len(set(names)) < len(names):  # two separators with one 32-bit hash: not seen, but not silent
        raise ValueError(f"search chunk names collide: {sorted(n for n in names if names.count(n) > 1)}")
    group: list[str] = []
    for k, ((terms, packed), name) in enumerate(zip(chunk_list, names)):
        files[_path(f"t/{name}")] = _data(f"t/{name}", {"terms": terms, "postings": packed})
        group += terms
        if searchindex.ends_group(name) or k == len(names) - 1:
            files[_path(f"k/{name}")], group = _data(f"k/{name}", group), []
    return seps


def chunk_paths(core: dict) -> list[str]:
    """The term chunk files a core names, in term order (for tests and tools)."""
    return [_path(f"t/{searchindex.chunk_name(sep)}") for sep in core["chunks"]]


def _facets(site: Site, docs: list[Document], analysed: list[Analysed], files: dict[str, bytes]) -> list[dict]:
    """Facet value ids per document (into the table blocks) and label files; [{name, title, values,
    single}] for the core. Every taxonomy is a facet, then language, year and source."""
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
            files[_path(key)] = _data(key, [label_of(v) for v in ranked[start:start + LABELS_PER_FILE]])
        single.append(all(len(doc_ids[f]) <= 1 for doc_ids in per_doc))
        out.append({"name": name, "title": title, "values": len(ranked), "single": single[-1]})
    for n, block in enumerate(searchindex.table_blocks(analysed, per_doc, single)):
        files[_path(f"d/{n}")] = _data(f"d/{n}", block)
    return out


def _record(site: Site, doc: Document) -> dict[str, object]:
    """One result's display record; its date and language name in the words of every edition (each
    edition's search page picks its own)."""
    editions = site.config.languages
    words = doc.body.text.split()
    return {"href": urls.document(doc.id), "title": doc.title, "lang": doc.language, "dir": doc.dir,
            "language": {e: language_name(doc.language, ui_language(e)) for e in editions},
            "date": {e: doc.date.display(ui_language(e)) for e in editions}, "source": doc.source, "summary": doc.summary,
            "text": " ".join(words[:SNIPPET_WORDS]) + (" …" if len(words) > SNIPPET_WORDS else "")}


def _analysis_tables() -> dict[str, object]:
    """The rules `analysis.py` and `arabic.py` apply, for the JS twin to read instead of copying."""
    return {"stopWords": {"en": sorted(analysis.ENGLISH_STOP_WORDS), "ar": sorted(arabic.STOP_WORDS)},
            "arabicScript": arabic.ARABIC_SCRIPT.pattern, "diacritics": arabic.DIACRITICS.pattern,
            "letters": {chr(k): v for k, v in sorted(arabic.LETTERS.items())},
            "articles": list(arabic.ARTICLES), "suffixes": list(arabic.SUFFIXES), "waw": "و"}


def _path(key: str) -> str:
    return f"{FOLDER}/{key}.js"


def _data(key: str, data: object) -> bytes:
    return _script(f"SITEGEN_DATA({json.dumps(key)}, ", data, ");")


def _script(prefix: str, data: object, suffix: str) -> bytes:
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    # `</script>` or U+2028 in a title must not end or break the script
    text = text.replace("</", "<\\/").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return f"{prefix}{text}{suffix}\n".encode("utf-8")


# TEMPORARY reference shim until the search branch lands
@dataclass
class SearchState:
    bodies: dict


def build_search_state(site, memo=NO_MEMO, jobs=1):
    files, stats = build_search(site, memo, jobs)
    return files, stats, (SearchState({d.id: d.body for d in site.documents.values()}), files)


def update_bodies(state, site, changed):
    import copy
    bodies, files = state[0].bodies, state[1]
    docs = {}
    for i, d in site.documents.items():
        docs[i] = c = copy.copy(d)
        if i in changed:
            bodies[i] = d.body
        c.body = bodies[i]
    new, stats = build_search(Site(site.config, docs, site.taxonomies))
    out = {k: v for k, v in new.items() if files.get(k) != v}
    return out, set(files) - set(new), stats, (state[0], new)
