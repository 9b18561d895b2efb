"""The build after a front-matter or registry edit: the model is patched where the edited files reach
it, and only the pages that read what changed are planned and rendered again.

A document's fields reach its own pages, the pages of its translations (they list it), its terms'
pages (the slice of each list it is in; the first page's co-occurring terms when its terms changed),
the documents whose related lists hold it, and the listings that show it (home, chronology, sources);
a term whose list changed (a document added or taken away) reaches every page of its documents (they
show its count), its own pages and its taxonomy's index. A registry entry's description, url or other
fields but its names and kind reach its own pages alone. So when only some documents' and registry
entries' files changed since the last build into an output folder, and in none of the ways that move
pages (`_same_place`: an id, a date, a language, translations, attachments, redirects, publication, a
term's names), this patches the model the last build remembered (`incremental.Remembered`, `Patched`),
plans those pages, the data files and the search index's changed files (`incremental.patch_search`),
and keeps every other file where it is. The listings of every document (chronology, sources) and the
documents' tables are not made again whole for one document: its row is replaced in the file the
output holds (`_listings_patched`, only where the theme's own templates draw the page; `_table_patched`). Anything else takes the full build, which is the reference:
tests compare the two byte for byte. Must not write anything but through `output.Output`.
"""

from __future__ import annotations

import bisect
import csv
import dataclasses
import functools
import io
import json
import math
from pathlib import Path
from typing import Any, Callable

from sitegen import exports, feeds, incremental, urls
from sitegen.chrome import doc_item
from sitegen.cache import Memo
from sitegen.config import Config
from sitegen.errors import WARNING, Diagnostic, by_path, sort_diagnostics
from sitegen.incremental import Edited, LastBuild, Overlay, Patched, Remembered, as_listed, fatal, key, patch_search
from sitegen.incremental import rarity_patched, remember, search_as_left, write_file, write_pages
from sitegen.inputs import SourceFile, parse_file, render_bodies
from sitegen.links import anchors, check_targets, link_bodies
from sitegen.model import Document, Site, Taxonomy, Term, document_of, document_warnings, resolve_one, term_of, term_warnings
from sitegen.output import Manifest, Output
from sitegen.outputs import OUTPUTS
from sitegen.pages import HOME_LATEST, LISTINGS, Page, Plan, listing_base, plan_chronology, plan_home, plan_sources
from sitegen.pages import plan_taxonomy_index, plan_term
from sitegen.render import environment
from sitegen.pages import may_relate, related
from sitegen.schedule import hold


def rebuild_fields(config: Config, target: Path, found: list[tuple[bytes, SourceFile]], inputs: bytes, settings: bytes,
                   last: LastBuild, memo: Memo, strict: bool, protected: list[Path], budget: Callable[[Any], list[Diagnostic]],
                   as_left: Callable[[], Manifest | None], state: Remembered | None, day: Any) -> Edited | None:
    """The build of `target` when only documents' and registry entries' files changed since the last
    build wrote it, each in place (`_same_place`); None otherwise: then the full build must run.
    `state`: what the last build remembered (`incremental.recall`); `day`: today, for publication."""
    if state is None or strict or state.settings != settings or {s.shown for _, s in found} != state.files.keys():
        return None
    edited = [(k, source) for k, source in found if state.files[source.shown][0] != k]
    patched = state.patched.documents.keys() if state.patched else set()
    if not edited or len(state.edited.keys() | patched) + len(edited) > incremental.MAX_EDITED:
        return None
    read = _read(edited, state, memo, day)
    if read is None:
        return None
    docs, terms, parsed, before = read
    change = _patched_model(config, state, docs, terms, memo)
    if change is None:
        return None
    manifest = as_left()
    if manifest is None:
        return None
    listings = _listings_patched(config, state, target, change)
    site, plan, added, gone = _plan(config, state, change, found, memo, target, listings.keys())
    if plan is None:
        return None
    left = search_as_left(state)
    searched = None if left is None else patch_search(
        left, site, sorted(change.documents), lambda ids: _bodies_back(config, site, set(ids), found, state, memo, site.documents.over),
        dated=any(doc.date != was.date for doc, was in change.documents.values()))
    if searched is None:
        return None
    files, removed, search_stats, _ = searched
    files.update(_data_files(site, target, change, state.site))
    files.update(listings)
    with Output(target, protected, manifest) as sink:
        write_pages(config.template_folders, site, plan, 1, sink, keys=state.templates)
        for rel, data in sorted(files.items()):
            write_file(sink, rel, data)
        sink.keep_rest(removed | gone)  # checked above: the output is as the last build left it
        stats = sink.commit()
    _patch_state(state, edited, change, added, gone, plan.documents)
    remember(memo, target, state, whole=False)
    memo.store("output", key(target), sink.manifest)
    now = last._replace(inputs=inputs, warnings=_warnings(last, change, parsed, before, budget, search_stats),
                        counts=site.counts(), pages=last.pages + len(added) - len(gone), search_stats=search_stats)
    memo.store("last", key(target), now)
    return Edited(now, stats, 0)


