"""The build after a template edit: only the pages made from the changed templates are planned and
rendered again, and only those whose bytes changed are moved into the output.

A template reaches the pages whose template is made of it (what it extends, includes or imports,
followed through Jinja's AST: `render.template_keys`), and nothing else: no model, listing, feed,
export or search file depends on a template. So when the templates are all that changed since the
last build into an output folder (the sources, config, assets and the theme's images are as it saw
them, `incremental.Remembered` says so), this redoes those pages from the model the last full build
remembered, keeps every other file where it is, and leaves the search index and the warnings as they
were. Anything else takes the full build, the reference the cache tests compare it with.
Must not write anything but through `output.Output`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from sitegen import urls
from sitegen.cache import Memo, digest
from sitegen.config import Config
from sitegen.errors import BuildFailed
from sitegen.incremental import Edited, LastBuild, Remembered, key, remember, write_pages
from sitegen.inputs import SourceFile, folder_digest, pages_digest, parse_file, render_bodies, theme_files
from sitegen.links import link_bodies
from sitegen.model import Site
from sitegen.output import Manifest, Output
from sitegen.outputs import of
from sitegen.pages import Plan, plan_site
from sitegen.render import compile_templates, template_keys


def rebuild_templates(config: Config, target: Path, found: list[tuple[bytes, SourceFile]], inputs: bytes,
                      settings: bytes, last: LastBuild, memo: Memo, strict: bool, protected: list[Path], jobs: int,
                      as_left: Callable[[], Manifest | None], state: Remembered | None) -> Edited | None:
    """The build of `target` when only templates changed since the last build wrote it; None when
    anything else did (or nothing did): then another path must run. `state`: what the last build
    remembered (`incremental.recall`)."""
    if state is None or state.settings == settings or not state.templates_digest or (strict and last.warnings):
        return None  # (--strict: the full build fails on the warnings, and says why)
    if {s.shown: k for k, s in found} != {shown: k for shown, (k, _) in state.files.items()}:
        return None  # a source changed too
    templates = folder_digest(config.template_folders)
    if not _only_templates(config, settings, templates, state):
        return None
    keys = template_keys(config.template_folders)
    if keys.keys() != state.templates.keys():
        return None  # a template added or removed: a page may now find one it lacked, or lose one
    changed = {name for name, key in keys.items() if state.templates[name] != key}
    manifest = as_left()
    if manifest is None:
        return None
    site, own = state.site, {o.template for o in of("document")}
    pages = [p for p in plan_site(site, _assets(config, state.known))[0].pages if p.template in changed] \
        if changed - own else []  # no page of the site's own is made from a document's templates
    documents = list(site.documents) if changed & own else []
    if documents and not _linked_bodies(config, site, found, state, memo):
        return None
    compile_templates(config.template_folders, changed)
    with Output(target, protected, manifest) as sink:
        try:
            write_pages(config.template_folders, site, Plan(pages, documents, state.known, state.rarity), jobs, sink,
                        keys=keys)
        except BuildFailed as failed:  # as the full build reports it: with the run's warnings
            raise BuildFailed([*failed.diagnostics, *last.warnings]) from None
        sink.keep_rest(set())  # checked above: the output is as the last build left it
        stats = sink.commit()
    state.settings, state.templates, state.templates_digest = settings, keys, templates
    remember(memo, target, state, whole=False)
    memo.store("output", key(target), sink.manifest)
    now = last._replace(inputs=inputs)
    memo.store("last", key(target), now)
    return Edited(now, stats, 0)


def _only_templates(config: Config, settings: bytes, templates: bytes, state: Remembered) -> bool:
    """`settings` (the digest of config, templates, assets and the theme's images, made as
    `inputs.read_sources` and `build.build` make it) differs from the last build's in the templates
    alone: made again with the templates the last build read, it is that build's. A template or
    asset edited while this runs makes neither digest match: the full build then."""
    config_part, others = digest(repr(config)), (folder_digest(config.asset_folders), pages_digest(config))
    for flag in ("drafts", "published"):  # whether this build previews what is not published (--drafts)
        if digest(digest(config_part, templates, *others), flag) == settings:
            return digest(digest(config_part, state.templates_digest, *others), flag) == state.settings
    return False


def _assets(config: Config, known: frozenset[str]) -> set[str]:
    """The asset paths among `known` (every page and asset path), which no redirect may replace."""
    return {p for p in known if p.startswith(urls.ASSETS + "/")} | set(theme_files(config))


def _linked_bodies(config: Config, site: Site, found: list[tuple[bytes, SourceFile]], state: Remembered,
                   memo: Memo) -> bool:
    """Put every document's body back into the remembered model (which keeps none), as the full build
    made it: its record and Markdown from the memo, its links resolved against the remembered index;
    False if one has none."""
    documents = [(k, s) for k, s in found if not s.kind]
    parsed = memo.reuse("records", documents, lambda items: [parse_file(item) for item in items])
    records = [record for record, _ in parsed if record is not None and record.id in site.documents]
    bodies = render_bodies(records, [], 1, None, memo)
    linked = link_bodies(records, [], bodies, config.links.broken, state.links)[0]
    for record in records:
        site.documents[record.id].body = linked[record.path]
    return all(doc.body is not None for doc in site.documents.values())
