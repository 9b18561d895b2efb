"""Plan every page: its output path, its template, and exactly what that template receives.

Owns the template contract (the keys every page has and the listing items are built in `chrome`).
Templates never see the model; they get plain dicts built here:
- every page: `site` {title, title_lang, description, description_lang, language, build_date, extra,
  theme {logo, favicon (output-root paths or ""), accent ("#rrggbb" or ""), footer_text (a text or
  None), footer_links [{label (text), href, internal}], about_href ("" when there is no about page)}},
  `page_path`, `lang`, `dir`, `ui` (interface words), `ui_lang`, `nav` [{label, href, current}],
  `title`, `search_href`, `home_href`, `languages` [{lang, dir, name, href}] (the language switch: this
  page in the other editions, or a document's translation) and `alternates` [{lang, href}] (`hreflang`
  links to the same page in other languages), `meta` {description, type, locale, url, noindex} (see
  `chrome.page_meta`: a document's or term's own description, else the site's).
- a *text* of undeclared language (source names, authors, notes): {text, lang, dir} (`lang` may be "").
- a *document item* (listings): {href, title, lang, dir, date, date_iso, source (text), summary, language}.
- a *term item*: {href, name, lang, dir, count, kind}.
The site's own pages are planned once per edition (`languages` in the config; see urls.Edition) and
list documents of every language; a document page exists once, in its own language, with the chrome
of its language's edition (the default edition's when its language has none).
Page-specific keys are listed on each planner below. All `href`s are output-root paths; templates
make them page-relative with the `rel` filter. Must not render or write anything.
"""

from __future__ import annotations

import functools
import heapq
import json
import math
import posixpath
from collections import Counter
from dataclasses import dataclass
from typing import Any, Callable, Iterable

from markupsafe import Markup

from sitegen import feeds, l10n, urls
from sitegen.attachments import PageText, describe_size
from sitegen.originals import LOW_CONFIDENCE
from sitegen.chrome import alternate_links, base, doc_item, edition_of, marks, missing_strings, page_meta, plain, term_description, term_item, text
from sitegen.cite import citation
from sitegen.exports import columns
from sitegen.outputs import listed, of, one
from sitegen.dates import ArchivalDate
from sitegen.errors import Diagnostic
from sitegen.config import Config
from sitegen.model import Document, Site, Term, term_ids
from sitegen.schema import DOCUMENT_FIELDS, PROVENANCE, DocumentRecord, TermRecord, text_direction
from sitegen.ui import STRINGS, kind_label, language_name, ui_language

HOME_LATEST = 10
HOME_TOP = 12
RELATED = 6
# The provenance list of a document page: the fields with a `page` role, in the table's order
PROVENANCE_ROWS = [{"name": name, "show": PROVENANCE.get(spec.kind, "plain"), "required": spec.required}
                   for name, spec in sorted(DOCUMENT_FIELDS.items(), key=lambda item: item[1].page) if spec.page]
RELATED_CANDIDATES = 60
COOCCURRING = 30


@dataclass(frozen=True)
class Page:
    path: str  # output-root path of the file to write
    template: str
    context: dict[str, Any]
    source: str  # what this page comes from, for collision messages


@dataclass(frozen=True)
class Later:
    """A page of the site's own whose context is made only when it is rendered (`made`), by the page
    worker that renders it: a term's listing pages hold a slice of its documents' items and links to
    each of its pages, which for the site's every term were the bulk of a plan (at 100,000 documents,
    hundreds of MB held while the page workers ran). Its path, template and source are known now."""

    path: str
    template: str
    source: str
    make: Callable[[Site], Page]  # given the site, the page (a `functools.partial` of its planner)
    alternates: tuple = ()  # (lang, href) of the same page in each edition: what the sitemap needs of it


def made(site: Site, page: "Page | Later") -> Page:
    """The page with its context: a `Later` one planned now."""
    return page.make(site) if isinstance(page, Later) else page


@dataclass(frozen=True)
class Plan:
    """Every page of the site, without holding them all: the site's own pages planned (home, feeds,
    sitemap, ...) or to be planned when rendered (`Later`: the listings, a term's pages), and the
    documents whose outputs (`outputs.of("document")`) `plan_document` plans when they are rendered
    (at 100,000 documents, 400,000 contexts would not fit in memory at once)."""

    pages: list[Page | Later]  # sorted by path
    documents: list[str]  # document ids
    paths: frozenset[str]  # every output path, which a link may point at
    rarity: Rarity

    def __len__(self) -> int:
        return len(self.pages) + len(self.documents) * len(of("document"))


