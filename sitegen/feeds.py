"""Feeds (Atom and JSON Feed, for the whole archive and for each term), the sitemap and robots.txt: the
outputs that need the site's absolute address, so they exist only when `base_url` is set.

Owns what goes into them: the newest FEED_SIZE documents, newest first; each entry dated by the earliest
day its date allows (both formats want a full timestamp) with the date as known stated in the entry's
summary; the sitemap's hreflang alternates, read from each page's `alternates` (translations of a
document, editions of a page). Their paths and templates are rows of `outputs.OUTPUTS`. Returns (path,
template, context, source) for `pages` to plan; renders nothing.
"""

from __future__ import annotations

from typing import Any

from sitegen import urls
from sitegen.model import Document, Site, Term
from sitegen.outputs import of, one

FEED_SIZE = 50


def site_feed_stem() -> str:
    return "feeds/archive"


def term_feed_stem(term: Term) -> str:
    return f"feeds/{term.taxonomy}/{term.folder}{term.id}"


def feed_links(site: Site, stem: str, title: str) -> list[dict[str, str]]:
    """`<link rel="alternate">` targets for the page a feed follows (none without base_url)."""
    if not site.config.base_url:
        return []
    return [{"href": feed.path(stem), "type": feed.media, "title": f"{title} ({feed.name})"} for feed in of("feed")]


def timestamp(doc: Document) -> str:
    d = doc.date
    return f"{d.year:04d}-{d.month or 1:02d}-{d.day or 1:02d}T00:00:00Z"


def entry(doc: Document, base_url: str, names: dict[str, list[str]]) -> dict[str, Any]:
    url = urls.absolute(base_url, urls.document(doc.id, folder=doc.folder))
    date = doc.date.display("en")
    return {"id": url, "url": url, "title": doc.title, "language": doc.language, "authors": list(doc.authors),
            "people": [{"name": a} for a in doc.authors],
            "source": doc.source, "updated": timestamp(doc), "date": date, "date_edtf": doc.date.edtf,
            "summary": f"{date} · {doc.source}" + (f" — {doc.summary}" if doc.summary else ""),
            "tags": [n for tax_names in names.values() for n in tax_names]}


def feed_context(site: Site, stem: str, title: str, page: str, docs: list[Document]) -> dict[str, Any]:
    """What feed.xml and feed.json receive: feed {title, id, home, self_atom, self_json, updated,
    language, generator}, entries [{id, url, title, language, authors, people [{name}], source, updated, date, date_edtf,
    summary, tags}]."""
    base = site.config.base_url
    newest = sorted(docs, key=lambda d: d.sort_key, reverse=True)[:FEED_SIZE]
    lang = site.config.language
    entries = [entry(d, base, {name: [site.taxonomies[name].terms[t].name(lang)[0] for t in ids]
                               for name, ids in d.terms.items()}) for d in newest]
    atom, json_feed = one("Atom").path(stem), one("JSON Feed").path(stem)
    return {"feed": {"title": title, "id": urls.absolute(base, atom), "home": urls.absolute(base, page),
                     "self_atom": urls.absolute(base, atom), "self_json": urls.absolute(base, json_feed),
                     "updated": entries[0]["updated"] if entries else f"{site.config.build_date or '1970-01-01'}T00:00:00Z",
                     "language": lang, "author": site.config.title},
            "entries": entries}


def planned_feeds(site: Site, terms: Any = None, archive: bool = True) -> list[tuple[str, str, dict[str, Any], str]]:
    """(path, template, context, source) of every feed: the archive's, and one per term with documents.
    `terms`: only those of these (taxonomy, term id) pairs; `archive`: the archive's too."""
    if not site.config.base_url:
        return []
    wanted = [(site_feed_stem(), site.config.title, urls.HOME, site.chronological(), "the site feed")] if archive else []
    for tax in site.taxonomies.values():
        for term in tax.terms.values():
            if term.documents and (terms is None or (term.taxonomy, term.id) in terms):
                name = term.name(site.config.language)[0]
                wanted.append((term_feed_stem(term), f"{name} · {site.config.title}", urls.term(term.taxonomy, term.id, folder=term.folder),
                               [site.documents[d] for d in term.documents], term.path or f"{tax.config.name} term `{term.id}`"))
    out = []
    for stem, title, page, docs, source in wanted:
        ctx = feed_context(site, stem, title, page, docs)
        out += [(feed.path(stem), feed.template, dict(ctx, page_path=feed.path(stem)), source) for feed in of("feed")]
    return out


def planned_sitemap(site: Site, pages: list[tuple[str, dict[str, Any]]]) -> list[tuple[str, str, dict[str, Any], str]]:
    """sitemap.xml of every HTML page (path, context), with hreflang alternates, and robots.txt."""
    base = site.config.base_url
    if not base:
        return []
    entries = [{"loc": urls.absolute(base, path),
                "alternates": [{"lang": a["lang"], "href": urls.absolute(base, a["href"])} for a in ctx.get("alternates", [])]}
               for path, ctx in sorted(pages, key=lambda p: p[0]) if path.endswith(".html")]
    sitemap, robots = one("sitemap.xml"), one("robots.txt")
    return [(sitemap.path(), sitemap.template, {"entries": entries, "page_path": sitemap.path()}, "the sitemap"),
            (robots.path(), robots.template, {"sitemap": urls.absolute(base, sitemap.path()), "page_path": robots.path()},
             "robots.txt")]
