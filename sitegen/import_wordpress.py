"""Reading a WordPress export (WXR, Tools > Export) into a `Batch` for `sitegen import wordpress`.

Owns what the export's items mean: which items are documents (posts and pages; the attachment items
are the media library; menus, revisions, comments and the like are left out and counted), and how each
item's fields, categories, tags and authors map onto sitegen's. Parsing the XML safely is `wxr`'s;
turning WordPress's HTML into Markdown is `wphtml`'s; reconciling names with the registry, ids and
writing files belong to `importing`. Reads nothing but the export and, when given, files inside the
`--media` folder; never prints.
"""

from __future__ import annotations

import re
from datetime import timezone
from email.utils import parsedate_to_datetime
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from sitegen.attachments import TYPES
from sitegen.config import Config
from sitegen.errors import Diagnostic, shown_path
from sitegen.importing import Batch, Incoming, IncomingTerm, Kept
from sitegen.schema import DOCUMENT_FIELDS, LANGUAGE_TAG, PORTABLE_ID
from sitegen.wphtml import Media, plain_text, shortcodes, to_markdown
from sitegen.wxr import Node, parse

# WordPress taxonomy (a <category domain=...>, or "author" for the bylines) -> sitegen taxonomy, unless
# `--taxonomy DOMAIN=NAME` says otherwise (`DOMAIN=` leaves it out). Another domain goes to the sitegen
# taxonomy of its own name when the site has one, else is left out and reported.
DEFAULT_TAXONOMIES = {"category": "topics", "post_tag": "topics", "author": "actors"}
# Domains that are WordPress's bookkeeping, not subjects: never terms. `language` gives the language.
NOT_TERMS = {"nav_menu", "post_format", "language", "post_translations", "term_translations",
             "term_language", "link_category", "wp_theme", "wp_template_part_area", "wp_pattern_category"}
DOCUMENT_TYPES = ("post", "page")
# wp:status -> (draft, embargo): `future` is scheduled, so it is embargoed until its date instead.
STATUSES = {"publish": (False, False), "draft": (True, False), "pending": (True, False),
            "private": (True, False), "future": (False, True)}
ZERO_DATE = "0000-00-00 00:00:00"
LOGIN_JUNK = re.compile(r"[^\w .@*-]")  # what WordPress's sanitize_user removes from a login
# Written by WPML Export and Import; Polylang puts the language and the translation group in the
# `language` and `post_translations` domains instead.
WPML_LANGUAGE = "_wpml_import_language_code"
WPML_SOURCE_LANGUAGE = "_wpml_import_source_language_code"  # set on a translation: its original's language
WPML_GROUP = "_wpml_import_translation_group"


# --- the export's items ---------------------------------------------------------------------------

@dataclass
class Options:
    """What the command line may change."""

    media: Path | None = None  # the uploads folder (wp-content/uploads) copied from the old site
    language: str = ""  # for items without a language of their own; else the export's <language>
    taxonomies: dict[str, str] = field(default_factory=dict)  # WordPress domain -> sitegen taxonomy ("" = none)
    available: tuple[str, ...] | None = None  # the site's taxonomy names; None: do not check
    editions: tuple[str, ...] = ()  # the site's languages: en-US becomes en when en is one


@dataclass
class Site:
    """What the export's <channel> says about the old site."""

    shown: str  # the export's path as shown in messages
    title: str
    base: str  # the blog's address
    language: str
    authors: dict[str, str]  # login -> display name
    library: dict[str, Media]
    taxonomies: dict[str, str]
    available: tuple[str, ...] | None

    def author(self, item: Node) -> str:
        """The byline of an item: its author's display name, else the login as WordPress reads one."""
        login = LOGIN_JUNK.sub("", item.get("dc:creator")).strip()
        return self.authors.get(item.get("dc:creator")) or self.authors.get(login) or login

    def taxonomy(self, domain: str) -> str:
        """The sitegen taxonomy a WordPress domain's terms go to, or "" when they are left out."""
        if domain in NOT_TERMS:
            return ""
        if domain in self.taxonomies:
            return self.taxonomies[domain]
        return domain if self.available and domain in self.available else ""


