"""Strict YAML with positions, and splitting a Markdown file into front matter and body.

Owns turning bytes into plain data plus a map from each key or list item to its `line:col` in the
file, so later stages can report a bad value where it was written. PyYAML's defaults are unsafe for
contributors: it turns `2024-13-40` into a bare ValueError, keeps the last of duplicate keys and says
nothing. Here dates stay strings (sitegen parses them), duplicate keys are errors, and every YAML
error is mapped to the file's own line. Front matter is untrusted: control characters, tags other
than plain data (`!!binary`, `!!set`, `!custom`), alias bombs and deep nesting are errors found before
anything is built (see `limits`), and every scalar's text is kept so free-form data can be shown as
written. Must not know any field names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from sitegen.errors import Diagnostic
from sitegen.limits import DEFAULT, Limits, hint

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
    written: dict[Path_, str] = field(default_factory=dict)  # each scalar's text as written

    def as_written(self, path: Path_) -> Any:
        """The value at `path` with every scalar as the text the contributor wrote (YAML 1.1 would turn
        `NO` into False, `0755` into 493, `12:30` into 750 and `1.10` into 1.1)."""
        value = self.data
        for part in path:
            value = value[part]

        def walk(value: Any, at: Path_) -> Any:
            if isinstance(value, dict):
                return {k: walk(v, at + (k,)) for k, v in value.items()}
            if isinstance(value, list):
                return [walk(v, at + (i,)) for i, v in enumerate(value)]
            return self.written.get(at, value)
        return walk(value, path)

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


def load_yaml(text: str, path: str, first_line: int = 1,
              limits: Limits = DEFAULT) -> tuple[YamlData | None, list[Diagnostic]]:
    """Parse `text` (which starts at file line `first_line`) strictly; never raises for bad input.
    Characters, nesting and alias expansion are checked first, in one pass over the parser's events
    (which is iterative), so neither composing nor converting can recurse too deep or blow up."""
    problems = control_characters(text, path, first_line)
    if problems:
        return None, problems
    for kind in (_FastLoader, _StrictLoader):  # the pure loader again only for its error messages
        try:
            problems = _measure(kind(text), path, first_line, limits)
            if problems:
                return None, problems
            node = kind(text).get_single_node()
        except yaml.MarkedYAMLError as exc:
            if kind is _StrictLoader:
                return None, [_yaml_error(exc, path, first_line)]
        except yaml.YAMLError as exc:  # pragma: no cover - PyYAML marks nearly every error
            if kind is _StrictLoader:
                return None, [Diagnostic(path, first_line, 1, f"invalid YAML: {exc}")]
        else:
            return _converted(node, kind(""), path, first_line)
    raise AssertionError("unreachable")  # pragma: no cover


_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def control_characters(text: str, path: str, first_line: int = 1, what: str = "") -> list[Diagnostic]:
    """A control character (NUL, escape, ...) or a lone surrogate is an error where it is: it cannot be
    shown, may be cut by tools, and a surrogate cannot even be written as UTF-8."""
    out = []
    for match in _CONTROL.finditer(text):
        line = text.count("\n", 0, match.start())
        col = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
        out.append(Diagnostic(path, line + first_line, col, f"{what}{_char_name(match.group())} is not allowed here",
                              "remove it"))
        if len(out) == 10:
            break
    return out


def _char_name(char: str) -> str:
    code = ord(char)
    kind = "lone surrogate" if 0xD800 <= code <= 0xDFFF else "control character"
    return f"{kind} U+{code:04X}"


def _measure(loader, path: str, first_line: int, limits: Limits) -> list[Diagnostic]:
    """Depth, list lengths and the size once every alias is expanded, from the event stream alone.
    A "billion laughs" file is 1 KB of events but 10^9 values expanded: it stops here, at the alias
    that crosses the budget, before anything is built."""
    sizes: dict[str, int] = {}  # anchor -> values it stands for
    stack: list[list] = [[0, None, 0, None]]  # [values so far, anchor, items, start] per open collection
    total, aliases = 0, False

    def at(event, message: str, name: str = "", fix: str = "simplify it") -> list[Diagnostic]:
        mark = event.start_mark
        return [Diagnostic(path, mark.line + first_line, mark.column + 1, message,
                           hint(name, fix) if name else "remove the alias")]

    while True:
        event = loader.get_event()
        if isinstance(event, yaml.StreamEndEvent):
            return []
        if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            stack.append([1, event.anchor, 0, event])
            total += 1
            if len(stack) - 1 > limits.yaml_depth:
                return at(event, f"values nested more than {limits.yaml_depth} deep", "yaml_depth")
            continue
        if isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            count, anchor = stack.pop()[:2]
        elif isinstance(event, yaml.AliasEvent):
            if any(open_[1] == event.anchor for open_ in stack):
                return at(event, f"alias `*{event.anchor}` is inside the value it names, which never ends")
            count, anchor, aliases = sizes.get(event.anchor, 1), None, True
            total += count
        elif isinstance(event, yaml.ScalarEvent):
            count, anchor = 1, event.anchor
            total += 1
        else:
            continue
        if anchor:
            sizes[anchor] = count
        stack[-1][0] += count
        stack[-1][2] += 1
        if isinstance(stack[-1][3], yaml.SequenceStartEvent) and stack[-1][2] > limits.list_items:
            return at(stack[-1][3], f"a list of more than {limits.list_items} items", "list_items",
                      "split the document")
        if total > limits.yaml_nodes and aliases:
            return at(event, f"more than {limits.yaml_nodes} values once aliases (`*name`) are expanded",
                      "yaml_nodes", "write the values out instead of repeating aliases")
        if total > limits.yaml_nodes:
            return at(event, f"more than {limits.yaml_nodes} values in one front matter", "yaml_nodes",
                      "split the document")


def _converted(node, loader, path: str, first_line: int) -> tuple[YamlData, list[Diagnostic]]:
    out = YamlData(None)
    problems: list[Diagnostic] = []
    if node is not None:
        out.data = _convert(node, (), out.positions, problems, path, first_line, loader, out.written)
    return out, problems


FOREIGN_FRONT_MATTER = {"+++": "TOML", "{": "JSON"}  # the first line of front matter other generators read


def split_source(raw: bytes, path: str, limits: Limits = DEFAULT) -> tuple[Source | None, list[Diagnostic]]:
    """Split a document or registry file; accepts a UTF-8 BOM and CRLF line ends."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, [Diagnostic(path, line, 1, "file is not valid UTF-8", "save it as UTF-8")]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        foreign = FOREIGN_FRONT_MATTER.get(lines[0].strip()) if lines else None
        if foreign:
            return None, [Diagnostic(path, 1, 1,
                                     f"{foreign} front matter (Hugo): sitegen reads YAML between `---` lines",
                                     "convert it with `sitegen import hugo DIR`")]
        return None, [Diagnostic(path, 1, 1, "no front matter: the file must start with a line `---`",
                                 "put the fields between two `---` lines at the top")]
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)
    if end is None:
        return None, [Diagnostic(path, 1, 1, "front matter opened here is never closed",
                                 "add a line `---` after the last field")]
    meta, problems = load_yaml("\n".join(lines[1:end]) + "\n", path, first_line=2, limits=limits)
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


