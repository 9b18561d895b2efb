"""The search index maths: documents analysed field by field, postings split by term into chunks
whose boundaries survive edits, body lengths, facet rows and facet value lists, as packed integers
(`pack`) or, where a common word makes them long, bit codes (`rice`, six bits a character).

Why this shape (see issue 10): a query should load only the chunks holding its words, then small
tables for the documents it matches (at 100,000 documents a common word matches half of them, so
those grow with the archive and are coded in bits). So postings carry raw counts (document, term frequency), not
finished scores: the browser computes lunr's BM25 from them (`assets/sitegen-index/rank.js`), and a body
edit changes only the chunks of the words it touched and one table block, not every score in the
index (the field-length average, which every score reads, lives in the core file).
"""

from __future__ import annotations

import hashlib
import json
import zlib
from array import array
from bisect import bisect_left, bisect_right
from collections import Counter, deque
from collections.abc import Iterator as Iterating, Mapping, MutableMapping
from itertools import accumulate, repeat
from operator import itemgetter, sub
from typing import Iterable, Iterator, Sequence

from sitegen import analysis, searchcodes
from sitegen.cache import NO_MEMO, Memo
from sitegen.lunrcompat import utf16_key
from sitegen.workers import parallel_map

ANALYSIS_VERSION = 4  # bump when analysis rules change, so memoised analyses are not reused (2: positions; 3: form terms,
# s re-stemmed; 4: kept as `analyse_compact` makes them)
CHUNK_MIN, CHUNK_MAX, CHUNK_CUT = 3_000, 16_000, 12  # packed bytes per term chunk; cut on 1 term in CUT
BLOCK = 8192  # documents per body-length block: a common word needs every block, and each file is a request
UPFRONT = 24_576  # bytes: body-length blocks at most this big in all load with a query's chunks (see sitegen-index/lengths.js)
GROUP = 16  # chunks per term-list group, on average
ALONE = 512  # body positions from which a term's positions are a file of their own (see search.py, p/): the core lists
# those terms (`own_set`), so fewer of them cost every query less, and the rest sit in their chunks' position files
OWN_BITS = 6  # the core's set of terms with position files of their own holds hashes modulo 2**6 times their number
BUCKETS = 4  # body-length buckets (quantiles): two bits a document bound a body's BM25 from both sides
BUCKET_BLOCK = 4096  # documents per bucket-map file and per exact-length file of one bucket
WINDOW = 2048  # documents analysed at once (`Inverted`), their analyses let go once folded into the postings
# per field: (length, ((term, tf), ...), positions): positions only for the first field (the title) and
# the last (the body), else None (see `analyse_fields`)
Analysed = tuple[tuple[int, tuple[tuple[str, int], ...], "array | None"], ...]
Compact = tuple[tuple[int, str, array, "array | None"], ...]  # the same, each field's terms joined by NUL, tfs apart
_TERMS: dict[str, str] = {}  # token -> term, per process
_FORMS: dict[str, str] = {}  # token -> form term ("" for none)
_TITLE_FORMS: dict[str, str] = {}  # token -> form term or, for a stop word, its stop term
_consume = deque(maxlen=0).extend  # runs an iterator to its end, in C


def analyse_fields(texts: Sequence[str]) -> Analysed:
    """Each field's length in terms, its term and form term frequencies (`analysis.form_term`; the
    first field, the title, keeps its stop words as form terms): everything BM25 and the exact forms
    need from a document; for the title and the body (the last field), also where each term is
    (`_placed`), for phrases. A field's length counts its terms only, so form terms change no score,
    and they have no positions: they follow the terms, after the last one the positions cover."""
    return tuple((length, tuple(zip(_split(terms), tfs)), gaps) for length, terms, tfs, gaps in analyse_compact(texts))