def read(source: Path, config: Config, *, media: str | None = None, language: str | None = None,
         taxonomy: list[str] | None = None) -> Batch:
    """`sitegen import wordpress SOURCE [--media DIR] [--language TAG] [--taxonomy DOMAIN=NAME ...]`."""
    mapping, problems = {}, []
    for given in taxonomy or ():
        domain, equals, name = given.partition("=")
        if not equals or not domain.strip():
            problems.append(Diagnostic(shown_path(source), 1, 1, f"--taxonomy `{given}` is not DOMAIN=NAME",
                                       "e.g. --taxonomy post_tag=topics, or --taxonomy post_tag= to leave tags out"))
        mapping[domain.strip()] = name.strip()
    batch = read_wordpress(source, Options(media=Path(media) if media else None, language=language or "",
                                           taxonomies=mapping, available=tuple(t.name for t in config.taxonomies),
                                           editions=config.languages))
    if language and not LANGUAGE_TAG.match(language):
        batch.problems.append(Diagnostic(shown_path(source), 1, 1,
                                         f"--language `{language}` is not a BCP 47 language tag",
                                         "e.g. en, ar, fr, zh-Hans"))
    if media and not Path(media).is_dir():
        batch.problems.append(Diagnostic(shown_path(Path(media)), 1, 1, "--media is not a folder",
                                         "give the old site's wp-content/uploads folder, copied from its server"))
    batch.problems += problems
    return batch


def read_wordpress(path: Path, options: Options | None = None) -> Batch:
    """Everything in the export at `path` that becomes documents and registry entries, with the rest
    counted in `kept`; a file that is not a safe, well-formed WordPress export is one error."""
    options = options or Options()
    shown = shown_path(path)
    batch = Batch(source=f"wordpress {path.name}")
    channel, batch.problems = parse(path)
    if channel is None:
        return batch
    taxonomies = {**DEFAULT_TAXONOMIES, **options.taxonomies}
    batch.problems += _taxonomy_problems(shown, taxonomies, options.available)
    site = Site(shown, plain_text(channel.get("title")),
                (channel.get("wp:base_blog_url") or channel.get("link")).rstrip("/") + "/",
                _language(options.language or channel.get("language") or "en", options.editions),
                {a.get("wp:author_login"): a.get("wp:author_display_name") or a.get("wp:author_login")
                 for a in channel.all("wp:author")}, _library(channel), taxonomies, options.available)
    left_out: Counter = Counter()
    mapped: Counter = Counter()
    used: dict[tuple[str, str], str] = {}  # (sitegen taxonomy, name) -> language of the first document using it
    media = _MediaFolder(options.media, batch.kept, shown) if options.media else None
    batch.files = media.folder if media else None
    keys: set[str] = set()
    groups: dict[str, list[tuple[Incoming, bool]]] = {}  # translation group -> (document, known to be a translation)
    for item in channel.all("item"):
        document = _document(item, site, options, batch.kept, left_out, mapped)
        if document is None:
            continue
        if item.all("wp:comment"):
            left_out["comments (an archive keeps the documents, not the discussion)"] += len(item.all("wp:comment"))
        if document.key in keys:
            batch.kept.append(Kept(document.origin, f"left out: a second item with the post id of {document.key}"))
            continue
        keys.add(document.key)
        batch.documents.append(document)
        group = _translation_group(item)
        if group:
            groups.setdefault(group, []).append((document, bool(_meta(item).get(WPML_SOURCE_LANGUAGE))))
        for taxonomy, names in document.terms.items():
            for name in names:
                used.setdefault((taxonomy, name), document.fields["language"])
        if media:
            document.attachments = media.attach(document, item, site)
    _link_translations(groups, options.editions[:1] or (site.language,))
    batch.terms = _terms(channel, site, used, batch.kept)
    if mapped:
        batch.kept.append(Kept(shown, "terms: " + ", ".join(f"{domain} -> {taxonomy} ({count})"
                                                            for (domain, taxonomy), count in sorted(mapped.items()))
                                      + " (--taxonomy DOMAIN=NAME changes one)"))
    for what, count in sorted(left_out.items()):
        batch.kept.append(Kept(shown, f"left out {count} {what}"))
    if not options.media and any(re.search(r"/wp-content/uploads/|files\.wordpress\.com/", d.body)
                                 for d in batch.documents):
        batch.kept.append(Kept(shown, "images and files are linked at their old addresses; give --media "
                                      "DIR (the old site's wp-content/uploads) to copy them beside the documents"))
    return batch


