"""Make lunr.py's output behave exactly like lunr.js 2.3.9 in the browser.

Two measured incompatibilities (see ../shared/SEARCH_NOTES.md) are fixed here and nowhere else:
1. Porter step 1c: lunr.py turns a final `y` into `i` when the stem has any vowel; lunr.js only when
   the `y` follows a consonant that is not the word's first letter (`^(.+?[^aeiou])y$`). Without the
   fix, 1.3 % of English words (money, envoy, Turkey, survey) are indexed but never found.
2. Term order: lunr.js needs index terms in JavaScript (UTF-16 code unit) order, not code point order,
   or it throws "Out of order word insertion" on corpora mixing astral characters and U+E000–U+FFFF.
"""

from __future__ import annotations

from lunr.stemmer import PorterStemmer


class _JsPorterStemmer(PorterStemmer):
    def step1c(self):
        """Final y → i only after a non-vowel that is not the first letter (lunr.js 2.3.9)."""
        if self.ends("y") and self.k - self.k0 >= 2 and self.b[self.k - 1] not in "aeiou":
            self.b = self.b[: self.k] + "i" + self.b[self.k + 1:]


_stemmer = _JsPorterStemmer()
_cache: dict[str, str] = {}


def stem(word: str) -> str:
    """The stem lunr.js 2.3.9's `lunr.stemmer` gives for a lowercase ASCII word."""
    result = _cache.get(word)
    if result is None:
        result = _cache[word] = _stemmer.stem(word)
    return result


def utf16_key(text: str) -> bytes:
    """Sort key giving JavaScript string order (UTF-16 code units)."""
    return text.encode("utf-16-be")
