"""The only place the paths of pages and links are decided; inside the folders named here that a
module fills on its own (`search/`: `searchdata.path`, `data/`: `exports`, `feeds/`: `feeds`) that
module names its files.

Every path here is relative to the output root and names a file (`actors/wang-yi.html`,
`actors/index.html`), never a folder or an absolute `/...` URL, so the site works from `file://`, a
zip, or any sub-path of a host. Links between pages are made page-relative by `relative`. The site's
own pages (home, indexes, terms, search) exist once per language edition: the default edition at the
root, each other one under `<lang>/` (`ar/actors/wang-yi.html`); documents exist once, at the root.
No folder holds more than `limits.folder_entries` FAT32 entries (`folder_entries`), so a copy fits on
a USB stick: documents go by date once they outgrow documents/, full folders split by a hash
(`Layout`, decided once per build from every document and term; `spread` for the search's records).
"""

from __future__ import annotations

import hashlib
import posixpath
import re
from collections import Counter
from dataclasses import dataclass
from typing import Iterable

HOME = "index.html"
CHRONOLOGY = "chronology.html"
SOURCES = "sources.html"
SEARCH = "search.html"
SEARCH_CORE = "search/core.js"
DATA = "data/index.html"  # "About the data": what data/ holds and how to read it
ABOUT = "about.html"  # the archive's own "about" page, from content/about.md (about.<lang>.md per edition)
ASSETS = "assets"


DOCUMENTS = "documents"


def document(doc_id: str, ext: str = "html", folder: str = "") -> str:
    """The document's page, or (with `ext`) another per-document output beside it: `.bib`, `.ris`, ...
    `folder`: its place under documents/ (`document_folders`); "" is the flat address every document
    had before, where `legacy` redirects are left."""
    return f"{DOCUMENTS}/{folder}{doc_id}.{ext}"


def attachment(doc_id: str, name: str, folder: str = "") -> str:
    """A file published with a document, in a folder beside its page."""
    return f"{DOCUMENTS}/{folder}{doc_id}/{name}"


def term(taxonomy: str, term_id: str, page: int = 1, folder: str = "") -> str:
    """A term's page; `folder`: its place in the taxonomy's folder (`term_folders`), "" for most."""
    stem = f"{taxonomy}/{folder}{term_id}"
    return f"{stem}.html" if page == 1 else f"{stem}/page-{page}.html"


def taxonomy_index(taxonomy: str) -> str:
    return f"{taxonomy}/index.html"


def redirect(old: str) -> str:
    """The file an old address of a page names (checked by `schema.address_problem`): `old/dir/` is
    `old/dir/index.html`; a leading `/` is the site's root."""
    old = old.lstrip("/")
    return old + "index.html" if old.endswith("/") else old


OWN_FOLDERS = (ASSETS, "search", "data")  # folders sitegen fills itself: no redirect may be put in them


def asset(name: str) -> str:
    return f"{ASSETS}/{name}"


def theme_image(kind: str, suffix: str) -> str:
    """Where `theme.logo` or `theme.favicon` is published: `logo.png`, `favicon.ico`."""
    return f"{kind}{suffix.lower()}"


@dataclass(frozen=True)
class Edition:
    """The site's own pages in one language."""

    lang: str
    prefix: str = ""  # "" for the default edition, "ar/" for the others

    def path(self, page: str) -> str:
        """`page` (a path of the default edition) in this edition."""
        return self.prefix + page


def editions(languages: tuple[str, ...]) -> list[Edition]:
    """One edition per language; the first language's at the root."""
    return [Edition(lang, "" if i == 0 else f"{lang}/") for i, lang in enumerate(languages)]


def root(from_page: str) -> str:
    """The page-relative prefix of the output root (`""`, `"../"`, ...), for scripts that build links."""
    return "../" * from_page.count("/")


_RELATIVE_LINK = re.compile(r'\b(href|src)="(?![a-zA-Z][a-zA-Z0-9+.-]*:|#|/)')


def rebase(html: str, depth: int) -> str:
    """HTML whose page-relative links were made for a page, moved `depth` folders deeper."""
    return _RELATIVE_LINK.sub(lambda m: f'{m.group(1)}="' + "../" * depth, html) if depth else html


