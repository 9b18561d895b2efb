"""One hash of everything sitegen writes, to show a change to the code left the output byte-identical.

Builds, each from nothing (`--no-cache`) with a pinned build date, into `benchmarks/out/output-hash/`:
the sample archive (`content/`); the same with what it lacks (`rich`: a base_url, so feeds and the
sitemap, a draft, redirects, an attachment, an about page), without and with `--drafts`; and a
synthetic corpus of `--n` documents from `../shared/bench/make_corpus.py` (seed 42). Prints one line
per build (its files and hash) and a last line with the hash of them all: the hash of every output
file's path and bytes, in path order. Run it before and after a refactoring; the last lines must be equal.

    .venv/bin/python benchmarks/output_hash.py            # --n 300 by default
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

from cpu_bench import corpus  # the synthetic corpus as a project with this checkout's theme

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out" / "output-hash"
EPOCH = "1767225600"  # 2026-01-01: the build date, for every build


def tree_hash(folder: Path) -> tuple[int, str]:
    """How many files `folder` holds, and the hash of each one's relative path and bytes, in path order."""
    digest = hashlib.sha256()
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    for path in files:
        data = path.read_bytes()
        digest.update(f"{path.relative_to(folder).as_posix()}\0{len(data)}\0".encode())
        digest.update(data)
    return len(files), digest.hexdigest()


RICH_DOCUMENT = """---
title: A moved page with a file
date: 2020-05
source: Archive
language: en
url: https://example.org/moved
authors: [A. Writer, B. Writer]
notes: The month is inferred.
summary: A page that moved.
redirects: [old/moved.html, older/moved/]
attachments: [scan.png]
extra: {event: Seminar}
actors: [China]
topics: [afghanistan]
---
Body with a [link](2021-12-23-xinhua-china-calls-for-joint-efforts.md).
"""
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082")


def rich() -> Path:
    """The sample archive with what it lacks: a base_url (feeds, sitemap, canonical links), a draft, a
    document with old addresses, an attachment, a registry entry with an old address, an about page."""
    site = OUT / "rich"
    shutil.rmtree(site, ignore_errors=True)
    shutil.copytree(ROOT / "content", site / "content")
    config = (ROOT / "sitegen.yaml").read_text(encoding="utf-8")
    config = config.replace("  templates: templates\n  assets: assets\n",
                            f"  templates: {ROOT / 'templates'}\n  assets: {ROOT / 'assets'}\n")
    (site / "sitegen.yaml").write_text(config + "base_url: https://archive.example.org/sub/\n", encoding="utf-8")
    docs = site / "content" / "documents"
    (docs / "moved.md").write_text(RICH_DOCUMENT, encoding="utf-8")
    (docs / "scan.png").write_bytes(PNG)
    (docs / "draft.md").write_text(RICH_DOCUMENT.replace("redirects: [old/moved.html, older/moved/]\n", "draft: true\n")
                                   .replace("attachments: [scan.png]\n", ""), encoding="utf-8")
    actor = site / "content" / "actors" / "afghanistan.md"
    actor.write_text(actor.read_text(encoding="utf-8").replace("kind: state\n",
                                                               "kind: state\nredirects: [people/afg/]\n"),
                     encoding="utf-8")
    (site / "content" / "about.md").write_text("About *this* archive.\n", encoding="utf-8")
    return site


def build(project: Path, out: Path, *flags: str) -> tuple[int, str]:
    shutil.rmtree(out, ignore_errors=True)
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
    subprocess.run([sys.executable, "-m", "sitegen", "build", "--no-cache", "--jobs", "1", "--out", str(out), *flags],
                   cwd=project, env=env, check=True, stdout=subprocess.DEVNULL)
    return tree_hash(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=300, help="documents in the synthetic corpus")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    builds = {"sample": (ROOT, ()), "rich": (rich(), ()), "rich --drafts": (rich(), ("--drafts",)),
              f"corpus {args.n}": (corpus(args.n, OUT), ())}
    total = hashlib.sha256()
    for n, (name, (project, flags)) in enumerate(builds.items()):
        files, digest = build(project, OUT / f"build-{n}", *flags)
        print(f"{name:16} {files:6} files  {digest}")
        total.update(digest.encode())
    print(f"{'all':16} {'':12}  {total.hexdigest()}")


if __name__ == "__main__":
    main()
