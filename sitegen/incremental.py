"""What makes a build incremental: keyed pages and files kept when unchanged, and the fast path for
the commonest edit, where only the text (the Markdown body) of a few documents changed.

A document's body reaches its own pages, its links and its part of the search index, and nothing
else: listings, term pages, feeds and exports show its front matter only. So a full build remembers,
per output folder, what a body edit cannot change (`Remembered`: the model without bodies, where
links may lead, the search index's state, the warnings), and a later build whose only changes are
bodies redoes just those documents and moves the changed files into the output. A build whose only
changes are templates redoes the pages made from them (`retemplate`, from what is remembered here);
one whose only changes are documents' fields or registry entries in place patches the remembered model
(`refields`; what it patched, `Patched`, is applied whenever the model is recalled).
Anything else (a field, a file added or removed, config, assets, an output touched by hand, a new
error) takes the full build, which is the reference: tests compare them byte for byte through random edits.
The full build too keeps what the last one left where it can: the pages of documents an edit cannot
reach (`unreached`), and the search index, updated in place from its remembered state
(`search_as_left`, `search.update_documents`) when the output is as the last build left it.
"""

from __future__ import annotations

import copy
import dataclasses
import pickle
import time
import weakref
from array import array
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, NamedTuple

from sitegen import search, searchdata
from sitegen.attachments import attachments_key
from sitegen.cache import Memo, digest
from sitegen.config import Config
from sitegen.errors import WARNING, Diagnostic, sort_diagnostics
from sitegen.inputs import SourceFile, folder_digest, parse_file, render_bodies
from sitegen.links import anchors, check_targets, link_bodies
from sitegen.model import Site
from sitegen.output import Manifest, Output, UnsafeOutput, WriteStats, unfinished
from sitegen.outputs import of
from sitegen.pages import Plan, Rarity, term_weight, terms_of
from sitegen.render import RANKED, Job, Shelf, SpilledHTML, render_plan, template_keys
from sitegen.workers import collector_paused, in_child, may_fork

MAX_EDITED = 64  # bodies redone by fast builds since the last full one, each replayed into the search
#                  index by the next fast build: beyond this many, a full build starts afresh


class LastBuild(NamedTuple):
    """What the last build into one output folder says of itself (small: every build reads it)."""

    inputs: bytes  # the digest of everything it was made from (`inputs.read_sources`)
    attachments: tuple[list[tuple[str, str]], bytes]  # (output path, source path) of each, and their digest
    warnings: list[Diagnostic]
    counts: dict[str, int]
    pages: int
    search_stats: Any
    ocr: str = ""  # `originals.engine_name()` when some page was to be OCRed: a new Tesseract (or none) redoes it
    good_until: Any = None  # datetime.date: from that day, a document it left out is published or one it showed is not


@dataclass
class Remembered:
    """What the last full build into one output folder knew that a body edit cannot change."""

    settings: bytes  # config, templates and assets
    files: dict[str, tuple[bytes, str]]  # source path as shown -> (key, kind)
    site: Site  # the model, its documents without bodies
    rarity: Rarity  # its `terms` kept as numbers (`TermsOf`)
    links: Any  # links.link_index of the site, for checking a body's links
    known: frozenset[str]  # every page and asset path, which a link may point at
    linked: dict[str, list[Diagnostic]]  # source path -> warnings about its links
    search: Any  # search.SearchState of the full build
    templates: dict[str, bytes]  # render.template_keys of the templates (unchanged while `settings` is)
    edited: dict[str, Any] = dataclasses.field(default_factory=dict)  # document id -> body, as fast builds since left it
    lineage: bytes = b""  # which full build this is from (its two parts are stored apart)
    templates_digest: bytes = b""  # inputs.folder_digest of the template folders, the part of `settings` they make
    patched: "Patched | None" = None  # what fast front-matter builds since changed in the model (`refields`)
    targets: frozenset[str] = frozenset()  # every page a link in a body, an about page or the footer points at (or did)
    shelf: Any = None  # render.Shelf: the documents' bodies as the full build's pages showed them, for template edits
    config: Any = None  # the config, when a fast build since the full one changed keys only rendering reads (`retemplate`)
    theme_keys: dict[str, bytes] = dataclasses.field(default_factory=dict)  # render.template_keys of sitegen's own theme
    unranked: frozenset[str] | None = None  # documents whose related lists fast builds may have changed since they were
    #                                         remembered (`remember`, `retemplate.ranked`); None: none are remembered


