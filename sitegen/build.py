"""The pipeline, and nothing else: read → validate → originals → bodies → model (links, site, plan) →
pages → search → write → remember. `build` below reads as the whole of it, stage after stage; each
stage lives in its own module or in a short function here that returns a named result, and every
expensive pure step goes through the memo (`sitegen.cache`), so an edit redoes only what depends on it.
Shortcuts come first: nothing changed (return); only some documents' bodies changed
(`incremental.rebuild_bodies`, which redoes just those); only fields of documents or registry entries,
in place (`refields.rebuild_fields`, which patches the remembered model and redoes the pages that show
them); only templates (`retemplate.rebuild_templates`). Where the files go is the sink's business:
the output folder (`output.Output`), memory for `serve` (`session.Memory`), nowhere for `check`
(`session.Discard`), through the same stages.
"""

from __future__ import annotations

import contextlib
import gc
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Iterable, Literal, NamedTuple

from sitegen import search, theme, urls
from sitegen import session as sessions
from sitegen.attachments import attachments_key, read_attachments
from sitegen.cache import NO_MEMO, Memo, digest
from sitegen.config import Config
from sitegen.errors import WARNING, BuildFailed, Diagnostic, by_path, errors_only, sort_diagnostics
from sitegen.incremental import LastBuild, Remembered, checking_output, rebuild_bodies, record_files, remember, stage_files
from sitegen.incremental import keep_files, recall, search_as_left, unreached, write_file, write_pages
from sitegen.incremental import key as output_key
from sitegen.links import check_targets, link_bodies, link_index, places_links
from sitegen.model import Site, build_site
from sitegen.originals import engine_name, read_originals
from sitegen.output import Manifest, Output, WriteStats
from sitegen.inputs import asset_paths, footer_uses, read_assets, read_sources, render_about, render_bodies, theme_files
from sitegen.inputs import validate_sources
from sitegen.outputs import data_files, unwritten
from sitegen.pages import BUNDLES, Plan, layout, legacy, plan_site
from sitegen.refields import rebuild_fields
from sitegen.retemplate import rebuild_templates
from sitegen.running import Beside, Clock, Progress
from sitegen.schedule import held_notes, holds, next_change, today
from sitegen.markup import Rendered
from sitegen.schema import DocumentRecord, taxonomy_problems
from sitegen.render import Job, compile_templates, keep_compiled, load_compiled, render_plan, template_keys, templates_of
from sitegen.render import use_templates
from sitegen.session import Discard, Memory, SearchMade, Session
from sitegen.workers import collector_paused, trim_heap

BESIDE = 30_000  # documents: up to this many, work runs beside other work: the search beside the page
#                 workers (`Beside`), the cache's writing beside the model stage (a forked process);
#                 beyond, after it, so that it does not add to the peak memory (see benchmarks/README.md);
#                 beyond, too, records let go of their sources before linking (`_sources_dropped`)
Until = Literal["check", "render", "write"]


@dataclass
class BuildResult:
    warnings: list[Diagnostic]
    counts: dict[str, int]  # "documents" and each taxonomy: how many
    pages: int = 0
    site: Site | None = None  # None when nothing had changed since the build that wrote the output; its bodies
    #                           without HTML where page workers wrote an Output, past BESIDE without text too
    files: dict[str, bytes] = field(default_factory=dict)  # output path -> bytes, for until="render"
    stats: WriteStats | None = None
    search: search.SearchStats | None = None
    timings: dict[str, float] = field(default_factory=dict)
    search_pending: bool = False  # the files hold an older index (see Session.stale_search)
    edited: int = 0  # documents whose body alone changed, done by the fast path (see incremental)
    notices: list[str] = field(default_factory=list)  # one line each: the cache was off, a swap undone
    unwritten: tuple[str, ...] = ()  # outputs left out because sitegen.yaml has no base_url (feeds, sitemap)
    held: list[Diagnostic] = field(default_factory=list)  # a note for each document not published today
    folders: list[str] = field(default_factory=list)  # one line each: old addresses left out, a folder over the limit


