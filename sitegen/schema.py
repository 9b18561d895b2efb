"""The fields a document and a registry entry may have, and validating raw front matter against them.

Owns the field tables (each field's type and purpose: this is the contributor-facing schema) and
turning one file's `Source` into a typed record, or diagnostics at the offending key's line. Checks
one file at a time; cross-file rules (unique ids, references) belong to `model`.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass, field, fields, make_dataclass
from typing import Any, Callable

from sitegen.config import Config, TaxonomyConfig
from sitegen.dates import ArchivalDate, parse_date
from sitegen.errors import WARNING, Diagnostic, did_you_mean, shown_path
from sitegen.frontmatter import Source
from sitegen.sources import MAX_NAME_BYTES, WINDOWS_RESERVED, name_problems

PORTABLE_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LANGUAGE_TAG = re.compile(r"^[a-zA-Z]{2,3}(?:-[a-zA-Z0-9]{2,8})*$")
URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$")
WIKIDATA = re.compile(r"^Q[1-9][0-9]*$")
PLACEHOLDER_DATE = ArchivalDate(1)  # stands in for a missing or invalid date in a record that has errors
GENRES = ("news", "report", "scholarly")
ATTACHMENT_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._-]*\.[A-Za-z0-9]+$")
FULL_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
RTL_LANGUAGES = {"ar", "fa", "he", "ur", "ps", "yi", "dv", "sd", "ug", "ckb"}


@dataclass(frozen=True)
class Field:
    """One front-matter field of a document, declared once with every role it has, so that adding a
    field is one line here (two with a template of its own): `kind` picks its YAML check (`CHECKS`) and
    how templates see it (`pages.show_field`); `doc` is the line contributors and data users read
    (scaffold, the exports' column descriptions), `guide` what CONTRIBUTING.md's field table says where
    that says more (`field_table`); a `carried` field reaches `model.Document` and every export under
    its own name with no more code. Its roles on the page and in search:
    - `label`: its name per interface language (`ui.STRINGS` takes them in);
    - `page`: its row in the document page's provenance list (1 first; 0: not there), shown as its kind
      says (`PROVENANCE`);
    - `weight`: a text field of the search index with this boost (title 10, body 1), 0 when not indexed;
    - `facet`: its place among the search facets after the taxonomies (0: not a facet; see `facet_name`);
    - `record`: shown in a search result (`searchdata.record`)."""

    kind: str
    doc: str
    required: bool = False
    default: Callable[[], Any] = str  # the value when the field is not written
    carried: bool = True  # False: consumed while reading (`slug` becomes the id, `translation_of` a Ref)
    guide: str = ""
    label: dict[str, str] = field(default_factory=dict)
    page: int = 0
    weight: float = 0
    facet: int = 0
    record: bool = False


# How the provenance list of a document page (templates/document.html, `m.provenance_value`) shows a
# field of each kind: its text with its language marked, a line per item each marked, a date (with its
# qualifier's note), a link; any other kind as plain text.
PROVENANCE = {"text": "text", "texts": "texts", "date": "date", "url": "link"}

# Taxonomy fields (actors, topics, ...) come from config (`document_fields`).
DOCUMENT_FIELDS = {
    "title": Field("text", "the document's title as published", required=True, weight=10, record=True,
                   guide="the title as published, in the document's own language"),
    "date": Field("date", "publication date: YYYY-MM-DD, YYYY-MM or YYYY; ? uncertain, ~ approximate",
                  required=True, default=lambda: PLACEHOLDER_DATE, label={"en": "Date", "ar": "التاريخ"}, page=2,
                  facet=2, record=True,
                  guide="`2021-12-23`, `2019-11` or `2018`; add `?` if uncertain (`2021-10-08?`), "
                        "`~` if approximate (`2018~`)"),
    "source": Field("text", "the outlet or publisher", required=True, label={"en": "Source", "ar": "المصدر"}, page=1,
                    weight=2, facet=3, record=True,
                    guide="the outlet or publisher; `Unattributed` if truly unknown (say why in `notes`)"),
    "language": Field("language", "BCP 47 tag of the text: en, ar, fr, ...", required=True,
                      label={"en": "Language", "ar": "اللغة"}, page=5, facet=1, record=True,
                      guide="`en`, `ar`, `fr`, … (BCP 47)"),
    "url": Field("url", "where the original was published", label={"en": "Original", "ar": "الأصل"}, page=6,
                 guide="where the original was published (`https://…`)"),
    "authors": Field("texts", "bylines, one per item", default=tuple, label={"en": "Authors", "ar": "المؤلفون"},
                     page=4),
    "dateline": Field("text", "place (and date) line as printed, e.g. BEIJING, Dec. 23",
                      label={"en": "Dateline", "ar": "مكان الخبر"}, page=3,
                      guide="the place (and date) line as printed: `BEIJING, Dec. 23 (Xinhua)`"),
    "summary": Field("text", "one or two sentences shown in listings and search", weight=3, record=True,
                     guide="one or two sentences for listings and search (`check --strict` asks for it)"),
    "genre": Field("genre", "news, report or scholarly: how citations and schema.org describe it",
                   guide="`news`, `report` or `scholarly`: sets the citation type and the schema.org type "
                         "(else a generic work)"),
    "retrieved": Field("date", "when the archive took its copy (YYYY-MM-DD): the access date in citations",
                       default=lambda: None,
                       guide="the day the archive took its copy (`2024-01-05`): the access date in citations"),
    "translation_of": Field("id", "id of the document this one translates", carried=False,
                            guide="the id of the document this one translates"),
    "slug": Field("id", "overrides the id taken from the file name", carried=False,
                  guide="an id other than the file name (rarely needed)"),
    "notes": Field("text", "archivist's notes: how the date was inferred, doubts about the text",
                   label={"en": "Archivist's notes", "ar": "ملاحظات الأرشيف"},
                   guide="the archivist's notes: how a date was inferred, doubts about the text"),
    "attachments": Field("files", "files kept next to this one (original.pdf, scan-1.jpg), published beside its page; "
                         "`{file: scan-1.jpg, ocr: true}` reads one's text by OCR (false: never)", default=tuple,
                         guide="files kept next to the document and published with it: "
                         "`[original.pdf, scan-1.jpg]` (names only; PDF, images, text, audio, video)"),
    "extra": Field("mapping", "anything else, free form, available to templates", default=dict,
                   guide="anything else, as a mapping; unknown top-level fields are errors, so free data goes here"),
    # When a document is published (see `schedule`): read into the record, never shown as fields
    "draft": Field("bool", "true keeps the document out of the site (`sitegen build --drafts` previews it)",
                   default=bool, carried=False,
                   guide="`true` keeps the document out of every output (`sitegen build --drafts` previews it)"),
    "embargo": Field("day", "YYYY-MM-DD: not published before that day", default=lambda: None, carried=False,
                     guide="`2031-01-15`: not published before that day"),
    "expires": Field("day", "YYYY-MM-DD: not published from that day on", default=lambda: None, carried=False,
                     guide="`2031-06-30`: not published from that day on"),
    "redirects": Field("addresses", "old addresses of this page, relative to the site root (old/path/, "
                       "old/page.html): each gets a page that sends readers here", default=tuple, carried=False,
                       guide="old addresses of this document, relative to the site root: `[old/path/, old/page.html]`; "
                       "each gets a small page sending readers here"),
}
# The fields `validate_document` reads into the record under their own names without carrying them
# to the model's documents: they decide whether and where a document is published.
PUBLISHING_FIELDS = ("draft", "embargo", "expires", "redirects")
# The carried fields as a dataclass, so a record and a model document have them as attributes; both
# subclass it, so a field added to the table above reaches them without being written out again.
Metadata = make_dataclass("Metadata", [(name, Any, field(default_factory=f.default))
                                       for name, f in DOCUMENT_FIELDS.items() if f.carried],
                          kw_only=True, namespace={"__module__": __name__})

def facet_name(name: str, spec: Field) -> str:
    """The search facet a field is (`spec.facet`): a date's is its year."""
    return "year" if spec.kind == "date" else name


def field_table(taxonomy_fields: tuple[str, ...]) -> str:
    """CONTRIBUTING.md's table of document fields, from DOCUMENT_FIELDS (a test keeps the guide equal
    to it): one row per field, the taxonomies' reference fields (`taxonomy_fields`) after the required ones."""
    rows = ["| field | required | what to write |", "|---|---|---|"]
    last_required = [name for name, spec in DOCUMENT_FIELDS.items() if spec.required][-1]
    for name, spec in DOCUMENT_FIELDS.items():
        guide = (spec.guide or spec.doc).replace('|', '&#124;')
        rows.append(f"| `{name}` |{' yes' if spec.required else ''} | {guide} |")
        if name == last_required and taxonomy_fields:
            rows.append(f"| {', '.join(f'`{t}`' for t in taxonomy_fields)} | | "
                        "ids, names or aliases of registry entries, one per item, any language |")
    return "\n".join(rows) + "\n"


# Names a taxonomy may not take, as its name or the front-matter field it reads: a document's own
# fields, the search fields and facets every archive has (`body`, `year`, `originals`), and the search
# page's own address parameters (`q`, `exact`, `page`: a facet's chosen values are in the address by its name).
RESERVED_TAXONOMY_NAMES = frozenset(DOCUMENT_FIELDS) | {"body", "year", "originals", "q", "exact", "page"}


# Front-matter keys of other generators (Hugo, Jekyll, WordPress exports) -> what to write in sitegen:
# an archive moving here hears what its key became before any spelling guess (`categories` is not `actors`).
_TAXONOMY = "a taxonomy in sitegen: list them under {taxonomies}, or declare one in sitegen.yaml"
FOREIGN_FIELDS = {
    "categories": _TAXONOMY, "tags": _TAXONOMY, "keywords": _TAXONOMY, "series": _TAXONOMY,
    "description": "write it as `summary`", "excerpt": "write it as `summary`", "abstract": "write it as `summary`",
    "author": "write `authors`, a list of bylines",
    "publishdate": "write `embargo: YYYY-MM-DD`, the day it may be published from",
    "expirydate": "write `expires: YYYY-MM-DD`, the day it stops being published",
    "aliases": "old addresses go under `redirects`", "redirect_from": "old addresses go under `redirects`",
    "published": "write `draft: true` to keep a document unpublished",
    "lastmod": "sitegen keeps the publication `date`; the day the archive took its copy is `retrieved`",
    "last_modified_at": "sitegen keeps the publication `date`; the day the archive took its copy is `retrieved`",
    "layout": "every document has the same page: change templates/document.html",
    "type": "every document has the same page: change templates/document.html; `genre` says news, report or scholarly",
    "weight": "documents are listed by `date`; keep it under `extra:` if it matters",
    "permalink": "a document's address is documents/<id>.html (set `slug` for another id); "
                 "old addresses go under `redirects`",
    "url_path": "a document's address is documents/<id>.html (set `slug` for another id); "
                "old addresses go under `redirects`",
    "image": "put the file beside the document and list it under `attachments`",
    "featured_image": "put the file beside the document and list it under `attachments`",
    "coverimage": "put the file beside the document and list it under `attachments`",
    "menu": "the menu lists the site's own pages; it is not set per document",
}


def taxonomy_problems(config: Config) -> list[Diagnostic]:
    """A taxonomy named like a document field would read that field as term references, and one
    kept in `documents/` would read the documents as its entries: errors in the config, found before
    any source is read."""
    clashes = [(tax, f"has the name `{tax.name}`", tax.name) for tax in config.taxonomies
               if tax.name in RESERVED_TAXONOMY_NAMES]
    clashes += [(tax, f"reads the field `{tax.field}`", tax.field) for tax in config.taxonomies
                if tax.field in RESERVED_TAXONOMY_NAMES and tax.field != tax.name]
    clashes += [(tax, "keeps its entries in `documents/`", "documents") for tax in config.taxonomies
                if tax.folder == "documents"]
    return [Diagnostic(shown_path(config.path), 1, 1, f"taxonomy `{tax.name}` {what}, which documents already use",
                       f"rename it, e.g. `{name}-terms`") for tax, what, name in clashes]


# The fields of a registry entry (an actor, a topic), declared as a document's are: a `carried` one
# reaches the record, `model.Term` and the registry's export (`exports.term_json`) under its own name.
TERM_FIELDS = {
    "name": Field("text", "the term's name (or give `names` per language)", carried=False),  # into `names`
    "names": Field("names", "name per language, e.g. en: Wang Yi, ar: وانغ يي", default=dict),
    "aliases": Field("texts", "other names and spellings, any language; documents may use them", default=tuple),
    "kind": Field("text", "for actors: person, state, organisation, group, ..."),
    "url": Field("url", "official or reference page"),
    "wikidata": Field("wikidata", "Wikidata item id, e.g. Q148"),
    "description": Field("names", "the description in other languages, plain text per language, e.g. "
                         "ar: ... (the text below the front matter is the description in the site's first language)",
                         default=dict, carried=False),  # `descriptions`, beside the body's
    "extra": Field("mapping", "anything else, free form", default=dict),
    "redirects": Field("addresses", "old addresses of this entry's page, relative to the site root: each gets a page "
                       "that sends readers here", default=tuple, carried=False),  # pages.plan_redirects
}
# The carried term fields as a dataclass that `TermRecord` and `model.Term` both subclass (see `Metadata`)
TermMetadata = make_dataclass("TermMetadata", [(name, Any, field(default_factory=f.default))
                                               for name, f in TERM_FIELDS.items() if f.carried],
                              kw_only=True, namespace={"__module__": __name__})


def specs(table: dict[str, Field]) -> dict[str, tuple[bool, str, str]]:
    """(required, kind, purpose) of each field of a table: what checking and `sitegen new` read."""
    return {name: (f.required, f.kind, f.doc) for name, f in table.items()}


@dataclass(frozen=True)
class Ref:
    """A reference to a term as written in a document, with its position for error messages."""

    text: str
    line: int
    col: int


@dataclass(frozen=True)
class FileRef(Ref):
    """An attachment as written: its name, and whether to read its text by OCR (None: as the site says)."""

    ocr: bool | None = None


ATTACHMENT_KEYS = {"file": "its name",
                   "ocr": "true or false: read its text by OCR, whatever the site's `attachments: {ocr}`"}


@dataclass(kw_only=True)
class DocumentRecord(Metadata):
    """One validated document file: its carried fields (see `Metadata`) and what reading it found."""

    id: str
    path: str
    body: str
    body_line: int
    translation_of: Ref | None = None
    refs: dict[str, tuple[Ref, ...]] = field(default_factory=dict)  # taxonomy name -> references
    draft: bool = False
    embargo: Any = None  # datetime.date or None
    expires: Any = None
    redirects: tuple[Ref, ...] = ()  # old addresses, as written and where (`urls.redirect` makes each a path)
    scheduled_at: dict[str, tuple[int, int]] = field(default_factory=dict)  # date, draft, embargo, expires -> line, col


def metadata_of(record: Metadata) -> dict[str, Any]:
    """The carried fields of a record, by name: what `model.Document` is built from."""
    return {f.name: getattr(record, f.name) for f in fields(Metadata)}


@dataclass(kw_only=True)
class TermRecord(TermMetadata):
    """One validated registry entry: its carried fields (see `TermMetadata`: names, aliases, kind, ...)
    and what reading it found."""

    id: str
    taxonomy: str
    path: str
    body: str
    body_line: int
    where: dict[str, tuple[int, int]] = field(default_factory=dict)  # each name and alias -> line, col
    descriptions: dict[str, str] = field(default_factory=dict)  # language -> plain text, beside the body
    redirects: tuple[Ref, ...] = ()


def term_metadata_of(record: TermMetadata) -> dict[str, Any]:
    """The carried fields of a term record, by name: what `model.Term` is built from."""
    return {f.name: getattr(record, f.name) for f in fields(TermMetadata)}


def suggest_id(text: str) -> str:
    """A portable id for `text`: ASCII lowercase letters, digits and hyphens."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def text_direction(language: str) -> str:
    return "rtl" if language.split("-")[0].lower() in RTL_LANGUAGES else "ltr"


def document_fields(config: Config) -> dict[str, tuple[bool, str, str]]:
    """(required, kind, purpose) of every field a document of this site may have: DOCUMENT_FIELDS plus
    one reference field per taxonomy (`actors`, `topics`, ...)."""
    fields = {name: (f.required, f.kind, f.doc) for name, f in DOCUMENT_FIELDS.items()}
    for tax in config.taxonomies:
        singular = tax.singular.get('en', tax.name).lower()
        fields[tax.field] = (False, "refs", f"{tax.name} in this text: ids, names or aliases from "
                             f"content/{tax.folder}/, one per item "
                             f"(add a missing one with `sitegen new {singular} NAME`)")
    return fields


def validate_document(source: Source, path: str, stem: str, config: Config) -> tuple[DocumentRecord, list[Diagnostic]]:
    """Typed record of one document, and the diagnostics found in it."""
    values, problems = _check(source, path, document_fields(config), FOREIGN_FIELDS)
    doc_id = _file_id(values.get("slug") or stem, path, "slug" in values, source, problems)
    # A record is returned even when a field is wrong (placeholders stand in for it), so that its
    # references and links are checked too and the contributor sees every mistake in one run; the
    # build stops on the errors before anything is rendered.
    refs = {t.name: values.get(t.field, ()) for t in config.taxonomies}
    translation = values.get("translation_of")
    carried = {name: values[name] if name in values else f.default()
               for name, f in DOCUMENT_FIELDS.items() if f.carried}
    carried["language"] = values.get("language", config.language)
    publishing = {name: values[name] if name in values else DOCUMENT_FIELDS[name].default()
                  for name in PUBLISHING_FIELDS}
    scheduled_at = {name: source.meta.where((name,)) for name in ("date", "draft", "embargo", "expires")
                    if name in values}
    record = DocumentRecord(
        **carried, **publishing, scheduled_at=scheduled_at, id=doc_id, path=path, body=source.body,
        body_line=source.body_line, refs=refs,
        translation_of=Ref(translation, *source.meta.where(("translation_of",))) if translation else None,
    )
    return record, problems


def validate_term(source: Source, path: str, stem: str,
                  taxonomy: TaxonomyConfig) -> tuple[TermRecord | None, list[Diagnostic]]:
    values, problems = _check(source, path, specs(TERM_FIELDS))
    term_id = _file_id(stem, path, False, source, problems)
    names = dict(values.get("names", {}))
    if "name" in values:
        names.setdefault("", values["name"])  # "" = the name in any language
    if not names and "names" not in values and not any(d.message.startswith("`name") for d in problems):
        problems.append(Diagnostic(path, 1, 1, "a registry entry needs `name` (or `names` per language)",
                                   f"add `name: {stem.replace('-', ' ').title()}`"))
    kind = values.get("kind", "")
    if kind and taxonomy.kinds and kind not in taxonomy.kinds:
        line, col = source.meta.where(("kind",))
        problems.append(Diagnostic(path, line, col, f"unknown kind `{kind}` for {taxonomy.name}",
                                   did_you_mean(kind, taxonomy.kinds) or "one of: " + ", ".join(taxonomy.kinds)))
    if any(d.severity == "error" for d in problems):
        return None, problems
    carried = {name: values[name] if name in values else f.default() for name, f in TERM_FIELDS.items() if f.carried}
    carried |= {"names": names, "kind": kind}
    return TermRecord(
        **carried, id=term_id, taxonomy=taxonomy.name, path=path, body=source.body, body_line=source.body_line,
        where=_name_positions(values, source), descriptions=values.get("description", {}),
        redirects=values.get("redirects", ()),
    ), problems


def _file_id(name: str, path: str, from_slug: bool, source: Source, problems: list[Diagnostic]) -> str:
    line, col = source.meta.where(("slug",)) if from_slug else (1, 1)
    if from_slug:  # the file name itself was checked where it was found (sources)
        problems += name_problems(name, path, line, col, "slug")
    if PORTABLE_ID.match(name):
        return name
    what = "slug" if from_slug else "file name"
    problems.append(Diagnostic(path, line, col,
                               f"{what} `{name}` is not a portable id (lowercase ASCII letters, digits, hyphens)",
                               f"rename it to `{suggest_id(name) or 'document'}`"))
    return name


def _name_positions(values: dict[str, Any], source: Source) -> dict[str, tuple[int, int]]:
    """Where each name and alias is written, so a clash between entries points at the line itself."""
    where = {}
    for i, alias in enumerate(values.get("aliases", ())):
        where.setdefault(alias, source.meta.where(("aliases", i)))
    for lang, name in values.get("names", {}).items():
        where[name] = source.meta.where(("names", lang))
    if "name" in values:
        where[values["name"]] = source.meta.where(("name",))
    return where


def _check(source: Source, path: str, fields: dict, foreign: dict[str, str] | None = None
           ) -> tuple[dict[str, Any], list[Diagnostic]]:
    data, meta = source.meta.data, source.meta
    problems: list[Diagnostic] = []
    values: dict[str, Any] = {}
    for key, value in data.items():
        line, col = meta.where((key,))
        if key not in fields:
            hint = (foreign or {}).get(str(key).casefold(), "").format(
                taxonomies=" or ".join(f"`{name}`" for name, spec in fields.items() if spec[1] == "refs")
                or "a new one") \
                or did_you_mean(key, fields) or "put free-form data under `extra:`"
            problems.append(Diagnostic(path, line, col, f"unknown field `{key}`", hint))
            continue
        kind = fields[key][1]
        try:
            values[key] = CHECKS[kind](value, key, meta, path)
        except FieldError as exc:
            l2, c2 = meta.where(exc.at) if exc.at else (line, col)
            problems.append(Diagnostic(path, l2, c2, exc.message, exc.hint))
    problems += _disguised(data, meta, path)
    for key, (required, _, _) in fields.items():
        if required and key not in data:
            problems.append(Diagnostic(path, 1, 1, f"missing required field `{key}`",
                                       f"add `{key}: ...` to the front matter"))
    return values, problems


# Characters that cannot be seen but change what is read: zero-width spaces and joiners-in-disguise,
# and bidirectional overrides and isolates (U+202E shows "txt.exe" as "exe.txt"). Marks a script needs
# (ZWNJ/ZWJ, LRM/RLM, ALM in Arabic and Persian) are not in this set.
DISGUISING = {0x200B: "zero-width space", 0x2060: "word joiner", 0xFEFF: "zero-width no-break space",
              **{c: "bidirectional override" for c in range(0x202A, 0x202F)},
              **{c: "bidirectional isolate" for c in range(0x2066, 0x206A)}}


def _disguised(data: dict, meta, path: str) -> list[Diagnostic]:
    """A warning where a field (other than free-form `extra`) holds a character that can disguise it."""
    found = []

    def visit(value: Any, at: tuple) -> None:
        if isinstance(value, str):
            char = next((c for c in value if ord(c) in DISGUISING), None)
            if char:
                line, col = meta.where(at)
                found.append(Diagnostic(path, line, col, f"`{at[0]}` contains an invisible {DISGUISING[ord(char)]} "
                                        f"(U+{ord(char):04X}), which can disguise what it says", "remove it", WARNING))
        elif isinstance(value, (list, dict)):
            for k, v in (value.items() if isinstance(value, dict) else enumerate(value)):
                visit(v, at + (k,))

    for key, value in data.items():
        if key != "extra":
            visit(value, (key,))
    return found


class FieldError(Exception):
    def __init__(self, message: str, hint: str = "", at: tuple = ()):
        super().__init__(message)
        self.message, self.hint, self.at = message, hint, at


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"the number {value!r}"
    if value is None:
        return "nothing"
    return {list: "a list", dict: "a mapping"}.get(type(value), repr(value))


def _text(value, key, meta, path) -> str:
    if not isinstance(value, str):
        hint = "quote it" if isinstance(value, (bool, int, float)) else "write one line of text"
        raise FieldError(f"`{key}` must be text, not {_describe(value)}", hint)
    if not value.strip():
        raise FieldError(f"`{key}` is empty")
    return value.strip()


def _texts(value, key, meta, path) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list):
        raise FieldError(f"`{key}` must be a list of text, not {_describe(value)}",
                         "quote it" if value is not None else "")
    out = []
    for i, item in enumerate(items):
        if not isinstance(item, str) or not item.strip():
            raise FieldError(f"item {i + 1} of `{key}` must be text, not {_describe(item)}", "quote it", (key, i))
        out.append(item.strip())
    return tuple(out)


def _refs(value, key, meta, path) -> tuple[Ref, ...]:
    items = _texts(value, key, meta, path)
    if isinstance(value, str):
        return (Ref(items[0], *meta.where((key,))),)
    return tuple(Ref(text, *meta.where((key, i))) for i, text in enumerate(items))


def _files(value, key, meta, path) -> tuple[FileRef, ...]:
    """Bare file names in the document's own folder (a path could leave it, so none is accepted), each
    written as its name or as `{file: name, ocr: true}`."""
    items = [value] if isinstance(value, (str, dict)) else value
    if not isinstance(items, list):
        raise FieldError(f"`{key}` must be a list of file names, not {_describe(value)}")
    refs = []
    for i, item in enumerate(items):
        at = (key, i) if isinstance(value, list) else (key,)
        name, ocr = _file_item(item, at, meta)
        if not ATTACHMENT_NAME.match(name) or ".." in name:
            raise FieldError(f"`{name}` is not a file name in this document's folder",
                             "write the name only (letters, digits, `.`, `-`, `_`), like original.pdf, and put the "
                             "file next to this one", at + ("file",) if isinstance(item, dict) else at)
        refs.append(FileRef(name, *meta.where(at), ocr=ocr))
    if len({r.text.casefold() for r in refs}) < len(refs):
        raise FieldError(f"`{key}` names a file twice")
    return tuple(refs)


def _file_item(item: Any, at: tuple, meta) -> tuple[str, bool | None]:
    """(name, ocr) of one item of `attachments`: a name, or a mapping of ATTACHMENT_KEYS."""
    if isinstance(item, str) and item.strip():
        return item.strip(), None
    if not isinstance(item, dict):
        raise FieldError(f"an attachment must be a file name or `{{file: name, ocr: true}}`, not {_describe(item)}",
                         "quote it", at)
    for name in item:
        if name not in ATTACHMENT_KEYS:
            known = "known keys: " + ", ".join(f"`{k}` ({doc})" for k, doc in ATTACHMENT_KEYS.items())
            raise FieldError(f"unknown attachment key `{name}`", did_you_mean(str(name), ATTACHMENT_KEYS) or known,
                             at + (name,))
    if not isinstance(item.get("file"), str) or not item["file"].strip():
        raise FieldError("an attachment written as a mapping needs `file: name`", "like {file: scan-1.jpg, ocr: true}",
                         at + ("file",) if "file" in item else at)
    ocr = item.get("ocr")
    if "ocr" in item and not isinstance(ocr, bool):
        raise FieldError(f"`ocr` must be true or false, not {_describe(ocr)}", "", at + ("ocr",))
    return item["file"].strip(), ocr


def _date(value, key, meta, path) -> ArchivalDate:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)  # `date: 2018` is a year, not a number
    text = _text(value, key, meta, path)
    try:
        return parse_date(text)
    except ValueError as exc:
        raise FieldError(str(exc), "dates look like 2021-12-23, 2019-11, 2018, 2019-11-06? or 2018~") from None


def _bool(value, key, meta, path) -> bool:
    if not isinstance(value, bool):
        raise FieldError(f"`{key}` must be true or false, not {_describe(value)}", f"write `{key}: true`")
    return value


def _day(value, key, meta, path) -> datetime.date:
    """One whole day: an embargo or expiry is a day the build compares with today, not an archival range."""
    text = _text(str(value) if isinstance(value, int) and not isinstance(value, bool) else value, key, meta, path)
    try:
        parse_date(text)  # an impossible day, said as for `date`
    except ValueError as exc:
        raise FieldError(str(exc), "write the day in full, like 2031-01-15") from None
    if not FULL_DAY.match(text):
        raise FieldError(f"`{key}` must be a whole day, not `{text}`", "write the day in full, like 2031-01-15")
    return datetime.date.fromisoformat(text)


def _addresses(value, key, meta, path) -> tuple[Ref, ...]:
    """Old addresses of a page, as written (`urls.redirect` makes each the path of a file), each one safe
    to become a file on any system."""
    refs = _refs(value, key, meta, path)
    out = []
    for i, ref in enumerate(refs):
        problem = address_problem(ref.text)
        if problem:
            raise FieldError(f"redirect `{ref.text}` {problem[0]}", problem[1],
                             (key, i) if not isinstance(value, str) else ())
        out.append(ref)
    return tuple(out)


UNSAFE_IN_ADDRESS = re.compile(r'[\\\x00-\x1f\x7f<>:"|?*#]')


def address_problem(text: str) -> tuple[str, str] | None:
    """Why an old address cannot become a file of the output (a message and a hint), or None."""
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:|^//", text):
        return "is a full address, not a path of this site", "write the path only, like old/page.html"
    bad = UNSAFE_IN_ADDRESS.search(text)
    if bad:
        what = {"?": "a query", "#": "a fragment", "\\": "a backslash"}.get(bad.group(),
                                                                          f"the character {bad.group()!r}")
        return (f"contains {what}, which no file name of the site can hold",
                "write a plain path, like old/page.html, with / between folders")
    parts = text.strip("/").split("/")
    if not text.strip("/") or any(p in ("", ".", "..") for p in parts):
        return "is not a path inside the site", "write it from the site's root, like old/page.html or old/folder/"
    for part in parts:
        if part.split(".")[0].casefold() in WINDOWS_RESERVED or part != part.rstrip(". "):
            return f"has `{part}`, a name Windows refuses", "choose another name"
        if part.startswith("."):
            return (f"has `{part}`, a hidden name, which the site does not publish",
                    "choose a name not starting with `.`")
        if len(part.encode("utf-8")) > MAX_NAME_BYTES:
            return (f"has a name of {len(part.encode('utf-8'))} bytes, too long for a file",
                    f"keep each name under {MAX_NAME_BYTES} bytes")
    return None


def _language(value, key, meta, path) -> str:
    text = _text(value, key, meta, path)
    if not LANGUAGE_TAG.match(text):
        raise FieldError(f"`{text}` is not a BCP 47 language tag", "e.g. en, ar, fr, zh-Hans")
    primary, *rest = text.split("-")
    return "-".join([primary.lower(), *rest])


def _url(value, key, meta, path) -> str:
    text = _text(value, key, meta, path)
    if not URL.match(text):
        raise FieldError(f"`{key}` must be an http(s) address, not `{text}`", "start it with https://")
    return text


def _id(value, key, meta, path) -> str:
    text = _text(value, key, meta, path)
    if not PORTABLE_ID.match(text):
        raise FieldError(f"`{text}` is not a portable id (lowercase ASCII letters, digits, hyphens)",
                         f"use `{suggest_id(text) or 'document'}`")
    return text


def _genre(value, key, meta, path) -> str:
    text = _text(value, key, meta, path)
    if text not in GENRES:
        raise FieldError(f"unknown genre `{text}`", did_you_mean(text, GENRES) or "one of: " + ", ".join(GENRES))
    return text


def _wikidata(value, key, meta, path) -> str:
    text = _text(value, key, meta, path)
    if not WIKIDATA.match(text):
        raise FieldError(f"`{text}` is not a Wikidata id", "like Q148")
    return text


def _mapping(value, key, meta, path) -> dict:
    """Free-form data, every value as the contributor wrote it: YAML 1.1 would publish `NO` as False,
    `0755` as 493, `12:30` as 750 and `1.10` as 1.1."""
    return meta.as_written((key,)) if _is_mapping(value, key) else {}


def _is_mapping(value, key) -> bool:
    if not isinstance(value, dict):
        raise FieldError(f"`{key}` must be a mapping of `name: value` lines, not {_describe(value)}")
    return True


def _names(value, key, meta, path) -> dict[str, str]:
    mapping = value if _is_mapping(value, key) else {}
    out = {}
    for lang, name in mapping.items():
        if not LANGUAGE_TAG.match(lang):
            raise FieldError(f"`{lang}` is not a language tag", "write `en: Name`, `ar: الاسم`", (key, lang))
        if not isinstance(name, str) or not name.strip():
            raise FieldError(f"the `{lang}` name must be text, not {_describe(name)}", "quote it", (key, lang))
        out[lang.lower()] = name.strip()
    return out


CHECKS: dict[str, Callable] = {
    "text": _text, "texts": _texts, "refs": _refs, "files": _files, "date": _date, "language": _language, "url": _url,
    "id": _id, "genre": _genre, "wikidata": _wikidata, "mapping": _mapping, "names": _names, "bool": _bool, "day": _day,
    "addresses": _addresses,
}