def _patch_state(state: Remembered, edited: list[tuple[bytes, SourceFile]], change: "Change", added: frozenset[str],
                 gone: frozenset[str], redone: list[str]) -> None:
    """What the next build starts from: the edited files' keys and link warnings, the change added to
    what the fast builds since the last full one patched (`incremental.Patched`), and the documents
    `redone`, whose related lists may have changed, among those a template edit must rank again."""
    patched = state.patched or Patched()
    for source_key, source in edited:
        state.files[source.shown] = (source_key, source.kind)
    state.linked.update(change.linked)
    for doc_id in change.documents:
        state.edited.pop(doc_id, None)  # its body is in the patched document now
    state.patched = Patched({**patched.documents, **{d: doc for d, (doc, _) in change.documents.items()}},
                            {**patched.terms, **{k: term for k, (term, _) in change.terms.items()}},
                            (patched.paths | added) - gone, (patched.gone | gone) - added)
    state.targets = state.targets | change.targets
    if state.unranked is not None:
        state.unranked = state.unranked | frozenset(redone)


def _read(edited: list[tuple[bytes, SourceFile]], state: Remembered, memo: Memo, day: Any) -> tuple | None:
    """The new and last records of the edited files, documents and registry entries apart, with the
    problems found in them now and before; None if one is not an edit in place (`_same_place`)."""
    fresh = memo.reuse("records", edited, lambda items: [parse_file(item) for item in items])
    docs, terms, parsed, before = [], [], [], []
    for (_, source), (record, problems) in zip(edited, fresh):
        was = memo.load("records", state.files[source.shown][0])
        if record is None or was is None or was[0] is None or fatal(problems):
            return None
        if not _same_place(record, was[0], state.site, day):
            return None
        (terms if source.kind else docs).append(record)
        parsed += problems
        before += was[1]
    return docs, terms, parsed, before


def _same_place(record: Any, was: Any, site: Site, day: Any) -> bool:
    """Whether `record` changes nothing that moves or numbers pages, or that other files decide with it:
    a document keeps its id, date, language, translation, publication, and has no attachments or
    redirects (their pages show its title); a registry entry keeps its names, aliases, kind, redirects."""
    if hasattr(record, "taxonomy"):
        term = site.taxonomies[record.taxonomy].terms.get(record.id) if record.taxonomy in site.taxonomies else None
        return (term is not None and term.path == record.path and (record.id, record.taxonomy) == (was.id, was.taxonomy)
                and (record.names, record.aliases, record.kind) == (was.names, was.aliases, was.kind)
                and [r.text for r in record.redirects] == [r.text for r in was.redirects])
    return (record.id == was.id and record.id in site.documents and record.id not in site.held
            and (record.date, record.language, record.draft, record.embargo, record.expires)
            == (was.date, was.language, was.draft, was.embargo, was.expires)
            and _text(record.translation_of) == _text(was.translation_of)
            and not (record.attachments or was.attachments or record.redirects or was.redirects) and hold(record, day) is None)


