"""Bringing an existing collection in (`sitegen import`): what every importer hands over, reconciling it
with the archive, and writing it.

Each importer (`import_csv`, `import_site` for Hugo and Jekyll, `import_wordpress`) only *reads* its
source into a `Batch` of plain data, with a diagnostic naming the row or line for anything it cannot
read. Everything after that is shared and lives here: reconciling names with the registry (by id, by
name in any language, by alias, compared as the model compares references; near matches only
suggested), stable ids, the files' text, deciding what to create, update or leave (a file edited by
hand since the last import is never overwritten), and the report. `plan_import` decides everything
and writes nothing (`--dry-run` stops there); `apply_import` writes what was planned, atomically file
by file, inside the content folder only, and keeps the record of what it wrote (`RECORD`). Every file
planned is first validated as `check` would (fields, references, ids, links), so an import either
yields an archive that passes `check` or writes nothing. Must not print; the CLI reports.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sitegen.attachments import TYPES
from sitegen.cache import NO_MEMO, Memo
from sitegen.config import Config, TaxonomyConfig
from sitegen.errors import ERROR, WARNING, Diagnostic, Nearest, shown_path, sort_diagnostics
from sitegen.frontmatter import split_source
from sitegen.inputs import read_sources, validate_sources
from sitegen.links import check_targets, link_bodies, link_index
from sitegen.markup import Rendered, check_body, render_markdown
from sitegen.model import build_site, match_key
from sitegen.schema import (ATTACHMENT_NAME, DOCUMENT_FIELDS, PORTABLE_ID, DocumentRecord, TermRecord, document_fields,
                            suggest_id, validate_document, validate_term)
from sitegen.scaffold import _scalar
from sitegen.sources import WINDOWS_RESERVED

RECORD = ".sitegen-import.json"  # in the project's root, beside sitegen.yaml: meant to be committed
NEAR = 0.8  # how alike two names must be (difflib ratio) to be suggested as one entry
ID_WORDS = 60  # characters of title or name words in a made-up id
CONFIG_LINKS = "links: {broken: warning}"


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
    settings: str = ""  # the reader's settings as a file the user may save and edit (CSV: the column map), shown by --dry-run


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
class _File:
    """One file the import wants at `path`: its bytes (or the attachment to copy) and what it comes from."""

    path: Path
    data: bytes | None
    copy: Path | None  # an attachment, read again when written (and checked to be unchanged)
    sha: str
    origin: str
    key: str
    action: str = ""  # create, update, unchanged, edited, occupied


@dataclass
class ImportPlan:
    config: Config
    batch: Batch
    files: list[_File]
    remove: list[Path]  # a document moved into its own folder: the old file (ours, unedited)
    record: dict[str, Any]  # as it will be after the writes
    report: Report


def run_import(batch: Batch, config: Config, *, dry_run: bool = False, memo: Memo = NO_MEMO, jobs: int = 1) -> Report:
    """Plan the import and, unless it is a dry run or something is wrong, write it."""
    plan = plan_import(batch, config, memo=memo, jobs=jobs)
    if dry_run or plan.report.failed:
        return plan.report
    return apply_import(plan)


def plan_import(batch: Batch, config: Config, *, memo: Memo = NO_MEMO, jobs: int = 1) -> ImportPlan:
    """Everything the import would do, decided against the archive as it is; nothing is written."""
    record = read_record(config)
    project = _Project.read(config, memo, jobs)
    report = Report(batch.source, shown_path(config.root / RECORD), kept=list(batch.kept), documents=len(batch.documents))
    report.problems += batch.problems + project.problems
    batch = replace(batch, documents=[_normalised(inc, config) for inc in batch.documents])
    registry = _Registry(config, project, record, report)
    registry.add_described(batch.terms)
    for inc in batch.documents:
        registry.add_referenced(inc)
    registry.name_new()
    docs = _Documents(config, batch, project, record, registry, report)
    plan = ImportPlan(config, batch, registry.files() + docs.files(), docs.remove, record, report)
    _decide(plan, docs.moves)
    _verify(config, project, plan, docs.origins | registry.origins, docs.wheres)
    report.problems = sort_diagnostics(report.problems)
    report.warnings = sort_diagnostics(report.warnings)
    return plan


def apply_import(plan: ImportPlan) -> Report:
    """Write what `plan_import` decided. The record is written first with each changed file's old hash
    kept as `was`, so an interrupted import leaves every file recognisably its own; then the files,
    each through a temporary file in its folder; then the record again, without `was`."""
    report, root = plan.report, plan.config.root
    changing = [f for f in plan.files if f.action in ("create", "update")]
    if not changing and not plan.remove and plan.record == read_record(plan.config):
        return report
    pending = json.loads(json.dumps(plan.record))
    old = read_record(plan.config)["files"]
    pending["files"] |= {_rel(root, p): old[_rel(root, p)] for p in plan.remove if _rel(root, p) in old}
    for f in changing:
        old = _sha_on_disk(f.path)
        if old:
            pending["files"][_rel(root, f.path)]["was"] = old
    _write_atomic(root / RECORD, _record_bytes(pending))
    for f in changing:
        data = f.data if f.data is not None else _read_copy(f)
        f.path.parent.mkdir(parents=True, exist_ok=True)
        _write_atomic(f.path, data)
    for path in plan.remove:
        path.unlink()
    if _record_bytes(plan.record) != (root / RECORD).read_bytes():
        _write_atomic(root / RECORD, _record_bytes(plan.record))
    report.written = True
    return report


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
    return {"version": 1, "files": {p: e for p, e in files.items() if isinstance(e, dict) and isinstance(e.get("sha256"), str)}}


def _record_bytes(record: dict[str, Any]) -> bytes:
    return (json.dumps(record, ensure_ascii=False, sort_keys=True, indent=1) + "\n").encode("utf-8")


def _ours(record: dict[str, Any], root: Path, path: Path) -> bool:
    """The import wrote `path` and nobody has changed it since (its bytes are as written, or as they
    were before an interrupted import got to it)."""
    entry = record["files"].get(_rel(root, path))
    if entry is None or path.is_symlink():
        return False
    return _sha_on_disk(path) in (entry["sha256"], entry.get("was"))


def _rel(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()


def _sha_on_disk(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() and not path.is_symlink() else ""
    except OSError:
        return ""


def _short(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:6]


def _write_atomic(path: Path, data: bytes) -> None:
    handle = tempfile.NamedTemporaryFile(dir=path.parent, prefix=".import-", suffix=".tmp", delete=False)
    try:
        with handle:
            handle.write(data)
        os.replace(handle.name, path)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise


def _read_copy(f: _File) -> bytes:
    data = f.copy.read_bytes()
    if hashlib.sha256(data).hexdigest() != f.sha:
        raise OSError(0, "changed while importing; nothing after it was written, run the import again", str(f.copy))
    return data


# -- the archive as it is ----------------------------------------------------------------------------

@dataclass
class _Project:
    documents: list[DocumentRecord]
    terms: list[TermRecord]
    problems: list[Diagnostic]

    @staticmethod
    def read(config: Config, memo: Memo, jobs: int) -> "_Project":
        """The archive's documents and registry, read as the build reads them. An error in a registry
        file stops the import (names could not be reconciled with it); others are `check`'s business."""
        found, problems, _, _ = read_sources(config, memo=memo)
        documents, terms, more = validate_sources(found, memo, jobs)
        registry = tuple(shown_path(config.content / t.folder) + os.sep for t in config.taxonomies)
        blocking = [d for d in problems + more if d.severity == ERROR and d.path.startswith(registry)]
        blocking = [Diagnostic(d.path, d.line, d.col, d.message, (d.hint + "; " if d.hint else "") +
                               "the import reconciles names with the registry, so fix this first") for d in blocking]
        return _Project(documents, terms, blocking)


