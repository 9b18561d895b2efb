"""The cold build's CPU time per stage, this checkout against another commit, in the same run.

    python3 benchmarks/cpu_bench.py --n 2000 --against main --runs 3    # CPU seconds per stage, and ratios
    python3 benchmarks/cpu_bench.py --n 10000 --against main --runs 1

Wall time is noisy on a shared machine; the CPU a build uses is much less so. Each run is a fresh
process building the synthetic corpus (`make_corpus.py --n N --seed 42`) from nothing, in one process
(jobs=1, no cache), timing each stage's user CPU (`os.times()`; the system time, mostly writing 50,000
files, is printed apart: it is the noisiest part on a busy disk); this checkout and `--against` (a git
ref, exported with `git archive`) alternate, and medians are printed with the ratio after/before.
The two builds' outputs are then compared file by file: a speed-up must not change a byte.
Writes under benchmarks/out/ (git-ignored).
"""

from __future__ import annotations

import argparse
import filecmp
import io
import json
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# beside the repository, or beside the folder of its worktrees
SHARED = next((p / "shared" / "bench" for p in ROOT.parents if (p / "shared" / "bench").is_dir()),
              ROOT.parent / "shared" / "bench")

# Run in a fresh process with the checkout to time first on sys.path: argv = site, output folder.
TIMED = """
import json, os, shutil, sys
from pathlib import Path
import sitegen
from sitegen.build import build
from sitegen.cache import open_cache
from sitegen.config import load_config
site, out = Path(sys.argv[1]), Path(sys.argv[2])
shutil.rmtree(out, ignore_errors=True)
config = load_config(site / "sitegen.yaml", environ={})
marks = []
def progress(stage, done, total):
    if not marks or marks[-1][0] != stage:
        marks.append((stage, os.times()))
started = os.times()
build(config, out=out, jobs=1, memo=open_cache(site, False), progress=progress)
marks.append(("end", os.times()))
print(json.dumps({"stages": {a[0]: b[1].user - a[1].user for a, b in zip(marks, marks[1:])},
                  "user": marks[-1][1].user - started.user, "system": marks[-1][1].system - started.system,
                  "code": sitegen.__file__}))
"""


def corpus(n: int, out: Path) -> Path:
    """The synthetic corpus as a sitegen project using the repository's templates and assets."""
    site = out / f"cpu-{n}"
    if not (site / "content/documents").is_dir():
        subprocess.run([sys.executable, str(SHARED / "make_corpus.py"), "--n", str(n), "--seed", "42",
                        "--out", str(site / "content/documents")], check=True, stdout=subprocess.DEVNULL)
    (site / "sitegen.yaml").write_text(
        f"title: Benchmark\nbuild_date: '2026-01-01'\npaths:\n  templates: {ROOT / 'templates'}\n"
        f"  assets: {ROOT / 'assets'}\ntaxonomies:\n  actors: {{optional: true}}\n  topics: {{optional: true}}\n",
        encoding="utf-8")
    return site


def export(ref: str, folder: Path) -> Path:
    """The sitegen package of commit `ref`, in `folder` (made anew)."""
    shutil.rmtree(folder, ignore_errors=True)
    data = subprocess.run(["git", "archive", ref, "sitegen"], cwd=ROOT, check=True, capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        tar.extractall(folder, filter="data")
    return folder


def timed(code: Path, site: Path, out: Path) -> dict:
    env = {**os.environ, "PYTHONPATH": str(code)}
    done = subprocess.run([sys.executable, "-c", TIMED, str(site), str(out)], env=env, check=True,
                          capture_output=True, text=True, cwd=out.parent)  # not ROOT: '' on sys.path is the cwd
    return json.loads(done.stdout.strip().splitlines()[-1])


def differences(a: Path, b: Path) -> list[str]:
    """Files that differ between two output trees, or exist in one only."""
    found, stack = [], [filecmp.dircmp(a, b)]
    while stack:
        cmp = stack.pop()
        found += [str(Path(cmp.left) / name) for name in cmp.left_only + cmp.right_only + cmp.funny_files]
        _, mismatch, errors = filecmp.cmpfiles(cmp.left, cmp.right, cmp.common_files, shallow=False)
        found += [str(Path(cmp.left) / name) for name in mismatch + errors]
        stack += cmp.subdirs.values()
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000, help="documents in the corpus")
    parser.add_argument("--against", default="main", help="the git ref to compare with")
    parser.add_argument("--runs", type=int, default=3, help="alternating runs of each (medians reported)")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks/out")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    site, before = corpus(args.n, args.out), export(args.against, args.out / "cpu-against")
    runs: dict[str, list[dict]] = {"before": [], "after": []}
    for _ in range(args.runs):
        runs["before"].append(timed(before, site, args.out / "cpu-build-before"))
        runs["after"].append(timed(ROOT, site, args.out / "cpu-build-after"))
    print(f"cold build, {args.n} documents, jobs=1, user CPU seconds (medians of {args.runs}); "
          f"before = {args.against} ({runs['before'][0]['code']}), after = {runs['after'][0]['code']}")
    print(f"{'stage':<10} {'before':>8} {'after':>8} {'ratio':>6}")
    rows = [(stage, lambda r, s=stage: r["stages"].get(s, 0.0)) for stage in runs["after"][0]["stages"]]
    rows += [("user", lambda r: r["user"]), ("system", lambda r: r["system"])]
    for name, value in rows:
        b = statistics.median(value(r) for r in runs["before"])
        a = statistics.median(value(r) for r in runs["after"])
        print(f"{name:<10} {b:8.2f} {a:8.2f} {a / b if b else float('nan'):6.2f}")
    changed = differences(args.out / "cpu-build-before", args.out / "cpu-build-after")
    print("outputs byte-identical" if not changed else f"OUTPUTS DIFFER in {len(changed)} files, e.g. {changed[:5]}")
    if changed:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