_CORE = "tag:yaml.org,2002:"
PLAIN_TAGS = {_CORE + t for t in ("str", "int", "float", "bool", "null")}


def _convert(node, at: Path_, positions, problems, path, first_line, loader, written) -> Any:
    """Plain data from a node: text, numbers, booleans, None, lists and mappings with text keys. Any
    other tag (`!!binary`, `!!set`, `!custom`) is an error, never a Python object in a page."""
    positions[at] = (node.start_mark.line + first_line, node.start_mark.column + 1)

    def problem(message: str, hint_: str, where: tuple[int, int] | None = None) -> None:
        problems.append(Diagnostic(path, *(where or positions[at]), message, hint_))

    expected = {yaml.MappingNode: _CORE + "map", yaml.SequenceNode: _CORE + "seq"}.get(type(node))
    if node.tag != expected and (expected or node.tag not in PLAIN_TAGS):
        problem(f"the YAML tag `{_short_tag(node.tag)}` is not allowed", "remove it and write the value as text")
        return None
    if isinstance(node, yaml.MappingNode):
        result: dict = {}
        for key_node, value_node in node.value:
            line, col = key_node.start_mark.line + first_line, key_node.start_mark.column + 1
            if key_node.tag == _CORE + "merge":
                problem("merge keys (`<<: *name`) are not supported", "write the fields out", (line, col))
                continue
            key = _scalar(key_node, loader, problem, (line, col)) if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key, str):
                problem(f"keys must be text, not {key!r}", "quote it", (line, col))
                continue
            if key in result:
                first = positions[at + (key,)]
                problem(f"duplicate key `{key}` (first set at line {first[0]})", "keep one of them", (line, col))
                continue
            result[key] = _convert(value_node, at + (key,), positions, problems, path, first_line, loader, written)
            positions[at + (key,)] = (line, col)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_convert(item, at + (i,), positions, problems, path, first_line, loader, written)
                for i, item in enumerate(node.value)]
    written[at] = node.value
    return _scalar(node, loader, problem, positions[at])


def _scalar(node, loader, problem, where: tuple[int, int]) -> Any:
    """The value of a scalar; on a problem, the text as written stands in for it (with any control
    character replaced), so later checks do not add a second, misleading error about the same value."""
    try:
        value = loader.construct_object(node, deep=True)
    except (yaml.YAMLError, ValueError, OverflowError) as exc:
        reason = exc.problem if isinstance(exc, yaml.MarkedYAMLError) else "a number too long to read"
        problem(f"invalid value: {reason}", "quote it to keep it as text", where)
        return node.value
    if isinstance(value, str) and _CONTROL.search(value):
        problem(f"{_char_name(_CONTROL.search(value).group())} is not allowed here", "remove the escape", where)
        return _CONTROL.sub("\ufffd", value)
    return value


def _short_tag(tag: str) -> str:
    return "!!" + tag[len(_CORE):] if tag.startswith(_CORE) else tag
