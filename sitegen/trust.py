"""Where templates let content run script: the one hole autoescaping leaves, reported by `check`.

Content reaches pages only as values, autoescaped. A template can undo that for a value: `|safe`,
a call to `Markup(...)`, or `{% autoescape false %}`. Bodies are already sanitised markup and need
none of these; on any other field (a title, a name, anything under `extra`) they let a pull request
put `<script>` in a page. Each use is a warning at its template line (an error under `--strict`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import jinja2
from jinja2 import nodes

from sitegen import theme
from sitegen.errors import WARNING, Diagnostic, shown_path


def audit_templates(folders: "Path | Sequence[Path]") -> list[Diagnostic]:
    """A warning for every place a template the build would use (each name as the layers resolve it:
    the project's over the theme's) turns off escaping; templates that do not parse are left to the
    build, which reports them."""
    env = jinja2.Environment(autoescape=True)
    found = []
    for path in [p for name, p in theme.files(folders).items() if name.endswith(".html")]:
        try:
            tree = env.parse(path.read_text(encoding="utf-8"))
        except (jinja2.TemplateSyntaxError, UnicodeDecodeError, OSError):
            continue
        found += [Diagnostic(shown_path(path), line, 1, message, HINT, WARNING) for line, message in _unescaped(tree)]
    return found


HINT = "content could run script in the page; leave values escaped (bodies are already sanitised markup)"


def _unescaped(tree: nodes.Template) -> list[tuple[int, str]]:
    out = []
    for node in tree.find_all(nodes.Filter):
        if node.name == "safe":
            out.append((node.lineno, f"`{_source(node.node)} | safe` turns off escaping"))
    for node in tree.find_all(nodes.Call):
        if isinstance(node.node, nodes.Name) and node.node.name == "Markup":
            out.append((node.lineno, f"`Markup({', '.join(_source(a) for a in node.args)})` turns off escaping"))
    for node in tree.find_all(nodes.ScopedEvalContextModifier):
        if any(k.key == "autoescape" and isinstance(k.value, nodes.Const) and not k.value.value for k in node.options):
            out.append((node.lineno, "`{% autoescape false %}` turns off escaping"))
    return out


def _source(node: nodes.Node | None) -> str:
    """A short spelling of an expression, for the message (`doc.title`, `doc['title']`)."""
    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Getattr):
        return f"{_source(node.node)}.{node.attr}"
    if isinstance(node, nodes.Getitem):
        return f"{_source(node.node)}[{_source(node.arg)}]"
    if isinstance(node, nodes.Const):
        return repr(node.value)
    return "…"
