"""How text becomes search terms, identically at build time (Python) and in the reader's browser (JS).

NFKC, lowercase, split into runs of Unicode letters, numbers and marks; then per token: Arabic script
goes through the Arabic normaliser and light stemmer, plain ASCII words through lunr.js's English
stemmer, anything else (French, Russian, numbers) stays as it is. Stop words are dropped. The JS twin is
`analyse`/`termFor` in `assets/sitegen-analysis.js`; a browser test compares them word for word.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from lunr.stop_word_filter import WORDS as ENGLISH_STOP_WORDS

from sitegen import arabic
from sitegen.lunrcompat import stem

_ASCII_WORD = re.compile(r"^[a-z]+$")


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
    return stem(token) if _ASCII_WORD.match(token) else token


def terms(text: str) -> list[str]:
    return [t for t in map(term_for, tokens(text)) if t]
