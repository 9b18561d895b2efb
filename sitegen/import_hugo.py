"""`sitegen import hugo DIR`: reading a Hugo site into a `Batch`.

Owns what is Hugo's own: its config (hugo.toml, config.toml/yaml/json, config/_default/), the content
folder and each language's, which files are pages, term pages (`content/tags/x/_index.md`), section
pages and bundles' files, a page's language from its file name (`post.ar.md`) or content folder, and
its old address from `url`, the section's permalink pattern or its path. Documents are made from the
pages by `import_site`, shared with Jekyll. Reads only inside the folder it is given; writes nothing.
"""

from __future__ import annotations

import datetime
import posixpath
import re
from pathlib import Path
from typing import Any

from sitegen.config import Config
from sitegen.errors import Diagnostic, shown_path
from sitegen.importing import Batch, IncomingTerm, Kept
from sitegen.import_site import (OTHER_PAGES, PAGE_SUFFIXES, Entry, Options, Site, from_command_line, inside,
                                 make_batch, merged, read_config, read_entry, ref_key, urlize, walk)
from sitegen.schema import suggest_id


def read_hugo(source: Path, config: Config, *, taxonomy: list[str] | None = None,
              publisher: str | None = None) -> Batch:
    """`sitegen import hugo DIR`: the site in DIR, its taxonomies mapped as the archive and `--taxonomy` say."""
    return from_command_line(hugo_batch, "hugo", source, config, taxonomy, publisher)


def hugo_batch(folder: Path, options: Options | None = None) -> Batch:
    """Every page of the Hugo site in `folder` as documents, terms, and what was left out."""
    options = options or Options()
    batch = Batch(f"hugo {folder.resolve().name}", files=folder)
    config = hugo_config(folder, batch)
    site = _hugo_site(folder, config, options, batch)
    # the site shows them whatever the date: so does the archive
    site.scheduled = tuple(key for key, built in (("publishdate", "buildfuture"), ("expirydate", "buildexpired"))
                           if config.get(built) is not True)
    content = folder / str(config.get("contentdir", "content"))
    language_dirs = _language_dirs(config, folder)
    entries, terms = [], []
    for root in [content, *(folder / d for d in language_dirs if not inside(folder / d, content))]:
        if not inside(root, folder):  # `contentDir = "../elsewhere"`: never read
            batch.problems.append(Diagnostic(shown_path(folder / "config"), 1, 1,
                                             f"the content folder `{root.relative_to(folder)}` "
                                             "is outside the site's folder", "import the folder that holds it"))
            continue
        files = walk(root, folder, batch)
        known = set(files)  # once a folder: each page asks it whether a bundle's files are there
        for path in files:
            entry = _hugo_entry(site, path, root, language_dirs, config, options, known)
            if entry is not None:
                (terms if entry.term else entries).append(entry)
    batch.terms += _hugo_terms(site, terms, options)
    make_batch(site, entries, options)
    return batch


CONFIG_NAMES = [f"{stem}.{ext}" for stem in ("hugo", "config") for ext in ("toml", "yaml", "yml", "json")]


def hugo_config(folder: Path, batch: Batch) -> dict[str, Any]:
    """The site's config with every key in lower case (Hugo's keys are case-insensitive): the first of
    hugo.toml, config.toml, ... and config/_default/*, whose files other than hugo/config are sections."""
    config: dict[str, Any] = {}
    for name in CONFIG_NAMES:
        if (folder / name).is_file():
            config = merged(config, read_config(folder, folder / name, batch))
            break
    default = folder / "config" / "_default"
    for path in sorted(default.glob("*")) if default.is_dir() else []:
        if path.suffix not in (".toml", ".yaml", ".yml", ".json"):
            continue
        data = read_config(folder, path, batch)
        config = merged(config, data if path.stem in ("hugo", "config") else {path.stem.lower(): data})
    return config


def _hugo_site(folder: Path, config: dict, options: Options, batch: Batch) -> Site:
    languages = config.get("languages") if isinstance(config.get("languages"), dict) else {}
    default = str(config.get("defaultcontentlanguage")
                  or (min(languages, key=lambda k: (languages[k] or {}).get("weight", 0))
                      if languages else options.languages[0])).lower()
    taxonomies = config.get("taxonomies")
    keys = (tuple(str(v).lower() for v in taxonomies.values()) if isinstance(taxonomies, dict)
            else ("tags", "categories"))
    params = config.get("params") if isinstance(config.get("params"), dict) else {}
    title = config.get("title") or (languages.get(default) or {}).get("title") or folder.resolve().name
    return Site(folder, str(title), _base_url(config.get("baseurl")), default,
                tuple(dict.fromkeys([default, *map(str.lower, languages), *options.languages])), params, keys, batch)


