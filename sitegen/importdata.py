"""The plain data of `sitegen import`: what every importer hands over (`Batch` of `Incoming` documents
and `IncomingTerm` registry entries), what the import reports, the archive as it is, the record of what
the import wrote, and writing front matter whose values read back as they were given.

Shared by the reconciling (`importnames`), the documents' files (`importfiles`) and the import itself
(`importing`, which re-exports what importers use). Reads the archive and the record; must not write
or print anything.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sitegen.cache import Memo
from sitegen.config import Config, TaxonomyConfig
from sitegen.errors import ERROR, Diagnostic, shown_path
from sitegen.frontmatter import Source, YamlData
from sitegen.inputs import read_sources, validate_sources
from sitegen.schema import DocumentRecord, TermRecord
from sitegen.scaffold import _scalar

RECORD = ".sitegen-import.json"  # in the project's root, beside sitegen.yaml: meant to be committed


@dataclass
class Incoming:
    """One document as an importer read it, before reconciliation."""

    origin: str  # where it came from, for the report and errors: "holdings.csv:14", "content/posts/a.md"
    key: str  # its identity in the source (a row's id column, a file's path, a post id): the same key
    #           gives the same document id on every run
    fields: dict[str, Any]  # sitegen document fields as they will be written (title, date, source,
    #                         language, summary, url, authors, genre, notes, draft, embargo, redirects, extra);
    #                         a field the schema does not know is kept under `extra` (and reported)
    body: str = ""  # Markdown
    terms: dict[str, list[str]] = field(default_factory=dict)  # taxonomy name -> names as the source wrote them
    attachments: list[Path] = field(default_factory=list)  # files to copy beside it (checked to be in `Batch.files`)
    slug: str = ""  # the id the source suggests (a slug, a file name); else one is made from date and title
    translation_of: str = ""  # the `key` of another Incoming of the batch that this one translates
    where: dict[str, tuple[int, int]] = field(default_factory=dict)  # field -> (line, col) in the source, for errors


@dataclass
class IncomingTerm:
    """A registry entry the source describes (a Hugo `_index.md`, a WordPress category)."""

    origin: str
    taxonomy: str
    names: dict[str, str]  # language -> name
    description: str = ""
    aliases: list[str] = field(default_factory=list)
    slug: str = ""
    language: str = ""  # the language of `description` (default: the site's first language)


@dataclass
class Kept:
    """Something read but not carried over as it was: a shortcode kept literally, a column under
    `extra`, a post left out (and why). One line each in the report."""

    origin: str
    what: str


@dataclass
class Batch:
    """Everything one run of an importer read."""

    source: str  # names the import in its record of written files, e.g. "csv holdings.csv"
    documents: list[Incoming] = field(default_factory=list)
    terms: list[IncomingTerm] = field(default_factory=list)
    kept: list[Kept] = field(default_factory=list)
    problems: list[Diagnostic] = field(default_factory=list)  # errors stop the import before anything is written
    files: Path | None = None  # the folder attachments are read from (--files, --media, the site); none outside it
    folder: str = ""  # sub-folder of content/documents/ for this source (default: made from `source`)
    # the reader's settings as a file the user may save and edit (CSV: the column map), shown by --dry-run
    settings: str = ""


@dataclass(frozen=True)
class NewTerm:
    taxonomy: str
    id: str
    name: str
    path: str


@dataclass(frozen=True)
class Suggestion:
    """A new name that looks like a known one: reported, never merged."""

    taxonomy: str
    name: str
    near: str
    near_id: str  # the entry `near` names (new or existing)
    origin: str


@dataclass
class Report:
    """What an import did (or, with --dry-run, would do); paths as the user sees them."""

    source: str
    record: str
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    moved: list[str] = field(default_factory=list)  # "old -> new": a document that now has attachments
    edited: list[str] = field(default_factory=list)  # edited by hand since the import wrote them: left alone
    occupied: list[str] = field(default_factory=list)  # a file the import did not write: left alone
    gone: list[str] = field(default_factory=list)  # written for this source before, not in it now: left in place
    kept: list[Kept] = field(default_factory=list)
    new_terms: list[NewTerm] = field(default_factory=list)
    suggestions: list[Suggestion] = field(default_factory=list)
    warnings: list[Diagnostic] = field(default_factory=list)
    problems: list[Diagnostic] = field(default_factory=list)  # errors: nothing was written
    config_lines: list[str] = field(default_factory=list)  # lines to add to sitegen.yaml, and why
    documents: int = 0
    written: bool = False

    @property
    def failed(self) -> bool:
        return any(d.severity == ERROR for d in self.problems)


@dataclass
class PlannedFile:
    """One file the import wants at `path`: its bytes (or the attachment to copy) and what it comes from."""

    path: Path
    shown: str  # `path` as messages show it
    data: bytes | None
    copy: Path | None  # an attachment, read again when written (and checked to be unchanged)
    sha: str
    origin: str
    key: str
    taxonomy: TaxonomyConfig | None = None  # the registry it belongs to; None for a document or attachment
    source: Source | None = None  # a document's front matter and body as `check` will read them
    action: str = ""  # create, update, unchanged, edited, occupied


# -- the record of what the import wrote ------------------------------------------------------------

def read_record(config: Config) -> dict[str, Any]:
    """The record (`RECORD`): {"files": {path from the project root: {"sha256", "source", "key"}}}.
    A missing or unreadable one is empty: then nothing counts as the import's, and nothing is overwritten."""
    try:
        data = json.loads((config.root / RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"version": 1, "files": {}}
    files = data.get("files") if isinstance(data, dict) else None
    if not isinstance(files, dict):
        return {"version": 1, "files": {}}
    return {"version": 1, "files": {p: e for p, e in files.items()
                                    if isinstance(e, dict) and isinstance(e.get("sha256"), str)}}


def record_bytes(record: dict[str, Any]) -> bytes:
    return (json.dumps(record, ensure_ascii=False, sort_keys=True, indent=1) + "\n").encode("utf-8")


def ours(record: dict[str, Any], root: Path, path: Path) -> bool:
    """The import wrote `path` and nobody has changed it since (its bytes are as written, or as they
    were before an interrupted import got to it)."""
    entry = record["files"].get(rel(root, path))
    if entry is None or path.is_symlink():
        return False
    return sha_on_disk(path) in (entry["sha256"], entry.get("was"))


def rel(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()


def sha_on_disk(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() and not path.is_symlink() else ""
    except OSError:
        return ""


def short(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:6]


# -- the archive as it is ----------------------------------------------------------------------------

@dataclass
class Project:
    documents: list[DocumentRecord]
    terms: list[TermRecord]
    problems: list[Diagnostic]

    @staticmethod
    def read(config: Config, memo: Memo, jobs: int) -> "Project":
        """The archive's documents and registry, read as the build reads them. An error in a registry
        file stops the import (names could not be reconciled with it); others are `check`'s business."""
        found, problems, _, _ = read_sources(config, memo=memo)
        documents, terms, more = validate_sources(found, memo, jobs)
        registry = tuple(shown_path(config.content / t.folder) + os.sep for t in config.taxonomies)
        blocking = [d for d in problems + more if d.severity == ERROR and d.path.startswith(registry)]
        blocking = [Diagnostic(d.path, d.line, d.col, d.message, (d.hint + "; " if d.hint else "") +
                               "the import reconciles names with the registry, so fix this first") for d in blocking]
        return Project(documents, terms, blocking)



def words(text: Any) -> str:
    """Whitespace collapsed, as names are compared and written."""
    return " ".join(str(text).split())


def first_name(names: dict[str, str], prefer: str = "en") -> str:
    """The name to show: in `prefer`, else in English, else the first by language."""
    for lang in (prefer, "en", *sorted(names)):
        if lang in names:
            return names[lang]
    return ""



def located(origin: str, where: tuple[int, int] | None = None) -> tuple[str, int, int]:
    """`holdings.csv:14` -> ("holdings.csv", 14, 1); `where` (line, col) wins when the reader knew it."""
    path, _, line = origin.rpartition(":")
    if not (path and line.isdigit()):
        path, line = origin, "1"
    if where:
        return path, where[0], where[1]
    return path, int(line), 1



# -- front matter ------------------------------------------------------------------------------------

def front_matter(values: dict[str, Any], body: str) -> tuple[str, Source]:
    """The Markdown file of `values` (in their order) and `body`, and the `Source` that `check` will
    read from it (the data as plain values, each key's line), so the import validates its files
    without parsing its own YAML again. Text is always quoted (`quote`), so it reads back as given."""
    lines, positions, data = ["---"], {}, {}
    for key, value in values.items():
        positions[(key,)] = (len(lines) + 1, 1)
        data[key] = _plain(value)
        lines += _yaml(key, value)
    lines.append("---")
    body = body.replace("\r\n", "\n").replace("\r", "\n").strip("\n")
    text = "\n".join(lines) + "\n" + (body + "\n" if body else "")
    return text, Source(YamlData(data, positions), body + "\n" if body else "", len(lines) + 1)


def quote(text: str) -> str:
    """A double-quoted YAML scalar that reads back as `text`: `scaffold._scalar` (JSON's escapes, which
    YAML shares), with the characters JSON leaves bare but YAML or `check` do not escaped too: C1
    controls and NEL, the line and paragraph separators (YAML folds them), the byte-order mark. A lone
    surrogate (which no file can hold) becomes U+FFFD."""
    if not _ESCAPED.search(text):
        return f'"{text}"'  # what _scalar would write, without JSON's encoder: most values need no escape
    text = _SURROGATE.sub("\ufffd", text)
    return _BARE.sub(lambda m: f"\\u{ord(m.group()):04x}", _scalar(text))


_SURROGATE = re.compile("[\ud800-\udfff]")
_BARE = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]")
_ESCAPED = re.compile('["\\\\\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff\ufffe\uffff]')
_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
_YAML_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null"}


def _yaml(key: str, value: Any, indent: str = "") -> list[str]:
    """`key: value` as block YAML lines."""
    label = key if _KEY.match(key) and key.lower() not in _YAML_WORDS else quote(key)
    if isinstance(value, dict) and value:
        return [f"{indent}{label}:"] + [line for k, v in value.items() for line in _yaml(str(k), v, indent + "  ")]
    if isinstance(value, (list, tuple)) and value:
        return [f"{indent}{label}:"] + [f"{indent}  - {_flow(v)}" for v in value]
    return [f"{indent}{label}: {_flow(value)}"]


def _flow(value: Any) -> str:
    """One value on one line: text quoted, numbers, true/false, null, and lists or mappings in brackets."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)) or value is None:
        return json.dumps(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{quote(str(k))}: {_flow(v)}" for k, v in value.items()) + "}"
    return quote(value.isoformat() if hasattr(value, "isoformat") else str(value))


def _plain(value: Any) -> Any:
    """`value` as YAML will read it back: lists for tuples, text for dates, keys as text."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (bool, int, float)) or value is None:
        return value
    return _SURROGATE.sub("\ufffd", value.isoformat() if hasattr(value, "isoformat") else str(value))
