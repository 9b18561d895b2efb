"""Markdown bodies to sanitised HTML, plain text and headings, in one pass.

Owns the one place content becomes HTML. Python-Markdown passes raw HTML through, so its output goes
through nh3 (a maintained Rust sanitiser) with an allow-list: no script, style, iframe, event
handler or `javascript:` URL survives. The body is never handed to Jinja as a template, so `{{ }}`,
`{% %}` and `{#` in content stay literal text. Must not know about documents or the site.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import unescape

import re

import markdown
from markdown.extensions.toc import slugify_unicode
from markdown.inlinepatterns import LinkInlineProcessor
import nh3

from sitegen.errors import Diagnostic
from sitegen.frontmatter import control_characters
from sitegen.limits import DEFAULT, Limits, hint

# Ids the templates give their own parts of a page (a test keeps this in step with templates/): a body
# heading "Notes" must not give the page a second `id="notes"`, so a body id that is one of these
# becomes `section-<id>`.
TEMPLATE_IDS = frozenset({
    "main", "notes", "provenance", "related", "site-search", "docs", "q", "with", "search-app", "search-count",
    "search-facets", "search-fix", "search-form", "search-more", "search-results", "search-status", "search-tips",
    "search-when", "search-when-box", "search-order", "search-from", "search-to", "search-within", "search-date-hint",
    "cite", "citation", "originals",
})


def _slugify(value: str, separator: str) -> str:
    slug = slugify_unicode(value, separator)
    return f"section-{slug}" if slug in TEMPLATE_IDS else slug


def _unreserved_ids(html: str) -> str:
    """The same rule for ids written in raw HTML (`<h2 id="main">`), which the heading slugs never see.
    Most bodies have no reserved id at all: one search says so, instead of a call per id."""
    if not _RESERVED_ID.search(html):
        return html
    return _ID_ATTR.sub(lambda m: f'id="section-{m.group(1)}"' if m.group(1) in TEMPLATE_IDS else m.group(0), html)


_ID_ATTR = re.compile(r'\bid="([^"]*)"')
_RESERVED_ID = re.compile('id="(?:' + "|".join(map(re.escape, sorted(TEMPLATE_IDS))) + ')"')

EXTENSIONS = ["tables", "fenced_code", "footnotes", "sane_lists", "def_list", "abbr", "toc"]
EXTENSION_CONFIGS = {"toc": {"baselevel": 2, "slugify": _slugify, "permalink": False}}

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
    failure: str = ""  # why conversion failed (a bug in Markdown or here): reported as this body's error


# Inline patterns, block processors and preprocessors by what must occur in a body for them to match
# anything in it: every text node the inline stage sees, and every block the block parser tests, is a piece of the
# body's lines (the placeholders put in them use only \x02 \x03 letters digits and ':'), so one whose
# triggers are all absent from a body matches nothing, and a converter without it gives the same HTML
# for that body. The inline stage tries every pattern on every text node (two thirds of Markdown's
# time) and the parser every processor on every block; most bodies need a few of them. One not named
# here is always kept. (`tests/test_markup_prune.py` compares with the stock converter.)
TRIGGERS = {
    ("inline", "backtick"): ("`",), ("inline", "escape"): ("\\",), ("inline", "footnote"): ("[^",),
    ("inline", "link"): ("[",), ("inline", "image_link"): ("![",), ("inline", "autolink"): ("<",),
    ("inline", "automail"): ("<",), ("inline", "linebreak"): ("  \n",), ("inline", "html"): ("<",),
    ("inline", "entity"): ("&",), ("inline", "em_strong"): ("*", "_"),
    # the reference patterns match only ids the body defines (`[id]: url`, which has `]:`)
    ("inline", "reference"): ("]:",), ("inline", "image_reference"): ("]:",),
    ("inline", "short_reference"): ("]:",), ("inline", "short_image_ref"): ("]:",),
    ("block", "table"): ("|",), ("block", "hashheader"): ("#",), ("block", "deflist"): (": ",),
    ("block", "quote"): (">",), ("block", "footnote"): ("[^",), ("block", "abbr"): ("*[",),
    ("block", "reference"): ("]:",),  # and a definition (deflist) is `: ` after a line's indent
    # preprocessors read the whole text: with none of these in it, each gives back the lines it got
    ("pre", "html_block"): ("<", "&"), ("pre", "fenced_code_block"): ("```", "~~~"),
}
UNSURE = ("\t", "\r", "\x02", "\x03")  # Markdown expands tabs, ends lines and drops these: no pruning then
_converters: dict[frozenset[tuple[str, str]], markdown.Markdown] = {}  # absent ones -> a converter without them


def absent_patterns(source: str) -> frozenset[tuple[str, str]]:
    """The inline patterns and block processors that cannot match anything in `source` (see TRIGGERS)."""
    if any(c in source for c in UNSURE):
        return frozenset()
    text = source + "\n"  # Markdown ends the text with a newline: a last line's two spaces are a break
    return frozenset(name for name, needs in TRIGGERS.items() if not any(t in text for t in needs))


def _converter(absent: frozenset[tuple[str, str]]) -> markdown.Markdown:
    """A converter without the `absent` patterns and processors, made once per process and set of them."""
    converter = _converters.get(absent)
    if converter is None:
        converter = markdown.Markdown(extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS, output_format="html")
        registries = {"inline": converter.inlinePatterns, "block": converter.parser.blockprocessors,
                      "pre": converter.preprocessors}
        for registry, name in absent:
            registries[registry].deregister(name)
        for pattern in converter.inlinePatterns:
            if isinstance(pattern, LinkInlineProcessor):
                pattern.getText = bracket_text  # type: ignore[method-assign]  # on this instance only
        _converters[absent] = converter
    return converter


def bracket_text(data: str, index: int) -> tuple[str, int, bool]:
    """Python-Markdown's `LinkInlineProcessor.getText`, the same answer (tested against it): the text
    from `index` (just past a `[`) to the `]` closing it, the index past that `]`, and whether there
    is one. Python-Markdown 3.11 finds the ends for every index of the text and keeps them until the
    text changes, which it does after every link: a paragraph of 10,000 links was walked 10,000
    times (a minute). Here the search starts at `index` and goes from `]` to `]` (`str.find` and
    `str.count`), so it costs the distance to the closing bracket: the total over a paragraph is the
    re-reading that `check_body` bounds by `limits.markdown_scan_kb`."""
    depth, at = 0, index  # brackets opened since `index` and not yet closed
    while True:
        close = data.find("]", at)
        if close < 0:
            return data[index:], len(data), False
        depth += data.count("[", at, close)
        if depth == 0:
            return data[index:close], close + 1, True
        depth -= 1
        at = close + 1


def render_markdown(source: str, *, prune: bool = True) -> Rendered:
    """Convert one body. Reuses Markdown instances per process (reset between documents), without the
    patterns and processors that cannot match in it (`prune=False`: the full converter, for tests). Never
    raises: a crash converting one body is returned as its `failure`, so it is reported as that
    document's error alongside every other problem of the run."""
    absent = absent_patterns(source) if prune else frozenset()
    try:
        converter = _converter(absent)
        converter.reset()
        html = _unreserved_ids(sanitise(converter.convert(source)))
        text, headings = text_and_headings(html)
    except Exception as exc:  # noqa: BLE001 - any crash becomes this body's diagnostic
        _converters.pop(absent, None)  # its state is unknown now
        return Rendered("", "", (), f"{type(exc).__name__}: {exc}"[:200])
    return Rendered(html, text, headings)


