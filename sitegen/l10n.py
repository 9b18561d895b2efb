"""Locale-correct text through CLDR (Babel): counts in each language's plural forms, dates and numbers
as each edition writes them, in Latin or the edition's own digits.

Owns the use of Babel. Words come from the strings tables in `ui` (a count is a table of CLDR plural
categories, `{"one": "{n} document", "other": "{n} documents"}`; a partial or qualified date a pattern
such as `"c. {date}"`), so a third language is a strings table only. Must not know about pages or files.
"""

from __future__ import annotations

import datetime as _dt
import functools

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_skeleton
from babel.numbers import format_decimal, get_group_symbol

from sitegen.dates import ArchivalDate
from sitegen.ui import STRINGS, ui_language

# Decimal digits of the CLDR numbering systems an edition may name as its own ("native"); any other
# is written in Latin digits. Babel gives the system's name, not its digits.
DIGITS = {"latn": "0123456789", "arab": "٠١٢٣٤٥٦٧٨٩", "arabext": "۰۱۲۳۴۵۶۷۸۹", "deva": "०१२३४५६७८९",
          "beng": "০১২৩৪৫৬৭৮৯", "thai": "๐๑๒๓๔๕๖๗๘๙", "mymr": "၀၁၂၃၄၅၆၇၈၉", "tibt": "༠༡༢༣༤༥༦༧༨༩"}


@functools.lru_cache(maxsize=64)
def locale(lang: str) -> Locale:
    """The CLDR locale of a language tag, else English (a tag CLDR does not know)."""
    try:
        return Locale.parse(lang.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en")


def numbering(lang: str, digits: str) -> str:
    """The CLDR numbering system to write in: `latn`, or with digits "native" the language's own."""
    system = locale(lang).other_numbering_systems.get("native", "latn") if digits == "native" else "latn"
    return system if system in DIGITS else "latn"


def _digits(text: str, lang: str, digits: str) -> str:
    system = numbering(lang, digits)
    return text if system == "latn" else text.translate(str.maketrans(DIGITS["latn"], DIGITS[system]))


@functools.lru_cache(maxsize=1 << 12)
def number(n: int, lang: str, digits: str = "latin") -> str:
    """A whole number with the language's grouping ("1,234", "1٬234"). Kept per number: a page
    worker writes the same few counts (shared terms, a term's documents) thousands of times, and
    Babel took a fifth of planning a document's page."""
    text = format_decimal(n, locale=locale(lang), numbering_system=numbering(lang, digits))
    return _digits(text, lang, digits)


def number_format(lang: str, digits: str = "latin") -> dict[str, object]:
    """How `number` writes a whole number, for the search page to write its counts the same way without
    the browser's Intl.NumberFormat (whose first use in a page cost 10-40 ms of ICU start-up, the page's
    main thread busy while the index's files arrive): its digits, its grouping separator and its group
    sizes (the rightmost group's, then every other's)."""
    system = numbering(lang, digits)
    return {"digits": DIGITS[system], "group": get_group_symbol(locale(lang), numbering_system=system),
            "sizes": list(locale(lang).decimal_formats[None].grouping)}


def plural_category(n: int, lang: str) -> str:
    """CLDR's plural category of `n` in `lang`: zero, one, two, few, many or other."""
    return locale(lang).plural_form(n)


@functools.lru_cache(maxsize=1 << 12)
def count(key: str, n: int, lang: str, digits: str = "latin") -> str:
    """The interface string `key` (a table of plural categories) for `n`: "5 results", "5 نتائج". Kept:
    every document's page counts its terms' documents and the terms it shares with six others."""
    forms = STRINGS[ui_language(lang)][key]
    return forms.get(plural_category(n, lang), forms["other"]).format(n=number(n, lang, digits))


@functools.lru_cache(maxsize=1 << 16)
def date_text(date: ArchivalDate, lang: str, digits: str = "latin") -> str:
    """A date in words as the edition writes it (CLDR's long date, month-year or year), with the
    edition's words for approximate and uncertain ("c. 2018", "6 November 2019?"). Kept per date:
    documents share dates, and each is written on its own page, its listings and its related ones'."""
    ui = STRINGS[ui_language(lang)]
    day = _dt.date(date.year, date.month or 1, date.day or 1)
    loc = locale(ui_language(lang))
    if date.day is not None:
        text = format_date(day, "long", locale=loc)
    elif date.month is not None:
        text = format_skeleton("yMMMM", day, locale=loc)
    else:
        text = format_skeleton("y", day, locale=loc)
    qualifier = "date_both" if date.uncertain and date.approximate else "date_approximate" if date.approximate \
        else "date_uncertain" if date.uncertain else ""
    text = ui[qualifier].format(date=text) if qualifier else text
    return _digits(text, lang, digits)


def date_note(date: ArchivalDate, lang: str) -> str:
    """What a qualified date's mark means, for its `<abbr title>` ("" for a plain date)."""
    ui = STRINGS[ui_language(lang)]
    notes = [ui["note_approximate"]] * date.approximate + [ui["note_uncertain"]] * date.uncertain
    return "; ".join(notes)


def month_name(month: int, lang: str) -> str:
    """A month's name standing alone (a heading in the chronology)."""
    return locale(ui_language(lang)).months["stand-alone"]["wide"][month]
