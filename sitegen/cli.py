"""Command line: argument parsing, printing and exit codes — the only module that prints.

Exit codes: 0 success, 1 content errors (every diagnostic printed, sorted, no traceback), 2 usage,
an unsafe/unwritable output folder or another problem of the disk or environment, 130 interrupted
(Ctrl-C), 70 a bug in sitegen (one line; SITEGEN_TRACEBACK=1 shows the traceback).
"""

from __future__ import annotations

import argparse
import datetime
import errno
import importlib
import json
import os
import re
import shlex
import sys
import threading
import time
from pathlib import Path
from typing import NamedTuple

from sitegen import __version__
from sitegen.build import build, protected_folders
from sitegen.cache import FOLDER, open_cache, remove_cache
from sitegen.config import load_config
from sitegen.errors import NOTE, BuildFailed, Diagnostic, shown_path, sort_diagnostics
from sitegen.output import UnsafeOutput, remove_output
from sitegen.pack import MANIFEST, README, pack
from sitegen.scaffold import (ScaffoldError, create, create_all, existing, find_taxonomy, init_files, new_document,
                              new_term)
from sitegen.trust import audit_templates
from sitegen.workers import FORK_SAFE

FORMATS = ("text", "github", "json")
DRAFTS_HELP = "also build documents not published today (drafts, embargoed, expired, future-dated), each marked so"


class Importer(NamedTuple):
    """One row of `sitegen import`: the module and function that read the source into a `Batch`
    (called as `reader(source: Path, config: Config, **options)`), what SOURCE is, and the reader's own
    options as (flags, argparse keywords); each option's `dest` is the keyword the reader takes."""

    module: str
    reader: str
    source: str
    options: tuple[tuple[tuple[str, ...], dict], ...] = ()


SITE_OPTIONS = (  # Hugo's and Jekyll's: the same taxonomies and the same question of who published
    (("--taxonomy",), {"action": "append", "metavar": "NAME=TARGET",
                       "help": "put the site's taxonomy NAME into the archive's TARGET, e.g. categories=topics; "
                               "NAME= leaves it out (default: tags, categories -> topics; authors, author -> actors; "
                               "any other into the archive's taxonomy of the same name, else under extra)"}),
    (("--publisher",), {"metavar": "NAME",
                        "help": "the `source` written on every document (default: the site's title)"}),
)
IMPORTERS = {
    "csv": Importer("sitegen.import_csv", "read_csv", "a CSV or TSV file, one row per document", (
        (("--map",), {"metavar": "MAP.yaml", "help": "columns -> fields (default: guessed from the headers; "
                                                      "--dry-run shows the map to save and edit)"}),
        (("--encoding",), {"help": "utf-8, utf-16, cp1256 (Arabic Excel), cp1252 (English Excel), ... "
                                   "(default: detected)"}),
        (("--separator",), {"default": ";", "help": "between the values of a multi-valued cell (default: ;)"}),
        (("--files",), {"metavar": "DIR", "help": "the folder attachments are named relative to "
                                                   "(default: the CSV file's folder)"}),
    )),
    "wordpress": Importer("sitegen.import_wordpress", "read", "a WordPress export (WXR, from Tools > Export)", (
        (("--media",), {"metavar": "DIR", "help": "the old site's wp-content/uploads folder: the files posts "
                                                   "use are copied beside them (default: linked where they were)"}),
        (("--language",), {"metavar": "TAG", "help": "the language of posts that do not give one (default: the "
                                                     "export's <language>)"}),
        (("--taxonomy",), {"action": "append", "metavar": "DOMAIN=NAME", "help": "where a WordPress taxonomy's "
                           "terms go, once per taxonomy (default: category=topics, post_tag=topics, author=actors; "
                           "DOMAIN= leaves them out)"}),
    )),
    "hugo": Importer("sitegen.import_hugo", "read_hugo", "a Hugo site's folder (the one with its config and content/)",
                     SITE_OPTIONS),
    "jekyll": Importer("sitegen.import_jekyll", "read_jekyll",
                       "a Jekyll site's folder (the one with _config.yml and _posts/)", SITE_OPTIONS),
}
LISTED = 20  # lines of each list the import report prints before "... and N more"


