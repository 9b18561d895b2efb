"""The site model: documents, terms and taxonomies, with every reference resolved to an id.

Owns the cross-file rules: unique document ids (case-insensitively, after NFC), resolving a
document's actor/topic references by id, name or alias in any language, translation links, and the
warnings a strict build turns into errors. Relations are stored as ids, never as object links, so the
model stays plain data. Must not know about URLs, templates or files on disk.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Sequence, TypeVar

from sitegen.config import Config, TaxonomyConfig
from sitegen.errors import WARNING, Diagnostic, Nearest, did_you_mean
from sitegen.markup import Rendered
from sitegen.schema import DocumentRecord, Metadata, TermMetadata, TermRecord, metadata_of, suggest_id, term_metadata_of
from sitegen.schema import text_direction

T = TypeVar("T")


@dataclass(kw_only=True)
class Term(TermMetadata):
    """A registry entry of the site: its fields as declared in `schema.TERM_FIELDS` (names: language ->
    name, "" for a name given without a language; aliases, kind, url, wikidata, extra, ...), its
    description (the body) and the documents citing it."""

    id: str
    taxonomy: str
    description: Rendered | None = None
    path: str = ""  # registry file, "" for a term created from an optional taxonomy
    documents: tuple[str, ...] = ()  # ids, chronological
    where: dict[str, tuple[int, int]] = field(default_factory=dict)  # name or alias -> line, col in `path`
    descriptions: dict[str, str] = field(default_factory=dict)  # language -> plain text (`description:`)
    redirects: tuple = ()  # schema.Ref of each old address of its page (`pages.plan_redirects`)
    folder: str = ""  # its place in its taxonomy's folder, "" unless that is full (decided by `urls.term_folders`)

    def name(self, lang: str) -> tuple[str, str]:
        """The name to show on a page in `lang`, and the language that name is in ("" unknown)."""
        for key in (lang, lang.split("-")[0], "", "en"):
            if key in self.names:
                return self.names[key], key
        key = sorted(self.names)[0]
        return self.names[key], key

    @property
    def all_names(self) -> tuple[str, ...]:
        """Every name and alias, each once: what search indexes and what references may use."""
        seen = dict.fromkeys([*(self.names[k] for k in sorted(self.names)), *self.aliases])
        return tuple(seen)


@dataclass(kw_only=True)
class Document(Metadata):
    """A document of the site: its front-matter fields as declared in `schema.DOCUMENT_FIELDS` (title,
    date, source, ...: inherited from `Metadata`), and what the model adds to them."""

    id: str
    path: str
    dir: str
    body: Rendered
    terms: dict[str, tuple[str, ...]]  # taxonomy name -> term ids, in the order written
    translation_of: str = ""
    translations: tuple[str, ...] = ()  # every other document in the same translation group
    redirects: tuple = ()  # schema.Ref of each old address of its page (`pages.plan_redirects`)
    folder: str = ""  # its place under documents/, like `2021/10/` (decided by `urls.document_folders`)

    @property
    def sort_key(self) -> tuple:
        return (self.date.sort_key, self.id)


@dataclass
class Taxonomy:
    config: TaxonomyConfig
    terms: dict[str, Term] = field(default_factory=dict)  # id -> term, sorted by id
    nearest: tuple[dict[str, str], Nearest] | None = field(default=None, repr=False, compare=False)
    mixed: frozenset[str] = field(default=frozenset(), repr=False, compare=False)  # terms its documents created, written
    #   more than one way: the first document's way names the term, so which one does depends on every document


@dataclass
class Site:
    config: Config
    documents: dict[str, Document]  # id -> document, chronological
    taxonomies: dict[str, Taxonomy]  # in config order
    about: dict[str, Rendered] = field(default_factory=dict)  # edition language -> its about page's text, linked
    held: dict[str, Any] = field(default_factory=dict)  # document id -> schedule.Hold of every document not
    #                                                     published today; those in `documents` are previewed (--drafts)

    def chronological(self) -> list[Document]:
        return list(self.documents.values())

    def counts(self) -> dict[str, int]:
        """What a build says it made: the documents, and the terms of each taxonomy."""
        return {"documents": len(self.documents), **{name: len(t.terms) for name, t in self.taxonomies.items()}}

    def in_order(self, items: Sequence[T]) -> list[T]:
        """Chronological `items` (documents or their ids) in the order every listing uses (`order`)."""
        return list(reversed(items)) if self.config.order == "newest" else list(items)


def match_key(text: str) -> str:
    """How references are compared: NFKC, case-folded, whitespace collapsed."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def build_site(config: Config, documents: list[DocumentRecord], terms: list[TermRecord],
               bodies: dict[str, Rendered], about: dict[str, Rendered] | None = None,
               held: dict[str, Any] | None = None, preview: bool = False,
               folders: dict[Any, str] | None = None) -> tuple[Site, list[Diagnostic]]:
    """Resolve every reference; `bodies` maps a source path to its rendered Markdown, `about` an
    edition's language to its about page's. `held`: document id -> why it is not published today
    (`schedule.holds`); each is checked like the others, then left out of the site, so that nothing
    made from the site can show it, unless `preview` (--drafts). `folders`: document id, or
    (taxonomy, term id), -> its `folder` (decided by `urls.document_folders`, `urls.term_folders`)."""
    problems: list[Diagnostic] = []
    taxonomies = _taxonomies(config, terms, bodies)
    lookups = {name: _lookup(tax, problems) for name, tax in taxonomies.items()}
    _check_unique_ids(documents, problems)
    docs: dict[str, Document] = {}
    spelled: dict[tuple[str, str], set[str]] = {}
    for record in documents:
        resolved = {name: _resolve(record, taxonomies[name], lookups[name], refs, problems, spelled)
                    for name, refs in record.refs.items()}
        docs[record.id] = Document(**metadata_of(record), id=record.id, path=record.path, dir=text_direction(record.language),
                                   body=bodies[record.path], terms=resolved, redirects=record.redirects,
                                   folder=(folders or {}).get(record.id, ""))
    _link_translations(documents, docs, problems)
    ordered = dict(sorted(docs.items(), key=lambda item: item[1].sort_key))
    tagged: dict[tuple[str, str], list[str]] = {}
    for doc in ordered.values():  # chronological, so each term's list is too
        for name, ids in doc.terms.items():
            for term_id in dict.fromkeys(ids):
                tagged.setdefault((name, term_id), []).append(doc.id)
    for name, tax in taxonomies.items():
        tax.terms = dict(sorted(tax.terms.items()))
        tax.mixed = frozenset(term_id for (of, term_id), ways in spelled.items() if of == name and len(ways) > 1)
        for term in tax.terms.values():
            term.documents = tuple(tagged.get((name, term.id), ()))
            term.folder = (folders or {}).get((name, term.id), "")
    problems.extend(_warnings(ordered, taxonomies))
    if held and not preview:
        _leave_out(ordered, taxonomies, set(held))
    return Site(config, ordered, taxonomies, dict(about or {}), dict(held or {})), problems


