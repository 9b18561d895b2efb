"""`urls.relative` computes links without `posixpath.relpath` (which asks the OS for the working
folder on every call): it must give the same link for every pair of paths, plain or not."""

from __future__ import annotations

import posixpath
import random

from sitegen import urls

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
