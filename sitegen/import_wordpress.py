"""Reading a WordPress export (WXR, Tools > Export) into a `Batch` for `sitegen import wordpress`.

Owns the WordPress side only: parsing the XML safely, choosing which items are documents (posts and
pages; the attachment items are the media library; menus, revisions, comments and the like are left
out and counted), mapping each item's fields, categories, tags and authors onto sitegen's, and turning
WordPress's HTML (its shortcodes, its paragraphs without <p>) into Markdown. Reconciling names with the
registry, ids and writing files belong to `importing`. Reads nothing but the export and, when given,
files inside the `--media` folder; never prints.

The XML is parsed by defusedxml with every DTD refused: a WordPress export has none, and a DTD is how
an export would expand entities a billion times or pull in /etc/passwd or a URL. The HTML is converted
by markdownify, after script, style, iframes, forms and event-handler attributes are removed, with
Markdown's own characters escaped, so no raw tag reaches the Markdown (sitegen sanitises at build too).
"""

from __future__ import annotations

import functools
import html
import re
from datetime import timezone
from email.utils import parsedate_to_datetime
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit
from xml.sax import SAXParseException
from xml.sax.handler import ContentHandler, feature_namespaces

import defusedxml.sax
from defusedxml import DefusedXmlException

from sitegen.attachments import TYPES
from sitegen.config import Config
from sitegen.errors import Diagnostic, shown_path
from sitegen.importing import Batch, Incoming, IncomingTerm, Kept
from sitegen.schema import DOCUMENT_FIELDS, LANGUAGE_TAG, PORTABLE_ID

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
NAMESPACES = [  # prefix, namespace URI: WordPress has used http and https, and versions 1.0 to 1.2
    ("excerpt", re.compile(r"^https?://wordpress\.org/export/1\.\d+/excerpt/$")),
    ("wp", re.compile(r"^https?://wordpress\.org/export/1\.\d+/$")),
    ("content", re.compile(r"^http://purl\.org/rss/1\.0/modules/content/$")),
    ("dc", re.compile(r"^http://purl\.org/dc/elements/1\.1/$")),
]
ZERO_DATE = "0000-00-00 00:00:00"
LOGIN_JUNK = re.compile(r"[^\w .@*-]")  # what WordPress's sanitize_user removes from a login
# Written by WPML Export and Import; Polylang puts the language and the translation group in the
# `language` and `post_translations` domains instead.
WPML_LANGUAGE = "_wpml_import_language_code"
WPML_SOURCE_LANGUAGE = "_wpml_import_source_language_code"  # set on a translation: its original's language
WPML_GROUP = "_wpml_import_translation_group"


# --- the XML ------------------------------------------------------------------------------------

@dataclass
class Node:
    """An element of the export with where it starts, which ElementTree does not keep."""

    tag: str  # "item", "wp:post_id", "content:encoded"
    attrs: dict[str, str]
    line: int
    col: int
    children: list[Node] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(self.parts)

    def get(self, tag: str) -> str:
        """The text of the first child named `tag`, stripped, or ""."""
        child = self.first(tag)
        return child.text.strip() if child else ""

    def first(self, tag: str) -> Node | None:
        return next((c for c in self.children if c.tag == tag), None)

    def all(self, tag: str) -> list[Node]:
        return [c for c in self.children if c.tag == tag]


class _Builder(ContentHandler):
    """Builds `Node`s from SAX events, naming WordPress's namespaces by their usual prefixes."""

    def __init__(self):
        super().__init__()
        self.root = Node("", {}, 1, 1)
        self.stack = [self.root]
        self.locator = None

    def setDocumentLocator(self, locator):
        self.locator = locator

    def where(self) -> tuple[int, int]:
        if self.locator is None:
            return 1, 1
        return self.locator.getLineNumber() or 1, (self.locator.getColumnNumber() or 0) + 1

    def startElementNS(self, name, qname, attrs):
        node = Node(_prefixed(name), {_prefixed(k): v for k, v in attrs.items()}, *self.where())
        self.stack[-1].children.append(node)
        self.stack.append(node)

    def endElementNS(self, name, qname):
        self.stack.pop()

    def characters(self, content):
        self.stack[-1].parts.append(content)


