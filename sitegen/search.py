"""The client-side search index, split by term, as classic scripts that work from `file://`.

Owns turning the site into `search/*.js` files (pure: returns bytes, touches no disk). A query loads
only what it needs (issue 10), each file a classic script calling `SITEGEN_DATA(key, data)`:
- `search/core.js`: what every query needs: fields and boosts, corpus statistics (document count,
  mean field lengths), the first term of every chunk, facet titles and the labels of each facet's 32
  most frequent values, the analysis tables and stop words shared with `analysis.py`/`arabic.py`,
  the sizes of the files a query weighs before loading (body lengths, facet rows and value lists).
  Loaded with the page.
- `search/t/<name>.js`: a run of terms in JavaScript order and, per term and field, its documents
  with term frequencies. Cut where the content says, named by a hash of the shortest prefix of its
  first term that tells it from the run before (the core lists those prefixes). A term in at least
  `searchdata.counted` documents also carries, per facet, its `searchdata.TOPS` values with most of
  its documents and how many (`counts`): the page bounds a query's facet counts with them, and a
  query of one such word has its counts there.
- `search/d/<n>.js`: for 8,192 documents, their body lengths (for BM25). When all of them together are
  at most `searchindex.UPFRONT` bytes (13 KB at 10,000 documents), the page loads them beside the
  query's term chunks and ranks once, exactly. Otherwise it ranks by bounds:
- `search/b/<n>.js`: for 4,096 documents (`searchindex.BUCKET_BLOCK`), each one's body-length bucket
  (quartiles; two bits a document; the core holds each bucket's edge, shortest and longest body),
  loaded for the results whose score bounds (from the archive's shortest and longest body) could
  place them among those shown;
- `search/e/<bucket>-<n>.js`: the exact body lengths of those 4,096 documents in one bucket, loaded
  for the results whose bounds from their buckets still could: the results shown are ranked exactly,
  the rest by bounds until the reader asks for them.
- `search/f/<n>.js`: for 2,048 documents, their facet value ids: how a query matching few documents
  counts facets over its results.
- `search/v/<facet>-<n>.js`: per value of a facet, its documents: how a query matching many documents
  counts facets, loading values most documents first, only those whose bound (from the counts its
  terms carry, or the value's total) could place them among those shown, until no other could.
  Documents are numbered by their single-valued facets, so those values are a few runs each. The
  first file of every facet is in one file, `search/v/first.js` (such a query loads them all).
- `search/s/<facet>-<n>.js`: past `searchdata.SAMPLE_FROM` documents, the same over a sample of about
  `searchdata.SAMPLE` documents (every `stride`-th in index order; no `first.js` then, in either): where
  exact counts would cost a many-word query `SAMPLE_RATIO` times more, the page estimates that facet's
  counts from the sample, scaled to every result, and marks them ≈ (as Elasticsearch's random sampler
  and Algolia's non-exhaustive facet counts do). Which documents pass a chosen value is always exact.
- `search/r/<n>.js`: one document's display record (title, link, date, snippet text; how many pages
  of its attachments have text, when the index holds them; its facet value ids, with the labels the
  core lacks: a query whose results are all shown counts facets from their records). Past what one folder holds
  (`limits.folder_entries`), in folders by number, `r/<n // 1000>/<n>.js` (`urls.spread`), as `o/` is.
- `search/o/<n>.js`: the text of those pages, [file name, path, page, text] each, loaded for a result
  shown that has some: the page finds the first one a query word matches, as it does the snippet,
  and says where ("in original.pdf, p. 4", linking to `original.pdf#page=4`). The attachments' text
  is a field of its own (`originals`), analysed as the body is and boosted below it.
- `search/p/<name>.js`: beside each term chunk (the same terms, the same name), where its terms are
  in each document's title and body (`searchindex.encode_positions`), loaded only for the words of a
  phrase (`"exact phrase"`): the page keeps the documents holding them one after another. A term with
  at least `searchindex.ALONE` body positions has them in a file of its own, `search/p/<name>-<hash of
  the term>.js` (its entry in the chunk's file is empty): a phrase of common words loads their
  positions, not their chunks' neighbours'. The core holds a set of those terms' hashes (`own`,
  `searchindex.own_set`), so the page asks for a phrase's position files beside its chunks.
- `search/y/<n>.js`: for 8,192 documents, their dates (`searchdata.date_block`), loaded only for a
  search with a date range or ordered by date (applied to every result before paging).
- `search/l/<facet>-<n>.js`: labels of 32 values of a facet, most frequent values first, past the
  first 32 (those are in the core).
- `search/k/<name>.js`: the terms of a group of chunks (named by its last chunk), loaded only for
  fuzzy (`~1`) and leading-wildcard clauses, which need every term.
- `search/w/<hex>.js`: the terms beginning with one character, with a size class each
  (`searchvocab`): a query word the index lacks is matched to its nearest terms from this one file
  (`w/2-<hex>.js`: the Arabic terms whose second character it is).
Each kind's prefix, block size and coding are declared once (`searchdata.KINDS`) and the core carries
them (`kinds`): the page reads them there. A kind whose files would overfill one folder of
`limits.folder_entries` FAT32 entries goes into sub-folders (`searchdata.layout`): records and originals
by number (`urls.spread`), chunks, their position files and groups by the leading hex digits of their
names (`t/3/f/3fa0c2d1.js`), any other kind by those of its name's hash (`located`, and its twin in
the page); the key a file calls SITEGEN_DATA with is the same wherever it is.
Form terms (`analysis.form_term`: `=` and a word as written, where that is not its term) are terms of
the chunks like any other, never scored: the page ranks the documents holding a reader's very word
form above those sharing only its stem, and a title holding the query's stop words above one without.
Scores are lunr 2.3.9's BM25, computed in the browser from these counts exactly as lunr.py would
have stored them; a browser test checks ranking against stock lunr.js over a stock lunr.py index.
"""

from __future__ import annotations

import hashlib
import json
from array import array
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field, replace
from itertools import accumulate
from typing import Any, Callable, Iterable, Sequence

from sitegen import analysis, searchcodes, searchdata, searchindex, searchvocab, urls
from sitegen.searchdata import FOLDER
from sitegen.cache import NO_MEMO, Memo
from sitegen.config import Config, TaxonomyConfig
from sitegen.errors import WARNING, Diagnostic
from sitegen.model import Document, Site
from sitegen.lunrcompat import utf16_key
from sitegen.schema import DOCUMENT_FIELDS
from sitegen.workers import collector_paused

FORMAT = 9  # 3: fields but the body bit-coded; 4: the vocabulary by first letter (w/); 5: positions (p/), dates (y/);
# 6: form terms, w/2-; 7: the kinds table (`kinds`), any kind's files in sub-folders past limits.folder_entries;
# 8: records carry their facet values (`values`), chunks list their terms with position files of their own (`alone`);
# 9: the core lists them instead (`own`, searchindex.own_set)


