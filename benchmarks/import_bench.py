"""What `sitegen import` costs: synthetic spreadsheets of 1,000 and 10,000 rows (English and Arabic
titles, a body, three actors and two topics a row from pools partly in the registry already, an
unknown column), or with `--format hugo` Hugo sites of as many pages (the shared benchmark corpus,
`../shared/bench/make_corpus.py --format hugo`: ~600-word bodies, actors and topics as names), each
imported by the command line into a fresh archive, then imported again (which writes nothing);
whole-process wall time (median of --runs) and the 10,000/1,000 ratio.

    python3 benchmarks/import_bench.py --runs 3
    python3 benchmarks/import_bench.py --runs 3 --format hugo

Goal: 10,000 rows in at most 10 s, and linear (a ratio near 10). Writes under benchmarks/out/
(git-ignored).
"""

from __future__ import annotations

import argparse
import csv
import random
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ("title: Benchmark\nbuild_date: '2026-01-01'\nlanguages: [en, ar]\npaths:\n  templates: {templates}\n"
          "  assets: {assets}\n")
WORDS = ("ministry statement cooperation security forum council meeting talks border trade energy water "
         "summit envoy report press briefing region agreement").split()
ARABIC = "وزارة بيان تعاون أمن منتدى مجلس اجتماع محادثات حدود تجارة طاقة مياه قمة مبعوث تقرير".split()


def spreadsheet(n: int, path: Path) -> None:
    """`n` rows; 500 actors and 60 topics in the pools, the first 20 and 5 already in the registry."""
    rng = random.Random(42)
    actors = [f"Actor {i} {rng.choice(WORDS).title()}" for i in range(500)]
    topics = [f"Topic {i} {rng.choice(WORDS)}" for i in range(60)]
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["id", "title", "title_ar", "date", "source", "language", "actors", "topics", "summary", "body",
                      "desk"])
        for i in range(n):
            words = " ".join(rng.choice(WORDS) for _ in range(6))
            out.writerow([f"r{i}", words.capitalize(),
                          " ".join(rng.choice(ARABIC) for _ in range(5)) if i % 4 == 0 else "",
                          f"{rng.randint(2000, 2024)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                          rng.choice(["Xinhua", "TASS", "Reuters", "Al Jazeera"]), "en",
                          "; ".join(rng.sample(actors, 3)), "; ".join(rng.sample(topics, 2)), words + ".",
                          "\n\n".join(" ".join(rng.choice(WORDS) for _ in range(60)) for _ in range(3)),
                          rng.choice("ABC")])


def hugo_site(n: int, path: Path) -> None:
    """The shared benchmark corpus of `n` documents as a Hugo site (its config and content/)."""
    shutil.copytree(ROOT.parent / "shared/bench/hugo-site", path)
    subprocess.run([sys.executable, str(ROOT.parent / "shared/bench/make_corpus.py"), "--n", str(n), "--seed", "42",
                    "--format", "hugo", "--out", str(path)], check=True, stdout=subprocess.DEVNULL)


SOURCES = {"csv": ("rows.csv", spreadsheet), "hugo": ("hugo-site", hugo_site)}  # format -> (source, maker)


def archive(n: int, out: Path, fmt: str = "csv") -> Path:
    """A fresh archive with a small registry, and its source beside it."""
    site = out / f"import-{fmt}-{n}"
    shutil.rmtree(site, ignore_errors=True)
    for folder in ("documents", "actors", "topics"):
        (site / "content" / folder).mkdir(parents=True)
    rng = random.Random(42)
    for i in range(20):
        (site / f"content/actors/actor-{i}.md").write_text(f"---\nname: Actor {i} {rng.choice(WORDS).title()}\n"
                                                           "---\nAn actor.\n")
    for i in range(5):
        (site / f"content/topics/topic-{i}.md").write_text(f"---\nname: Topic {i} x\naliases: [Topic {i} {WORDS[i]}]\n"
                                                           "---\nA topic.\n")
    (site / "sitegen.yaml").write_text(CONFIG.format(templates=ROOT / "templates", assets=ROOT / "assets"),
                                       encoding="utf-8")
    name, make = SOURCES[fmt]
    make(n, site / name)
    return site


def run(site: Path, fmt: str = "csv") -> tuple[float, float]:
    """Wall and CPU seconds (user + system) of one import: the machine may be shared, and CPU time is
    what the import itself costs."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "sitegen", "import", fmt, SOURCES[fmt][0]], cwd=site, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall, after = time.perf_counter() - start, resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime + after.ru_stime - used.ru_utime - used.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--format", choices=sorted(SOURCES), default="csv")
    args = parser.parse_args()
    sizes = [int(n) for n in args.sizes.split(",")]
    first: dict[int, list[tuple[float, float]]] = {n: [] for n in sizes}
    again: dict[int, list[tuple[float, float]]] = {n: [] for n in sizes}
    for _ in range(args.runs):
        for n in sizes:  # interleaved, so a busy moment of the machine hits both
            site = archive(n, ROOT / "benchmarks/out", args.format)
            first[n].append(run(site, args.format))
            again[n].append(run(site, args.format))
    def median(runs: list[tuple[float, float]], which: int) -> float:
        return statistics.median(r[which] for r in runs)

    print(f"sitegen import {args.format}, median of {args.runs} runs (whole process; wall / CPU seconds)")
    for n in sizes:
        print(f"  {n:>6} {'rows' if args.format == 'csv' else 'pages'}: "
              f"first import {median(first[n], 0):6.2f} / {median(first[n], 1):6.2f} s, "
              f"again (writes nothing) {median(again[n], 0):6.2f} / {median(again[n], 1):6.2f} s")
    if len(sizes) == 2:
        small, large = sizes
        print(f"  ratio {large}/{small}: wall {median(first[large], 0) / median(first[small], 0):.1f}, "
              f"CPU {median(first[large], 1) / median(first[small], 1):.1f} (linear: {large / small:.0f})")


if __name__ == "__main__":
    main()