@dataclass
class Patched:
    """What the fast builds of front-matter and registry edits (`refields.rebuild_fields`) changed in
    the model of the last full build: applied to it when it is recalled, so every later build starts
    from the model the output was made from, and the search index is replayed to where they left it."""

    documents: dict[str, Any] = dataclasses.field(default_factory=dict)  # id -> model.Document as now, with its body
    terms: dict[tuple[str, str], Any] = dataclasses.field(default_factory=dict)  # (taxonomy, id) -> model.Term, None: gone
    paths: frozenset[str] = frozenset()  # output paths they added (term pages)
    gone: frozenset[str] = frozenset()  # and those they took away


@dataclass(frozen=True)
class Edited:
    last: LastBuild  # what this build says of itself
    stats: WriteStats
    documents: int  # how many bodies were done again


def write_pages(templates: Sequence[Path], site: Site, plan: Plan, jobs: int, sink, done: Callable[[int], None] | None = None,
                keys: dict[str, bytes] | None = None, forked: Callable[[], None] | None = None,
                kept: frozenset[str] = frozenset(), shelf: Path | None = None, bodies: Any = None,
                only: frozenset[str] | None = None) -> Shelf | None:
    """Render every page whose context or templates (the one it names and those it is made of)
    changed since the output was written, and keep the others as they are. Workers plan, key and
    render the pages, and write them into an `Output`'s staging folder themselves (only their stat
    comes back); for another sink they stream to it, so they are never all in memory. Writing an
    `Output` with workers, the documents' bodies leave the site before they fork, for them to read
    one at a time (`SpilledHTML`); then their text comes back (the search reads it), their HTML does
    not. In one process there is nothing to fork, and the fast path's model would be unpickled
    whole to spill it. `keys`: the templates' `template_keys`, when known. `forked()` is called once
    the workers have forked, with the bodies' text back in the site (see `workers.parallel_iter`).
    `kept`: documents whose pages cannot have changed (`unreached`): kept as they are, neither
    planned nor keyed, unless a file of theirs is no longer as written. `shelf`: where to keep the
    spilled bodies for the next template edit (returned: `render.Shelf`); `bodies`: where the bodies
    are, when the site holds none (`render.ShelfReader`); `only`: the templates of documents' pages
    to plan, the others kept by the caller."""
    known = {rel: w[0] for rel, w in getattr(sink.previous, "files", sink.previous).items()}  # rel -> key
    if kept:
        lost = {doc_id for doc_id in kept if not all(sink.keep(path, known.get(path, b"")) for path in _outputs(site, doc_id))}
        plan = dataclasses.replace(plan, documents=[d for d in plan.documents if d not in kept or d in lost])
    html = bodies if bodies is not None else \
        SpilledHTML(site, sink.out.parent, shelf) if isinstance(sink, Output) and jobs > 1 else None
    restored, written = False, False

    def restore() -> None:
        nonlocal restored
        if html is not None and not restored:
            html.restore_text(site)
        restored = True
        if forked is not None:
            forked()
    try:
        _write_pages(Job(tuple(str(f) for f in templates), site, plan, template_keys(templates) if keys is None else keys, known,
                         html=html, only=only, ranked=plan.rarity.lists is not None), jobs, sink, done, restore)
        if html is not None and not restored:
            html.restore_text(site)
        written = True
    finally:
        kept_bodies = html.close(written) if html is not None and bodies is None else None
    return kept_bodies


