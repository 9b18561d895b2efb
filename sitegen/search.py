"""The client-side search index and display store, as classic scripts that work from `file://`.

Owns turning the site into `search/*.js` files (pure: returns bytes, touches no disk). The index is
built by lunr.py, so scores are lunr's BM25; it is then re-encoded compactly and split by document
into shards that share the corpus-wide statistics:
- `search/core.js`: fields, boosts, every index term (UTF-16 order; a term's position is its vector
  index), stop words, facet labels, the shard list. Small; loaded first.
- `search/shard-NN.js`: for some documents, their field vectors (delta-coded term positions and
  scores ×1000, exactly lunr's rounded values), their postings (delta-coded, per field) and their
  display rows. The browser decodes only the postings and vectors a query touches, so a shard is
  usable as soon as it is parsed.
Because every shard uses the global term list and the global idf baked into the vectors, a query gives
the same scores shard by shard as over one index: results can be shown as soon as shard 0 arrives.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import math
from dataclasses import dataclass

from lunr.builder import Builder

from sitegen import analysis, urls
from sitegen.cache import NO_MEMO, Memo
from sitegen.arabic import STOP_WORDS as ARABIC_STOP_WORDS
from sitegen.lunrcompat import utf16_key
from sitegen.model import Document, Site
from sitegen.ui import language_name, ui_language

FIELDS = (("title", 10), ("actors", 5), ("topics", 5), ("summary", 3), ("source", 2), ("body", 1))
SNIPPET_WORDS = 60
DOCS_PER_SHARD = 500
MAX_SHARDS = 32
FORMAT = 1


@dataclass(frozen=True)
class SearchStats:
    documents: int
    terms: int
    shards: int
    raw_bytes: int
    gzip_bytes: int
    over_budget: bool = False


def build_search(site: Site, memo: Memo = NO_MEMO, jobs: int = 1) -> tuple[dict[str, bytes], SearchStats]:
    """`search/*.js` files for `site`, and their sizes."""
    docs = list(site.documents.values())
    index = _lunr_index(site, docs)
    terms = sorted(index.inverted_index, key=utf16_key)
    position = {term: i for i, term in enumerate(terms)}
    old_to_new = {entry["_index"]: position[term] for term, entry in index.inverted_index.items()}
    count = _shard_count(site, len(docs))
    files = {}
    for n in range(count):
        chunk = docs[n * len(docs) // count: (n + 1) * len(docs) // count]
        vectors = [[_encode(index.field_vectors[f"{field}/{d.id}"].elements, old_to_new) for field, _ in FIELDS]
                   for d in chunk]
        shard = {"n": n, "refs": [d.id for d in chunk], "vectors": vectors, "postings": _postings(vectors),
                 "docs": [_display_row(site, d) for d in chunk]}
        files[urls.search_shard(n)] = _script("(window.SITEGEN_SHARDS = window.SITEGEN_SHARDS || []).push(", shard, ");")
    core = {"format": FORMAT, "fields": [f for f, _ in FIELDS], "boosts": dict(FIELDS), "terms": terms,
            "documents": len(docs), "shards": [urls.search_shard(n) for n in range(count)],
            "stopWords": {"en": sorted(analysis.ENGLISH_STOP_WORDS), "ar": sorted(ARABIC_STOP_WORDS)},
            "facets": _facet_labels(site)}
    files[urls.SEARCH_CORE] = _script("window.SITEGEN_SEARCH = ", core, ";")
    raw = sum(len(b) for b in files.values())
    zipped = sum(len(gzip.compress(b, mtime=0)) for b in files.values())
    over = raw > site.config.search.budget_kb * 1024
    return files, SearchStats(len(docs), len(terms), count, raw, zipped, over)


def fingerprint(site: Site) -> str:
    """A hash of everything `build_search` reads from the site, so an unchanged index can be reused."""
    digest = hashlib.sha256(json.dumps([FORMAT, site.config.language, repr(site.config.search)]).encode())
    for doc in site.documents.values():
        digest.update(json.dumps([doc.id, doc.title, doc.summary, doc.source, doc.language, doc.dir,
                                  doc.date.edtf, doc.body.text, doc.terms], ensure_ascii=False).encode())
    for name, tax in site.taxonomies.items():
        digest.update(json.dumps([name, tax.config.title, [(t.id, t.names, t.aliases) for t in tax.terms.values()]],
                                 ensure_ascii=False).encode())
    return digest.hexdigest()


def _shard_count(site: Site, documents: int) -> int:
    wanted = site.config.search.shards or math.ceil(documents / DOCS_PER_SHARD)
    return max(1, min(wanted, MAX_SHARDS, max(documents, 1)))


def _lunr_index(site: Site, docs: list[Document]):
    builder = Builder()
    builder.ref("id")
    for field, boost in FIELDS:
        builder.field(field, boost)
    builder.metadata_whitelist = []
    for doc in docs:
        builder.add(_fields(site, doc))
    return builder.build()


def _fields(site: Site, doc: Document) -> dict[str, object]:
    """Every field present on every document (lunr needs that), as lists of finished terms."""
    body = doc.body.text
    depth = site.config.search.body
    if depth == "none":
        body = ""
    elif isinstance(depth, int):
        body = " ".join(body.split()[:depth])
    names = {name: " ".join(n for t in doc.terms.get(name, ()) for n in site.taxonomies[name].terms[t].all_names)
             for name in site.taxonomies}
    return {"id": doc.id, "title": analysis.terms(doc.title), "actors": analysis.terms(names.get("actors", "")),
            "topics": analysis.terms(" ".join(v for k, v in names.items() if k != "actors")),
            "summary": analysis.terms(doc.summary), "source": analysis.terms(doc.source),
            "body": analysis.terms(body)}


def _encode(elements: list, old_to_new: dict[int, int]) -> list[int]:
    """lunr vector [index, score, ...] -> [delta index, score × 1000, ...], sorted by new index."""
    pairs = sorted((old_to_new[elements[i]], round(elements[i + 1] * 1000)) for i in range(0, len(elements), 2))
    out, last = [], 0
    for index, score in pairs:
        out += [index - last, score]
        last = index
    return out


def _postings(vectors: list[list[list[int]]]) -> list[list[int]]:
    """Per field, the shard's documents for each term: [term delta, count, document deltas...] runs.
    Shipped beside the vectors so the browser can look up one term without reading every vector."""
    out = []
    for f in range(len(FIELDS)):
        by_term: dict[int, list[int]] = {}
        for k, doc_vectors in enumerate(vectors):
            position = 0
            for delta in doc_vectors[f][0::2]:
                position += delta
                by_term.setdefault(position, []).append(k)
        flat, last_term = [], 0
        for term in sorted(by_term):
            docs = by_term[term]
            flat += [term - last_term, len(docs), docs[0], *(b - a for a, b in zip(docs, docs[1:]))]
            last_term = term
        out.append(flat)
    return out


def _display_row(site: Site, doc: Document) -> dict[str, object]:
    lang = ui_language(site.config.language)
    words = doc.body.text.split()
    return {"id": doc.id, "href": urls.document(doc.id), "title": doc.title, "lang": doc.language, "dir": doc.dir,
            "date": doc.date.display(lang), "year": doc.date.year, "source": doc.source,
            "summary": doc.summary, "text": " ".join(words[:SNIPPET_WORDS]) + (" …" if len(words) > SNIPPET_WORDS else ""),
            "terms": {name: list(ids) for name, ids in doc.terms.items() if ids}}


def _facet_labels(site: Site) -> dict[str, object]:
    lang = site.config.language
    ui_lang = ui_language(lang)
    facets = {}
    for name, tax in site.taxonomies.items():
        labels = {}
        for term in tax.terms.values():
            label, label_lang = term.name(lang)
            labels[term.id] = [label, label_lang or lang]
        facets[name] = {"title": tax.config.title_in(ui_lang), "labels": labels}
    languages = sorted({d.language for d in site.documents.values()})
    facets["language"] = {"labels": {code: [language_name(code, ui_lang), ui_lang] for code in languages}}
    return facets


def _script(prefix: str, data: object, suffix: str) -> bytes:
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    # `</script>` or U+2028 in a title must not end or break the script
    text = text.replace("</", "<\\/").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return f"{prefix}{text}{suffix}\n".encode("utf-8")
