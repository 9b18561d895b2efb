"""How text becomes search terms, identically at build time (Python) and in the reader's browser (JS).

NFKC, lowercase, split into runs of Unicode letters, numbers and marks; then per token: Arabic script
goes through the Arabic normaliser and light stemmer, plain ASCII words through lunr.js's English
stemmer, anything else (French, Russian, numbers) stays as it is. Stop words are dropped. The JS twin is
`analyse`/`termFor` in `assets/sitegen-analysis.js`; a browser test compares them word for word.

Besides its term, a token may give a *form term* (`FORM` + the word as written, normalised, an Arabic
word without its و and article but with its suffixes): only where that differs from the term, so the
index can tell the documents holding the very word a reader typed (`lenses`, `وتقنيين`) from those
sharing only its stem, and rank them first. A title's stop words give form terms too (`stop_term`):
`Must Design Accessibility` then tells the title holding `must` from the hundreds holding the rest.
Form terms never score (BM25 counts terms only; they are left out of field lengths).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from lunr.stop_word_filter import WORDS as ENGLISH_STOP_WORDS

from sitegen import arabic
from sitegen.lunrcompat import stem

_ASCII_WORD = re.compile(r"^[a-z]+$")
FORM = "="  # form terms begin with it: no token holds one, and it sorts apart from words (before letters)


_LETTERS_NUMBERS = re.compile(r"[^\W_]+")


MARK_PLANES = (range(0, 0x20000), range(0xE0000, 0xE1000))  # where Unicode has marks: planes 0-1 and 14


@lru_cache(maxsize=1)
def _marks() -> frozenset[str]:
    """Every combining mark (category M). Only the planes that hold marks are scanned, a tenth of the
    code space: this runs in every build process that analyses text (a test checks it misses none)."""
    return frozenset(chr(cp) for plane in MARK_PLANES for cp in plane if unicodedata.category(chr(cp))[0] == "M")


@lru_cache(maxsize=1)
def _token_pattern() -> re.Pattern:
    """Runs of letters, numbers and marks: Python's `[^\\W_]` is letters and numbers; marks are added."""
    ranges, start, prev = [], None, None
    for cp in sorted(map(ord, _marks())):
        if start is None or cp != prev + 1:
            if start is not None:
                ranges.append((start, prev))
            start = cp
        prev = cp
    ranges.append((start, prev))
    marks = "".join(f"\\U{a:08x}-\\U{b:08x}" if a != b else f"\\U{a:08x}" for a, b in ranges)
    return re.compile(f"(?:[^\\W_]|[{marks}])+")


def prepare() -> None:
    """Build the tables once, before worker processes fork, so each does not build them again."""
    _token_pattern()


_ASCII_SPACES = bytes(c if chr(c).isascii() and chr(c).isalnum() else 0x20 for c in range(256)).lower()


def tokens(text: str) -> list[str]:
    """ASCII text (most text) is split in C after turning every other byte into a space; text without
    combining marks takes the 5x faster letters-and-numbers pattern. All three give the same tokens."""
    if text.isascii():
        return text.encode("ascii").translate(_ASCII_SPACES).decode("ascii").split()
    text = unicodedata.normalize("NFKC", text).lower()
    plain = text.isascii() or not _marks().intersection(text)
    return (_LETTERS_NUMBERS if plain else _token_pattern()).findall(text)


@lru_cache(maxsize=200_000)
def term_for(token: str) -> str:
    """The index term for one token, or "" when it is a stop word or nothing is left."""
    if arabic.is_arabic(token):
        word = arabic.normalise(token)
        return "" if word in arabic.STOP_WORDS else arabic.light_stem(word)
    if token in ENGLISH_STOP_WORDS:
        return ""
    return english_stem(token) if _ASCII_WORD.match(token) else token


def english_stem(word: str) -> str:
    """lunr.js's Porter stem, stemmed again while it ends in a single `s`: Porter takes one plural `s`
    off, so `lens` became `len` but `lenses` `lens` (and `virus`/`viruses`, `famous`/`famously` the
    same). Stemming every stem to a fixed point merged 588 stems of /usr/share/dict/words' 35,383, some
    of unrelated words (`communal`/`communicable`); this rule merges 284, mostly a word with its own
    inflections, the rest near-homographs (`status`/`statue`)."""
    s = stem(word)
    while s.endswith("s") and not s.endswith("ss") and (again := stem(s)) != s:
        s = again
    return s


def form_of(token: str) -> str:
    """The word as a reader writes it, normalised: an Arabic word without its و and article."""
    return arabic.strip_prefixes(arabic.normalise(token)) if arabic.is_arabic(token) else token


@lru_cache(maxsize=200_000)
def form_term(token: str) -> str:
    """The form term of a token that is no stop word and whose form is not its term, else ""."""
    term = term_for(token)
    form = form_of(token) if term else ""
    return FORM + form if form and form != term else ""


@lru_cache(maxsize=20_000)
def stop_term(token: str) -> str:
    """A stop word's form term (kept in titles), else ""."""
    return FORM + form_of(token) if not term_for(token) and form_of(token) else ""


def is_form(term: str) -> bool:
    return term.startswith(FORM)


def terms(text: str) -> list[str]:
    return [t for t in map(term_for, tokens(text)) if t]
