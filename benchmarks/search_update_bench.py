"""A front-matter edit's search index: updated in place (`search.update_documents`) against made whole
(`search.build_search_state`), in one build's process, from the same state, one after the other.

    python3 benchmarks/search_update_bench.py --n 10000      # the issue 25 corpus (scale_bench.py's)
    python3 benchmarks/search_update_bench.py --site PROJECT  # a copy of it made and built before

Makes (or reuses) `scale_bench.py`'s corpus under benchmarks/out/, builds it once (warm cache), then
for each edit of one document (an actor added, its title changed) and its undoing runs one whole
`build` in this process with `jobs=1` (so the search runs after the pages, not beside them), where the
index the build updates in place is also made whole from the same site: both times, whether the
update patched the index (or made it whole itself), how many files it changed, and whether its bytes
are the whole index's. The build's wall time includes the extra whole index, so it is left out.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from scale_bench import corpus  # noqa: E402

EDITS = [("an actor added", "actors:\n", "actors:\n  - Benchmark Person {}\n"),
         ("the title changed", 'title: "', 'title: "Retitled {} ')]


def measured_build(site: Path) -> dict:
    """One build of `site`, the update of its search index timed beside a whole index of the same site."""
    from sitegen import search
    from sitegen.build import build
    from sitegen.cache import open_cache
    from sitegen.config import load_config
    spent: dict = {}
    update = search.update_documents

    def timed(last, new_site, memo, jobs):
        layout = search._layout(new_site, search.searchdata.indexes_originals(new_site))
        spent["patched"] = search._patchable(last, new_site, layout) is not None  # (else it made the index whole)
        started = time.perf_counter()
        out = update(last, new_site, memo, jobs)
        spent["update s"] = round(time.perf_counter() - started, 2)
        spent["files changed"] = len(out[0])
        started = time.perf_counter()
        files, _, whole = search.build_search_state(new_site, memo, jobs)
        spent["whole s"] = round(time.perf_counter() - started, 2)
        spent["same bytes"] = {p: d for p, d in files.items() if last.files.get(p) != whole.files[p]} == out[0]
        return out
    search.update_documents = timed
    try:
        config = load_config(site / "sitegen.yaml")
        memo = open_cache(config.root, enabled=True)
        try:
            result = build(config, jobs=1, memo=memo)
        finally:
            memo.close()
    finally:
        search.update_documents = update
    return {**spent, "stages": {k: round(v, 2) for k, v in result.timings.items()}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10000, help="documents in the corpus")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks/out")
    parser.add_argument("--site", type=Path, help="a project of scale_bench.py's corpus already made (and built)")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    site = args.site or corpus(args.n, args.out)[0]
    doc = site / "content/documents/doc-000100.md"
    original = doc.read_text(encoding="utf-8")
    print("warm-up build", json.dumps(measured_build(site)), flush=True)
    for k, (name, old, new) in enumerate(EDITS):
        doc.write_text(original.replace(old, new.format(k), 1), encoding="utf-8")
        print(name, json.dumps(measured_build(site)), flush=True)
        doc.write_text(original, encoding="utf-8")
        print("  undone", json.dumps(measured_build(site)), flush=True)


if __name__ == "__main__":
    main()