def _outputs(site: Site, doc_id: str) -> list[str]:
    """The files a document's pages are (`outputs.OUTPUTS` of the document scope), where it is."""
    return [o.path(doc_id, folder=site.documents[doc_id].folder) for o in of("document")]


def unreached(state: Remembered | None, site: Site, index: Any, seen: dict[str, tuple[bytes, str]], settings: bytes
              ) -> frozenset[str]:
    """The documents whose pages the last build wrote as this one would: what a page of a document
    shows comes from the document itself, its terms (names, counts, order of their lists, which
    rank its related documents), its translations and its related documents, and the related ones
    share a term with it. So when neither config, templates, the set of files nor the links changed
    since the last full build (`state`), a document is reached by a change only if it changed, is in
    a translation group (before or after) with one that did, is listed by a term whose name, kind or
    list changed, or shares a term (before or after) with one whose item in listings
    (`chrome.doc_item`) may have changed: whose fields but its terms and body changed. `seen`:
    source path -> (key, kind) of every source now."""
    if state is None or state.settings != settings or state.files.keys() != seen.keys() or state.site.held != site.held:
        return frozenset()
    before = state.site
    if set(before.documents) != site.documents.keys() or before.taxonomies.keys() != site.taxonomies.keys() \
            or any(getattr(state.links, name) != getattr(index, name) for name in ("by_id", "by_source", "anchors", "held", "layout")):
        return frozenset()
    edited = {shown for shown, (key, _) in seen.items() if state.files[shown][0] != key}
    reached: set[str] = set()
    for name, tax in site.taxonomies.items():
        old = before.taxonomies[name].terms
        for term_id in tax.terms.keys() | old.keys():
            new_term, old_term = tax.terms.get(term_id), old.get(term_id)
            if as_listed(new_term) != as_listed(old_term):
                reached.update(*(t.documents for t in (new_term, old_term) if t is not None))
    for doc_id, doc in site.documents.items():
        was = before.documents[doc_id]
        if was.body is not None:  # a document a fast front-matter build patched keeps its body (`Patched`)
            was = dataclasses.replace(was, body=None)
        if doc.path in edited or dataclasses.replace(doc, body=None) != was:
            reached.update((doc_id, *doc.translations, *was.translations))
            if dataclasses.replace(doc, body=None, terms=was.terms) == was:
                continue  # as listed, the same: its new and old terms' lists reach the rest (above)
            for name, ids in [*doc.terms.items(), *was.terms.items()]:
                for term_id in ids:
                    for terms in (site.taxonomies[name].terms, before.taxonomies[name].terms):
                        reached.update(terms[term_id].documents if term_id in terms else ())
    return frozenset(site.documents.keys() - reached)


def as_listed(term: Any) -> tuple | None:
    """What a document's page shows of a term (`chrome.term_item`) and ranks related documents by:
    its description, shown on its own pages only, is left out."""
    return None if term is None else (term.names, term.kind, term.documents)


def _write_pages(job: Job, jobs: int, sink, done: Callable[[int], None] | None, forked: Callable[[], None]) -> None:
    again: dict[str | int, set[str]] = {}  # pages whose file of the last build was changed or removed since
    n = 0
    for unit, pages in render_plan(dataclasses.replace(job, staging=sink.area) if isinstance(sink, Output) else job, jobs,
                                   forked=forked):
        for path, page_key, data in pages:
            if path == RANKED:  # a worker's ranking, kept for the next template edit (`remember`)
                if data is not None:
                    job.plan.rarity.lists[unit] = data
            elif isinstance(data, bytes):
                sink.write(path, data, page_key)
            elif data is not None:
                sink.record(path, *data)
            elif not sink.keep(path, page_key):
                again.setdefault(unit, set()).add(path)
        n += len(pages)
        if done and n % 64 < len(pages):
            done(n)
    for unit, pages in render_plan(dataclasses.replace(job, known={}), 1, list(again)):
        for path, page_key, data in pages:
            if path != RANKED and path in again[unit]:
                sink.write(path, data, page_key)