def check_body(body: str, path: str, first_line: int, limits: Limits = DEFAULT) -> list[Diagnostic]:
    """Problems that would make one body slow, deep or unsafe to convert, found by a cheap linear scan
    before Python-Markdown sees it: control characters (Markdown uses STX/ETX internally), nesting
    deeper than `limits.markdown_depth` (its parser recurses per level), more footnotes than
    `limits.footnotes` (each costs time in proportion to all the others), and paragraphs where
    unclosed `[` or `<` would make it re-read the rest of the paragraph for each one."""
    problems = control_characters(body, path, first_line)
    lines = body.split("\n")
    footnotes, fenced = 0, ""
    for number, line in enumerate(lines):
        stripped = line.lstrip(" \t>")
        if fenced or stripped.startswith(("```", "~~~")):
            fence = stripped[:3]
            fenced = "" if fenced and fence == fenced else (fenced or (fence if fence in ("```", "~~~") else ""))
            continue
        depth = _depth(line) if line[:1] in _MARKER_STARTS else 0  # (most lines start with a word: no regex)
        if depth > limits.markdown_depth:
            problems.append(Diagnostic(path, first_line + number, 1, f"lists or quotes nested {depth} deep, over "
                                       f"the limit of {limits.markdown_depth}", hint("markdown_depth", "flatten them")))
            break
        if "[^" in line and _FOOTNOTE.match(line):
            footnotes += 1
            if footnotes == limits.footnotes + 1:
                problems.append(Diagnostic(path, first_line + number, 1, f"more than {limits.footnotes} footnotes",
                                           hint("footnotes", "split the document")))
    problems += _rescans(body, path, first_line, limits)
    problems += _distinct_words(lines, path, first_line, limits)
    return problems