def main(argv: list[str] | None = None) -> int:
    """Run one command. Whatever happens, the user reads one line, never a traceback: Ctrl-C exits 130
    (the output folder is only ever replaced whole, so it is unchanged), a problem with the disk or
    the environment (read-only, full, a name too long) exits 2 naming the file, and a bug in sitegen
    exits 70 naming the exception (SITEGEN_TRACEBACK=1 prints the traceback for a bug report)."""
    args = _parser().parse_args(argv)
    if not getattr(args, "command", None):
        _parser().print_help()
        return 2
    try:
        return args.handler(args)
    except KeyboardInterrupt:
        out = getattr(args, "out", None) or getattr(args, "output_shown", "") or "build"
        what = f"; {out.rstrip('/')}/ unchanged" if args.command == "build" else ""
        print(f"\ninterrupted{what}", file=sys.stderr)
        return 130
    except OSError as exc:
        print(f"sitegen: {_os_problem(exc)}", file=sys.stderr)
        return 2
    except Exception as exc:  # noqa: BLE001 - a bug: one line, the traceback only on request
        if os.environ.get("SITEGEN_TRACEBACK"):
            raise
        print(f"sitegen: internal error: {type(exc).__name__}: {str(exc)[:300]} (a bug in sitegen; "
              "run again with SITEGEN_TRACEBACK=1 and report what it prints)", file=sys.stderr)
        return 70


def _os_problem(exc: OSError) -> str:
    """`path: reason (what to do)` for an error from the disk or the system."""
    hints = {errno.ENOSPC: "free some space and build again", errno.EDQUOT: "free some space and build again",
             errno.EROFS: "choose a writable output folder with --out", errno.EACCES: "check the folder's permissions",
             errno.EPERM: "check the folder's permissions", errno.ENAMETOOLONG: "shorten the file or folder name"}
    where = f"{shown_path(Path(os.fsdecode(exc.filename)))}: " if exc.filename else ""
    hint = hints.get(exc.errno, "")
    return f"{where}{exc.strerror or exc}" + (f" ({hint})" if hint else "")


