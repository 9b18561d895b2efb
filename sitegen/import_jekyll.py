"""`sitegen import jekyll DIR`: reading a Jekyll site into a `Batch`.

Owns what is Jekyll's own: `_config.yml` (title, address, language, permalink style, collections,
front-matter defaults), posts named `YYYY-MM-DD-slug.md` under any `_posts/` folder (the date and slug
from the name, the folders above it as categories), `_drafts/`, collections, `categories`/`tags` as
lists or space-separated words, and Jekyll's permalink placeholders for each page's old address. The
rest (documents from entries, links, redirects) is shared with Hugo in `import_site`. Reads only
inside the folder it is given; writes nothing.
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path
from typing import Any

from sitegen import sources
from sitegen.config import Config
from sitegen.importing import Batch, IncomingTerm, Kept
from sitegen.import_site import (PAGE_SUFFIXES, Entry, Options, Site, from_command_line, make_batch, read_config,
                                 read_entry, ref_key, urlize, walk)
from sitegen.schema import suggest_id

POST_NAME = re.compile(r"^(\d{4}-\d{2}-\d{2})-(.+?)\.[^.]+$")
SKIPPED = {"_site", "node_modules", "vendor", ".git", ".jekyll-cache", ".sass-cache", "_includes", "_layouts",
           "_sass", "_data", "_plugins", "assets"}
PERMALINK_STYLES = {"date": "/:categories/:year/:month/:day/:title:output_ext",
                    "pretty": "/:categories/:year/:month/:day/:title/",
                    "ordinal": "/:categories/:year/:y_day/:title:output_ext",
                    "weekdate": "/:categories/:year/W:week/:short_day/:title:output_ext",
                    "none": "/:categories/:title:output_ext"}
JEKYLL_TAXONOMIES = ("categories", "tags")


def read_jekyll(source: Path, config: Config, *, taxonomy: list[str] | None = None,
                publisher: str | None = None) -> Batch:
    """`sitegen import jekyll DIR`: the site in DIR, its categories and tags mapped as for Hugo."""
    return from_command_line(jekyll_batch, "jekyll", source, config, taxonomy, publisher)


def jekyll_batch(folder: Path, options: Options | None = None) -> Batch:
    """Every post, draft and collection document of the Jekyll site in `folder`."""
    options = options or Options()
    batch = Batch(f"jekyll {folder.resolve().name}", files=folder)
    config = read_config(folder, folder / "_config.yml", batch) if (folder / "_config.yml").is_file() else {}
    language = str(config.get("lang") or config.get("language") or options.languages[0]).lower()
    base = str(config.get("url") or "").rstrip("/") + "/" + str(config.get("baseurl") or "").strip("/")
    site = Site(folder, str(config.get("title") or config.get("name") or folder.resolve().name),
                base.rstrip("/") if base.startswith("http") else "",
                language, tuple(dict.fromkeys([language, *options.languages])), config, JEKYLL_TAXONOMIES, batch)
    collections = _collections(config)
    entries = []
    for path in walk(folder, folder, batch):
        kind = _kind(path.relative_to(folder).parts, collections)
        if kind and path.name.endswith(PAGE_SUFFIXES):
            entry = _entry(site, path, kind, config, collections)
            entries += [entry] if entry else []
        elif kind or _is_page(path, folder):
            what = ("a post in a format other than Markdown" if kind
                    else "a page that is not a post or a collection's document")
            batch.kept.append(Kept(path.relative_to(folder).as_posix(), f"left out: {what}"))
    batch.terms += _authors(site, options)
    make_batch(site, entries, options)
    return batch


def _authors(site: Site, options: Options) -> list[IncomingTerm]:
    """`_data/authors.yml` (the convention of jekyll-seo-tag and most themes: a key per author, with
    `name` and `bio`) as entries, and the key a post's `author:` gives written as the author's name."""
    path = site.folder / "_data" / "authors.yml"
    taxonomy = options.target("author")
    if not path.is_file() or taxonomy is None:
        return []
    terms = []
    for key, about in read_config(site.folder, path, site.batch).items():
        about = about if isinstance(about, dict) else {"name": about}
        name = str(about.get("name") or about.get("display_name") or key)
        site.term_names[("author", urlize(key))] = site.term_names[("authors", urlize(key))] = name
        terms.append(IncomingTerm("_data/authors.yml", taxonomy, {site.language: name}, str(about.get("bio") or ""),
                                  slug=suggest_id(key) or key, language=site.language))
    return terms


def _collections(config: dict) -> dict[str, dict]:
    """Collection name -> its settings (a list of names is allowed, as Jekyll does)."""
    written = config.get("collections") or {}
    found = {str(n): {} for n in written} if isinstance(written, list) else {
        str(k): (v if isinstance(v, dict) else {}) for k, v in written.items()} if isinstance(written, dict) else {}
    return found  # `posts` too: its settings (a permalink) are the posts'; its folder is any `_posts/`


def _kind(parts: tuple[str, ...], collections: dict) -> str:
    """`posts`, `drafts`, a collection's name, or "" for a file that is none of them."""
    folders = parts[:-1]
    if any(p in SKIPPED or p.startswith(".") for p in folders):
        return ""
    if "_posts" in folders:
        return "posts"
    if "_drafts" in folders:
        return "drafts"
    return next((name for name in collections if folders[:1] == (f"_{name}",)), "")


