"""The pipeline, and nothing else: read → validate → render bodies → links → model → plan → render →
search → write. `build` below reads as the whole of it; each stage lives in its own module.
"""

from __future__ import annotations

import hashlib
import pickle
import time
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Callable, Literal, TypeVar

from sitegen import search, sources, urls
from sitegen.config import Config
from sitegen.errors import WARNING, BuildFailed, Diagnostic, errors_only, shown_path, sort_diagnostics
from sitegen.frontmatter import split_source
from sitegen.links import check_targets, link_bodies
from sitegen.markup import Rendered, check_body, render_markdown
from sitegen.model import Site, build_site
from sitegen.output import WriteStats, write_site
from sitegen.pages import Page, plan_pages
from sitegen.render import parallel_map, render_pages
from sitegen.schema import DocumentRecord, TermRecord, validate_document, validate_term

K, T, R = TypeVar("K"), TypeVar("T"), TypeVar("R")
Progress = Callable[[str, int, int], None]  # (stage, items done, items in the stage or 0)


Until = Literal["check", "render", "write"]


@dataclass
class BuildResult:
    site: Site
    warnings: list[Diagnostic]
    pages: int = 0
    files: dict[str, bytes] = field(default_factory=dict)  # output path -> bytes, once rendered
    stats: WriteStats | None = None
    search: search.SearchStats | None = None
    timings: dict[str, float] = field(default_factory=dict)
    search_pending: bool = False  # the files hold an older index (see BuildCache.stale_search)


@dataclass
class BuildCache:
    """Work kept between builds of one process (`serve`): rendered bodies by source text, rendered
    pages by a hash of their template set and context, and the last search index by a fingerprint of
    everything it is made from. All are pure functions of their keys, so a cached build is
    byte-identical to a fresh one. With `stale_search`, a build whose index is out of date reuses the
    old one and sets `BuildResult.search_pending`; the caller brings it up to date with `update_search`."""

    bodies: dict[str, Rendered] = field(default_factory=dict)
    pages: dict[bytes, bytes] = field(default_factory=dict)
    search: tuple[str, dict[str, bytes], search.SearchStats] | None = None
    stale_search: bool = False


def build(config: Config, *, out: Path | None = None, jobs: int = 1, strict: bool = False,
          until: Until = "write", progress: Progress | None = None, cache: BuildCache | None = None) -> BuildResult:
    """Build the site described by `config`; raise BuildFailed with every problem, or return stats.
    `until="check"` stops once every page has rendered (no search index, nothing kept or written);
    `"render"` returns the files without writing them."""
    clock = _Clock(progress)
    clock.stage("read")
    documents, terms, problems = read_and_validate(config)
    clock.stage("markdown", len(documents) + len(terms))
    bodies = render_bodies(documents, terms, jobs, clock.count, cache)
    clock.stage("model")
    bodies, links, problems_in_links = link_bodies(documents, terms, bodies, config.links.broken)
    site, more = build_site(config, documents, terms, bodies)
    problems += problems_in_links + more
    pages, more = plan_pages(site)  # planned even after errors: the model keeps only what resolved
    assets = asset_paths(config.assets)
    problems += more + check_targets(links, {p.path for p in pages} | set(assets))
    _stop_on_errors(problems, strict)
    result = BuildResult(site, sort_diagnostics(d for d in problems if d.severity == WARNING), len(pages))
    clock.stage("pages", len(pages))
    files = render_pages_cached(config.templates, pages, jobs, clock.count, cache)  # templates are checked too
    if until == "check":
        result.timings = clock.finish()
        return result
    clock.stage("search")
    search_files, result.search, result.search_pending = build_search(site, cache)
    files.update(search_files)
    files.update(read_assets(config.assets, assets))
    result.files = files
    if until == "write":
        clock.stage("write")
        result.stats = write_site(files, out or config.output, protected=_protected(config))
    result.timings = clock.finish()
    return result


def read_and_validate(config: Config) -> tuple[list[DocumentRecord], list[TermRecord], list[Diagnostic]]:
    """Every document and registry entry as a typed record, plus every diagnostic found on the way."""
    problems: list[Diagnostic] = []
    doc_folder = config.content / "documents"
    if not doc_folder.is_dir():
        problems.append(Diagnostic(config.path, 1, 1, f"no documents folder at {shown_path(doc_folder)}",
                                   "create content/documents/ or set paths.content"))
    documents, found = _read_folder(doc_folder, partial(validate_document, config=config), config)
    problems += found
    terms: list[TermRecord] = []
    for tax in config.taxonomies:
        records, found = _read_folder(config.content / tax.folder, partial(validate_term, taxonomy=tax), config)
        terms, problems = terms + records, problems + found
    return documents, terms, problems


