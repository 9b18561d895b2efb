"""WordPress's HTML as Markdown, for `sitegen import wordpress`.

Owns the conversion only: paragraphs WordPress leaves without <p> (`autop`), shortcodes a reader needs
(captions, galleries, embedded media as links; others kept as text and noted), and markdownify after
script, style, iframes, forms and event-handler attributes are removed, with Markdown's own characters
escaped, so no raw tag reaches the Markdown (sitegen sanitises at build too).
"""

from __future__ import annotations

import functools
import html
import re
from collections import Counter
from dataclasses import dataclass
from urllib.parse import quote


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
                    # no space, () or <> to end a Markdown link
                    tag.attrs[name] = quote(url, safe="/:?#[]@!$&'*+,;=%~.-_")
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

ATTRIBUTE = re.compile(r"""([\w-]+)\s*=\s*"([^"]*)"|([\w-]+)\s*=\s*'([^']*)'|([\w-]+)\s*=\s*([^\s'"\]]+)"""
                       r"""|"([^"]*)"|(\S+)""")
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
    return (f'<p><a href="{html.escape(url)}">{html.escape(url)}</a></p>' if url.startswith(("http://", "https://"))
            else "")


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
            return "".join(f'<p><img src="{html.escape(i.url)}" alt="{html.escape(i.alt or i.title)}"></p>'
                           for i in items)
        converted = _link(_media_url(name, named, positional))
        notes[f"[{name}] converted to a link" if converted else f"[{name}] without an address, left out"] += 1
        return converted

    text = ENCLOSING.sub(enclosing, text)
    text = SELF_CLOSING.sub(self_closing, text)
    for m in OTHER.finditer(text):
        notes[f"[{m.group(1)}] kept as written"] += 1
    return text
