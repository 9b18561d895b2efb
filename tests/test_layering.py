"""Modules depend one way: each imports only modules listed before it, and only the CLI prints."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ORDER = ["errors", "limits", "workers", "running", "cache", "sources", "theme", "frontmatter", "config", "dates",
         "schema", "schedule", "markup", "model", "urls", "attachments", "originals", "links", "ui", "l10n",
         "chrome", "cite", "exports", "outputs", "feeds", "pages", "lunrcompat", "arabic", "analysis", "formats",
         "render", "trust", "searchcodes", "searchindex", "searchdata", "searchvocab", "search", "inputs", "output",
         "session", "incremental", "refields", "retemplate", "build", "pack", "scaffold", "importdata",
         "importnames", "importfiles", "importing", "csvtext", "csvdates", "import_csv", "import_markup",
         "import_site", "import_hugo", "import_jekyll", "wxr", "wphtml", "import_wordpress", "serve", "cli"]
PACKAGE = Path(__file__).resolve().parent.parent / "sitegen"


def sitegen_imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("sitegen"):
            names |= {node.module.split(".")[1]} if "." in node.module else {a.name for a in node.names}
        elif isinstance(node, ast.Import):
            names |= {a.name.split(".")[1] for a in node.names if a.name.startswith("sitegen.")}
    return names


def test_the_package_docstring_gives_the_modules_in_this_order():
    import sitegen
    named = re.findall(r"\b([a-z_]+)\b(?= →| \(the whole)", sitegen.__doc__.replace("\n", " "))
    assert len(named) > 10 and all(name in ORDER for name in named), named
    assert [ORDER.index(name) for name in named] == sorted(ORDER.index(name) for name in named), named


def test_every_module_has_a_place_in_the_order():
    modules = {p.stem for p in PACKAGE.glob("*.py")} - {"__init__", "__main__"}
    assert modules <= set(ORDER), modules - set(ORDER)


def test_imports_point_one_way():
    for path in PACKAGE.glob("*.py"):
        if path.stem in ("__init__", "__main__"):
            continue
        rank = ORDER.index(path.stem)
        for name in sitegen_imports(path) - {"__version__"}:
            assert ORDER.index(name) < rank, f"{path.stem} imports {name}, which comes after it"


def test_only_the_cli_prints():
    for path in PACKAGE.glob("*.py"):
        if path.stem in ("cli", "serve"):
            continue
        calls = [n for n in ast.walk(ast.parse(path.read_text())) if isinstance(n, ast.Call)
                 and getattr(n.func, "id", None) == "print"]
        assert not calls, f"{path.stem} prints"
