"""Markdown bodies to sanitised HTML, plain text and headings, in one pass.

Owns the one place content becomes HTML. Python-Markdown passes raw HTML through, so its output goes
through nh3 (a maintained Rust sanitiser) with an allow-list: no script, style, iframe, event
handler or `javascript:` URL survives. The body is never handed to Jinja as a template, so `{{ }}`,
`{% %}` and `{#` in content stay literal text. Must not know about documents or the site.
"""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser

import markdown
from markdown.extensions.toc import slugify_unicode
import nh3

EXTENSIONS = ["tables", "fenced_code", "footnotes", "sane_lists", "def_list", "abbr", "toc"]
EXTENSION_CONFIGS = {"toc": {"baselevel": 2, "slugify": slugify_unicode, "permalink": False}}

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "div", "dl", "dt", "em",
    "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark",
    "ol", "p", "pre", "q", "s", "small", "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot",
    "th", "thead", "tr", "u", "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "hreflang"}, "abbr": {"title"}, "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan", "align"}, "th": {"colspan", "rowspan", "align", "scope"},
    "h2": {"id"}, "h3": {"id"}, "h4": {"id"}, "h5": {"id"}, "h6": {"id"}, "li": {"id"}, "sup": {"id"},
    "ol": {"start"}, "q": {"cite"}, "blockquote": {"cite"}, "*": {"lang", "dir"},
}
URL_SCHEMES = {"http", "https", "mailto", "doc"}  # doc:ID is resolved by `links`
BLOCKS = {"p", "div", "li", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "tr", "br", "dd", "dt", "figcaption"}


@dataclass(frozen=True)
class Rendered:
    html: str  # sanitised; safe to insert into a page as markup
    text: str  # plain text, paragraphs separated by blank lines (for search and summaries)
    headings: tuple[tuple[int, str, str], ...]  # (level, id, text)


_converter: markdown.Markdown | None = None


def render_markdown(source: str) -> Rendered:
    """Convert one body. Reuses one Markdown instance per process (reset between documents)."""
    global _converter
    if _converter is None:
        _converter = markdown.Markdown(extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS,
                                       output_format="html")
    _converter.reset()
    html = sanitise(_converter.convert(source))
    collector = _TextCollector()
    collector.feed(html)
    collector.close()
    return Rendered(html, collector.text(), tuple(collector.headings))


def sanitise(html: str) -> str:
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES,
                     clean_content_tags={"script", "style"}, link_rel="noopener noreferrer")


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.headings: list[tuple[int, str, str]] = []
        self._heading: tuple[int, str, list[str]] | None = None

    def handle_starttag(self, tag, attrs):
        if tag in BLOCKS:
            self.parts.append("\n\n")
        if tag in {"h2", "h3", "h4", "h5", "h6"}:
            self._heading = (int(tag[1]), dict(attrs).get("id", ""), [])

    def handle_endtag(self, tag):
        if self._heading and tag == f"h{self._heading[0]}":
            level, anchor, words = self._heading
            self.headings.append((level, anchor or "", "".join(words).strip()))
            self._heading = None

    def handle_data(self, data):
        self.parts.append(data)
        if self._heading:
            self._heading[2].append(data)

    def text(self) -> str:
        paragraphs = ("".join(self.parts)).split("\n\n")
        return "\n\n".join(" ".join(p.split()) for p in paragraphs if p.strip())