def relative(from_page: str, target: str) -> str:
    """Link from the page at `from_page` to `target` (both output-root paths; target may have #anchor)."""
    return relative_from(posixpath.dirname(from_page), target)


def relative_from(folder: str, target: str) -> str:
    """`relative` from any page in `folder` ("" for the root)."""
    path, _, anchor = target.partition("#")
    if not path:
        return f"#{anchor}"
    link = _relpath(path, folder)
    return f"{link}#{anchor}" if anchor else link


def _relpath(path: str, folder: str) -> str:
    """`posixpath.relpath(path, folder)` for plain output-root paths, without the two calls to the OS
    for the working folder it makes each time (most of the time pages spent on links)."""
    parts, base = path.split("/"), folder.split("/") if folder else []
    if "" in parts or "." in parts or ".." in parts or "" in base or "." in base or ".." in base:
        return posixpath.relpath(path, folder or ".")
    common = 0
    for mine, theirs in zip(parts, base):
        if mine != theirs:
            break
        common += 1
    return "/".join([".."] * (len(base) - common) + parts[common:]) or "."


def absolute(base_url: str, path: str) -> str:
    """`path` under the site's address (`base_url` ends in /), or "" when the address is unknown."""
    return base_url + path if base_url else ""


# ---- bounded folders: every folder sitegen fills stays under `limits.folder_entries` FAT32 entries ----

HASH_DIGITS = "0123456789abcdef"  # a folder too full for its documents or terms splits into these sub-folders