@dataclass
class Read:
    """What the read stage found: the sources (`found`, handed over to the model stage, which lets
    their bytes go), the problems, and the digests of every input and of the settings."""

    found: list
    problems: list[Diagnostic]
    inputs: bytes
    settings: bytes


@dataclass
class Model:
    """What the model stage made: the site and its plan, the files published beside the pages, the
    problems found so far, and what the next build remembers (see `_remember`). Mutable: the pages
    stage lets go of the plan once the pages are written, to leave room for the search."""

    site: Site
    plan: Plan | None
    assets: dict[str, Path]
    attached: dict[str, bytes]
    problems: list[Diagnostic]
    held: dict[str, Any]
    good_until: Any
    kept_aside: list[tuple[str, str]]
    attached_key: bytes
    seen: dict[str, tuple[bytes, str]]
    index: Any
    known: frozenset[str]
    linked: list[Diagnostic]  # the problems in links: in bodies, and to pages that do not exist
    ocr: Any
    targets: frozenset[str] = frozenset()  # every page a link of the site's own points at


class Written(NamedTuple):
    """What the write stage leaves for the next build: the rarity the pages were ranked with, the
    search index's state (for body edits) and the templates' keys."""

    rarity: Any
    search_state: Any
    templates: dict[str, bytes]
    shelf: Any = None  # render.Shelf: where the pages' bodies were kept, for a template edit


def build(config: Config, *, out: Path | None = None, jobs: int = 1, strict: bool = False, until: Until = "write",
          progress: Progress | None = None, memo: Memo = NO_MEMO, session: Session | None = None,
          drafts: bool = False) -> BuildResult:
    """Build the site described by `config`; raise BuildFailed with every problem, or return stats.
    `until="check"` renders every page and the search into a sink that keeps nothing;
    `"render"` returns the files in `files` instead of writing them. `drafts`: documents not published
    today (drafts, embargoed, expired, dated in the future) are built too, each page saying so."""
    _stop_on_errors(taxonomy_problems(config), strict)  # every later stage reads documents through them
    clock = Clock(progress)
    clock.stage("read")
    use_templates(config.template_folders)
    target = (out or config.output).resolve()
    last, previous = (memo.load(n, output_key(target)) if until == "write" else None for n in ("last", "output"))
    load_compiled(memo, config.template_folders)
    as_left = checking_output(previous, target, last) if isinstance(last, LastBuild) else None
    read = Read(*read_sources(config, clock.count, memo))
    read.inputs, read.settings = (digest(part, "drafts" if drafts else "published") for part in (read.inputs, read.settings))
    day = today(config)
    if as_left and _left_behind(last, memo, day, read.problems):
        as_left = None
    remembered = None
    if as_left and (done := _unchanged(memo, read.inputs, strict, last, as_left)
                    or _bodies_edited(config, target, read.found, read.inputs, read.settings, last, memo, strict, as_left,
                                      jobs, remembered := recall(memo, target), day)):
        done.timings, done.unwritten = clock.finish(), unwritten(config)
        keep_compiled(memo, config.template_folders)
        return done
    with collector_paused():  # the records, bodies and model live on: nothing for the collector to free
        model = _model(config, read, memo, jobs, clock, day, drafts)
    _stop_on_errors(model.problems, strict)
    result = BuildResult(sort_diagnostics(d for d in model.problems if d.severity == WARNING), model.site.counts(),
                         len(model.plan), model.site, notices=memo.notices, unwritten=unwritten(config),
                         held=held_notes(model.held, drafts))
    sink = (Output(target, protected_folders(config), previous) if until == "write"
            else Memory(session) if until == "render" else Discard())
    if remembered is None and until == "write":  # recalled once: the fast paths above had it, if they ran
        remembered = recall(memo, target)
    kept = unreached(remembered, model.site, model.index, model.seen, read.settings) if until == "write" else frozenset()
    last_search = ((lambda: search_as_left(remembered)) if remembered and remembered.search is not None and session is None
                   and as_left and as_left() else None)
    written = _write(config, model, sink, jobs, clock, memo, session, strict, result, kept, last_search)
    result.files = sink.files if isinstance(sink, Memory) else {}
    clock.stage("cache")
    if until == "write":
        _remember(memo, config, target, sink.manifest, result, read, model, written)
    if until != "check":  # `check` leaves the cache as the last build left it (it loads none of its outputs)
        memo.finish()
    result.timings = clock.finish()
    return result


