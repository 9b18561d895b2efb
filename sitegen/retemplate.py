"""The build after a template edit, or an edit of config keys only rendering reads: only the pages
that may change are planned and rendered again, and only those whose bytes changed are moved into
the output.

A template reaches the pages whose template is made of it (what it extends, includes or imports,
followed through Jinja's AST: `render.template_keys`), and nothing else: no model, listing, feed,
export or search file depends on a template. A config key whose `config.Key.rendered` says so
reaches the pages (every page's context has the site's settings) and the outputs it names, not the
sources' reading, the model or the search. So when these are all that changed since the last build
into an output folder (the sources, the rest of the config, assets and the theme's images are as it
saw them, `incremental.Remembered` says so), this redoes those pages from the model the last full
build remembered (the documents' bodies from where its pages left them, `render.Shelf`), makes the
named outputs again, keeps every other file where it is, and leaves the search index and the
warnings as they were. Anything else takes the full build, the reference the cache tests compare
it with. Must not write anything but through `output.Output`.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Callable

import jinja2.meta

from sitegen import theme, urls
from sitegen.cache import Memo, digest
from sitegen.chrome import SETTINGS
from sitegen.config import RENDERED, Config, rendered_changes, with_rendered
from sitegen.errors import BuildFailed
from sitegen.incremental import Edited, LastBuild, Remembered, key, remember, write_file, write_pages
from sitegen.inputs import SourceFile, folder_digest, pages_digest, parse_file, render_bodies, theme_files
from sitegen.links import link_bodies
from sitegen.model import Site
from sitegen.output import Manifest, Output
from sitegen.outputs import of, one
from sitegen.pages import Plan, Rarity, flat, plan_site, related
from sitegen.render import ShelfReader, compile_templates, make_environment, template_keys, template_sources
from sitegen.workers import parallel_iter

RANKED_BATCH = 500  # documents ranked by one call in a worker (`ranked`)


def rebuild_templates(config: Config, target: Path, found: list[tuple[bytes, SourceFile]], inputs: bytes,
                      settings: bytes, last: LastBuild, memo: Memo, strict: bool, protected: list[Path], jobs: int,
                      as_left: Callable[[], Manifest | None], state: Remembered | None) -> Edited | None:
    """The build of `target` when only templates, or config keys only rendering reads, changed since
    the last build wrote it; None when anything else did (or nothing did): then another path must
    run. `state`: what the last build remembered (`incremental.recall`)."""
    if state is None or state.settings == settings or not state.templates_digest or (strict and last.warnings):
        return None  # (--strict: the full build fails on the warnings, and says why)
    if {s.shown: k for k, s in found} != {shown: k for shown, (k, _) in state.files.items()}:
        return None  # a source changed too
    templates, site = folder_digest(config.template_folders), state.site
    if not _only_rendering(config, settings, templates, state):
        return None
    keys = template_keys(config.template_folders)
    if keys.keys() != state.templates.keys():
        return None  # a template added or removed: a page may now find one it lacked, or lose one
    configured = rendered_changes(config, site.config)
    own = {o.template for o in of("document")}
    changed = {name for name, key in keys.items() if state.templates[name] != key}
    if configured:  # every page shows the site's settings, but a document's BibTeX, RIS or CSL-JSON entry
        changed |= (set(keys) - own) | _reading_settings(config.template_folders, own)
    manifest = as_left()
    if manifest is None:
        return None
    site.config = config
    pages = [p for p in plan_site(site, _assets(config, state.known))[0].pages if p.template in changed] \
        if changed - own else []  # no page of the site's own is made from a document's templates
    documents = list(site.documents) if changed & own else []
    made, bodies = _bodies(config, site, found, state, memo) if documents else (True, None)
    if not made:
        return None
    rarity = ranked(memo, target, state, jobs) if documents else state.rarity
    compile_templates(config.template_folders, changed)
    with Output(target, protected, manifest) as sink:
        try:
            write_pages(config.template_folders, site, Plan(pages, documents, state.known, rarity), jobs, sink,
                        keys=keys, bodies=bodies,
                        only=frozenset(changed & own))
        except BuildFailed as failed:  # as the full build reports it: with the run's warnings
            raise BuildFailed([*failed.diagnostics, *last.warnings]) from None
        finally:
            if bodies is not None:
                bodies.close()
        for name in sorted({name for key in configured for name in RENDERED[key]}):
            write_file(sink, one(name).path(), one(name).make(site))
        sink.keep_rest(set())  # checked above: the output is as the last build left it
        stats = sink.commit()
    state.settings, state.templates, state.templates_digest = settings, keys, templates
    state.config = config if configured or state.config is not None else None
    remember(memo, target, state, whole=False)
    memo.store("output", key(target), sink.manifest)
    now = last._replace(inputs=inputs)
    memo.store("last", key(target), now)
    return Edited(now, stats, 0)


def ranked(memo: Memo, target: Path, state: Remembered, jobs: int) -> Rarity:
    """`state.rarity` with every document's related list (`pages.related`), which depends on the model
    alone: those the last full build's pages ranked or a template edit since did (`incremental.remember`),
    but the ones fast builds may have changed since (`Remembered.unranked`); the others (a full build
    keeps some documents' pages unplanned) ranked now, over the workers, and remembered with the full
    build's lineage. Ranking 10,000 documents took a tenth of a document template edit."""
    found = memo.load("related", key(target)) if state.unranked is not None else None
    lists = dict(found[1]) if isinstance(found, tuple) and len(found) == 2 and found[0] == state.lineage else {}
    for doc_id in state.unranked or ():
        lists.pop(doc_id, None)
    missing = [doc_id for doc_id in state.site.documents if doc_id not in lists]
    if missing or state.unranked is None:
        batches = [missing[n:n + RANKED_BATCH] for n in range(0, len(missing), RANKED_BATCH)]
        made = parallel_iter(_ranked, batches, jobs, shared=(state.site, state.rarity), chunk=1)
        for batch, lists_made in zip(batches, made):
            lists.update(zip(batch, lists_made))
        memo.store("related", key(target), (state.lineage, lists))
    state.unranked = frozenset()
    return dataclasses.replace(state.rarity, lists=lists)


def _ranked(shared: tuple[Site, Rarity], batch: list[str]) -> list[tuple]:
    site, rarity = shared
    return [flat(related(site, site.documents[doc_id], rarity)) for doc_id in batch]


def _only_rendering(config: Config, settings: bytes, templates: bytes, state: Remembered) -> bool:
    """`settings` (the digest of config, templates, assets and the theme's images, made as
    `inputs.read_sources` and `build.build` make it) differs from the last build's in the templates
    and the config keys only rendering reads (`config.Key.rendered`) alone: made again with the
    templates and those keys the last build read, it is that build's. A template or asset edited
    while this runs makes neither digest match: the full build then."""
    was = with_rendered(config, state.site.config)
    others = (folder_digest(config.asset_folders), pages_digest(config))
    for flag in ("drafts", "published"):  # whether this build previews what is not published (--drafts)
        if digest(digest(digest(repr(config)), templates, *others), flag) == settings:
            return digest(digest(digest(repr(was)), state.templates_digest, *others), flag) == state.settings
    return False


def _bodies(config: Config, site: Site, found: list[tuple[bytes, SourceFile]], state: Remembered,
            memo: Memo) -> tuple[bool, ShelfReader | None]:
    """Whether every document has its body for its pages, and where those the last full build kept
    are (`render.Shelf`; None when nothing was kept: then every body is made again into the model);
    the bodies of documents edited since are made again into the model. (False, None) when one cannot be."""
    fresh = set(state.edited) | (set(state.patched.documents) if state.patched is not None else set())
    shelf = state.shelf.open(fresh) if state.shelf is not None else None
    missing = None if shelf is None else [doc_id for doc_id in site.documents if doc_id not in shelf.at]
    if not _linked_bodies(config, site, found, state, memo, missing):
        if shelf is not None:
            shelf.close()
        return False, None
    return True, shelf


def _linked_bodies(config: Config, site: Site, found: list[tuple[bytes, SourceFile]], state: Remembered,
                   memo: Memo, only: list[str] | None = None) -> bool:
    """Put the documents' bodies back into the remembered model (which keeps none), as the full build
    made them: each record and Markdown from the memo, its links resolved against the remembered
    index; False if one has none. `only`: these documents' alone (the others are not unpickled)."""
    ids = list(site.documents) if only is None else only
    paths = {site.documents[doc_id].path for doc_id in ids}
    documents = [(k, s) for k, s in found if not s.kind and s.shown in paths]
    parsed = memo.reuse("records", documents, lambda items: [parse_file(item) for item in items])
    records = [record for record, _ in parsed if record is not None and record.id in site.documents]
    bodies = render_bodies(records, [], 1, None, memo)
    linked = link_bodies(records, [], bodies, config.links.broken, state.links)[0]
    for record in records:
        site.documents[record.id].body = linked[record.path]
    return all(site.documents[doc_id].body is not None for doc_id in ids)


def _reading_settings(templates: list[Path], names: set[str]) -> set[str]:
    """The templates among `names` made of one (itself, what it extends, includes or imports) that reads
    a key of the context holding the site's settings (`chrome.SETTINGS`), or that cannot be parsed: the
    others make the same bytes after an edit of the config keys only rendering reads. (A page's key
    stays the one it had, made with the old settings: those bytes are what the new ones make too.)"""
    made_of, resolved = template_sources(templates), theme.files(templates)
    env, reads = make_environment(templates), {}
    for name in set().union(*(made_of[n] for n in names if n in made_of)):
        try:
            reads[name] = jinja2.meta.find_undeclared_variables(env.parse(resolved[name].read_text(encoding="utf-8")))
        except (jinja2.TemplateSyntaxError, UnicodeDecodeError, OSError):
            reads[name] = SETTINGS
    return {name for name in names if name not in made_of or any(reads[used] & SETTINGS for used in made_of[name])}


def _assets(config: Config, known: frozenset[str]) -> set[str]:
    """The asset paths among `known` (every page and asset path), which no redirect may replace."""
    return {p for p in known if p.startswith(urls.ASSETS + "/")} | set(theme_files(config))