# -- reconciling names with the registry -------------------------------------------------------------

@dataclass
class _Entry:
    """A registry entry the import writes: new, or one it wrote before and may enrich."""

    taxonomy: TaxonomyConfig
    ref: str  # what the lookup holds for it: its id, or "?<match key>" for a new one until it is named
    id: str
    names: dict[str, str]
    aliases: list[str]
    descriptions: dict[str, str]
    body: str
    origin: str
    base: TermRecord | None = None  # the entry as it is on disk, when the import wrote it before
    uses: Counter = field(default_factory=Counter)  # (language, name as written) -> documents


class _Registry:
    """Names matched to entries: by id, name or alias through `model.match_key`, as references are."""

    def __init__(self, config: Config, project: _Project, record: dict, report: Report):
        self.config, self.record, self.report = config, record, report
        self.taxonomies = {t.name: t for t in config.taxonomies}
        self.lookup: dict[str, dict[str, str]] = {t: {} for t in self.taxonomies}  # match key -> id or ref
        self.existing: dict[tuple[str, str], TermRecord] = {}
        self.entries: dict[tuple[str, str], _Entry] = {}  # (taxonomy, ref) -> entry the import writes
        self.origins: dict[str, str] = {}  # planned path as shown -> origin
        for term in project.terms:
            self.existing[(term.taxonomy, term.id)] = term
            for written in (term.id, *term.names.values(), *term.aliases):
                self.lookup[term.taxonomy].setdefault(match_key(written), term.id)

    def owners(self, taxonomy: str, texts) -> set[str]:
        table = self.lookup[taxonomy]
        return {table[k] for k in (match_key(t) for t in texts if t.strip()) if k in table}

    def add_described(self, described: list[IncomingTerm]) -> None:
        """Entries the source describes: matched to one entry (enriched if the import wrote it), or new."""
        for term in sorted(described, key=lambda t: (t.taxonomy, t.slug, sorted(t.names.items()), t.origin)):
            names = {lang: _words(n) for lang, n in term.names.items() if _words(n)}
            if term.taxonomy not in self.taxonomies:
                self.report.kept.append(Kept(term.origin, f"`{term.taxonomy}` is not a taxonomy of this archive: "
                                                          f"its entry {_first(names)!r} is left out"))
                continue
            if not names:
                self.report.kept.append(Kept(term.origin, f"a {term.taxonomy} entry without a name is left out"))
                continue
            owners = self.owners(term.taxonomy, [*names.values(), *term.aliases, term.slug])
            if len(owners) > 1:
                self.report.kept.append(Kept(term.origin, f"the {term.taxonomy} entry {_first(names)!r} is left out: "
                                                          f"its names belong to {', '.join(sorted(owners))}"))
                continue
            owner = owners.pop() if owners else ""
            if owner and (term.taxonomy, owner) not in self.entries and owner in {i for t, i in self.existing} and \
                    not _ours(self.record, self.config.root, Path(os.path.abspath(self.existing[(term.taxonomy, owner)].path))):
                self._left_alone(term, self.existing[(term.taxonomy, owner)], names)
                continue
            entry = self._entry(term.taxonomy, owner, names, term.origin, term.slug)
            for lang, name in names.items():
                entry.names.setdefault(lang, name)
            self._claim(entry, entry.names.values())
            others = [n for lang, n in names.items() if match_key(entry.names[lang]) != match_key(n)]
            for alias in filter(None, map(_words, [*others, *term.aliases])):  # a second name in a language: an alias
                if self.owners(term.taxonomy, [alias]) - {entry.ref}:
                    self.report.kept.append(Kept(term.origin, f"alias {alias!r} is left out: another entry has it"))
                elif match_key(alias) not in {match_key(n) for n in (*entry.names.values(), *entry.aliases)}:
                    entry.aliases.append(alias)
                    self._claim(entry, [alias])
            self._describe(entry, term)

    def _describe(self, entry: _Entry, term: IncomingTerm) -> None:
        text, language = term.description.strip(), term.language or self.config.language
        if text and language == self.config.language:
            entry.body = entry.body or text
        elif text:
            entry.descriptions.setdefault(language, _words(text))

    def _left_alone(self, term: IncomingTerm, base: TermRecord, names: dict[str, str]) -> None:
        """An entry the import did not write (or that was edited since) is never changed: what the source
        adds to it is reported, for the archivist to copy in."""
        known = {match_key(n) for n in (base.id, *base.names.values(), *base.aliases)}
        new = [n for n in dict.fromkeys([*names.values(), *map(_words, term.aliases)]) if n and match_key(n) not in known]
        described = term.description.strip() and not base.body.strip() and not base.descriptions
        if new or described:
            adds = " and ".join(filter(None, [", ".join(f"`{n}`" for n in new), "a description" if described else ""]))
            self.report.kept.append(Kept(term.origin, f"{base.path} is left as it is (the import did not write it, or "
                                                      f"it was edited since); the source adds {adds}"))

    def _entry(self, taxonomy: str, term_id: str, names: dict[str, str], origin: str, slug: str = "") -> _Entry:
        """The entry to write: one the import wrote before and may enrich (`term_id`), or a new one."""
        tax = self.taxonomies[taxonomy]
        if not term_id or term_id.startswith("?"):
            ref = term_id or "?" + match_key(_first(names))
            return self.entries.setdefault((taxonomy, ref), _Entry(tax, ref, suggest_id(slug), {}, [], {}, "", origin))
        if (taxonomy, term_id) in self.entries:
            return self.entries[(taxonomy, term_id)]
        base = self.existing[(taxonomy, term_id)]
        entry = _Entry(tax, term_id, term_id, dict(base.names), list(base.aliases), dict(base.descriptions),
                       base.body.strip(), origin, base)
        return self.entries.setdefault((taxonomy, term_id), entry)

    def _claim(self, entry: _Entry, texts) -> None:
        for written in texts:
            self.lookup[entry.taxonomy.name].setdefault(match_key(written), entry.ref)

    def add_referenced(self, inc: Incoming) -> None:
        """Every name a document gives: known, or a new entry (one per distinct name in the batch)."""
        language = str(inc.fields.get("language") or self.config.language)
        for taxonomy, names in inc.terms.items():
            if taxonomy not in self.taxonomies:
                continue  # kept under `extra` by the document (see _Documents)
            for name in filter(None, map(_words, names)):
                ref = self.lookup[taxonomy].get(match_key(name))
                if ref is None:
                    ref = "?" + match_key(name)
                    self.entries[(taxonomy, ref)] = _Entry(self.taxonomies[taxonomy], ref, "", {}, [], {}, "", inc.origin)
                    self.lookup[taxonomy][match_key(name)] = ref
                if (taxonomy, ref) in self.entries:
                    self.entries[(taxonomy, ref)].uses[(language, name)] += 1

    def name_new(self) -> None:
        """Ids and names for the new entries, in an order that does not depend on the source's: sorted
        by name; a name given only by documents is written under the language most of them are in."""
        taken = set(self.existing) | {k for k in self.entries if not k[1].startswith("?")}
        new = [e for k, e in sorted(self.entries.items()) if k[1].startswith("?")]
        named: dict[tuple[str, str], str] = {}
        for entry in new:
            if not entry.names:
                (language, name), _ = min(entry.uses.items(), key=lambda u: (-u[1], u[0][0] != self.config.language, u[0]))
                entry.names = {language: name}
            entry.id = self._new_id(entry, taken)
            taken.add((entry.taxonomy.name, entry.id))
            named[(entry.taxonomy.name, entry.ref)] = entry.id
            path = self.config.content / entry.taxonomy.folder / f"{entry.id}.md"
            self.report.new_terms.append(NewTerm(entry.taxonomy.name, entry.id, _first(entry.names, self.config.language),
                                                 shown_path(path)))
        for taxonomy, table in self.lookup.items():
            for key, ref in table.items():
                table[key] = named.get((taxonomy, ref), ref)
        self.entries = {(e.taxonomy.name, e.id): e for e in self.entries.values()}
        self._suggest(new)

    def _new_id(self, entry: _Entry, taken: set) -> str:
        tax = entry.taxonomy
        preferred = [entry.names[k] for k in (self.config.language, "en") if k in entry.names] + sorted(entry.names.values())
        base = entry.id or next((suggest_id(n)[:ID_WORDS].strip("-") for n in preferred if suggest_id(n)), "")
        base = base or suggest_id(tax.singular.get("en", tax.name)) or "term"
        for candidate in (base, f"{base}-{_short(entry.ref)}", f"{base}-{_short(entry.ref + '/2')}"):
            path = self.config.content / tax.folder / f"{candidate}.md"
            if (tax.name, candidate) not in taken and candidate not in WINDOWS_RESERVED and \
                    (not path.exists() or _ours(self.record, self.config.root, path)):
                return candidate
        return f"{base}-{hashlib.sha256(entry.ref.encode()).hexdigest()[:16]}"

    def _suggest(self, new: list[_Entry]) -> None:
        """A new name close to a known one, or to another new one, may be the same: said, never merged."""
        from rapidfuzz import fuzz, process  # here: only an import with new names needs it
        for tax in self.taxonomies.values():
            known = {w: term.id for (t, _), term in sorted(self.existing.items()) if t == tax.name
                     for w in (term.id, *term.names.values(), *term.aliases)}
            nearest = Nearest(known) if known else None
            fresh = [e for e in new if e.taxonomy is tax]
            folded = [_first(e.names, self.config.language).casefold() for e in fresh]
            for n, entry in enumerate(fresh):
                name = _first(entry.names, self.config.language)
                near = nearest.closest(name, NEAR) if nearest else ""
                if near:
                    self.report.suggestions.append(Suggestion(tax.name, name, near, known[near], entry.origin))
                    continue
                for _, score, m in process.extract(folded[n], folded, scorer=fuzz.ratio, limit=2, score_cutoff=NEAR * 100):
                    if m < n:  # each pair once
                        other = fresh[m]
                        self.report.suggestions.append(Suggestion(tax.name, name, _first(other.names, self.config.language),
                                                                  other.id, entry.origin))
                        break

    def ids(self, taxonomy: str, names: list[str]) -> list[tuple[str, str]]:
        """(name as written, entry id) for each name, each entry once."""
        out, seen = [], set()
        for name in filter(None, map(_words, names)):
            term_id = self.lookup[taxonomy].get(match_key(name))
            if term_id and term_id not in seen:
                seen.add(term_id)
                out.append((name, term_id))
        return out

    def files(self) -> list[_File]:
        out = []
        for (taxonomy, term_id), entry in sorted(self.entries.items()):
            path = self.config.content / entry.taxonomy.folder / f"{term_id}.md"
            data = _term_text(entry).encode("utf-8")
            self.origins[shown_path(path)] = entry.origin
            out.append(_File(path, data, None, hashlib.sha256(data).hexdigest(), entry.origin, f"{taxonomy}:{term_id}"))
        return out