def plan_site(site: Site, assets: Iterable[str] = ()) -> tuple[Plan, list[Diagnostic]]:
    """The plan of every page; two sources claiming one path is an error (`assets`: the asset files'
    output paths, which no redirect may replace)."""
    claims = [(o.path(doc.id, folder=doc.folder), doc.path) for doc in site.documents.values() for o in of("document")]
    pages: list[Page] = []
    for ed in urls.editions(site.config.languages):
        pages += [plan_home(site, ed)]
        pages += [later(site, ed, ed.path(LISTINGS[name][0]), LISTINGS[name][1], source, functools.partial(planner, ed=ed))
                  for name, planner, source in (("chronology", plan_chronology, "the chronology"),
                                                ("sources", plan_sources, "the sources index"))]  # every document: planned
        pages += [plan_search(site, ed), plan_data(site, ed)]  # when rendered, as a term's listing pages are (`Later`)
        pages += [plan_about(site, ed)] if ed.lang in site.about else []
        for tax in site.taxonomies.values():
            name = tax.config.name
            pages.append(later(site, ed, ed.path(urls.taxonomy_index(name)), "taxonomy.html", f"taxonomy `{name}`",
                               functools.partial(plan_taxonomy_index, name=name, ed=ed)))
            for term in tax.terms.values():
                pages += term_pages(site, term, ed)
    pages += [Page(*planned) for planned in feeds.planned_feeds(site)]
    alternates = [(urls.document(doc.id, folder=doc.folder), {"alternates": alternate_links(document_switch(site, doc))})
                  for doc in site.documents.values()]
    pages += [Page(*planned) for planned in feeds.planned_sitemap(site, alternates + [
        (p.path, {"alternates": [{"lang": k, "href": v} for k, v in p.alternates]} if isinstance(p, Later) else p.context)
        for p in pages])]
    claims += [(p.path, p.source) for p in pages]
    first, problems = _check_collisions(claims)
    taken = {path: claims[n][1] for path, n in first.items()} | {path: f"the asset {path}" for path in assets}
    moved, more = plan_redirects(site, taken)  # after the sitemap: an old address is not a page to index
    moved += plan_legacy(site, taken.keys() | {p.path for p in moved})
    planned = len(claims) - len(pages)
    kept = sorted([*(p for n, p in enumerate(pages, planned) if first[p.path] == n), *moved], key=lambda p: p.path)
    return Plan(kept, list(site.documents), frozenset(first) | {p.path for p in moved}, rarity(site)), \
        missing_strings(site) + problems + more


def _attachment_paths(doc: Document) -> list[str]:
    """Where a document's attachments are published: a described one knows (`href`); a check that
    reads no files (an import's, before it copies them) has only their names as written."""
    return [getattr(a, "href", "") or urls.attachment(doc.id, a.text, doc.folder) for a in doc.attachments]


def plan_redirects(site: Site, taken: dict[str, str]) -> tuple[list[Page], list[Diagnostic]]:
    """A small page at each old address a document or registry entry lists under `redirects`, sending
    readers to its page (see templates/redirect.html), in its language. Adds: target (its page),
    canonical (its absolute address, "" without base_url), target_title. An old address that another
    output, an asset, an attachment or another redirect has (compared as a case-insensitive disk
    would) is an error naming both, at the line that asks for it. `taken`: every other output path ->
    what writes it."""
    owners = {path.casefold(): source for path, source in taken.items()}
    owners.update((path.casefold(), f"{doc.path} (attachment)") for doc in site.documents.values()
                  for path in _attachment_paths(doc))
    pages, problems, redirect = [], [], one("redirect")
    for source, refs, target, lang, title in _moved(site):
        for ref in refs:
            path = redirect.path(ref.text)
            folder = path.split("/")[0] if "/" in path else ""
            other = owners.get(path.casefold())
            if other or folder in urls.OWN_FOLDERS:
                what = f"already written for {other}" if other else f"in {folder}/, which sitegen fills itself"
                problems.append(Diagnostic(source, ref.line, ref.col, f"redirect `{ref.text}` would write {path}, {what}",
                                           "remove it, or choose the old address the page really had"))
                continue
            owners[path.casefold()] = f"{source}:{ref.line}:{ref.col}"
            ui_lang = ui_language(lang)
            pages.append(Page(path, redirect.template, {"page_path": path, "lang": lang, "dir": text_direction(lang), "ui": STRINGS[ui_lang],
                                               "target": target, "canonical": urls.absolute(site.config.base_url, target),
                                               "target_title": title}, source))
    return pages, problems


def layout(config: Config, documents: list[DocumentRecord], terms: list[TermRecord]) -> urls.Layout:
    """Where the pages of the published `documents`, and of the terms they and the registry `terms`
    make, go: in folders of at most `limits.folder_entries` entries (`urls.document_folders`,
    `urls.term_folders`)."""
    limit = config.limits.folder_entries
    exts = [posixpath.splitext(o.path(""))[1][1:] for o in of("document")]  # html, bib, ...: each a file in the folder
    docs = urls.document_folders(((r.id, r.date.year, r.date.month, bool(r.attachments)) for r in documents), exts, limit)
    terms_at = urls.term_folders(term_ids(config, documents, terms), limit, config.page_size, bool(config.base_url))
    return urls.Layout(docs, terms_at)


