"""Feeds (Atom and JSON Feed, for the whole archive and for each term), the sitemap and robots.txt: the
outputs that need the site's absolute address, so they exist only when `base_url` is set.

Owns what goes into them: the newest FEED_SIZE documents, newest first; each entry dated by the earliest
day its date allows (both formats want a full timestamp) with the date as known stated in the entry's
summary; the sitemap's hreflang alternates, read from each page's `alternates` (translations of a
document, editions of a page). Returns (path, template, context, source) for `pages` to plan; renders
nothing.
"""

from __future__ import annotations

from typing import Any

from sitegen import urls
from sitegen.config import Config
from sitegen.model import Document, Site, Term

FEED_SIZE = 50
FEEDS = [("feed.xml", "xml", "application/atom+xml", "Atom"),
         ("feed.json", "json", "application/feed+json", "JSON Feed")]  # template, file suffix, type, label
SITEMAP = "sitemap.xml"
ROBOTS = "robots.txt"


def unwritten(config: Config) -> tuple[str, ...]:
    """What a build of `config` leaves out for want of the site's address."""
    return () if config.base_url else ("feeds", SITEMAP, ROBOTS)


def feed_path(stem: str, suffix: str) -> str:
    return f"{stem}.{suffix}"


def site_feed_stem() -> str:
    return "feeds/archive"


def term_feed_stem(term: Term) -> str:
    return f"feeds/{term.taxonomy}/{term.folder}{term.id}"


def feed_links(site: Site, stem: str, title: str) -> list[dict[str, str]]:
    """`<link rel="alternate">` targets for the page a feed follows (none without base_url)."""
    if not site.config.base_url:
        return []
    return [{"href": feed_path(stem, suffix), "type": media, "title": f"{title} ({label})"}
            for _, suffix, media, label in FEEDS]


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
    return {"feed": {"title": title, "id": urls.absolute(base, feed_path(stem, "xml")), "home": urls.absolute(base, page),
                     "self_atom": urls.absolute(base, feed_path(stem, "xml")),
                     "self_json": urls.absolute(base, feed_path(stem, "json")),
                     "updated": entries[0]["updated"] if entries else f"{site.config.build_date or '1970-01-01'}T00:00:00Z",
                     "language": lang, "author": site.config.title},
            "entries": entries}


def planned_feeds(site: Site) -> list[tuple[str, str, dict[str, Any], str]]:
    """(path, template, context, source) of every feed: the archive's, and one per term with documents."""
    if not site.config.base_url:
        return []
    wanted = [(site_feed_stem(), site.config.title, urls.HOME, site.chronological(), "the site feed")]
    for tax in site.taxonomies.values():
        for term in tax.terms.values():
            if term.documents:
                name = term.name(site.config.language)[0]
                wanted.append((term_feed_stem(term), f"{name} · {site.config.title}", urls.term(term.taxonomy, term.id, folder=term.folder),
                               [site.documents[d] for d in term.documents], term.path or f"{tax.config.name} term `{term.id}`"))
    out = []
    for stem, title, page, docs, source in wanted:
        ctx = feed_context(site, stem, title, page, docs)
        out += [(feed_path(stem, suffix), template, dict(ctx, page_path=feed_path(stem, suffix)), source)
                for template, suffix, _, _ in FEEDS]
    return out


def planned_sitemap(site: Site, pages: list[tuple[str, dict[str, Any]]]) -> list[tuple[str, str, dict[str, Any], str]]:
    """sitemap.xml of every HTML page (path, context), with hreflang alternates, and robots.txt."""
    base = site.config.base_url
    if not base:
        return []
    entries = [{"loc": urls.absolute(base, path),
                "alternates": [{"lang": a["lang"], "href": urls.absolute(base, a["href"])} for a in ctx.get("alternates", [])]}
               for path, ctx in sorted(pages, key=lambda p: p[0]) if path.endswith(".html")]
    return [(SITEMAP, "sitemap.xml", {"entries": entries, "page_path": SITEMAP}, "the sitemap"),
            (ROBOTS, "robots.txt", {"sitemap": urls.absolute(base, SITEMAP), "page_path": ROBOTS}, "robots.txt")]