@dataclass(frozen=True)
class SearchStats:
    documents: int
    terms: int
    shards: int  # term chunks
    raw_bytes: int
    over_budget: bool = False
    files: int = 0


@dataclass
class SearchState:
    """What `update_bodies` and `update_documents` need from the last index, and no body text: per
    document its body terms and other terms (to take it out of their postings), body length and key;
    per term its packed
    posting, the part of it a body edit cannot change (`heads`) and the body's [document, tf, ...]
    (`bodies`); the chunk cuts; the core; each file's size and digest (to return only what changed)."""

    ids: list[str]
    doc_terms: list[str]  # per document, its body terms' numbers in `vocab`, packed
    vocab: list[str]  # every term ever seen, numbered once (a term gone keeps its number)
    numbers: dict[str, int]  # term -> its number in `vocab`
    lengths: array  # body length per document
    heads: dict[str, str]
    bodies: dict[str, array]
    packed: dict[str, str]  # term -> its whole posting, as chunk files hold it
    order: list[str]  # terms in JavaScript order
    ends: list[int]  # per chunk, one past its last term in `order`
    core: dict
    files: dict[str, bytes]  # path -> its size (4 bytes) and digest
    raw_bytes: int = 0  # the sizes' sum, kept up to date
    counts: dict[str, str] = field(default_factory=dict)  # term -> its facet counts (searchdata.top_counts), common terms only
    columns: list = field(default_factory=list)  # per facet and document, its value ids (searchdata.facets)
    single: list = field(default_factory=list)  # per facet, whether it has one value a document at most
    labels: list = field(default_factory=list)  # per facet, every value's label (searchdata.facets), for the records
    ranked: list = field(default_factory=list)  # per facet, its values ranked (searchdata.facets_patched starts from them)
    title_positions: dict[str, str] = field(default_factory=dict)  # term -> its title positions, encoded (never edited here)
    body_positions: dict = field(default_factory=dict)  # term -> its body positions (gaps), as `bodies` orders them
    positions: dict[str, str] = field(default_factory=dict)  # term -> its entry in its position file (p/)
    alone: set[str] = field(default_factory=set)  # terms with at least searchindex.ALONE body positions
    own: set[str] = field(default_factory=set)  # terms whose positions are a file of their own (`_own`): those and a
    #                                             few more
    head_terms: list[str] = field(default_factory=list)  # per document, the numbers of its terms in any field but the body, packed
    sums: list[int] = field(default_factory=list)  # per field but the body, the sum of its lengths (its average's numerator)
    keys: list[bytes] = field(default_factory=list)  # per document, what the index reads of it, its facets apart (`_document_keys`)
    settings: bytes = b""  # what the index reads of the site but its documents (`_settings_key`)

    def __getstate__(self) -> dict:
        """Pickled with its postings and body positions in one buffer each (`searchindex.Postings`),
        read back lazily."""
        def lazy(found):
            return found if isinstance(found, searchindex.Postings) else searchindex.Postings.of(found)
        return {**self.__dict__, "bodies": lazy(self.bodies), "body_positions": lazy(self.body_positions)}


def fields(site: Site) -> list[tuple[str, float]]:
    """Searchable fields and their boosts: the document fields with a search `weight`
    (`schema.Field`), most weight first, every taxonomy a field of its own named after it, standing
    among them at a taxonomy's default boost; the text of the attachments (`originals`) where some
    attachment has text and `search.originals` is not 0; the body last."""
    return [(name, boost) for name, boost, _ in _layout(site, searchdata.indexes_originals(site))]


def _layout(site: Site, originals: bool) -> list[tuple[str, float, str]]:
    """(name, boost, where its text comes from: "field", "taxonomy", "originals" or "body") per
    searchable field, in index order (see `fields`)."""
    own = sorted(((name, spec.weight, "field") for name, spec in DOCUMENT_FIELDS.items() if spec.weight),
                 key=lambda f: -f[1])
    taxonomies = [(name, tax.config.boost, "taxonomy") for name, tax in site.taxonomies.items()]
    first = [f for f in own if f[1] >= TaxonomyConfig.boost]
    return [*first, *taxonomies, *own[len(first):], *([("originals", site.config.search.originals, "originals")]
                                                      if originals else []), ("body", 1, "body")]


def build_search(site: Site, memo: Memo = NO_MEMO, jobs: int = 1) -> tuple[dict[str, bytes], SearchStats]:
    """`search/*.js` files for `site`, and their sizes."""
    files, stats, _ = build_search_state(site, memo, jobs)
    return files, stats


def build_search_state(site: Site, memo: Memo = NO_MEMO, jobs: int = 1
                       ) -> tuple[dict[str, bytes], SearchStats, SearchState]:
    """`build_search`, plus the state `update_bodies` brings up to date after body edits."""
    with collector_paused():  # the index makes no reference cycles: the collector would only cost time
        return _build_search_state(site, memo, jobs)