def legacy(site: Site) -> tuple[list[tuple[str, str, str, str, str]], list[str]]:
    """The redirects `legacy_addresses` asks for, (old address, page, its language, title, source), one
    at each address a page had before its folder outgrew `limits.folder_entries` and it moved into a
    sub-folder (`urls.document_folders`, `urls.term_folders`): `documents/<id>.html`, a term's
    `actors/<id>.html` in each edition. `always` all, `never` none, `auto` those of each folder they
    fit in, beside what moved into its sub-folders; and the folders whose redirects `auto` leaves out."""
    moved = [(urls.document(d.id), urls.document(d.id, folder=d.folder), d.language, d.title, d.path)
             for d in site.documents.values() if d.folder]
    for ed in urls.editions(site.config.languages):
        moved += [(ed.path(urls.term(t.taxonomy, t.id)), ed.path(urls.term(t.taxonomy, t.id, folder=t.folder)), ed.lang,
                   t.name(ed.lang)[0], t.path or f"{t.taxonomy} term `{t.id}`")
                  for tax in site.taxonomies.values() for t in tax.terms.values() if t.folder]
    wanted = site.config.legacy_addresses
    if wanted != "auto" or not moved:
        return (moved if wanted == "always" else []), []
    indexes = [ed.path(urls.taxonomy_index(name)) for ed in urls.editions(site.config.languages) for name in site.taxonomies]
    entries = urls.folder_entries([*(old for old, *_ in moved), *(new for _, new, *_ in moved), *indexes])
    over = sorted({folder for old, *_ in moved if entries[folder := posixpath.dirname(old)] > site.config.limits.folder_entries})
    return [m for m in moved if posixpath.dirname(m[0]) not in over], over


def plan_legacy(site: Site, taken: Iterable[str]) -> list[Page]:
    """A redirect page at each old address `legacy` gives (at 10,000 documents, those of documents/
    would take 40,000 entries of one folder: left out under `auto`). An address some other output or
    redirect has (`taken`) is left to it."""
    owned = {path.casefold() for path in taken}
    pages = []
    for path, target, lang, title, source in legacy(site)[0]:
        if path.casefold() not in owned:
            pages.append(Page(path, one("redirect").template, {"page_path": path, "lang": lang, "dir": text_direction(lang),
                                               "ui": STRINGS[ui_language(lang)], "target": target,
                                               "canonical": urls.absolute(site.config.base_url, target),
                                               "target_title": title}, source))
    return pages


def _moved(site: Site) -> list[tuple[str, tuple, str, str, str]]:
    """(source file, old addresses, page, its language, its title) of every page that lists old addresses
    (a registry entry's is its page in the default edition)."""
    moved = [(doc.path, doc.redirects, urls.document(doc.id, folder=doc.folder), doc.language, doc.title)
             for doc in site.documents.values() if doc.redirects]
    lang = site.config.language
    moved += [(term.path, term.redirects, urls.term(term.taxonomy, term.id, folder=term.folder), lang, term.name(lang)[0])
              for tax in site.taxonomies.values() for term in tax.terms.values() if term.redirects]
    return moved


def _check_collisions(claims: list[tuple[str, str]]) -> tuple[dict[str, int], list[Diagnostic]]:
    """Output path -> which claim (path, source) is the first to it, and an error for each later one."""
    first: dict[str, int] = {}
    problems = []
    for n, (path, source) in enumerate(claims):
        earlier = first.setdefault(path, n)
        if earlier != n:
            problems.append(Diagnostic(source, 1, 1, f"writes {path}, which {claims[earlier][1]} writes too",
                                       "rename one of them"))
    return first, problems


def plan_home(site: Site, ed: urls.Edition) -> Page:
    """Adds: latest [document item], top [{title, href, items: [term item]}], counts [{label, value}]."""
    ctx = base(site, ed, ed.path(urls.HOME), ed.lang, site.config.title_in(ed.lang)[0], "home")
    ui_lang = ctx["ui_lang"]
    digits = site.config.digits
    latest = [site.documents[doc_id] for doc_id in list(site.documents)[-HOME_LATEST:]]  # (the others are not read)
    ctx["latest"] = [doc_item(d, ui_lang, digits) for d in site.in_order(latest)]
    ctx["top"] = []
    counts = [{"label": ctx["ui"]["documents"], "value": l10n.number(len(site.documents), ui_lang, digits),
               "href": ed.path(urls.CHRONOLOGY)}]
    for name, tax in site.taxonomies.items():
        ranked = sorted(tax.terms.values(), key=lambda t: (-len(t.documents), t.id))
        index = ed.path(urls.taxonomy_index(name))
        ctx["top"].append({"title": tax.config.title_in(ui_lang), "href": index,
                           "items": [term_item(t, ed, len(t.documents)) for t in ranked[:HOME_TOP] if t.documents]})
        counts.append({"label": tax.config.title_in(ui_lang), "value": l10n.number(len(tax.terms), ui_lang, digits), "href": index})
    counts.append({"label": ctx["ui"]["sources"], "value": l10n.number(len(source_names(site)), ui_lang, digits),
                   "href": ed.path(urls.SOURCES)})
    ctx["counts"] = counts
    ctx["feeds"] = feeds.feed_links(site, feeds.site_feed_stem(), ctx["site"]["title"])
    return Page(ctx["page_path"], "home.html", ctx, "the home page")