def _words(text: Any) -> str:
    """Whitespace collapsed, as names are compared and written."""
    return " ".join(str(text).split())


def _first(names: dict[str, str], prefer: str = "en") -> str:
    """The name to show: in `prefer`, else in English, else the first by language."""
    for lang in (prefer, "en", *sorted(names)):
        if lang in names:
            return names[lang]
    return ""


# -- documents ---------------------------------------------------------------------------------------

class _Documents:
    """Each incoming document's id, path, text and attachments."""

    def __init__(self, config: Config, batch: Batch, project: _Project, record: dict, registry: _Registry, report: Report):
        self.config, self.batch, self.record, self.registry, self.report = config, batch, record, registry, report
        self.folder = config.content / "documents" / (suggest_id(batch.folder) or _folder_name(batch.source))
        self.remove: list[Path] = []
        self.moves: list[tuple[Path, Path]] = []
        self.origins: dict[str, str] = {}
        self.wheres: dict[str, dict[str, tuple[int, int]]] = {}  # planned path -> field -> where in the source
        self.recorded = {(e.get("source"), e.get("key")): Path(p) for p, e in record["files"].items()
                         if p.endswith(".md") and p.startswith(_rel(config.root, config.content / "documents") + "/")}
        self.taken = {r.id.casefold() for r in project.documents}
        self.ids = self._assign_ids()

    def _assign_ids(self) -> dict[str, str]:
        """key -> id: the id recorded for the key if any (titles may be corrected without renaming),
        else from the slug or date and title; a clash goes to the one whose key sorts first, the others
        get a suffix made from their key, so the source's order never renumbers anything."""
        ids: dict[str, str] = {}
        keys = Counter(inc.key for inc in self.batch.documents)
        for key in sorted(k for k, n in keys.items() if n > 1):
            self.report.problems.append(Diagnostic(*_located(next(i.origin for i in self.batch.documents if i.key == key)),
                                                   f"two documents have the key `{key}`", "give each its own id"))
        pending = []
        for inc in sorted(self.batch.documents, key=lambda i: (_base_id(i), i.key)):
            recorded = self.recorded.get((self.batch.source, inc.key))
            if recorded is not None and PORTABLE_ID.match(recorded.stem) and recorded.stem not in ids.values():
                ids[inc.key] = recorded.stem
            else:
                pending.append(inc)
        mine = set(ids.values())
        for inc in pending:
            base = _base_id(inc)
            for candidate in (base, f"{base}-{_short(inc.key)}", f"{base}-{_short(inc.key + '/2')}"):
                if candidate not in mine and candidate.casefold() not in self.taken and self._free(candidate):
                    break
            ids[inc.key] = candidate
            mine.add(candidate)
            if inc.slug and candidate != inc.slug:
                self.report.kept.append(Kept(inc.origin, f"slug `{inc.slug}` became the id `{candidate}`"))
        return ids

    def _free(self, doc_id: str) -> bool:
        """Neither the file nor the folder a document of this id would take holds anything not the import's."""
        for path in (self.folder / f"{doc_id}.md", self.folder / doc_id / f"{doc_id}.md"):
            if path.exists() and not _ours(self.record, self.config.root, path):
                return False
        folder = self.folder / doc_id
        return not folder.exists() or all(_ours(self.record, self.config.root, p) for p in folder.iterdir())

    def files(self) -> list[_File]:
        out = []
        for inc in self.batch.documents:
            doc_id = self.ids[inc.key]
            attachments = self._attachments(inc)
            path = self._path(inc, doc_id, bool(attachments))
            attachments = attachments if path.parent.name == doc_id else []
            data = self._text(inc, [name for name, _ in attachments]).encode("utf-8")
            self.origins[shown_path(path)] = inc.origin
            self.wheres[shown_path(path)] = inc.where
            out.append(_File(path, data, None, hashlib.sha256(data).hexdigest(), inc.origin, inc.key))
            for name, source in attachments:
                out.append(_File(path.parent / name, None, source, _sha_on_disk(source), inc.origin, inc.key))
        return out

    def _path(self, inc: Incoming, doc_id: str, attached: bool) -> Path:
        """`<folder>/<id>.md`, or `<folder>/<id>/<id>.md` when it has attachments (two documents' own
        `original.pdf` must not meet); a document the import wrote flat moves into its folder when it
        gets attachments, if unedited."""
        flat, own = self.folder / f"{doc_id}.md", self.folder / doc_id / f"{doc_id}.md"
        recorded = self.recorded.get((self.batch.source, inc.key))
        recorded = self.config.root / recorded if recorded is not None else None
        if recorded == own or not attached:
            return own if recorded == own else flat
        if recorded == flat and flat.exists():
            if _ours(self.record, self.config.root, flat):
                self.moves.append((flat, own))
                self.remove.append(flat)
            else:
                self.report.kept.append(Kept(inc.origin, f"its attachments are left out: {shown_path(flat)} was edited "
                                                         "by hand, and attachments need the document in its own folder"))
                inc.attachments = []
                return flat
        return own

    def _attachments(self, inc: Incoming) -> list[tuple[str, Path]]:
        """(name beside the document, file to copy) for each attachment found inside `Batch.files`."""
        out: list[tuple[str, Path]] = []
        root = Path(os.path.realpath(self.batch.files)) if self.batch.files else None
        for given in inc.attachments:
            where = _located(inc.origin, inc.where.get("attachments"))
            real = Path(os.path.realpath(root / given)) if root else None
            if root is None or not real.is_relative_to(root) or ".." in Path(given).parts:
                self.report.problems.append(Diagnostic(*where, f"attachment `{given}` is outside the folder of files given",
                                                       "name files relative to that folder (--files DIR), without `..`"))
                continue
            if not real.is_file():
                self.report.problems.append(Diagnostic(*where, f"attachment `{given}` is not a file in {shown_path(root)}",
                                                       "check the name, or leave it out"))
                continue
            name = _attachment_name(real.name, [n for n, _ in out])
            if name.rsplit(".", 1)[-1].lower() not in TYPES:
                self.report.kept.append(Kept(inc.origin, f"attachment `{given}` is left out: a type the archive "
                                                         "does not publish"))
            elif real.stat().st_size > self.config.limits.attachment_kb * 1024:
                self.report.problems.append(Diagnostic(*where, f"attachment `{given}` is over the limit of "
                                                       f"{self.config.limits.attachment_kb} KB", "set limits.attachment_kb "
                                                       "in sitegen.yaml, or import a smaller copy"))
            else:
                if name != real.name:
                    self.report.kept.append(Kept(inc.origin, f"attachment `{real.name}` is named `{name}`"))
                out.append((name, real))
        return out

    def _text(self, inc: Incoming, attachments: list[str]) -> str:
        """The document file: fields in the schema's order, the taxonomies after them, `extra` last."""
        known = document_fields(self.config)
        values = {k: v for k, v in inc.fields.items() if v not in (None, "", [], {})}
        extra = dict(values.pop("extra", None) or {})
        for name in [k for k in values if k not in known or k in ("slug", "attachments", "translation_of")]:
            value = values.pop(name)
            if name in ("slug", "attachments") or name == "translation_of" and inc.translation_of:
                continue
            if name == "translation_of":
                values["translation_of"] = value
            else:
                extra.setdefault(name, value)
                self.report.kept.append(Kept(inc.origin, f"`{name}` is kept under `extra` (not a field of this archive)"))
        if inc.translation_of in self.ids:
            values["translation_of"] = self.ids[inc.translation_of]
        elif inc.translation_of:
            self.report.problems.append(Diagnostic(*_located(inc.origin, inc.where.get("translation_of")),
                                                   f"it translates `{inc.translation_of}`, which is not in the source"))
        for tax in self.config.taxonomies:
            names = self.registry.ids(tax.name, inc.terms.get(tax.name, []))
            if names:
                values[tax.field] = [name for name, _ in names]
        for taxonomy, names in sorted(inc.terms.items()):
            if taxonomy not in self.registry.taxonomies and names:
                extra.setdefault(taxonomy, [str(n) for n in names])
                self.report.kept.append(Kept(inc.origin, f"`{taxonomy}` is kept under `extra` (not a taxonomy of this "
                                                         f"archive: add it under `taxonomies:` in sitegen.yaml to link them)"))
        if attachments:
            values["attachments"] = attachments
        if extra:
            values["extra"] = extra
        order = [k for k in known if k != "extra"] + ["extra"]
        lines = ["---"] + [line for k in order if k in values for line in _yaml(k, values[k])] + ["---"]
        body = inc.body.replace("\r\n", "\n").replace("\r", "\n").strip("\n")
        return "\n".join(lines) + "\n" + (body + "\n" if body else "")