def analyse_compact(texts: Sequence[str]) -> Compact:
    """`analyse_fields` with each field's terms joined by NUL and their tfs an array: what the memo
    keeps of every document, pickled a tenth as fast as tuples of pairs, and what `Inverted` folds.
    Tokens become terms through per-process tables, so counting runs in C (`Counter` over `map`)."""
    out = []
    table = _TERMS
    for f, text in enumerate(texts):
        tokens = analysis.tokens(text)
        try:
            terms = _lookup(table, tokens)
        except KeyError:  # words this process has not seen: each analysed once ("" for a stop word)
            for token in set(tokens).difference(table):
                table[token] = analysis.term_for(token)
                _FORMS[token] = analysis.form_term(token)
                _TITLE_FORMS[token] = _FORMS[token] or analysis.stop_term(token)
            terms = _lookup(table, tokens)
        counts = Counter(terms)
        counts.pop("", None)
        length = sum(counts.values())
        forms = Counter(_lookup(_TITLE_FORMS if f == 0 else _FORMS, tokens))
        forms.pop("", None)
        if f in (0, len(texts) - 1):
            items, gaps = _placed(terms, counts)
            items += tuple(sorted(forms.items()))
        else:
            counts.update(forms)
            items, gaps = tuple(counts.items()), None
        found, tfs = zip(*items) if items else ((), ())
        out.append((length, "\0".join(found), array("i", tfs), gaps))
    return tuple(out)


def _split(terms: str) -> list[str]:
    """A field's terms as `analyse_compact` joins them."""
    return terms.split("\0") if terms else []


def _placed(terms: Sequence[str], counts: Counter) -> tuple[tuple[tuple[str, int], ...], array]:
    """A field's (term, tf) in term order and, term after term, the positions of each in the field's
    tokens as gaps (the first position, then each less the one before and 1): a stop word or a token
    that leaves no term still takes a position, so "freedom of the press" is freedom at i, press at
    i + 3. In C but for one step per term: a stable sort of the token numbers by term."""
    items = tuple(sorted(counts.items()))
    order = sorted(range(len(terms)), key=terms.__getitem__)[len(terms) - sum(counts.values()):]  # "" sorts first
    gaps = array("i", map(sub, map(sub, order, [-1, *order[:-1]]), repeat(1)))
    at = 0
    for _, tf in items:
        gaps[at] = order[at]
        at += tf
    return items, gaps


def _lookup(table: dict[str, str], tokens: list[str]) -> Sequence[str]:
    """table[token] for every token, looked up in C (itemgetter of many keys returns a tuple)."""
    return itemgetter(*tokens)(table) if len(tokens) > 1 else [table[t] for t in tokens]


def analyse_all(texts: list[tuple[str, ...]], memo: Memo = NO_MEMO, jobs: int = 1) -> list[Compact]:
    """`analyse_compact` for every document; with a warm memo only changed documents are analysed."""
    analysis.prepare()
    if memo is NO_MEMO:  # nothing to look up or keep: the keys (a hash of every text) are not needed
        return parallel_map(analyse_compact, texts, jobs)
    keyed = [(hashlib.sha256(json.dumps([ANALYSIS_VERSION, t], ensure_ascii=False).encode()).digest(), t) for t in texts]
    return memo.reuse("search-analysis", keyed, lambda items: parallel_map(analyse_compact, items, jobs))


