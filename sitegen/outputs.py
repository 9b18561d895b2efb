"""The table of outputs: every kind of file the site publishes besides its own pages' listings and
its assets, declared once, one row each.

A row says what a file is called where readers see it (a link's label, the "not written" line), its
scope (`document`: one per document; `term`: one per registry entry; `feed`: one per feed, the archive's
and each term's; `taxonomy`: one per taxonomy; `site`: one), its path, the template that renders it
(with the context its planner gives: `pages.plan_document`, `feeds.planned_feeds`,
`feeds.planned_sitemap`, `pages.plan_redirects`) or the function that makes its bytes from the site
(`make`), its media type where pages link to it, whether it needs the site's address (`base_url`), and
how the data page lists it (`listed`: its format and the interface words describing it). Planning, the
data files, the data page's list of files and what a build without `base_url` leaves out all read this
table: a new per-document or data output is one row here and one template (or function). The site's own
pages (home, chronology, sources, search, about, data, taxonomy indexes, term pages) are planned one
function each in `pages`. Must not render or write anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from sitegen import exports, urls
from sitegen.config import Config
from sitegen.model import Site


@dataclass(frozen=True)
class Output:
    name: str
    scope: str  # document, term, taxonomy, feed, site, redirect
    # the scope's key (a document id and its folder, a term, a feed's stem, a taxonomy's name) -> output path
    path: Callable[..., str]
    template: str = ""
    # (site[, the taxonomy's name, term or document]) -> the file's bytes (`data_files`)
    make: Callable[..., bytes] | None = None
    media: str = ""
    base_url: bool = False
    listed: tuple[str, str] = ("", "")  # (format, key in ui.STRINGS) on the data page; ("", "") not listed


OUTPUTS = [
    # the page; the others are offered on it as downloads
    Output("page", "document", lambda d, folder="": urls.document(d, folder=folder), "document.html"),
    Output("BibTeX", "document", lambda d, folder="": urls.document(d, "bib", folder), "document.bib",
           media="application/x-bibtex"),
    Output("RIS", "document", lambda d, folder="": urls.document(d, "ris", folder), "document.ris",
           media="application/x-research-info-systems"),
    Output("CSL-JSON", "document", lambda d, folder="": urls.document(d, "json", folder), "document.json",
           media="application/vnd.citationstyles.csl+json"),
    Output("Atom", "feed", lambda stem: f"{stem}.xml", "feed.xml", media="application/atom+xml", base_url=True),
    Output("JSON Feed", "feed", lambda stem: f"{stem}.json", "feed.json", media="application/feed+json", base_url=True),
    Output("sitemap.xml", "site", lambda: "sitemap.xml", "sitemap.xml", base_url=True),
    Output("robots.txt", "site", lambda: "robots.txt", "robots.txt", base_url=True),
    Output("redirect", "redirect", urls.redirect, "redirect.html"),
    Output("documents.csv", "site", exports.documents_csv_path, make=exports.documents_csv,
           listed=("CSV", "data_documents_csv")),
    Output("documents.json", "site", lambda: f"{exports.DATA}/documents.json", make=exports.documents_json,
           listed=("JSON", "data_documents_json")),
    Output("registry", "taxonomy", exports.taxonomy_json_path, make=exports.taxonomy_json,
           listed=("JSON", "data_taxonomy")),
    Output("datapackage.json", "site", lambda: f"{exports.DATA}/datapackage.json", make=exports.datapackage_json,
           listed=("Frictionless Data Package", "data_package")),
]


def of(scope: str) -> list[Output]:
    """The rows of one scope, in the table's order."""
    return [o for o in OUTPUTS if o.scope == scope]


def one(name: str) -> Output:
    return next(o for o in OUTPUTS if o.name == name)


def data_files(site: Site) -> dict[str, bytes]:
    """Every file the table makes with a function (`make`), by output path: once (`site`), or per
    taxonomy (given its name), registry entry (given the `model.Term`) or document (given the
    `model.Document`). A `make` reads what documents and entries say, never a body: a build where
    only bodies changed keeps these files (`incremental`)."""
    files: dict[str, bytes] = {}
    for o in OUTPUTS:
        if o.make is None:
            continue
        for key, arg in _instances(site, o.scope):
            files[o.path(*key)] = o.make(site, *arg)
    return files


def _instances(site: Site, scope: str) -> list[tuple[tuple, tuple]]:
    """(the path's arguments, the function's arguments after the site) for each file of a scope."""
    if scope == "taxonomy":
        return [((name,), (name,)) for name in site.taxonomies]
    if scope == "term":
        return [((term,), (term,)) for tax in site.taxonomies.values() for term in tax.terms.values()]
    if scope == "document":
        return [((doc.id, doc.folder), (doc,)) for doc in site.documents.values()]
    return [((), ())]


def listed(site: Site, ui: dict, ui_lang: str) -> list[tuple[str, str, str, str]]:
    """(href, label, format, description) of every file the data page lists, in the table's order;
    a registry's description names it (`{name}`: its title)."""
    out = []
    for o in OUTPUTS:
        fmt, words = o.listed
        if not fmt:
            continue
        for key, title in ([(name, tax.config.title_in(ui_lang)) for name, tax in site.taxonomies.items()]
                           if o.scope == "taxonomy" else [(None, "")]):
            href = o.path(key) if key else o.path()
            out.append((href, href.rsplit("/", 1)[-1], fmt, ui[words].format(name=title) if key else ui[words]))
    return out


def unwritten(config: Config) -> tuple[str, ...]:
    """What a build of `config` leaves out for want of the site's address: feeds (as one), and each
    other output that needs it."""
    if config.base_url:
        return ()
    return tuple(dict.fromkeys("feeds" if o.scope == "feed" else o.name for o in OUTPUTS if o.base_url))
