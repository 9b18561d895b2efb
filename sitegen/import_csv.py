"""`sitegen import csv`: a spreadsheet (CSV or TSV), one row per document, read into a `Batch`.

Owns the file's delimiter, which column gives which field (guessed from the headers, or a map file;
the map used is `Batch.settings`), and each cell's value: names split on the separator, dates made
archival (`csvdates`), attachments named relative to the files folder. The file's encoding is
`csvtext`'s. Columns for another language (`title_ar`, `actors_ar`) give the document's translation
and the names of its entries in that language. Must not write anything: `importing` reconciles and
writes. Every problem is a diagnostic at `file:line:column`, the column counted as a spreadsheet
counts them.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sitegen.config import Config
from sitegen.errors import Diagnostic, did_you_mean, shown_path
from sitegen.frontmatter import load_yaml
from sitegen.importing import Batch, Incoming, IncomingTerm, Kept
from sitegen.schema import DOCUMENT_FIELDS, LANGUAGE_TAG
from sitegen.scaffold import _scalar
from sitegen.csvdates import NUMERIC_DATE, normalise_date
from sitegen.csvtext import decode

REQUIRED = ("title", "date", "source", "language")
# header words (lowercase, spaces and punctuation as `_`) -> target, beside every field and taxonomy's own name
SYNONYMS = {"id": "id", "slug": "id", "key": "id", "identifier": "id", "body": "body", "text": "body",
            "content": "body", "full_text": "body", "author": "authors", "byline": "authors", "by": "authors",
            "link": "url", "address": "url", "lang": "language", "abstract": "summary", "note": "notes",
            "file": "attachments", "files": "attachments", "attachment": "attachments", "outlet": "source",
            "publisher": "source", "publication": "source", "published": "date", "publication_date": "date",
            "date_published": "date", "pub_date": "date", "retrieved_on": "retrieved"}
LANGUAGE_NAMES = {"english": "en", "arabic": "ar", "العربية": "ar", "عربي": "ar", "عربية": "ar", "french": "fr",
                  "français": "fr", "francais": "fr", "spanish": "es", "español": "es", "german": "de",
                  "deutsch": "de", "russian": "ru", "chinese": "zh", "الإنجليزية": "en", "انجليزي": "en"}
TRUE = {"true", "yes", "y", "1", "x", "نعم"}  # a draft cell that means yes
LISTS = {"authors", "attachments", "redirects"}  # fields whose cell holds several values
ORDERS = ("day-first", "month-first")
MAP_KEYS = {"columns", "defaults", "dates"}


@dataclass
class Column:
    index: int  # 0-based
    header: str
    target: str  # a field, a taxonomy, id, body, FIELD.LANG, extra.NAME or skip


@dataclass
class _Read:
    """What reading the file found, for the rows."""

    path: str
    columns: list[Column]
    taxonomies: frozenset[str] = frozenset()
    language: str = "en"  # of a row whose language cell is empty
    defaults: dict[str, str] = field(default_factory=dict)
    order: str = ""  # day-first or month-first, declared or found in the file
    problems: list[Diagnostic] = field(default_factory=list)
    kept: list[Kept] = field(default_factory=list)


def read_csv(source: Path, config: Config, *, map: str | None = None, encoding: str | None = None,
             separator: str = ";", files: str | None = None) -> Batch:
    """The rows of `source` as documents; `map` a YAML column map, `encoding` to skip detection,
    `separator` between the values of one cell, `files` the folder attachments are named in."""
    shown = shown_path(source)
    batch = Batch(f"csv {source.name}", files=Path(files) if files else source.parent)
    text, used = decode(source, shown, encoding, batch)
    if text is None:
        return batch
    rows = _rows(text, shown, source.suffix.lower(), batch)
    if not rows:
        if not batch.problems:
            batch.problems.append(Diagnostic(shown, 1, 1, "the file is empty", "the first row names the columns"))
        return batch
    (_, header), body = rows[0], rows[1:]
    read = _columns(header, shown, config, map, batch)
    batch.settings = _settings(read, used, config)
    if any(d.severity == "error" for d in batch.problems):
        return batch
    read.order = read.order or _date_order(read, body, batch)
    batch.settings = _settings(read, used, config)
    terms: dict[tuple, IncomingTerm] = {}
    for line, cells in body:
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            col = min(len(cells), len(header)) + 1
            batch.problems.append(Diagnostic(shown, line, col,
                                             f"the row has {len(cells)} cells, the header {len(header)}",
                                             "a cell with a line break or a separator must be in double quotes"))
            continue
        _row(read, line, cells, config, separator, batch, terms)
    batch.terms = list(terms.values())
    batch.kept = read.kept + batch.kept
    batch.problems += read.problems
    _check_keys(batch)
    return batch


# -- rows and columns --------------------------------------------------------------------------------

def _rows(text: str, shown: str, suffix: str, batch: Batch) -> list[tuple[int, list[str]]]:
    """(line where the row starts, cells) for every row; the delimiter from the extension or the header."""
    first = text.split("\n", 1)[0]
    delimiter = "\t" if suffix == ".tsv" else max(",;\t", key=lambda d: (first.count(d), d == ","))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows, line = [], 1
    try:
        for cells in reader:
            rows.append((line, cells))
            line = reader.line_num + 1
    except csv.Error as exc:
        batch.problems.append(Diagnostic(shown, line, 1, f"cannot read this row: {exc}", "check its quotes"))
    return rows


def _columns(header: list[str], shown: str, config: Config, map_path: str | None, batch: Batch) -> _Read:
    headers = [h.strip().lstrip("\ufeff") for h in header]
    read = _Read(shown, [], frozenset(t.name for t in config.taxonomies), config.language)
    seen: dict[str, int] = {}
    for n, h in enumerate(headers):
        if h in seen:
            batch.problems.append(Diagnostic(shown, 1, n + 1, f"column `{h}` is also column {seen[h] + 1}",
                                             "rename one"))
        seen.setdefault(h, n)
    mapped = _load_map(map_path, headers, config, read, batch) if map_path else {}
    for n, h in enumerate(headers):
        target = mapped.get(h) if map_path else _guess(h, config)
        read.columns.append(Column(n, h, target or f"extra.{h}"))
    for c in read.columns:
        if c.target.startswith("extra."):
            read.kept.append(Kept(f"{shown}:1", f"column `{c.header}` is kept under `extra` as `{c.target[6:]}`"))
        elif c.target == "skip":
            read.kept.append(Kept(f"{shown}:1", f"column `{c.header}` is left out (the map says skip)"))
    given = {c.target for c in read.columns} | set(read.defaults)
    read.defaults.setdefault("language", config.language) if "language" not in given else None
    for name in REQUIRED:
        if name not in given and name not in read.defaults:
            hint = did_you_mean(name, headers) or (f"add a `{name}` column, or `defaults: {{{name}: ...}}` in a map "
                                                    "file (--map)")
            batch.problems.append(Diagnostic(shown, 1, 1, f"no column gives the required field `{name}`", hint))
    return read


def _normal(header: str) -> str:
    return re.sub(r"[\s\-./()]+", "_", header.strip().casefold()).strip("_")


def _targets(config: Config) -> dict[str, str]:
    """Every word a header may be, to its target."""
    out = dict(SYNONYMS) | {f: f for f in DOCUMENT_FIELDS if f not in ("slug", "extra")}
    for tax in config.taxonomies:
        for word in (tax.name, tax.field, *tax.singular.values(), *tax.title.values()):
            out[_normal(word)] = tax.name
    return out


def _guess(header: str, config: Config) -> str:
    """A header's target: a field or taxonomy by name (`Title`, `actor`), or with a language after it
    (`title_ar`, `Title (ar)`, `actors-ar`): the same field of the row's translation in that language."""
    word, targets = _normal(header), _targets(config)
    if word in targets:
        return targets[word]
    base, _, lang = word.rpartition("_")
    if base in targets and targets[base] not in ("id", "attachments") and LANGUAGE_TAG.match(lang) and len(lang) <= 3:
        return f"{targets[base]}.{lang}"
    return ""