class Inverted:
    """The postings of documents added in index order a window at a time (`add`), so that only a
    window's analyses are held at once: an analysis holds its terms as tuples, about 30 KB a document
    (3 GB at 100,000 documents held together, the search stage's peak). Per field and term, [document,
    tf, length, ...] in document order; the body (the last field, with most postings) leaves its length
    out (the table blocks hold it) and is an array("i"): as a list of Python ints it was 36 bytes a
    number, 1.8 GB at 100,000 documents. Also the title's and the body's positions per term (`places`),
    each field's length sum, the body lengths, and per document its body terms and the terms of its
    other fields as packed numbers, terms numbered as first seen (`numbers`)."""

    def __init__(self, fields: int):
        self.fields = fields
        self.per_field: list[dict[str, list[int]]] = [{} for _ in range(fields - 1)]  # every field but the body
        self.bodies: list[array] = []  # per term number, its body posting
        self.placed: list[array] = []  # per term number, its body positions
        self.titles: dict[str, array] = {}
        self.sums = [0] * fields
        self.lengths = array("i")
        self.numbers: dict[str, int] = {}
        self.doc_terms: list[str] = []
        self.head_terms: list[str] = []

    def add(self, docs: Iterable[Compact]) -> None:
        """Fold the analyses of the next documents in (`analyse_compact`). The body's postings and
        positions (nine in ten of the index's) are appended in C: each term is once in a document, so
        its number appended to every one of its terms' postings, then each term's tf, makes the pairs."""
        per_field, body, sums, bodies, placed = self.per_field, self.fields - 1, self.sums, self.bodies, self.placed
        for doc in docs:
            n = len(self.lengths)
            heads: list[str] = []
            for f in range(body):  # two loops, so the hot one builds fixed-size tuples (the fast path)
                length, terms, tfs, gaps = doc[f]
                sums[f] += length
                terms = _split(terms)
                found = per_field[f]
                for term, tf in zip(terms, tfs):
                    flat = found.get(term)
                    if flat is None:
                        found[term] = [n, tf, length]
                    else:
                        flat += (n, tf, length)
                heads += terms
                if f == 0:
                    _place(self.titles, terms, tfs, gaps)
            self.head_terms.append(searchcodes.pack(sorted(set(self._numbered(heads)))))
            length, terms, tfs, gaps = doc[body]
            sums[body] += length
            self.lengths.append(length)
            numbers = self._numbered(_split(terms))
            flats = list(map(bodies.__getitem__, numbers))
            _consume(map(array.append, flats, repeat(n, len(flats))))
            _consume(map(array.append, flats, tfs))
            ends = list(accumulate(tfs))
            at = bisect_right(ends, len(gaps))  # the form terms follow the placed ones and have no positions
            _consume(map(array.extend, map(placed.__getitem__, numbers[:at]),
                          map(gaps.__getitem__, map(slice, [0, *ends[:at - 1]], ends[:at]))))
            self.doc_terms.append(searchcodes.pack(numbers))

    def _numbered(self, terms: list[str]) -> list[int]:
        """The numbers of `terms`, new ones numbered in their order (looked up in C, as `_lookup`)."""
        numbers = self.numbers
        try:
            return list(_lookup(numbers, terms)) if terms else []
        except KeyError:
            for term in terms:
                numbers.setdefault(term, len(numbers))
            self.bodies += [array("i") for _ in range(len(numbers) - len(self.bodies))]
            self.placed += [array("i") for _ in range(len(numbers) - len(self.placed))]
            return list(_lookup(numbers, terms))

    def postings(self) -> dict[str, list[Sequence[int]]]:
        """term -> per field its posting, every term of every field; the postings are let go here."""
        per_field, bodies, self.per_field, self.bodies = self.per_field, self.bodies, [], []
        empty: list[int] = []
        return {term: [*(found.get(term, empty) for found in per_field), posting] for term, posting in zip(self.numbers, bodies)}

    def places(self) -> dict[str, array]:
        """term -> its body positions (gaps, see `_placed`), every document's one after another in
        document order, as the body's posting lists them (its tf says how many are each document's);
        terms with none (form terms, terms in no body) left out. Let go here."""
        placed, self.placed = self.placed, []
        return {term: found for term, found in zip(self.numbers, placed) if found}

    def averages(self) -> list[float]:
        """Mean field length over all documents, computed as lunr.py does (sum / count)."""
        return [s / len(self.lengths) for s in self.sums] if self.lengths else [0.0] * self.fields


def _place(out: dict[str, array], terms: list[str], tfs: array, gaps: array) -> None:
    """Add one document's positions of a field (the title or the body) to `out`: term -> the positions
    (gaps, see `_placed`) of every document, one document after another in document order, as the
    field's posting lists them (its tf says how many are each document's)."""
    if not terms:
        return
    ends = list(accumulate(tfs))
    placed = bisect_right(ends, len(gaps))  # the form terms follow the placed ones and have no positions
    get = out.get
    for term, part in zip(terms[:placed], map(gaps.__getitem__, map(slice, [0, *ends[:placed - 1]], ends[:placed]))):
        found = get(term)
        if found is None:
            out[term] = part
        else:
            found.extend(part)


def encode_positions(gaps: Sequence[int] | None) -> str:
    """One field's positions of a term (`places`): nothing when it has none, else a Rice parameter,
    then the gaps as Rice codes, six bits a character (the page reads them with the field's posting,
    whose tfs say how many belong to each document)."""
    if not gaps:
        return ""
    k = searchcodes.rice_parameter(sum(gaps), len(gaps))
    return searchcodes.pack([k]) + searchcodes.chars("".join(searchcodes.rice_codes(gaps, k, 0)))