def _left_behind(last: LastBuild, memo: Memo, day: Any, problems: list[Diagnostic]) -> bool:
    """Whether the last build's output cannot be taken as this one's whatever the inputs: OCR
    installed, removed or upgraded since; a document's embargo, expiry or date come since (everything
    may list it or not); a file that cannot be read (a link to nowhere changes no input's digest)."""
    return bool(last.ocr and last.ocr != engine_name(memo) or last.good_until and day >= last.good_until
                or errors_only(problems))


def _model(config: Config, read: Read, memo: Memo, jobs: int, clock: Clock, day: Any, drafts: bool) -> Model:
    """Validate the sources, read their attachments and originals' text, render the bodies, link them,
    build the site and plan its pages; every problem found on the way is in the result."""
    (found, read.found), problems = (read.found, []), list(read.problems)
    documents, terms, more = validate_sources(found, memo, jobs, later=True)
    seen = {source.shown: (key, source.kind) for key, source in found}
    del found  # their bytes
    held, good_until = holds(documents, day), next_change(documents, day)
    hidden = {} if drafts else held
    spots = layout(config, [r for r in documents if r.id not in hidden], terms)
    documents, attached, found, attached_key = read_attachments(documents, config.limits, spots)  # read every build
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
    if len(documents) > BESIDE:
        documents = _sources_dropped(documents, bodies)
    index = link_index(documents, terms, bodies, {d: h.why for d, (_, h) in hidden.items()}, spots)
    bodies, links, problems_in_links = link_bodies(documents, terms, bodies, config.links.broken, index)
    about, about_links, more = render_about(config, index)
    links, problems = links + about_links + footer_uses(config), problems + more
    site, more = build_site(config, documents, terms, bodies, about, {d: h for d, (_, h) in held.items()}, drafts,
                            {**spots.documents, **spots.terms})
    problems += problems_in_links + more
    del documents, terms, bodies  # the sources' text is in the model now (GBs in a large archive)
    trim_heap()  # the records' pages back to the system before the plan is made and the page workers fork
    assets, found = asset_paths(config.asset_folders)
    assets |= theme_files(config)
    plan, more = plan_site(site, assets)  # planned even after errors: the model keeps only what resolved
    known = plan.paths | frozenset(assets) | frozenset(BUNDLES)
    broken_links = check_targets(links, known)
    return Model(site, plan, assets, attached, problems + more + found + broken_links, held, good_until, kept_aside,
                 attached_key, seen, index, known, problems_in_links + broken_links, ocr, frozenset(use.target for use in links))


def _sources_dropped(documents: list[DocumentRecord], bodies: dict[str, Rendered]) -> list[DocumentRecord]:
    """The records, without their Markdown source where linking will not look for a link in it
    (`links.places_links`): the source is the largest part of a record (half a GB at 100,000
    documents), and nothing after linking reads it. Copies: the memo's rows, written by now
    (`Memo.write_later`), keep the records as read. Past BESIDE documents only: below, the 0.14 s
    it takes at 10,000 is worth more than the 45 MB it frees there for the model stage."""
    return [replace(r, body="") if r.body and not places_links(bodies[r.path]) else r for r in documents]