def _prefixed(name: tuple[str | None, str]) -> str:
    uri, local = name
    if not uri:
        return local
    prefix = next((p for p, pattern in NAMESPACES if pattern.match(uri)), None)
    return f"{prefix}:{local}" if prefix else f"{{{uri}}}{local}"


def parse(path: Path) -> tuple[Node | None, list[Diagnostic]]:
    """The export's <channel>, or an error at the line and column where reading it stopped."""
    shown = shown_path(path)
    builder = _Builder()
    parser = defusedxml.sax.make_parser()
    parser.forbid_dtd = parser.forbid_entities = parser.forbid_external = True
    parser.setFeature(feature_namespaces, True)
    parser.setContentHandler(builder)
    try:
        with open(path, "rb") as stream:
            parser.parse(stream)
    except OSError as error:
        return None, [Diagnostic(shown, 1, 1, f"cannot read the export: {error.strerror or error}")]
    except DefusedXmlException:
        return None, [Diagnostic(shown, *builder.where(), "the export declares a DTD (<!DOCTYPE ...>), where entities can expand a "
                                 "billion times or read other files and addresses: refused, nothing it names was read", "a WordPress export has no <!DOCTYPE>; "
                                 "export the site again from WordPress (Tools > Export)")]
    except SAXParseException as error:
        return None, [Diagnostic(shown, error.getLineNumber() or 1, (error.getColumnNumber() or 0) + 1,
                                 f"the export is not well-formed XML: {error.getMessage()}",
                                 "a cut-off download? export the site again from WordPress (Tools > Export)")]
    rss = builder.root.children[0] if builder.root.children else None
    channel = rss.first("channel") if rss is not None and rss.tag == "rss" else None
    if channel is None or channel.first("wp:wxr_version") is None:
        line, col = (rss.line, rss.col) if rss is not None else (1, 1)
        return None, [Diagnostic(shown, line, col, "not a WordPress export: no <rss><channel> with a <wp:wxr_version>",
                                 "export the site from WordPress with Tools > Export, which writes a WXR file")]
    return channel, []


# --- HTML to Markdown -----------------------------------------------------------------------------

# Removed with their content: they run code, style the page or take input, and none is archival text.
DROPPED_TAGS = ("script", "style", "noscript", "template", "object", "embed", "applet", "form", "input",
                "button", "select", "textarea", "frame", "frameset", "link", "meta", "base", "svg", "math")
SAFE_URL = re.compile(r"^(?:https?:|mailto:|[^:]*$)", re.I)  # http(s), mail, or relative (no scheme)
BLOCKS = r"(?:p|div|h[1-6]|ul|ol|li|dl|dt|dd|table|thead|tbody|tr|td|th|blockquote|pre|figure|figcaption|hr|" \
         r"section|article|aside|header|footer|nav|address|details)"
BLOCK_LINE = re.compile(rf"^\s*(?:</?{BLOCKS}[\s>/]|<!--)", re.I)  # a line that starts a block or a comment
BLOCK_TAG_AT_END = re.compile(rf"</?{BLOCKS}(?:\s[^>]*)?/?>\s*$", re.I)
OPENS = re.compile(rf"<{BLOCKS}(?:\s[^>]*)?(?<!/)>", re.I)
CLOSES = re.compile(rf"</{BLOCKS}\s*>", re.I)
VOID_BLOCKS = re.compile(r"<hr\b[^>]*>", re.I)
PRE = re.compile(r"<pre[\s>].*?</pre>", re.I | re.S)
MAX_NESTING = 100  # elements inside each other; real posts stay far below, markdownify fails near 300


