"""Reading a WordPress export's XML (WXR) safely, keeping where each element starts.

Owns parsing only: defusedxml with every DTD refused (a WordPress export has none, and a DTD is how an
export would expand entities a billion times or pull in /etc/passwd or a URL), WordPress's namespaces
named by their usual prefixes, and errors at the line and column where reading stopped. What the
elements mean is `import_wordpress`'s.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax import SAXParseException
from xml.sax.handler import ContentHandler, feature_namespaces

import defusedxml.sax
from defusedxml import DefusedXmlException

from sitegen.errors import Diagnostic, shown_path

NAMESPACES = [  # prefix, namespace URI: WordPress has used http and https, and versions 1.0 to 1.2
    ("excerpt", re.compile(r"^https?://wordpress\.org/export/1\.\d+/excerpt/$")),
    ("wp", re.compile(r"^https?://wordpress\.org/export/1\.\d+/$")),
    ("content", re.compile(r"^http://purl\.org/rss/1\.0/modules/content/$")),
    ("dc", re.compile(r"^http://purl\.org/dc/elements/1\.1/$")),
]


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
        return None, [Diagnostic(shown, *builder.where(), "the export declares a DTD (<!DOCTYPE ...>), where entities "
                                 "can expand a billion times or read other files and addresses: refused, nothing it "
                                 "names was read", "a WordPress export has no <!DOCTYPE>; "
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