def _normalised(inc: Incoming, config: Config) -> Incoming:
    """A copy whose taxonomy names are all in `terms` (a reader may have put them in `fields`)."""
    fields, terms = dict(inc.fields), {k: list(v) for k, v in inc.terms.items()}
    for tax in config.taxonomies:
        if tax.field in fields:
            value = fields.pop(tax.field)
            terms.setdefault(tax.name, []).extend([value] if isinstance(value, str) else list(value or []))
    return replace(inc, fields=fields, terms=terms)


def _base_id(inc: Incoming) -> str:
    """The id a document asks for: its slug made portable, else `<date>-<title words>`; not too long,
    not a name Windows reserves."""
    base = suggest_id(inc.slug)[:ID_WORDS + 20].strip("-")
    if not base:
        date = re.sub(r"[^0-9-]", "", str(inc.fields.get("date", "")))[:10].strip("-")
        words = suggest_id(str(inc.fields.get("title", "")))[:ID_WORDS].strip("-")
        language = suggest_id(str(inc.fields.get("language", "")))
        base = "-".join(p for p in (date, words or language or "document") if p)
    return base if base not in WINDOWS_RESERVED else base + "-document"


def _folder_name(source: str) -> str:
    """`csv holdings.csv` -> `holdings`: the source's last word without its extension."""
    last = source.split()[-1] if source.split() else ""
    return suggest_id(Path(last).stem if "." in Path(last).name else last) or "imported"


