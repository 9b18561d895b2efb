"""How long `sitegen serve` takes from saving one document to serving its new page, against a full
build of the same corpus measured in the same run (the baseline: what a rebuild without the serve
cache costs).

    python3 benchmarks/serve_bench.py --n 2000 [--edits 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import threading
import time
from pathlib import Path
from urllib.request import urlopen

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from search_bench import make_site  # noqa: E402

from sitegen import search  # noqa: E402
from sitegen.build import build  # noqa: E402
from sitegen.lunrcompat import utf16_key  # noqa: E402
from sitegen.config import load_config  # noqa: E402
from sitegen.serve import DevServer  # noqa: E402


def indexed(url: str, word: str) -> bool:
    """Whether the served search index has `word`: only the term chunk that would hold it is read."""
    core = urlopen(url + "search/core.js", timeout=60).read().decode("utf-8")
    data = json.loads(core[core.index("=") + 1:].strip().rstrip(";"))
    at = [i for i, sep in enumerate(data["chunks"]) if utf16_key(sep) <= utf16_key(word)][-1]
    return word in urlopen(url + search.chunk_paths(data)[at], timeout=60).read().decode("utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000, help="documents in the corpus")
    parser.add_argument("--edits", type=int, default=3, help="edits to time (median reported)")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks/out")
    args = parser.parse_args()
    site = make_site(args.n, args.out)
    config = load_config(site / "sitegen.yaml", environ={})
    started = time.perf_counter()
    build(config, until="render", jobs=1)
    full = time.perf_counter() - started

    server = DevServer(site / "sitegen.yaml", port=0, jobs=1, log=lambda line: None).start()
    watcher = threading.Thread(target=server.watch, daemon=True)
    watcher.start()
    time.sleep(0.5)
    doc = sorted((site / "content/documents").glob("*.md"))[args.n // 2]
    original = doc.read_text(encoding="utf-8")
    page = server.url + f"documents/{doc.stem}.html"
    times, search = [], []
    try:
        for n in range(args.edits):
            marker = f"benchmarkedit{n}x"
            saved = time.perf_counter()
            doc.write_text(original.replace("\n---\n", f"\n---\n{marker} ", 1), encoding="utf-8")
            while marker not in urlopen(page, timeout=60).read().decode("utf-8"):
                time.sleep(0.02)
            times.append(time.perf_counter() - saved)
            while not indexed(server.url, marker):
                time.sleep(0.05)
            search.append(time.perf_counter() - saved)
    finally:
        doc.write_text(original, encoding="utf-8")
        server.close()
    edit, caught_up = statistics.median(times), statistics.median(search)
    print(f"corpus: {args.n} documents; one document edited {args.edits} times "
          "(medians; includes the watcher's debounce)")
    print(f"  baseline full build (render only, jobs=1): {full:7.2f} s")
    print(f"  serve: save -> new page served:          {edit:7.2f} s  ratio {edit / full:.2f}")
    print(f"  serve: save -> search index updated:     {caught_up:7.2f} s  ratio {caught_up / full:.2f}")


if __name__ == "__main__":
    main()