def _folder(value: str) -> str:
    """A folder named on the command line (`--out`): blank (empty, or only spaces) names none, and is
    refused as `paths.output` is, rather than taken for the default or made as a folder of spaces."""
    if not value.strip():
        raise argparse.ArgumentTypeError("is blank (name a folder, or omit --out for the default)")
    return value


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sitegen", description="Build a static documentary archive.")
    parser.add_argument("--version", action="version", version=f"sitegen {__version__}")
    sub = parser.add_subparsers(dest="command")

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("--config", default="sitegen.yaml", help="site config file (default: sitegen.yaml)")
        p.add_argument("--strict", action="store_true", help="treat warnings as errors")

    p = sub.add_parser("pack", help="build the site into one zip for reading offline (<name>-<date>.zip)")
    common(p)
    p.add_argument("--out", type=_folder, help="folder for the zip (default: the config file's folder)")
    p.add_argument("--name", default="", help="name of the zip (default: the site title as an id)")
    p.add_argument("--jobs", type=int, default=0, help="worker processes (default: number of CPUs)")
    p.set_defaults(handler=cmd_pack)

    p = sub.add_parser("build", help="build the site into the output folder")
    common(p)
    p.add_argument("--out", type=_folder, help="output folder (default: paths.output in the config)")
    p.add_argument("--no-cache", action="store_true", help=f"build from nothing, without reading or writing {FOLDER}/")
    p.add_argument("--jobs", type=int, default=0, help="worker processes (default: number of CPUs)")
    p.add_argument("--drafts", action="store_true", help=DRAFTS_HELP)
    p.set_defaults(handler=cmd_build)

    p = sub.add_parser("check", help="validate the content without writing anything")
    common(p)
    p.add_argument("--format", choices=FORMATS, default="text", help="how to print problems")
    p.add_argument("--no-cache", action="store_true", help=f"check from nothing, without reading or writing {FOLDER}/")
    p.set_defaults(handler=cmd_check)

    p = sub.add_parser("clean", help=f"remove the build cache ({FOLDER}/) and the output folder sitegen made")
    p.add_argument("--config", default="sitegen.yaml", help="site config file (default: sitegen.yaml)")
    p.add_argument("--out", type=_folder, help="output folder (default: paths.output in the config)")
    p.set_defaults(handler=cmd_clean)

    p = sub.add_parser("serve", help="serve the site on localhost, rebuilding and reloading on every change")
    p.add_argument("--config", default="sitegen.yaml", help="site config file (default: sitegen.yaml)")
    p.add_argument("--port", type=int, default=8000, help="port on 127.0.0.1 (default: 8000)")
    p.add_argument("--jobs", type=int, default=1, help="worker processes for rebuilds (default: 1)")
    p.add_argument("--drafts", action="store_true", help=DRAFTS_HELP)
    p.set_defaults(handler=cmd_serve)

    p = sub.add_parser("init", help="start a new archive that builds at once (never overwrites a file)")
    p.add_argument("folder", nargs="?", default=".", metavar="DIR", help="where (default: this folder)")
    p.add_argument("--languages", default="en", help="editions, the first at the root (default: en; e.g. en,ar)")
    p.add_argument("--title", default="", help="the site's title (default: Documentary archive)")
    p.set_defaults(handler=cmd_init)

    p = sub.add_parser("new", help="create a document or registry entry from a commented template",
                       description='sitegen new "Title" [--language ar] [--source S] [--date D] | '
                                   "sitegen new actor NAME | sitegen new topic NAME")
    p.add_argument("words", nargs="+", metavar="TITLE | actor NAME | topic NAME")
    p.add_argument("--config", default="sitegen.yaml", help="site config file (default: sitegen.yaml)")
    p.add_argument("--language", default="", help="language of the text or name (default: the site's)")
    p.add_argument("--source", default="", help="the outlet or publisher (documents)")
    p.add_argument("--date", default="", help="publication date, YYYY-MM-DD, YYYY-MM or YYYY (default: today)")
    p.add_argument("--translation-of", default="", metavar="ID", help="id of the document this one translates")
    p.add_argument("--kind", default="", help="person, state, organisation, ... (actors)")
    p.add_argument("--id", dest="file_id", default="",
                   help="file name without .md (needed when the title has no Latin letters)")
    p.set_defaults(handler=cmd_new)

    p = sub.add_parser("import", help="bring an existing collection in: " + ", ".join(IMPORTERS),
                       description="Read a collection into content/: documents, and registry entries for the "
                                   "names they use. Run it again after the source changes: only what changed "
                                   "is rewritten, and a file edited by hand is left as it is.")
    formats = p.add_subparsers(dest="format", metavar="FORMAT", required=True)
    for name, importer in IMPORTERS.items():
        q = formats.add_parser(name, help=importer.source)
        q.add_argument("source", metavar="SOURCE", help=importer.source)
        q.add_argument("--config", default="sitegen.yaml", help="site config file (default: sitegen.yaml)")
        q.add_argument("--dry-run", action="store_true", help="report what would be written; write nothing")
        for flags, options in importer.options:
            q.add_argument(*flags, **options)
        q.set_defaults(handler=cmd_import, importer=importer)
    return parser


def cmd_pack(args) -> int:
    try:
        config = load_config(args.config)
        packed = pack(config, out=Path(args.out) if args.out else None, name=args.name, jobs=args.jobs or _cpus(),
                      strict=args.strict)
    except BuildFailed as failed:
        _print_diagnostics(failed.diagnostics, "text")
        _summary_failed(failed.diagnostics, args.strict)
        return 1
    print(f"packed {packed.files} files, {MANIFEST} and {README} into {shown_path(packed.path)} "
          f"({packed.size / 1024:.0f} KB): unzip it and open index.html")
    return 0


