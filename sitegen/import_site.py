"""What Hugo's and Jekyll's sites have in common for `sitegen import hugo|jekyll` (their readers are
`import_hugo` and `import_jekyll`): a site's pages read into `Entry`s, and entries made into a `Batch`.

Owns what a static site's pages mean as archive documents: reading config files and page files,
which pages become documents (dated ones) and which are reported, unique slugs, translations, old
addresses and aliases (which become `redirects`), bylines, the mapping of the site's taxonomies onto
the archive's (`Options`), and the resolver that turns links to the old site into `doc:` links.
Reads only inside the folder it is given (links leading out are errors, as in `sources`), writes
nothing, and never decides ids for good: it suggests a unique `slug` per document, which its `doc:`
links use. Text-level work (front matter, shortcodes) is `import_markup`'s.
"""

from __future__ import annotations

import os
import posixpath
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sitegen import sources
from sitegen.attachments import TYPES
from sitegen.config import Config
from sitegen.errors import Diagnostic, shown_path
from sitegen.import_markup import LINKED, Page, Resolver, convert_body, plain, read_data, split_date, split_page
from sitegen.importing import ID_WORDS, Batch, Incoming, Kept
from sitegen.schema import ATTACHMENT_NAME
from sitegen.sources import WINDOWS_RESERVED

# The site's taxonomy (front-matter key) -> the archive's, unless `--taxonomy NAME=TARGET` says otherwise.
DEFAULT_TAXONOMIES = {"tags": "topics", "categories": "topics", "authors": "actors", "author": "actors"}
BYLINES = ("authors", "author")  # also written as `authors:` bylines
PAGE_SUFFIXES = (".md", ".markdown", ".mdown")
OTHER_PAGES = (".html", ".htm", ".adoc", ".asciidoc", ".org", ".rst", ".pandoc", ".pdc", ".ad")
DATE_KEYS = ("date", "publishdate", "lastmod")  # where a page's date is found, in order (Hugo's own order)
CONSUMED = {"title", "date", "lastmod", "draft", "description", "summary", "aliases",
            "slug", "url", "translationkey", "language", "lang", "source", "published", "permalink", "redirect_from",
            "excerpt", "layout", "categories", "category", "tags", "tag"}


@dataclass
class Options:
    """What the archive decides about an import: where the site's taxonomies go, and its languages."""

    taxonomies: dict[str, str] = field(default_factory=dict)  # site key -> archive taxonomy; "" leaves it out
    archive_taxonomies: tuple[str, ...] = ("actors", "topics")
    languages: tuple[str, ...] = ("en",)  # the archive's, so `post.ar.md` is Arabic when the site's config says nothing
    source: str = ""  # every document's `source` (default: the site's title)

    def target(self, key: str) -> str | None:
        """The archive taxonomy a front-matter key goes to: as asked, else the default, else the
        archive's taxonomy of that name; None when it has none (the values are kept under `extra`)."""
        key = key.lower()
        if key in self.taxonomies:
            return self.taxonomies[key] or None
        wanted = DEFAULT_TAXONOMIES.get(key, key)
        return wanted if wanted in self.archive_taxonomies else None


@dataclass
class Entry:
    """One page of the site, read, before it becomes a document or a term."""

    path: Path
    rel: str  # path from the site's folder, for the report: "content/posts/a.md"
    page: Page
    language: str
    slug: str = ""  # the id it suggests; unique in the batch once `_assign_ids` has run
    address: str = ""  # its old address on the site, from the root: "/2021/12/23/a/"; "" if it had none
    date: str = ""
    time: str = ""
    group: str = ""  # pages with the same group are translations of each other
    term: str = ""  # a term page's term (its folder's name); `group` is then its taxonomy key
    draft: bool = False
    bundle: list[Path] = field(default_factory=list)  # files beside it (a Hugo leaf bundle)
    terms: dict[str, list[str]] = field(default_factory=dict)  # site taxonomy key -> values
    lookup: list[str] = field(default_factory=list)  # how `ref`, `post_url` and `link` name it
    notes: list[str] = field(default_factory=list)