def _load_map(path: str, headers: list[str], config: Config, read: _Read, batch: Batch) -> dict[str, str]:
    """`columns: {header: target}`, `defaults: {field: value}`, `dates: day-first|month-first`; a
    column the map does not name is guessed from its header."""
    shown = shown_path(Path(path))
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        batch.problems.append(Diagnostic(shown, 1, 1, f"cannot read the map: {getattr(exc, 'strerror', exc)}",
                                         "save it as UTF-8"))
        return {}
    data, problems = load_yaml(text, shown)
    batch.problems.extend(problems)
    if data is None:
        return {}
    spec = data.data if isinstance(data.data, dict) else {}
    for key in spec:
        if key not in MAP_KEYS:
            batch.problems.append(Diagnostic(shown, *data.where((key,)), f"unknown key `{key}`",
                                             did_you_mean(key, MAP_KEYS) or "keys: columns, defaults, dates"))
    columns = spec.get("columns") or {}
    valid = _targets(config)
    out = {}
    for header, target in (columns.items() if isinstance(columns, dict) else []):
        target = "skip" if target in (None, "", False) else str(target)
        if not _valid_target(target, set(valid.values())):
            batch.problems.append(Diagnostic(shown, *data.where(("columns", header)), f"`{target}` is not a field",
                                             did_you_mean(target, sorted(set(valid.values()))) or
                                             "a field, a taxonomy, id, body, FIELD.LANG, extra.NAME or skip"))
        elif str(header) not in headers:
            batch.problems.append(Diagnostic(shown, *data.where(("columns", header)),
                                             f"the CSV has no column `{header}`",
                                             did_you_mean(str(header), headers) or "columns: " + ", ".join(headers)))
        out[str(header)] = target
    for h in headers:
        out.setdefault(h, _guess(h, config))
    defaults = spec.get("defaults") or {}
    read.defaults = {str(k): str(v) for k, v in (defaults.items() if isinstance(defaults, dict) else [])}
    order = spec.get("dates", "")
    if order and order not in ORDERS:
        batch.problems.append(Diagnostic(shown, *data.where(("dates",)),
                                         f"`dates` must be day-first or month-first, not `{order}`"))
    read.order = order if order in ORDERS else ""
    return out


