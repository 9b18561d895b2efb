"""The pipeline, and nothing else: read → validate → render bodies → links → model → plan → render →
search → write. `build` below reads as the whole of it; each stage lives in its own module, and every
expensive pure step goes through the memo (`sitegen.cache`), so an edit redoes only what depends on it.
Two shortcuts come first: nothing changed (return), and only some documents' bodies changed
(`incremental.rebuild_bodies`, which redoes just those).
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Literal, Sequence

from sitegen import search, sources, urls
from sitegen.attachments import attachments_key, read_attachments
from sitegen.cache import NO_MEMO, Memo, digest
from sitegen.config import Config
from sitegen.errors import NOTE, WARNING, BuildFailed, Diagnostic, errors_only, sort_diagnostics
from sitegen.incremental import LastBuild, Remembered, checking_output, rebuild_bodies, record_files, remember, stage_files
from sitegen.incremental import recall, unreached, write_file, write_pages
from sitegen.incremental import key as output_key
from sitegen.links import check_targets, link_bodies, link_index
from sitegen.model import Site, build_site
from sitegen.originals import engine_name, read_originals
from sitegen.output import Manifest, Output, WriteStats
from sitegen.exports import data_files
from sitegen.inputs import footer_uses, read_sources, render_about, render_bodies, theme_files, validate_sources
from sitegen.feeds import unwritten
from sitegen.pages import plan_site
from sitegen.retemplate import rebuild_templates
from sitegen.schedule import Hold, holds, next_change, today
from sitegen.schema import taxonomy_problems
from sitegen.render import COMPILED, Job, compile_templates, render_plan, template_keys, use_templates
from sitegen.workers import collector_paused, trim_heap

SEARCH_JOBS = 1  # measured at 10,000 documents: 6.4 s in one process, 8.9 s over two (the term counts
#                 cost more to send back from the workers than the analysis saves)
BESIDE = 30_000  # documents: up to this many, work runs beside other work: the search beside the page
#                 workers (`_Beside`), the cache's writing beside the model stage (a forked process);
#                 beyond, after it, so that it does not add to the peak memory (4 GB at 100,000)
Progress = Callable[[str, int, int], None]  # (stage, items done, items in the stage or 0)
Until = Literal["check", "render", "write"]


@dataclass
class BuildResult:
    warnings: list[Diagnostic]
    counts: dict[str, int]  # "documents" and each taxonomy: how many
    pages: int = 0
    site: Site | None = None  # None when nothing had changed since the build that wrote the output
    files: dict[str, bytes] = field(default_factory=dict)  # output path -> bytes, for until="render"
    stats: WriteStats | None = None
    search: search.SearchStats | None = None
    timings: dict[str, float] = field(default_factory=dict)
    search_pending: bool = False  # the files hold an older index (see Session.stale_search)
    edited: int = 0  # documents whose body alone changed, done by the fast path (see incremental)
    notices: list[str] = field(default_factory=list)  # one line each: the cache was off, a swap undone
    unwritten: tuple[str, ...] = ()  # outputs left out because sitegen.yaml has no base_url (feeds, sitemap)
    held: list[Diagnostic] = field(default_factory=list)  # a note for each document not published today


@dataclass
class Session:
    """What one process keeps between its in-memory builds (`serve`): the files of the last build with
    the key each was made from, and the last search index by its fingerprint. With `stale_search`, a
    build whose index is out of date serves the old one and sets `BuildResult.search_pending`; the
    caller brings it up to date with `update_search`."""

    files: dict[str, tuple[bytes, bytes]] = field(default_factory=dict)  # path -> (key, bytes)
    search: tuple[str, dict[str, bytes], Any] | None = None
    stale_search: bool = False


def build(config: Config, *, out: Path | None = None, jobs: int = 1, strict: bool = False, until: Until = "write",
          progress: Progress | None = None, memo: Memo = NO_MEMO, session: Session | None = None,
          drafts: bool = False) -> BuildResult:
    """Build the site described by `config`; raise BuildFailed with every problem, or return stats.
    `until="check"` stops once every page has rendered (nothing kept or written);
    `"render"` returns the files in `files` instead of writing them. `drafts`: documents not published
    today (drafts, embargoed, expired, dated in the future) are built too, each page saying so."""
    _stop_on_errors(taxonomy_problems(config), strict)  # every later stage reads documents through them
    clock = _Clock(progress)
    clock.stage("read")
    use_templates(config.template_folders)
    target = (out or config.output).resolve()
    last = memo.load("last", output_key(target)) if until == "write" else None
    COMPILED.code, COMPILED.changed = memo.load("compiled", _compiled_key(config)) or {}, False
    previous = memo.load("output", output_key(target)) if until == "write" else None  # the output as it left it
    as_left = checking_output(previous, target, last) if isinstance(last, LastBuild) else None
    if as_left and last.ocr and last.ocr != engine_name(memo):  # Tesseract installed, removed or upgraded since
        as_left = None
    found_sources, problems, inputs, settings = read_sources(config, clock.count, memo)
    day = today(config)
    inputs, settings = (digest(part, "drafts" if drafts else "published") for part in (inputs, settings))
    if as_left and last.good_until and day >= last.good_until:
        as_left = None  # a document's embargo, expiry or date has come since: everything may list it or not
    if errors_only(problems):  # a file that cannot be read (a link to nowhere) changes no input's digest
        as_left = None
    if as_left and (done := _unchanged(memo, inputs, strict, last, as_left)
                    or _bodies_edited(config, target, found_sources, inputs, settings, last, memo, strict, as_left, jobs)):
        done.timings, done.unwritten = clock.finish(), unwritten(config)
        _keep_compiled(memo, config)
        return done
    with collector_paused():  # the records, bodies and model live on: nothing for the collector to free
        documents, terms, more = validate_sources(found_sources, memo, jobs, later=True)
        sources_seen = {source.shown: (key, source.kind) for key, source in found_sources}
        del found_sources  # their bytes
        held, good_until = holds(documents, day), next_change(documents, day)
        hidden = {} if drafts else held
        documents, attached, found, attached_key = read_attachments(documents, config.limits)  # read every build
        kept_aside = [(a.href, str(Path(r.path).parent / a.name)) for r in documents for a in r.attachments
                      if r.id not in hidden]
        if hidden:
            attached = {href: attached[href] for href, _ in kept_aside}
            attached_key = attachments_key(attached)
        problems += more + found
        clock.stage("originals")
        documents, texts, found, ocr = read_originals(documents, attached, config, memo, jobs, clock.told())
        attached.update(texts)
        problems += found
        clock.stage("markdown", len(documents) + len(terms))
        bodies = render_bodies(documents, terms, jobs, clock.count, memo, later=True)
        memo.write_later(beside=len(documents) <= BESIDE)  # the new records and bodies, on the core the model leaves idle
        clock.stage("model")
        index = link_index(documents, terms, bodies, {d: h.why for d, (_, h) in hidden.items()})
        bodies, links, problems_in_links = link_bodies(documents, terms, bodies, config.links.broken, index)
        about, about_links, more = render_about(config, index)
        links, problems = links + about_links + footer_uses(config), problems + more
        site, more = build_site(config, documents, terms, bodies, about, {d: h for d, (_, h) in held.items()}, drafts)
        problems += problems_in_links + more
        del documents, terms, bodies  # the sources' text is in the model now; at 100,000 documents this is GBs
        assets, found = asset_paths(config.asset_folders)
        assets |= theme_files(config)
        plan, more = plan_site(site, assets)  # planned even after errors: the model keeps only what resolved
    known = plan.paths | frozenset(assets)
    broken_links = check_targets(links, known)
    problems += more + found + broken_links
    _stop_on_errors(problems, strict)
    result = BuildResult(sort_diagnostics(d for d in problems if d.severity == WARNING), _counts(site), len(plan), site,
                         notices=memo.notices, unwritten=unwritten(config), held=held_notes(held, drafts))
    # The search runs beside the page workers once they have forked (they do not inherit its state),
    # in the parent's idle core; past BESIDE documents, after them. Nothing is committed before it.
    if until == "check":
        clock.stage("pages", len(plan))
        with _with_warnings(result.warnings):
            done = 0  # templates are checked; nothing is kept
            for _, pages in render_plan(Job(templates_of(config), site, plan, {}, {}, keep_bytes=False), jobs):
                done += len(pages)
                if done % 64 < len(pages):
                    clock.count(done)
        clock.stage("search")
        _search(config, problems, strict, result, build_search(site, memo, session))
        result.timings = clock.finish()
        return result
    sink = Output(target, protected_folders(config), previous) if until == "write" else _Memory(session)
    templates = template_keys(config.template_folders)
    compile_templates(config.template_folders, templates)  # once, here: the page workers fork with them
    beside = _Beside(lambda: build_search(site, memo, session), lambda made: stage_files(sink, {**made[0], **data_files(site)}),
                     until == "write" and len(site.documents) <= BESIDE)
    with sink, beside:  # the output folder is checked and locked before anything is rendered
        clock.stage("pages", len(plan))
        with _with_warnings(result.warnings):
            kept = unreached(recall(memo, target), site, index, sources_seen, settings) if until == "write" else frozenset()
            write_pages(config.template_folders, site, plan, jobs, sink, clock.count, templates, beside.start, kept)
        rarity = plan.rarity
        del plan  # the pages are written: what they needed is room for the search
        trim_heap()
        clock.stage("search")  # what is left of it, when it ran beside the pages
        made, staged = beside.result()
        search_state = _search(config, problems, strict, result, made)
        clock.stage("write")
        record_files(sink, staged)
        for rel, data in sorted({**read_assets(assets), **attached}.items()):
            write_file(sink, rel, data)
        del made, staged
        result.stats = sink.commit()
    result.files = sink.files if isinstance(sink, _Memory) else {}
    clock.stage("cache")
    if until == "write":
        memo.store("output", output_key(target), sink.manifest)
        memo.store("last", output_key(target), LastBuild(inputs, (kept_aside, attached_key), result.warnings, result.counts,
                                                       result.pages, result.search, ocr, good_until))
        linked: dict[str, list[Diagnostic]] = {}
        for d in problems_in_links + broken_links:
            linked.setdefault(d.path, []).append(d)
        remember(memo, target, Remembered(settings, sources_seen, site, rarity, index, known, linked, search_state,
                                          templates))
        _keep_compiled(memo, config)
    memo.finish()
    result.timings = clock.finish()
    return result


def _bodies_edited(config: Config, target: Path, found: list, inputs: bytes, settings: bytes, last: LastBuild,
                   memo: Memo, strict: bool, as_left: Callable[[], Manifest | None], jobs: int = 1) -> BuildResult | None:
    """The build, when only the bodies of some documents changed (`incremental.rebuild_bodies`), or
    only templates (`retemplate.rebuild_templates`)."""
    edited = rebuild_bodies(config, target, found, inputs, settings, last, memo, strict, protected_folders(config),
                            lambda stats: over_budget(config, stats), as_left) \
        or rebuild_templates(config, target, found, inputs, settings, last, memo, strict, protected_folders(config), jobs, as_left)
    if edited is None:
        return None
    now = edited.last
    return BuildResult(now.warnings, now.counts, now.pages, stats=edited.stats, search=now.search_stats,
                       notices=memo.notices, edited=edited.documents)


def _search(config: Config, problems: list[Diagnostic], strict: bool, result: BuildResult,
            made: tuple[dict[str, bytes], Any, bool, Any]) -> Any:
    """The end of the search stage, given what `build_search` made: its stats and warnings into
    `result`, its state returned; a problem it finds stops the build (before anything is committed)."""
    _, result.search, result.search_pending, state = made
    problems += over_budget(config, result.search)
    _stop_on_errors(problems, strict)
    result.warnings = sort_diagnostics(d for d in problems if d.severity == WARNING)
    return state


def build_search(site: Site, memo: Memo, session: Session | None) -> tuple[dict[str, bytes], Any, bool, Any]:
    """The search index and its state (for `incremental`); for `serve`, the last index when it is
    stale but will do (the flag says so)."""
    if session is None:
        files, stats, state = search.build_search_state(site, memo=memo, jobs=SEARCH_JOBS)
        return files, stats, False, state
    if session.search is not None and session.stale_search:
        return session.search[1], session.search[2], session.search[0] != search.fingerprint(site), None
    return (*update_search(site, session, memo), False, None)


def update_search(site: Site, session: Session, memo: Memo = NO_MEMO) -> tuple[dict[str, bytes], Any]:
    key = search.fingerprint(site)
    if session.search is None or session.search[0] != key:
        session.search = (key, *search.build_search(site, memo=memo, jobs=SEARCH_JOBS))
    return session.search[1], session.search[2]


def over_budget(config: Config, stats: Any) -> list[Diagnostic]:
    """A search index larger than `search.budget_kb` is a warning (an error under --strict): every
    reader who searches online downloads part of it, and an offline copy carries all of it."""
    if stats is None or not stats.over_budget:
        return []
    return [Diagnostic(config.path, 1, 1, f"the search index is {stats.raw_bytes // 1024} KB, over search.budget_kb "
                       f"({config.search.budget_kb} KB)", "index fewer body words (search.body: N) or raise the budget",
                       WARNING)]


def read_assets(assets: dict[str, Path]) -> dict[str, bytes]:
    """The bytes of the assets found by `asset_paths`."""
    return {name: path.read_bytes() for name, path in assets.items()}


def asset_paths(folders: Sequence[Path]) -> tuple[dict[str, Path], list[Diagnostic]]:
    """Output path -> file of every asset (hidden files are not published), through the layers (the
    project's assets over the theme's, by name), found by `sources` so that a link leading out of its
    folder is an error and never published; and the problems found."""
    found: dict[str, Path] = {}
    problems: list[Diagnostic] = []
    for folder in reversed(folders):
        paths, more = sources.discover(folder, suffix="")
        problems += more
        found |= {urls.asset(Path(p).relative_to(folder).as_posix()): Path(p) for p in paths
                  if not os.path.basename(p).startswith(".")}
    return dict(sorted(found.items())), problems


def _unchanged(memo: Memo, inputs: bytes, strict: bool, last: LastBuild, as_left: Callable[[], Manifest | None]
               ) -> BuildResult | None:
    """The result of the build that wrote `target`, if it was made from exactly these inputs (sources,
    config, templates, assets, and the attachments those sources named) and every file it wrote is
    still there as written: then there is nothing to do, and the cache is left as it is."""
    if last.inputs != inputs or (strict and last.warnings):  # --strict turns warnings into errors: the full build says so
        return None
    written = as_left()
    if written is None:
        return None
    return BuildResult(last.warnings, last.counts, last.pages, stats=WriteStats(len(written.files), 0, 0),
                       search=last.search_stats, notices=memo.notices)


def held_notes(held: dict[str, tuple[Any, Hold]], drafts: bool) -> list[Diagnostic]:
    """One note per document not published today: where the front matter says so, why, until when."""
    return sort_diagnostics(Diagnostic(record.path, h.line, h.col, f"not published: {h.why}"
                                       + (" (built anyway: --drafts)" if drafts else ""), severity=NOTE)
                            for record, h in held.values())


def _compiled_key(config: Config) -> bytes:
    return digest("compiled templates", *templates_of(config))


def _keep_compiled(memo: Memo, config: Config) -> None:
    """Keep the templates' code for the next build (`render.Compiled`), if this one compiled any."""
    if COMPILED.changed:
        memo.store("compiled", _compiled_key(config), COMPILED.code)
        COMPILED.changed = False