def _text(ref: Any) -> str | None:
    return None if ref is None else ref.text


@dataclasses.dataclass
class Change:
    """The model's parts an edit changed, each (as now, as before)."""

    documents: dict[str, tuple[Document, Document]]
    terms: dict[tuple[str, str], tuple[Term | None, Term | None]]
    taxonomies: dict[str, Taxonomy]  # as now
    problems: dict[str, list[Diagnostic]]  # source path -> warnings resolving its references and linking its body found
    linked: dict[str, list[Diagnostic]]  # source path -> warnings about its links
    targets: frozenset[str]  # the pages their links point at


def _patched_model(config: Config, state: Remembered, docs: list, terms: list, memo: Memo) -> Change | None:
    """The documents and terms the records make, as `build_site` would in the remembered model; None
    when the edit reaches further (a broken link, an anchor other pages may link to, a term created
    under another spelling, ...)."""
    site = state.site
    bodies = render_bodies(docs, terms, 1, None, memo)
    linked, uses, link_problems = link_bodies(docs, terms, bodies, config.links.broken, state.links)
    link_problems += check_targets(uses, state.known)
    if fatal(link_problems) or any(anchors(bodies[r.path]) != state.links.anchors.get(state.links.layout.document(r.id)) for r in docs) \
            or any(anchors(bodies[r.path]) != state.links.anchors.get(state.links.layout.term(r.taxonomy, r.id)) for r in terms):
        return None
    taxonomies = {name: Taxonomy(tax.config, dict(tax.terms), mixed=tax.mixed) for name, tax in site.taxonomies.items()}
    changed_terms: dict[tuple[str, str], tuple[Term | None, Term | None]] = {}
    for record in terms:
        was = taxonomies[record.taxonomy].terms[record.id]
        taxonomies[record.taxonomy].terms[record.id] = term_of(record, linked[record.path], was)
        changed_terms[record.taxonomy, record.id] = (None, site.taxonomies[record.taxonomy].terms[record.id])
    order = {doc_id: n for n, doc_id in enumerate(site.documents)}
    documents, problems = {}, {}
    for record in docs:
        was = site.documents[record.id]
        found = resolve_one(record, taxonomies)
        if found is None or fatal(found[3]) or not _spelled_alike(was, *found[1:3], taxonomies):
            return None
        resolved, created, _, more = found
        for (name, term_id), term in created.items():
            taxonomies[name].terms[term_id] = term
            changed_terms.setdefault((name, term_id), (None, None))
        doc = document_of(record, linked[record.path], resolved, was)
        documents[record.id] = (doc, was)
        problems[record.path] = more
        for name, tax in taxonomies.items():
            then, now = set(was.terms.get(name, ())), set(doc.terms.get(name, ()))
            for term_id in then ^ now:
                term = tax.terms[term_id]
                changed_terms.setdefault((name, term_id), (None, site.taxonomies[name].terms.get(term_id)))
                ids = [d for d in term.documents if d != record.id]
                if term_id in now:
                    bisect.insort(ids, record.id, key=order.__getitem__)
                if ids or term.path:
                    tax.terms[term_id] = dataclasses.replace(term, documents=tuple(ids))
                else:
                    del tax.terms[term_id]
    for name, tax in taxonomies.items():
        tax.terms = dict(sorted(tax.terms.items()))
    change_terms = {k: (taxonomies[k[0]].terms.get(k[1]), was) for k, (_, was) in changed_terms.items()}
    by_file = by_path(link_problems)
    linked_now = {r.path: by_file.get(r.path, []) for r in [*docs, *terms]}
    for path, found in linked_now.items():
        problems.setdefault(path, []).extend(found)
    return Change(documents, change_terms, taxonomies, problems, linked_now, frozenset(use.target for use in uses))


