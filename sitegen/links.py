"""Links written in bodies: each one checked, and internal ones rewritten into page-relative file links.

A contributor may link to another part of the archive three ways:
- `doc:ID` (with an optional `#anchor`): a document by id, whatever its file is called;
- a path to another source file, relative to this one (`other-report.md`, `../actors/wang-yi.md`),
  which is also what GitHub's preview of a pull request follows;
- a path to a page of the built site, relative to this page (`../actors/wang-yi.html`).
The first two become page-relative links to the `.html` page; the third is checked against the pages
the build plans (`check_targets`, once they are known). A link starting with `/` or ending at a folder
would break an offline copy, so it is an error. External links (`https:`, `mailto:`) are left alone.
Works on sanitised HTML (`markup` normalises every attribute to `name="value"`), never reads files.
"""

from __future__ import annotations

import functools
import html
import posixpath
import re
from bisect import bisect_right
from dataclasses import dataclass, field, replace
from typing import Callable

from sitegen import urls
from sitegen.errors import ERROR, WARNING, Diagnostic, Nearest, did_you_mean
from sitegen.markup import TEMPLATE_IDS, Rendered
from sitegen.schema import DocumentRecord, TermRecord

DOC_SCHEME = "doc:"
UNPUBLISHED = "\x00unpublished\x00"  # stands for the href of a link to a page not published, then unlinked
_UNLINK = re.compile(r'<a\b[^>]*\bhref="' + UNPUBLISHED + r'"[^>]*>(.*?)</a>', re.S)
_LINK = re.compile(r'(<(a|img)\b[^>]*?\b(?:href|src)=")([^"]*)(")')
_ID = re.compile(r'id="([^"]*)"')  # after a character that is not a word's (`anchors`)
_NEWLINE = re.compile("\n")
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


@dataclass(frozen=True)
class LinkUse:
    """A link to a built page, to be checked once every page is planned."""

    path: str  # the source file it is written in
    line: int
    col: int
    written: str
    target: str  # output-root path it points at
    page: str  # output-root path of the page it is written on
    severity: str = "error"  # a missing image is a warning: the text still reads


@dataclass(frozen=True)
class _Body:
    path: str
    text: str
    line: int
    page: str


@dataclass
class _Index:
    """Where every document and registry entry ends up, for resolving links."""

    by_id: dict[str, str]  # document id -> output path
    by_source: dict[str, str]  # normalised source path -> output path
    anchors: dict[str, set[str]]  # output path -> ids in the body
    held: dict[str, tuple[str, str]] = field(default_factory=dict)  # page of a document not published -> (source, why)
    layout: urls.Layout = urls.FLAT  # where the pages are (a body's links are relative to its page)
    _nearest: dict[str, Nearest] = field(default_factory=dict)

    def nearest(self, table: str) -> Nearest:
        """Did-you-mean over `by_id` or `by_source`, prepared on the first broken link only."""
        if table not in self._nearest:
            self._nearest[table] = Nearest(getattr(self, table))
        return self._nearest[table]


def link_index(documents: list[DocumentRecord], terms: list[TermRecord], bodies: dict[str, Rendered],
               held: dict[str, str] | None = None, layout: urls.Layout = urls.FLAT) -> _Index:
    """Where every document and registry entry ends up, and the anchors in each body; `held`: document
    id -> why it is not published (a link to it is a warning, and becomes plain text)."""
    index = _Index({}, {}, {}, layout=layout)
    for r in documents:
        index.by_id.setdefault(r.id, layout.document(r.id))
        if held and r.id in held:
            index.held[layout.document(r.id)] = (r.path, held[r.id])
    for body in _bodies(documents, terms, layout):
        index.by_source.setdefault(posixpath.normpath(body.path), body.page)
        index.anchors[body.page] = anchors(bodies[body.path])
    return index


def anchors(rendered: Rendered) -> set[str]:
    """The ids in a body: `\bid="…"`, with the word boundary checked by hand. A pattern starting with
    `\b` (or a look-behind) cannot skip ahead to its literal: 0.64 s over 10,000 bodies, a third of
    the model stage, against 0.08."""
    html = rendered.html
    return {m.group(1) for m in _ID.finditer(html)
            if not m.start() or not (html[m.start() - 1].isalnum() or html[m.start() - 1] == "_")}


def _bodies(documents: list[DocumentRecord], terms: list[TermRecord], layout: urls.Layout = urls.FLAT) -> list[_Body]:
    return ([_Body(r.path, r.body, r.body_line, layout.document(r.id)) for r in documents] +
            [_Body(r.path, r.body, r.body_line, layout.term(r.taxonomy, r.id)) for r in terms])


def places_links(rendered: Rendered) -> bool:
    """Whether linking `rendered` may look for where in its source a link is written (`_Where`): it
    has a link that is not external (as `_resolve` tells one). A body without one needs its source no
    more once it is converted: the build lets it go then (`build._sources_dropped`)."""
    return _may_link(rendered) and not all(_external(html.unescape(m.group(3))) for m in _LINK.finditer(rendered.html))