def _base_url(value: Any) -> str:
    text = str(value or "").rstrip("/")
    return text if re.match(r"^https?://[^\s/$.?#][^\s]*$", text) else ""


def _language_dirs(config: dict, folder: Path) -> dict[str, str]:
    """content dir (from the site's folder) -> language, for sites that keep each language apart."""
    languages = config.get("languages") if isinstance(config.get("languages"), dict) else {}
    return {posixpath.normpath(str(v["contentdir"])): k.lower() for k, v in languages.items()
            if isinstance(v, dict) and v.get("contentdir")}


def _hugo_entry(site: Site, path: Path, content: Path, language_dirs: dict[str, str], config: dict,
                options: Options, files: set[Path]) -> Entry | None:
    """The page at `path` read, or None when it is a bundle's file or left out (and reported)."""
    rel = path.relative_to(site.folder).as_posix()
    within, language = _language_of(path, content, site, language_dirs)
    name = posixpath.basename(within)
    stem, suffix = _stem(name, site.languages)
    if not name.endswith(PAGE_SUFFIXES):
        if not _in_bundle(path, content):
            site.batch.kept.append(Kept(rel, "left out: " + ("a page in a format other than Markdown"
                                                             if name.endswith(OTHER_PAGES)
                                                             else "a file outside any page bundle")))
        return None
    entry = read_entry(site, path, rel, language or suffix or site.language)
    if entry is None:
        return None
    parts = within.split("/")[:-1]
    if stem == "_index":
        if len(parts) == 2 and parts[0].lower() in site.taxonomy_keys:
            entry.term, entry.group = parts[1], parts[0].lower()
            return entry
        site.batch.kept.append(Kept(rel, "left out: a section's list page (`_index`), which the archive makes itself"))
        return None
    if parts and parts[0].lower() in site.taxonomy_keys:
        site.batch.kept.append(Kept(rel, f"left out: a page in the `{parts[0]}` taxonomy's folder "
                                         "that is not a term's `_index`"))
        return None
    leaf = stem == "index" and parts
    base = parts[-1] if leaf else stem
    entry.slug = suggest_id(base) or suggest_id(str(entry.page.meta.get("title", ""))) or "page"
    entry.group = str(entry.page.meta.get("translationkey") or "/".join(parts if leaf else parts + [stem]))
    entry.lookup = _hugo_lookup(within, parts, stem, leaf, entry)
    entry.bundle = sorted(p for p in (path.parent.iterdir() if leaf else []) if _bundle_file(p, path, files))
    entry.address = hugo_address(entry, parts, base, config, site)
    return entry


def _language_of(path: Path, content: Path, site: Site, language_dirs: dict[str, str]) -> tuple[str, str]:
    """The path inside its language's content, and the language that folder gives ("" if none)."""
    rel = path.relative_to(site.folder).as_posix()
    for folder, language in language_dirs.items():
        if rel.startswith(folder.rstrip("/") + "/"):
            return rel[len(folder.rstrip("/")) + 1:], language
    within = path.relative_to(content).as_posix()
    first = within.split("/")[0].lower()
    if "/" in within and first in site.languages and first != within:
        return within.split("/", 1)[1], first
    return within, ""


def _stem(name: str, languages: tuple[str, ...]) -> tuple[str, str]:
    """`post.ar.md` -> ("post", "ar"); `post.md` -> ("post", "")."""
    stem = name.rsplit(".", 1)[0]
    head, _, tail = stem.rpartition(".")
    return (head, tail.lower()) if head and tail.lower() in languages else (stem, "")


def _in_bundle(path: Path, content: Path) -> bool:
    folder = path.parent
    while folder != content and content in folder.parents:
        if any((folder / f"index{s}").is_file() or (folder / f"_index{s}").is_file() for s in PAGE_SUFFIXES):
            return True
        folder = folder.parent
    return False


def _bundle_file(path: Path, page: Path, files: set[Path]) -> bool:
    return path in files and not path.name.endswith(PAGE_SUFFIXES) or (path.is_dir() and path != page)