def _spelled_alike(was: Document, created: dict, spelled: dict, taxonomies: dict[str, Taxonomy]) -> bool:
    """Whether the terms created by the documents' own names (not a registry's) that this document names,
    before or after, keep their names: a created term is named as the first document naming it writes
    it, so each must be written one way by every document."""
    for (name, term_id), ways in spelled.items():
        term = created.get((name, term_id)) or taxonomies[name].terms[term_id]
        if term_id in taxonomies[name].mixed or ways != {term.names.get("")}:
            return False
    return not any(t in taxonomies[name].mixed for name, ids in was.terms.items() if name in taxonomies for t in ids)


def _item(doc: Document) -> tuple:
    """What listings show of a document (`chrome.doc_item`)."""
    return (doc.id, doc.folder, doc.title, doc.language, doc.dir, doc.date, doc.source, doc.summary)


def _plan(config: Config, state: Remembered, change: Change, found: list, memo: Memo, target: Path,
          patched: Any = frozenset()) -> tuple[Site, Plan | None, frozenset[str], frozenset[str]]:
    """The patched site, the plan of the pages the change reaches but those `patched` (None: it reaches
    too far, take the full build) and the output paths it adds and takes away."""
    before = state.site
    now = {doc_id: doc for doc_id, (doc, _) in change.documents.items()}
    site = Site(config, Overlay(before.documents, now), change.taxonomies, before.about, before.held)
    listed = {k for k, (term, was) in change.terms.items() if as_listed(term) != as_listed(was)}
    folders = urls.term_folders([(name, t.id, len(t.documents)) for name, tax in site.taxonomies.items() for t in tax.terms.values()],
                                config.limits.folder_entries, config.page_size, bool(config.base_url))
    if any(folders[name, t.id] != t.folder for name, tax in site.taxonomies.items() for t in tax.terms.values()):
        return site, None, frozenset(), frozenset()  # a term moves: the full build says where
    paths_now = {p for k in listed for p in _term_paths(site, change.terms[k][0])}
    paths_then = {p for k in listed for p in _term_paths(before, change.terms[k][1])}
    added, gone = frozenset(paths_now - paths_then), frozenset(paths_then - paths_now)
    if (added or gone) and (config.base_url or any(state.linked.values()) or (added | gone) & (state.targets | change.targets)):
        return site, None, frozenset(), frozenset()  # the sitemap lists pages; a link (or a broken link's hint) may name one
    if added and {p.casefold() for p in added} & {p.casefold() for p in state.known}:
        return site, None, frozenset(), frozenset()  # a redirect or another page has that address, as a disk may compare
    items = {doc_id for doc_id, (doc, was) in change.documents.items() if _item(doc) != _item(was)}
    if any(urls.document(doc_id) in state.known and site.documents[doc_id].folder for doc_id in items):
        return site, None, frozenset(), frozenset()  # its old address's redirect shows its title (`pages.plan_legacy`)
    rarity = rarity_patched(state.rarity, site, now, {k: term for k, (term, _) in change.terms.items()})
    site.documents.pairs = rarity.terms  # a term's first page counts its documents' other terms: thousands
    redo = _documents_reached(site, change, listed, items, rarity, _ranked_as_left(state, memo, target, change, listed))
    if not _bodies_back(config, site, redo - now.keys(), found, state, memo, now):
        return site, None, frozenset(), frozenset()
    pages = _pages_reached(site, change, listed, items, patched)
    return site, Plan(sorted(pages, key=lambda p: p.path), sorted(redo), (state.known | added) - gone, rarity), added, gone


ROW = '{% import "_macros.html" as m with context %}{{ m.doc_list(items, ui) }}'  # a listing's rows as its page draws them