def _write(config: Config, model: Model, sink: Any, jobs: int, clock: Clock, memo: Memo, session: Session | None,
           strict: bool, result: BuildResult, kept: frozenset = frozenset(), last_search: Callable[[], Any] | None = None
           ) -> Written:
    """The pages, the search index, the data files, the assets and attachments, into `sink`, committed
    when all are there. `last_search()`: the state of the index the output holds, where it is as the
    last build left it: the search files that do not change are kept.
    The search runs beside the page workers once they have forked (they do not inherit its state), in
    the parent's idle core; past BESIDE documents, after them. Nothing is committed before it."""
    site, templates = model.site, template_keys(config.template_folders)
    compile_templates(config.template_folders, templates)  # once, here: the page workers fork with them
    beside = Beside(lambda: sessions.build_search(site, memo, session, last_search and last_search()),
                    lambda made: stage_files(sink, {**made.files, **data_files(site)}),
                    isinstance(sink, Output) and len(site.documents) <= BESIDE)
    with sink, beside:  # the output folder is checked and locked before anything is rendered
        clock.stage("pages", len(model.plan))
        with _with_warnings(result.warnings):
            shelf = _pages(config, site, model.plan, jobs, sink, clock, templates, beside.start, kept, _shelf(memo, sink))
        rarity, model.plan = model.plan.rarity, None  # the pages are written: what they needed is room for the search
        trim_heap()
        clock.stage("search")  # what is left of it, when it ran beside the pages
        made, staged = beside.result()
        if isinstance(sink, Output) and jobs > 1 and len(site.documents) > BESIDE:
            _texts_dropped(site)
        search_state = _search(config, model.problems, strict, result, made)
        clock.stage("write")
        record_files(sink, staged)
        keep_files(sink, made.kept)
        for rel, data in sorted({**read_assets(model.assets, BUNDLES), **model.attached}.items()):
            write_file(sink, rel, data)
        del made, staged
        result.stats = sink.commit()
        if not isinstance(sink, Discard):
            result.folders = folder_notes(site, sink.written if isinstance(sink, Output) else sink.files)
    return Written(rarity, search_state, templates, shelf)


def _texts_dropped(site: Site) -> None:
    """The bodies' text out of the site once the search has read it, where their HTML already is
    (`render.SpilledHTML`, page workers writing an `Output`), past BESIDE documents: nothing after the
    search reads a body (the data files do not, the cache keeps the model without them), and the text
    of 100,000 bodies would be held through the write and cache stages for nothing. (Below, the
    returned site keeps it, for callers that read it, at a cost that does not matter there.)"""
    for doc in site.documents.values():
        if doc.body is not None and doc.body.text:
            doc.body = replace(doc.body, text="")
    trim_heap()  # their pages back to the system, not kept in the C heap for the pickling to come


def _shelf(memo: Memo, sink: Any) -> Path | None:
    """Where the pages' bodies are kept for the next template edit into an `Output` (`render.Shelf`)."""
    return memo.side_file(f"bodies-{output_key(sink.out).hex()}") if isinstance(sink, Output) else None


def _pages(config: Config, site: Site, plan: Plan, jobs: int, sink: Any, clock: Clock, templates: dict[str, bytes],
           forked: Callable[[], None], kept: frozenset = frozenset(), shelf: Path | None = None) -> Any:
    """Every page into `sink` but those of the documents `kept` as the last build left them
    (`incremental.unreached`); into one that keeps nothing (`check`), rendered and dropped, unkeyed.
    The bodies kept at `shelf` (`render.Shelf`), if they were."""
    if not isinstance(sink, Discard):
        return write_pages(config.template_folders, site, plan, jobs, sink, clock.count, templates, forked, kept, shelf)
    done = 0  # templates are checked; nothing is kept
    for _, pages in render_plan(Job(templates_of(config.template_folders), site, plan, {}, {}, keep_bytes=False), jobs):
        done += len(pages)
        if done % 64 < len(pages):
            clock.count(done)
    return None


