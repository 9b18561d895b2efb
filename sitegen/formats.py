"""How a value is written safely into each output format, chosen by the template's file extension.

HTML and XML templates are autoescaped by Jinja. For the other formats every `{{ value }}` goes through
the format's escaper (Jinja's `finalize`), so a template for a new format is escaped by default, the
same way an HTML one is: a title with `}` cannot break a BibTeX entry, a newline cannot start a new RIS
tag, a quote cannot end a JSON string. A value marked safe (`Markup`, `|safe`) is written as it is.
Must not know about pages or the site.
"""

from __future__ import annotations

import json
import re
from typing import Any, Callable

from markupsafe import Markup

AUTOESCAPED = {".html", ".xml", ".svg"}  # Jinja's HTML escaping is right for text and attributes in XML

_BIBTEX_SPECIAL = re.compile(r"[\\{}%&$#_^~]")
_BIBTEX_REPLACEMENT = {"\\": r"\textbackslash{}", "^": r"\textasciicircum{}", "~": r"\textasciitilde{}"}


def bibtex(value: Any) -> str:
    """A BibTeX field value to place inside braces: specials escaped, braces never unbalanced, one line."""
    text = " ".join(_text(value).split())
    return _BIBTEX_SPECIAL.sub(lambda m: _BIBTEX_REPLACEMENT.get(m[0], "\\" + m[0]), text)


BIBTEX_VERBATIM = {"url", "date", "urldate", "doi"}  # read as written by biblatex: no TeX escapes
BIBTEX_PROTECTED = {"title"}  # double braces, so styles keep the capitals as written


def bibtex_field(value: Any, name: str = "") -> Markup:
    """The braced value of BibTeX field `name`, escaped for it. A list becomes names joined by `and`,
    each kept whole in braces (so `Wu Jianghao` or `Xinhua News Agency` is never split into first and
    last names). Verbatim fields (url, date) keep `%` and `&` as written, with braces percent-encoded."""
    if name in BIBTEX_VERBATIM:
        text = "".join(_text(value).split()).replace("{", "%7B").replace("}", "%7D")
    elif isinstance(value, (list, tuple)):
        text = " and ".join("{" + bibtex(v) + "}" for v in value)
    else:
        text = bibtex(value)
    return Markup("{{{}}}".format("{" + text + "}" if name in BIBTEX_PROTECTED else text))


def ris(value: Any) -> str:
    """An RIS value: one line (a line break would start a new tag), at most the 255 characters most
    readers take for a field (long values are cut on a word)."""
    text = " ".join(_text(value).split())
    return text if len(text) <= 255 else text[:254].rsplit(" ", 1)[0] + "…"


def json_value(value: Any) -> str:
    """Any value as JSON (a string quoted, a list an array), key order kept, non-ASCII as written."""
    return json.dumps(value, ensure_ascii=False)


def csv_cell(value: Any) -> str:
    """One CSV cell (RFC 4180): quoted when it holds a comma, quote or line break, quotes doubled."""
    text = _text(value)
    return '"' + text.replace('"', '""') + '"' if re.search(r'[",\r\n]', text) else text


def plain(value: Any) -> str:
    return _text(value)


ESCAPERS: dict[str, Callable[[Any], str]] = {
    ".bib": bibtex, ".ris": ris, ".json": json_value, ".csv": csv_cell, ".txt": plain,
}


def finalizer(extension: str) -> Callable[[Any], Any] | None:
    """Jinja `finalize` for templates ending in `extension`: None for autoescaped formats."""
    if extension in AUTOESCAPED:
        return None
    escape = ESCAPERS.get(extension)
    if escape is None:
        raise ValueError(f"no escaping known for `{extension}` templates: one of "
                         + ", ".join(sorted(AUTOESCAPED | set(ESCAPERS))))
    return lambda value: value if isinstance(value, Markup) else escape(value)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return "; ".join(_text(v) for v in value)
    return str(value)