def _is_page(path: Path, folder: Path) -> bool:
    """A page Jekyll renders (front matter, outside `_` folders): left out, but reported."""
    parts = path.relative_to(folder).parts
    if path.suffix not in (*PAGE_SUFFIXES, ".html") or any(p.startswith(("_", ".")) or p in SKIPPED
                                                           for p in parts[:-1]):
        return False
    data, _ = sources.read(path)
    return bool(data) and data.startswith(b"---")


def _entry(site: Site, path: Path, kind: str, config: dict, collections: dict) -> Entry | None:
    rel = path.relative_to(site.folder).as_posix()
    entry = read_entry(site, path, rel, site.language)
    if entry is None:
        return None
    named = POST_NAME.match(path.name)
    stem = path.name.rsplit(".", 1)[0]
    meta = entry.page.meta = {**_defaults(config, rel, kind), **entry.page.meta}
    if named and not entry.page.meta.get("date"):
        entry.date = named.group(1)
    if kind == "drafts":
        entry.draft = True
        if not entry.date:  # Jekyll dates a draft by its file's time; the archive marks that as uncertain
            entry.date = datetime.date.fromtimestamp(path.stat().st_mtime).isoformat() + "?"
            entry.notes.append("The date is the draft file's modification day.")
    title_slug = str(meta.get("slug") or (named.group(2) if named else stem))
    entry.slug = suggest_id(stem) or suggest_id(str(meta.get("title", ""))) or "post"
    categories = _words(meta.get("categories", meta.get("category")))
    folders = [p for p in Path(rel).parts[:-1] if p not in ("_posts", "_drafts") and not p.startswith("_")]
    entry.terms = {"categories": list(dict.fromkeys(folders + categories)) if kind == "posts" else categories,
                   "tags": _words(meta.get("tags", meta.get("tag")))}
    entry.group = rel
    entry.lookup = list(dict.fromkeys([ref_key(rel), ref_key(stem), ref_key(rel.split("/", 1)[-1])]))
    settings = collections.get(kind, {})
    # a collection's pages need `output: true`
    published = kind in ("posts", "drafts") or settings.get("output") is True
    entry.address = _address(entry, kind, title_slug, config, settings) if published else ""
    return entry


def _defaults(config: dict, rel: str, kind: str) -> dict[str, Any]:
    """`defaults:` of _config.yml that apply to this file (by path prefix and type), in order."""
    values: dict[str, Any] = {}
    for rule in config.get("defaults") or []:
        scope = rule.get("scope") or {} if isinstance(rule, dict) else {}
        if not isinstance(scope, dict) or not isinstance(rule.get("values"), dict):
            continue
        if rel.startswith(str(scope.get("path") or "").strip("/")) and scope.get("type") in (None, "", kind):
            values.update({str(k).lower(): v for k, v in rule["values"].items()})
    return values


def _words(value: Any) -> list[str]:
    """Jekyll's categories and tags: a list, or one string of space-separated words."""
    if isinstance(value, str):
        return value.split()
    return [str(v) for v in value if v not in (None, "")] if isinstance(value, list) else []


def _address(entry: Entry, kind: str, title_slug: str, config: dict, collection: dict) -> str:
    """Where Jekyll published the page: its `permalink`, else the collection's or the site's style."""
    meta = entry.page.meta
    written = meta.get("permalink") or collection.get("permalink") or (
        config.get("permalink") if kind in ("posts", "drafts") else "/:collection/:path:output_ext") or "date"
    pattern = PERMALINK_STYLES.get(str(written), str(written))
    day = (datetime.date.fromisoformat(entry.date[:10]) if len(entry.date.rstrip("?~")) >= 10
           else datetime.date(1970, 1, 1))
    categories = "/".join(urlize(c) for c in entry.terms.get("categories", []))
    values = {"year": f"{day.year:04d}", "month": f"{day.month:02d}", "day": f"{day.day:02d}",
              "i_month": str(day.month), "i_day": str(day.day), "short_year": f"{day.year % 100:02d}",
              "y_day": f"{day.timetuple().tm_yday:03d}", "title": urlize(title_slug), "slug": urlize(title_slug),
              "categories": categories, "collection": kind, "output_ext": ".html", "name": title_slug,
              "path": entry.rel.split("/", 1)[-1].rsplit(".", 1)[0], "week": f"{day.isocalendar()[1]:02d}",
              "short_day": day.strftime("%a"), "hour": "00", "minute": "00", "second": "00"}
    path = re.sub(r":(\w+)", lambda m: values.get(m.group(1), m.group(0)), pattern)
    return "/" + re.sub(r"/+", "/", path).lstrip("/")