def _may_link(rendered: Rendered) -> bool:
    """Whether a converted body may hold a link at all: most hold none, and skip the pattern."""
    return "href=" in rendered.html or "src=" in rendered.html


def _external(written: str) -> bool:
    return not written.startswith(DOC_SCHEME) and bool(_SCHEME.match(written) or written.startswith("//"))


def link_bodies(documents: list[DocumentRecord], terms: list[TermRecord], bodies: dict[str, Rendered],
                broken: str = ERROR, index: _Index | None = None
                ) -> tuple[dict[str, Rendered], list[LinkUse], list[Diagnostic]]:
    """Resolve every internal link in every body; return new bodies, links left to check, problems.
    A broken internal link has severity `broken` (config `links.broken`): an error by default, a warning
    for an archive migrated from elsewhere that must publish first and mend its links later. `index`
    is `link_index` of the whole site (given when linking only some bodies again)."""
    index = index or link_index(documents, terms, bodies)
    sources = _bodies(documents, terms, index.layout)
    out: dict[str, Rendered] = {}
    uses: list[LinkUse] = []
    problems: list[Diagnostic] = []
    for body in sources:
        rendered = bodies[body.path]
        if rendered.failure:
            problems.append(Diagnostic(body.path, body.line, 1, f"the text could not be converted: {rendered.failure}",
                                       "a bug in sitegen; please report it with this file"))
        if _may_link(rendered):
            markup = _link_one(body, rendered.html, index, uses, problems, broken)
            if UNPUBLISHED in markup:
                markup = _UNLINK.sub(r"<span>\1</span>", markup)
            if markup != rendered.html:  # else the body as it was: not a copy beside it, left as a hole in the heap
                rendered = replace(rendered, html=markup)
        out[body.path] = rendered
    return out, uses, problems


def link_page(path: str, text: str, page: str, rendered: Rendered, index: _Index, broken: str = ERROR
              ) -> tuple[Rendered, list[LinkUse], list[Diagnostic]]:
    """`link_bodies` for the text of a page that is neither a document nor a registry entry (an about
    page: `path` is its file, `page` the page it becomes); its anchors join `index`."""
    body, uses, problems = _Body(path, text, 1, page), [], []
    index.anchors[page] = anchors(rendered)
    if rendered.failure:
        problems.append(Diagnostic(path, 1, 1, f"the text could not be converted: {rendered.failure}",
                                   "a bug in sitegen; please report it with this file"))
    if _may_link(rendered):
        rendered = replace(rendered, html=_link_one(body, rendered.html, index, uses, problems, broken))
    return rendered, uses, problems


def check_targets(uses: list[LinkUse], known: set[str]) -> list[Diagnostic]:
    """Links written as built-page paths must point at a file the build writes."""
    problems = []
    nearest = None
    for use in uses:
        if use.target not in known:
            nearest = nearest or Nearest(known)
            near = nearest.closest(use.target)
            image = use.severity != "error"
            hint = (f"did you mean `{urls.relative(use.page, near)}`?" if near else
                    f"put the file in assets/ and write `{urls.relative(use.page, urls.asset('NAME'))}`" if image else
                    "no page of the site has that path")
            what = "image" if image else "link to a page"
            problems.append(Diagnostic(use.path, use.line, use.col, f"{what} that does not exist: {use.written}",
                                       hint, use.severity))
    return problems


def _link_one(body: _Body, markup: str, index: _Index, uses: list[LinkUse], problems: list[Diagnostic],
              broken: str) -> str:
    where = _Where(body)

    def visit(match: re.Match) -> str:
        written = html.unescape(match.group(3))
        severity = broken if match.group(2) == "a" else WARNING

        @functools.cache
        def at() -> Diagnostic:  # found in the text only when there is something to say or keep
            line, col = where.locate(written)
            return Diagnostic(body.path, line, col, "", severity=severity)

        new = _resolve(body, written, index, at, uses, problems)
        return match.group(1) + html.escape(new, quote=True) + match.group(4) if new is not None else match.group(0)

    return _LINK.sub(visit, markup)


