"""Bringing an existing collection in (`sitegen import`): what every importer hands over, and (to come)
reconciling it with the archive and writing it.

Each importer (`import_csv`, `import_site` for Hugo and Jekyll, `import_wordpress`) only *reads* its
source into a `Batch` of plain data, with a diagnostic naming the row or line for anything it cannot
read. Everything after that is shared and lives here: reconciling names with the registry (by id, by
name in any language, by alias; near matches only suggested), stable ids, the files' text, deciding
what to create, update or leave (a file edited by hand since the last import is never overwritten),
the report, and writing nothing outside the content folder. Must not print; the CLI reports.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sitegen.errors import Diagnostic


@dataclass
class Incoming:
    """One document as an importer read it, before reconciliation."""

    origin: str  # where it came from, for the report and errors: "holdings.csv:14", "content/posts/a.md"
    key: str  # its identity in the source (a row's id column, a file's path, a post id): the same key
    #           gives the same document id on every run
    fields: dict[str, Any]  # sitegen document fields as they will be written (title, date, source,
    #                         language, summary, url, authors, genre, notes, draft, embargo, redirects, extra)
    body: str = ""  # Markdown
    terms: dict[str, list[str]] = field(default_factory=dict)  # taxonomy name -> names as the source wrote them
    attachments: list[Path] = field(default_factory=list)  # files to copy beside it (checked to be in the folder given)
    slug: str = ""  # the id the source suggests (a slug, a file name); else one is made from date and title


@dataclass
class IncomingTerm:
    """A registry entry the source describes (a Hugo `_index.md`, a WordPress category)."""

    origin: str
    taxonomy: str
    names: dict[str, str]  # language -> name
    description: str = ""
    aliases: list[str] = field(default_factory=list)
    slug: str = ""


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