def write_file(sink, rel: str, data: bytes) -> None:
    """A file that is its own key (search index, assets): kept when its bytes are unchanged."""
    key = digest("file", data)
    if not sink.keep(rel, key):
        sink.write(rel, data, key)


def stage_files(sink, files: dict[str, bytes]) -> list[tuple[str, bytes, Any]]:
    """Files that are their own key (`write_file`), written into an `Output`'s staging folder now,
    from a thread beside the page workers (nothing shared is touched: `record_files` records them
    on the pipeline's thread): each with what `Output.record` needs, or None where the last build
    wrote the same bytes (`write_file` keeps that file then) or the sink is not an `Output`."""
    staged = []
    for rel, data in files.items():
        key = digest("file", data)
        before = sink.previous.files.get(rel) if isinstance(sink, Output) else None
        if not isinstance(sink, Output) or (before is not None and before.key == key):
            staged.append((rel, data, None))
        else:
            staged.append((rel, b"", sink.area.write(rel, data, key)))
    return staged


def record_files(sink, staged: list[tuple[str, bytes, Any]]) -> None:
    for rel, data, written in staged:
        if written is None:
            write_file(sink, rel, data)
        else:
            sink.record(rel, *written)


def keep_files(sink, paths: frozenset[str]) -> None:
    """Files of the last output that this build's are too, as they are (a search index updated in
    place makes only the files it changes); checked by `as_left` before the build relied on them."""
    for rel in sorted(paths):
        before = sink.previous.files.get(rel) if isinstance(sink, Output) else None
        if before is None or not sink.keep(rel, before.key):
            raise UnsafeOutput(f"{sink.out / rel if isinstance(sink, Output) else rel} changed while the build was writing")


def search_as_left(state: Remembered) -> Any:
    """The search index's state as the last build left the output: the full build's, with the bodies
    the fast builds since redid, and the documents the fast front-matter builds changed; None if
    those cannot be replayed (each fast build patched the index, so this is not expected)."""
    patched = state.patched.documents if state.patched else {}
    if not state.edited and not patched:
        return state.search
    now = {doc_id: dataclasses.replace(state.site.documents[doc_id], body=body) for doc_id, body in state.edited.items()}
    if not patched:
        return search.update_bodies(state.search, dataclasses.replace(state.site, documents=now), sorted(state.edited))[3]
    site = dataclasses.replace(state.site, documents=Overlay(state.site.documents, now))
    found = patch_search(state.search, site, sorted(now.keys() | patched.keys()), dated=False)  # (fast builds keep
    return None if found is None else found[3]  # every date: `refields._same_place`; None: the index is made whole)


class Overlay(Mapping):
    """A model's documents with some replaced, in the model's order. `pairs`, when set: each document's
    (taxonomy, term id) pairs (`Rarity.terms`), for what reads its terms alone (`pages.cooccurring`)
    without unpickling it."""

    def __init__(self, base: Mapping[str, Any], over: dict[str, Any]):
        self.base, self.over = base, over
        self.pairs: Mapping[str, frozenset[tuple[str, str]]] | None = None

    def __getitem__(self, doc_id: str) -> Any:
        found = self.over.get(doc_id)
        return self.base[doc_id] if found is None else found

    def __iter__(self) -> Iterator[str]:
        return iter(self.base)

    def __len__(self) -> int:
        return len(self.base)

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self.base

    def sources(self) -> set[str]:
        """Every document's `source` (`pages.source_names`), the base's without unpickling it if it can."""
        source = getattr(self.base, "source", None)
        if source is None:
            return {doc.source for doc in self.values()}
        return {self.over[doc_id].source if doc_id in self.over else source(doc_id) for doc_id in self.base}


class _InOrder(Sequence):
    """A model's documents in the order of `ids`, each read when asked for."""

    def __init__(self, documents: Mapping[str, Any], ids: list[str]):
        self.documents, self.ids = documents, ids

    def __getitem__(self, n):  # type: ignore[override]
        if isinstance(n, slice):
            return [self.documents[doc_id] for doc_id in self.ids[n]]
        return self.documents[self.ids[n]]

    def __len__(self) -> int:
        return len(self.ids)


