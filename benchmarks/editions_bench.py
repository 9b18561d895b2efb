"""What a second language edition costs: cold builds of one corpus with `languages: [en]` and with
`languages: [en, ar]`, interleaved, in the same run; whole-process wall time (median of --runs), pages
written and output bytes, and the ratio of the two.

    python3 benchmarks/editions_bench.py --n 2000 --runs 3

Every edition adds the site's own pages (home, indexes, chronology, sources, search and one page per
actor and topic) in its language; documents are written once. Writes under benchmarks/out/
(git-ignored).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared/bench"
CONFIG = ("title: Benchmark\nbuild_date: '2026-01-01'\nlanguages: {languages}\npaths:\n  templates: {templates}\n"
          "  assets: {assets}\ntaxonomies:\n  actors: {{optional: true}}\n  topics: {{optional: true}}\n")


def corpus(n: int, out: Path) -> Path:
    site = out / f"editions-{n}"
    if not (site / "content/documents").is_dir():
        subprocess.run([sys.executable, str(SHARED / "make_corpus.py"), "--n", str(n), "--seed", "42",
                        "--out", str(site / "content/documents")], check=True, stdout=subprocess.DEVNULL)
    return site


def build(site: Path, languages: str) -> tuple[float, int, int]:
    """One cold build (no cache) with `languages`; seconds, pages, output bytes."""
    (site / "sitegen.yaml").write_text(CONFIG.format(languages=languages, templates=ROOT / "templates",
                                                     assets=ROOT / "assets"), encoding="utf-8")
    shutil.rmtree(site / "build", ignore_errors=True)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "sitegen", "build", "--no-cache"], cwd=site, check=True,
                   stdout=subprocess.DEVNULL)
    seconds = time.perf_counter() - start
    files = [p for p in (site / "build").rglob("*") if p.is_file()]
    return seconds, sum(p.suffix == ".html" for p in files), sum(p.stat().st_size for p in files)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    site = corpus(args.n, ROOT / "benchmarks/out")
    figures: dict[str, list[tuple[float, int, int]]] = {"[en]": [], "[en, ar]": []}
    for _ in range(args.runs):
        for languages in figures:  # interleaved, so a busy moment of the machine hits both
            figures[languages].append(build(site, languages))
    print(f"{args.n} documents, {args.runs} cold builds each, median wall time")
    rows = {}
    for languages, runs in figures.items():
        seconds = statistics.median(r[0] for r in runs)
        rows[languages] = seconds
        print(f"  languages: {languages:9} {seconds:7.2f} s  {runs[0][1]:6} pages  {runs[0][2] / 1e6:7.1f} MB")
    print(f"  ratio two editions / one: {rows['[en, ar]'] / rows['[en]']:.2f}x")


if __name__ == "__main__":
    main()