def autop(text: str) -> str:
    """WordPress's wpautop, simplified: outside block elements, a blank line separates paragraphs and a
    single newline is a line break; block elements are left as written and <pre> is never touched."""
    kept: list[str] = []

    def keep(match: re.Match) -> str:
        kept.append(match.group())
        return f"<pre>\x00{len(kept) - 1}\x00</pre>"
    text = PRE.sub(keep, text.replace("\r\n", "\n").replace("\r", "\n"))
    chunks, depth = [], 0
    for chunk in re.split(r"\n[ \t]*\n", text):
        if chunk.strip():
            done, depth = _paragraphs(chunk.strip("\n"), depth)
            chunks.append(done)
    return re.sub(r"<pre>\x00(\d+)\x00</pre>", lambda m: kept[int(m.group(1))], "\n\n".join(chunks))


def _paragraphs(chunk: str, depth: int) -> tuple[str, int]:
    """A chunk's text lines outside any block element wrapped in <p>, with their line breaks; `depth`
    is how many block elements are open before it, and the second value after it."""
    out: list[str] = []
    text: list[str] = []
    for line in chunk.split("\n"):
        if depth or BLOCK_LINE.match(line):
            if text:
                out.append("<p>" + _line_breaks(text) + "</p>")
                text = []
            out.append(line)
        else:
            text.append(line)
        depth = max(0, depth + len(OPENS.findall(VOID_BLOCKS.sub("", line))) - len(CLOSES.findall(line)))
    if text:
        out.append("<p>" + _line_breaks(text) + "</p>")
    return "\n".join(out), depth


def _line_breaks(lines: list[str]) -> str:
    """A single newline is a <br>, except after a block tag (wpautop's rule)."""
    out = lines[:1]
    for before, line in zip(lines, lines[1:]):
        out.append(("\n" if BLOCK_TAG_AT_END.search(before) else "<br>\n") + line)
    return "".join(out)


def sanitize(soup, notes: Counter) -> None:
    """Removes what runs code or cannot be archived text, in place, in one walk; an iframe becomes a
    link to what it showed (a video, a map), which is what a reader of the archive can still follow."""
    from bs4 import Comment
    for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):
        comment.extract()
    for tag in soup.find_all(True):
        if tag.decomposed:  # inside a removed one
            continue
        if tag.name in DROPPED_TAGS or tag.name == "iframe" and not tag.get("src", "").startswith(("http://", "https://")):
            notes[f"removed <{tag.name}>"] += 1
            tag.decompose()
            continue
        for name in list(tag.attrs):
            if name.lower().startswith("on"):
                notes["removed on* attributes (script)"] += 1
                del tag.attrs[name]
            elif name == "alt":  # markdownify writes it as it is, between [ and ]
                tag.attrs[name] = re.sub(r"([\\\[\]])", r"\\\1", " ".join(str(tag.attrs[name]).split()))
            elif name == "title":  # Python-Markdown ends a title at any ", escaped or not
                tag.attrs[name] = " ".join(str(tag.attrs[name]).split()).replace('"', "'")
            elif name in ("href", "src"):
                url = str(tag.attrs[name]).strip()
                if SAFE_URL.match(url):
                    tag.attrs[name] = quote(url, safe="/:?#[]@!$&'*+,;=%~.-_")  # no space, () or <> to end a Markdown link
                else:
                    notes[f"removed a `{url.split(':')[0][:20]}:` link"] += 1
                    del tag.attrs[name]
        if tag.name == "iframe":
            link = soup.new_tag("a", href=tag["src"])
            link.string = tag["src"]
            paragraph = soup.new_tag("p")
            paragraph.append(link)
            tag.replace_with(paragraph)
            notes["an <iframe> became a link to what it showed"] += 1