def _taxonomy_problems(shown: str, taxonomies: dict[str, str], available) -> list[Diagnostic]:
    if available is None:
        return []
    return [Diagnostic(shown, 1, 1, f"`{domain}` is to go to the taxonomy `{name}`, which the site does not have",
                       f"one of: {', '.join(available)}; or --taxonomy {domain}= to leave it out")
            for domain, name in sorted(taxonomies.items()) if name and name not in available]


def _language(tag: str, editions: tuple[str, ...]) -> str:
    primary, *rest = tag.strip().replace("_", "-").split("-")
    return primary.lower() if primary.lower() in editions or not rest else "-".join([primary.lower(), *rest])


def _when(item: Node) -> tuple[str, str]:
    """The day (YYYY-MM-DD) and time of publication: in UTC from post_date_gmt, else in the site's time
    zone from post_date (a draft's GMT date is all zeros), else in UTC from the RSS pubDate; ("", "")
    when none can be read."""
    for tag, zone in (("wp:post_date_gmt", " UTC"), ("wp:post_date", "")):
        day, _, time = item.get(tag).partition(" ")
        if item.get(tag) != ZERO_DATE and re.fullmatch(r"\d{4}-\d\d-\d\d", day):
            return day, time + zone if time else ""
    try:
        stamp = parsedate_to_datetime(item.get("pubDate")).astimezone(timezone.utc)
    except (TypeError, ValueError, IndexError, OverflowError):
        return "", ""
    return stamp.strftime("%Y-%m-%d"), stamp.strftime("%H:%M:%S UTC")


def _translation_group(item: Node) -> str:
    """The id shared by an item and its translations (Polylang's `post_translations` term, WPML's group)."""
    polylang = next((c.attrs.get("nicename") or c.text.strip() for c in item.all("category")
                     if c.attrs.get("domain") == "post_translations"), "")
    wpml = _meta(item).get(WPML_GROUP, "")
    return f"polylang:{polylang}" if polylang else f"wpml:{wpml}" if wpml else ""


def _link_translations(groups: dict[str, list[tuple[Incoming, bool]]], first: tuple[str, ...]) -> None:
    """In each group of translations, every document but the original gets `translation_of`: the
    original is the one WPML does not call a translation, else the one in the site's first language,
    else the earliest."""
    for members in groups.values():
        if len(members) < 2:
            continue
        candidates = [d for d, translated in members if not translated] or [d for d, _ in members]
        original = min(candidates, key=lambda d: (d.fields["language"].split("-")[0] not in first, d.fields["date"],
                                                  d.key))
        for document, _ in members:
            if document is not original:
                document.translation_of = original.key


def _meta(item: Node) -> dict[str, str]:
    """An item's custom fields (wp:postmeta), key -> value."""
    return {m.get("wp:meta_key"): m.get("wp:meta_value") for m in item.all("wp:postmeta")}


