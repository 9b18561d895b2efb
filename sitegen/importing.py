"""Bringing an existing collection in (`sitegen import`): planning the import against the archive, checking
it as `check` would, and writing it.

Each importer (`import_csv`, `import_site` for Hugo and Jekyll, `import_wordpress`) only *reads* its
source into a `Batch` of plain data (`importdata`, re-exported here), with a diagnostic naming the row
or line for anything it cannot read. Everything after that is shared: `plan_import` reconciles names
with the registry (`importnames`), makes each document's file (`importfiles`), decides for each file
whether to create, update or leave it (a file edited by hand since the import wrote it, or one it did
not write, is never overwritten), and validates every file it would write, and the archive they make,
as `check` would (fields, references, ids, links), reporting each problem at the source row or line;
any error, and nothing is written. `apply_import` then writes, atomically file by file, only inside the
content folder, and keeps the record of what it wrote (`RECORD`, meant to be committed): a second run
on an unchanged source writes nothing. Must not print; the CLI reports.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from sitegen.cache import NO_MEMO, Memo
from sitegen.config import Config
from sitegen.errors import ERROR, WARNING, Diagnostic, shown_path, sort_diagnostics
from sitegen.frontmatter import control_characters, split_source
from sitegen.importdata import (RECORD, Batch, Incoming, IncomingTerm, Kept, NewTerm, PlannedFile, Project, Report,
                                Suggestion, located, ours, read_record, record_bytes, rel, sha_on_disk)
from sitegen.importfiles import Documents, normalised
from sitegen.importnames import ID_WORDS, NEAR, Registry
from sitegen.inputs import render_bodies
from sitegen.links import check_targets, link_bodies, link_index
from sitegen.markup import Rendered, check_body
from sitegen.model import build_site
from sitegen import urls
from sitegen.schema import DocumentRecord, TermRecord, address_problem, validate_document, validate_term

__all__ = ["RECORD", "ID_WORDS", "NEAR", "Batch", "Incoming", "IncomingTerm", "Kept", "NewTerm", "Suggestion", "Report",
           "ImportPlan", "run_import", "plan_import", "apply_import", "read_record"]  # what importers and tests use
CONFIG_LINKS = "links: {broken: warning}"


@dataclass
class ImportPlan:
    config: Config
    batch: Batch
    files: list[PlannedFile]
    remove: list[Path]  # a document moved into its own folder: the old file (the import's, unedited)
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
    project = Project.read(config, memo, jobs)
    report = Report(batch.source, shown_path(config.root / RECORD), kept=list(batch.kept),
                    documents=len(batch.documents))
    report.problems += batch.problems + project.problems
    batch = replace(batch, documents=[_servable(normalised(inc, config), report) for inc in batch.documents])
    registry = Registry(config, project, record, report)
    registry.add_described(batch.terms)
    for inc in batch.documents:
        registry.add_referenced(inc)
    registry.name_new()
    docs = Documents(config, batch, project, record, registry, report)
    plan = ImportPlan(config, batch, registry.files() + docs.files(), docs.remove, record, report)
    report.problems += _outside(config, plan.files)
    _decide(plan, docs.moves)
    _verify(config, project, plan, docs.wheres, jobs)
    report.problems = sort_diagnostics(report.problems)
    report.warnings = sort_diagnostics(report.warnings)
    return plan


def _servable(inc: Incoming, report: Report) -> Incoming:
    """Without the old addresses no redirect page can have (ones `check` refuses, or in a folder sitegen
    fills itself), each reported: the readers find the addresses, and the rule for them is the build's."""
    kept = []
    for address in inc.fields.get("redirects") or ():
        problem = address_problem(address)
        folder = urls.redirect(address).split("/")[0] if not problem and "/" in urls.redirect(address) else ""
        if problem or folder in urls.OWN_FOLDERS:
            why = problem[0] if problem else f"is in {folder}/, which sitegen fills itself"
            report.kept.append(Kept(inc.origin, f"old address `{address}` not redirected: it {why}"))
        else:
            kept.append(address)
    if "redirects" not in inc.fields or len(kept) == len(inc.fields["redirects"]):
        return inc
    fields = {k: v for k, v in inc.fields.items() if k != "redirects"} | ({"redirects": kept} if kept else {})
    return replace(inc, fields=fields)