def to_markdown(text: str, notes: Counter) -> str:
    """Markdown for one WordPress body or excerpt (after shortcodes), every special character escaped."""
    from bs4 import BeautifulSoup
    soup = BeautifulSoup(autop(text), "html.parser")
    sanitize(soup, notes)
    if _depth(soup) > MAX_NESTING:  # markdownify recurses once per level: flatten instead of crashing
        notes[f"HTML nested more than {MAX_NESTING} elements deep: imported as plain paragraphs"] += 1
        lines = [line.strip() for line in soup.get_text("\n").split("\n") if line.strip()]
        soup = BeautifulSoup("", "html.parser")
        for line in lines:
            paragraph = soup.new_tag("p")
            paragraph.string = line
            soup.append(paragraph)
    converter = _converter_class()(heading_style="ATX", bullets="-", escape_misc=True, strong_em_symbol="*")
    markdown = converter.convert_soup(soup)
    return re.sub(r"\n{3,}", "\n\n", markdown).strip() + "\n" if markdown.strip() else ""


def _depth(soup) -> int:
    """How deeply the elements nest, found without recursion."""
    deepest, stack = 0, [(soup, 0)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in getattr(node, "contents", ()) if getattr(child, "name", None))
    return deepest


@functools.cache
def _converter_class():
    from markdownify import MarkdownConverter

    class Converter(MarkdownConverter):
        """markdownify, writing a link whose text is its address as <address>: the escaped text
        (`?v\\=x`) would never equal the address, which is markdownify's own test."""

        def convert_a(self, el, text, parent_tags):
            href = el.get("href", "")
            if href.startswith(("http://", "https://")) and el.get_text().strip() == href and not el.get("title"):
                return f"<{href}>"
            return super().convert_a(el, text, parent_tags)
    return Converter


def plain_text(text: str) -> str:
    """The words of a bit of HTML (a title, an excerpt), on one line."""
    if "<" not in text and "&" not in text:
        return " ".join(text.split())
    from bs4 import BeautifulSoup
    soup = BeautifulSoup(text, "html.parser")
    for tag in soup.find_all(DROPPED_TAGS + ("iframe",)):
        tag.decompose()
    return " ".join(soup.get_text(" ").split())


# --- shortcodes -----------------------------------------------------------------------------------

ATTRIBUTE = re.compile(r"""([\w-]+)\s*=\s*"([^"]*)"|([\w-]+)\s*=\s*'([^']*)'|([\w-]+)\s*=\s*([^\s'"\]]+)|"([^"]*)"|(\S+)""")
ENCLOSING = re.compile(r"\[(caption|wp_caption|embed|video|audio|youtube|vimeo)\b([^\]]*)\](.*?)\[/\1\]", re.S | re.I)
SELF_CLOSING = re.compile(r"\[(gallery|embed|video|audio|youtube|vimeo|wpvideo|playlist)\b(=?[^\]]*)\]", re.I)
OTHER = re.compile(r"\[/?([a-zA-Z][\w-]*)(?:[\s=][^\]]*)?/?\]")
MEDIA_ATTRS = ("src", "url", "mp4", "m4v", "webm", "ogv", "mp3", "m4a", "ogg", "wav", "flv", "wmv")


def _attributes(text: str) -> tuple[dict[str, str], list[str]]:
    named, positional = {}, []
    for m in ATTRIBUTE.finditer(text.lstrip("=")):
        if m.group(1) or m.group(3) or m.group(5):
            key = (m.group(1) or m.group(3) or m.group(5)).lower()
            named[key] = m.group(2) if m.group(1) else m.group(4) if m.group(3) else m.group(6)
        else:
            positional.append(m.group(7) if m.group(7) is not None else m.group(8))
    return named, positional


def _link(url: str) -> str:
    url = html.unescape(url.strip())
    return f'<p><a href="{html.escape(url)}">{html.escape(url)}</a></p>' if url.startswith(("http://", "https://")) else ""


