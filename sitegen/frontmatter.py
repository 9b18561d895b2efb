"""Strict YAML with positions, and splitting a Markdown file into front matter and body.

Owns turning bytes into plain data plus a map from each key or list item to its `line:col` in the
file, so later stages can report a bad value where it was written. PyYAML's defaults are unsafe for
contributors: it turns `2024-13-40` into a bare ValueError, keeps the last of duplicate keys and says
nothing. Here dates stay strings (sitegen parses them), duplicate keys are errors, and every YAML
error is mapped to the file's own line. Must not know any field names.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from sitegen.errors import Diagnostic

Path_ = tuple  # a path into the data: ("actors", 2) is the third item under `actors`


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader without the implicit timestamp type: dates are archival text, parsed by sitegen."""


_StrictLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class _FastLoader(getattr(yaml, "CSafeLoader", _StrictLoader)):  # type: ignore[misc]
    """The same rules over libyaml, about 18 times faster on front matter, with identical nodes and
    marks; used first, while a file that fails is parsed again by `_StrictLoader` for its messages."""


_FastLoader.yaml_implicit_resolvers = _StrictLoader.yaml_implicit_resolvers


@dataclass
class YamlData:
    """Plain data, and where each part of it was written (1-based line and column in the file)."""

    data: Any
    positions: dict[Path_, tuple[int, int]] = field(default_factory=dict)

    def where(self, path: Path_) -> tuple[int, int]:
        """Position of `path`, or of its nearest located parent."""
        while path not in self.positions and path:
            path = path[:-1]
        return self.positions.get(path, (1, 1))


@dataclass
class Source:
    """A Markdown file split in two: front matter (with positions) and the body after it."""

    meta: YamlData
    body: str
    body_line: int  # file line on which the body starts


def load_yaml(text: str, path: str, first_line: int = 1) -> tuple[YamlData | None, list[Diagnostic]]:
    """Parse `text` (which starts at file line `first_line`) strictly; never raises for bad input."""
    try:
        loader = _FastLoader(text)
        node = loader.get_single_node()
    except yaml.YAMLError:
        loader = _StrictLoader(text)
    else:
        loader.dispose()
        return _converted(node, loader, path, first_line)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        return None, [_yaml_error(exc, path, first_line)]
    except yaml.YAMLError as exc:  # pragma: no cover - PyYAML marks nearly every error
        return None, [Diagnostic(path, first_line, 1, f"invalid YAML: {exc}")]
    finally:
        loader.dispose()
    return _converted(node, loader, path, first_line)


def _converted(node, loader, path: str, first_line: int) -> tuple[YamlData, list[Diagnostic]]:
    out = YamlData(None)
    problems: list[Diagnostic] = []
    if node is not None:
        out.data = _convert(node, (), out.positions, problems, path, first_line, loader)
    return out, problems


def split_source(raw: bytes, path: str) -> tuple[Source | None, list[Diagnostic]]:
    """Split a document or registry file; accepts a UTF-8 BOM and CRLF line ends."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, [Diagnostic(path, line, 1, "file is not valid UTF-8", "save it as UTF-8")]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        return None, [Diagnostic(path, 1, 1, "no front matter: the file must start with a line `---`",
                                 "put the fields between two `---` lines at the top")]
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)
    if end is None:
        return None, [Diagnostic(path, 1, 1, "front matter opened here is never closed",
                                 "add a line `---` after the last field")]
    meta, problems = load_yaml("\n".join(lines[1:end]) + "\n", path, first_line=2)
    if meta is None:
        return None, problems
    if meta.data is None:
        meta.data = {}
    if not isinstance(meta.data, dict):
        problems.append(Diagnostic(path, 2, 1, "front matter must be a mapping of `field: value` lines"))
        return None, problems
    return Source(meta, "\n".join(lines[end + 1:]), end + 2), problems


def _yaml_error(exc: yaml.MarkedYAMLError, path: str, first_line: int) -> Diagnostic:
    mark = exc.problem_mark or exc.context_mark
    if exc.context_mark and ("flow" in (exc.context or "") or "quoted" in (exc.context or "")):
        mark = exc.context_mark  # an unclosed bracket or quote: point at where it opened
    line = (mark.line if mark else 0) + first_line
    col = (mark.column if mark else 0) + 1
    message = " ".join(p for p in (exc.context, exc.problem) if p)
    hint = "quote values that contain `: ` or start with a special character"
    if "\t" in message or "'\\t'" in message:
        message, hint = "a tab character is not allowed in YAML indentation", "indent with spaces"
    return Diagnostic(path, line, col, f"YAML syntax error: {message}", hint)


def _convert(node, at: Path_, positions, problems, path, first_line, loader) -> Any:
    positions[at] = (node.start_mark.line + first_line, node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        result: dict = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True) if isinstance(key_node, yaml.ScalarNode) else None
            line, col = key_node.start_mark.line + first_line, key_node.start_mark.column + 1
            if not isinstance(key, str):
                problems.append(Diagnostic(path, line, col, f"keys must be text, not {key!r}", "quote it"))
                continue
            if key in result:
                first = positions[at + (key,)]
                problems.append(Diagnostic(path, line, col, f"duplicate key `{key}` (first set at line {first[0]})",
                                           "keep one of them"))
                continue
            result[key] = _convert(value_node, at + (key,), positions, problems, path, first_line, loader)
            positions[at + (key,)] = (line, col)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_convert(item, at + (i,), positions, problems, path, first_line, loader)
                for i, item in enumerate(node.value)]
    try:
        return loader.construct_object(node, deep=True)
    except yaml.YAMLError as exc:
        line, col = positions[at]
        problems.append(Diagnostic(path, line, col, f"invalid value: {exc}", "quote it"))
        return None