def _hugo_lookup(within: str, parts: list[str], stem: str, leaf: bool, entry: Entry) -> list[str]:
    """The names a `ref` may give this page: its path with or without the extension, its bundle."""
    path = "/".join(parts + [stem])
    names = [within, path, "/".join(parts) if leaf else path, posixpath.basename("/".join(parts) if leaf else path)]
    return list(dict.fromkeys(ref_key(n) for n in names))


PERMALINK_TOKENS = ("slugorcontentbasename", "slugorfilename", "contentbasename", "weekdayname", "monthname",
                    "filename", "sections", "section", "yearday", "weekday", "year", "month", "day", "title", "slug")


def hugo_address(entry: Entry, parts: list[str], base: str, config: dict, site: Site) -> str:
    """Where Hugo published the page: `url`, else the section's permalink pattern, else its path."""
    meta = entry.page.meta
    prefix = (f"/{entry.language}" if entry.language != site.language or config.get("defaultcontentlanguageinsubdir")
              else "")
    if meta.get("url"):
        return _folder_form("/" + str(meta["url"]).strip("/"))
    permalinks = config.get("permalinks") if isinstance(config.get("permalinks"), dict) else {}
    permalinks = permalinks.get("page", permalinks) if isinstance(permalinks.get("page"), dict) else permalinks
    slug = str(meta.get("slug") or "").strip("/")
    pattern = permalinks.get(parts[0].lower()) if parts else None
    if isinstance(pattern, str):
        values = _permalink_values(entry, parts, base, slug)
        path = re.sub(":(" + "|".join(PERMALINK_TOKENS) + ")", lambda m: values[m.group(1)], pattern)
    else:
        path = "/".join(parts + [slug or base])
    path = path if config.get("disablepathtolower") else path.lower()
    return _folder_form(prefix + "/" + path.strip("/"))


def _permalink_values(entry: Entry, parts: list[str], base: str, slug: str) -> dict[str, str]:
    day = (datetime.date.fromisoformat(entry.date) if len(entry.date) == 10
           else datetime.date(int(entry.date[:4] or 1), 1, 1))
    title = urlize(str(entry.page.meta.get("title", "")))
    return {"year": f"{day.year:04d}", "month": f"{day.month:02d}", "day": f"{day.day:02d}",
            "monthname": day.strftime("%B").lower(), "weekday": str(day.isoweekday() % 7),
            "weekdayname": day.strftime("%A").lower(), "yearday": str(day.timetuple().tm_yday),
            "section": parts[0] if parts else "", "sections": "/".join(parts), "title": title,
            "slug": urlize(slug) if slug else title, "filename": base, "contentbasename": base,
            "slugorfilename": slug or base, "slugorcontentbasename": slug or base}


def _folder_form(path: str) -> str:
    return path if re.search(r"\.\w+$", path) else path.rstrip("/") + "/"


def _hugo_terms(site: Site, entries: list[Entry], options: Options) -> list[IncomingTerm]:
    """Term pages (`content/tags/x/_index.md`) as registry entries: one per term, names per language."""
    by_term: dict[tuple[str, str], IncomingTerm] = {}
    named: dict[tuple[str, str], tuple[str, str]] = {}
    for entry in sorted(entries, key=lambda e: (e.language != site.language, e.rel)):
        key, slug = entry.group, entry.term
        taxonomy = options.target(key)
        if taxonomy is None:
            site.batch.kept.append(Kept(entry.rel, f"left out: a term of `{key}`, which goes to no taxonomy of the "
                                                   f"archive (--taxonomy {key}=topics would bring it)"))
            continue
        meta = entry.page.meta
        name = str(meta.get("title") or meta.get("display_name") or meta.get("name") or slug)
        description = entry.page.body.strip() or str(meta.get("description") or meta.get("summary")
                                                     or meta.get("bio") or "")
        same = named.setdefault((taxonomy, name.casefold()), (taxonomy, slug))  # two pages for one name: one entry
        term = by_term.setdefault(same, IncomingTerm(entry.rel, taxonomy, {}, description.strip(),
                                                     slug=suggest_id(slug) or slug, language=entry.language))
        term.names.setdefault(entry.language, name)
        if same != (taxonomy, slug) and slug not in term.aliases:
            term.aliases.append(slug)
            site.batch.kept.append(Kept(entry.rel, f"`{slug}` names the same "
                                                   f"{key[:-1] if key.endswith('s') else key} as "
                                                   f"{term.origin}: made one of its aliases"))
        site.term_names.setdefault((key, slug.lower()), name)
    return list(by_term.values())