def templates_of(config: Config) -> tuple[str, ...]:
    """The folders the pages' templates are looked up in, as a render `Job` holds them."""
    return tuple(str(f) for f in config.template_folders)


def _counts(site: Site) -> dict[str, int]:
    return {"documents": len(site.documents), **{name: len(t.terms) for name, t in site.taxonomies.items()}}


@contextlib.contextmanager
def _with_warnings(warnings: list[Diagnostic]):
    """A page that fails to render stops the build: report it with the run's warnings, not instead."""
    try:
        yield
    except BuildFailed as failed:
        raise BuildFailed([*failed.diagnostics, *warnings]) from None


def _stop_on_errors(problems: list[Diagnostic], strict: bool) -> None:
    fatal = problems if strict else errors_only(problems)
    if fatal:
        raise BuildFailed(problems)


def protected_folders(config: Config) -> list[Path]:
    """The project root (which may hold the output), then the folders the output may not be in."""
    return [config.root, config.content, *config.template_folders, *config.asset_folders]


class _Memory:
    """An in-memory sink with `Output`'s interface, for `serve` (which never touches build/)."""

    def __init__(self, session: Session | None):
        self.previous = session.files if session else {}
        self.session = session
        self.kept: dict[str, tuple[bytes, bytes]] = {}
        self.files: dict[str, bytes] = {}

    def __enter__(self) -> "_Memory":
        return self

    def __exit__(self, *exc) -> None:
        pass

    def keep(self, rel: str, key: bytes) -> bool:
        before = self.previous.get(rel)
        if before is None or before[0] != key:
            return False
        self.write(rel, before[1], key)
        return True

    def write(self, rel: str, data: bytes, key: bytes) -> None:
        self.kept[rel] = (key, data)
        self.files[rel] = data

    def commit(self) -> WriteStats:
        changed = sum(1 for rel, (_, data) in self.kept.items() if self.previous.get(rel, (b"", None))[1] != data)
        if self.session is not None:
            self.session.files = self.kept
        return WriteStats(len(self.files), changed, len(self.previous.keys() - self.kept.keys()))


