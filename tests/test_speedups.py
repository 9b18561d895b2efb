"""Shortcuts taken for speed give what the slow way gives: `urls.relative` without `posixpath.relpath`
(which asks the OS for the working folder on every call), for every pair of paths, plain or not; and
sitegen's Jinja environment (its own escaping and dict lookups) the output of a stock one."""

from __future__ import annotations

import os
import posixpath
import random

import jinja2
from markupsafe import Markup

from sitegen import urls
from sitegen.render import make_environment

NAMES = ["a", "b", "documents", "actors", "x.html", "index.html", "ar", ".", "..", "", "a.b", "page-2.html"]


def test_relative_links_are_relpaths():
    rng = random.Random(3)
    checked = 0
    for _ in range(20000):
        target = "/".join(rng.choice(NAMES) for _ in range(rng.randint(1, 4)))
        page = "/".join(rng.choice(NAMES) for _ in range(rng.randint(1, 4)))
        folder = posixpath.dirname(page)
        try:
            want = posixpath.relpath(target, folder or ".")
        except ValueError:
            continue
        anchor = rng.choice(["", "#top"])
        assert urls.relative(page, target + anchor) == want + anchor, (page, target)
        checked += 1
    assert checked > 15000
    assert urls.relative("ar/actors/x.html", "ar/documents/d.html") == "../documents/d.html"
    assert urls.relative("index.html", "#main") == "#main"


def test_templates_write_what_stock_jinja_writes(tmp_path):
    source = ("{{ s }}|{{ n }}|{{ m }}|{{ d.k }}|{{ d.x is defined }}|{{ l }}|{% for x in l %}{{ x }}{% endfor %}"
              "|{% set b %}<{{ s }}>{% endset %}{{ b }}|{{ s ~ m }}|{{ m | e }}|{{ t }}")
    (tmp_path / "t.html").write_text(source, encoding="utf-8")
    values = {"s": "a<b>&\"'c", "n": 3, "m": Markup("<i>x</i>"), "d": {"k": "<k>"}, "l": ["<", 1, None],
              "t": ("x<", "y")}
    stock = jinja2.Environment(loader=jinja2.FileSystemLoader(str(tmp_path)), autoescape=True,
                               undefined=jinja2.StrictUndefined, keep_trailing_newline=True, trim_blocks=True,
                               lstrip_blocks=True)
    ours = make_environment(tmp_path).get_template("t.html").render(values)
    assert ours == stock.get_template("t.html").render(values)
    assert "a&lt;b&gt;&amp;&#34;&#39;c" in ours and "<i>x</i>" in ours


def test_the_command_line_never_loads_pygments_and_converts_code_as_with_it(make_site):
    """`python -m sitegen` keeps Python-Markdown from importing Pygments (its code-highlighting
    extension would, 45 ms a run, for highlighting sitegen never turns on): the same page as a build
    in this process, where Pygments can be imported."""
    import importlib.util
    import subprocess
    import sys

    from sitegen.build import build
    from sitegen.config import load_config
    from tests.conftest import ROOT
    assert importlib.util.find_spec("pygments") is not None  # pytest brings it
    body = "Some code:\n\n```python\nprint('<b>&amp;</b>')\n```\n\n    indented = True\n"
    root = make_site({"content/documents/code.md": "---\ntitle: Code\ndate: 2020-01-01\nsource: Wire\nlanguage: en\n"
                                                   "summary: Code.\n---\n" + body})
    ran = subprocess.run([sys.executable, "-X", "importtime", "-m", "sitegen", "build", "--no-cache", "--out", "cli"],
                         cwd=root, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert ran.returncode == 0, ran.stderr
    assert "markdown.extensions.codehilite" in ran.stderr and "pygments." not in ran.stderr  # (its lexers: 42 ms)
    files = build(load_config(root / "sitegen.yaml"), until="render").files
    assert (root / "cli/documents/code.html").read_bytes() == files["documents/code.html"]
    assert b"<pre><code>print(" in files["documents/code.html"]