def decode_positions(packed: str, titles: int, bodies: int) -> tuple[list[int], list[int]]:
    """A term's position file entry (its title's then its body's `encode_positions`) holding `titles`
    and `bodies` positions, as gaps: the inverse (for tests and tools)."""
    out, at = [], 0
    for count in (titles, bodies):
        if not count:
            out.append([])
            continue
        k, at = searchcodes.read(packed, at)
        code = searchcodes.bits(packed[at:])
        values, i = [], 0
        for _ in range(count):
            value, i = searchcodes.rice_at(code, i, k)
            values.append(value)
        out.append(values)
        at += -(-i // 6)
    return out[0], out[1]


def set_places(places: MutableMapping[str, array], body: Mapping[str, array], copied: set[str], term: str, n: int,
               gaps: Sequence[int]) -> None:
    """Document n's body positions of `term` made `gaps`, given the term's body posting before the
    edit (`body`: where n's positions are); a term's positions are copied before their first change
    (listed in `copied`: the terms whose positions changed), so the previous state keeps its own."""
    flat = body.get(term)
    flat = array("i") if flat is None else flat
    i = bisect_left(range(len(flat) // 2), n, key=lambda k: flat[2 * k])
    start = sum(flat[1:2 * i:2])
    end = start + (flat[2 * i + 1] if 2 * i < len(flat) and flat[2 * i] == n else 0)
    old = places.get(term)
    if old is None:
        old = array("i")
    if old[start:end] == array("i", gaps):
        return
    if term not in copied:  # (an empty array is false: not `or`, which would change a stray copy)
        copied.add(term)
        old = places[term] = array("i", old)
    old[start:end] = array("i", gaps)


_EMPTY = searchcodes.ALPHABET[0]  # searchcodes.pack([0])


def encode_field(flat: Sequence[int]) -> str:
    """One field but the body of a posting [document, tf, field length, ...]: the count and two Rice
    parameters, then per document its gap as a Rice code, its tf as an Elias gamma code and the field's
    length as a Rice code, in bits (as `encode_body`; the next field starts at a character): 8-14 bits a
    document where three packed numbers took 18-28 (a common word's topics and summaries were half of
    its chunk at 100,000 documents)."""
    docs, lengths = flat[0::3], flat[2::3]
    k = searchcodes.rice_parameter(docs[-1] + 1 - len(docs), len(docs))
    m = searchcodes.rice_parameter(sum(lengths), len(docs))
    codes = [""] * len(flat)
    codes[0::3] = searchcodes.rice_codes(map(sub, docs, [-1, *docs[:-1]]), k, 1)
    codes[1::3] = _gammas(flat[1::3])
    codes[2::3] = searchcodes.rice_codes(lengths, m, 0)
    return searchcodes.pack([len(docs), k, m]) + searchcodes.chars("".join(codes))


def _gammas(values: Sequence[int]) -> list[str]:
    """Elias gamma codes of positive integers, from a table for all but the rare large ones."""
    gamma = searchcodes.gamma_table()
    try:
        return list(map(gamma.__getitem__, values))
    except IndexError:  # 4,096 or more
        return ["0" * (v.bit_length() - 1) + format(v, "b") for v in values]


def encode_body(flat: Sequence[int]) -> str:
    """The body's part of a posting [document, tf, ...], the longest by far (a common word is in most
    documents): the count and a Rice parameter, then per document the gap since the last as a Rice
    code and its tf as an Elias gamma code, in bits (`rice`): about 4 bits a document for a common
    word. Codes come from tables, so the loop runs in C (this encodes every posting of the index)."""
    docs = flat[0::2]
    if not docs:
        return searchcodes.pack([0, 0])
    k = searchcodes.rice_parameter(docs[-1] + 1 - len(docs), len(docs))
    codes = [""] * (2 * len(docs))
    codes[0::2] = searchcodes.rice_codes(map(sub, docs, [-1, *docs[:-1]]), k, 1)
    codes[1::2] = _gammas(flat[1::2])
    return searchcodes.pack([len(docs), k]) + searchcodes.chars("".join(codes))


_PAST = str.maketrans(dict.fromkeys(searchcodes.ALPHABET[64:], searchcodes.ALPHABET[0]))  # what follows a field's
# bits (the next field's packed numbers) may hold any character of ALPHABET: read as zeros, never reached


def decode_posting(packed: str, fields: int) -> list[list[int]]:
    """Per field, [document, tf(, length), ...]: the inverse of the encoders (for tests, tools and
    `head_docs`)."""
    at, out = 0, []
    for f in range(fields):
        body = f == fields - 1
        count, at = searchcodes.read(packed, at)
        if not count:
            out.append([])
            at += body  # the body's Rice parameter
            continue
        k, at = searchcodes.read(packed, at)
        m, at = (0, at) if body else searchcodes.read(packed, at)
        code = searchcodes.bits(packed[at:].translate(_PAST))
        flat, i, doc = [], 0, -1
        for _ in range(count):
            gap, i = searchcodes.rice_at(code, i, k)
            tf, i = searchcodes.gamma_at(code, i)
            flat += [doc := doc + 1 + gap, tf]
            if not body:
                length, i = searchcodes.rice_at(code, i, m)
                flat.append(length)
        out.append(flat)
        at += -(-i // 6)
    return out


def term_docs(per_field: Sequence[Sequence[int]]) -> Sequence[int]:
    """The documents a term is in, in any field, in order, from its posting (`postings`)."""
    body = per_field[-1][0::2]
    others = [flat[0::3] for flat in per_field[:-1] if flat]
    return sorted(set(body).union(*others)) if others else body


def head_docs(head: str, fields: int) -> list[list[int]]:
    """The fields but the body of an encoded head (`encode_head`), as `postings` holds them."""
    return decode_posting(head + encode_body([]), fields)[:-1]


def encode_head(per_field: list[list[int]]) -> str:
    """Every field but the body, which comes last and is the only part a body edit changes (most
    terms are in no other field: an empty field is the packed 0)."""
    return "".join(encode_field(flat) if flat else _EMPTY for flat in per_field[:-1])


def chunk_ends(order: Sequence[str], packed: dict[str, str], start: int = 0, extra: Mapping[str, str] | None = None) -> Iterator[int]:
    """Where the chunks of the terms `order[start:]` (in JavaScript order) end, one past their last
    term. A cut falls after a term whose hash meets a condition once the run is big enough, so an
    edit that adds a word or changes a posting moves no boundary except perhaps the nearest, and
    chunking resumed at any chunk start gives the same cuts as chunking from the first term. `extra`:
    what a chunk carries per term besides its posting (its facet counts), counted in its size."""
    size = 0
    for i in range(start, len(order)):
        term = order[i]
        size += len(packed[term]) + len(term) + 4 + (len(extra.get(term, "")) if extra else 0)
        if size >= CHUNK_MAX or size >= CHUNK_MIN and zlib.crc32(term.encode()) % CHUNK_CUT == 0:
            yield i + 1
            size = 0
    if size:
        yield len(order)


def tf_of(flat: array | None, n: int) -> int:
    """Document n's tf in a body posting [document, tf, ...] (0: absent)."""
    if not flat:
        return 0
    i = bisect_left(range(len(flat) // 2), n, key=lambda k: flat[2 * k])
    return flat[2 * i + 1] if 2 * i < len(flat) and flat[2 * i] == n else 0


class Postings(MutableMapping):
    """Each term's body posting [document, tf, ...] (`SearchState.bodies`), pickled as one buffer and
    made into an array when first asked for: a body edit reads a few hundred of 20,000 (at 10,000
    documents), and unpickling them all as arrays took 0.06 s of it. A `copy` shares the buffer and
    the arrays made so far (`set_tf` copies a posting before changing it)."""

    def __init__(self, terms: list[str], ends: array, buffer: bytes,
                 made: dict[str, array] | None = None, gone: set[str] | None = None):
        self.terms, self.ends, self.buffer = dict(zip(terms, range(len(terms)))), ends, buffer
        self.made, self.gone = made or {}, gone or set()

    @classmethod
    def of(cls, bodies: Mapping[str, array], take: bool = False) -> "Postings":
        """`bodies` in one buffer, copied into it one posting after another; with `take`, each let go
        of (popped from `bodies`) once copied, so the postings are not held twice at once."""
        terms = list(bodies)
        sizes = [len(bodies[t]) * bodies[t].itemsize for t in terms]
        buffer = bytearray(sum(sizes))
        with memoryview(buffer) as view:
            at = 0
            for term, size in zip(terms, sizes):
                view[at:at + size] = memoryview(bodies.pop(term) if take else bodies[term]).cast("B")
                at += size
        return cls(terms, array("q", accumulate(sizes)), buffer)

    def __reduce__(self):
        whole = self if not self.made and not self.gone else Postings.of(self)
        return Postings, (list(whole.terms), whole.ends, whole.buffer)

    def __getitem__(self, term: str) -> array:
        found = self.made.get(term)
        if found is None:
            i = self.terms.get(term)
            if i is None or term in self.gone:
                raise KeyError(term)
            found = self.made[term] = array("i")
            found.frombytes(memoryview(self.buffer)[self.ends[i - 1] if i else 0:self.ends[i]])
        return found

    def __setitem__(self, term: str, posting: array) -> None:
        self.made[term] = posting
        self.gone.discard(term)

    def __delitem__(self, term: str) -> None:
        if term not in self:
            raise KeyError(term)
        self.made.pop(term, None)
        if term in self.terms:
            self.gone.add(term)

    def __contains__(self, term: object) -> bool:
        return term in self.made or (term in self.terms and term not in self.gone)

    def __iter__(self) -> Iterating[str]:
        yield from (t for t in self.terms if t not in self.gone)
        yield from (t for t in self.made if t not in self.terms)

    def __len__(self) -> int:
        return len(self.terms) - len(self.gone) + sum(t not in self.terms for t in self.made)

    def copy(self) -> "Postings":
        """Sharing the terms, ends and buffer, which are never changed once made. (Not `copy.copy`:
        it goes through `__reduce__`, which packs every posting into a new buffer once any was made,
        0.05 s of each body edit after the first since a full build.)"""
        copied = Postings.__new__(Postings)
        copied.terms, copied.ends, copied.buffer = self.terms, self.ends, self.buffer
        copied.made, copied.gone = dict(self.made), set(self.gone)
        return copied


def set_tf(bodies: dict[str, array], heads: dict[str, str], copied: set[str], fields: int, term: str, n: int, tf: int) -> None:
    """Document n's tf in `term`'s body posting [document, tf, ...] (0: absent). A posting is copied
    before its first change (listed in `copied`), so the previous state keeps its own."""
    if term not in copied:
        copied.add(term)
        if term not in bodies:  # a new term: in no field of any document yet
            heads[term] = _EMPTY * (fields - 1)
        bodies[term] = array("i", bodies.get(term, ()))
    flat = bodies[term]
    i = bisect_left(range(len(flat) // 2), n, key=lambda k: flat[2 * k])
    here = 2 * i < len(flat) and flat[2 * i] == n
    if here and tf:
        flat[2 * i + 1] = tf
    elif here:
        del flat[2 * i:2 * i + 2]
    elif tf:
        flat[2 * i:2 * i] = array("i", (n, tf))


def repack(old: dict[str, str], heads: dict[str, str], bodies: dict[str, array], packed: dict[str, str],
           order: list[str], touched: set[str], fields: int) -> list[int]:
    """Re-encode the touched terms' postings into `packed`, adding new terms to `order` and dropping
    those no document has any more; the positions in `order` where a posting changed, in order."""
    moved = []
    for term in touched:
        i = bisect_left(order, utf16_key(term), key=utf16_key)
        present = i < len(order) and order[i] == term
        if not bodies[term] and heads[term] == _EMPTY * (fields - 1):
            del bodies[term], heads[term], packed[term], order[i]
            moved.append(term)
        else:
            packed[term] = heads[term] + encode_body(bodies[term])
            if not present:
                order.insert(i, term)
            if packed[term] != old.get(term):
                moved.append(term)
    return sorted(bisect_left(order, utf16_key(t), key=utf16_key) for t in moved)


def rechunk(old_order: list[str], old_ends: list[int], old_seps: list[str], order: list[str], packed: dict[str, str],
            changes: list[int], extra: Mapping[str, str] | None = None) -> tuple[list[int], list[str | None], list[int]]:
    """The chunks after postings changed at positions `changes` of `order`, as `chunk_ends` would cut
    them from the first term: each changed stretch is cut again from the chunk holding it until a cut
    past it falls after an old chunk's last term (the chunks after that one are then as they were,
    and kept up to the next change). The new ends, the separators (None for a chunk cut again) and
    which chunks were cut again."""
    last_of = {old_order[e - 1]: j for j, e in enumerate(old_ends)}
    ends, seps, new, j, c = [], [], [], 0, 0

    def old_end(j: int) -> int:  # where old chunk j ends now, or -1 if its last term is gone
        i = bisect_left(order, utf16_key(old_order[old_ends[j] - 1]), key=utf16_key)
        return i + 1 if i < len(order) and order[i] == old_order[old_ends[j] - 1] else -1

    while c < len(changes):
        while j < len(old_ends) and 0 <= (end := old_end(j)) <= changes[c]:
            ends.append(end), seps.append(old_seps[j])
            j += 1
        for end in chunk_ends(order, packed, ends[-1] if ends else 0, extra):
            ends.append(end), seps.append(None), new.append(len(ends) - 1)
            while c < len(changes) and changes[c] < end:
                c += 1
            if end < len(order) and order[end - 1] in last_of:
                j = last_of[order[end - 1]] + 1
                break
        else:
            j, c = len(old_ends), len(changes)
    return ends + [old_end(k) for k in range(j, len(old_ends))], seps + old_seps[j:], new


def separator(first: str, previous: str | None) -> str:
    """A chunk's separator: the shortest prefix of its first term that sorts after the previous
    chunk's last term, enough for the browser to find a term's chunk, and much shorter than terms."""
    if previous is None:
        return ""
    return next(first[:k] for k in range(1, len(first) + 1) if utf16_key(first[:k]) > utf16_key(previous))


def own_set(alone: set[str], placed: Iterable[str]) -> tuple[dict, set[str]]:
    """The core's set of the terms whose positions are a file of their own (`alone`), so the page asks
    for a phrase's positions beside its chunks, not after them: each term's hash (`term_hash`) modulo
    m (a power of two, 2 ** OWN_BITS to twice that times their number: a term passing ALONE moves no
    other's hash), sorted, as Rice-coded gaps (about 8 bits a term). A term of `placed` (those with
    positions) whose hash meets one of the set's is given a file of its own too, so the set is exact
    for every term of the index (a word the index lacks may meet one: the page finds no file and knows
    it is absent). The set for the core, and every term with a file of its own."""
    if not alone:
        return {"m": 0, "k": 0, "n": 0, "codes": ""}, set()
    m = 1 << (len(alone) << OWN_BITS).bit_length()
    hashes = sorted({term_hash(t) & m - 1 for t in alone})
    gaps = [hashes[0], *map(sub, hashes[1:], hashes[:-1])]
    k = searchcodes.rice_parameter(sum(gaps), len(gaps))
    found = set(hashes)
    own = {t for t in placed if term_hash(t) & m - 1 in found}
    return {"m": m, "k": k, "n": len(hashes), "codes": searchcodes.rice(gaps, k)}, own


def term_hash(term: str) -> int:
    """CRC-32 of a term's UTF-8 (in C; the JS twin is `crc32` in sitegen-index/codes.js)."""
    return zlib.crc32(term.encode())


def own_hashes(spec: dict) -> set[int]:
    """The hashes the core's set (`own_set`) holds: its inverse."""
    return set(accumulate(searchcodes.unrice(spec["codes"], spec["k"], spec["n"]))) if spec["n"] else set()


def chunk_name(separator: str) -> str:
    """A chunk's file name: FNV-1a (32 bits) of its separator's UTF-16 code units, so the browser
    computes it too (`fnv` in sitegen-index/codes.js) and inserting a chunk renames no other."""
    h = 0x811C9DC5
    data = separator.encode("utf-16-le")
    for i in range(0, len(data), 2):
        h = ((h ^ (data[i] | data[i + 1] << 8)) * 0x01000193) & 0xFFFFFFFF
    return f"{h:08x}"


def ends_group(chunk: str) -> bool:
    """Whether a term-list group ends with this chunk: about one chunk in GROUP, chosen by name, so
    groups too keep their bytes when a chunk is added elsewhere. The JS twin is `loadAllTerms` in sitegen-index/postings.js."""
    return int(chunk, 16) % GROUP == 0


def length_block(lengths: Sequence[int], block: int) -> str:
    """A block of BLOCK documents' body lengths (for BM25; a query matching many documents loads every
    block): their median, a Rice parameter, then each length's distance from the median (zigzag:
    0, -1, 1, -2, ...) as a Rice code, about 7 bits a document where `pack` spends two characters."""
    part = list(lengths[block * BLOCK:(block + 1) * BLOCK])
    if not part:
        return ""
    mid = sorted(part)[len(part) // 2]
    zigzag = [2 * (v - mid) if v >= mid else 2 * (mid - v) - 1 for v in part]
    k = searchcodes.rice_parameter(sum(zigzag), len(zigzag))
    return searchcodes.pack([mid, k]) + searchcodes.rice(zigzag, k)


def decode_lengths(packed: str, count: int) -> list[int]:
    """The inverse of `length_block` for a block of `count` documents (for tests and tools)."""
    mid, at = searchcodes.read(packed, 0)
    k, at = searchcodes.read(packed, at)
    return [mid + (-(z + 1) // 2 if z & 1 else z // 2) for z in searchcodes.unrice(packed[at:], k, count)]


def bucket_edges(lengths: Sequence[int]) -> list[int]:
    """Where buckets 1..BUCKETS-1 start: the body lengths at the quantiles (a length equal to an edge
    is in the higher bucket; equal edges leave a bucket empty)."""
    ordered = sorted(lengths)
    return [ordered[len(ordered) * b // BUCKETS] if ordered else 0 for b in range(1, BUCKETS)]


def bucket_ranges(lengths: Sequence[int], edges: list[int]) -> list[list[int]]:
    """Per bucket, the shortest and longest body in it ([0, 0] when empty): the bounds the page
    scores a document of that bucket with until its exact length is loaded."""
    ranges: list[list[int] | None] = [None] * BUCKETS
    for length in set(lengths):
        b = bisect_right(edges, length)
        r = ranges[b]
        if r is None:
            ranges[b] = [length, length]
        elif length < r[0]:
            r[0] = length
        elif length > r[1]:
            r[1] = length
    return [r or [0, 0] for r in ranges]


def bucket_map(lengths: Sequence[int], edges: list[int], block: int) -> str:
    """A block of BUCKET_BLOCK documents' buckets, two bits each, three documents a character (the
    first in the high bits)."""
    part = [bisect_right(edges, v) for v in lengths[block * BUCKET_BLOCK:(block + 1) * BUCKET_BLOCK]]
    part += [0] * (-len(part) % 3)
    alphabet = searchcodes.ALPHABET
    return "".join(alphabet[a << 4 | b << 2 | c] for a, b, c in zip(part[0::3], part[1::3], part[2::3]))


def bucket_lengths(lengths: Sequence[int], edges: list[int], bucket: int, block: int) -> str:
    """The exact body lengths of a block's documents in one bucket, in document order: a Rice
    parameter, then each length less the bucket's edge as a Rice code (the page knows from the bucket
    map which documents these are)."""
    base = edges[bucket - 1] if bucket else 0
    part = [v - base for v in lengths[block * BUCKET_BLOCK:(block + 1) * BUCKET_BLOCK] if bisect_right(edges, v) == bucket]
    k = searchcodes.rice_parameter(sum(part), len(part))
    return searchcodes.pack([k]) + searchcodes.rice(part, k)


def decode_bucket_map(packed: str, count: int) -> list[int]:
    """The inverse of `bucket_map` (for tests and tools)."""
    codes = [searchcodes.ALPHABET.index(c) for c in packed]
    return [codes[j // 3] >> (2 * (2 - j % 3)) & 3 for j in range(count)]
