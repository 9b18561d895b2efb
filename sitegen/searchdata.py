"""What the search files carry besides postings, and the wrapping every search file shares: facet
labels and each document's facet value ids, display records, the analysis tables the page reads, all
as classic scripts calling `SITEGEN_DATA(key, data)` (so they load from `file://`). See search.py.
"""

from __future__ import annotations

import heapq
import json
from collections import Counter
from itertools import chain
from dataclasses import asdict, dataclass
from typing import Iterable, Iterator, Sequence

from sitegen import analysis, arabic, l10n, searchcodes, searchindex, urls
from sitegen.model import Document, Site
from sitegen.schema import DOCUMENT_FIELDS, facet_name
from sitegen.ui import language_name, ui_language

SNIPPET_WORDS = 60
ROWS = 2048  # documents per facet-row block: only queries matching few documents load rows
LIST_BYTES = 16_000  # packed bytes per facet value-list file (each file is a request), up to LIST_SCALE documents
LIST_SCALE, LIST_LEAST = 20_000, 4_000  # past that, smaller files: a value's list grows with the archive, and a
# query counting by bounds loads the files of the values it could show (measured: benchmarks/README.md, "Facts")
SHOWN = 12  # facet values the page shows, most results first (it counts them exactly)
LABELS_PER_FILE = 32  # the top values of a facet (what the page shows) mostly fall in the first file
FOLDER = urls.SEARCH_CORE.rsplit("/", 1)[0]
TOPS = 40  # values per facet whose counts a common term carries (`top_counts`)
COUNTED_MIN, COUNTED_PART = 64, 64  # a term carries them when in at least max(MIN, documents / PART) documents,
COUNTED_FROM = LIST_SCALE  # in an archive of more documents than this: below, value lists are few and small, and
# counting costs more CPU than it saves bytes (benchmarks/README.md, "Facts")
SAMPLE, SAMPLE_FROM = 10_000, LIST_SCALE  # past SAMPLE_FROM documents, value lists over every `stride`-th document too
# (a sample of about SAMPLE): exact counts for a many-word query cost many full lists (benchmarks/README.md,
# "Facts"); the page estimates a facet from the sample where exact costs SAMPLE_RATIO times more
SAMPLE_RATIO, SAMPLE_LEAST = 2, 1_000  # and at least SAMPLE_LEAST results fall in it (fewer: too rough, counted exactly)


@dataclass(frozen=True)
class Kind:
    """One kind of search file, as Python writes it and the page reads it (the core carries this table
    but `holds`, `core_kinds`): its folder under search/ (`prefix`), what one file holds, how its data is
    coded (`coding`: `rice`, Rice and gamma bit codes after packed heads, searchcodes; `packed`, packed
    numbers; `bits`, two bits a document; `runs`, Rice-coded gaps or packed runs, `value_lists`;
    `front`, front-coded terms, searchvocab; `json`), how many documents or values a file holds where
    it holds a block of them (`block`), and how its files go into sub-folders when they are more than a
    folder holds (`split`): by the file's number (`number`, urls.spread: records and originals, by
    document), by the leading hex digits of its name, itself a hash (`name`: term chunks and the files
    named after them), or of a hash of its name (`hash`, searchindex.chunk_name: every other kind)."""

    prefix: str
    holds: str
    coding: str
    block: int = 0
    split: str = "hash"


def kinds() -> dict[str, Kind]:
    """The kinds of search file, the one place they are declared; a function, so the block sizes are
    the writers' constants as they are when the core is written (a test may lower them)."""
    return {
        "chunks": Kind("t", "a run of terms and their postings (searchindex.encode_head, encode_body; top_counts)",
                       "rice", split="name"),
        "positions": Kind("p", "a chunk's term positions, or one common term's (searchindex.encode_positions)", "rice",
                          split="name"),
        "groups": Kind("k", "the terms of a group of chunks", "json", split="name"),
        "vocabulary": Kind("w", "the terms of a first character (searchvocab.encode)", "front"),
        "lengths": Kind("d", "body lengths (searchindex.length_block)", "rice", searchindex.BLOCK),
        "dates": Kind("y", "dates (date_block)", "packed", searchindex.BLOCK),
        "buckets": Kind("b", "body-length buckets (searchindex.bucket_map)", "bits", searchindex.BUCKET_BLOCK),
        "exact": Kind("e", "one bucket's body lengths (searchindex.bucket_lengths)", "rice", searchindex.BUCKET_BLOCK),
        "rows": Kind("f", "each document's facet value ids (row_block)", "packed", ROWS),
        "lists": Kind("v", "a run of a facet's values' documents (value_lists)", "runs"),
        "sample": Kind("s", "the same over the sample (value_lists)", "runs"),
        "labels": Kind("l", "a run of a facet's value labels", "json", LABELS_PER_FILE),
        "records": Kind("r", "a document's display record (record)", "json", split="number"),
        "originals": Kind("o", "the text of a document's attachments' pages (original_pages)", "json", split="number"),
    }