def _attachment_name(name: str, taken: list[str]) -> str:
    """A name `schema` accepts for an attachment, kept as it is when it can be, distinct in its folder."""
    stem, dot, ext = name.rpartition(".")
    if ATTACHMENT_NAME.match(name) and ".." not in name:
        candidate = name
    else:
        candidate = f"{suggest_id(stem) or 'file'}.{suggest_id(ext) or 'bin'}" if dot else f"{suggest_id(name) or 'file'}.bin"
    first, n = candidate, 2
    while candidate.casefold() in {t.casefold() for t in taken}:
        stem, _, ext = first.rpartition(".")
        candidate, n = f"{stem}-{n}.{ext}", n + 1
    return candidate


def _yaml(key: str, value: Any, indent: str = "") -> list[str]:
    """`key: value` as YAML lines that read back as the same value: text always quoted."""
    label = key if re.match(r"^[A-Za-z_][A-Za-z0-9_-]*$", key) and key.lower() not in _YAML_WORDS else _scalar(key)
    if isinstance(value, dict):
        return [f"{indent}{label}:"] + [line for k, v in value.items() for line in _yaml(str(k), v, indent + "  ")] \
            if value else [f"{indent}{label}: {{}}"]
    if isinstance(value, (list, tuple)):
        return [f"{indent}{label}:"] + [f"{indent}  - {_value(v)}" for v in value] if value else [f"{indent}{label}: []"]
    return [f"{indent}{label}: {_value(value)}"]