def _taxonomies(config: Config, terms: list[TermRecord], bodies: dict[str, Rendered]) -> dict[str, Taxonomy]:
    """Every taxonomy with its registry's terms."""
    taxonomies = {t.name: Taxonomy(t) for t in config.taxonomies}
    for record in sorted(terms, key=lambda r: (r.taxonomy, r.id)):
        taxonomies[record.taxonomy].terms[record.id] = Term(
            **term_metadata_of(record), id=record.id, taxonomy=record.taxonomy, description=bodies.get(record.path),
            path=record.path, where=record.where, descriptions=record.descriptions, redirects=record.redirects)
    return taxonomies


def term_ids(config: Config, documents: list[DocumentRecord], terms: list[TermRecord]) -> list[tuple[str, str, int]]:
    """(taxonomy, id, how many documents) of every term `build_site` makes of these records: its
    registry's, and those its documents create in an optional taxonomy (known before the bodies are
    linked: where a term's page goes depends on how many its taxonomy has, and how many pages each
    has). Problems are `build_site`'s to report."""
    taxonomies = _taxonomies(config, terms, {})
    lookups = {name: _lookup(tax, []) for name, tax in taxonomies.items()}
    counts: dict[tuple[str, str], int] = {}
    resolved: dict[tuple[str, str], tuple[str, ...]] = {}  # each name as written resolves once (the lookup learns it)
    for record in documents:
        for name, refs in record.refs.items():
            ids = set()
            for ref in refs:
                if (name, ref.text) not in resolved:
                    resolved[name, ref.text] = _resolve(record, taxonomies[name], lookups[name], (ref,), [])
                ids.update(resolved[name, ref.text])
            for term_id in ids:
                counts[name, term_id] = counts.get((name, term_id), 0) + 1
    return [(name, term_id, counts.get((name, term_id), 0)) for name, tax in taxonomies.items() for term_id in tax.terms]