def _listings_patched(config: Config, state: Remembered, target: Path, change: Change) -> dict[str, bytes]:
    """The listings of every document (`pages.LISTINGS`) where the change moves no document, in every
    edition: the files the output holds (checked as the last build left them) with the rows of the
    documents whose item changed drawn again, each where it was. A listing of 10,000 rows took a third
    of a title edit's build to plan and render whole. Only where the page is made of the theme's own
    templates as sitegen ships them (`Remembered.theme_keys`): there a row is its document's item
    alone, drawn by `doc_list`, and shows its link, once in the page; a page made of a project's
    templates (which may draw a row from anything) is planned and rendered whole, as one whose file
    does not hold the row as it was drawn."""
    site = state.site
    moved = {doc_id: (doc, was) for doc_id, (doc, was) in change.documents.items() if _item(doc) != _item(was)}
    out: dict[str, bytes] = {}
    if not moved:
        return out
    for name, (where, template, place) in LISTINGS.items():
        if state.templates.get(template) is None or state.templates.get(template) != state.theme_keys.get(template) \
                or any(place(doc) != place(was) for doc, was in moved.values()):
            continue
        for ed in urls.editions(config.languages):
            ctx = listing_base(site, ed, name)
            rows = [tuple(_row(config, template, ctx, d) for d in (was, doc)) for doc, was in moved.values()]
            data = _rows_replaced(target / ed.path(where), rows)
            if data is not None:
                out[ed.path(where)] = data
    return out


def _row(config: Config, template: str, ctx: dict[str, Any], doc: Document) -> bytes:
    """A document's row in a listing with the keys `ctx`, as `doc_list` draws it (`<li>` to `</li>`)."""
    drawn = _row_template(environment(config.template_folders, template)).render(
        {**ctx, "items": [doc_item(doc, ctx["ui_lang"], config.digits)]})
    start, end = drawn.find("<li"), drawn.rfind("</li>")
    return drawn[start:end + len("</li>")].encode("utf-8") if 0 <= start < end else b""


@functools.lru_cache(maxsize=4)
def _row_template(env: Any) -> Any:
    return env.from_string(ROW)


def _rows_replaced(path: Path, rows: list[tuple[bytes, bytes]]) -> bytes | None:
    """The page at `path` with each (row as it was, row now) replaced; None if one is not there once."""
    try:
        page = path.read_bytes()
    except OSError:
        return None
    for was, now in rows:
        if not was or page.count(was) != 1:
            return None
        page = page.replace(was, now)
    return page


def _term_paths(site: Site, term: Term | None) -> set[str]:
    """Every output path of a term: its pages in each edition, its feeds."""
    if term is None:
        return set()
    count = max(1, math.ceil(len(term.documents) / site.config.page_size))
    out = {ed.path(urls.term(term.taxonomy, term.id, n, term.folder)) for ed in urls.editions(site.config.languages)
           for n in range(1, count + 1)}
    if site.config.base_url and term.documents:
        out |= {path for path, *_ in feeds.planned_feeds(site, {(term.taxonomy, term.id)}, archive=False)}
    return out


def _documents_reached(site: Site, change: Change, listed: set, items: set[str], rarity: Any,
                       ranked: dict[str, tuple] | None = None) -> set[str]:
    """The documents whose pages the change reaches: the edited ones; those of every term whose list
    changed (their pages show its count, and rank related documents by its rarity); the translations
    of one whose item changed, and the documents whose related lists hold it (the ranking is otherwise
    as it was: a document sharing no changed term with it keeps its candidates and weights). `ranked`:
    the related lists as the output shows them, where the change ranks nothing anew (`_ranked_as_left`);
    a document's not there is ranked again."""
    redo = set(change.documents)
    for k in listed:
        for term in change.terms[k]:
            redo.update(term.documents if term is not None else ())
    for doc_id in items:
        doc, was = change.documents[doc_id]
        redo.update((*doc.translations, *was.translations))
        terms = rarity.terms[doc_id]
        sharing = {other for name, t in terms for other in site.taxonomies[name].terms[t].documents}
        for other in sorted(sharing - redo):
            known = ranked.get(other) if ranked is not None else None
            if known is not None:
                if doc_id in known[::2]:
                    redo.add(other)
                continue
            candidate = site.documents[other]
            if may_relate(site, candidate, terms, rarity) and any(found == doc_id for found, _ in related(site, candidate, rarity)):
                redo.add(other)
    return redo