def _library(channel: Node) -> dict[str, Media]:
    library = {}
    for item in channel.all("item"):
        if item.get("wp:post_type") == "attachment":
            meta = _meta(item)
            parent = item.get("wp:post_parent")
            library[item.get("wp:post_id")] = Media(item.get("wp:attachment_url") or item.get("guid"),
                                                    plain_text(item.get("title")),
                                                    meta.get("_wp_attachment_image_alt", ""),
                                                    "" if parent in ("", "0") else parent)
    return library


def _document(item: Node, site: Site, options: Options, kept: list[Kept], left_out: Counter,
              mapped: Counter) -> Incoming | None:
    """The document an item becomes, or None (counted in `left_out` or noted in `kept`); `mapped`
    counts the terms it gives each (WordPress domain, sitegen taxonomy)."""
    post_type, post_id, origin = item.get("wp:post_type"), item.get("wp:post_id"), f"{site.shown}:{item.line}"
    schedule = _schedule(item, left_out)
    if schedule is None:
        return None
    if item.get("wp:post_password"):
        kept.append(Kept(origin, "password-protected: imported as a draft, so it is not published"))
    day, time = _when(item)
    if not day:
        kept.append(Kept(origin, f"left out: no date (wp:post_date `{item.get('wp:post_date')}`, "
                                 f"pubDate `{item.get('pubDate')}`)"))
        return None
    notes: Counter = Counter()
    body = to_markdown(shortcodes(item.get("content:encoded"), post_id, site.library, notes), notes)
    for what, count in sorted(notes.items()):
        kept.append(Kept(origin, what + (f" ({count} times)" if count > 1 else "")))
    title = plain_text(item.get("title"))
    if not title:
        title = f"Untitled {post_type} {post_id}"
        kept.append(Kept(origin, f"no title: called `{title}`"))
    terms, language = _item_terms(item, site, options, left_out, mapped)
    fields = {"title": title, "date": day, "source": site.title or urlsplit(site.base).hostname or "WordPress",
              "language": language, **schedule}
    link = item.get("link")
    if not schedule and link.startswith(("http://", "https://")) and "?" not in link:
        fields["url"] = link
    if site.author(item):
        fields["authors"] = [site.author(item)]
    if plain_text(item.get("excerpt:encoded")):
        fields["summary"] = plain_text(item.get("excerpt:encoded"))
    if "embargo" in schedule:
        fields["embargo"] = day
    redirects = [] if "draft" in schedule else _redirects(item, site, kept, origin)
    if redirects:
        fields["redirects"] = redirects
    if time:
        fields["extra"] = {"time": time}
    name = unquote(item.get("wp:post_name")).lower()
    key = f"{site.base}?p={post_id}" if post_id.isdigit() else item.get("guid") or origin
    return Incoming(origin=origin, key=key, fields=fields, body=body, terms=terms,
                    slug=name if PORTABLE_ID.match(name) else "")


def _schedule(item: Node, left_out: Counter) -> dict[str, bool] | None:
    """{"draft": True}, {"embargo": True} (its day is filled in later) or {} for a published item; None
    for an item that is no document, or would be published by a sitegen without those fields."""
    post_type, status = item.get("wp:post_type"), item.get("wp:status")
    if post_type not in DOCUMENT_TYPES:
        if post_type != "attachment":
            left_out[f"`{post_type or 'untyped'}` items (not posts or pages)"] += 1
        return None
    if status not in STATUSES:
        left_out[f"{post_type}s in the `{status or 'no'}` status (trash, auto-drafts)"] += 1
        return None
    draft, embargoed = STATUSES[status]
    schedule = {"draft": True} if draft or item.get("wp:post_password") else {"embargo": True} if embargoed else {}
    missing = [name for name in schedule if name not in DOCUMENT_FIELDS]
    if missing:  # this sitegen would publish it: leave it out rather than publish a draft
        left_out[f"{post_type}s that need the `{missing[0]}` field, which this sitegen lacks"] += 1
        return None
    return schedule


