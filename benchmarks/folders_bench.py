"""Output folders against FAT32 (issue 25): the entries each folder of a built archive takes (1 + one
per 13 characters of each name, and `.` and `..`: `urls.folder_entries`, counted on the files
written), for the archive built flat, as before bounded folders (`limits.folder_entries` so high
that nothing moves), and bounded (the project's own limit, 10,000 by default).

    python3 benchmarks/folders_bench.py --n 10000            # the scale benchmark's corpus (~3 minutes)
    python3 benchmarks/folders_bench.py --project PATH       # any project folder with a sitegen.yaml

Writes under benchmarks/out/ (git-ignored).
"""

from __future__ import annotations

import argparse
import dataclasses
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sitegen import urls  # noqa: E402
from sitegen.build import build  # noqa: E402
from sitegen.config import load_config  # noqa: E402

FAT32 = 65_534
SHOWN = 8


def corpus(n: int, out: Path) -> Path:
    """The scale benchmark's corpus (make_corpus.py --seed 42) as a project, made once."""
    site = out / f"scale-{n}"
    if not (site / "content/documents").is_dir():
        maker = next(p for p in (ROOT.parent / "shared/bench/make_corpus.py",
                                 ROOT.parent.parent / "shared/bench/make_corpus.py") if p.is_file())
        subprocess.run([sys.executable, str(maker), "--n", str(n), "--seed", "42",
                        "--out", str(site / "content/documents")], check=True, stdout=subprocess.DEVNULL)
        (site / "sitegen.yaml").write_text(
            f"title: Benchmark\nbuild_date: '2026-01-01'\npaths:\n"
            f"  templates: {ROOT / 'templates'}\n  assets: {ROOT / 'assets'}\n"
            "taxonomies:\n  actors: {optional: true}\n  topics: {optional: true}\n", encoding="utf-8")
    return site


def entries(out: Path) -> dict[str, tuple[int, int]]:
    """Folder -> (FAT32 entries, names) of the files written under `out`."""
    paths = [p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()]
    names: dict[str, set[str]] = {}
    for path in paths:
        parts = path.split("/")
        for depth in range(len(parts)):
            names.setdefault("/".join(parts[:depth]), set()).add(parts[depth])
    counted = urls.folder_entries(paths)
    return {folder: (counted[folder], len(names[folder])) for folder in counted}


def report(label: str, found: dict[str, tuple[int, int]], limit: int) -> None:
    over = sum(1 for n, _ in found.values() if n > limit)
    print(f"{label}: {len(found)} folders, {over} over {limit:,} entries, "
          f"{sum(1 for n, _ in found.values() if n > FAT32)} over FAT32's {FAT32:,}")
    for folder, (n, names) in sorted(found.items(), key=lambda kv: (-kv[1][0], kv[0]))[:SHOWN]:
        print(f"  {folder or '.'}/: {n:,} entries, {names:,} names")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10000, help="documents in the corpus")
    parser.add_argument("--project", type=Path, help="a project folder instead of the corpus")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks/out")
    args = parser.parse_args()
    project = args.project or corpus(args.n, args.out)
    config = load_config(project / "sitegen.yaml", environ={})
    limit = config.limits.folder_entries
    flat = dataclasses.replace(config, limits=dataclasses.replace(config.limits, folder_entries=10**9))
    for label, settings in (("flat (before)", flat), ("bounded (after)", config)):
        out = args.out / f"folders-{project.name}-{label.split()[0]}"
        shutil.rmtree(out, ignore_errors=True)
        result = build(settings, out=out, jobs=2)
        report(f"{label}, {result.pages:,} pages", entries(out), limit)
        for note in result.folders:
            print(f"  note: {note}")


if __name__ == "__main__":
    main()
