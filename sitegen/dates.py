"""Archival dates: `2021-12-23`, `2019-11`, `2018`, with EDTF level-1 qualifiers `?` (uncertain),
`~` (approximate) and `%` (both).

Owns parsing, sorting and displaying them. Sources are often dated only to a month or a year, so a
date is a range of days; it sorts by its earliest possible day, then by precision (a year sorts before
its months). Must not know about files: the caller turns a `ValueError` into a located diagnostic.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass

_PATTERN = re.compile(r"^(?P<year>\d{4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2}))?)?(?P<q>[?~%])?$")

MONTHS = {
    "en": ["January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"],
    "ar": ["يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر", "أكتوبر",
           "نوفمبر", "ديسمبر"],
}
_WORDS = {
    "en": {"circa": "c. {}", "uncertain": "{} (uncertain)", "both": "c. {} (uncertain)"},
    "ar": {"circa": "نحو {}", "uncertain": "{} (غير مؤكد)", "both": "نحو {} (غير مؤكد)"},
}


@dataclass(frozen=True)
class ArchivalDate:
    year: int
    month: int | None = None
    day: int | None = None
    uncertain: bool = False
    approximate: bool = False

    @property
    def sort_key(self) -> tuple[int, int, int, int]:
        """Earliest possible day first; a less precise date before a more precise one on that day."""
        precision = 0 if self.month is None else 1 if self.day is None else 2
        return (self.year, self.month or 1, self.day or 1, precision)

    @property
    def iso(self) -> str:
        """The date as written, minus qualifiers: usable in `<time datetime>`."""
        parts = [f"{self.year:04d}"] + [f"{v:02d}" for v in (self.month, self.day) if v is not None]
        return "-".join(parts)

    @property
    def edtf(self) -> str:
        q = "%" if self.uncertain and self.approximate else "?" if self.uncertain else "~" if self.approximate else ""
        return self.iso + q

    def display(self, lang: str = "en") -> str:
        """In words: "6 November 2019 (uncertain)", "c. 2018", "November 2019"."""
        lang = lang if lang in MONTHS else "en"
        text = str(self.year)
        if self.month is not None:
            text = f"{MONTHS[lang][self.month - 1]} {text}"
        if self.day is not None:
            text = f"{self.day} {text}"
        words = _WORDS[lang]
        if self.uncertain and self.approximate:
            return words["both"].format(text)
        if self.approximate:
            return words["circa"].format(text)
        if self.uncertain:
            return words["uncertain"].format(text)
        return text


def parse_date(text: str) -> ArchivalDate:
    """Parse an archival date or raise ValueError with a message a contributor can act on."""
    match = _PATTERN.match(text.strip())
    if not match:
        raise ValueError(f"`{text}` is not a date: write YYYY-MM-DD, YYYY-MM or YYYY, optionally followed by ? or ~")
    year, month, day = int(match["year"]), match["month"], match["day"]
    if month is not None and not 1 <= int(month) <= 12:
        raise ValueError(f"`{text}` has no month {month}")
    if day is not None:
        last = calendar.monthrange(year, int(month))[1]
        if not 1 <= int(day) <= last:
            raise ValueError(f"`{text}` is impossible: {calendar.month_name[int(month)]} {year} has {last} days")
    q = match["q"] or ""
    return ArchivalDate(year, int(month) if month else None, int(day) if day else None,
                        uncertain=q in "?%" and bool(q), approximate=q in "~%" and bool(q))
