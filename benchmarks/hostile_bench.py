"""Issue 11's attacks at the sizes measured there, each built by `sitegen build` in its own process:
wall time, peak memory (max RSS of the process) and the exit code, against the bound of 2 s and
200 MB per file and against a baseline measured in the same run (the same small site with one
ordinary document), with the ratio to it.

    python3 benchmarks/hostile_bench.py [--only NAME ...] [--timeout 180]

Run it alone: the figures are wall times on a shared machine.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests import hostile  # noqa: E402
from tests.conftest import site_config, write_site  # noqa: E402

PLACES = ("taxonomies:\n  actors: {}\n  topics: {}\n  places:\n    optional: true\n"
          "    title: Places\n    singular: Place\n")


def attacks() -> dict[str, tuple[dict[str, str], str]]:
    """name -> (files on top of the base fixture, extra config)."""
    doc = "content/documents/attack.md"
    words50 = ("word " * 10_000 + "\n\n") * 1024  # 50 MB
    return {
        "baseline (one ordinary document)": ({doc: hostile.document()}, ""),
        "billion laughs (1 KB of aliases)": ({doc: hostile.document(fields=hostile.alias_bomb(9, 9))}, ""),
        "YAML nested 10,000 deep": ({doc: hostile.document(fields=hostile.deep_yaml_flow(10_000))}, ""),
        "Markdown list nested 1,000 deep": ({doc: hostile.document(body=hostile.deep_list(1000))}, ""),
        "50,000 [ in a body": ({doc: hostile.document(body=hostile.brackets(50_000))}, ""),
        "10,000 footnotes": ({doc: hostile.document(body=hostile.footnotes(10_000))}, ""),
        "20,000 footnotes": ({doc: hostile.document(body=hostile.footnotes(20_000))}, ""),
        "2,000 footnotes (at the limit)": ({doc: hostile.document(body=hostile.footnotes(2000))}, ""),
        "10,000 lines of words (baseline of the links)": ({doc: hostile.document(body=hostile.plain_lines(10_000))},
                                                          ""),
        "10,000 reference links": ({doc: hostile.document(body=hostile.reference_links(10_000))}, ""),
        "10,000 inline links": ({doc: hostile.document(body=hostile.inline_links(10_000))}, ""),
        "10,000 link definitions, none used": ({doc: hostile.document(body="Text.\n\n"
                                                                      + hostile.link_definitions(10_000))}, ""),
        "10,000 references to one footnote": ({doc: hostile.document(body=hostile.footnote_references(10_000))}, ""),
        "10,000 inline links left open `[a](`": ({doc: hostile.document(body="[a](" * 10_000)}, ""),
        "50 MB document": ({doc: hostile.document(body=words50)}, ""),
        "50 MB of varied words": ({doc: hostile.document(body=hostile.varied_words(50 * 1024))}, ""),
        "2 MB of plain words (at the limit)": ({doc: hostile.document(body=words50[:2000 * 1024])}, ""),
        "2 MB of varied words (at the limit)": ({doc: hostile.document(body=hostile.varied_words(1990))}, ""),
        "10,000 terms, optional taxonomy": ({doc: hostile.document(fields=hostile.many_terms(10_000))}, PLACES),
        "200 terms, optional taxonomy (at the limit)": ({doc: hostile.document(fields=hostile.many_terms(200))},
                                                        PLACES),
        "1,000 terms on one document (list_items raised)": ({doc: hostile.document(fields=hostile.many_terms(1000))},
                                                             PLACES + "limits:\n  list_items: 1000\n"),
    }


def run(name: str, files: dict[str, str], extra: str, work: Path, timeout: float) -> tuple[float, float, str, int]:
    """Seconds, peak MB, the outcome and the output size in bytes for one attack."""
    site = work / "site"
    shutil.rmtree(site, ignore_errors=True)
    write_site(site, files, config=site_config(extra=extra))
    started, peak = time.perf_counter(), 0.0
    try:
        done = subprocess.run([sys.executable, "-c", MEASURED, "build", "--no-cache", "--jobs", "1"], cwd=site,
                              capture_output=True, text=True, timeout=timeout)
        lines = done.stderr.strip().splitlines()
        peak = float(lines.pop()[len("PEAK "):]) / 1024 if lines and lines[-1].startswith("PEAK ") else 0.0
        outcome = f"exit {done.returncode}: " + (lines or ["ok"])[0][:110]
        if "Traceback" in done.stderr:
            outcome = "TRACEBACK " + outcome
    except subprocess.TimeoutExpired:
        outcome = f"did not finish in {timeout:.0f} s"
    elapsed = time.perf_counter() - started
    size = sum(p.stat().st_size for p in (site / "build").rglob("*") if p.is_file()) if (site / "build").exists() else 0
    return elapsed, peak, outcome, size


# `sitegen build` in a process that reports its own peak memory (max RSS, KB) as the last line of stderr.
# VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the parent across exec, VmHWM starts afresh.
# (`run` leaves by os._exit once the build is done: told not to, it returns the exit code.)
MEASURED = ("import re, sys\nimport sitegen.__main__ as entry\nentry._leave = lambda code: None\ncode = entry.run()\n"
            "hwm = re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1)\n"
            "print(f'PEAK {hwm}', file=sys.stderr)\nsys.exit(code)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", default=[], help="names (or parts of names) to run")
    parser.add_argument("--timeout", type=float, default=180)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks/out/hostile")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    base = None
    print(f"{'attack':48} {'time':>8} {'×base':>6} {'peak MB':>8}  {'output':>9}  outcome")
    for name, (files, extra) in attacks().items():
        if args.only and not name.startswith("baseline") and not any(o.lower() in name.lower() for o in args.only):
            continue
        seconds, peak, outcome, size = run(name, files, extra, args.out, args.timeout)
        base = base or seconds
        flag = "" if seconds - base <= 2 and peak <= 200 else "  OVER 2 s / 200 MB"
        print(f"{name:48} {seconds:7.2f}s {seconds / base:6.1f} {peak:8.0f}  {size / 1e6:7.1f}MB  {outcome}{flag}",
              flush=True)


if __name__ == "__main__":
    main()