def _item_terms(item: Node, site: Site, options: Options, left_out: Counter,
                mapped: Counter) -> tuple[dict[str, list[str]], str]:
    """The item's terms by sitegen taxonomy (its author among them), and its language: WPML's code,
    else Polylang's `language` term, else the site's."""
    meta = _meta(item)
    language = _language(meta[WPML_LANGUAGE], options.editions) if meta.get(WPML_LANGUAGE) else site.language
    terms: dict[str, list[str]] = {}
    for category in item.all("category"):
        domain, name = category.attrs.get("domain", "category"), " ".join(plain_text(category.text).split())
        if domain == "language":
            language = _language(category.attrs.get("nicename") or name, options.editions)
            continue
        taxonomy = site.taxonomy(domain)
        if not name or domain in NOT_TERMS:
            continue
        if not taxonomy:
            left_out[f"`{domain}` terms (--taxonomy {domain}=NAME puts them in a taxonomy)"] += 1
            continue
        mapped[(domain, taxonomy)] += 1
        if name.casefold() not in {n.casefold() for n in terms.setdefault(taxonomy, [])}:
            terms[taxonomy].append(name)
    if site.author(item) and site.taxonomy("author"):
        terms.setdefault(site.taxonomy("author"), []).append(site.author(item))
        mapped[("author", site.taxonomy("author"))] += 1
    return {taxonomy: names for taxonomy, names in terms.items() if names}, language


ARABIC_LETTERS = re.compile(r"[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff]")
ARABIC_SCRIPT_LANGUAGES = {"ar", "fa", "ur", "ps", "sd", "ug", "ckb"}
UNSAFE_IN_ADDRESS = re.compile(r'[\\\x00-\x1f\x7f<>:"|?*#]')


def _redirects(item: Node, site: Site, kept: list[Kept], origin: str) -> list[str]:
    """The old addresses of a published item, as paths under the site's root: its <link>; when that was
    a `?p=` address, the pretty permalink WordPress would give it (YYYY/MM/DD/post-name/ for a post, in
    the site's local date, post-name/ for a page)."""
    base, link = urlsplit(site.base), urlsplit(item.get("link"))
    paths = []
    if link.netloc == base.netloc and link.path.startswith(base.path) and not link.query:
        paths.append(unquote(link.path[len(base.path):]))
    elif link.query:
        kept.append(Kept(origin, f"old address `?{link.query}`: a static site cannot answer a query, "
                                 "no redirect made for it"))
        name, local_day = unquote(item.get("wp:post_name")), item.get("wp:post_date")[:10]
        if name:
            paths.append(f"{local_day.replace('-', '/')}/{name}/" if item.get("wp:post_type") == "post" else f"{name}/")
    safe = []
    for path in paths:
        parts = path.strip("/").split("/")
        if path.strip("/") and not UNSAFE_IN_ADDRESS.search(path) and not any(p in ("", ".", "..") for p in parts):
            safe.append(path.lstrip("/"))
        else:
            kept.append(Kept(origin, f"old address `{path}` is not a path inside the site: no redirect made"))
    return safe