def source_names(site: Site) -> set[str]:
    """Every document's source: from the documents' mapping where it knows them without reading each
    document (a model the last build remembered unpickles a document when it is read: `incremental.Shelved`)."""
    known = getattr(site.documents, "sources", None)
    return known() if known is not None else {doc.source for doc in site.documents.values()}


def plan_document(site: Site, doc: Document, rarity: Rarity) -> list[Page]:
    """One page per output of the document scope (`outputs.OUTPUTS`), all with this context. Adds: doc {id, every carried
    field of schema.DOCUMENT_FIELDS as `show_field` gives it (title, date, date_iso, date_edtf, source,
    dateline, authors, url, language, language_code, summary, notes, extra [(key, value)]), body (Markup),
    headings}, terms [{title, items}], translations [document item], translation_of (document item or
    None), related [document item + shared], held (the --drafts banner: why and until when it is not
    published, else ""), cite (see cite.citation), downloads [{label, href, type}],
    doc_text {lang, dir} (the language of the document's own text: the title, summary and body), marks
    {source, dateline, notes (texts), authors [text], extra [{label, label_lang, label_dir, value
    (text)}]}: the language of what is written in no declared language (every field shown as `text` or
    `texts` has one), provenance [{name, show, required}] (the fields with a `page` role, labelled
    `ui[name]`). Its language switch offers its
    translations, else the other editions' home pages."""
    path = urls.document(doc.id, folder=doc.folder)
    ed = edition_of(site, doc.language)
    switch = document_switch(site, doc)
    # a document in a language without interface words is an English page (its chrome) whose text
    # carries its own language (`text` below), so readers announce both right
    ui_lang = ui_language(doc.language)
    page_lang = doc.language if ui_lang == doc.language.split("-")[0] else ui_lang
    ctx = base(site, ed, path, page_lang, doc.title, "documents", switch)
    ctx["doc_text"] = {"lang": doc.language, "dir": doc.dir}
    ctx["doc"] = {"id": doc.id, **shown_fields(doc, ui_lang, site.config.digits), "body": Markup(doc.body.html),
                  "headings": [{"level": lvl, "id": i, "text": t} for lvl, i, t in doc.body.headings if i]}
    ctx["cite"] = citation(doc, site.config.base_url, ui_lang)
    ctx["downloads"] = [{"label": o.name, "href": o.path(doc.id, folder=doc.folder), "type": o.media} for o in of("document") if o.media]
    ctx["marks"] = marks(site, doc, ui_lang)
    ctx["provenance"] = PROVENANCE_ROWS
    ctx["terms"] = [{"title": site.taxonomies[name].config.title_in(ui_lang),
                     "items": [term_item(site.taxonomies[name].terms[t], ed, len(site.taxonomies[name].terms[t].documents)) for t in ids]}
                    for name, ids in doc.terms.items() if ids]
    digits = site.config.digits
    ctx["translations"] = [doc_item(site.documents[t], ui_lang, digits) for t in doc.translations]
    ctx["translation_of"] = doc_item(site.documents[doc.translation_of], ui_lang, digits) if doc.translation_of else None
    ctx["related"] = [dict(doc_item(site.documents[other], ui_lang, digits), shared=l10n.count("shared_terms", score, ui_lang, digits))
                      for other, score in related(site, doc, rarity)]
    ctx["held"] = held_banner(site.held.get(doc.id), ui_lang)
    ctx["meta"] = page_meta(site, path, page_lang, doc.summary or doc.body.text, "article", bool(ctx["held"]))
    return [Page(o.path(doc.id, folder=doc.folder), o.template, dict(ctx, page_path=o.path(doc.id, folder=doc.folder)), doc.path) for o in of("document")]


def held_banner(hold: Any, ui_lang: str) -> str:
    """What a page previewed with --drafts says of itself: why it is not published, until when ("" when it is)."""
    if hold is None:
        return ""
    until = l10n.date_text(ArchivalDate(hold.day.year, hold.day.month, hold.day.day), ui_lang) if hold.day else ""
    return STRINGS[ui_lang][f"held_{hold.reason}"].format(date=until)


def document_switch(site: Site, doc: Document) -> dict[str, str]:
    """Language -> the page a document's language switch offers in it: itself and its translations."""
    return {doc.language: urls.document(doc.id, folder=doc.folder)} | \
        {site.documents[t].language: urls.document(t, folder=site.documents[t].folder) for t in doc.translations}


def shown_fields(doc: Document, ui_lang: str, digits: str = "latin") -> dict[str, Any]:
    """Every carried field of `doc` as templates see it, decided by the field's kind (`show_field`)."""
    shown: dict[str, Any] = {}
    for name, spec in DOCUMENT_FIELDS.items():
        if spec.carried:
            shown.update(show_field(name, spec.kind, getattr(doc, name), ui_lang, digits))
    return shown