def _distinct_words(lines: list[str], path: str, first_line: int, limits: Limits) -> list[Diagnostic]:
    """A body of more different words than `limits.distinct_words` (words as written, so a little
    more than search counts): each one is an entry in the search index, and a file of invented words
    would make the index stage alone take many seconds."""
    text = "\n".join(lines)
    if (len(text) + 1) // 2 <= limits.distinct_words or len(set(text.casefold().split())) <= limits.distinct_words:
        return []  # the whole body at once, as most are: a line at a time only to say where it went over
    seen: set[str] = set()
    for number, line in enumerate(lines):
        seen.update(line.casefold().split())
        if len(seen) > limits.distinct_words:
            return [Diagnostic(path, first_line + number, 1, f"more than {limits.distinct_words} different words",
                               hint("distinct_words", "split the document"))]
    return []


_FOOTNOTE = re.compile(r"^ {0,3}\[\^[^\]]+\]:")
_MARKERS = re.compile(r"(?:[ \t]|>|[-*+][ \t]|\d{1,9}[.)][ \t])*")
_MARKER_STARTS = frozenset(" \t>-*+0123456789")  # what a line matching _MARKERS non-empty starts with


def _depth(line: str) -> int:
    """How deep a line sits: each `>` is a level, and so is every 4 columns of indentation or list markers."""
    prefix = _MARKERS.match(line).group().expandtabs(4)
    quotes = prefix.count(">")
    return quotes + (len(prefix) - quotes) // 4


def _rescans(body: str, path: str, first_line: int, limits: Limits) -> list[Diagnostic]:
    """Python-Markdown reads forward from each `[` to its matching `]`, from each `<` of a tag to its
    `>`, and from the `(` of each inline link (`](`) to its `)`, a character at a time; when they are
    unclosed that is to the end of the paragraph, so 50,000 `[` cost 50,000 readings of it. The total
    is computed here per paragraph, in one pass with a stack (`_link_reading` for a link's `(`)."""
    budget, line = limits.markdown_scan_kb * 1024, first_line
    if (body.count("[") + body.count("<") + body.count("](")) * len(body) <= budget:
        return []  # each opener costs at most the paragraph's length: no paragraph can go over
    for paragraph in body.split("\n\n"):
        work, links, opened, first, left_open = 0, 0, [], None, []
        for match in _OPENERS.finditer(paragraph):
            char, at = match.group(), match.start()
            if char == "[":
                opened.append(at)
            elif char == "]" and opened:
                work += at - opened.pop()
            elif char == "<":
                close = paragraph.find(">", at)
                work += (close if close >= 0 else len(paragraph)) - at
                first = at if first is None and close < 0 else first
            if char == "]" and paragraph.startswith("(", at + 1):
                reading, closed = _link_reading(paragraph, at + 1)
                links += reading
                left_open += [] if closed else [at]
                if work + links > budget:
                    break
        work += links + sum(len(paragraph) - at for at in opened)
        if work > budget:
            return [_rescan_problem(path, line, paragraph, opened, first, left_open, links * 2 > work)]
        line += paragraph.count("\n") + 2
    return []


def _rescan_problem(path: str, line: int, paragraph: str, opened: list[int], first: int | None,
                    left_open: list[int], by_links: bool) -> Diagnostic:
    """The error for a paragraph over `markdown_scan_kb`, at what makes most of the re-reading."""
    if by_links:
        at = left_open[0] if left_open else 0
        return Diagnostic(path, line + paragraph.count("\n", 0, at), 1, "this paragraph has inline links left open "
                          "(`](` without its `)`) that would make Markdown re-read it for each one",
                          hint("markdown_scan_kb", "close them with `)` or escape the bracket as `\\]`, "
                                                   "or split the paragraph"))
    at = opened[0] if opened else (first or 0)
    return Diagnostic(path, line + paragraph.count("\n", 0, at), 1, f"this paragraph has {len(opened)} unclosed `[` "
                      "(or tags left open) that would make Markdown re-read it for each one",
                      hint("markdown_scan_kb", "close or escape them as `\\[` and `&lt;`, or split the paragraph"))