def cmd_build(args) -> int:
    started = time.perf_counter()
    memo = None
    try:
        config = load_config(args.config)
        args.output_shown = shown_path(config.output)
        jobs = args.jobs or _cpus()
        memo = open_cache(config.root, enabled=not args.no_cache)
        with StatusLine(sys.stderr) as status:
            result = build(config, out=Path(args.out) if args.out else None, jobs=jobs, strict=args.strict,
                           progress=status.update, memo=memo, drafts=args.drafts)
    except BuildFailed as failed:
        _print_notices(memo)
        _print_diagnostics(failed.diagnostics, "text")
        _summary_failed(failed.diagnostics, args.strict)
        return 1
    except UnsafeOutput as exc:
        print(f"sitegen: {exc}", file=sys.stderr)
        return 2
    finally:
        if memo is not None:
            memo.close()
    _print_notices(memo)
    _print_diagnostics(result.warnings, "text")
    stats = result.stats
    terms = ", ".join(f"{n} {name}" for name, n in result.counts.items() if name != "documents")
    out = Path(args.out) if args.out else config.output
    if stats.restored:
        print(f"note: {out} was restored from an interrupted build first", file=sys.stderr)
    print(f"built {result.counts['documents']} documents, {terms}: {result.pages} pages, "
          f"{stats.files} files ({stats.changed} changed, {stats.removed} removed) in {out} "
          f"in {time.perf_counter() - started:.2f} s")
    if result.unwritten:
        print(f"not written: {', '.join(result.unwritten)} "
              f"(they need absolute addresses: set base_url in {args.config})")
    for note in result.folders:
        print(f"note: {note}")
    if result.search and result.search.raw_bytes:
        s = result.search
        print(f"search index: {s.raw_bytes / 1024:.0f} KB in {s.files} files, {s.shards} term chunks")
    return 0


def cmd_check(args) -> int:
    memo = None
    try:
        config = load_config(args.config)
        memo = open_cache(config.root, enabled=not args.no_cache)
        result = build(config, strict=args.strict, until="check", jobs=_cpus(), memo=memo)
        result.warnings = sort_diagnostics(result.warnings + audit_templates(config.template_folders))
        if args.strict and result.warnings:
            raise BuildFailed(result.warnings)
    except BuildFailed as failed:
        _print_diagnostics(failed.diagnostics, args.format)
        if args.format == "text":
            _summary_failed(failed.diagnostics, args.strict)
        return 1
    finally:
        if memo is not None:
            memo.close()
    _print_diagnostics(sort_diagnostics(result.held + result.warnings), args.format)
    if args.format == "text":
        held = f", {len(result.held)} not published today" if result.held else ""
        print(f"ok: {result.counts['documents']} documents, {len(result.warnings)} warnings{held}")
    return 0


def cmd_clean(args) -> int:
    """Remove the cache and the output folder, the latter only if sitegen made it (its marker)."""
    try:
        config = load_config(args.config)
    except BuildFailed as failed:
        _print_diagnostics(failed.diagnostics, "text")
        return 1
    out = Path(args.out) if args.out else config.output
    try:
        removed = remove_output(out, protected_folders(config))
    except UnsafeOutput as exc:
        print(f"sitegen clean: {exc}", file=sys.stderr)
        return 2
    cache = remove_cache(config.root)
    gone = [shown_path(p) for p, was in ((out, removed), (config.root / FOLDER, cache)) if was]
    print(f"removed {' and '.join(gone)}" if gone else "nothing to remove")
    return 0


def cmd_serve(args) -> int:
    config = Path(args.config)
    if not config.is_file():
        print(f"sitegen serve: no config file at {config} (run it in the archive's folder, or give --config)",
              file=sys.stderr)
        return 2
    from sitegen.serve import serve  # here: its HTTP server and file watcher are for this command only
    try:
        serve(config, args.port, args.jobs, log=lambda line: print(line, flush=True), drafts=args.drafts)
    except OSError as exc:
        print(f"sitegen serve: cannot listen on 127.0.0.1:{args.port}: {exc.strerror} (try --port {args.port + 1})",
              file=sys.stderr)
        return 2
    return 0


def cmd_init(args) -> int:
    folder = Path(args.folder)
    try:
        files = init_files(folder, tuple(code.strip() for code in args.languages.split(",") if code.strip()),
                           args.title, __version__)
    except ScaffoldError as exc:
        print(f"sitegen init: {exc}", file=sys.stderr)
        return 2
    clashes = existing(files)
    if not clashes:
        try:
            create_all(files)
        except FileExistsError as exc:  # appeared since: create_all removed what it wrote
            clashes = [Path(exc.filename)]
    if clashes:
        for path in clashes:
            print(f"{shown_path(path)}: already exists; sitegen init wrote nothing "
                  "(move it away, or init another folder)", file=sys.stderr)
        return 1
    for new in files:
        print(f"created {shown_path(new.path)}")
    where = "" if folder == Path(".") else f"cd {shlex.quote(str(folder))} && "
    print(f"next: {where}sitegen build, then open build/index.html (sitegen serve shows it as you edit)")
    return 0