def show_field(name: str, kind: str, value: Any, ui_lang: str, digits: str = "latin") -> dict[str, Any]:
    """How a field of `kind` reaches templates: a date in words plus `<name>_iso`, `<name>_edtf` and
    `<name>_note` (what its qualifier means, or ""), a language by name plus `<name>_code`, a list as a
    list, a mapping as sorted (key, text) pairs."""
    if kind == "date" and value is None:
        return {name: "", f"{name}_iso": "", f"{name}_edtf": "", f"{name}_note": ""}
    if kind == "date":
        return {name: l10n.date_text(value, ui_lang, digits), f"{name}_iso": value.iso, f"{name}_edtf": value.edtf,
                f"{name}_note": l10n.date_note(value, ui_lang)}
    if kind == "language":
        return {name: language_name(value, ui_lang), f"{name}_code": value}
    if kind == "texts":
        return {name: list(value)}
    if kind == "mapping":
        return {name: sorted((str(k), plain(v)) for k, v in value.items())}
    if kind == "files":
        return {name: [{"name": a.name, "href": a.href, "type": a.media_type, "label": a.label,
                        "size": describe_size(a.size), "image": a.image, "pages": [page_item(p) for p in a.pages]}
                       for a in value]}
    return {name: value}


def page_item(page: PageText) -> dict[str, Any]:
    """One page of an attachment's text for templates: {number, text, ocr, confidence (whole
    percent, or None), low (OCR whose confidence is below originals.LOW_CONFIDENCE)}."""
    confidence = None if page.confidence is None else round(page.confidence)
    return {"number": page.number, "text": page.text, "ocr": page.method == "ocr", "confidence": confidence,
            "low": page.method == "ocr" and (confidence is None or confidence < LOW_CONFIDENCE)}


@dataclass(frozen=True)
class Rarity:
    """What related-document ranking needs, computed once per site: each document's terms, and each
    term's weight, log(documents / documents with the term) in integer thousandths (integers, so sums
    do not depend on the order a set is walked in): a term half the archive shares says little."""

    terms: dict[str, frozenset[tuple[str, str]]]  # document id -> (taxonomy, term id) pairs
    weight: dict[tuple[str, str], int]
    age: dict[str, int]  # document id -> 0 for the newest, counting back (chronological order)
    lists: Any = None  # document id -> its `related` list as ranked (`flat`; None: not kept; `retemplate.ranked`)


def rarity(site: Site) -> Rarity:
    total = max(1, len(site.documents))
    weight = {(name, t.id): term_weight(t, total) for name, tax in site.taxonomies.items() for t in tax.terms.values()}
    pair = {key: key for key in weight}.setdefault  # each (taxonomy, term id) pair made once, not once per document
    terms = {d.id: frozenset(pair((name, t), (name, t)) for name, ids in d.terms.items() for t in ids)
             for d in site.documents.values()}
    age = {doc_id: len(site.documents) - i for i, doc_id in enumerate(site.documents)}
    return Rarity(terms, weight, age, {})


def term_weight(term: Term, total: int) -> int:
    """A term's `Rarity.weight` in an archive of `total` documents (at least 1)."""
    return round(1000 * math.log(total / max(1, len(term.documents))))


def terms_of(doc: Document) -> frozenset[tuple[str, str]]:
    """A document's (taxonomy, term id) pairs, as `Rarity.terms` holds them."""
    return frozenset((name, t) for name, ids in doc.terms.items() for t in ids)


def related(site: Site, doc: Document, rarity: Rarity) -> list[tuple[str, int]]:
    """The documents sharing the rarest and most actors/topics with `doc` (translations are listed
    apart), with how many terms each shares. Candidates come from the term lists, rarest term first,
    newest documents first, and stop at RELATED_CANDIDATES, so the cost per document is bounded
    however large the archive and however common its terms."""
    known = rarity.lists.get(doc.id) if rarity.lists is not None else None
    if known is not None:
        return list(zip(known[::2], known[1::2]))
    mine = rarity.terms[doc.id]
    skip = {doc.id, *doc.translations}
    found: dict[str, None] = {}
    for name, term_id in sorted(mine, key=lambda key: (-rarity.weight[key], key)):
        for other in reversed(site.taxonomies[name].terms[term_id].documents):
            if other not in skip:
                found[other] = None
                if len(found) >= RELATED_CANDIDATES:
                    break
        if len(found) >= RELATED_CANDIDATES:
            break
    weight, terms, age = rarity.weight, rarity.terms, rarity.age
    ranked = []
    for other in found:
        shared = mine & terms[other]
        ranked.append((-sum(map(weight.__getitem__, shared)), age[other], other, len(shared)))
    lists = [(other, count) for _, _, other, count in sorted(ranked)[:RELATED]]  # (heapq.nsmallest, in C)
    if rarity.lists is not None:
        rarity.lists[doc.id] = flat(lists)
    return lists


def flat(lists: list[tuple[str, int]]) -> tuple:
    """A `related` list as `Rarity.lists` keeps it: (id, count, id, count, ...), a third of its size."""
    return tuple(x for pair in lists for x in pair)


