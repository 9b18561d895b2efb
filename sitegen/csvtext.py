"""A spreadsheet's text when nobody said how it is encoded: UTF-8 with or without a byte-order mark,
UTF-16 with one, or the code pages Excel writes for Arabic and English, cp1256 and cp1252, told apart
by which reading gives plausible words (a short file gives a statistical detector too little to go on).
Problems go into the import's `Batch`; reads only the file it is given.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from sitegen.errors import Diagnostic
from sitegen.importing import Batch, Kept


_ARABIC = re.compile(r"[\u0600-\u06ff]")
_WORD = re.compile(r"[^\W\d_]+")


def decode(source: Path, shown: str, encoding: str | None, batch: Batch) -> tuple[str | None, str]:
    try:
        data = source.read_bytes()
    except OSError as exc:
        batch.problems.append(Diagnostic(shown, 1, 1, f"cannot read this file: {exc.strerror}", "check the name"))
        return None, ""
    if encoding:
        try:
            codecs.lookup(encoding)
        except LookupError:
            batch.problems.append(Diagnostic(shown, 1, 1, f"unknown encoding `{encoding}`",
                                             "e.g. utf-8, utf-16, cp1256, cp1252"))
            return None, ""
        return _strict(data, encoding, shown, batch), encoding
    for bom, name in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return _strict(data, name, shown, batch), name
    if data.count(b"\x00") > len(data) // 4:
        batch.problems.append(Diagnostic(shown, 1, 1, "the file looks like UTF-16 without a byte-order mark",
                                         "give --encoding utf-16-le (or utf-16-be), or save it as UTF-8"))
        return None, ""
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    name = code_page(data)
    if not name:
        batch.problems.append(Diagnostic(shown, 1, 1, "cannot tell how the file is encoded: it is not UTF-8, and reads "
                                         "as neither Arabic (cp1256) nor English (cp1252) text",
                                         "give --encoding, or save it from Excel as CSV UTF-8"))
        return None, ""
    batch.kept.append(Kept(f"{shown}:1", f"read as {name} ({'Arabic' if name == 'cp1256' else 'Western'} Windows, "
                                         "as Excel saves it): give --encoding if the text looks wrong"))
    return data.decode(name), name


def _strict(data: bytes, encoding: str, shown: str, batch: Batch) -> str | None:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        batch.problems.append(Diagnostic(shown, line, 1,
                                         f"the file is not valid {encoding}: {exc.reason} at byte {exc.start}",
                                         "give the encoding it was saved in with --encoding"))
        return None


def code_page(data: bytes) -> str:
    """cp1256 or cp1252: the one whose reading has fewer implausible words (letters of two scripts in
    one word, or a word made only of accented Latin letters: how Arabic reads in cp1252 and accented
    Latin in cp1256); "" when neither reads cleanly."""
    scores = {}
    for name in ("cp1252", "cp1256"):
        try:
            text = data.decode(name)
        except UnicodeDecodeError:
            continue
        scores[name] = sum(_implausible(w) for w in _WORD.findall(text) if not w.isascii())
    if not scores:
        return ""
    best = min(scores, key=lambda n: (scores[n], n != "cp1252"))
    return best if scores[best] == 0 or len(scores) == 1 or scores[best] < min(scores.values()) + 1 and \
        scores[best] < max(scores.values()) else ""


def _implausible(word: str) -> bool:
    arabic = bool(_ARABIC.search(word))
    latin = any(c.isascii() for c in word)
    if arabic:
        return latin or not all(_ARABIC.match(c) for c in word)
    return not latin and len(word) > 1  # accented Latin letters only: "ÇáÕíä" is Arabic read as cp1252