def cmd_new(args) -> int:
    try:
        config = load_config(args.config)
        taxonomy = find_taxonomy(config, args.words[0]) if len(args.words) > 1 else None
        if taxonomy is not None:
            new = new_term(config, taxonomy, " ".join(args.words[1:]), language=args.language, kind=args.kind,
                           file_id=args.file_id)
        else:
            words = args.words[1:] if args.words[0] == "document" and len(args.words) > 1 else args.words
            new = new_document(config, " ".join(words), today=datetime.date.today().isoformat(),
                               language=args.language, source=args.source, date=args.date, file_id=args.file_id,
                               translation_of=args.translation_of)
        create(new)
    except BuildFailed as failed:
        _print_diagnostics(failed.diagnostics, "text")
        return 1
    except ScaffoldError as exc:
        print(f"sitegen new: {exc}", file=sys.stderr)
        return 2
    except FileExistsError as exc:
        print(f"sitegen new: {shown_path(Path(exc.filename))} already exists; not overwriting it "
              "(edit it, or choose another name with --id)", file=sys.stderr)
        return 2
    print(f"created {shown_path(new.path)}")
    for note in new.notes:
        print(f"note: {note}")
    print("next: fill it in, then run `sitegen check` (and `sitegen serve` to see it)")
    return 0


def cmd_import(args) -> int:
    """Read the source with the format's reader, then plan and (unless --dry-run) write the import."""
    from sitegen.importing import run_import  # here: the other commands never need it
    importer: Importer = args.importer
    try:
        config = load_config(args.config)
    except BuildFailed as failed:
        _print_diagnostics(failed.diagnostics, "text")
        return 1
    reader = getattr(importlib.import_module(importer.module), importer.reader)
    options = {dest: getattr(args, dest) for dest in (q.lstrip("-").replace("-", "_") for flags, _ in importer.options
                                                       for q in flags[:1])}
    batch = reader(Path(args.source), config, **options)
    report = run_import(batch, config, dry_run=args.dry_run, jobs=_cpus())  # no build cache: a re-run writes nothing
    if report.failed:
        _print_diagnostics(report.problems, "text")
        for line in report.config_lines:
            print(f"add to {args.config}: {line}", file=sys.stderr)
        errors = sum(1 for d in report.problems if d.severity == "error")
        print(f"import failed: {errors} error{'s' * (errors != 1)} in {args.source}; nothing written", file=sys.stderr)
        if args.dry_run and batch.settings:
            print(f"settings used (save them as a file, edit and pass it back):\n{batch.settings.rstrip()}")
        return 1
    _print_import(report, batch.settings if args.dry_run else "", args.config)
    return 0


def _print_import(report, settings: str, config: str) -> None:
    """The report: counts first, then each list (long ones cut), the lines to act on last."""
    done = "would be " if not report.written and report.created + report.updated + report.moved else ""
    print(f"import {report.source}: {report.documents} document{'s' * (report.documents != 1)} read; "
          f"{len(report.created)} files {done}created, "
          f"{len(report.updated)} {done}updated, {len(report.unchanged)} unchanged"
          + (" (dry run: nothing written)" if done and not report.written else ""))
    lists = [("created", report.created), ("updated", report.updated), ("moved into their own folder", report.moved),
             ("edited by hand since the import wrote them, left as they are", report.edited),
             ("not written by the import, left as they are", report.occupied),
             ("no longer in the source, left in place (delete them if they should go)", report.gone),
             ("new registry entries", [f"{t.path}  {t.name}" for t in report.new_terms]),
             ("near matches, not merged (if one is the same, add the new name to the entry's aliases and import "
              "again)", [f"{s.origin}: {s.taxonomy} `{s.name}` is new; `{s.near}` ({s.near_id}) is close"
                         for s in report.suggestions]),
             ("kept another way or left out", _grouped(report.kept))]
    for title, items in lists:
        if items:
            print(f"{title} ({len(items)}):")
            for item in items[:LISTED]:
                print(f"  {item}")
            if len(items) > LISTED:
                print(f"  ... and {len(items) - LISTED} more")
    kinds: dict[str, list[Diagnostic]] = {}
    for d in report.warnings:  # "document has no `summary`" once with its count, not once a document
        kinds.setdefault(re.sub(r"`[^`]*`", "`…`", d.message) if d.message.startswith("`") else d.message, []).append(d)
    for found in kinds.values():
        more = f" (and {len(found) - 1} more like it: `sitegen check` lists them)" if len(found) > 1 else ""
        print(found[0].format() + more, file=sys.stderr)
    for line in report.config_lines:
        print(f"note: {line}")
    if settings:
        print(f"settings used (save them as a file, edit and pass it back):\n{settings.rstrip()}")
    if report.written:
        print(f"record of what was written: {report.record} (commit it with the content; the next import reads it)")