def _valid_target(target: str, targets: set[str]) -> bool:
    base, _, lang = target.partition(".")
    if base == "extra":
        return bool(lang)
    return target in targets | {"skip"} or (base in targets and bool(LANGUAGE_TAG.match(lang)))


def _settings(read: _Read, encoding: str, config: Config) -> str:
    """The map used, as a file to save and edit (`--map`)."""
    lines = ["# sitegen import csv --map: which column gives which field. A target is a field (title, date, ...),",
             "# a taxonomy (" + ", ".join(t.name for t in config.taxonomies) + "), id, body, FIELD.LANG for a "
             "translation's column (title.ar, actors.ar),", "# extra.NAME, or skip.", f"# read as {encoding}",
             "columns:"]
    lines += [f"  {_scalar(c.header)}: {c.target}" for c in read.columns]
    if read.defaults:
        lines += ["defaults:  # values of fields no column gives"] + [f"  {k}: {_scalar(v)}"
                                                                       for k, v in read.defaults.items()]
    lines.append(f"dates: {read.order or 'day-first'}  # how to read 03/04/2021 when the file does not tell")
    return "\n".join(lines) + "\n"


# -- one row -----------------------------------------------------------------------------------------

def _row(read: _Read, line: int, cells: list[str], config: Config, separator: str, batch: Batch,
         terms: dict[tuple, IncomingTerm]) -> None:
    """The row's document, its translations (a `title.LANG` cell), and its names in other languages."""
    origin = f"{read.path}:{line}"
    base: dict[str, Any] = dict(read.defaults)
    where: dict[str, tuple[int, int]] = {}
    other: dict[str, dict[str, tuple[str, int]]] = {}  # language -> target -> (cell, column)
    extra: dict[str, str] = {}
    for col in read.columns:
        cell = cells[col.index].strip()
        if not cell or col.target == "skip":
            continue
        if col.target.startswith("extra."):
            extra[col.target[6:]] = cell
            continue
        target, _, lang = col.target.partition(".")
        if lang:
            other.setdefault(lang, {})[target] = (cell, col.index + 1)
        else:
            base[target], where[target] = cell, (line, col.index + 1)
    language = _language(str(base.get("language") or read.language))
    base["language"] = language
    if language in other:  # `title_ar` on an Arabic row is its own title
        for target, (cell, col) in other.pop(language).items():
            base.setdefault(target, cell)
            where.setdefault(target, (line, col))
    doc = _document(read, origin, line, base, where, separator, batch)
    if doc is None:
        return
    if extra:
        doc.fields["extra"] = extra
    batch.documents.append(doc)
    for lang, values in sorted(other.items()):
        _other_language(read, doc, lang, values, line, separator, batch, terms)


def _document(read: _Read, origin: str, line: int, values: dict[str, Any], where: dict, separator: str,
              batch: Batch) -> Incoming | None:
    fields: dict[str, Any] = {}
    terms: dict[str, list[str]] = {}
    taxonomies = read.taxonomies
    ok = True
    for target, cell in values.items():
        at = where.get(target, (line, 1))
        if target == "date" or target in ("retrieved", "embargo", "expires"):
            date, problem = normalise_date(cell, read.order)
            if problem:
                batch.problems.append(Diagnostic(read.path, *at, f"column `{_header(read, at)}`: {problem[0]}",
                                                 problem[1]))
                ok = False
            fields[target] = date
        elif target in taxonomies:
            terms[target] = _split(cell, separator)
        elif target in LISTS:
            fields[target] = _split(cell, separator)
        elif target == "draft":
            if cell.casefold() in TRUE:
                fields[target] = True
        elif target not in ("id", "body"):
            fields[target] = cell
    for name in ("title", "date", "source"):
        if not values.get(name):
            batch.problems.append(Diagnostic(read.path, line, _column_of(read, name), f"the row has no {name}",
                                             "fill the cell, or leave the row out"))
            ok = False
    if not ok:
        return None
    attachments = [Path(n) for n in fields.pop("attachments", [])]
    key = values.get("id") or "|".join(str(fields.get(k, "")) for k in ("date", "title", "source", "language", "url"))
    return Incoming(origin, key, fields, values.get("body", ""), terms, attachments, slug=values.get("id", ""),
                    where={k: v for k, v in where.items()})