KINDS = kinds()  # for their prefixes and splits, which nothing changes
PREFIXES = {kind.prefix: name for name, kind in KINDS.items()}
FIRST_LISTS = f"{KINDS['lists'].prefix}/first"  # one file holding every facet's first value-list file: a query
# counting by lists loads them all (in an archive with a facet sample, it reads some facets from the sample's lists
# instead: no merged file there)


def key(kind: str, name: object) -> str:
    """The key of file `name` (`t/3fa0c2d1`, `d/0`) of a kind of `KINDS`: what it calls SITEGEN_DATA with;
    its path (`path`) is in the kind's sub-folders, if any (`located`)."""
    return f"{KINDS[kind].prefix}/{name}"


def core_kinds(folders: dict[str, int], spread: tuple[int, int]) -> dict[str, dict]:
    """`KINDS` for the core, with each kind's levels of sub-folders (`folders`, `layout`) where it has
    some, and for the kinds numbered by document how many files a folder holds (`spread`)."""
    out = {}
    for name, kind in kinds().items():
        row = {k: v for k, v in asdict(kind).items() if v and k != "holds"}
        if kind.split == "number":
            row["per"], row["levels"] = spread
        elif folders.get(kind.prefix):
            row["levels"] = folders[kind.prefix]
        out[name] = row
    return out


def layout(keys: Iterable[str], limit: int) -> dict[str, int]:
    """Prefix -> levels of sub-folders of each kind split by name or hash whose files (`keys`) would
    not fit one folder of `limit` FAT32 entries (`urls.fat_entries`): the fewest levels at which no
    folder of it holds more. A folder between holds at most 16 one-digit folders (34 entries, under the
    least limit, 40). The kinds numbered by document are `urls.spread`'s."""
    by_kind: dict[str, list[str]] = {}
    for k in keys:
        prefix, _, name = k.partition("/")
        by_kind.setdefault(prefix, []).append(name)
    out = {}
    for prefix, names in sorted(by_kind.items()):
        split = KINDS[PREFIXES[prefix]].split
        if split == "number":
            continue
        sized = [(name if split == "name" else searchindex.chunk_name(name), urls.fat_entries(f"{name}.js")) for name in names]
        levels = 0
        while True:
            held = Counter()
            for digits, entries in sized:
                held[digits[:levels]] += entries
            if 2 + max(held.values()) <= limit:
                break
            levels += 1
        if levels:
            out[prefix] = levels
    return out


def located(key: str, folders: dict[str, int]) -> str:
    """A key in its kind's sub-folders (`layout`): `t/3fa0c2d1` at two levels is `t/3/f/3fa0c2d1`, each level one
    hex digit of the name (`name` kinds) or of `searchindex.chunk_name` of it (`hash` kinds); the twin of
    `located` in the page."""
    prefix, _, name = key.partition("/")
    levels = folders.get(prefix, 0)
    if not levels:
        return key
    digits = name if KINDS[PREFIXES[prefix]].split == "name" else searchindex.chunk_name(name)
    return "/".join([prefix, *digits[:levels], name])