def may_relate(site: Site, doc: Document, terms: frozenset[tuple[str, str]], rarity: Rarity) -> bool:
    """Whether `related(site, doc, rarity)` can list a document with these (taxonomy, term id) `terms`:
    False when a term of `doc`'s that is walked before every term they share holds the candidates'
    number of documents by itself (then the walk stops before it reaches theirs). A check for the
    thousands of documents sharing a common term with an edited one, at a fraction of `related`."""
    skip = 1 + len(doc.translations)
    for key in sorted(rarity.terms[doc.id], key=lambda key: (-rarity.weight[key], key)):
        if key in terms:
            return True
        if len(site.taxonomies[key[0]].terms[key[1]].documents) - skip >= RELATED_CANDIDATES:
            return False
    return False


def plan_term(site: Site, term: Term, ed: urls.Edition, numbers: Iterable[int] | None = None) -> list[Page]:
    """One page per `page_size` documents. Adds: term {id, name, names [{name, lang, dir}], aliases,
    kind, kind_label (text, lang), url, wikidata, description (Markup, first page only: its links are relative to it),
    description_lang, description_dir}, taxonomy {title, href}, documents [document item],
    pagination {page, pages, prev, next, links [{number, href}]}, cooccurring [{title, items, more}].
    `numbers`: only these pages (an edit that moved one slice of its list)."""
    lang = ed.lang
    size = site.config.page_size
    count = max(1, math.ceil(len(term.documents) / size))
    listed = site.in_order(term.documents)
    pages = []
    for number in range(1, count + 1) if numbers is None else sorted(n for n in set(numbers) if 1 <= n <= count):
        path = ed.path(urls.term(term.taxonomy, term.id, number, term.folder))
        name, name_lang = term.name(lang)
        ctx = base(site, ed, path, lang, name, term.taxonomy)
        ui_lang = ctx["ui_lang"]
        description, description_lang = term_description(site, term, ed) if number == 1 else (Markup(""), lang)
        ctx["meta"] = page_meta(site, path, lang, term.descriptions.get(lang) or (term.description.text if term.description else ""))
        ctx["term"] = {
            "id": term.id, "name": name, "name_lang": name_lang or lang, "name_dir": text_direction(name_lang or lang),
            "names": [{"name": n, "lang": k or lang, "dir": text_direction(k or lang)} for k, n in sorted(term.names.items()) if n != name],
            "aliases": [text(a, lang, *site.config.languages) for a in term.aliases], "kind": term.kind,
            "kind_label": kind_label(term.kind, ui_lang), "url": term.url,
            "wikidata": term.wikidata, "description": description, "description_lang": description_lang,
            "description_dir": text_direction(description_lang),
            "count": l10n.count("count_documents", len(term.documents), ui_lang, site.config.digits),
        }
        ctx["taxonomy"] = {"title": site.taxonomies[term.taxonomy].config.title_in(ui_lang), "href": ed.path(urls.taxonomy_index(term.taxonomy))}
        chunk = listed[(number - 1) * size: number * size]
        ctx["documents"] = [doc_item(site.documents[d], ui_lang, site.config.digits) for d in chunk]
        ctx["pagination"] = {
            "page": number, "pages": count,
            "prev": ed.path(urls.term(term.taxonomy, term.id, number - 1, term.folder)) if number > 1 else "",
            "next": ed.path(urls.term(term.taxonomy, term.id, number + 1, term.folder)) if number < count else "",
            "links": [{"number": n, "href": ed.path(urls.term(term.taxonomy, term.id, n, term.folder))} for n in range(1, count + 1)],
        }
        ctx["cooccurring"] = cooccurring(site, term, ed) if number == 1 else []
        for group in ctx["cooccurring"]:
            group["more_text"] = l10n.count("more_terms", group["more"], ui_lang, site.config.digits) if group["more"] else ""
        ctx["feeds"] = feeds.feed_links(site, feeds.term_feed_stem(term), name) if term.documents else []
        pages.append(Page(path, "term.html", ctx, term.path or f"{term.taxonomy} term `{term.id}`"))
    return pages


def term_pages(site: Site, term: Term, ed: urls.Edition) -> list[Later]:
    """`plan_term`'s pages, each planned when it is rendered (`Later`)."""
    count = max(1, math.ceil(len(term.documents) / site.config.page_size))
    source = term.path or f"{term.taxonomy} term `{term.id}`"
    return [later(site, ed, ed.path(urls.term(term.taxonomy, term.id, number, term.folder)), "term.html", source,
                  functools.partial(_term_page, term.taxonomy, term.id, ed, number)) for number in range(1, count + 1)]


def _term_page(taxonomy: str, term_id: str, ed: urls.Edition, number: int, site: Site) -> Page:
    return plan_term(site, site.taxonomies[taxonomy].terms[term_id], ed, [number])[0]