@dataclass
class Site:
    """A site's settings, as both readers need them."""

    folder: Path
    title: str
    base_url: str
    language: str  # the default content language
    languages: tuple[str, ...]
    params: dict[str, Any]
    taxonomy_keys: tuple[str, ...]  # front-matter keys holding taxonomy values
    batch: Batch
    scheduled: tuple[str, ...] = ("publishdate", "expirydate")  # read as embargo and expiry (not when the
    #   site's config builds future or expired pages anyway: Hugo's buildFuture, buildExpired)
    term_names: dict[tuple[str, str], str] = field(default_factory=dict)  # (key, urlized term) -> the name on its
    #   page, else the first spelling read: Hugo makes `Open data` and `open-data` one term, so the archive does


def from_command_line(reader, kind: str, source: Path, config: Config, taxonomy: list[str] | None,
                      publisher: str | None) -> Batch:
    """The reader's Batch, or one holding why the command line's folder or options cannot be used:
    `--taxonomy categories=topics` (`tags=` leaves them out) must name a taxonomy of the archive."""
    mapping = {}
    for written in taxonomy or []:
        key, _, target = written.partition("=")
        mapping[key.strip().lower()] = target.strip()
    names = tuple(t.name for t in config.taxonomies)
    problems = [Diagnostic(shown_path(config.path), 1, 1,
                           f"--taxonomy {key}={target}: the archive has no taxonomy `{target}`",
                           f"its taxonomies are {', '.join(names) or 'none'}; `{key}=` leaves {key} out")
                for key, target in mapping.items() if target and target not in names]
    if not source.is_dir():
        problems.append(Diagnostic(shown_path(source), 1, 1, f"not a folder: give the {kind.title()} site's folder",
                                   "the one holding its config and content"))
    if problems:
        return Batch(f"{kind} {source.name}", problems=problems)
    return reader(source, Options(mapping, names, tuple(config.languages), publisher or ""))


# --- A site's config files ----------------------------------------------------------------------

def read_config(folder: Path, path: Path, batch: Batch) -> dict[str, Any]:
    """One config file's data, lower-cased keys; a file leading out of the site is an error."""
    shown = shown_path(path)
    if not inside(path, folder):
        batch.problems.append(Diagnostic(shown, 1, 1, "config file is a link to a file outside the site",
                                         "copy the file itself here"))
        return {}
    data, problems = sources.read(path)
    if data is None:
        batch.problems += problems
        return {}
    data, problems = read_data(data.decode("utf-8", "replace"),
                               {".toml": "toml", ".json": "json"}.get(path.suffix, "yaml"), shown)
    batch.problems += problems
    return _lower(data)


def inside(path: Path, folder: Path) -> bool:
    real, top = os.path.realpath(path), os.path.realpath(folder)
    return real == top or real.startswith(top.rstrip(os.sep) + os.sep)


def _lower(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k).lower(): _lower(v) for k, v in value.items()}
    return [_lower(v) for v in value] if isinstance(value, list) else value


def merged(base: dict, more: dict) -> dict:
    out = dict(base)
    for key, value in more.items():
        out[key] = merged(out[key], value) if isinstance(out.get(key), dict) and isinstance(value, dict) else value
    return out


def ref_key(target: str) -> str:
    target = re.sub(r"\.(?:md|markdown|mdown|html)$", "", target.strip().strip("/"))
    return re.sub(r"(?:^|/)_?index$", "", target).lower()


def urlize(text: str) -> str:
    """Hugo's `urlize`, near enough for old addresses: lower case, spaces as hyphens, no punctuation."""
    return re.sub(r"\s+", "-", re.sub(r"[^\w\s.~-]", "", text.strip().lower()))


# --- Shared by Hugo and Jekyll: a page read, and the entries made into the batch ----------------

def walk(root: Path, folder: Path, batch: Batch) -> list[Path]:
    """Every file under `root`, links leading out of `folder` refused (`sources.discover`); a name the
    archive could not publish (too long, `con`) is no problem here: the import gives each its own id."""
    files, problems = sources.discover(root, within=folder, suffix="")
    batch.problems += [p for p in problems if not p.message.startswith("file name `")]
    return [Path(p) for p in files]