def patch_search(state: Any, site: Site, ids: Sequence[str], bodies: Callable[[list[str]], bool] | None = None,
                 dated: bool = True) -> tuple[dict[str, bytes], set[str], Any, Any] | None:
    """`search.update_documents` when the documents that may have changed are known (`ids`): only
    their keys are made (the others' bodies are not in a remembered model: `bodies(ids)` brings those
    the index needs, the records it makes again); None when the index cannot be patched (then the
    full build makes it). `dated`: whether a date of theirs may have changed (`search._update_documents`)."""
    layouts = [search._layout(site, originals) for originals in (False, True)]  # which the index has, its settings say:
    layout = next((found for found in layouts if search._settings_key(site, found) == state.settings), None)  # the edits
    #          that come here add no attachment, so it has them as it had (and not every document is read to find out)
    if layout is None or len(state.keys) != len(state.ids) or len(state.head_terms) != len(state.ids) \
            or len(site.documents) != len(state.ids) or not all(map(site.documents.__contains__, state.ids)):
        return None
    number = {doc_id: n for n, doc_id in enumerate(state.ids)}
    docs = _InOrder(site.documents, state.ids)
    keys = list(state.keys)
    for doc_id, key_ in zip(ids, search._document_keys(site, [site.documents[doc_id] for doc_id in ids])):
        keys[number[doc_id]] = key_
    changed = sorted(number[doc_id] for doc_id in ids if keys[number[doc_id]] != state.keys[number[doc_id]])
    made = None
    if any(keys[n][:search._FACETED] != state.keys[n][:search._FACETED] for n in changed):
        made = searchdata.facets_patched(site, state.columns, state.single, state.ranked, state.ids,
                                         {number[doc_id]: site.documents[doc_id] for doc_id in ids})
        if made is None:  # a document numbered anew: the full build numbers them
            return None
        if searchdata.counted(len(docs)) <= len(docs) and made[4] != state.columns:
            redone = set(changed)
            if [f["single"] for f in made[1]] != state.single or any(
                    column[n] != was[n] for column, was in zip(made[4], state.columns) for n in range(len(docs)) if n not in redone):
                return None
    with collector_paused():
        return search._update_documents(state, site, layout, changed, keys, docs, made, bodies, dated)


def _as_left(manifest: Manifest, target: Path, last: LastBuild) -> bool:
    """Every file the last build wrote into `target` is still there as written (no commit left
    unfinished, nothing added by hand), and the attachments it published still have those bytes."""
    if unfinished(target) or not manifest.intact(target):
        return False
    kept_aside, attached = last.attachments
    try:
        return attachments_key({href: Path(path).read_bytes() for href, path in kept_aside}) == attached
    except OSError:
        return False


def checking_output(manifest: Any, target: Path, last: LastBuild) -> Callable[[], Manifest | None]:
    """`manifest`, the one the build that wrote `target` stored, if the output is as it left it (`_as_left`),
    worked out now beside what every build does next (reading the sources, then what the last build
    remembered) and answered when asked; None otherwise. Its 50,000 stat calls run in a forked
    process: in a thread they shared the interpreter's lock with that reading and unpickling, and
    took three times as long as alone (0.47 s against 0.16 at 10,000 documents), the last part of
    a one-edit build's wait. A process with other threads (`serve`) is not forked: a thread does it."""
    if not isinstance(manifest, Manifest):
        return lambda: None
    if not may_fork():
        pool = ThreadPoolExecutor(max_workers=1)
        future = pool.submit(_as_left, manifest, target, last)
        pool.shutdown(wait=False)
        return lambda: manifest if future.result() else None
    answer = in_child(lambda: _as_left(manifest, target, last))

    def asked() -> Manifest | None:
        return manifest if answer() else None
    weakref.finalize(asked, answer)  # a build that never asks (it had to build anyway) still reaps the child
    return asked


