"""The search index build alone (`search.build_search_state`), as a cold build with the cache on runs it:
its CPU time, the memory it takes on top of the model, and the state's pickling for the cache; against
another commit in the same run, with the files' hash compared.

    python3 benchmarks/index_bench.py --site benchmarks/out/scale-10000 --against be269ee --runs 3

The model of `--site` is made once by this checkout (`model_of`) and pickled beside it in
benchmarks/out/, so each run times the index build only; each run is a process of its own per commit,
interleaved. Peak: the largest RSS of that process while the index is built (sampled every 10 ms) less
what it held before; pickling: `pickle.dumps` of the state, as the cache stage does.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from cpu_bench import export  # noqa: E402

MODEL = """
import gc, pickle, sys
from pathlib import Path
from sitegen import build as B
from sitegen.cache import NO_MEMO
from sitegen.config import load_config
config = load_config(Path(sys.argv[1]) / "sitegen.yaml")
clock = B.Clock(None)
B.use_templates(config.template_folders)
read = B.Read(*B.read_sources(config, clock.count, NO_MEMO))
model = B._model(config, read, NO_MEMO, 2, clock, B.today(config), False)
gc.disable()
with open(sys.argv[2], "wb") as f:
    pickle.dump(model.site, f, protocol=pickle.HIGHEST_PROTOCOL)
"""

TIMED = """
import gc, hashlib, json, pickle, sys, threading, time
from pathlib import Path
gc.disable()
with open(sys.argv[1], "rb") as f:
    site = pickle.load(f)
gc.enable()
from sitegen import search
from sitegen.cache import open_cache

def rss():
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) * 1024 for line in f if line.startswith("VmRSS"))
peak, done = [0], []
def sample():
    while not done:
        peak[0] = max(peak[0], rss())
        time.sleep(0.01)
base = rss()
threading.Thread(target=sample, daemon=True).start()
(Path(sys.argv[2]) / "sitegen.yaml").write_text("")
memo = open_cache(Path(sys.argv[2]))
cpu, wall = time.process_time(), time.perf_counter()
files, stats, state = search.build_search_state(site, memo, 1)
cpu, wall, built, peak[0] = time.process_time() - cpu, time.perf_counter() - wall, peak[0], 0
pickling = time.process_time()
blob = pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL)
pickling = time.process_time() - pickling
done.append(1)
digest = hashlib.sha256()
for path in sorted(files):
    digest.update(path.encode() + b"\\0" + files[path])
memo.close()
print(json.dumps({"cpu": cpu, "wall": wall, "peak": built - base, "pickle_cpu": pickling, "pickle_peak": peak[0] - base,
                  "state": len(blob), "files": len(files), "hash": digest.hexdigest()}))
"""


def model_of(site: Path, out: Path) -> Path:
    """The model of `site`, pickled (made unless there)."""
    pickled = out.resolve() / f"index-model-{site.resolve().name}.pickle"
    if not pickled.exists():
        subprocess.run([sys.executable, "-c", MODEL, str(site.resolve()), str(pickled.resolve())], check=True, cwd=out,
                       env={**os.environ, "PYTHONPATH": str(ROOT)})
    return pickled


def timed(code: Path, pickled: Path) -> dict:
    with tempfile.TemporaryDirectory(prefix="index-bench-") as memo:
        done = subprocess.run([sys.executable, "-c", TIMED, str(pickled), memo], check=True, capture_output=True,
                              text=True, cwd=memo, env={**os.environ, "PYTHONPATH": str(code)})
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, required=True, help="a sitegen project (scale_bench.py makes them)")
    parser.add_argument("--against", help="a commit to compare with, run interleaved")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks/out")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    pickled = model_of(args.site, args.out)
    codes = {"this": ROOT}
    if args.against:
        codes[args.against] = export(args.against, args.out / f"code-{args.against}")
    runs: dict[str, list[dict]] = {name: [] for name in codes}
    for _ in range(args.runs):
        for name, code in codes.items():
            runs[name].append(timed(code, pickled))
            print(name, json.dumps(runs[name][-1]), f"load {os.getloadavg()[0]:.1f}", flush=True)
    for name, found in runs.items():
        m = {k: statistics.median(r[k] for r in found) for k in ("cpu", "peak", "pickle_cpu", "pickle_peak", "state")}
        print(f"{name:10} index build {m['cpu']:6.2f} s CPU, +{m['peak'] / 2**20:5.0f} MB; state pickled "
              f"({m['state'] / 2**20:.0f} MB) in {m['pickle_cpu']:.2f} s CPU, +{m['pickle_peak'] / 2**20:.0f} MB")
    if args.against:
        same = {r["hash"] for found in runs.values() for r in found}
        print("search files identical" if len(same) == 1 else "search files DIFFER")


if __name__ == "__main__":
    main()