def _leave_out(docs: dict[str, Document], taxonomies: dict[str, Taxonomy], gone: set[str]) -> None:
    """Documents not published today, out of the model and of every relation to them: term lists,
    translations, and the terms of an open taxonomy only they used."""
    for doc_id in gone:
        docs.pop(doc_id, None)
    for doc in docs.values():
        if gone.intersection(doc.translations):
            doc.translations = tuple(t for t in doc.translations if t not in gone)
        if doc.translation_of in gone:
            doc.translation_of = ""
    for tax in taxonomies.values():
        for term_id, term in list(tax.terms.items()):
            if gone.intersection(term.documents):
                term.documents = tuple(d for d in term.documents if d not in gone)
                if not term.documents and not term.path:
                    del tax.terms[term_id]


def resolve_one(record: DocumentRecord, taxonomies: dict[str, Taxonomy]
                ) -> tuple[dict[str, tuple[str, ...]], dict[tuple[str, str], Term], dict[tuple[str, str], set[str]], list[Diagnostic]] | None:
    """What `build_site` makes of one document's references in a built site's `taxonomies`, which are
    left as they are: the ids per taxonomy, the terms of optional taxonomies they create, how they
    write each created term, and the problems. None when the site's names do not resolve as the build
    that made it did: two of its created terms claiming one name, which the build saw one at a time."""
    resolved, created, spelled, problems = {}, {}, {}, []
    for name, refs in record.refs.items():
        tax = taxonomies[name]
        scratch, clashes = Taxonomy(tax.config, dict(tax.terms)), []
        lookup = _lookup(scratch, clashes)
        if clashes:
            return None
        resolved[name] = _resolve(record, scratch, lookup, refs, problems, spelled)
        created.update(((name, t), term) for t, term in scratch.terms.items() if t not in tax.terms)
    return resolved, created, spelled, problems


def document_of(record: DocumentRecord, body: Rendered, terms: dict[str, tuple[str, ...]], was: Document) -> Document:
    """`record` as `build_site` makes it a document, with what the model adds taken from `was` (its
    last model's document: translations and folder, unchanged when its id, date and `translation_of` are)."""
    return Document(**metadata_of(record), id=record.id, path=record.path, dir=text_direction(record.language), body=body,
                    terms=terms, translation_of=was.translation_of, translations=was.translations,
                    redirects=record.redirects, folder=was.folder)


def term_of(record: TermRecord, description: Rendered | None, was: Term) -> Term:
    """A registry entry as `build_site` makes it a term, its documents and folder those of `was`."""
    return Term(**term_metadata_of(record), id=record.id, taxonomy=record.taxonomy, description=description,
                path=record.path, where=record.where, descriptions=record.descriptions, redirects=record.redirects,
                documents=was.documents, folder=was.folder)


def document_warnings(doc: Document) -> list[Diagnostic]:
    """What `_warnings` says of one document."""
    return _warnings({doc.id: doc}, {})


def term_warnings(term: Term) -> list[Diagnostic]:
    """What `_warnings` says of one term."""
    return _warnings({}, {"": Taxonomy(None, {term.id: term})})  # type: ignore[arg-type]


def _lookup(tax: Taxonomy, problems: list[Diagnostic]) -> dict[str, str]:
    """match key -> term id, from ids, names and aliases; two terms claiming one name is an error."""
    table: dict[str, str] = {}
    for term in tax.terms.values():
        for written in (term.id, *term.all_names):
            key = match_key(written)
            owner = table.setdefault(key, term.id)
            if owner != term.id:
                other = tax.terms[owner]
                for here, there in ((term, other), (other, term)):
                    line, col = _written_at(here, key)
                    problems.append(Diagnostic(here.path, line, col, f"`{written}` also names `{there.id}` ({there.path})",
                                               "keep the name or alias on one of them"))
    return table


def _written_at(term: Term, key: str) -> tuple[int, int]:
    """Where `term` writes the name that matches `key` (its file name, if it is the id that matches)."""
    return next((at for text, at in sorted(term.where.items()) if match_key(text) == key), (1, 1))


