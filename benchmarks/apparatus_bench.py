"""What the documentary apparatus costs a build: the same corpus built with and without it, in the same
run, interleaved, medians.

    python3 benchmarks/apparatus_bench.py --n 2000 [--runs 3]

"with" is a normal build with `base_url` set (per-document .bib/.ris/.json, data exports, Atom and JSON
feeds for the archive and every term, the sitemap); "without" is the same build with those outputs
switched off in-process (only the HTML pages, the search index and the assets). Both render in memory
(until="render"), cold (no cache), one process, so the ratio is the apparatus's own work. Prints the
wall time of each, the ratio, and the files and bytes the apparatus adds.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "bench"
sys.path.insert(0, str(ROOT))

from sitegen import build as build_module, feeds, outputs  # noqa: E402
from sitegen.config import load_config  # noqa: E402


def corpus(n: int, out: Path) -> Path:
    site = out / f"apparatus-{n}"
    subprocess.run([sys.executable, str(SHARED / "make_corpus.py"), "--n", str(n), "--seed", "42",
                    "--out", str(site / "content/documents")], check=True, stdout=subprocess.DEVNULL)
    (site / "sitegen.yaml").write_text(
        f"title: Benchmark\nbuild_date: '2026-01-01'\nbase_url: https://archive.example.org/\n"
        f"paths:\n  templates: {ROOT / 'templates'}\n  assets: {ROOT / 'assets'}\n"
        "taxonomies:\n  actors: {optional: true}\n  topics: {optional: true}\n", encoding="utf-8")
    return site


def run(site: Path, apparatus: bool) -> tuple[float, dict[str, bytes]]:
    config = load_config(site / "sitegen.yaml", environ={})
    saved = (outputs.OUTPUTS, feeds.planned_feeds, feeds.planned_sitemap, build_module.data_files)
    if not apparatus:
        outputs.OUTPUTS = [o for o in outputs.OUTPUTS if o.name == "page" or o.scope not in ("document", "feed")]
        feeds.planned_feeds = lambda site: []
        feeds.planned_sitemap = lambda site, planned: []
        build_module.data_files = lambda site: {}
    try:
        started = time.perf_counter()
        files = build_module.build(config, until="render", jobs=1).files
        return time.perf_counter() - started, files
    finally:
        outputs.OUTPUTS, feeds.planned_feeds, feeds.planned_sitemap, build_module.data_files = saved


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        site = corpus(args.n, Path(tmp))
        times: dict[bool, list[float]] = {True: [], False: []}
        files: dict[bool, dict[str, bytes]] = {}
        for _ in range(args.runs):
            for apparatus in (False, True):  # interleaved, so drift on a shared machine hits both
                seconds, files[apparatus] = run(site, apparatus)
                times[apparatus].append(seconds)
    without, with_ = statistics.median(times[False]), statistics.median(times[True])
    added = set(files[True]) - set(files[False])
    size = sum(len(files[True][p]) for p in added)
    print(f"{args.n} documents, median of {args.runs} cold in-memory builds (one process):")
    print(f"  without the apparatus: {without:.2f} s, {len(files[False])} files")
    print(f"  with the apparatus:    {with_:.2f} s, {len(files[True])} files "
          f"(+{len(added)} files, +{size / 1024 / 1024:.1f} MB)")
    print(f"  ratio with/without:    {with_ / without:.2f}")


if __name__ == "__main__":
    main()