def _other_language(read: _Read, doc: Incoming, lang: str, values: dict[str, tuple[str, int]], line: int,
                    separator: str, batch: Batch, terms: dict[tuple, IncomingTerm]) -> None:
    """`actors.ar` names the row's entries in Arabic (paired by position); `title.ar` makes the row's
    Arabic translation, with the row's other fields unless a `.ar` column gives them."""
    taxonomies = read.taxonomies
    for taxonomy in sorted(set(values) & taxonomies):
        cell, col = values[taxonomy]
        names, own = _split(cell, separator), doc.terms.get(taxonomy, [])
        if len(names) != len(own):
            batch.problems.append(Diagnostic(read.path, line, col, f"column `{_header(read, (line, col))}` has "
                                             f"{len(names)} names and `{taxonomy}` {len(own)}: they pair by position",
                                             f"give one name in {lang} for each, in the same order"))
            continue
        for mine, theirs in zip(own, names):
            names_ = {doc.fields["language"]: mine, lang: theirs}
            terms.setdefault((taxonomy, tuple(sorted(names_.items()))), IncomingTerm(doc.origin, taxonomy, names_))
    if "title" not in values:
        for target, (cell, col) in sorted(values.items()):
            if target not in taxonomies:
                doc.fields.setdefault("extra", {})[read.columns[col - 1].header] = cell
                batch.kept.append(Kept(doc.origin, f"column `{read.columns[col - 1].header}` is kept under `extra`: "
                                                   f"the row has no `title.{lang}` to make a translation of"))
        return
    own = {t: doc.fields.get(t) for t in ("date", "source", "url", "genre", "dateline")}
    cells = {k: v for k, v in own.items() if v} | {t: cell for t, (cell, _) in values.items()}
    cells["language"] = lang
    where = {t: (line, col) for t, (_, col) in values.items()}
    translation = _document(read, doc.origin, line, cells, where, separator, batch)
    if translation is None:
        return
    translation.key, translation.translation_of = f"{doc.key}#{lang}", doc.key
    translation.slug = f"{doc.slug}-{lang}" if doc.slug else ""
    translation.terms = {t: doc.terms[t] for t in doc.terms if t not in values} | translation.terms
    batch.documents.append(translation)


def _check_keys(batch: Batch) -> None:
    """Two rows that are one document (same id, or no id and the same date, title, source, language, url)."""
    first: dict[str, str] = {}
    for doc in batch.documents:
        earlier = first.setdefault(doc.key, doc.origin)
        if earlier != doc.origin:
            path, _, line = doc.origin.rpartition(":")
            batch.problems.append(Diagnostic(path, int(line), 1,
                                             f"this row is the same document as row {earlier.rpartition(':')[2]}",
                                             "remove one, or give each an id column"))
    batch.documents = [d for d in batch.documents if first[d.key] == d.origin]


def _split(cell: str, separator: str) -> list[str]:
    return [v.strip() for v in cell.split(separator) if v.strip()] if separator else [cell.strip()]


def _language(text: str) -> str:
    word = text.strip()
    return LANGUAGE_NAMES.get(word.casefold(), word.lower() if LANGUAGE_TAG.match(word) and len(word) <= 3 else word)


def _header(read: _Read, at: tuple[int, int]) -> str:
    return read.columns[at[1] - 1].header if 0 < at[1] <= len(read.columns) else ""


def _column_of(read: _Read, target: str) -> int:
    return next((c.index + 1 for c in read.columns if c.target == target), 1)


def _date_order(read: _Read, body: list[tuple[int, list[str]]], batch: Batch) -> str:
    """day-first or month-first when a date column's numeric dates say so (a part over 12); "" else."""
    columns = [c.index for c in read.columns
               if c.target.partition(".")[0] in ("date", "retrieved", "embargo", "expires")]
    day_first = month_first = False
    for _, cells in body:
        for i in columns:
            match = NUMERIC_DATE.match(cells[i].strip().rstrip("?~%")) if i < len(cells) else None
            if match and len(match.group(1)) <= 2:
                first, second = int(match.group(1)), int(match.group(2))
                day_first |= first > 12 >= second
                month_first |= second > 12 >= first
    if day_first and month_first:
        batch.problems.append(Diagnostic(read.path, 1, columns[0] + 1, "the dates are written day/month in some rows "
                                         "and month/day in others", "write them as 2021-12-23"))
    return "day-first" if day_first and not month_first else "month-first" if month_first and not day_first else ""