def read_entry(site: Site, path: Path, rel: str, language: str) -> Entry | None:
    """The page file read and split; None (and a problem) when its front matter cannot be read."""
    data, problems = sources.read(path)
    if data is None:
        site.batch.problems += problems
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        site.batch.problems.append(Diagnostic(rel, line, 1, "file is not valid UTF-8", "save it as UTF-8"))
        return None
    page, problems = split_page(text, rel)
    site.batch.problems += problems
    if page is None:
        return None
    meta = page.meta = {str(k).lower(): v for k, v in page.meta.items()}
    language = str(meta.get("language") or meta.get("lang") or language).lower()
    entry = Entry(path, rel, page, language)
    used = next((k for k in DATE_KEYS if split_date(meta.get(k))), "")
    entry.date, entry.time = split_date(meta[used]) if used else ("", "")
    if used and used != "date":
        entry.notes.append(f"The date is the site's `{used}`: the page gives no `date`.")
    elif meta.get("date") and not used:
        entry.notes.append(f"`{meta['date']}` is not a date")  # reported with the page left out
    entry.draft = meta.get("draft") is True or meta.get("published") is False
    slug = str(meta.get("slug") or "")
    if ".." in re.split(r"[/\\]", slug):  # a slug may hold folders (`guides/x`), never lead above the site's root
        site.batch.problems.append(Diagnostic(rel, _line_of(text, "slug"), 1, f"slug `{slug}` leads out of the site",
                                              "remove the `..`: a slug names the page's place inside the site"))
        return None
    return entry


def _line_of(text: str, key: str) -> int:
    found = re.search(rf'^\s*"?{key}"?\s*[:=]', text, re.M | re.I)
    return text.count("\n", 0, found.start()) + 1 if found else 1


def make_batch(site: Site, entries: list[Entry], options: Options) -> None:
    """Documents from dated pages (the rest reported), with unique slugs, translations linked, bodies
    converted, and the front-matter keys kept under `extra` listed once each."""
    documents = []
    for entry in entries:
        if not entry.date:
            why = entry.notes[-1] if entry.notes else "no date"
            site.batch.kept.append(Kept(entry.rel, f"left out: {why} (not a dated page; "
                                                   "give it `date:` to bring it in)"))
        else:
            documents.append(entry)
    for entry in documents:  # a translation shares its original's name: `report` and `report-ar`
        entry.slug = _fit(entry.slug + (f"-{entry.language}" if entry.language != site.language else ""))
    _assign_ids(documents)
    originals = _originals(documents, site)
    resolver = _resolver(site, documents)
    extras: dict[str, list[str]] = defaultdict(list)
    claimed: dict[str, str] = {}
    for entry in documents:
        site.batch.documents.append(_incoming(site, entry, originals, resolver, options, extras, claimed))
    for key, where in sorted(extras.items()):
        site.batch.kept.append(Kept(where[0], f"`{key}` kept under `extra` "
                                              f"({len(where)} page{'s' * (len(where) > 1)})"))


def _assign_ids(entries: list[Entry]) -> None:
    """Unique slugs, whatever order the files came in: a clash takes the date, then a number."""
    count = Counter(e.slug for e in entries)
    taken: set[str] = set()
    for entry in sorted(entries, key=lambda e: e.rel):
        day = entry.date.rstrip("?~%")
        slug = entry.slug if count[entry.slug] == 1 or entry.slug.startswith(day) else _fit(f"{day}-{entry.slug}")
        n = 2
        while slug in taken:
            slug, n = _fit(entry.slug[:ID_WORDS] + f"-{n}"), n + 1
        entry.slug = slug
        taken.add(slug)


def _fit(slug: str) -> str:
    """A slug the import keeps as the id (`importfiles` cuts longer ones and renames Windows' device
    names), so `doc:` links made here hold."""
    slug = slug[:ID_WORDS + 20].strip("-")
    return slug + "-document" if slug in WINDOWS_RESERVED else slug


def _originals(entries: list[Entry], site: Site) -> dict[str, str]:
    """Translation group -> the key (`rel`) of its original (the page in the site's default language, else
    the first language of the site's order)."""
    groups: dict[str, list[Entry]] = defaultdict(list)
    for entry in entries:
        groups[entry.group].append(entry)
    order = {language: i for i, language in enumerate(site.languages)}
    return {group: min(pages, key=lambda e: (order.get(e.language, 99), e.rel)).rel
            for group, pages in groups.items() if len(pages) > 1}