_YAML_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null"}


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)) or value is None:
        return json.dumps(value)
    if isinstance(value, (list, tuple, dict)):
        return json.dumps(value, ensure_ascii=False)
    return _scalar(str(value) if not hasattr(value, "isoformat") else value.isoformat())


def _term_text(entry: _Entry) -> str:
    base = entry.base
    values: dict[str, Any] = {"name": entry.names[""]} if "" in entry.names else {}
    if any(entry.names):
        values["names"] = {k: v for k, v in sorted(entry.names.items()) if k}
    if entry.aliases:
        values["aliases"] = entry.aliases
    if base is not None:
        values |= {k: getattr(base, k) for k in ("kind", "url", "wikidata", "extra") if getattr(base, k)}
    if entry.descriptions:
        values["description"] = dict(sorted(entry.descriptions.items()))
    lines = ["---"] + [line for k, v in values.items() for line in _yaml(k, v)] + ["---"]
    return "\n".join(lines) + "\n" + (entry.body.strip() + "\n" if entry.body.strip() else "")


# -- checking the planned files as `check` would -----------------------------------------------------

def _verify(config: Config, project: _Project, plan: ImportPlan, origins: dict[str, str],
            wheres: dict[str, dict[str, tuple[int, int]]]) -> None:
    """Validate every Markdown file the import writes, and the archive they make with the files that
    stay, as `check` would; each problem in an imported file is reported at the source row or line it
    came from."""
    report = plan.report
    gone = {shown_path(p) for p in plan.remove}
    documents = {r.path: r for r in project.documents if r.path not in gone}
    terms = {r.path: r for r in project.terms}
    mine: list[DocumentRecord] = []
    for f in plan.files:
        if f.data is None or f.action not in ("create", "update", "unchanged"):
            continue
        shown = shown_path(f.path)
        source, found = split_source(f.data, shown, config.limits)
        fields = {}
        if source is not None:
            fields = {source.meta.positions[(k,)][0]: k for k in source.meta.data if (k,) in source.meta.positions}
            found += check_body(source.body, shown, source.body_line, config.limits)
            tax = _taxonomy_of(config, f.path)
            if tax is None:
                record, more = validate_document(source, shown, f.path.stem, config=config)
                documents[shown] = record
                mine.append(record)
            else:
                record, more = validate_term(source, shown, f.path.stem, taxonomy=tax)
                if record is not None:
                    terms[shown] = record
            found += more
        report.problems += _at_origin(found, origins, report, fields, wheres.get(shown, {}))
    bodies = {path: _EMPTY for path in documents} | {p: Rendered("", t.body.strip(), ()) for p, t in terms.items()}
    _, found = build_site(config, list(documents.values()), list(terms.values()), bodies)
    report.problems += _at_origin(found, origins, report)
    _verify_links(config, mine, list(documents.values()), list(terms.values()), bodies, origins, report)


