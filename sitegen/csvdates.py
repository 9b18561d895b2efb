"""An archival date (`2021-12-23`, `2019-11`, `2018`, with `?` or `~`) from what a spreadsheet's cell
holds: ISO dates and date-times, slashes in either order, month names in English and Arabic, Excel's
serial numbers. Ambiguous day/month orders are errors unless the import says which.
"""

from __future__ import annotations

import datetime
import re

from sitegen.dates import MONTHS, parse_date


NUMERIC_DATE = re.compile(r"^(\d{1,4})[/.\-](\d{1,2})[/.\-](\d{1,4})$")
_ISO_TIME = re.compile(r"^(\d{4}-\d{2}-\d{2})[T ]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$")
_MONTHS = {m.casefold(): n + 1 for names in MONTHS.values() for n, m in enumerate(names)} | \
    {m[:3].casefold(): n + 1 for n, m in enumerate(MONTHS["en"])} | {"sept": 9}
EXCEL_EPOCH = datetime.date(1899, 12, 30)


def normalise_date(cell: str, order: str = "") -> tuple[str, tuple[str, str] | None]:
    """An archival date (`2021-12-23`, `2019-11`, `2018`, with `?` or `~`) from what spreadsheets hold:
    ISO dates and date-times, `2021/12/23`, `23/12/2021` or `12/23/2021` (when a part over 12 or `order`
    tells which is the day), `23 December 2021`, `Dec 2021`, month names in Arabic, Excel's serial
    numbers. Returns the date and None, or "" and (message, hint)."""
    text = " ".join(cell.replace(",", " ").split())
    qualifier = text[-1] if text[-1:] in "?~%" else ""
    text = text.rstrip("?~%").strip()
    date = _iso(text) or _numeric(text, order) or _words(text) or _excel(text)
    if isinstance(date, tuple):
        return "", date
    if not date:
        return "", (f"`{cell}` is not a date this import reads", "write 2021-12-23, 2021-12, 2021, 23/12/2021 or "
                    "23 December 2021")
    try:
        parse_date(date + qualifier)
    except ValueError as exc:
        return "", (str(exc), "check the day and month")
    return date + qualifier, None


def _iso(text: str) -> str:
    match = _ISO_TIME.match(text)
    if match:
        return match.group(1)
    return text if re.match(r"^\d{4}(-\d{2}){0,2}$", text) else ""


def _numeric(text: str, order: str) -> str | tuple[str, str]:
    match = NUMERIC_DATE.match(text)
    if not match:
        return ""
    a, b, c = match.groups()
    if len(a) == 4:
        return f"{a}-{int(b):02d}-{int(c):02d}"
    if len(c) != 4:
        return (f"`{text}` has a two-digit year", "write the year in full")
    first, second = int(a), int(b)
    if first > 12 and second > 12:
        return (f"`{text}` has no month {min(first, second)}", "write the date as 2021-12-23")
    if first > 12 or second > 12 or first == second:
        day, month = (first, second) if first > 12 or first == second else (second, first)
    elif order:
        day, month = (first, second) if order == "day-first" else (second, first)
    else:
        return (f"`{text}` could be day/month or month/day", "say which with `dates: day-first` (or month-first) in a "
                "map file (--map)")
    return f"{c}-{month:02d}-{day:02d}"


def _words(text: str) -> str:
    """`23 December 2021`, `December 23 2021`, `December 2021`, `Dec 2021`, `23 ديسمبر 2021`."""
    parts = text.replace(".", " ").split()
    months = [n for n, p in enumerate(parts) if p.casefold() in _MONTHS]
    numbers = [p for p in parts if p.isdigit()]
    if len(months) != 1 or len(numbers) + 1 != len(parts) or not numbers:
        return ""
    month = _MONTHS[parts[months[0]].casefold()]
    years = [p for p in numbers if len(p) == 4]
    days = [p for p in numbers if len(p) <= 2]
    if len(years) != 1 or len(days) > 1:
        return ""
    return f"{years[0]}-{month:02d}" + (f"-{int(days[0]):02d}" if days else "")


def _excel(text: str) -> str:
    """A serial number as Excel keeps dates (days since 1899-12-30), between 1950 and 2100."""
    match = re.match(r"^(\d{5})(\.\d+)?$", text)
    if not match or not 18264 <= int(match.group(1)) <= 73051:
        return ""
    return (EXCEL_EPOCH + datetime.timedelta(days=int(match.group(1)))).isoformat()