def apply_import(plan: ImportPlan) -> Report:
    """Write what `plan_import` decided. The record is written first with each changed file's old hash
    kept as `was`, so an interrupted import leaves every file recognisably its own; then the files,
    each through a temporary file in its folder; then the record again, without `was`."""
    report, root = plan.report, plan.config.root
    changing = [f for f in plan.files if f.action in ("create", "update")]
    before = read_record(plan.config)
    if not changing and not plan.remove and plan.record == before:
        return report
    pending = json.loads(json.dumps(plan.record))
    pending["files"] |= {rel(root, p): before["files"][rel(root, p)] for p in plan.remove
                         if rel(root, p) in before["files"]}
    for f in changing:
        old = sha_on_disk(f.path)
        if old:
            pending["files"][rel(root, f.path)]["was"] = old
    _write_atomic(root / RECORD, record_bytes(pending))
    for f in changing:
        data = f.data if f.data is not None else _read_copy(f)
        f.path.parent.mkdir(parents=True, exist_ok=True)
        _write_atomic(f.path, data)
    for path in plan.remove:
        path.unlink()
    _write_atomic(root / RECORD, record_bytes(plan.record))
    report.written = True
    return report


def _write_atomic(path: Path, data: bytes) -> None:
    """`data` at `path`, never half-written: a temporary file in the same folder, then renamed over it."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.import")
    try:
        with open(temporary, "wb") as handle:
            handle.write(data)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _read_copy(f: PlannedFile) -> bytes:
    data = f.copy.read_bytes()
    if hashlib.sha256(data).hexdigest() != f.sha:
        raise OSError(0, "changed while importing; run the import again", str(f.copy))
    return data


def _outside(config: Config, files: list[PlannedFile]) -> list[Diagnostic]:
    """A folder on the way to a planned file that is a link leading out of the content folder: nothing
    is written through it."""
    content, seen, problems = os.path.realpath(config.content), {}, []
    for f in files:
        folder = f.path.parent
        while str(folder) not in seen and not folder.exists() and folder not in (folder.parent, config.content):
            folder = folder.parent  # up to the content folder, which a new archive may not have made yet
        if str(folder) not in seen:
            real = os.path.realpath(folder)
            seen[str(folder)] = real == content or real.startswith(content + os.sep)
            if not seen[str(folder)]:
                problems.append(Diagnostic(*located(f.origin), f"{shown_path(folder)} leads outside the content "
                                           f"folder, to {real}; the import writes nothing through it",
                                           "replace the link with a folder"))
    return problems


# -- deciding each file ------------------------------------------------------------------------------

def _decide(plan: ImportPlan, moves: list[tuple[Path, Path]]) -> None:
    """Create, update, leave unchanged, or leave alone (edited by hand, or not the import's); and the
    record as it will be."""
    root, report, old = plan.config.root, plan.report, plan.record
    record = {"version": 1, "files": dict(old["files"])}
    for f in plan.files:
        path = rel(root, f.path)
        on_disk = sha_on_disk(f.path)
        if f.path.is_symlink() or (not on_disk and f.path.exists()):
            f.action = "occupied"
        elif not on_disk:
            f.action = "create"
        elif on_disk == f.sha:
            f.action = "unchanged"
        elif ours(old, root, f.path):
            f.action = "update"
        else:
            f.action = "edited" if path in old["files"] else "occupied"
        getattr(report, {"create": "created", "update": "updated"}.get(f.action, f.action)).append(f.shown)
        if (f.action in ("create", "update")
                or f.action == "unchanged" and old["files"].get(path, {}).get("sha256") != f.sha):
            record["files"][path] = {"sha256": f.sha, "source": plan.batch.source, "key": f.key}
    for was, now in moves:
        record["files"].pop(rel(root, was), None)
        report.moved.append(f"{shown_path(was)} -> {shown_path(now)}")
    planned = {rel(root, f.path) for f in plan.files} | {rel(root, was) for was, _ in moves}
    documents = rel(root, plan.config.content / "documents") + "/"
    report.gone = sorted(shown_path(root / p) for p, e in old["files"].items() if e.get("source") == plan.batch.source
                         and p not in planned and p.startswith(documents) and (root / p).exists())
    plan.record = {"version": 1, "files": dict(sorted(record["files"].items()))}


# -- checking the planned files as `check` would -----------------------------------------------------

def _verify(config: Config, project: Project, plan: ImportPlan, wheres: dict[str, dict[str, tuple[int, int]]],
            jobs: int = 1) -> None:
    """Validate every Markdown file the import writes, and the archive they make with the files that
    stay, as `check` would; each problem in an imported file is reported at the source row or line it
    came from (at the very cell, when the reader said where each field was)."""
    report = plan.report
    origins = {f.shown: f.origin for f in plan.files}
    gone = {shown_path(p) for p in plan.remove}
    documents = {r.path: r for r in project.documents if r.path not in gone}
    terms = {r.path: r for r in project.terms}
    mine: list[DocumentRecord] = []
    for f in plan.files:
        if f.data is None or f.action not in ("create", "update"):
            continue  # an unchanged file is the archive's already
        source, found = (f.source, _controls(f)) if f.source else split_source(f.data, f.shown, config.limits)
        fields = {}
        if source is not None:
            fields = {line: key[0] for key, (line, _) in source.meta.positions.items() if len(key) == 1}
            found += check_body(source.body, f.shown, source.body_line, config.limits)
            if f.taxonomy is None:
                record, more = validate_document(source, f.shown, f.path.stem, config=config)
                documents[f.shown] = record
                mine.append(record)
            else:
                record, more = validate_term(source, f.shown, f.path.stem, taxonomy=f.taxonomy)
                if record is not None:
                    terms[f.shown] = record
            found += more
        report.problems += _at_origin(found, origins, report, fields, wheres.get(f.shown, {}))
    bodies = {path: _EMPTY for path in documents} | {p: Rendered("", t.body.strip(), ()) for p, t in terms.items()}
    _, found = build_site(config, list(documents.values()), list(terms.values()), bodies)
    report.problems += _at_origin(found, origins, report)
    _verify_links(config, mine, list(documents.values()), list(terms.values()), bodies, origins, report, jobs)


def _controls(f: PlannedFile) -> list[Diagnostic]:
    """What the strict loader says of a control character in a value (escaped, it is still one), for
    the front matter the import checks without parsing it."""
    found = []
    for (key,), (line, _) in f.source.meta.positions.items():
        stack = [f.source.meta.data[key]]
        while stack:
            value = stack.pop()
            if isinstance(value, str):
                found += [replace(d, line=line, hint="remove it from the source")
                          for d in control_characters(value, f.shown, line, f"`{key}`: ")[:1]]
            elif isinstance(value, (list, dict)):
                stack += value.values() if isinstance(value, dict) else value
    return found


# What may be a link inside the archive, found before converting anything: an inline link or image,
# a reference definition, or (in a text with a tag) an HTML href/src, whose target is not a web or mail
# address. It can only find too much; most imported texts link out to the web alone, and converting
# them took most of an import's time.
_OUTER = r"(?!\s*<?(?i:https?://|mailto:))"
_INSIDE_MARKDOWN = re.compile(r"\]\(" + _OUTER + r"|^ {0,3}\[[^\]\n]+\]:" + _OUTER, re.M)
_INSIDE_HTML = re.compile(r"(?i:href|src)\s*=(?!\s*[\"']?(?i:https?://|mailto:))")


def may_link_inside(body: str) -> bool:
    return bool(_INSIDE_MARKDOWN.search(body) or "<" in body and _INSIDE_HTML.search(body))


_EMPTY = Rendered("", "", ())  # a body not converted: the model needs one for each document


def _verify_links(config: Config, mine: list[DocumentRecord], documents: list[DocumentRecord], terms: list[TermRecord],
                  bodies: dict[str, Rendered], origins: dict[str, str], report: Report, jobs: int = 1) -> None:
    """Links in the imported texts, resolved as the build does. Only texts that can hold a link inside
    the archive are converted (`may_link_inside`), on `jobs` processes as a build converts them. A link that
    leads nowhere is an error unless sitegen.yaml says `links: {broken: warning}`; the import does not change
    sitegen.yaml, it says which line to add."""
    linked = [r for r in mine if may_link_inside(r.body)]
    if not linked:
        return
    bodies = dict(bodies) | render_bodies(linked, [], jobs)
    index = link_index(documents, terms, bodies)
    _, uses, found = link_bodies(linked, [], bodies, config.links.broken, index)
    if uses:
        from sitegen.inputs import asset_paths  # here: only links to built pages need the plan
        from sitegen.pages import plan_site
        site, _ = build_site(config, documents, terms, bodies)
        assets = asset_paths(config.asset_folders)[0]
        found += check_targets(uses, plan_site(site, assets)[0].paths | frozenset(assets))
    broken = [d for d in found if d.severity == ERROR]
    report.problems += _at_origin(broken, origins, report)
    report.warnings += [d for d in found if d.severity == WARNING and d.path in origins]
    if broken:
        report.config_lines.append(f"{CONFIG_LINKS}   # {len(broken)} links in the imported texts lead nowhere in "
                                   "this archive: with this line `check` warns about them instead of failing")


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
        out.append(Diagnostic(*located(origins[d.path], at), f"{d.message} (in {d.path}:{d.line})", d.hint))
    return out
