"""The archive's vocabulary split by first letter, for forgiving search (issue 23).

Owns `search/w/<hex>.js`: the index terms whose first character is the code point <hex>, so a query
word missing from the vocabulary (a typo, a word cut short) is matched to its nearest terms by loading
one file, not every term (the `k/` groups, which lunr-syntax `~1` and leading wildcards still use).
Each file is one string: per term, in JavaScript order, a size class (the bit length of its packed
posting's length: the page prefers the commoner of two equally near words), how many leading
characters it shares with the term before, and the rest of it; entries are separated by spaces (terms
never hold one). The core lists the first characters that have a file (`vocab`). Pure: returns bytes.
An Arabic term is filed a second time by its second character (`w/2-<hex>`): a reader's word begins
with its article (`الفوتوغرافي`), so a wrong letter right after it is a wrong first letter of the
term, which the first split alone cannot forgive; with the second, the page looks the term up by its
first two letters either way (`nearest` in the page).
Must not decide what is near: that is the page's (`forgive` in assets/sitegen-index/forgive.js).
"""

from __future__ import annotations

from typing import Iterable, Mapping

from sitegen import analysis, arabic, searchcodes, searchdata
from sitegen.lunrcompat import utf16_key

LEAST = 3  # characters: shorter terms are not offered as near by their own spelling (too many neighbours to mean anything)
SHORTEST = 2  # but from two, as the term of a word one edit from the reader's (`البنيطن` → البنيان → بن)


def wanted(term: str) -> bool:
    return len(term) >= SHORTEST and not term.isdigit() and not analysis.is_form(term)


def key(term: str) -> str:
    return f"{ord(term[0]):x}"


def keys_of(term: str) -> list[str]:
    """The files a wanted term is in: its first character's, and an Arabic term its second's too."""
    return [key(term), f"2-{ord(term[1]):x}"] if arabic.is_arabic(term[0]) else [key(term)]


def size_class(packed: str) -> int:
    return min(len(packed).bit_length(), len(searchcodes.ALPHABET) - 1)


def encode(terms: list[str], packed: Mapping[str, str]) -> str:
    """`terms` (sorted) front-coded with their size classes."""
    top = len(searchcodes.ALPHABET) - 1
    out, previous = [], ""
    for term in terms:
        shared = 0
        while shared < min(len(term), len(previous), top) and term[shared] == previous[shared]:
            shared += 1
        out.append(searchcodes.ALPHABET[size_class(packed[term])] + searchcodes.ALPHABET[shared] + term[shared:])
        previous = term
    return " ".join(out)


def decode(text: str) -> list[tuple[str, int]]:
    """(term, size class) of a file's string: the twin of `decodeVocab` in the page, for tests."""
    out, previous = [], ""
    for entry in text.split(" ") if text else []:
        previous = previous[:searchcodes.ALPHABET.index(entry[1])] + entry[2:]
        out.append((previous, searchcodes.ALPHABET.index(entry[0])))
    return out


def keys(order: Iterable[str]) -> list[str]:
    return sorted({k for t in order if wanted(t) for k in keys_of(t)})


def files(order: list[str], packed: Mapping[str, str], only: set[str] | None = None) -> dict[str, bytes]:
    """The vocabulary files of every key (`keys_of`; or of those in `only`), from the terms in
    JavaScript order and their packed postings."""
    groups: dict[str, list[str]] = {}
    for term in order:
        if wanted(term):
            for k in keys_of(term):
                if only is None or k in only:
                    groups.setdefault(k, []).append(term)
    return {searchdata.path(searchdata.key("vocabulary", k)): searchdata.data(searchdata.key("vocabulary", k), encode(sorted(ts, key=utf16_key), packed))
            for k, ts in groups.items()}


def paths(vocab_keys: Iterable[str]) -> set[str]:
    return {searchdata.path(searchdata.key("vocabulary", k)) for k in vocab_keys}
