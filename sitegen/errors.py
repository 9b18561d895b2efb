"""Diagnostics: a located problem in a contributor's file, and the failure that carries all of them.

Every stage collects diagnostics instead of raising on the first one, so a contributor sees every
mistake at once. Nothing here prints: the CLI decides how diagnostics are shown.
"""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable


ERROR = "error"
WARNING = "warning"
NOTE = "note"  # said by `check`, never an error even with --strict


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem at `path:line:col`; `hint` says how to fix it."""

    path: str
    line: int
    col: int
    message: str
    hint: str = ""
    severity: str = ERROR

    def format(self) -> str:
        hint = f" ({self.hint})" if self.hint else ""
        label = "" if self.severity == ERROR else f"{self.severity}: "
        return f"{self.path}:{self.line}:{self.col}: {label}{self.message}{hint}"


class BuildFailed(Exception):
    """Raised by a stage when content errors stop the build; carries every diagnostic, sorted."""

    def __init__(self, diagnostics: Iterable[Diagnostic]):
        self.diagnostics = sort_diagnostics(diagnostics)
        super().__init__("\n".join(d.format() for d in self.diagnostics))

    def __reduce__(self):  # survive the trip back from a worker process
        return (BuildFailed, (self.diagnostics,))


def sort_diagnostics(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Sorted by file, then position: the order a contributor reads them in; duplicates dropped."""
    return sorted(set(diagnostics), key=lambda d: (d.path, d.line, d.col, d.message, d.hint))


def shown_path(path: Path) -> str:
    """Paths in messages are relative to where the contributor is, when that is shorter."""
    try:
        shown = os.path.relpath(path)
    except ValueError:  # pragma: no cover - another drive on Windows
        return str(path)
    return str(path) if shown.startswith("..") else shown


def errors_only(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    return [d for d in diagnostics if d.severity == ERROR]


def by_path(diagnostics: Iterable[Diagnostic]) -> dict[str, list[Diagnostic]]:
    """The diagnostics of each file, in their order: what a build keeps of a file's problems, to say
    them again while the file stays as it is."""
    out: dict[str, list[Diagnostic]] = {}
    for d in diagnostics:
        out.setdefault(d.path, []).append(d)
    return out


class Nearest:
    """Did-you-mean over a fixed set of candidates, prepared once so thousands of look-ups among
    100,000 names stay fast: rapidfuzz's Indel ratio (never below difflib's) narrows the field in C,
    then difflib picks among the few left, so the hint is the one difflib alone would give."""

    NARROW = 20

    def __init__(self, candidates: Iterable[str]):
        self.folded = {c.casefold(): c for c in sorted(set(candidates))}
        self.keys = list(self.folded)

    def closest(self, word: str, cutoff: float = 0.6) -> str:
        """`difflib.get_close_matches(word, narrowed, n=1)`, stopping once no candidate left can reach
        the best difflib ratio found: they come most similar first, and none has a difflib ratio
        above its Indel ratio (the longest common subsequence bounds difflib's matching blocks)."""
        folded = word.casefold()
        from rapidfuzz import fuzz, process  # here: only a broken name needs it, and importing it is slow
        near = process.extract(folded, self.keys, scorer=fuzz.ratio, processor=None,
                               score_cutoff=cutoff * 100 - 1e-9, limit=self.NARROW)
        matcher, best = difflib.SequenceMatcher(), (0.0, "")
        matcher.set_seq2(folded)
        for key, indel, _ in near:
            if indel / 100 < best[0] - 1e-9:
                break
            matcher.set_seq1(key)
            if matcher.real_quick_ratio() >= cutoff and matcher.quick_ratio() >= cutoff and matcher.ratio() >= cutoff:
                best = max(best, (matcher.ratio(), key))
        return self.folded[best[1]] if best[1] else ""


def did_you_mean(word: str, candidates: Iterable[str] | Nearest, *, cutoff: float = 0.6) -> str:
    """A hint naming the closest candidate, or "" when nothing is close. Pass a `Nearest` when asking
    about many words against one set of candidates."""
    nearest = candidates if isinstance(candidates, Nearest) else Nearest(candidates)
    match = nearest.closest(word, cutoff)
    return f"did you mean `{match}`?" if match else ""