def _resolver(site: Site, entries: list[Entry]) -> Resolver:
    names: dict[str, str] = {}
    addresses: dict[str, str] = {}
    for entry in sorted(entries, key=lambda e: (e.language != site.language, e.rel)):
        for name in entry.lookup:
            names.setdefault(name, f"doc:{entry.slug}")
        if entry.address:
            addresses.setdefault(_address_key(entry.address), f"doc:{entry.slug}")
        for alias in _aliases(entry):
            addresses.setdefault(_address_key(alias), f"doc:{entry.slug}")
        for path in entry.bundle:
            if _attachable(path):
                addresses.setdefault(_address_key(entry.address + path.name), f"{entry.slug}/{path.name}")
    return Resolver(lambda target: names.get(ref_key(target)), lambda path: addresses.get(_address_key(path)),
                    site.base_url, site.params)


def _address_key(path: str) -> str:
    path = re.sub(r"/index\.html?$", "/", "/" + path.strip().lstrip("/"))
    return (path if re.search(r"\.\w+$", path) else path.rstrip("/") + "/").lower()


def _aliases(entry: Entry) -> list[str]:
    meta = entry.page.meta
    written = meta.get("aliases", meta.get("redirect_from", []))
    values = [written] if isinstance(written, str) else written if isinstance(written, list) else []
    base = posixpath.dirname(entry.address.rstrip("/")) + "/"
    return [str(v) if str(v).startswith("/") else posixpath.join(base, str(v)) for v in values if str(v).strip()]


def _attachable(path: Path) -> bool:
    return path.is_file() and bool(ATTACHMENT_NAME.match(path.name)) and path.suffix[1:].lower() in TYPES


def _incoming(site: Site, entry: Entry, originals: dict[str, str], resolver: Resolver, options: Options,
              extras: dict[str, list[str]], claimed: dict[str, str]) -> Incoming:
    terms, bylines, extra = _terms(entry, options, site)
    fields = _fields(site, entry, options, bylines, _redirects(entry, claimed, site))
    meta = entry.page.meta
    extra.update({k: plain(v) for k, v in meta.items() if k not in CONSUMED and k not in extra and k not in BYLINES
                  and k not in site.taxonomy_keys and k not in site.scheduled and v not in (None, "", [], {})})
    for key in extra:
        extras[key].append(entry.rel)
    if entry.time:  # the time of day the site gave with the date, beside a `time` of the page's own
        extra["published_time" if "time" in extra else "time"] = entry.time
    if extra:
        fields["extra"] = extra
    converted = convert_body(entry.page.body, replace(resolver, params={**site.params, **meta}, page=entry.address))
    _report_kept(site, entry, converted.kept)
    attachments = [p for p in entry.bundle if _attachable(p)]
    for path in entry.bundle:
        if path not in attachments:
            what = "a folder" if path.is_dir() else "a type the archive does not publish"
            site.batch.kept.append(Kept(entry.rel, f"left out: `{path.name}` in its bundle ({what})"))
    original = originals.get(entry.group, entry.rel)
    return Incoming(entry.rel, entry.rel, fields, converted.body.lstrip("\n"), terms, attachments, entry.slug,
                    translation_of=original if original != entry.rel else "")


def _fields(site: Site, entry: Entry, options: Options, bylines: list[str], redirects: list[str]) -> dict[str, Any]:
    """The document's fields but `extra`: the site's names for them mapped onto the archive's."""
    meta = entry.page.meta
    fields: dict[str, Any] = {"title": str(meta.get("title") or entry.slug.replace("-", " ")), "date": entry.date,
                              "source": options.source or site.title, "language": entry.language}
    if "title" not in meta:
        site.batch.kept.append(Kept(entry.rel, "no title: the file's name is written as the title"))
    if site.base_url and entry.address:
        fields["url"] = site.base_url + entry.address
    summary = meta.get("description") or meta.get("summary") or meta.get("excerpt")
    if isinstance(summary, str) and summary.strip():
        fields["summary"] = " ".join(summary.split())
    if bylines:
        fields["authors"] = bylines
    if entry.draft:
        fields["draft"] = True
    for key, name in (("publishdate", "embargo"), ("expirydate", "expires")):
        if key in site.scheduled and split_date(meta.get(key)):
            fields[name] = split_date(meta[key])[0]
    if redirects:
        fields["redirects"] = redirects
    if entry.notes:
        fields["notes"] = " ".join(entry.notes)
    return fields