def _read_folder(folder: Path, validate: Callable, config: Config) -> tuple[list, list[Diagnostic]]:
    """Split and validate every Markdown file under `folder`: the records, and every diagnostic. A body
    too costly to convert (see `limits`) is reported and left empty."""
    records = []
    paths, problems = sources.discover(folder, within=config.content)
    for path in paths:
        shown = shown_path(path)
        data, found = sources.read(path, config.limits)
        problems += found
        if data is None:
            continue
        source, found = split_source(data, shown, config.limits)
        problems += found
        if source is not None:
            found = check_body(source.body, shown, source.body_line, config.limits)
            source.body = "" if found else source.body
            problems += found
            record, found = validate(source, shown, path.stem)
            problems += found
            records += [record] if record else []
    return records, problems


def render_bodies(documents: list[DocumentRecord], terms: list[TermRecord], jobs: int,
                  done: Callable[[int], None] | None = None, cache: BuildCache | None = None) -> dict[str, Rendered]:
    """Source path -> rendered Markdown body; the first of the two parallel stages."""
    sources = [(r.path, r.body) for r in documents] + [(r.path, r.body) for r in terms]
    keyed = [(body, body) for _, body in sources]  # by text: a renamed file reuses its body
    rendered, kept = _reuse(cache.bodies if cache else {}, keyed, lambda bodies: parallel_map(render_markdown, bodies, jobs, done))
    if cache:
        cache.bodies = kept
    return {path: r for (path, _), r in zip(sources, rendered)}


def build_search(site: Site, cache: BuildCache | None) -> tuple[dict[str, bytes], search.SearchStats, bool]:
    """The search index, reused from `cache` when nothing it is made from has changed (or when a
    stale one will do); the flag says the index returned is out of date."""
    if cache is None:
        return (*search.build_search(site), False)
    if cache.search is not None and cache.stale_search:
        return cache.search[1], cache.search[2], cache.search[0] != search.fingerprint(site)
    return (*update_search(site, cache), False)


def update_search(site: Site, cache: BuildCache) -> tuple[dict[str, bytes], search.SearchStats]:
    key = search.fingerprint(site)
    if cache.search is None or cache.search[0] != key:
        cache.search = (key, *search.build_search(site))
    return cache.search[1], cache.search[2]


def render_pages_cached(templates: Path, pages: list[Page], jobs: int, done: Callable[[int], None] | None,
                        cache: BuildCache | None) -> dict[str, bytes]:
    """Pages rendered, or taken from `cache` when their template set and context are unchanged."""
    if cache is None:
        return render_pages(templates, pages, jobs, done)
    templates_key = hashlib.sha256(b"".join(p.read_bytes() for p in sorted(templates.rglob("*")) if p.is_file())).digest()
    keyed = [(hashlib.sha256(templates_key + pickle.dumps((p.path, p.template, p.context), protocol=5)).digest(), p)
             for p in pages]
    rendered, cache.pages = _reuse(cache.pages, keyed, lambda missing: list(render_pages(templates, missing, jobs, done).values()))
    return {p.path: data for p, data in zip(pages, rendered)}


def _reuse(table: dict[K, R], keyed: list[tuple[K, T]], compute: Callable[[list[T]], list[R]]) -> tuple[list[R], dict[K, R]]:
    """Results for `keyed` items, computing (in one batch) only those whose key `table` lacks; and the
    table kept to exactly these keys, so what is no longer used is forgotten."""
    missing = {key: item for key, item in keyed if key not in table}
    fresh = dict(zip(missing, compute(list(missing.values()))))
    kept = {key: table[key] if key in table else fresh[key] for key, _ in keyed}
    return [kept[key] for key, _ in keyed], kept


def read_assets(folder: Path, names: list[str]) -> dict[str, bytes]:
    """The bytes of the assets named by `asset_paths(folder)`."""
    return {name: (folder / name.partition("/")[2]).read_bytes() for name in names}


def asset_paths(folder: Path) -> list[str]:
    """Output paths of the asset files (hidden files are not published)."""
    if not folder.is_dir():
        return []
    return [urls.asset(p.relative_to(folder).as_posix())
            for p in sorted(folder.rglob("*")) if p.is_file() and not p.name.startswith(".")]


def _stop_on_errors(problems: list[Diagnostic], strict: bool) -> None:
    fatal = problems if strict else errors_only(problems)
    if fatal:
        raise BuildFailed(problems)


def _protected(config: Config) -> list[Path]:
    return [config.root, config.content, config.templates, config.assets]


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

    def finish(self) -> dict[str, float]:
        if self.name:
            self.laps[self.name] = time.perf_counter() - self.started
        return self.laps