def _link_reading(paragraph: str, start: int) -> tuple[int, bool]:
    """How far, at most, Python-Markdown's `getLink` reads from the `(` at `start` of an inline link,
    and whether it finds the link's end: to the `)` matching it, or, when a quote opens a title
    before that, to a `)` right after the same quote (`"title")`); else to the paragraph's end. An
    escaped `\\)` is taken as none, and a `\\(` as a `(`: either way the reading is not under-counted.
    (Emphasis makes Markdown read the text it wraps once more, however deep: the budget allows it.)"""
    angled = LinkInlineProcessor.RE_LINK.match(paragraph, start)  # `(<url> "title")`: one regular expression
    if angled and angled.group(1):
        return angled.end() - start, True
    depth, at, end = 0, start + 1, -1
    while True:
        close = paragraph.find(")", at)
        if close < 0:
            break
        depth += paragraph.count("(", at, close)
        at = close + 1
        if paragraph[close - 1] == "\\":
            continue
        if depth == 0:
            end = close
            break
        depth -= 1
    quote = _QUOTE.search(paragraph, start, end if end >= 0 else len(paragraph))
    if quote:
        closing = _TITLE_END[quote.group()].search(paragraph, quote.end())
        end = closing.end() - 1 if closing else -1
    if end >= 0 and _HIDERS.search(paragraph, start, end):
        end = -1  # a code span, a reference link or a footnote, made before links are, could hide the `)`
    stop = end if end >= 0 else len(paragraph)
    # what Markdown reads has its escapes, code spans and reference links as placeholders, each longer
    # than the `\\x` it may stand for: count each such character as a whole placeholder
    made = sum(paragraph.count(c, start, stop) for c in "\\`[")
    return stop - start + made * _PLACEHOLDER, end >= 0


_OPENERS = re.compile(r"\\.|[\[\]]|<(?=[A-Za-z/!?])")
_HIDERS = re.compile(r"[`\[]")
_PLACEHOLDER = len(markdown.util.INLINE_PLACEHOLDER % 10**7)  # with the id of a body's ten-millionth stashed node
_QUOTE = re.compile("[\"']")  # (Markdown's escapes leave quotes as they are: `\\"` is a quote)
_TITLE_END = {q: re.compile(q + r" *\)") for q in "\"'"}


def sanitise(html: str) -> str:
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES,
                     clean_content_tags={"script", "style"}, link_rel="noopener noreferrer")


_TAG = re.compile(r'<(/?)([A-Za-z][A-Za-z0-9]*)((?:[^>"]|"[^"]*")*)>')
_HEADING_ID = re.compile(r'\sid="([^"]*)"')
HEADINGS = {"h2", "h3", "h4", "h5", "h6"}


def text_and_headings(html: str) -> tuple[str, tuple[tuple[int, str, str], ...]]:
    """The plain text of sanitised HTML (a blank line before each block) and its headings. nh3 writes
    well-formed HTML (no comments, `<` escaped in text, attributes in double quotes), so a tag is one
    regular expression; this is the `html.parser` reading it replaced, at a quarter of the cost."""
    parts: list[str] = []
    headings = []
    heading: tuple[int, str, list[str]] | None = None
    at = 0
    for match in _TAG.finditer(html):
        if match.start() > at:
            data = unescape(html[at:match.start()])
            parts.append(data)
            if heading:
                heading[2].append(data)
        at = match.end()
        closing, tag, attrs = match.group(1), match.group(2).lower(), match.group(3)
        if not closing:
            if tag in BLOCKS:
                parts.append("\n\n")
            if tag in HEADINGS:
                found = _HEADING_ID.search(attrs)
                heading = (int(tag[1]), unescape(found.group(1)) if found else "", [])
        if (closing or attrs.endswith("/")) and heading and tag == f"h{heading[0]}":
            headings.append((heading[0], heading[1], "".join(heading[2]).strip()))
            heading = None
    if at < len(html):
        data = unescape(html[at:])
        parts.append(data)
        if heading:
            heading[2].append(data)
    paragraphs = "".join(parts).split("\n\n")
    return "\n\n".join(" ".join(p.split()) for p in paragraphs if p.strip()), tuple(headings)