def _resolve(record: DocumentRecord, tax: Taxonomy, lookup: dict[str, str], refs, problems,
             spelled: dict[tuple[str, str], set[str]] | None = None) -> tuple[str, ...]:
    """The ids `refs` name; an optional taxonomy's unknown name creates a term. `spelled`: (taxonomy,
    id) -> every way the references to a created term write it."""
    ids: list[str] = []
    for ref in refs:
        term_id = lookup.get(match_key(ref.text))
        if term_id is None and tax.config.optional:
            term_id = suggest_id(ref.text) or "t-" + hashlib.sha1(ref.text.encode()).hexdigest()[:10]
            if term_id not in tax.terms:
                tax.terms[term_id] = Term(id=term_id, taxonomy=tax.config.name, names={"": ref.text})
            lookup[match_key(ref.text)] = term_id
        if spelled is not None and term_id is not None and not tax.terms[term_id].path:
            spelled.setdefault((tax.config.name, term_id), set()).add(ref.text)
        if term_id is None:
            problems.append(Diagnostic(record.path, ref.line, ref.col,
                                       f"unknown {tax.config.singular.get('en', tax.config.name).lower()} `{ref.text}`",
                                       _suggest_term(ref.text, tax, lookup) or
                                       f"add content/{tax.config.folder}/{suggest_id(ref.text) or 'new-term'}.md"))
        elif term_id in ids:
            problems.append(Diagnostic(record.path, ref.line, ref.col, f"`{ref.text}` repeats `{term_id}`",
                                       "list each term once", WARNING))
        else:
            ids.append(term_id)
    return tuple(ids)


def _suggest_term(text: str, tax: Taxonomy, lookup: dict[str, str]) -> str:
    if tax.nearest is None:  # prepared on the first unknown name only, then shared by the rest
        written: dict[str, str] = {}
        for term in tax.terms.values():
            for name in (term.id, *term.all_names):
                written.setdefault(name, term.id)
        tax.nearest = (written, Nearest(written))
    written, nearest = tax.nearest
    hint = did_you_mean(text, nearest)
    if not hint:
        return ""
    name = hint.split("`")[1]
    return hint if written[name] == name else f"did you mean `{name}`, id `{written[name]}`?"


def _check_unique_ids(documents: list[DocumentRecord], problems: list[Diagnostic]) -> None:
    seen: dict[str, DocumentRecord] = {}
    for record in sorted(documents, key=lambda r: r.path):
        key = unicodedata.normalize("NFC", record.id).casefold()
        first = seen.setdefault(key, record)
        if first is not record:
            for a, b in ((record, first), (first, record)):
                problems.append(Diagnostic(a.path, 1, 1, f"document id `{record.id}` is also used by {b.path}",
                                           "rename one file or set a different `slug`"))


def _link_translations(records: list[DocumentRecord], docs: dict[str, Document], problems) -> None:
    """A translation and its original (and the original's other translations) link to each other."""
    parent = {doc_id: doc_id for doc_id in docs}

    def root(doc_id: str) -> str:
        while parent[doc_id] != doc_id:
            doc_id = parent[doc_id]
        return doc_id

    nearest = None
    for record in records:
        ref = record.translation_of
        if ref is None:
            continue
        if ref.text == record.id:
            problems.append(Diagnostic(record.path, ref.line, ref.col, "a document cannot be a translation of itself"))
        elif ref.text not in docs:
            problems.append(Diagnostic(record.path, ref.line, ref.col, f"unknown document `{ref.text}` in `translation_of`",
                                       did_you_mean(ref.text, nearest := nearest or Nearest(docs)) or "use the id (file name without .md) of the original"))
        else:
            docs[record.id].translation_of = ref.text
            parent[root(record.id)] = root(ref.text)
    groups: dict[str, list[str]] = {}
    for doc_id in docs:
        groups.setdefault(root(doc_id), []).append(doc_id)
    for members in groups.values():
        for member in members:
            docs[member].translations = tuple(sorted((m for m in members if m != member), key=lambda i: docs[i].sort_key))


def _warnings(docs: dict[str, Document], taxonomies: dict[str, Taxonomy]) -> list[Diagnostic]:
    """What a careful archive fixes but a build survives; `--strict` makes these errors."""
    out = [Diagnostic(d.path, 1, 1, "document has no `summary`", "add one or two sentences for listings and search", WARNING)
           for d in docs.values() if not d.summary]
    for tax in taxonomies.values():
        for term in tax.terms.values():
            if not term.path:
                continue
            if not term.documents:
                out.append(Diagnostic(term.path, 1, 1, f"`{term.id}` is used by no document", "remove it or tag a document", WARNING))
            if (term.description is None or not term.description.text) and not term.descriptions:
                out.append(Diagnostic(term.path, 1, 1, f"`{term.id}` has no description",
                                      "write a short description below the front matter", WARNING))
    return out