def _terms(channel: Node, site: Site, used: dict[tuple[str, str], str], kept: list[Kept]) -> list[IncomingTerm]:
    """Registry entries for the categories, tags and authors the imported documents use, with their
    descriptions; the ones no imported document uses are counted, not imported."""
    defined = []  # (domain, name, slug, description, line)
    for node in channel.all("wp:category"):
        defined.append(("category", node.get("wp:cat_name"), node.get("wp:category_nicename"),
                        node.get("wp:category_description"), node.line))
    for node in channel.all("wp:tag"):
        defined.append(("post_tag", node.get("wp:tag_name"), node.get("wp:tag_slug"), node.get("wp:tag_description"),
                        node.line))
    for node in channel.all("wp:term"):
        domain = node.get("wp:term_taxonomy")
        if domain not in ("category", "post_tag"):
            defined.append((domain, node.get("wp:term_name"), node.get("wp:term_slug"),
                            node.get("wp:term_description"), node.line))
    for node in channel.all("wp:author"):
        defined.append(("author", node.get("wp:author_display_name") or node.get("wp:author_login"),
                        node.get("wp:author_login"), "", node.line))
    terms, seen, unused = [], set(), 0
    for domain, name, slug, description, line in defined:
        name = " ".join(plain_text(name).split())
        taxonomy = site.taxonomy(domain)
        if not taxonomy or (taxonomy, name.casefold()) in seen:
            continue
        if (taxonomy, name) not in used:
            unused += 1
            continue
        seen.add((taxonomy, name.casefold()))
        slug = unquote(slug).lower()
        language = _name_language(name, used[(taxonomy, name)], site.language)
        description = plain_text(description)
        terms.append(IncomingTerm(origin=f"{site.shown}:{line}", taxonomy=taxonomy, names={language: name},
                                  description=description, slug=slug if PORTABLE_ID.match(slug) else "",
                                  language=_name_language(description, language, site.language) if description else ""))
    if unused:
        kept.append(Kept(site.shown, f"left out {unused} categories, tags or authors no imported document uses"))
    return terms


def _name_language(name: str, first_use: str, site: str) -> str:
    """The language a term's name is in, as far as its script tells: Arabic letters are Arabic; other
    names are in the language of the first document using them, unless that is written in Arabic
    script (an Arabic post tagged `China`), then the export's language, else English."""
    if ARABIC_LETTERS.search(name):
        return "ar"
    for language in (first_use, site, "en"):
        if language.split("-")[0] not in ARABIC_SCRIPT_LANGUAGES:
            return language.split("-")[0]
    return "en"


class _MediaFolder:
    """The old site's uploads folder: files a document links to or that were uploaded to it, found by
    their path after wp-content/uploads/, become its attachments when sitegen accepts their type."""

    def __init__(self, folder: Path, kept: list[Kept], shown: str):
        self.folder, self.kept, self.shown = folder.resolve(), kept, shown

    def attach(self, document: Incoming, item: Node, site: Site) -> list[Path]:
        """The files, relative to the folder, uploaded to this item, its featured image, or linked from its body."""
        post_id = item.get("wp:post_id")
        urls = [m.url for m in site.library.values() if m.parent == post_id]
        featured = site.library.get(_meta(item).get("_thumbnail_id", ""))
        urls += [featured.url] if featured else []
        urls += re.findall(r"[(<](https?://[^)>\s]+)[)>]", document.body)
        found = []
        for relative in dict.fromkeys(filter(None, map(_uploaded, urls))):
            path = self.find(relative, document.origin)
            if path is not None and path not in found:
                found.append(path)
        return found

    def find(self, relative: str, origin: str) -> Path | None:
        candidate = (self.folder / relative).resolve()
        if not candidate.is_relative_to(self.folder) or ".." in relative.split("/"):
            self.kept.append(Kept(origin, f"`{relative}` is outside --media: not copied"))
            return None
        if not candidate.is_file():
            self.kept.append(Kept(origin, f"`{relative}` is not in --media: linked at its old address"))
            return None
        if candidate.suffix[1:].lower() not in TYPES:
            self.kept.append(Kept(origin, f"`{relative}`: sitegen does not publish files of this type, "
                                          "linked at its old address"))
            return None
        return candidate.relative_to(self.folder)


def _uploaded(url: str) -> str | None:
    """The path of an uploaded file under the uploads folder, from its address."""
    parts = urlsplit(url)
    path = unquote(parts.path)
    if "/wp-content/uploads/" in path:
        return path.split("/wp-content/uploads/", 1)[1]
    if (parts.hostname or "").endswith("files.wordpress.com"):
        return path.lstrip("/")
    return None
