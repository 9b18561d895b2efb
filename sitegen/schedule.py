"""When a document is published: drafts, embargoes, expiry dates and publication dates still to come.

Owns the day a build takes as today (config `build_date`, which `config` already fills from
SOURCE_DATE_EPOCH, else the clock's UTC date: a reproducible build pins it) and, for each document
record, whether that day holds it back and until when. A partial or uncertain date (`2031`, `2031-05?`)
counts from its earliest day. Decides nothing about outputs: the pipeline leaves a held document out
of the model (`model.build_site`), so no page, index, feed or export can show it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any, Iterable

from sitegen.config import Config
from sitegen.errors import NOTE, Diagnostic, sort_diagnostics
from sitegen.schema import DocumentRecord

REASONS = ("draft", "embargo", "future", "expired")  # each has a banner string `held_<reason>` in ui.STRINGS


@dataclass(frozen=True)
class Hold:
    """Why a document is not published today, where the front matter says so, and from which day it will be."""

    reason: str  # one of REASONS
    line: int
    col: int
    day: datetime.date | None = None  # embargo, future: the first day it is published; expired: the first it was not

    @property
    def why(self) -> str:
        """In a few words, for messages: "a draft", "embargoed until 2031-01-15", ..."""
        return {"draft": "a draft", "embargo": f"embargoed until {self.day}",
                "future": f"dated in the future, {self.day}", "expired": f"expired on {self.day}"}[self.reason]


def clock() -> datetime.date:
    """The clock's day in UTC (tests move it)."""
    return datetime.datetime.now(datetime.timezone.utc).date()


def today(config: Config) -> datetime.date:
    """The day publication is decided for: `build_date` when it is a whole day, else the clock's."""
    try:
        return datetime.date.fromisoformat(config.build_date[:10])
    except ValueError:
        return clock()


def first_day(record: DocumentRecord) -> datetime.date:
    """The earliest day the publication date allows."""
    d = record.date
    return datetime.date(max(d.year, 1), d.month or 1, d.day or 1)


def hold(record: DocumentRecord, day: datetime.date) -> Hold | None:
    """Why `record` is not published on `day`, or None when it is."""
    where = record.scheduled_at
    if record.draft:
        return Hold("draft", *where.get("draft", (1, 1)))
    if record.expires is not None and day >= record.expires:
        return Hold("expired", *where.get("expires", (1, 1)), day=record.expires)
    starts = [(start, name) for start, name in ((record.embargo, "embargo"), (first_day(record), "date"))
              if start is not None and day < start]
    if not starts:
        return None
    start, name = max(starts)
    return Hold("embargo" if name == "embargo" else "future", *where.get(name, (1, 1)), day=start)


def holds(records: Iterable[DocumentRecord], day: datetime.date) -> dict[str, tuple[DocumentRecord, Hold]]:
    """Document id -> (record, hold) of every document held back on `day`."""
    return {r.id: (r, h) for r in records if (h := hold(r, day)) is not None}


def next_change(records: Iterable[DocumentRecord], day: datetime.date) -> datetime.date | None:
    """The first day after `day` on which some document starts or stops being published (None: never,
    while the sources stay as they are): a build's output is good until then."""
    days = [d for r in records if not r.draft for d in (r.embargo, r.expires, first_day(r))
            if d is not None and d > day]
    return min(days, default=None)


def held_notes(held: dict[str, tuple[Any, Hold]], drafts: bool) -> list[Diagnostic]:
    """One note per document not published today: where the front matter says so, why, until when."""
    return sort_diagnostics(Diagnostic(record.path, h.line, h.col, f"not published: {h.why}"
                                       + (" (built anyway: --drafts)" if drafts else ""), severity=NOTE)
                            for record, h in held.values())