def later(site: Site, ed: urls.Edition, path: str, template: str, source: str, make: Callable[[Site], Page]) -> Later:
    """A page of edition `ed` at `path` that `make(site)` plans (`Later`), whose language switch offers
    the same page in every edition (`chrome.base` without a `switch`): so are its `alternates`."""
    same = alternate_links({e.lang: e.path(path[len(ed.prefix):]) for e in urls.editions(site.config.languages)})
    return Later(path, template, source, make, tuple((a["lang"], a["href"]) for a in same))


def cooccurring(site: Site, term: Term, ed: urls.Edition) -> list[dict[str, Any]]:
    """Other terms that appear in this term's documents, most shared first, per taxonomy: the first
    COOCCURRING of each, and how many more there are. Capped, so a document citing a thousand actors
    does not make each of their pages list the other 999."""
    out, pairs = [], getattr(site.documents, "pairs", None)  # (a fast build's model: without unpickling them)
    for name, tax in site.taxonomies.items():
        counts = Counter(t for d in term.documents for t in site.documents[d].terms.get(name, ())
                         if not (name == term.taxonomy and t == term.id)) if pairs is None else \
            Counter(t for d in term.documents for n, t in pairs[d] if n == name and not (n == term.taxonomy and t == term.id))
        ranked = heapq.nsmallest(COOCCURRING, counts.items(), key=lambda item: (-item[1], item[0]))
        if ranked:
            out.append({"title": tax.config.title_in(ui_language(ed.lang)), "more": len(counts) - len(ranked),
                        "href": ed.path(urls.taxonomy_index(name)),
                        "items": [term_item(tax.terms[t], ed, n) for t, n in ranked]})
    return out


def plan_taxonomy_index(site: Site, name: str, ed: urls.Edition) -> Page:
    """Adds: groups [{kind, label (text, lang), count, items: [term item]}] (one unnamed group when no
    term has a kind)."""
    lang = ed.lang
    tax = site.taxonomies[name]
    path = ed.path(urls.taxonomy_index(name))
    ctx = base(site, ed, path, lang, site.taxonomies[name].config.title_in(ui_language(lang)), name)
    order = {k: i for i, k in enumerate(tax.config.kinds)}
    by_kind: dict[str, list[Term]] = {}
    for term in tax.terms.values():
        by_kind.setdefault(term.kind, []).append(term)
    ctx["groups"] = [
        {"kind": kind, "label": kind_label(kind, ctx["ui_lang"], plural=True), "count": len(terms),
         "items": sorted((term_item(t, ed, len(t.documents)) for t in terms), key=lambda i: (i["name"].casefold(), i["href"]))}
        for kind, terms in sorted(by_kind.items(), key=lambda kv: (kv[0] == "", order.get(kv[0], len(order)), kv[0]))
    ]
    return Page(path, "taxonomy.html", ctx, f"taxonomy `{name}`")


# The listings of every document: name -> (where, template, what decides a document's place in them). A
# document's item there (`chrome.doc_item`) is a row of the page, drawn by `doc_list` of the theme's macros.
LISTINGS = {"chronology": (urls.CHRONOLOGY, "chronology.html", lambda doc: doc.date),
            "sources": (urls.SOURCES, "sources.html", lambda doc: doc.source)}


def listing_base(site: Site, ed: urls.Edition, name: str) -> dict[str, Any]:
    """The keys of a listing of every document (`LISTINGS`) but its items."""
    return base(site, ed, ed.path(LISTINGS[name][0]), ed.lang, STRINGS[ui_language(ed.lang)][name], name)


def plan_chronology(site: Site, ed: urls.Edition) -> Page:
    """Adds: years [{year, count, months [{label, id, items: [document item]}]}], years, months and days
    all in the listings' order (`order`), a year's undated-by-month documents after or before its months
    as they sort; `legend` [{mark, note}] when some date is qualified."""
    ctx = listing_base(site, ed, "chronology")
    ui_lang = ctx["ui_lang"]
    digits = site.config.digits
    years: dict[int, dict[int, list[Document]]] = {}
    for doc in site.in_order(site.chronological()):
        years.setdefault(doc.date.year, {}).setdefault(doc.date.month or 0, []).append(doc)
    ctx["years"] = [
        {"year": l10n.date_text(ArchivalDate(year), ui_lang, digits), "id": f"y{year}",
         "count": l10n.count("count_documents", sum(len(v) for v in months.values()), ui_lang, digits),
         "months": [{"label": l10n.month_name(m, ui_lang) if m else l10n.date_text(ArchivalDate(year), ui_lang, digits),
                     "id": f"y{year}-{m:02d}", "items": [doc_item(d, ui_lang, digits) for d in docs]}
                    for m, docs in months.items()]}
        for year, months in years.items()
    ]
    qualified = [d.date for d in site.documents.values() if d.date.uncertain or d.date.approximate]
    ctx["legend"] = legend(qualified, ui_lang)
    return Page(ctx["page_path"], "chronology.html", ctx, "the chronology")