LIVE = ("files", "linked", "edited", "settings", "templates", "templates_digest", "patched", "targets", "config",
        "unranked")  # what a fast build changes in `Remembered`


def remember(memo: Memo, target: Path, state: Remembered, whole: bool = True) -> None:
    """Keep what a body edit cannot change, for the next build into `target` (see `rebuild_bodies`);
    a fast build stores only the parts it changes (`LIVE`), a full build stores everything. Bodies
    are left out: the model without them is a fraction of the size, and only the edited documents'
    bodies are needed."""
    if whole and not state.templates_digest:  # read after the build read them: a template edited meanwhile mismatches
        state.templates_digest = folder_digest(state.site.config.template_folders)
    if whole:
        lineage = digest(str(time.time_ns()), str(id(state)))
        if state.rarity.lists is not None:  # the related lists its pages ranked, for the next template edit
            memo.store("related", key(target), (lineage, state.rarity.lists))
            state.unranked = frozenset()
    live = {name: getattr(state, name) for name in LIVE}
    if whole:
        site = state.site
        documents = {}
        for doc_id, doc in site.documents.items():
            bodiless = copy.copy(doc)
            bodiless.body = None
            documents[doc_id] = pickle.dumps(bodiless, protocol=5)
        shelved = Shelved(documents, {doc_id: doc.source for doc_id, doc in site.documents.items()})
        taxonomies = {name: dataclasses.replace(tax, nearest=None) for name, tax in site.taxonomies.items()}
        fixed = dataclasses.replace(state, site=Site(site.config, shelved, taxonomies, site.about, site.held),
                                    links=dataclasses.replace(state.links, _nearest={}), **{name: None for name in LIVE},
                                    rarity=dataclasses.replace(state.rarity, terms=TermsOf.of(state.rarity.terms), lists=None))
        memo.store("edits", key(target), (lineage, fixed))
    else:
        lineage = state.lineage
    memo.store("edits-live", key(target), (lineage, live))


class Shelved(Mapping):
    """A model's documents kept as one pickle each and unpickled when first asked for: a body edit
    reads its own documents and the few its pages list, and unpickling all 10,000 took a third of it.
    Their sources are kept beside, for the home page counts them (`pages.source_names`)."""

    def __init__(self, pickled: dict[str, bytes], sources: dict[str, str]):
        self.pickled, self.opened, self.sources_of = pickled, {}, sources

    def __getitem__(self, doc_id: str) -> Any:
        doc = self.opened.get(doc_id)
        if doc is None:
            doc = self.opened[doc_id] = pickle.loads(self.pickled[doc_id])
        return doc

    def __iter__(self) -> Iterator[str]:
        return iter(self.pickled)

    def __len__(self) -> int:
        return len(self.pickled)

    def __contains__(self, doc_id: object) -> bool:  # (Mapping's would unpickle the document to find it)
        return doc_id in self.pickled

    def source(self, doc_id: str) -> str:
        doc = self.opened.get(doc_id)  # (a document a fast build patched is opened: `_apply`)
        return self.sources_of[doc_id] if doc is None else doc.source

    def sources(self) -> set[str]:
        return {self.source(doc_id) for doc_id in self.pickled}


def recall(memo: Memo, target: Path) -> Remembered | None:
    """What the last build into `target` remembered, if both parts are from the same full build."""
    fixed, live = memo.load("edits", key(target)), memo.load("edits-live", key(target))
    if fixed is None or live is None or fixed[0] != live[0] or not isinstance(fixed[1], Remembered):
        return None
    state = dataclasses.replace(fixed[1], **live[1], lineage=fixed[0])
    if state.config is not None:
        state.site.config = state.config
    if state.patched is not None:
        _apply(state, state.patched)
    return state