def _grouped(kept) -> list[str]:
    """One line per kind of thing kept, with where it happened: a column under `extra` is one line,
    not one per row."""
    where: dict[str, list[str]] = {}
    for k in kept:
        where.setdefault(k.what, []).append(k.origin)
    return [f"{', '.join(o[:3])}{f' and {len(o) - 3} more' if len(o) > 3 else ''}: {what}" for what, o in where.items()]


def _print_diagnostics(diagnostics: list[Diagnostic], fmt: str) -> None:
    if fmt == "json":
        print(json.dumps([{"path": d.path, "line": d.line, "col": d.col, "severity": d.severity,
                           "message": d.message, "hint": d.hint} for d in diagnostics], ensure_ascii=False, indent=1))
        return
    for d in diagnostics:
        if fmt == "github":
            text = _github_escape(d.message + (f" ({d.hint})" if d.hint else ""))
            path = _github_escape(d.path).replace(":", "%3A").replace(",", "%2C")
            print(f"::{'notice' if d.severity == NOTE else d.severity} file={path},line={d.line},col={d.col}::{text}")
        else:
            print(d.format(), file=sys.stderr)


def _github_escape(text: str) -> str:
    """Workflow-command escaping, as in GitHub's actions/toolkit (`escapeData`)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _summary_failed(diagnostics: list[Diagnostic], strict: bool) -> None:
    errors = sum(1 for d in diagnostics if d.severity == "error")
    warnings = len(diagnostics) - errors
    counted = f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"
    print(f"build failed: {counted}" + (" (--strict: warnings count as errors)" if strict and warnings else ""),
          file=sys.stderr)


def _print_notices(memo) -> None:
    for notice in memo.notices if memo is not None else []:
        print(f"note: {notice}", file=sys.stderr)


def _cpus() -> int:
    return os.cpu_count() or 1


class StatusLine:
    """Progress on a terminal: one line rewritten in place, shown only once a build has taken DELAY
    seconds, ticking while a long stage (the search index) has no counts, erased at the end. Off when
    the stream is not a terminal, in CI, or on a dumb terminal, so logs stay line-oriented."""

    DELAY = 1.0
    LABELS = {"read": "reading sources", "originals": "reading the originals' text, pages",
              "markdown": "converting Markdown", "model": "resolving references and links",
              "pages": "rendering pages", "search": "building the search index", "write": "writing files",
              "cache": "updating the build cache"}

    def __init__(self, stream, *, enabled: bool | None = None):
        self.stream, self.text, self.shown = stream, "", False
        self.enabled = enabled if enabled is not None else (
            stream.isatty() and not os.environ.get("CI") and os.environ.get("TERM") != "dumb")
        self.started = time.perf_counter()
        self._lock, self._stop = threading.Lock(), threading.Event()
        self._ticker = threading.Thread(target=self._tick, name=f"{FORK_SAFE}status line", daemon=True)  # draws only

    def __enter__(self) -> "StatusLine":
        if self.enabled:
            self._ticker.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self._ticker.is_alive():
            self._ticker.join()
        if self.shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()

    def update(self, stage: str, done: int, total: int) -> None:
        label = self.LABELS.get(stage, stage)
        self.text = f"{label} {done}/{total}" if total else label
        self._draw()

    def _tick(self) -> None:
        while not self._stop.wait(0.25):
            self._draw()

    def _draw(self) -> None:
        elapsed = time.perf_counter() - self.started
        if not self.enabled or elapsed < self.DELAY:
            return
        with self._lock:
            self.stream.write(f"\r\x1b[K{self.text} · {elapsed:.0f} s")
            self.stream.flush()
            self.shown = True