def fat_entries(name: str) -> int:
    """The FAT32 directory entries a file or folder name takes: a long name is one short entry and
    one per 13 UTF-16 units (every name is counted as long: a lower-case one needs the long entries too)."""
    return 1 + -(-(len(name) if name.isascii() else len(name.encode("utf-16-le")) // 2) // 13)


def folder_entries(paths: Iterable[str]) -> dict[str, int]:
    """Folder ("" for the output root) -> the FAT32 entries it holds (its files and sub-folders, plus
    `.` and `..`) when `paths` (output-root file paths) are written."""
    names: dict[str, set[str]] = {}
    for path in paths:
        parts = path.split("/")
        for depth in range(len(parts)):
            names.setdefault("/".join(parts[:depth]), set()).add(parts[depth])
    return {folder: 2 + sum(map(fat_entries, held)) for folder, held in names.items()}


def date_folder(year: int, month: int | None) -> str:
    """A document's folder by its date: `2021/10/`, or `2021/` for a date of a year only."""
    return f"{year:04d}/" + (f"{month:02d}/" if month else "")


def document_folders(documents: Iterable[tuple[str, int, int | None, bool]], exts: Iterable[str],
                     limit: int) -> dict[str, str]:
    """Document id -> its folder under documents/ ("" or `2021/10/`), for (id, year, month, has
    attachments) of every published document. While every document's files (one per ext, and the
    attachment folder) fit in documents/ in `limit` FAT32 entries, there they stay, at the addresses
    they always had. Past that, each document is in its date's folder; a date's folder fuller than
    `limit` is split into sub-folders 0-f by a hash of the id, and those again while one is too
    full: a document moves only when its month outgrows a folder, and never because another did."""
    exts = list(exts)
    by_date: dict[str, dict[str, int]] = {}
    for doc_id, year, month, attached in documents:
        cost = sum(fat_entries(f"{doc_id}.{ext}") for ext in exts) + (fat_entries(doc_id) if attached else 0)
        by_date.setdefault(date_folder(year, month), {})[doc_id] = cost
    if 2 + sum(sum(costs.values()) for costs in by_date.values()) <= limit:
        return {doc_id: "" for costs in by_date.values() for doc_id in costs}
    months = Counter(folder.split("/")[0] for folder in by_date if folder.count("/") == 2)
    out: dict[str, str] = {}
    for folder, costs in by_date.items():  # a year's folder also holds its months' folders
        beside = 2 + (fat_entries("00") * months[folder[:-1]] if folder.count("/") == 1 else 0)
        out.update((doc_id, folder + sub) for doc_id, sub in _split(costs, limit - beside, limit).items())
    return out


def term_folders(terms: Iterable[tuple[str, str, int]], limit: int, page_size: int,
                 feeds: bool) -> dict[tuple[str, str], str]:
    """(taxonomy, term id) -> its folder inside the taxonomy's ("" unless the taxonomy's folder is too
    full), for (taxonomy, term id, its documents) of every term: its page and, past `page_size`
    documents, its folder of further pages are counted, and (with `feeds`) its two feeds in
    feeds/<taxonomy>/; where either folder is too full, split by a hash of the id as documents are."""
    pages: dict[str, dict[str, int]] = {}
    feed: dict[str, dict[str, int]] = {}
    for taxonomy, term_id, count in terms:
        pages.setdefault(taxonomy, {})[term_id] = fat_entries(f"{term_id}.html") + (fat_entries(term_id)
                                                                                    if count > page_size else 0)
        feed.setdefault(taxonomy, {})[term_id] = 2 * fat_entries(f"{term_id}.json") if feeds and count else 0
    out = {}
    for taxonomy, costs in pages.items():
        if sum(costs.values()) <= limit - 2 - fat_entries("index.html") and sum(feed[taxonomy].values()) <= limit - 2:
            out.update(((taxonomy, term_id), "") for term_id in costs)
        else:  # each sub-folder counted as the fuller of the two
            most = {term_id: max(cost, feed[taxonomy][term_id]) for term_id, cost in costs.items()}
            out.update(((taxonomy, term_id), sub) for term_id, sub in _split(most, -1, limit).items())
    return out


def _split(costs: dict[str, int], room: int, limit: int, depth: int = 0) -> dict[str, str]:
    """Name -> its sub-folder ("" for none) when names of these FAT32 costs must fit in `room`
    entries of a folder: none when they do, else one per hash digit (a folder of its own, with
    `limit` entries less `.` and `..`), each split again as it needs."""
    if sum(costs.values()) <= room or depth >= 8 or len(costs) < 2:
        return dict.fromkeys(costs, "")
    groups: dict[str, dict[str, int]] = {}
    for name, cost in costs.items():
        groups.setdefault(hashlib.blake2b(name.encode(), digest_size=8).hexdigest()[depth], {})[name] = cost
    return {name: f"{digit}/{sub}" for digit, group in groups.items()
            for name, sub in _split(group, limit - 2, limit, depth + 1).items()}


def spread(count: int, limit: int) -> tuple[int, int]:
    """How `count` files numbered 0, 1, ... (the search index's one per document) are spread over
    folders of at most `limit` entries: (files per folder, a power of ten; levels of folders, 0 when
    they all fit in one)."""
    per = 10
    while 2 * per * 10 + 2 <= limit:  # a name like 12345.js takes 2 entries
        per *= 10
    levels = 0
    while -(-count // per ** levels) > per:
        levels += 1
    return per, levels


def numbered(kind: str, n: int, spread: tuple[int, int]) -> str:
    """The search key (and path under search/, less `.js`) of file `n` of a numbered kind (`r`, `o`):
    `r/123`, or in folders by the number's leading digits, `r/1/123` (levels 1, 100 a folder)."""
    per, levels = spread
    return "/".join([kind, *(str(n // per ** k) for k in range(levels, 0, -1)), str(n)])


@dataclass(frozen=True)
class Layout:
    """Where each document and term goes: its folder (`document_folders`, `term_folders`); one not
    listed is where every document and term was before, flat."""

    documents: dict[str, str]  # document id -> its folder under documents/
    terms: dict[tuple[str, str], str]  # (taxonomy, term id) -> its folder in the taxonomy's

    def document(self, doc_id: str, ext: str = "html") -> str:
        return document(doc_id, ext, self.documents.get(doc_id, ""))

    def attachment(self, doc_id: str, name: str) -> str:
        return attachment(doc_id, name, self.documents.get(doc_id, ""))

    def term(self, taxonomy: str, term_id: str) -> str:
        return term(taxonomy, term_id, folder=self.terms.get((taxonomy, term_id), ""))


FLAT = Layout({}, {})