class _Beside:
    """`make()` then `stage(made)`, run in a thread once the page workers have forked (`start`, given
    to `write_pages`): the parent waits on them with a core's worth of idle time, and they do not
    inherit what it makes. Run in place by `result` when it never started (no workers, or not
    `wanted`). A daemon thread, so an interrupted build does not wait for the search; but leaving the
    `with` block stops it from staging anything after (`stage` writes into the staging folder, which
    the failed build is about to remove), waiting at most for a write under way."""

    def __init__(self, make: Callable[[], Any], stage: Callable[[Any], Any], wanted: bool):
        self.make, self.stage, self.wanted = make, stage, wanted
        self.future: Future | None = None
        self.lock, self.stopped = threading.Lock(), False

    def start(self) -> None:
        if self.wanted:
            self.future = Future()
            threading.Thread(target=self._run, name="beside the pages", daemon=True).start()

    def _run(self) -> None:
        try:
            made = self.make()
            with self.lock:
                if not self.stopped:
                    self.future.set_result((made, self.stage(made)))
        except BaseException as exc:  # handed to the pipeline's thread by `result`
            self.future.set_exception(exc)

    def result(self) -> tuple[Any, Any]:
        if self.future is None:
            made = self.make()
            return made, self.stage(made)
        return self.future.result()

    def __enter__(self) -> "_Beside":
        return self

    def __exit__(self, *exc) -> None:
        with self.lock:
            self.stopped = True


class _Clock:
    """Times each stage (benchmarks read `timings`) and tells `progress` what is running, how far along."""

    def __init__(self, progress: Progress | None):
        self.progress, self.laps = progress, {}
        self.name, self.total, self.started = "", 0, time.perf_counter()

    def stage(self, name: str, total: int = 0) -> None:
        self.finish()
        self.name, self.total, self.started = name, total, time.perf_counter()
        self.count(0)

    def count(self, done: int) -> None:
        if self.progress:
            self.progress(self.name, done, self.total)

    def told(self) -> Callable[[int, int], None]:
        """`progress` for a stage that learns its total as it goes: (done, total)."""
        def tell(done: int, total: int) -> None:
            self.total = total
            self.count(done)
        return tell

    def finish(self) -> dict[str, float]:
        if self.name:
            self.laps[self.name] = time.perf_counter() - self.started
        return self.laps