def _build_search_state(site: Site, memo: Memo, jobs: int) -> tuple[dict[str, bytes], SearchStats, SearchState]:
    files: dict[str, bytes] = {}
    docs, facet_list, parts, facet_files, columns, labels, ranked = searchdata.facets(site)  # a body edit renumbers nothing
    field_list = fields(site)
    originals = searchdata.indexes_originals(site)
    layout = _layout(site, originals)
    inverted = searchindex.Inverted(len(field_list))
    for start in range(0, len(docs), searchindex.WINDOW):
        inverted.add(searchindex.analyse_all([_field_texts(site, d, layout) for d in docs[start:start + searchindex.WINDOW]],
                                             memo, jobs))
    index, titles, places = inverted.postings(), inverted.titles, inverted.places()
    order = sorted(index, key=utf16_key)
    single = [spec["single"] for spec in facet_list]
    least = searchdata.counted(len(docs))
    counts = {t: c for t in (order if least <= len(docs) else ()) if not analysis.is_form(t)
              and (c := _carried(index[t], least, columns, single))}
    heads = {t: searchindex.encode_head(index[t]) for t in order}
    bodies = {t: index[t][-1] for t in order}
    del index
    packed = {t: heads[t] + searchindex.encode_body(bodies[t]) for t in order}
    core = {"format": FORMAT, "fields": [f for f, _ in field_list], "boosts": [b for _, b in field_list],
            "documents": len(docs), "averages": inverted.averages(),
            "chunks": [], "upfront": searchindex.UPFRONT, "folder": FOLDER,
            "group": searchindex.GROUP, "facets": facet_list, "shown": searchdata.SHOWN, "tops": searchdata.TOPS,
            "analysis": searchdata.analysis_tables(), "rows": [], "sample": searchdata.sample_spec(len(docs))}
    state = SearchState([d.id for d in docs], inverted.doc_terms, list(inverted.numbers), inverted.numbers, inverted.lengths,
                        heads, bodies, packed, order, [], core, {})
    state.counts, state.columns, state.single, state.labels, state.ranked = counts, columns, single, labels, ranked
    state.title_positions = {t: searchindex.encode_positions(g) for t, g in titles.items()}
    state.body_positions = places
    state.positions = {t: _positions(state, t) for t in order if not analysis.is_form(t)}  # a form term has none
    state.alone = {t for t, found in places.items() if len(found) >= searchindex.ALONE}
    _own(state)
    # one buffer each, as pickled (`__getstate__`): held once, not as arrays beside the copies pickling made of them
    state.bodies, state.body_positions = (searchindex.Postings.of(found, take=True) for found in (bodies, places))
    del bodies, places
    state.head_terms, state.sums = inverted.head_terms, inverted.sums[:-1]
    state.keys, state.settings = _document_keys(site, docs), _settings_key(site, layout)
    del titles, inverted
    state.ends = list(searchindex.chunk_ends(order, packed, 0, counts))
    core["chunks"] = _separators(state, 0, len(state.ends))
    spread = urls.spread(len(docs), site.config.limits.folder_entries)
    core["kinds"] = searchdata.core_kinds({}, spread)  # the kinds' sub-folders are decided once every file is known
    for n, doc in enumerate(docs):
        key = _numbered(core, "records", n)
        files[searchdata.path(key)] = _record(state, site, doc, n)
        if pages := searchdata.original_pages(site, doc):
            key = _numbered(core, "originals", n)
            files[searchdata.path(key)] = searchdata.data(key, pages)
    files.update(_chunk_files(state, range(len(state.ends))))
    files.update(_group_files(state, range(len(state.ends))))
    files.update(searchvocab.files(order, packed))
    core["vocab"], core["vocabLeast"] = searchvocab.keys(order), searchvocab.LEAST
    files.update(_block_file(state, b) for b in range(-(-len(docs) // searchindex.BLOCK)))
    core["lengths"] = [len(files[searchdata.path(searchdata.key("lengths", b))]) for b in range(-(-len(docs) // searchindex.BLOCK))]
    files.update((searchdata.path(key), searchdata.data(key, searchdata.date_block(docs, b, searchindex.BLOCK)))
                 for b in range(-(-len(docs) // searchindex.BLOCK)) for key in [searchdata.key("dates", b)])
    files.update(_bucket_files(state))
    blocks = range(-(-len(docs) // searchdata.ROWS))
    rows = {searchdata.path(key): searchdata.data(key, searchdata.row_block(parts, b))
            for b in blocks for key in [searchdata.key("rows", b)]}
    core["rows"] = list(map(len, rows.values()))  # the page weighs rows against value lists
    files.update(rows)
    files.update(facet_files)
    core["kinds"] = searchdata.core_kinds(searchdata.layout(map(_key, files), site.config.limits.folder_entries), spread)
    files[urls.SEARCH_CORE] = _core_file(state)
    state.files = {path: _digest(data) for path, data in files.items()}
    state.raw_bytes = sum(map(len, files.values()))
    return _placed(files, _folders(core)), _stats(site, state), state


def update_bodies(state: SearchState, site: Site, changed: list[str]
                  ) -> tuple[dict[str, bytes], set[str], SearchStats, SearchState]:
    """The index after the documents `changed` got new bodies and nothing else changed: the files whose
    bytes change, the paths no longer written, the stats and the new state (the old one stays valid).
    Costs the changed documents' terms and the chunks they reach, not the archive: only those postings
    are re-encoded, and chunking resumes at the first chunk a change reaches and stops where its cuts
    meet the old ones again."""
    files, new = _bodies_patched(state, site, changed)
    return _finished(state, new, files, site)


def _bodies_patched(old: SearchState, site: Site, changed: list[str]) -> tuple[dict[str, bytes], SearchState]:
    """`update_bodies`' work before its answer (`_finished`): the files made again, by key, and the state."""
    state = replace(old, doc_terms=list(old.doc_terms), lengths=array("i", old.lengths),
                    heads=dict(old.heads), bodies=old.bodies.copy(), packed=dict(old.packed), order=list(old.order),
                    ends=list(old.ends), core=dict(old.core), files=dict(old.files), counts=dict(old.counts),
                    body_positions=old.body_positions.copy(), positions=dict(old.positions),
                    alone=set(old.alone), own=set(old.own))
    number = {doc_id: n for n, doc_id in enumerate(state.ids)}
    fields = len(state.core["fields"])
    touched: set[str] = set()
    moved: set[str] = set()  # terms a document joined or left: their facet counts change
    copied: set[str] = set()
    placed: set[str] = set()  # terms whose positions changed
    for n in sorted({number[doc_id] for doc_id in changed}):
        length, counts, gaps = searchindex.analyse_fields(_field_texts(site, site.documents[state.ids[n]], _layout(site, False)))[-1]
        gone = [state.vocab[i] for i in searchcodes.unpack(state.doc_terms[n])]
        where = dict(zip((t for t, _ in counts), accumulate((tf for _, tf in counts), initial=0)))
        for term, tf in {**dict.fromkeys(gone, 0), **dict(counts)}.items():
            at = where.get(term, 0)
            if not analysis.is_form(term):  # (form terms have no positions)
                searchindex.set_places(state.body_positions, state.bodies, placed, term, n, gaps[at:at + tf])
            was = searchindex.tf_of(state.bodies.get(term), n)
            if tf != was:  # a sentence added touches a few terms, not all
                searchindex.set_tf(state.bodies, state.heads, copied, fields, term, n, tf)
                touched.add(term)
                if not tf or not was:
                    moved.add(term)
        if any(t not in state.numbers for t, _ in counts):
            if state.vocab is old.vocab:
                state.vocab, state.numbers = list(old.vocab), dict(old.numbers)
            for term in (t for t, _ in counts if t not in state.numbers):
                state.numbers[term] = len(state.vocab)
                state.vocab.append(term)
        state.doc_terms[n] = searchcodes.pack([state.numbers[t] for t, _ in counts])
        state.lengths[n] = length
        if state.keys:  # its key no longer says what the index holds of it: `update_documents` redoes it
            state.keys = list(old.keys) if state.keys is old.keys else state.keys
            state.keys[n] = b""
    least = searchdata.counted(len(state.ids))
    for term in moved if least <= len(state.ids) else ():  # (else no term carries counts)
        carried = _carried([*searchindex.head_docs(state.heads[term], fields), state.bodies[term]], least, state.columns,
                           state.single) if term in state.bodies and not analysis.is_form(term) else ""
        if carried:
            state.counts[term] = carried
        else:
            state.counts.pop(term, None)
    changes = searchindex.repack(old.packed, state.heads, state.bodies, state.packed, state.order, touched, fields)
    for term in placed:
        state.alone.discard(term)
        if term in state.packed:
            state.positions[term] = _positions(state, term)
            if len(state.body_positions[term]) >= searchindex.ALONE:
                state.alone.add(term)
        else:  # in no document any more
            del state.positions[term], state.body_positions[term]
    placed |= _owned(old, state, placed)  # (before the chunks are cut again: they write their terms' own files)
    files = _rechunk(old, state, changes) if changes else {}
    files.update(_chunk_files(state, _chunks_of(state, placed), postings=False))
    files.update(_vocab_files(old, state, touched))
    blocks = {n // searchindex.BLOCK for n in (number[doc_id] for doc_id in changed)}
    files.update(_block_file(state, b) for b in blocks)
    state.core["lengths"] = list(old.core["lengths"])
    for b in blocks:
        state.core["lengths"][b] = len(files[searchdata.path(searchdata.key("lengths", b))])
    files.update(_bucket_files(state, {number[doc_id] // searchindex.BUCKET_BLOCK for doc_id in changed}))
    for doc_id in changed:
        key = _numbered(state.core, "records", number[doc_id])
        files[searchdata.path(key)] = _record(state, site, site.documents[doc_id], number[doc_id])
    state.core["averages"] = [*old.core["averages"][:-1], sum(state.lengths) / len(state.ids)]
    return files, state


def _finished(old: SearchState, state: SearchState, files: dict[str, bytes], site: Site
              ) -> tuple[dict[str, bytes], set[str], SearchStats, SearchState]:
    """An update's answer from the files it made again (by key): the kinds that grew or shrank laid
    out again (`_relaid`), the core, the state's files, and the files whose bytes or places changed
    at their places, with the places no longer written."""
    removed = _removed_paths(old, state)
    files.update(_relaid(state, files, removed, site.config.limits.folder_entries))
    files[urls.SEARCH_CORE] = _core_file(state)
    for path in removed:
        state.files.pop(path, None)
    for path, data in files.items():
        if path not in removed:
            state.files[path] = _digest(data)
    state.raw_bytes = sum(map(_size, state.files.values()))
    out, before, after = {}, _folders(old.core), _folders(state.core)
    for path, data in files.items():
        if path in state.files and (old.files.get(path) != state.files[path] or _place(path, before) != _place(path, after)):
            out[_place(path, after)] = data
    gone = {_place(path, before) for path in old.files.keys() - state.files.keys()}
    if before != after:  # a kind moved into more (or fewer) sub-folders: its old places are gone
        gone |= {_place(path, before) for path in old.files} - {_place(path, after) for path in state.files}
    return out, gone, _stats(site, state), state


GROWING = ("chunks", "positions", "groups", "vocabulary")  # the kinds a body edit can add files to or take from


def _relaid(state: SearchState, files: dict[str, bytes], removed: set[str], limit: int) -> dict[str, bytes]:
    """The sub-folders of the kinds a body edit can grow (`GROWING`; the others are per document or
    block) decided again, as a cold build decides them, when the edit added (`files` not in
    `state.files` yet) or `removed` some of their files; into the core. Every file of a kind whose
    levels changed (each moves)."""
    prefixes = {searchdata.KINDS[kind].prefix for kind in GROWING}
    touched = {_key(p).split("/", 1)[0] for p in [*removed, *(p for p in files if p not in state.files)]} & prefixes
    if not touched:
        return {}
    keys = [key for p in [*state.files, *files] if p not in removed and p != urls.SEARCH_CORE
            and (key := _key(p)).split("/", 1)[0] in touched]
    before = _folders(state.core)
    after = {p: n for p, n in before.items() if p not in touched} | searchdata.layout(set(keys), limit)
    records = state.core["kinds"]["records"]
    state.core["kinds"] = searchdata.core_kinds(after, (records["per"], records["levels"]))
    moved = {searchdata.PREFIXES[p] for p in touched if before.get(p, 0) != after.get(p, 0)}
    out: dict[str, bytes] = {}
    if moved & {"chunks", "positions"}:
        out.update(_chunk_files(state, range(len(state.ends))))
    if "groups" in moved:
        out.update(_group_files(state, range(len(state.ends))))
    if "vocabulary" in moved:
        out.update(searchvocab.files(state.order, state.packed))
    return out


UPDATED_MOST = 64, 8  # an update redoes up to this many documents or one in this many (`update_documents`); past that, the whole index


def update_documents(state: SearchState, site: Site, memo: Memo = NO_MEMO, jobs: int = 1
                     ) -> tuple[dict[str, bytes], set[str], SearchStats, SearchState]:
    """The index of `site`, from the state of an index of the same documents: the files whose bytes
    change, the paths no longer written, the stats and the new state (the old one stays valid). The
    documents redone are those whose key (`_document_keys`) changed (an edited title, summary, date,
    actors or topics, body; a registry entry's names reach every document of its term), and only
    their postings in every field, title and body positions, records, date blocks and the chunks,
    vocabulary files and core they reach are made again (`update_bodies` does their bodies); the
    facet files, cheap beside the postings, are made whole and only the changed ones returned.
    The whole index is made again (and compared) instead when the edit cannot be patched: a state
    from before these keys, other settings or fields (`_settings_key`), documents added, removed or
    numbered otherwise (a document's language or year is how it is numbered), more documents to redo
    than UPDATED_MOST allows, or, in an archive whose terms carry facet counts (`searchdata.counted`),
    a value of a facet numbered anew (a new value ranks among the others by its count: every count
    would change)."""
    with collector_paused():
        layout = _layout(site, searchdata.indexes_originals(site))
        found = _patchable(state, site, layout)
        patched = None if found is None else _update_documents(state, site, layout, *found)
        if patched is None:  # (a document without its body: a model that is not the build's)
            files, _, new = _build_search_state(site, memo, jobs)
            return _compared(site, state, new, files)
        return patched


def _patchable(state: SearchState, site: Site, layout: list) -> tuple | None:
    """(the documents to redo, by number; every document's key; the documents in index order; and
    `searchdata.facets` of the site, None when the facets are as they were) when `update_documents`
    can patch `state`, else None."""
    if len(state.keys) != len(state.ids) or len(state.head_terms) != len(state.ids) or state.settings != _settings_key(site, layout):
        return None
    if len(site.documents) != len(state.ids) or not all(map(site.documents.__contains__, state.ids)):
        return None
    docs = [site.documents[doc_id] for doc_id in state.ids]
    keys = _document_keys(site, docs)
    changed = [n for n, key in enumerate(keys) if key != state.keys[n]]
    if len(changed) > max(UPDATED_MOST[0], len(docs) // UPDATED_MOST[1]):
        return None
    if all(keys[n][:_FACETED] == state.keys[n][:_FACETED] for n in changed):  # no facet value or label changed
        return changed, keys, docs, None
    made = searchdata.facets(site)
    columns = made[4]
    if [d.id for d in made[0]] != state.ids:
        return None
    if searchdata.counted(len(docs)) <= len(docs) and columns != state.columns:  # terms carry value ids
        redone = set(changed)
        if [s["single"] for s in made[1]] != state.single or any(
                column[n] != was[n] for column, was in zip(columns, state.columns) for n in range(len(docs)) if n not in redone):
            return None
    return changed, keys, docs, made


def _update_documents(old: SearchState, site: Site, layout: list, changed: list[int], keys: list[bytes], docs: list[Document],
                      made: tuple | None, bodies: Callable[[list[str]], bool] | None = None, dated: bool = True
                      ) -> tuple[dict[str, bytes], set[str], SearchStats, SearchState] | None:
    """`update_documents`' patch. `bodies(ids)`: brings the bodies of those documents into `docs` (a
    model remembered without them), False if it cannot; then this answers None. Their records are
    made again where their facet values were numbered anew (a record holds its values and a snippet).
    `dated`: False when the caller knows no document's date changed: no block of dates is made again
    (a topic added changes a document's facets, and its block was a read of 8,192 documents)."""
    if not changed:
        return {}, set(), _stats(site, old), old
    _, facet_list, parts, facet_files, columns, labels, ranked = \
        made or (None, old.core["facets"], None, None, old.columns, old.labels, old.ranked)
    first, mid = _bodies_patched(old, site, [docs[n].id for n in changed])  # their bodies: the rest is done here
    state = replace(mid, heads=dict(mid.heads), bodies=mid.bodies.copy(), packed=dict(mid.packed), order=list(mid.order),
                    ends=list(mid.ends), core=dict(mid.core), files=dict(mid.files), counts=dict(mid.counts),
                    body_positions=mid.body_positions.copy(), positions=dict(mid.positions), alone=set(mid.alone),
                    own=set(mid.own),
                    title_positions=dict(mid.title_positions), head_terms=list(mid.head_terms), sums=list(mid.sums),
                    keys=keys, columns=columns, single=[s["single"] for s in facet_list], labels=labels, ranked=ranked)
    analysed = {n: searchindex.analyse_fields(_field_texts(site, docs[n], layout)) for n in changed}
    touched, titled = _update_heads(state, analysed, len(layout))
    recount = _recount(old, state, changed, touched)
    changes = searchindex.repack(mid.packed, state.heads, state.bodies, state.packed, state.order, touched, len(layout))
    changes = sorted({*changes, *(bisect_left(state.order, utf16_key(t), key=utf16_key) for t in recount)})
    for term in titled:
        if term in state.packed:
            state.positions[term] = _positions(state, term)
        else:  # in no document any more
            for held in (state.positions, state.title_positions, state.body_positions):
                held.pop(term, None)
            state.alone.discard(term)
    titled |= _owned(mid, state, titled)  # (before the chunks are cut again: they write their terms' own files)
    files = _rechunk(mid, state, changes) if changes else {}
    files.update(_chunk_files(state, _chunks_of(state, titled), postings=False))
    files.update(_vocab_files(mid, state, touched))
    files.update((searchdata.path(key), searchdata.data(key, searchdata.date_block(docs, b, searchindex.BLOCK)))
                 for b in {n // searchindex.BLOCK for n in changed if dated and keys[n][:_FACETED] != old.keys[n][:_FACETED]}  # (a date is
                 for key in [searchdata.key("dates", b)])  # a facet: else its block, a read of 8,192 documents, is as it was)
    for n in changed:
        key = _numbered(state.core, "originals", n)
        if pages := searchdata.original_pages(site, docs[n]):
            files[searchdata.path(key)] = searchdata.data(key, pages)
        else:
            state.files.pop(searchdata.path(key), None)
    if made is not None:  # their records, and those of the documents whose values were numbered or labelled anew
        files.update(_facet_files(state, facet_list, parts, facet_files))
        again = sorted({*changed, *searchdata.records_moved((old.columns, old.single, old.labels),
                                                            (state.columns, state.single, state.labels), len(docs))})
        missing = [docs[n].id for n in again if docs[n].body is None]
        if missing and (bodies is None or not bodies(missing)):
            return None
        for n in again:
            files[searchdata.path(_numbered(state.core, "records", n))] = _record(state, site, docs[n], n)
    state.core["averages"] = [*(s / len(docs) for s in state.sums), state.core["averages"][-1]]
    return _finished(old, state, {**first, **files}, site)


def _update_heads(state: SearchState, analysed: dict[int, Any], fields: int) -> tuple[set[str], set[str]]:
    """Every field but the body of the documents `analysed` (number -> `searchindex.analyse_fields`)
    made theirs in `state`: their terms' heads, the documents' head terms, the field lengths' sums
    and the title positions. The terms whose head changed, and those whose title positions did."""
    per_term: dict[str, list[list[int]]] = {}  # term -> its head's fields, as edited
    titles_before: dict[str, list[int]] = {}  # term -> its title field before the edit
    new_titles: dict[int, dict[str, Sequence[int]]] = {}  # document -> term -> its title positions now
    for n, doc in analysed.items():
        gone = [state.vocab[i] for i in searchcodes.unpack(state.head_terms[n])]
        now = {t for f in doc[:-1] for t, _ in f[1]}
        for term in (*gone, *now):
            if term not in per_term:
                per_term[term] = searchindex.head_docs(state.heads[term], fields) if term in state.heads else [[] for _ in range(fields - 1)]
                titles_before[term] = list(per_term[term][0])
        for f in range(fields - 1):
            state.sums[f] += doc[f][0] - next((flat[3 * i + 2] for t in gone for flat in (per_term[t][f],)
                                               for i in [bisect_left(flat[0::3], n)] if i < len(flat) // 3 and flat[3 * i] == n), 0)
            tfs = dict(doc[f][1])
            for term in (*gone, *now):
                _set_entry(per_term[term][f], n, tfs.get(term, 0), doc[f][0])
        placed = [(t, tf) for t, tf in doc[0][1] if not analysis.is_form(t)]
        ends = list(accumulate(tf for _, tf in placed))
        new_titles[n] = {t: doc[0][2][end - tf:end] for (t, tf), end in zip(placed, ends)}
        if any(t not in state.numbers for t in now):
            state.vocab, state.numbers = list(state.vocab), dict(state.numbers)
            for term in (t for t in sorted(now) if t not in state.numbers):
                state.numbers[term] = len(state.vocab)
                state.vocab.append(term)
        state.head_terms[n] = searchcodes.pack(sorted(state.numbers[t] for t in now))
    touched = set()
    for term, per_field in per_term.items():
        head = searchindex.encode_head([*per_field, []])
        if head != state.heads.get(term):
            touched.add(term)
            state.heads[term] = head
            if term not in state.bodies:
                state.bodies[term] = array("i")
    titled = {t for t in per_term if not analysis.is_form(t)  # (the same tfs may stand elsewhere in a title)
              and (titles_before[t] != per_term[t][0] or any(t in placed for placed in new_titles.values()))}
    for term in titled:
        _set_title_positions(state, term, titles_before[term], per_term[term][0], new_titles)
    return touched, titled


def _set_entry(flat: list[int], n: int, tf: int, length: int) -> None:
    """Document n's (tf, field length) in a field's posting [document, tf, length, ...] (tf 0: absent)."""
    i = bisect_left(flat[0::3], n)
    here = 3 * i < len(flat) and flat[3 * i] == n
    if here and tf:
        flat[3 * i + 1:3 * i + 3] = [tf, length]
    elif here:
        del flat[3 * i:3 * i + 3]
    elif tf:
        flat[3 * i:3 * i] = [n, tf, length]


def _set_title_positions(state: SearchState, term: str, before: list[int], now: list[int],
                         new_titles: dict[int, dict[str, Sequence[int]]]) -> None:
    """A term's title positions after the documents `new_titles` were redone: the others' as they
    were, in document order (`places`), from its title field before (`before`) and now."""
    gaps = searchindex.decode_positions(state.title_positions.get(term, ""), sum(before[1::3]), 0)[0]
    ends = list(accumulate(before[1::3]))
    kept = {doc: gaps[end - tf:end] for doc, tf, end in zip(before[0::3], before[1::3], ends)}
    placed = [g for doc in now[0::3] for g in (new_titles[doc].get(term, ()) if doc in new_titles else kept[doc])]
    if placed:
        state.title_positions[term] = searchindex.encode_positions(placed)
    else:
        state.title_positions.pop(term, None)


def _recount(old: SearchState, state: SearchState, changed: list[int], touched: set[str]) -> set[str]:
    """The facet counts of every term of the documents `changed` (before or after) made again, in an
    archive whose terms carry them (a document's facet values may have changed); the terms whose
    counts changed."""
    least = searchdata.counted(len(state.ids))
    if least > len(state.ids):
        return set()
    fields = len(state.core["fields"])
    terms = {state.vocab[i] for n in changed for packed in (old.doc_terms[n], state.doc_terms[n], old.head_terms[n],
                                                             state.head_terms[n]) for i in searchcodes.unpack(packed)}
    recounted = set()
    for term in terms:
        carried = _carried([*searchindex.head_docs(state.heads[term], fields), state.bodies[term]], least, state.columns,
                           state.single) if term in state.heads and not analysis.is_form(term) else ""
        if carried != state.counts.get(term, ""):
            recounted.add(term)
            if carried:
                state.counts[term] = carried
            else:
                state.counts.pop(term, None)
    return recounted - touched


def _facet_files(state: SearchState, facet_list: list[dict], parts: list[str], facet_files: dict[str, bytes]) -> dict[str, bytes]:
    """Every facet file (rows, value lists, labels) of `searchdata.facets`, into the core too; the
    facet files no longer made leave `state.files`."""
    blocks = range(-(-len(parts) // searchdata.ROWS))
    files = {searchdata.path(key): searchdata.data(key, searchdata.row_block(parts, b))
             for b in blocks for key in [searchdata.key("rows", b)]}
    state.core["rows"] = list(map(len, files.values()))
    state.core["facets"] = facet_list
    files.update(facet_files)
    kinds = tuple(searchdata.path(searchdata.key(kind, ""))[:-len(".js")] for kind in ("rows", "lists", "sample", "labels"))
    for path in [p for p in state.files if p.startswith(kinds) and p not in files]:
        del state.files[path]
    return files


def _compared(site: Site, old: SearchState, state: SearchState, files: dict[str, bytes]
              ) -> tuple[dict[str, bytes], set[str], SearchStats, SearchState]:
    """A whole index made again, as `update_documents` answers: the files whose bytes or places changed,
    and the places no longer written. `files` are at their places (`_placed`), the states' files by key."""
    before, after = _folders(old.core), _folders(state.core)
    out: dict[str, bytes] = {}
    for path, digest in state.files.items():
        placed = _place(path, after)
        if old.files.get(path) != digest or placed != _place(path, before):
            out[placed] = files[placed]
    gone = {_place(path, before) for path in old.files} - {_place(path, after) for path in state.files}
    return out, gone, _stats(site, state), state


_FACETED = 8  # bytes: a document's key begins with a digest of its facet values and their labels


def _document_keys(site: Site, docs: list[Document]) -> list[bytes]:
    """Per document, a digest of its facet values and their labels (what `searchdata.facets` reads of
    it), then one of everything the index reads of it (its fields with a search role, body, terms and
    their names, attachments' text, folder): unchanged, its part of the index is too."""
    faceted = [name for name, spec in DOCUMENT_FIELDS.items() if spec.facet]
    searched = [name for name, spec in DOCUMENT_FIELDS.items() if (spec.weight or spec.record) and not spec.facet]
    terms = {name: tax.terms for name, tax in site.taxonomies.items()}
    named: dict[tuple[str, str], object] = {}  # (taxonomy, term) -> its names and aliases (read once)

    def names_of(name: str, t: str) -> object:
        found = named.get((name, t))
        if found is None:
            found = named[name, t] = [terms[name][t].names, terms[name][t].all_names] if t in terms[name] else t
        return found
    out = []
    for doc in docs:
        names = [[name, [names_of(name, t) for t in ids]] for name, ids in sorted(doc.terms.items()) if name in terms]
        facets = json.dumps([names, *(getattr(doc, name) for name in faceted)], ensure_ascii=False, default=repr).encode()
        attached = [[a.name, a.href, [[p.number, p.text] for p in a.pages]] for a in doc.attachments]
        text = json.dumps([doc.id, doc.dir, doc.folder, doc.terms, attached, *(getattr(doc, name) for name in searched)],
                          ensure_ascii=False, default=repr)
        faceted_key = hashlib.blake2b(facets, digest_size=_FACETED).digest()
        out.append(faceted_key + hashlib.blake2b(b"\0".join((facets, text.encode(), doc.body.text.encode())), digest_size=16).digest())
    return out


def _settings_key(site: Site, layout: list) -> bytes:
    """A digest of what the index reads of the site besides its documents' keys."""
    config = site.config
    text = json.dumps([FORMAT, config.languages, repr(config.search), repr(config.taxonomies), repr(config.limits),
                       config.digits, layout], ensure_ascii=False, default=repr)
    return hashlib.blake2b(text.encode(), digest_size=16).digest()


def _record(state: SearchState, site: Site, doc: Document, n: int) -> bytes:
    """Document n's record file, with its facet values from the state (`searchdata.record_values`)."""
    key = _numbered(state.core, "records", n)
    return searchdata.data(key, searchdata.record(site, doc, searchdata.record_values(state.columns, state.single, state.labels, n)))


def _numbered(core: dict, kind: str, n: int) -> str:
    """The key of document `n`'s file of a kind numbered per document (`records`, `originals`), in the
    folders the core says (`urls.spread`)."""
    row = core["kinds"][kind]
    return urls.numbered(row["prefix"], n, (row["per"], row["levels"]))


def _key(path: str) -> str:
    """The key of a search file's path (`searchdata.path`, before `_place`)."""
    return path[len(FOLDER) + 1:-len(".js")]


def _folders(core: dict) -> dict[str, int]:
    """Prefix -> levels of sub-folders of the kinds split by name or hash (`searchdata.layout`), from the core."""
    return {row["prefix"]: row["levels"] for row in core["kinds"].values() if row["split"] != "number" and row.get("levels")}


def _place(path: str, folders: dict[str, int]) -> str:
    """Where a search file is written: in its kind's sub-folders (`searchdata.located`); the core at search/."""
    return path if path == urls.SEARCH_CORE or not folders else searchdata.path(searchdata.located(_key(path), folders))


def placed_paths(state: SearchState) -> set[str]:
    """Where every file of the index `state` describes is written (its files are held by key)."""
    folders = _folders(state.core)
    return {_place(path, folders) for path in state.files}


def _placed(files: dict[str, bytes], folders: dict[str, int]) -> dict[str, bytes]:
    return {_place(path, folders): data for path, data in files.items()}


def _carried(per_field: list, least: int, columns: list, single: list) -> str:
    """The facet counts a term in at least `least` documents carries (`searchdata.top_counts`), or ""."""
    if sum(map(len, per_field[:-1])) // 3 + len(per_field[-1]) // 2 < least:  # at most that many documents
        return ""
    found = searchindex.term_docs(per_field)
    return searchdata.top_counts(found, columns, single) if len(found) >= least else ""


def _rechunk(old: SearchState, state: SearchState, changes: list[int]) -> dict[str, bytes]:
    """Cut the changed stretches of `order` into chunks again (see `searchindex.rechunk`); the chunk
    and group files this rewrote."""
    state.ends, seps, new = searchindex.rechunk(old.order, old.ends, old.core["chunks"], state.order, state.packed, changes, state.counts)
    state.core["chunks"] = [sep if sep is not None else _separators(state, k, k + 1)[0] for k, sep in enumerate(seps)]
    _check_names(state.core["chunks"])
    files = _chunk_files(state, new)
    files.update(_group_files(state, new))
    return files


def fingerprint(site: Site) -> str:
    """A hash of everything `build_search` reads from the site, so an unchanged index can be reused:
    every document field with a search role (`schema.Field`: weight, facet, record) among it."""
    searched = [name for name, spec in DOCUMENT_FIELDS.items() if spec.weight or spec.facet or spec.record]
    digest = hashlib.sha256(json.dumps([FORMAT, site.config.languages, repr(site.config.search),
                                        repr(site.config.taxonomies)]).encode())
    for doc in site.documents.values():
        digest.update(json.dumps([doc.id, doc.dir, doc.body.text, doc.terms, searchdata.original_text(doc),
                                  *(getattr(doc, name) for name in searched)], ensure_ascii=False, default=repr).encode())
    for name, tax in site.taxonomies.items():
        digest.update(json.dumps([name, tax.config.title, [(t.id, t.names, t.aliases) for t in tax.terms.values()]],
                                 ensure_ascii=False).encode())
    return digest.hexdigest()


def _field_texts(site: Site, doc: Document, layout: list[tuple[str, float, str]] | None = None) -> tuple[str, ...]:
    """The text of each field, in `fields` order: a taxonomy field holds every name and alias of
    the document's terms. `layout`: `_layout` of the index (asked when not given)."""
    body = doc.body.text
    depth = site.config.search.body
    if depth == "none":
        body = ""
    elif isinstance(depth, int):
        body = " ".join(body.split()[:depth])
    out = []
    for name, _, where in layout or _layout(site, searchdata.indexes_originals(site)):
        if where == "field":
            out.append(getattr(doc, name))
        elif where == "taxonomy":
            out.append(" ".join(n for t in doc.terms.get(name, ()) for n in site.taxonomies[name].terms[t].all_names))
        else:
            out.append(body if where == "body" else searchdata.original_text(doc))
    return tuple(out)


def _separators(state: SearchState, lo: int, hi: int) -> list[str]:
    ends, order = state.ends, state.order
    return [searchindex.separator(order[ends[j - 1] if j else 0], order[ends[j - 1] - 1] if j else None) for j in range(lo, hi)]


def _check_names(separators: list[str]) -> None:
    names = [searchindex.chunk_name(sep) for sep in separators]
    if len(set(names)) < len(names):  # two separators with one 32-bit hash: not seen, but not silent
        raise ValueError(f"search chunk names collide: {sorted(n for n in names if names.count(n) > 1)}")


def _chunk_files(state: SearchState, chunks: Iterable[int], postings: bool = True) -> dict[str, bytes]:
    """The term chunk files `chunks`: their terms and packed postings (unless not `postings`), and
    beside each its position files."""
    files = {}
    for j in chunks:
        terms = state.order[state.ends[j - 1] if j else 0:state.ends[j]]
        name = searchindex.chunk_name(state.core['chunks'][j])
        key = searchdata.key("positions", name)
        files[searchdata.path(key)] = searchdata.data(key, ["" if t in state.own else state.positions.get(t, "")
                                                            for t in terms])
        for key, term in _alone_files(name, terms, state.own):
            files[searchdata.path(key)] = searchdata.data(key, state.positions[term])
        if not postings:
            continue
        key = searchdata.key("chunks", name)
        chunk = {"terms": terms, "postings": [state.packed[t] for t in terms]}
        if any(t in state.counts for t in terms):
            chunk["counts"] = [[k, state.counts[t]] for k, t in enumerate(terms) if t in state.counts]
        files[searchdata.path(key)] = searchdata.data(key, chunk)
    return files


def _alone_files(name: str, terms: Iterable[str], alone: set[str]) -> list[tuple[str, str]]:
    """(key, term) of each position file of its own among a chunk's terms (named `name`)."""
    keys = [(searchdata.key("positions", f"{name}-{searchindex.chunk_name(t)}"), t) for t in terms if t in alone]
    if len({k for k, _ in keys}) < len(keys):  # two terms of one chunk with one 32-bit hash: not seen, but not silent
        raise ValueError(f"search position file names collide in chunk {name}")
    return keys


def _own(state: SearchState) -> None:
    """The terms whose positions are a file of their own (`searchindex.own_set`), into the state and
    the core (the page reads there which files a phrase's positions are in)."""
    state.core["own"], state.own = searchindex.own_set(state.alone, state.positions)


def _owned(old: SearchState, state: SearchState, placed: set[str]) -> set[str]:
    """`state.own` brought up to date after the positions of `placed` changed (a term may have come,
    gone, or passed searchindex.ALONE): made anew when the common terms changed, else only `placed`
    checked against the core's set. The terms whose file of their own came or went."""
    if state.alone != old.alone:
        _own(state)
    else:
        hashes, mask = searchindex.own_hashes(state.core["own"]), state.core["own"]["m"] - 1
        for term in placed:
            if term in state.positions and searchindex.term_hash(term) & mask in hashes:
                state.own.add(term)
            else:
                state.own.discard(term)
    return old.own ^ state.own


def _positions(state: SearchState, term: str) -> str:
    """A term's entry in its position file: its title positions, then its body's."""
    return state.title_positions.get(term, "") + searchindex.encode_positions(state.body_positions.get(term))


def _chunks_of(state: SearchState, terms: Iterable[str]) -> set[int]:
    """The chunks now holding `terms` (those still in the index)."""
    terms = list(terms)
    if len(terms) > 64:  # (a dict of every term costs less than that many bisects by key)
        where = dict(zip(state.order, range(len(state.order))))
        return {bisect_right(state.ends, where[t]) for t in terms if t in where}
    out = set()
    for term in terms:
        i = bisect_left(state.order, utf16_key(term), key=utf16_key)
        if i < len(state.order) and state.order[i] == term:
            out.add(bisect_right(state.ends, i))
    return out


def _group_files(state: SearchState, chunks: Iterable[int]) -> dict[str, bytes]:
    """The term lists of the groups of chunks holding `chunks` or the chunk right after one (its group
    may start anew), for fuzzy and leading-wildcard clauses, which need every term; each group is
    named by its last chunk. Form terms are left out: no such clause matches them."""
    names = [searchindex.chunk_name(sep) for sep in state.core["chunks"]]
    reached = {k for j in chunks for k in (j, j + 1)}
    files, start = {}, 0
    for end, name in enumerate(names):
        if searchindex.ends_group(name) or end == len(names) - 1:
            if any(k in reached for k in range(start, end + 1)):
                key = searchdata.key("groups", name)
                terms = state.order[state.ends[start - 1] if start else 0:state.ends[end]]
                files[searchdata.path(key)] = searchdata.data(key, [t for t in terms if not analysis.is_form(t)])
            start = end + 1
    return files


def _vocab_files(old: SearchState, state: SearchState, touched: set[str]) -> dict[str, bytes]:
    """The vocabulary files of the first characters of `touched` terms whose size class, or presence,
    changed; and the core's list of them."""
    def size(s: SearchState, term: str) -> int:
        return searchvocab.size_class(s.packed[term]) if term in s.packed else -1
    resized = [t for t in touched if searchvocab.wanted(t) and size(old, t) != size(state, t)]
    keys = {k for t in resized for k in searchvocab.keys_of(t)}
    if not keys:
        return {}
    if "vocab" in old.core and all(t in state.packed for t in resized):  # no term gone: no key can be left empty
        state.core["vocab"] = sorted({*old.core["vocab"], *keys})
    else:
        state.core["vocab"] = searchvocab.keys(state.order)
    if any(k.startswith("2-") for k in keys):  # filed by a second character: anywhere in the order
        return searchvocab.files(state.order, state.packed, keys)
    return searchvocab.files([t for k in sorted(keys) for t in _starting(state.order, chr(int(k, 16)))], state.packed, keys)


def _starting(order: list[str], first: str) -> list[str]:
    """The terms of `order` (JavaScript order) beginning with `first`, a run of it: a vocabulary file's
    terms without going through all of them (a title edit touches a few of 60,000)."""
    start = end = bisect_left(order, utf16_key(first), key=utf16_key)
    while end < len(order) and order[end].startswith(first):
        end += 1
    return order[start:end]


def _removed_paths(old: SearchState, state: SearchState) -> set[str]:
    """The chunk, group and vocabulary files of `old` that `state` has no more (none, when its chunks,
    terms with positions of their own and vocabulary keys are the same)."""
    if (old.core["chunks"] == state.core["chunks"] and old.own == state.own
            and old.core.get("vocab") == state.core.get("vocab")):
        return set()
    return _index_paths(old) - _index_paths(state)


def _index_paths(state: SearchState) -> set[str]:
    """The paths of every chunk (and its position files), group and vocabulary file."""
    names = [searchindex.chunk_name(sep) for sep in state.core["chunks"]]
    groups = {searchdata.key("groups", name) for j, name in enumerate(names) if searchindex.ends_group(name) or j == len(names) - 1}
    own = {key for j in _chunks_of(state, state.own)
           for key, _ in _alone_files(names[j], state.order[state.ends[j - 1] if j else 0:state.ends[j]], state.own)}
    chunks = {searchdata.key(kind, name) for name in names for kind in ("chunks", "positions")}
    return {searchdata.path(key) for key in groups | chunks | own} | searchvocab.paths(state.core.get("vocab", ()))


def _block_file(state: SearchState, block: int) -> tuple[str, bytes]:
    key = searchdata.key("lengths", block)
    return searchdata.path(key), searchdata.data(key, searchindex.length_block(state.lengths, block))


def _bucket_files(state: SearchState, blocks: Iterable[int] = ()) -> dict[str, bytes]:
    """The bucket maps and per-bucket exact body lengths of `blocks` (every file of a block, since an
    edit can move a document to another bucket), or of every block when the bucket edges are not the
    core's (a first build, or edits that moved them); and the core's bucket edges and ranges."""
    edges = searchindex.bucket_edges(state.lengths)
    if edges != state.core.get("buckets", {}).get("edges"):
        blocks = range(-(-len(state.ids) // searchindex.BUCKET_BLOCK))
    state.core["buckets"] = {"edges": edges, "ranges": searchindex.bucket_ranges(state.lengths, edges)}
    files = {}
    for b in blocks:
        key = searchdata.key("buckets", b)
        files[searchdata.path(key)] = searchdata.data(key, searchindex.bucket_map(state.lengths, edges, b))
        for k in range(searchindex.BUCKETS):
            key = searchdata.key("exact", f"{k}-{b}")
            files[searchdata.path(key)] = searchdata.data(key, searchindex.bucket_lengths(state.lengths, edges, k, b))
    return files


def _core_file(state: SearchState) -> bytes:
    return searchdata.script("window.SITEGEN_SEARCH = ", state.core, ";")


def _digest(data: bytes) -> bytes:
    return len(data).to_bytes(4, "little") + hashlib.blake2b(data, digest_size=12).digest()


def _size(digest: bytes) -> int:
    return int.from_bytes(digest[:4], "little")


def _stats(site: Site, state: SearchState) -> SearchStats:
    raw = state.raw_bytes
    return SearchStats(len(state.ids), len(state.order), len(state.ends), raw,
                       raw > site.config.search.budget_kb * 1024, len(state.files))


def chunk_paths(core: dict) -> list[str]:
    """The term chunk files a core names, in term order (for tests and tools)."""
    folders = _folders(core)
    return [_place(searchdata.path(searchdata.key("chunks", searchindex.chunk_name(sep))), folders) for sep in core["chunks"]]


def over_budget(config: Config, stats: Any) -> list[Diagnostic]:
    """A search index larger than `search.budget_kb` is a warning (an error under --strict): every
    reader who searches online downloads part of it, and an offline copy carries all of it."""
    if stats is None or not stats.over_budget:
        return []
    return [Diagnostic(config.path, 1, 1, f"the search index is {stats.raw_bytes // 1024} KB, over search.budget_kb "
                       f"({config.search.budget_kb} KB)", "index fewer body words (search.body: N) or raise the budget",
                       WARNING)]