def legend(qualified: list[ArchivalDate], ui_lang: str) -> list[dict[str, str]]:
    """What the date qualifiers used in a listing mean, each once: [{mark, note}]."""
    ui = STRINGS[ui_lang]
    marks = [("approximate", "date_approximate"), ("uncertain", "date_uncertain")]
    return [{"mark": ui[key].format(date="").strip(), "note": ui[f"note_{kind}"]}
            for kind, key in marks if any(getattr(d, kind) for d in qualified)]


def plan_sources(site: Site, ed: urls.Edition) -> Page:
    """Adds: sources [{name (text), id, count, items: [document item]}], by name."""
    lang = ed.lang
    ctx = listing_base(site, ed, "sources")
    by_source: dict[str, list[Document]] = {}
    for doc in site.in_order(site.chronological()):
        by_source.setdefault(doc.source, []).append(doc)
    ctx["sources"] = [{"name": text(name, docs[0].language, lang, *site.config.languages), "id": f"s{i + 1}",
                       "count": l10n.count("count_documents", len(docs), ctx["ui_lang"], site.config.digits),
                       "items": [doc_item(d, ctx["ui_lang"], site.config.digits) for d in docs]}
                      for i, (name, docs) in enumerate(sorted(by_source.items(), key=lambda kv: kv[0].casefold()))]
    return Page(ctx["page_path"], "sources.html", ctx, "the sources index")


def plan_data(site: Site, ed: urls.Edition) -> Page:
    """"About the data". Adds: files [{href, label, format, description}], columns [{name, type,
    description}] (of documents.csv), documents (count). The data files are one set, shared by every edition."""
    ctx = base(site, ed, ed.path(urls.DATA), ed.lang, STRINGS[ui_language(ed.lang)]["about_data"], "data")
    ui = ctx["ui"]
    files = listed(site, ui, ctx["ui_lang"])
    ctx["files"] = [{"href": href, "label": label, "format": fmt, "description": text} for href, label, fmt, text in files]
    ctx["columns"] = [{"name": n, "type": t, "description": d} for n, t, d in columns(site)]
    ctx["documents"] = len(site.documents)
    return Page(ctx["page_path"], "data.html", ctx, "the data page")


def plan_about(site: Site, ed: urls.Edition) -> Page:
    """The edition's about page (content/about.md, about.<lang>.md). Adds: body (its sanitised HTML,
    links made for this page). Its language switch offers the other editions' about pages."""
    switch = {e.lang: e.path(urls.ABOUT) for e in urls.editions(site.config.languages) if e.lang in site.about}
    ctx = base(site, ed, ed.path(urls.ABOUT), ed.lang, STRINGS[ui_language(ed.lang)]["about"], "about", switch)
    ctx["body"] = Markup(site.about[ed.lang].html)
    return Page(ctx["page_path"], "about.html", ctx, f"the about page of the `{ed.lang}` edition")


SEARCH_SCRIPTS = ("sitegen-stemmer", "sitegen-analysis", *(f"sitegen-index/{room}" for room in (
    "codes", "load", "postings", "lengths", "facets", "query", "rank", "forgive", "phrases")), "sitegen-index", "sitegen-search")
# the search page's scripts (assets/<name>.js), in load order: the index reader's rooms (in a folder of their own, so
# assets/ stays small), each needing the ones before it, then the reader itself (sitegen-index.js, gathering them
# into window.sitegenIndex), then the page
SEARCH_BUNDLE = urls.asset("sitegen-search.all.js")  # what the search page loads: them all, joined (`inputs.read_assets`)
BUNDLES = {SEARCH_BUNDLE: tuple(urls.asset(f"{name}.js") for name in SEARCH_SCRIPTS)}


def plan_search(site: Site, ed: urls.Edition) -> Page:
    """Adds: scripts [output paths of the index's core and the search scripts' bundle], strings (JSON for the
    script: interface words), browse [{label, href}] (the indexes, for readers without JavaScript),
    root (the page-relative output root: every edition's search page uses the one index at search/)."""
    lang = ed.lang
    path = ed.path(urls.SEARCH)
    ctx = base(site, ed, path, lang, STRINGS[ui_language(lang)]["search"], "search")
    ui = ctx["ui"]
    ctx["scripts"] = [urls.SEARCH_CORE, SEARCH_BUNDLE]
    keys = ("results", "loading", "load_error", "facet_language", "facet_year", "facet_source", "estimated",
            "showing_for", "search_instead", "did_you_mean", "in_original")
    # counts are plural tables: the script picks the form with Intl.PluralRules for `plural_lang`
    # (CLDR's rules, as Babel's here) and writes numbers as l10n.number does (`number`: l10n.number_format)
    words = {k: ui[k] for k in keys} | {"plural_lang": ctx["ui_lang"], "number": l10n.number_format(ctx["ui_lang"], site.config.digits),
                                        "order": site.config.order}  # the year facet's values, as every listing
    ctx["strings"] = json.dumps(words, ensure_ascii=False, sort_keys=True)
    ctx["browse"] = [item for item in ctx["nav"] if item["href"] not in (ed.path(urls.HOME), path)]
    ctx["root"] = urls.root(path)
    return Page(path, "search.html", ctx, "the search page")