def _ranked_as_left(state: Remembered, memo: Memo, target: Path, change: Change, listed: set) -> dict[str, tuple] | None:
    """The related lists (`pages.flat`) the last full build or template edit ranked, less those fast
    builds since may have changed (`Remembered.unranked`), when this change ranks nothing anew: no
    term's list changed (the rarities are as they were) and no document's terms did. Looking a title
    up in them costs less than ranking again the hundreds of documents that may list it; None when
    they cannot answer (then each is ranked)."""
    if listed or state.unranked is None or any(doc.terms != was.terms for doc, was in change.documents.values()):
        return None
    found = memo.load("related", key(target))
    if not (isinstance(found, tuple) and len(found) == 2 and found[0] == state.lineage):
        return None
    return {doc_id: lists for doc_id, lists in found[1].items() if doc_id not in state.unranked}


def _bodies_back(config: Config, site: Site, ids: set[str], found: list, state: Remembered, memo: Memo,
                 now: dict[str, Document]) -> bool:
    """The bodies of the unedited documents whose pages are planned again, into the patched site (the
    remembered model keeps none), made as the full build made them; False if one has none."""
    if not ids:
        return True
    paths = {site.documents[doc_id].path: doc_id for doc_id in ids}
    wanted = [(k, s) for k, s in found if s.shown in paths]
    parsed = memo.reuse("records", wanted, lambda items: [parse_file(item) for item in items])
    records = [record for record, _ in parsed if record is not None and record.path in paths]
    linked = link_bodies(records, [], render_bodies(records, [], 1, None, memo), config.links.broken, state.links)[0]
    for record in records:
        now[record.id] = dataclasses.replace(site.documents[record.id], body=linked[record.path])
    return all(doc_id in now for doc_id in ids)


