"""The only place the paths of pages and links are decided; inside the folders named here that a
module fills on its own (`search/`: `searchdata.path`, `data/`: `exports`, `feeds/`: `feeds`) that
module names its files.

Every path here is relative to the output root and names a file (`actors/wang-yi.html`,
`actors/index.html`), never a folder or an absolute `/...` URL, so the site works from `file://`, a
zip, or any sub-path of a host. Links between pages are made page-relative by `relative`. The site's
own pages (home, indexes, terms, search) exist once per language edition: the default edition at the
root, each other one under `<lang>/` (`ar/actors/wang-yi.html`); documents exist once, at the root.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

HOME = "index.html"
CHRONOLOGY = "chronology.html"
SOURCES = "sources.html"
SEARCH = "search.html"
SEARCH_CORE = "search/core.js"
DATA = "data/index.html"  # "About the data": what data/ holds and how to read it
ABOUT = "about.html"  # the archive's own "about" page, from content/about.md (about.<lang>.md per edition)
ASSETS = "assets"


def document(doc_id: str, ext: str = "html") -> str:
    """The document's page, or (with `ext`) another per-document output beside it: `.bib`, `.ris`, ..."""
    return f"documents/{doc_id}.{ext}"


def attachment(doc_id: str, name: str) -> str:
    """A file published with a document, in a folder beside its page."""
    return f"documents/{doc_id}/{name}"


def term(taxonomy: str, term_id: str, page: int = 1) -> str:
    return f"{taxonomy}/{term_id}.html" if page == 1 else f"{taxonomy}/{term_id}/page-{page}.html"


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
    path, _, anchor = target.partition("#")
    if not path:
        return f"#{anchor}"
    link = _relpath(path, posixpath.dirname(from_page))
    return f"{link}#{anchor}" if anchor else link


def _relpath(path: str, folder: str) -> str:
    """`posixpath.relpath(path, folder)` for plain output-root paths, without the two calls to the OS
    for the working folder it makes each time (most of the time pages spent on links)."""
    parts, base = path.split("/"), folder.split("/") if folder else []
    if any(p in ("", ".", "..") for p in parts) or any(p in ("", ".", "..") for p in base):
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