def _apply(state: Remembered, patched: Patched) -> None:
    """The model, the links' layout, the paths and the rarity of `state` as the fast front-matter
    builds since its full build left them (`Patched`); a document's order never changes there."""
    site, layout = state.site, state.links.layout
    for doc_id, doc in patched.documents.items():
        site.documents.opened[doc_id] = doc
    for (name, term_id), term in patched.terms.items():
        terms = site.taxonomies[name].terms
        if term is None:
            terms.pop(term_id, None)
            layout.terms.pop((name, term_id), None)
        else:
            terms[term_id] = term
            layout.terms[name, term_id] = term.folder
    for name in {name for name, _ in patched.terms}:
        site.taxonomies[name].terms = dict(sorted(site.taxonomies[name].terms.items()))
    state.known = (state.known | patched.paths) - patched.gone
    state.rarity = rarity_patched(state.rarity, site, patched.documents, patched.terms)


def rarity_patched(rarity: Rarity, site: Site, documents: Mapping[str, Any], terms: Mapping[tuple[str, str], Any]) -> Rarity:
    """`pages.rarity` of `site` from the last one, where only these documents' terms and these terms'
    documents changed (the number of documents did not)."""
    weight = dict(rarity.weight)
    total = max(1, len(site.documents))
    for key, term in terms.items():
        if term is None:
            weight.pop(key, None)
        else:
            weight[key] = term_weight(term, total)
    base, over = (rarity.terms.base, rarity.terms.over) if isinstance(rarity.terms, Overlay) else (rarity.terms, {})
    return Rarity(Overlay(base, {**over, **{doc_id: terms_of(doc) for doc_id, doc in documents.items()}}), weight,
                  rarity.age)


class TermsOf(Mapping):
    """`Rarity.terms` kept as numbers: every (taxonomy, term id) pair once, and per document the numbers
    of its pairs, each document's frozenset made when first asked for. Kept as 50,000 tuples in 10,000
    frozensets, they took a tenth of a second to unpickle at 10,000 documents, more than the rest of the
    model, and an edit ranks the related documents of a few. The terms of documents edited since are
    laid over it (`Overlay`, `rarity_patched`)."""

    def __init__(self, pairs: list[tuple[str, str]], ids: list[str], offsets: array, numbers: array):
        self.pairs, self.ids, self.offsets, self.numbers = pairs, ids, offsets, numbers
        self.found: dict[str, frozenset[tuple[str, str]]] = {}
        self.row = {doc_id: n for n, doc_id in enumerate(ids)}

    @staticmethod
    def of(terms: Mapping[str, frozenset[tuple[str, str]]]) -> "TermsOf":
        pairs = sorted(set().union(*terms.values()))
        number = {pair: n for n, pair in enumerate(pairs)}
        offsets, numbers = array("I", [0]), array("I")
        for found in terms.values():
            numbers.extend(sorted(number[pair] for pair in found))
            offsets.append(len(numbers))
        return TermsOf(pairs, list(terms), offsets, numbers)

    def __reduce__(self):
        return TermsOf, (self.pairs, self.ids, self.offsets, self.numbers)

    def __getitem__(self, doc_id: str) -> frozenset[tuple[str, str]]:
        found = self.found.get(doc_id)
        if found is None:
            n = self.row[doc_id]
            found = self.found[doc_id] = frozenset(self.pairs[i] for i in self.numbers[self.offsets[n]:self.offsets[n + 1]])
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self.ids)

    def __len__(self) -> int:
        return len(self.ids)

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self.row


def key(target: Path) -> bytes:
    return digest("output folder", str(target))