def _media_url(name: str, named: dict[str, str], positional: list[str]) -> str:
    """The address a media shortcode shows: a YouTube or VideoPress id becomes its page's address."""
    url = next((named[k] for k in MEDIA_ATTRS if named.get(k)), "") or (positional[0] if positional else "")
    if name == "youtube" and url and not url.startswith("http"):
        return f"https://www.youtube.com/watch?v={url}"
    if name == "wpvideo" and url:
        return f"https://videopress.com/v/{url}"
    return url


@dataclass
class Media:
    """A media-library item (an attachment item of the export)."""

    url: str
    title: str
    alt: str
    parent: str  # the post id it was uploaded to, or ""


def shortcodes(text: str, post_id: str, library: dict[str, Media], notes: Counter) -> str:
    """HTML for the shortcodes a reader needs (captions, galleries, embedded media as links); every
    other shortcode stays as written, as text, and is noted."""
    def enclosing(m: re.Match) -> str:
        name, (named, positional), inner = m.group(1).lower(), _attributes(m.group(2)), m.group(3)
        notes[f"[{name}] converted"] += 1
        if name in ("caption", "wp_caption"):
            image = re.match(r"\s*((?:<a\b[^>]*>\s*)?<img\b[^>]*>(?:\s*</a>)?)(.*)", inner, re.S)
            picture, caption = (image.group(1), image.group(2)) if image else ("", inner)
            caption = caption.strip() or named.get("caption", "")
            return f"<p>{picture}</p>" + (f"<p><em>{caption}</em></p>" if caption else "")
        return _link(inner.strip() or _media_url(name, named, positional))

    def self_closing(m: re.Match) -> str:
        name, (named, positional) = m.group(1).lower(), _attributes(m.group(2))
        if name == "gallery":
            ids = [i.strip() for i in (named.get("ids") or named.get("include") or "").split(",") if i.strip()]
            items = [library[i] for i in ids if i in library] if ids else \
                [media for media in library.values() if media.parent == post_id]
            if not items:
                notes["[gallery] with no images in the export, left out"] += 1
                return ""
            notes["[gallery] converted to its images"] += 1
            return "".join(f'<p><img src="{html.escape(i.url)}" alt="{html.escape(i.alt or i.title)}"></p>' for i in items)
        converted = _link(_media_url(name, named, positional))
        notes[f"[{name}] converted to a link" if converted else f"[{name}] without an address, left out"] += 1
        return converted

    text = ENCLOSING.sub(enclosing, text)
    text = SELF_CLOSING.sub(self_closing, text)
    for m in OTHER.finditer(text):
        notes[f"[{m.group(1)}] kept as written"] += 1
    return text


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
        batch.problems.append(Diagnostic(shown_path(source), 1, 1, f"--language `{language}` is not a BCP 47 language tag",
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
        batch.kept.append(Kept(shown, "terms: " + ", ".join(f"{domain} -> {taxonomy} ({count})" for (domain, taxonomy), count
                                                         in sorted(mapped.items())) + " (--taxonomy DOMAIN=NAME changes one)"))
    for what, count in sorted(left_out.items()):
        batch.kept.append(Kept(shown, f"left out {count} {what}"))
    if not options.media and any(re.search(r"/wp-content/uploads/|files\.wordpress\.com/", d.body) for d in batch.documents):
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
        original = min(candidates, key=lambda d: (d.fields["language"].split("-")[0] not in first, d.fields["date"], d.key))
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
                                                    plain_text(item.get("title")), meta.get("_wp_attachment_image_alt", ""),
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
        kept.append(Kept(origin, f"old address `?{link.query}`: a static site cannot answer a query, no redirect made for it"))
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
        defined.append(("post_tag", node.get("wp:tag_name"), node.get("wp:tag_slug"), node.get("wp:tag_description"), node.line))
    for node in channel.all("wp:term"):
        domain = node.get("wp:term_taxonomy")
        if domain not in ("category", "post_tag"):
            defined.append((domain, node.get("wp:term_name"), node.get("wp:term_slug"), node.get("wp:term_description"), node.line))
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