def _remember(memo: Memo, config: Config, target: Path, manifest: Manifest, result: BuildResult, read: Read,
              model: Model, written: Written) -> None:
    """What the next build into `target` starts from: the manifest of what was written, this build's
    record (`LastBuild`: does nothing need doing?) and what a body edit cannot change (`Remembered`)."""
    memo.store("output", output_key(target), manifest)
    memo.store("last", output_key(target), LastBuild(read.inputs, (model.kept_aside, model.attached_key), result.warnings,
                                                   result.counts, result.pages, result.search, model.ocr, model.good_until))
    linked = by_path(model.linked)
    remember(memo, target, Remembered(read.settings, model.seen, model.site, written.rarity, model.index, model.known, linked,
                                      written.search_state, written.templates, targets=model.targets, shelf=written.shelf,
                                      theme_keys=template_keys(theme.TEMPLATES)))
    keep_compiled(memo, config.template_folders)


def _bodies_edited(config: Config, target: Path, found: list, inputs: bytes, settings: bytes, last: LastBuild,
                   memo: Memo, strict: bool, as_left: Callable[[], Manifest | None], jobs: int, state: Remembered | None,
                   day: Any) -> BuildResult | None:
    """The build, when only the bodies of some documents changed (`incremental.rebuild_bodies`), only
    documents' fields or registry entries in place (`refields.rebuild_fields`), or only templates
    (`retemplate.rebuild_templates`). `state`: what the last build remembered."""
    budget = lambda stats: search.over_budget(config, stats)  # noqa: E731
    with _heap_frozen():
        edited = _edited(config, target, found, inputs, settings, last, memo, strict, as_left, jobs, state, day, budget)
    if edited is None:
        return None
    now = edited.last
    return BuildResult(now.warnings, now.counts, now.pages, stats=edited.stats, search=now.search_stats,
                       notices=memo.notices, edited=edited.documents)


def _edited(config: Config, target: Path, found: list, inputs: bytes, settings: bytes, last: LastBuild, memo: Memo,
            strict: bool, as_left: Callable[[], Manifest | None], jobs: int, state: Remembered | None, day: Any,
            budget: Callable[[Any], list[Diagnostic]]) -> Any:
    return rebuild_bodies(config, target, found, inputs, settings, last, memo, strict, protected_folders(config), budget,
                          as_left, state) \
        or rebuild_fields(config, target, found, inputs, settings, last, memo, strict, protected_folders(config), budget,
                          as_left, state, day) \
        or rebuild_templates(config, target, found, inputs, settings, last, memo, strict, protected_folders(config), jobs,
                             as_left, state)


@contextlib.contextmanager
def _heap_frozen():
    """Every object there is kept out of the collector's passes while a fast build runs (`gc.freeze`):
    what the last build remembered, just unpickled, is a million objects living until the build ends,
    without cycles, which each pass of the collector would go through again."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _search(config: Config, problems: list[Diagnostic], strict: bool, result: BuildResult,
            made: SearchMade) -> Any:
    """The end of the search stage, given what `build_search` made: its stats and warnings into
    `result`, its state returned; a problem it finds stops the build (before anything is committed)."""
    result.search, result.search_pending, state = made.stats, made.pending, made.state
    problems += search.over_budget(config, result.search)
    _stop_on_errors(problems, strict)
    result.warnings = sort_diagnostics(d for d in problems if d.severity == WARNING)
    return state


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


def folder_notes(site: Site, written: Iterable[str]) -> list[str]:
    """What the build says of its folders: the old addresses of documents left without redirects
    (`pages.plan_legacy`), and any folder fuller than `limits.folder_entries` (a FAT32 stick refuses
    a folder past 65,534)."""
    limit, notes = site.config.limits.folder_entries, []
    if over := legacy(site)[1]:
        notes.append(f"no redirects at the old addresses of the pages that moved out of {', '.join(f + '/' for f in over)}: "
                     f"they would overfill it (limits.folder_entries: {limit}); `legacy_addresses: always` writes them")
    notes += [f"{folder or 'the output folder'} holds {n} entries, over limits.folder_entries ({limit})"
              for folder, n in sorted(urls.folder_entries(written).items()) if n > limit]
    return notes


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