def rebuild_bodies(config: Config, target: Path, found: list[tuple[bytes, SourceFile]], inputs: bytes,
                   settings: bytes, last: LastBuild, memo: Memo, strict: bool, protected: list[Path],
                   budget: Callable[[Any], list[Diagnostic]], as_left: Callable[[], Manifest | None],
                   state: Remembered | None) -> Edited | None:
    """The build of `target` when only the bodies of some documents changed since the last full
    build (or fast one) wrote it; None when anything else changed: then the full build must run.
    `state`: what the last build remembered (`recall`)."""
    if state is None or state.settings != settings or {s.shown for _, s in found} != state.files.keys():
        return None
    edited = [(k, source) for k, source in found if state.files[source.shown][0] != k]
    if not edited or len(edited) > MAX_EDITED or any(source.kind for _, source in edited):
        return None
    if strict and last.warnings:
        return None  # the full build fails, and says why
    manifest = as_left()
    if manifest is None:
        return None
    records, parsed, before = _bodies_only(edited, state, memo, strict)
    if records is None or any(r.id not in state.site.documents for r in records):
        return None  # a document left out (not published today) has no pages to redo: the full build says what changed
    bodies = render_bodies(records, [], 1, None, memo)
    linked, uses, link_problems = link_bodies(records, [], bodies, config.links.broken, state.links)
    link_problems += check_targets(uses, state.known)
    if fatal(link_problems, strict) or any(anchors(bodies[r.path]) != state.links.anchors.get(state.links.layout.document(r.id))
                                            for r in records):
        return None  # a new broken link, or anchors other pages may link to changed: the full build says
    site, earlier = state.site, state.edited
    if len(earlier.keys() | {r.id for r in records} | (state.patched.documents.keys() if state.patched else set())) > MAX_EDITED:
        return None  # a full build starts the count again
    search_state = search_as_left(state)  # the index as the fast builds since the full one left it
    if search_state is None:
        return None
    for record in records:
        site.documents[record.id].body = linked[record.path]
    plan = Plan([], [r.id for r in records], state.known, state.rarity)
    files, removed, search_stats, _ = search.update_bodies(search_state, site, [r.id for r in records])
    with Output(target, protected, manifest) as sink:
        write_pages(config.template_folders, site, plan, 1, sink, keys=state.templates)
        for rel, data in sorted(files.items()):
            write_file(sink, rel, data)
        sink.keep_rest(removed)  # checked above: the output is as the last build left it
        stats = sink.commit()
    drop = set(before) | {d for r in records for d in state.linked.get(r.path, [])} | set(budget(last.search_stats))
    by_path = {r.path: [d for d in link_problems if d.path == r.path] for r in records}
    warnings = sort_diagnostics([d for d in last.warnings if d not in drop] + parsed +
                                [d for found_ in by_path.values() for d in found_] + budget(search_stats))
    for (source_key, source), record in zip(edited, records):
        state.files[source.shown] = (source_key, source.kind)
        state.linked[record.path] = by_path[record.path]
    state.edited = {**earlier, **{r.id: linked[r.path] for r in records}}
    state.targets = state.targets | {use.target for use in uses}
    remember(memo, target, state, whole=False)
    memo.store("output", key(target), sink.manifest)
    now = last._replace(inputs=inputs, warnings=warnings, search_stats=search_stats)
    memo.store("last", key(target), now)
    return Edited(now, stats, len(records))


def _bodies_only(edited: list[tuple[bytes, SourceFile]], state: Remembered, memo: Memo, strict: bool
                 ) -> tuple[list | None, list[Diagnostic], list[Diagnostic]]:
    """The new records of the edited files, if each differs from its last only in its body, with
    the warnings found in them now and before; (None, [], []) otherwise."""
    fresh = memo.reuse("records", edited, lambda items: [parse_file(item) for item in items])
    records, parsed, before = [], [], []
    for (_, source), (record, problems) in zip(edited, fresh):
        last = memo.load("records", state.files[source.shown][0])
        if record is None or last is None or last[0] is None or fatal(problems, strict):
            return None, [], []
        if dataclasses.replace(record, body=last[0].body, body_line=last[0].body_line) != last[0]:
            return None, [], []
        records.append(record)
        parsed += problems
        before += last[1]
    return records, parsed, before


def fatal(problems: list[Diagnostic], strict: bool = False) -> bool:
    """Whether `problems` stop a build: an error, or anything under --strict (a note is never an error)."""
    return any(strict or d.severity != WARNING for d in problems)