def _resolve(body: _Body, written: str, index: _Index, at: Callable[[], Diagnostic], uses: list[LinkUse],
             problems: list[Diagnostic]) -> str | None:
    """The href to write instead of `written`, or None to keep it; problems are recorded at `at()`."""
    def problem(message: str, hint: str = "", severity: str = "") -> None:
        place = at()
        problems.append(replace(place, message=message, hint=hint, severity=severity or place.severity))

    if written.startswith("#"):
        _check_anchor(body.page, written[1:], index, written, problem)
        return None
    foreign = _foreign(written, index)
    if foreign:
        problem(*foreign)
        return None
    if written.startswith(DOC_SCHEME):
        doc_id, _, anchor = written[len(DOC_SCHEME):].partition("#")
        target = index.by_id.get(doc_id)
        if target is None:
            problem(f"link to an unknown document id `{doc_id}`", did_you_mean(doc_id, index.nearest('by_id')) or
                    "use the id of a document in content/documents/ (its file name without .md, or its slug)")
            return None
        return _to_page(body.page, target, anchor, index, written, problem)
    if _external(written):
        return None
    path, anchor = _split(written)
    if written.startswith("/"):
        problem(f"link starts with `/`, which breaks when the archive is opened from disk: {written}",
                f"write it relative to this page, like `{urls.relative(body.page, path.lstrip('/') or urls.HOME)}`")
        return None
    if path.endswith(".md"):
        wanted = posixpath.normpath(posixpath.join(posixpath.dirname(body.path), path))
        target = index.by_source.get(wanted)
        if target is None:
            near = index.nearest('by_source').closest(wanted)
            hint = (f"did you mean `{posixpath.relpath(near, posixpath.dirname(body.path) or '.')}`?"
                    if near else "link to a file in content/, relative to this file")
            problem(f"link to a file that is not in the archive: {written}", hint)
            return None
        return _to_page(body.page, target, anchor, index, written, problem)
    target = posixpath.normpath(posixpath.join(posixpath.dirname(body.page), path))
    if path.endswith("/") or target in (".", ".."):
        problem(f"link to a folder, which does not open from disk: {written}",
                f"link to the file, like `{path.rstrip('/') or '.'}/index.html`")
    elif target.startswith("../"):
        problem(f"link leads outside the site: {written}",
                "link to a page of the archive or to a full https:// address")
    elif target in index.held:
        return _to_page(body.page, target, anchor, index, written, problem)
    else:
        place = at()
        uses.append(LinkUse(place.path, place.line, place.col, written, target, body.page, place.severity))
        _check_anchor(target, anchor, index, written, problem)
    return None


def _to_page(page: str, target: str, anchor: str, index: _Index, written: str, problem) -> str:
    """The page-relative link from `page` to an internal target, its anchor checked; a link from a
    published page to one held back becomes its text alone (`UNPUBLISHED`), with a warning."""
    if target in index.held and page not in index.held:
        source, why = index.held[target]
        problem(f"link to {written} ({source}), which is not published ({why})",
                "the link shows as plain text until that document is published", WARNING)
        return UNPUBLISHED
    _check_anchor(target, anchor, index, written, problem)
    return urls.relative(page, target + (f"#{anchor}" if anchor else ""))


def _check_anchor(target: str, anchor: str, index: _Index, written: str, problem) -> None:
    """An anchor into a body must name a heading or footnote there (a warning: templates add ids too)."""
    ids = index.anchors.get(target)
    if anchor and ids is not None and anchor not in ids:
        hint = did_you_mean(anchor, ids) or "anchors are the headings' ids, as shown in the page's contents list"
        if anchor in TEMPLATE_IDS and f"section-{anchor}" in ids:
            hint = f"`{anchor}` is the page's own section; the heading in the text is `section-{anchor}`"
        problem(f"link to an anchor that is not in that text: {written}", hint, WARNING)


_FOREIGN = (
    ("Hugo", re.compile(r'^\{\{[<%]\s*(?:rel)?ref\s+"?([^"\s]+?)"?\s*[>%]\}\}$')),
    ("Jekyll", re.compile(r"^\{%\s*(?:link|post_url)\s+(\S+)\s*%\}$")),
)


def _foreign(written: str, index: _Index) -> tuple[str, str] | None:
    """A link in another generator's syntax (an archive migrated from Hugo or Jekyll): the message and
    the sitegen form to write instead (`doc:ID` when such a document exists, else the file's name)."""
    for generator, pattern in _FOREIGN:
        match = pattern.match(written)
        if match:
            name = posixpath.basename(match.group(1).rstrip("/"))
            stem = name[:-3] if name.endswith(".md") else name
            form = f"doc:{stem}" if stem in index.by_id else f"{stem}.md` or `doc:{stem}"
            return (f"link written in {generator}'s syntax, which sitegen does not read: {written}",
                    f"write `{form}` (the file's path relative to this one, or doc: and its id)")
    return None


def _split(written: str) -> tuple[str, str]:
    path, _, anchor = written.partition("#")
    return path.split("?")[0], anchor


class _Where:
    """File lines and columns of a body's links, asked for in the order Markdown wrote them (only those
    with a problem or a target to check later): each is searched for on from the previous one found, so a
    paragraph of 10,000 links is read once, not once per link.
    A link not found ahead (written before, or made by Markdown, as a footnote's `#fn:1` is) is looked
    up behind once per address and remembered; the line is found among the line starts, not by
    counting newlines from the top."""

    def __init__(self, body: _Body) -> None:
        self.body, self.cursor = body, 0
        self.starts = [0] + [m.end() for m in _NEWLINE.finditer(body.text)]
        self.behind: dict[str, int] = {}  # addresses not found ahead of the cursor -> first place, or -1

    def locate(self, written: str) -> tuple[int, int]:
        text = self.body.text
        at = self.behind.get(written)
        if at is None:
            at = text.find(written, self.cursor)
            if at >= 0:
                self.cursor = at + len(written)
            else:
                at = self.behind[written] = text.find(written, 0, self.cursor + len(written) - 1)
        if at < 0:
            return self.body.line, 1
        number = bisect_right(self.starts, at) - 1
        return self.body.line + number, at - self.starts[number] + 1