_TAG_NAME = re.compile(r"^\{\{[<%]\s*/?\s*([\w./-]+)|^\{%-?\s*(\w+)|^\{\{")


def _report_kept(site: Site, entry: Entry, kept: list[str]) -> None:
    """One line per shortcode or tag name and what became of it (the report groups the pages by line)."""
    for what, linked in dict.fromkeys((_tag_name(k.removeprefix(LINKED)), k.startswith(LINKED)) for k in kept):
        site.batch.kept.append(Kept(entry.rel, f"{what} as a link's target: linked to its argument" if linked else
                                    f"{what} kept as written: sitegen shows it as text"))


def _tag_name(written: str) -> str:
    found = _TAG_NAME.match(written)
    if found and found.group(1):
        return f"shortcode `{found.group(1)}`"
    return f"Liquid tag `{found.group(2)}`" if found and found.group(2) else f"template output `{written[:40]}`"


def _terms(entry: Entry, options: Options, site: Site) -> tuple[dict[str, list[str]], list[str], dict[str, Any]]:
    """Archive taxonomy -> names; the bylines; taxonomies the archive has no place for (for `extra`)."""
    terms: dict[str, list[str]] = {}
    bylines: list[str] = []
    extra: dict[str, Any] = {}
    for key in dict.fromkeys([*site.taxonomy_keys, *BYLINES, *entry.terms]):
        values = entry.terms[key] if key in entry.terms else _values(entry.page.meta.get(key))
        if not values:
            continue
        # pages may name a term by its folder
        values = [site.term_names.setdefault((key, urlize(v)), v) for v in values]
        if key in BYLINES and not bylines:
            bylines = list(dict.fromkeys(values))
        target = options.target(key)
        if target:
            terms.setdefault(target, [])
            terms[target] += [v for v in dict.fromkeys(values) if v not in terms[target]]
        elif key not in BYLINES:
            extra[key] = values
    return terms, bylines, extra


def _values(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value.strip()] if value.strip() else []
    if isinstance(value, dict):
        value = [value]
    return [str(v.get("name") or v.get("title") or "") if isinstance(v, dict) else str(v) for v in value or []
            if v not in (None, "")] if isinstance(value, list) else []


def _file_path(address: str) -> bool:
    """Whether an old address can be a file of the built site everywhere (as `redirects` requires):
    no query, fragment or character Windows refuses, no `..`, no device name, no part ending in a dot."""
    parts = address.split("#")[0].strip("/").split("/")
    return not re.search(r'[\\\x00-\x1f\x7f<>:"|?*]', address.split("#")[0]) and all(
        part not in ("", ".", "..") and part.split(".")[0].casefold() not in WINDOWS_RESERVED
        and part == part.rstrip(". ")
        for part in parts)


def _redirects(entry: Entry, claimed: dict[str, str], site: Site) -> list[str]:
    """The page's old address and its aliases, as paths from the root; one a site could not serve as a
    file, or one another page already claimed, is reported instead."""
    out = []
    for address in [*([entry.address] if entry.address else []), *_aliases(entry)]:
        path = posixpath.normpath("/" + address.split("#")[0]).lstrip("/") + ("/" if address.endswith("/") else "")
        if path in ("", "/") or not _file_path(address):
            site.batch.kept.append(Kept(entry.rel, f"old address `{address}` not redirected: "
                                                   "no file of the site can hold it"))
        elif claimed.setdefault(path, entry.rel) != entry.rel:
            site.batch.kept.append(Kept(entry.rel, f"old address `{address}` not redirected: "
                                                   f"{claimed[path]} has it too"))
        elif path not in out:
            out.append(path)
    return out