def facets(site: Site) -> tuple[list[Document], list[dict], list[str], dict[str, bytes], list[list], list[list], list[list]]:
    """The documents in index order, [{name, title, values, single, files, top, labels}] for the core,
    per document its facet value ids packed (the rows), the label and value-list files, per facet its
    documents' value ids and its values' labels (`arranged`), and per facet its values, ranked (what
    `facets_patched` starts from). Every taxonomy is a facet, then language, year and source. Documents
    are numbered by their single-valued facets (fewest values first) so each value of those is a few
    runs of numbers, nearly free to ship."""
    specs = facet_specs(site)
    docs = sorted(site.documents.values(), key=lambda d: d.id)
    values = [[values_of(d) for d in docs] for _, _, values_of, _ in specs]
    ranked = [rank_values(per_doc) for per_doc in values]
    ids = [[sorted({number[v] for v in doc_values}) for doc_values in per_doc]
           for per_doc, number in zip(values, ({v: i for i, v in enumerate(r)} for r in ranked))]
    single = [all(len(doc_ids) <= 1 for doc_ids in per_doc) for per_doc in ids]
    runs = sorted((f for f in range(len(specs)) if single[f]), key=lambda f: len(ranked[f]))
    order = sorted(range(len(docs)), key=lambda n: ([ids[f][n] for f in runs], docs[n].id))
    in_order = [[per_doc[n] for n in order] for per_doc in ids]
    return [docs[n] for n in order], *arranged(specs, ranked, in_order, single, len(docs)), ranked


def facets_patched(site: Site, columns: list[list], single: list[bool], ranked: list[list], doc_ids: Sequence[str],
                   changed: dict[int, Document]) -> tuple | None:
    """`facets` of `site` (with None for its documents) from what `facets` made of it before the
    documents `changed` (number in index order -> the document now) were edited: its `columns`,
    `single` and `ranked`, and `doc_ids` in index order. Only the edited documents are read: the
    others' values are their ids in `columns`, ranked and numbered again as `facets` does it. None
    when a document's number in index order would change (`facets` then says how)."""
    specs = facet_specs(site)
    if not len(specs) == len(columns) == len(single) == len(ranked):
        return None
    ids, now_ranked, moved = [], [], []
    for (_, _, values_of, _), column, one, was in zip(specs, columns, single, ranked):
        per_doc = [[c] if c >= 0 else [] for c in column] if one else [list(c) for c in column]
        tally = {was[i]: c for i, c in Counter(chain.from_iterable(per_doc)).items()}
        now = {}
        for n, doc in changed.items():
            for i in per_doc[n]:
                tally[was[i]] -= 1
            now[n] = set(values_of(doc))
            for v in now[n]:
                tally[v] = tally.get(v, 0) + 1
        order = sorted((v for v, c in tally.items() if c > 0), key=lambda v: (-tally[v], v))
        number = {v: i for i, v in enumerate(order)}
        if order != was:
            renumber = [number.get(v, -1) for v in was]
            per_doc = [sorted(renumber[i] for i in doc_ids_) for doc_ids_ in per_doc]
        before = {n: per_doc[n] for n in now}
        for n, values in now.items():
            per_doc[n] = sorted(number[v] for v in values)
        ids.append(per_doc)
        now_ranked.append(order)
        moved.append(order != was or any(before[n] != per_doc[n] for n in now))
    now_single = [all(len(doc_ids_) <= 1 for doc_ids_ in per_doc) for per_doc in ids]
    runs = sorted((f for f in range(len(specs)) if now_single[f]), key=lambda f: len(now_ranked[f]))
    if now_single != single or any(moved[f] for f in runs):  # documents are numbered by these: still in order?
        keys = [([ids[f][n] for f in runs], doc_id) for n, doc_id in enumerate(doc_ids)]
        if any(a >= b for a, b in zip(keys, keys[1:])):
            return None
    return None, *arranged(specs, now_ranked, ids, now_single, len(doc_ids)), now_ranked


def facet_specs(site: Site) -> list[tuple]:
    """Per facet, in order: (name, title per edition, a document's values, a value's label): every
    taxonomy, then the document fields that are facets (`field_facet`)."""
    editions = site.config.languages  # titles and labels per edition: {"en": ..., "ar": ...}
    specs = [(name, {e: tax.config.title_in(ui_language(e)) for e in editions}, lambda d, name=name: list(d.terms.get(name, ())),
              lambda v, tax=tax: {e: list(tax.terms[v].name(e)) for e in editions} if v in tax.terms else [v, ""])
             for name, tax in site.taxonomies.items()]
    return specs + [field_facet(name, spec.kind, editions)
                    for name, spec in sorted(DOCUMENT_FIELDS.items(), key=lambda f: f[1].facet) if spec.facet]


