"""Template and config edits against sitegen's own cold build, this checkout against another commit,
interleaved in the same run.

    python3 benchmarks/retemplate_bench.py --n 10000 --against main --runs 1

Each checkout (this one's HEAD, and `--against`, both exported with `git archive`) builds its own copy of the
synthetic corpus (`make_corpus.py --n N --seed 42`, with its own templates) as the command line does
(`python -m sitegen build`, two jobs, the cache on): cold (output and cache removed), then the
document template edited (every document page changes), then the site title in sitegen.yaml, each
edit undone and built again (untimed) before the next. The checkouts take turns, round by round. For
each build: wall seconds and the CPU seconds of the process and its workers (steadier than wall time
on a shared machine), and each edit's ratio to the same checkout's cold build; the load average is
printed as each round begins. The outputs of the two checkouts' last builds are compared file by
file: a faster edit must not change a byte. Writes under benchmarks/out/ (git-ignored).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from cpu_bench import export  # noqa: E402
from scale_bench import project  # noqa: E402

EDITS = {"document template edited": ("templates/document.html", "</article>", "</article><!-- edited {} -->"),
         "site title in config": ("sitegen.yaml", "title: Benchmark", "title: Benchmark {}")}


def timed(code: Path, site: Path) -> tuple[float, float]:
    """Wall and CPU seconds (the process and its workers, user and system) of one build of `site`."""
    before, started = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
    subprocess.run([sys.executable, "-m", "sitegen", "build", "--jobs", "2"], cwd=site, check=True,
                   stdout=subprocess.DEVNULL, env={**os.environ, "PYTHONPATH": str(code), "CI": "true"})
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.perf_counter() - started, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def one_round(code: Path, site: Path, figures: dict[str, list], n: int) -> None:
    for folder in (site / "build", site / ".sitegen-cache"):
        shutil.rmtree(folder, ignore_errors=True)
    figures["cold"].append(timed(code, site))
    for name, (rel, old, new) in EDITS.items():
        path = site / rel
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace(old, new.format(n), 1), encoding="utf-8")
        figures[name].append(timed(code, site))
        path.write_text(text, encoding="utf-8")
        timed(code, site)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10000, help="documents in the corpus")
    parser.add_argument("--against", default="main", help="the git ref to compare with")
    parser.add_argument("--runs", type=int, default=1, help="interleaved rounds (medians reported)")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks/out")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    checkouts = {ref: (export(ref, args.out / f"code-{ref.replace('/', '-')}"),
                       project(args.n, args.out / f"retemplate-{name}-{args.n}"))
                 for name, ref in (("this", "HEAD"), ("against", args.against))}
    figures = {name: {k: [] for k in ("cold", *EDITS)} for name in checkouts}
    for n in range(args.runs):
        for name, (code, site) in checkouts.items():
            print(f"round {n + 1}, {name}: load average {os.getloadavg()[0]:.1f}", flush=True)
            one_round(code, site, figures[name], n)
    print(f"\n{args.n} documents, medians of {args.runs} interleaved rounds; load average now {os.getloadavg()[0]:.1f}")
    print(f"{'':28} {'':10} {'wall s':>8} {'CPU s':>8}  wall / cold  CPU / cold")
    for name, found in figures.items():
        cold = [statistics.median(x[i] for x in found["cold"]) for i in (0, 1)]
        for kind, runs in found.items():
            wall, cpu = (statistics.median(x[i] for x in runs) for i in (0, 1))
            print(f"{kind:28} {name:10} {wall:8.2f} {cpu:8.2f}  {wall / cold[0]:10.2f}  {cpu / cold[1]:10.2f}")
    (_, a), (_, b) = checkouts.values()
    same = subprocess.run(["diff", "-rq", str(a / "build"), str(b / "build")], capture_output=True, text=True)
    print("outputs: the same, file by file" if same.returncode == 0 else f"outputs differ:\n{same.stdout[:2000]}")


if __name__ == "__main__":
    main()