def _pages_reached(site: Site, change: Change, listed: set, items: set[str], patched: Any) -> list[Page]:
    """The site's own pages the change reaches (see the module's docstring), in every edition, but the
    listings whose rows are `patched`."""
    latest = set(list(site.documents)[-HOME_LATEST:])
    sources = any(doc.source != was.source for doc, was in change.documents.values())
    numbers: dict[tuple[str, str], set[int] | None] = {k: None for k in listed}
    numbers.update({k: None for k, (term, was) in change.terms.items() if term is not None and was is not None and term != was
                    and term.path})  # a registry entry's own fields: every page of it
    for doc_id, (doc, was) in change.documents.items():
        for name, ids in [*doc.terms.items(), *was.terms.items()]:
            for t in ids:
                term = site.taxonomies[name].terms.get(t)
                if term is None or numbers.get((name, t), set()) is None:
                    continue
                wanted = numbers.setdefault((name, t), set())
                if doc.terms != was.terms:
                    wanted.add(1)  # its co-occurring terms
                if doc_id in items and doc_id in term.documents:
                    wanted.add(site.in_order(term.documents).index(doc_id) // site.config.page_size + 1)
    pages: list[Page] = []
    for ed in urls.editions(site.config.languages):
        if listed or sources or items & latest:
            pages.append(plan_home(site, ed))
        if items:
            pages += [plan(site, ed) for plan, name in ((plan_chronology, "chronology"), (plan_sources, "sources"))
                      if ed.path(LISTINGS[name][0]) not in patched]
        pages += [plan_taxonomy_index(site, name, ed) for name in site.taxonomies if any(k[0] == name for k in listed)]
        for (name, t), wanted in sorted(numbers.items()):
            term = site.taxonomies[name].terms.get(t)
            if term is not None and (wanted is None or wanted):
                pages += plan_term(site, term, ed, wanted)
    stems = {k for k, (term, was) in change.terms.items() if term is not None}
    stems |= {(name, t) for doc, was in change.documents.values() for name, ids in [*doc.terms.items(), *was.terms.items()]
              for t in ids}
    newest = set(list(site.documents)[-feeds.FEED_SIZE:])
    pages += [Page(*planned) for planned in feeds.planned_feeds(site, stems, archive=bool(newest & change.documents.keys()))]
    return pages


def _data_files(site: Site, target: Path, change: Change, before: Site) -> dict[str, bytes]:
    """The data files (`outputs.OUTPUTS` with a `make`) the change reaches: a taxonomy's, a term's or a
    document's when it changed; the documents' tables with their rows patched in the files the output
    holds (one row a document, `ROWS`); every other of the site's made whole."""
    files: dict[str, bytes] = {}
    docs = {doc_id: doc for doc_id, (doc, _) in change.documents.items()}
    terms = [term for term, _ in change.terms.values() if term is not None]
    for o in OUTPUTS:
        if o.make is None:
            continue
        if o.scope == "taxonomy":
            files.update((o.path(name), o.make(site, name)) for name in sorted({name for name, _ in change.terms}))
        elif o.scope == "term":
            files.update((o.path(term), o.make(site, term)) for term in terms)
        elif o.scope == "document":
            files.update((o.path(doc.id, doc.folder), o.make(site, doc)) for doc in docs.values())
        elif o.make in ROWS:
            if docs:
                row = ROWS[o.make]
                rows = [(row(before, was), row(site, doc)) for doc, was in change.documents.values()]
                files[o.path()] = _table_patched(target / o.path(), rows, o.make is exports.documents_csv) or o.make(site)
        else:
            files[o.path()] = o.make(site)
    return files


def _json_row(site: Site, doc: Document) -> bytes:
    """A document's line in documents.json (`exports._json`), with the newline before it."""
    return ("\n" + json.dumps(exports.document_json(site, doc), ensure_ascii=False, default=str)).encode("utf-8")


def _csv_row(site: Site, doc: Document) -> bytes:
    """A document's row in documents.csv (`exports._csv`): a record ends with CRLF."""
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerow(exports.document_row(site, doc))
    return out.getvalue().encode("utf-8")


ROWS = {exports.documents_json: _json_row, exports.documents_csv: _csv_row}  # a documents' table -> a document's row in it


def _table_patched(path: Path, rows: list[tuple[bytes, bytes]], quoted: bool) -> bytes | None:
    """A documents' table the output holds (checked as the last build left it), with each (row as it
    was, row now) replaced where it is whole; None when one is not there. A JSON row is a line (its
    text has no newline) ending in `,` or followed by `]`; a CSV record may hold a newline within
    quotes, so a row is where an even number of quotes comes before it, after a record's CRLF. Each
    row begins with its document's id, so it is there once."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    for was, now in rows:
        at = _whole_row(data, was, quoted)
        if at is None:
            return None
        data = data[:at] + now + data[at + len(was):]
    return data


def _whole_row(data: bytes, row: bytes, quoted: bool) -> int | None:
    at = data.find(row)
    while at >= 0:
        after = data[at + len(row):at + len(row) + 2]
        if (data[at - 2:at] == b"\r\n" and data.count(b'"', 0, at) % 2 == 0) if quoted else after in (b",\n", b"\n]"):
            return at
        at = data.find(row, at + 1)
    return None


def _warnings(last: LastBuild, change: Change, parsed: list[Diagnostic], before: list[Diagnostic],
              budget: Callable[[Any], list[Diagnostic]], search_stats: Any) -> list[Diagnostic]:
    """The full build's warnings: the last build's, less what it said of the edited files and of the
    terms whose documents changed, plus what is said of them now."""
    edited = {doc.path for doc, _ in change.documents.values()} | {p for p in change.linked}
    drop = set(before) | set(budget(last.search_stats))
    added = list(parsed) + budget(search_stats)
    for doc, _ in change.documents.values():
        added += document_warnings(doc)
    for term, was in change.terms.values():
        drop.update(term_warnings(was) if was is not None else ())
        added += term_warnings(term) if term is not None else []
    for found in change.problems.values():
        added += [d for d in found if d.severity == WARNING]
    kept = [d for d in last.warnings if d not in drop and d.path not in edited]
    return sort_diagnostics(kept + added)
