"""Search benchmark: index build time, index size, and time to first result in Chromium from file://,
for sitegen's sharded compact index against a baseline measured in the same run: the standard lunr.py
index (default English pipeline, full bodies) loaded in the same browser as one JSON script.

    python3 benchmarks/search_bench.py --n 10000        # the issue's target corpus (several minutes)
    python3 benchmarks/search_bench.py --n 1000         # quicker

Needs Debian's chromium and playwright (see README). Writes into benchmarks/out/ (git-ignored).
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sitegen.build import build  # noqa: E402
from sitegen.config import load_config  # noqa: E402
from tests.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

QUERIES = ["minister", "security council", "economic development", "war", "conference statement"]


def make_site(n: int, out: Path) -> Path:
    site = out / f"site-{n}"
    docs = site / "content/documents"
    if not docs.is_dir():
        subprocess.run([sys.executable, str(ROOT.parent / "shared/bench/make_corpus.py"), "--n", str(n),
                        "--out", str(docs), "--seed", "42"], check=True, stdout=subprocess.DEVNULL)
    (site / "sitegen.yaml").write_text(
        f"title: Benchmark\npaths:\n  templates: {ROOT / 'templates'}\n  assets: {ROOT / 'assets'}\n"
        "taxonomies:\n  actors: {optional: true}\n  topics: {optional: true}\n", encoding="utf-8")
    return site


def build_ours(site_dir: Path, out: Path) -> dict:
    """Build the whole site with sitegen; the search stage is timed by the build itself."""
    config = load_config(site_dir / "sitegen.yaml", environ={})
    result = build(config, out=out, jobs=2)
    stats = result.search
    return {"seconds": result.timings["search"], "raw": stats.raw_bytes, "gzip": stats.gzip_bytes,
            "shards": stats.shards, "site": result.site}


def build_baseline(site, out: Path) -> dict:
    """The standard lunr.py index, as a classic script, with a page that searches it."""
    from lunr import lunr
    rows = [{"id": d.id, "title": d.title, "summary": d.summary, "body": d.body.text} for d in site.documents.values()]
    start = time.perf_counter()
    index = lunr(ref="id", fields=[{"field_name": "title", "boost": 10}, {"field_name": "summary", "boost": 3}, "body"],
                 documents=rows)
    data = json.dumps(index.serialize(), separators=(",", ":")).encode()
    seconds = time.perf_counter() - start
    out.mkdir(parents=True, exist_ok=True)
    (out / "index.js").write_bytes(b"window.BASELINE = " + data + b";")
    (out / "lunr.js").write_bytes((ROOT / "assets/lunr.js").read_bytes())
    (out / "page.html").write_text(
        "<!DOCTYPE html><meta charset=utf-8><body><ol id=r></ol><script src=lunr.js></script><script src=index.js></script>"
        "<script>var idx = lunr.Index.load(window.BASELINE); var q = new URLSearchParams(location.search).get('q');"
        "idx.search(q).slice(0, 20).forEach(function (h) { var li = document.createElement('li'); li.textContent = h.ref;"
        " document.getElementById('r').appendChild(li); }); performance.mark('sitegen:first-results');"
        " performance.mark('sitegen:complete');</script>")
    return {"seconds": seconds, "raw": len(data), "gzip": len(gzip.compress(data, mtime=0))}


def first_result_times(url_for, runs: int) -> tuple[float, float]:
    """Median seconds from navigation start to the first result, and to the complete result list."""
    from playwright.sync_api import sync_playwright
    firsts, completes = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for _ in range(runs):
            for query in QUERIES:
                page = browser.new_page()
                page.goto(url_for(query), wait_until="commit")
                page.wait_for_function("performance.getEntriesByName('sitegen:complete').length > 0", timeout=120_000)
                marks = page.evaluate("['sitegen:first-results', 'sitegen:complete']"
                                      ".map(n => performance.getEntriesByName(n)[0].startTime)")
                firsts.append(marks[0] / 1000)  # from navigation start, measured inside the page
                completes.append(marks[1] / 1000)
                page.close()
        browser.close()
    return statistics.median(firsts), statistics.median(completes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    out = ROOT / "benchmarks/out"
    site_dir = make_site(args.n, out)
    ours = build_ours(site_dir, out / f"build-{args.n}")
    base = build_baseline(ours["site"], out / f"baseline-{args.n}")
    ours_first, ours_all = first_result_times(
        lambda q: (out / f"build-{args.n}/search.html").as_uri() + "?q=" + quote(q), args.runs)
    base_first, base_all = first_result_times(
        lambda q: (out / f"baseline-{args.n}/page.html").as_uri() + "?q=" + quote(q), args.runs)
    mb = 1024 * 1024
    print(f"{args.n} documents, full-text bodies, {args.runs} runs x {len(QUERIES)} queries, medians; "
          f"sitegen: {ours['shards']} shards")
    print(f"{'':28}{'baseline lunr.py':>18}{'sitegen':>12}{'ratio':>8}")
    rows = [("index build (s)", base["seconds"], ours["seconds"]),
            ("index size raw (MB)", base["raw"] / mb, ours["raw"] / mb),
            ("index size gzip (MB)", base["gzip"] / mb, ours["gzip"] / mb),
            ("first result, file:// (s)", base_first, ours_first),
            ("all results, file:// (s)", base_all, ours_all)]
    for name, b, o in rows:
        print(f"{name:28}{b:18.2f}{o:12.2f}{o / b:8.2f}")
    verdict = "met" if ours_first <= 0.5 else "NOT met"
    print(f"goal, first result <= 0.5 s (set for 10,000 documents): {verdict} at {args.n} documents")


if __name__ == "__main__":
    main()