_EMPTY = Rendered("", "", ())


def _taxonomy_of(config: Config, path: Path) -> TaxonomyConfig | None:
    return next((t for t in config.taxonomies if path.parent == config.content / t.folder), None)


def _verify_links(config: Config, mine: list[DocumentRecord], documents: list[DocumentRecord], terms: list[TermRecord],
                  bodies: dict[str, Rendered], origins: dict[str, str], report: Report) -> None:
    """Links in the imported texts, resolved as the build does. Only texts that can hold a link are
    converted (a link needs `[` or `<`)."""
    linked = [r for r in mine if "[" in r.body or "<" in r.body]
    if not linked:
        return
    bodies = dict(bodies) | {r.path: render_markdown(r.body) for r in linked}
    index = link_index(documents, terms, bodies)
    _, uses, found = link_bodies(linked, [], bodies, config.links.broken, index)
    if uses:
        from sitegen.build import asset_paths  # here: only links to built pages need the plan
        from sitegen.pages import plan_site
        site, _ = build_site(config, documents, terms, bodies)
        found += check_targets(uses, plan_site(site)[0].paths | frozenset(asset_paths(config.assets)[0]))
    broken = [d for d in found if d.severity == ERROR]
    report.problems += _at_origin(broken, origins, report)
    report.warnings += [d for d in found if d.severity == WARNING]
    if broken:
        report.config_lines.append(f"{CONFIG_LINKS}   # {len(broken)} links in the imported texts lead nowhere in "
                                   "this archive: with this line `check` warns about them instead of failing")
    elif any(d.message.startswith("link") for d in found) and config.links.broken == WARNING:
        report.config_lines.append(f"(sitegen.yaml has `{CONFIG_LINKS}`: the links listed as warnings need mending)")


