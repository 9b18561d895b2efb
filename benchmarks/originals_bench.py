"""OCR's cost and its cache: a site whose documents each attach a scanned PDF (pages that are images,
no text layer), built with OCR from an empty cache, then again after a front-matter edit (a full
build: every stage but the OCR runs again), against the same edit with OCR turned off.

    python3 benchmarks/originals_bench.py [--documents 8] [--pages 3] [--runs 3] [--jobs 2]

The goal (issue 21): a build with a warm cache is as fast as one without OCR. Each build is a fresh
`sitegen build` process (wall time, median of --runs). Needs Tesseract (apt-get install
tesseract-ocr tesseract-ocr-ara) and fpdf2 (the test extra). Writes under benchmarks/out/ (git-ignored).
"""

from __future__ import annotations

import argparse
import io
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.conftest import site_config, write_site  # noqa: E402
from tests.test_originals import scan_png  # noqa: E402


def make_site(folder: Path, documents: int, pages: int) -> Path:
    from fpdf import FPDF
    shutil.rmtree(folder, ignore_errors=True)
    files = {}
    for d in range(documents):
        files[f"content/documents/scan-{d}.md"] = (f"---\ntitle: Scan {d}\ndate: 2020\nsource: Archive\nlanguage: en\n"
                                                  f"summary: s\nattachments: [scan-{d}.pdf]\n---\nBody {d}.\n")
    root = write_site(folder, files, config=site_config(extra="attachments: {ocr: true}\n"))
    for d in range(documents):
        pdf = FPDF(format=(120, 30))
        pdf.set_auto_page_break(False)
        for p in range(pages):
            pdf.add_page()
            pdf.image(io.BytesIO(scan_png(f"FOLIO {d} PAGE {p + 1}")), x=0, y=0, w=120, h=30)
        (root / f"content/documents/scan-{d}.pdf").write_bytes(bytes(pdf.output()))
    return root


def timed_build(root: Path, jobs: int) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "sitegen", "build", "--jobs", str(jobs)], cwd=root, check=True,
                   capture_output=True)
    return time.perf_counter() - started


def edit(root: Path, n: int) -> None:
    """A front-matter edit (a full build, not the body-edit fast path)."""
    path = root / "content/documents/scan-0.md"
    text = path.read_text()
    path.write_text(text[:text.index("title:")] + f"title: Scan 0, edit {n}" + text[text.index("\ndate:"):])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--documents", type=int, default=8)
    parser.add_argument("--pages", type=int, default=3)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    if shutil.which("tesseract") is None:
        sys.exit("needs Tesseract: apt-get install tesseract-ocr tesseract-ocr-ara")
    root = make_site(ROOT / "benchmarks/out/originals", args.documents, args.pages)
    cold = timed_build(root, args.jobs)
    text = (root / "build/documents/scan-0/scan-0.pdf.txt").read_text()
    assert "FOLIO 0 PAGE 1" in text, text
    warm = []
    for n in range(args.runs):
        edit(root, n)
        warm.append(timed_build(root, args.jobs))
    config = root / "sitegen.yaml"
    config.write_text(config.read_text().replace("ocr: true", "ocr: false"))
    timed_build(root, args.jobs)  # the config change itself
    off = []
    for n in range(args.runs):
        edit(root, 100 + n)
        off.append(timed_build(root, args.jobs))
    pages = args.documents * args.pages
    print(f"{args.documents} documents, {pages} scanned pages, --jobs {args.jobs}")
    print(f"cold, OCR every page:            {cold:6.2f} s ({cold / pages:.2f} s a page)")
    print(f"warm cache, OCR on (edit):       {statistics.median(warm):6.2f} s (median of {args.runs})")
    print(f"OCR off (same edit):             {statistics.median(off):6.2f} s (median of {args.runs})")


if __name__ == "__main__":
    main()
