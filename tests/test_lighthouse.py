"""Lighthouse (npm `lighthouse`, pinned in package.json) in its default mobile preset, against Debian's
Chromium, on the sample archive's pages a reader lands on, in both editions: accessibility, best
practices and SEO 100, performance at least 95. The site is served over HTTP from a thread (Lighthouse
audits pages as a browser fetches them from a server). One Lighthouse process per page, about 15 s
each. Without node or the tool these tests skip on a laptop and fail under CI=true."""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import quote

import pytest

from tests.conftest import CHROMIUM, ROOT
from tests.test_a11y import tool

pytestmark = pytest.mark.browser

LIGHTHOUSE = ROOT / "node_modules" / "lighthouse" / "cli" / "index.js"
PAGES = ["index.html", "ar/index.html",
         "documents/2021-12-23-xinhua-china-calls-for-joint-efforts.html",
         "documents/2021-10-08-wang-yi-gctf-international-cooperation-ar.html",
         "actors/wang-yi.html", "ar/topics/counter-terrorism-cooperation.html",
         "search.html?q=china", "ar/search.html?q=" + quote("الصين")]
TARGETS = {"accessibility": 1.0, "best-practices": 1.0, "seo": 1.0, "performance": 0.95}


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # noqa: D401 - the test's output is the scores
        pass


@pytest.fixture(scope="module")
def served(sample_build):
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(sample_build)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def lighthouse(url: str, tmp_path) -> dict:
    node = shutil.which("node")
    if node is None:
        if os.environ.get("CI"):
            pytest.fail("node is missing")
        pytest.skip("node is missing")
    report = tmp_path / "report.json"
    subprocess.run([node, str(tool(LIGHTHOUSE)), url, "--quiet", "--output=json", f"--output-path={report}",
                    "--only-categories=" + ",".join(TARGETS),
                    "--chrome-flags=--headless --no-sandbox --disable-gpu --no-first-run"],
                   check=True, timeout=180, env=dict(os.environ, CHROME_PATH=CHROMIUM))
    return json.loads(report.read_text(encoding="utf-8"))


def shortfalls(result: dict) -> list[str]:
    """What keeps a category below its target: each audit of that category that did not pass."""
    out = []
    for name, target in TARGETS.items():
        category = result["categories"][name]
        if category["score"] is None or category["score"] < target:
            failing = [f"{ref['id']} {result['audits'][ref['id']]['score']}" for ref in category["auditRefs"]
                       if ref.get("weight") and (result["audits"][ref["id"]]["score"] or 0) < 1]
            out.append(f"{name} {category['score']}: {', '.join(failing)}")
    return out


@pytest.mark.parametrize("page", PAGES)
def test_lighthouse_mobile_scores(served, page, tmp_path):
    result = lighthouse(served + page, tmp_path)
    assert result["finalDisplayedUrl"].startswith(served)  # the page itself, not an error page
    assert not result.get("runtimeError"), result["runtimeError"]
    if [s for s in shortfalls(result) if s.startswith("performance ")] == shortfalls(result) != []:
        # performance alone is timed, and a busy machine (another process's burst) costs blocking time
        # the page does not have: measured once more, the page must meet every target then
        result = lighthouse(served + page, tmp_path)
    assert shortfalls(result) == []