def _at_origin(found: list[Diagnostic], origins: dict[str, str], report: Report, fields: dict[int, str] | None = None,
               where: dict[str, tuple[int, int]] | None = None) -> list[Diagnostic]:
    """Errors in a planned file, named at the source that made it (with the file it would be); warnings
    go to the report as they are, and problems of other files (there before the import) are left out."""
    out = []
    for d in found:
        if d.path not in origins:
            continue
        if d.severity != ERROR:
            report.warnings.append(d)
            continue
        at = (where or {}).get((fields or {}).get(d.line, ""))
        out.append(Diagnostic(*_located(origins[d.path], at), f"{d.message} (in {d.path}:{d.line})", d.hint))
    return out


def _located(origin: str, where: tuple[int, int] | None = None) -> tuple[str, int, int]:
    """`holdings.csv:14` -> ("holdings.csv", 14, 1); `where` (line, col) wins when the reader knew it."""
    path, _, line = origin.rpartition(":")
    if not (path and line.isdigit()):
        path, line = origin, "1"
    if where:
        return path, where[0], where[1]
    return path, int(line), 1


# -- deciding each file ------------------------------------------------------------------------------

def _decide(plan: ImportPlan, moves: list[tuple[Path, Path]]) -> None:
    """Create, update, leave unchanged, or leave alone (edited by hand, or not the import's); and the
    record as it will be."""
    root, report, old = plan.config.root, plan.report, plan.record
    record = {"version": 1, "files": dict(old["files"])}
    for f in plan.files:
        rel, shown = _rel(root, f.path), shown_path(f.path)
        on_disk = _sha_on_disk(f.path)
        if f.path.is_symlink() or (f.path.exists() and not f.path.is_file()):
            f.action = "occupied"
        elif not on_disk and not f.path.exists():
            f.action = "create"
        elif on_disk == f.sha:
            f.action = "unchanged"
        elif _ours(old, root, f.path):
            f.action = "update"
        elif rel in old["files"]:
            f.action = "edited"
        else:
            f.action = "occupied"
        getattr(report, {"create": "created", "update": "updated"}.get(f.action, f.action)).append(shown)
        entry = {"sha256": f.sha, "source": plan.batch.source, "key": f.key}
        if f.action in ("create", "update") or f.action == "unchanged" and old["files"].get(rel, {}).get("sha256") != f.sha:
            record["files"][rel] = entry
    for was, now in moves:
        record["files"].pop(_rel(root, was), None)
        report.moved.append(f"{shown_path(was)} -> {shown_path(now)}")
    planned = {_rel(root, f.path) for f in plan.files} | {_rel(root, was) for was, _ in moves}
    report.gone = sorted(shown_path(root / p) for p, e in old["files"].items()
                         if e.get("source") == plan.batch.source and p not in planned and (root / p).exists()
                         and p.startswith(_rel(root, plan.config.content / "documents") + "/"))
    plan.record = {"version": 1, "files": dict(sorted(record["files"].items()))}