def arranged(specs: list[tuple], ranked: list[list], ids: list[list[list[int]]], single: list[bool], count: int
             ) -> tuple[list[dict], list[str], dict[str, bytes], list[list], list[list]]:
    """What `facets` makes of the facets' values (`specs`), `ranked`, and the `count` documents' value ids
    (`ids`: per facet, per document in index order): the core's facets, the rows, the label and value-list
    files, the columns and labels. Every query loaded the first label file of every facet (its most
    frequent values, which it mostly shows), so those labels are in the core (`labels`) instead: five
    requests fewer in a query's first round. A query counting facets by value lists loads the first
    list file of every facet, so those are one file, `FIRST_LISTS`, each still calling SITEGEN_DATA
    with its own key (not in an archive with a facet sample: `stride`). Then, per facet and document
    in index order, its value ids (`columns`, what `top_counts` counts); last, per facet, every
    value's label (what `record_values` gives a record)."""
    out, files, firsts = [], {}, []
    every = stride(count)
    for f, (name, title, _, label_of) in enumerate(specs):
        for start in range(LABELS_PER_FILE, len(ranked[f]), LABELS_PER_FILE):
            labels = key("labels", f"{f}-{start // LABELS_PER_FILE}")
            files[path(labels)] = data(labels, [label_of(v) for v in ranked[f][start:start + LABELS_PER_FILE]])
        totals = value_counts(ids[f], len(ranked[f]))
        lists = value_lists(ids[f], len(ranked[f]), single[f])
        size = min(LIST_BYTES, max(LIST_LEAST, LIST_BYTES * LIST_SCALE // max(1, count)))
        out.append({"name": name, "title": title, "values": len(ranked[f]), "single": single[f],
                    "files": _list_files(files, key("lists", f), lists, size, totals),
                    "top": totals[min(SHOWN, len(totals)) - 1] if totals else 0,
                    "labels": [label_of(v) for v in ranked[f][:LABELS_PER_FILE]]})  # every query shows some
        if every:
            sampled = [ids[f][n] for n in range(0, count, every)]
            out[-1]["sample"] = _list_files(files, key("sample", f), value_lists(sampled, len(ranked[f]), single[f]), LIST_BYTES,
                                            value_counts(sampled, len(ranked[f])))
        firsts += [path(key("lists", f"{f}-0"))] if out[-1]["files"] and not every else []
    if firsts:  # one request where there were one per facet (with a sample, a query reads some facets from it)
        files[path(FIRST_LISTS)] = b"".join(files.pop(p) for p in firsts)
    parts = [facet_part([per_doc[n] for per_doc in ids], single) for n in range(count)]
    columns = [[per_doc[n][0] if per_doc[n] else -1 for n in range(count)] if one else [tuple(per_doc[n]) for n in range(count)]
               for per_doc, one in zip(ids, single)]
    labels = [[label_of(v) for v in values] for (_, _, _, label_of), values in zip(specs, ranked)]
    return out, parts, files, columns, labels


def field_facet(name: str, kind: str, editions: tuple[str, ...]) -> tuple:
    """(name, title, values of a document, label of a value) of the facet a document field is
    (`schema.Field.facet`): a language by its name in each edition, a date by its year, text as written."""
    if kind == "language":
        return (name, "", lambda d: [getattr(d, name)],
                lambda v: {e: [language_name(v, ui_language(e)), ui_language(e)] for e in editions})
    if kind == "date":
        return (facet_name(name, DOCUMENT_FIELDS[name]), "",
                lambda d: [str(getattr(d, name).year)] if getattr(d, name) and getattr(d, name).year else [], lambda v: [v, ""])
    return (name, "", lambda d: [getattr(d, name)] if getattr(d, name) else [], lambda v: [v, ""])


def stride(documents: int) -> int:
    """Every how many documents (in index order) one is in the facet sample: 0 for no sample, in an
    archive of at most SAMPLE_FROM documents (every count exact). Index order sorts by the single-valued
    facets, so a stride samples each of their values in proportion."""
    return -(-documents // SAMPLE) if documents > SAMPLE_FROM else 0


def sample_spec(documents: int) -> dict[str, int] | None:
    """The core's description of the facet sample (None for none): its stride, its size, and when the
    page uses it (see SAMPLE_RATIO)."""
    every = stride(documents)
    return {"stride": every, "size": -(-documents // every), "least": SAMPLE_LEAST, "ratio": SAMPLE_RATIO} if every else None


def _list_files(files: dict[str, bytes], prefix: str, lists: list[str], most: int, totals: list[int]) -> list[list[int]]:
    """Writes a facet's value lists into `files` as `prefix-k` (`list_files`); per file its first value id,
    the most documents any of its values has (its first's, but not in a sample) and its size."""
    out = []
    for k, (lo, hi) in enumerate(list_files(lists, most)):
        files[path(f"{prefix}-{k}")] = data(f"{prefix}-{k}", lists[lo:hi])
        out.append([lo, max(totals[lo:hi]), len(files[path(f"{prefix}-{k}")])])
    return out


def counted(documents: int) -> int:
    """How many documents a term must be in to carry its facet counts (`top_counts`): below that its
    results are few, and the page counts them from rows or by bounds of value totals."""
    return max(COUNTED_MIN, documents // COUNTED_PART) if documents > COUNTED_FROM else documents + 1


def top_counts(docs: Sequence[int], columns: list[list], single: list[bool]) -> str:
    """For a term in documents `docs`, per facet its TOPS values with most of those documents (most
    first, then by id), packed: their number, the first value's id and count, then each next value's
    id and how many fewer documents it has. The page bounds a query's count of every value with these
    (a value not listed has at most the last count, none if fewer than TOPS are listed)."""
    ints: list[int] = []
    for column, one in zip(columns, single):
        found = Counter(map(column.__getitem__, docs)) if one else Counter(chain.from_iterable(map(column.__getitem__, docs)))
        found.pop(-1, None)
        top = _most(found)
        ints.append(len(top))
        last = None
        for v, c in top:
            ints += (v, c if last is None else last - c)
            last = c
    return searchcodes.pack(ints)


def _most(found: Counter) -> list[tuple[int, int]]:
    """The TOPS values with most documents, most first, then by id: `heapq.nsmallest` with a key, but
    its key runs only on the values that can be among them (the counts are compared in C first:
    a quarter of the time of top_counts at 10,000 documents went to the key)."""
    if len(found) > TOPS:
        least = heapq.nlargest(TOPS, found.values())[-1]
        items = [vc for vc in found.items() if vc[1] >= least]
    else:
        items = list(found.items())
    items.sort(key=lambda vc: (-vc[1], vc[0]))
    return items[:TOPS]


def decode_top_counts(packed: str, facets: int) -> list[list[tuple[int, int]]]:
    """The inverse of `top_counts` (for tests and tools)."""
    ints, at, out = searchcodes.unpack(packed), 0, []
    for _ in range(facets):
        m, at, pairs, last = ints[at], at + 1, [], 0
        for j in range(m):
            v, c = ints[at], ints[at + 1]
            last = c if j == 0 else last - c
            pairs.append((v, last))
            at += 2
        out.append(pairs)
    return out


def record(site: Site, doc: Document, values: list | None = None) -> dict[str, object]:
    """One result's display record; its date and language name in the words of every edition (each
    edition's search page picks its own); its facet values (`record_values`) when given."""
    editions = site.config.languages
    words = doc.body.text.split(maxsplit=SNIPPET_WORDS)  # the rest, if any, in one piece
    shown: dict[str, object] = {"href": urls.document(doc.id, folder=doc.folder), "dir": doc.dir}
    for name, spec in DOCUMENT_FIELDS.items():
        if spec.record:
            shown.update(record_value(name, spec.kind, getattr(doc, name), editions, site.config.digits))
    return {**shown, "text": " ".join(words[:SNIPPET_WORDS]) + (" …" if len(words) > SNIPPET_WORDS else ""),
            **({"originals": pages} if (pages := len(original_pages(site, doc))) else {}),
            **({"values": values} if values is not None else {})}


def record_values(columns: list[list], single: list[bool], labels: list[list], n: int) -> list[list]:
    """Document n's facet value ids (`facets`' columns), per facet, each past the core's labels (the
    first LABELS_PER_FILE) with its label: [id, label]. A query whose results are all shown loads every
    result's record anyway, so the page counts their facets and labels the values from the records, in
    the round that brings them, where rows or value lists and then label files were two rounds more."""
    return [_values_shown(column, one, named, n) for column, one, named in zip(columns, single, labels)]


def _values_shown(column: list, one: bool, named: list, n: int) -> list:
    ids = ([column[n]] if column[n] >= 0 else []) if one else column[n]
    return [i if i < LABELS_PER_FILE else [i, named[i]] for i in ids]


def records_moved(before: tuple[list, list, list], after: tuple[list, list, list], count: int) -> list[int]:
    """The documents (of `count`) whose `record_values` differ between two `facets`' (columns, single,
    labels): only the facets whose ids or labels differ are compared document by document."""
    if len(before[0]) != len(after[0]):
        return list(range(count))
    moved: set[int] = set()
    for was, now in zip(zip(*before), zip(*after)):
        if was != now:
            moved.update(n for n in range(count) if _values_shown(*was, n) != _values_shown(*now, n))
    return sorted(moved)


def record_value(name: str, kind: str, value: object, editions: tuple[str, ...], digits: str) -> dict[str, object]:
    """A field shown in a search result (`schema.Field.record`), as the record holds it: a date in the
    words of every edition, a language by name in each (its tag as `lang`), anything else as it is."""
    if kind == "date":
        return {name: {e: l10n.date_text(value, ui_language(e), digits) if value else "" for e in editions}}
    if kind == "language":
        return {"lang": value, name: {e: language_name(value, ui_language(e)) for e in editions}}
    return {name: value}


def date_block(docs: list[Document], block: int, size: int) -> list[object]:
    """The dates of documents block * size .. + size (search/y/), for a date range and ordering by date:
    [base year, packed codes], a code per document: 0 undated, else 1 + (((year - base) * 13 + month)
    * 32 + day) * 2 + qualified, month and day 0 when the date does not give them, qualified when it is
    uncertain or approximate (the page widens its span by one of its units each way). Three characters
    a document over a span of 30 years."""
    part = docs[block * size:(block + 1) * size]
    base = min((d.date.year for d in part if d.date and d.date.year), default=0)

    def code(d: Document) -> int:
        if not (d.date and d.date.year):
            return 0
        qualified = d.date.uncertain or d.date.approximate
        return 1 + (((d.date.year - base) * 13 + (d.date.month or 0)) * 32 + (d.date.day or 0)) * 2 + qualified
    return [base, searchcodes.pack(code(d) for d in part)]


def original_text(doc: Document) -> str:
    """The text of every page of a document's attachments, one after another: its `originals` field."""
    return "\n\n".join(page.text for a in doc.attachments for page in a.pages)


def indexes_originals(site: Site) -> bool:
    """Whether the index has the `originals` field: `search.originals` is not 0 and some attachment
    has text (an archive without any keeps the index it had)."""
    return bool(site.config.search.originals) and any(a.pages for d in site.documents.values() for a in d.attachments)


def original_pages(site: Site, doc: Document) -> list[list[object]]:
    """[file name, output path, page number, text] per page of the document's attachments with text,
    when the index holds them (`search.originals` above 0): where a result matched, for `search/o/`."""
    if not site.config.search.originals:
        return []
    return [[a.name, a.href, page.number, page.text] for a in doc.attachments for page in a.pages]


def analysis_tables() -> dict[str, object]:
    """The rules `analysis.py` and `arabic.py` apply, for the JS twin to read instead of copying."""
    return {"stopWords": {"en": sorted(analysis.ENGLISH_STOP_WORDS), "ar": sorted(arabic.STOP_WORDS)},
            "arabicScript": arabic.ARABIC_SCRIPT.pattern, "diacritics": arabic.DIACRITICS.pattern,
            "letters": {chr(k): v for k, v in sorted(arabic.LETTERS.items())},
            "articles": list(arabic.ARTICLES), "suffixes": list(arabic.SUFFIXES), "waw": "و", "form": analysis.FORM}


def path(key: str) -> str:
    return f"{FOLDER}/{key}.js"


def data(key: str, data: object) -> bytes:
    return script(f"SITEGEN_DATA({json.dumps(key)}, ", data, ");")


def script(prefix: str, data: object, suffix: str) -> bytes:
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    # `</script>` or U+2028 in a title must not end or break the script
    text = text.replace("</", "<\\/").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return f"{prefix}{text}{suffix}\n".encode("utf-8")


def facet_part(values: list[list[int]], single: list[bool]) -> str:
    """A document's facet value ids, packed: id + 1 or 0 for a facet with at most one value per
    document, else the count, the first id and the gaps to the next (for facet counts over the
    results of a query matching few documents, where value lists would cost more)."""
    ints: list[int] = []
    for ids, one in zip(values, single):
        ints += [ids[0] + 1 if ids else 0] if one else [len(ids), *(b - a for a, b in zip([0, *ids], ids))]
    return searchcodes.pack(ints)


def row_block(rows: Sequence[str], block: int) -> str:
    """A block of ROWS documents' facet rows (`facet_part`)."""
    return "".join(rows[block * ROWS:(block + 1) * ROWS])


def value_lists(per_doc: Sequence[Sequence[int]], count: int, single: bool) -> list[str]:
    """Per value id of a facet, its documents packed: 0, a Rice parameter, the count, then the gaps
    between them as Rice codes (`rice`), or for a single-valued facet 1 then (gap, run length - 1)
    pairs when that is shorter (documents are numbered by those facets, so each value is a few runs)."""
    docs: list[list[int]] = [[] for _ in range(count)]
    for n, ids in enumerate(per_doc):
        for v in ids:
            docs[v].append(n)
    return [min(_gaps(d), _runs(d), key=len) for d in docs] if single else [_gaps(d) for d in docs]


def _gaps(docs: list[int]) -> str:
    gaps = [b - a - 1 for a, b in zip([-1, *docs], docs)]
    k = searchcodes.rice_parameter(sum(gaps), len(gaps))
    return searchcodes.pack([0, k, len(gaps)]) + searchcodes.rice(gaps, k)


def decode_list(packed: str) -> list[int]:
    """The inverse of a `value_lists` entry (for tests and tools)."""
    mode, at = searchcodes.read(packed, 0)
    if mode == 0:
        k, at = searchcodes.read(packed, at)
        count, at = searchcodes.read(packed, at)
        docs, n = [], -1
        for gap in searchcodes.unrice(packed[at:], k, count):
            docs.append(n := n + gap + 1)
        return docs
    ints, docs, n = searchcodes.unpack(packed)[1:], [], 0
    for gap, more in zip(ints[0::2], ints[1::2]):
        docs += range(n + gap, n + gap + more + 1)
        n += gap + more + 1
    return docs


def _runs(docs: list[int]) -> str:
    ints, end = [1], 0
    for n in docs:
        if ints[1:] and n == end:
            ints[-1] += 1
        else:
            ints += [n - end, 0]
        end = n + 1
    return searchcodes.pack(ints)


def list_files(lists: Sequence[str], most: int = LIST_BYTES) -> Iterator[tuple[int, int]]:
    """A facet's value lists cut into files of about LIST_BYTES, in value order (most documents first):
    the page loads the first files for the values it shows, the rest only when they could be shown."""
    start, size = 0, 0
    for v, packed in enumerate(lists):
        size += len(packed) + 3
        if size >= most:
            yield start, v + 1
            start, size = v + 1, 0
    if start < len(lists):
        yield start, len(lists)


def value_counts(per_doc: Sequence[Sequence[int]], count: int) -> list[int]:
    """How many documents have each value id."""
    counts = [0] * count
    for ids in per_doc:
        for v in ids:
            counts[v] += 1
    return counts


def rank_values(per_doc: list[list[str]]) -> list[str]:
    """Facet values, most documents first (then by value): frequent values get short ids."""
    counts = Counter(v for values in per_doc for v in set(values))
    return sorted(counts, key=lambda v: (-counts[v], v))
