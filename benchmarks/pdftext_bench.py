"""Which PDF library reads an attachment's text layer best, in Arabic and English: pypdfium2, pypdf
and pdfminer.six, measured on PDFs whose text is known.

    pip install pypdfium2 pypdf pdfminer.six fpdf2 uharfbuzz arabic-reshaper python-bidi
    python3 benchmarks/pdftext_bench.py [--real DIR]

The judging rule, fixed before the first run:

* Made PDFs (fpdf2, Noto fonts from fonts-noto-core / DejaVu): English over two pages; Arabic shaped
  by HarfBuzz (how current word processors write it: glyphs placed right to left, a ToUnicode map);
  Arabic as older generators wrote it (letters turned into presentation forms by arabic-reshaper and
  laid out in visual order, no shaping); an Arabic line with English words and figures. Score: the
  character error rate, Levenshtein distance / length of the known text, both normalised the same
  way (`norm`: presentation forms folded by NFKC, whitespace runs made one space). Lower is better.
* Real PDFs (`--real DIR`, see below): tabula-java's test file `arabic.pdf` (a table typed in Arabic
  with a word processor; its five cell texts are asserted by tabula's own tests): the share of those
  phrases found whole in the page's normalised text. The ICDAR 2013 table competition's EU and US
  government documents (67 PDFs, their cells' text in `*-str.xml`): the recall of the cells' words
  (as a multiset) in the document's extracted words, averaged over documents.
* The choice: the lowest Arabic error (made PDFs) with the most Arabic phrases found; within a point
  of each other, the better English recall; then speed. Each library is given the raw text it
  extracts, with only `norm` applied: what it does not do (reorder right-to-left words) counts.
  pypdfium2 is read as sitegen reads it (`get_text_range`: all of a page's text, also what lies
  outside its visible box).

DIR holds the real PDFs; from a copy of github.com/tabulapdf/tabula-java, take
src/test/resources/technology/tabula/arabic.pdf and the .pdf and -str.xml files of
src/test/resources/technology/tabula/icdar2013-dataset/competition-dataset-{eu,us}/ (default
benchmarks/out/real/, git-ignored).
"""

from __future__ import annotations

import argparse
import io
import logging
import re
import statistics
import time
import unicodedata
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

from rapidfuzz.distance import Levenshtein

logging.getLogger("pypdf").setLevel(logging.ERROR)  # its notes on the ICDAR files' damaged cross-references

ROOT = Path(__file__).resolve().parent.parent
FONTS = Path("/usr/share/fonts/truetype")
LATIN_FONT = FONTS / "dejavu/DejaVuSans.ttf"
ARABIC_FONT = FONTS / "noto/NotoNaskhArabic-Regular.ttf"

ENGLISH = [
    "The Security Council, recalling its previous resolutions on the situation, expresses grave concern "
    "at the deterioration of the humanitarian situation and calls on all parties to allow safe access.",
    "Decides to remain seized of the matter. Adopted by 13 votes to none, with 2 abstentions, on 4 March 2021.",
]
ARABIC = [
    "إن مجلس الأمن، إذ يشير إلى قراراته السابقة بشأن الحالة، يعرب عن بالغ قلقه إزاء تدهور الحالة الإنسانية "
    "ويدعو جميع الأطراف إلى السماح بوصول المساعدات بأمان ودون عوائق.",
    "يقرر أن يبقي المسألة قيد نظره الفعلي. اتخذ بأغلبية ثلاثة عشر صوتا، وامتناع عضوين عن التصويت.",
]
MIXED = ["صدر التقرير رقم 2021 عن مكتب الأمم المتحدة UNDP في جنيف يوم 4 آذار."]
TABULA_ARABIC = ["اسمي سلطان", "من اين انت؟", "1234", "هل انت شباك؟", "انا من ولاية كارولينا الشمال"]
PRESENTATION = re.compile("[\ufb50-\ufdff\ufe70-\ufeff]")


def norm(text: str) -> str:
    text = PRESENTATION.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)
    return " ".join(text.split())


def make_pdfs() -> dict[str, tuple[bytes, str]]:
    """name -> (PDF bytes, the known text)."""
    from fpdf import FPDF
    import arabic_reshaper
    from bidi.algorithm import get_display

    def pdf(font: Path, paragraphs: list[str], shaping: bool, rtl: bool, pages: int = 1,
            write=lambda p, text: p.multi_cell(0, 10, text, align="R", new_x="LMARGIN", new_y="NEXT")) -> bytes:
        p = FPDF()
        p.add_font("f", fname=str(font))
        p.add_font("latin", fname=str(LATIN_FONT))
        p.set_fallback_fonts(["latin"])  # the Arabic fonts have no Latin letters
        if shaping:
            p.set_text_shaping(use_shaping_engine=True, direction="rtl" if rtl else "ltr")
        for n in range(pages):
            p.add_page()
            p.set_font("f", size=14)
            for text in paragraphs[n::pages]:
                write(p, text)
        return bytes(p.output())

    # one short line each: a visual-order line is not wrapped by the generator, and must fit the page
    lines = [part.strip() for text in ARABIC for part in re.findall(r"[^،.]+[،.]?", text) if part.strip()]
    legacy = [get_display(arabic_reshaper.reshape(line)) for line in lines]
    return {
        "en (2 pages)": (pdf(LATIN_FONT, ENGLISH, False, False, pages=2,
                             write=lambda p, t: p.multi_cell(0, 8, t, new_x="LMARGIN", new_y="NEXT")),
                         " ".join(ENGLISH)),
        "ar shaped": (pdf(ARABIC_FONT, ARABIC, True, True), " ".join(ARABIC)),
        "ar legacy (visual order)": (pdf(ARABIC_FONT, legacy, False, False,
                                         write=lambda p, t: p.cell(0, 10, t, align="R", new_x="LMARGIN", new_y="NEXT")),
                                     " ".join(lines)),
        "ar + en mixed": (pdf(ARABIC_FONT, MIXED, True, True), MIXED[0]),
    }


def pdfium_pages(data: bytes) -> list[str]:
    import pypdfium2 as pdfium
    doc = pdfium.PdfDocument(data)
    try:
        return [page.get_textpage().get_text_range() for page in doc]
    finally:
        doc.close()


def pypdf_pages(data: bytes) -> list[str]:
    from pypdf import PdfReader
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages]


def pdfminer_pages(data: bytes) -> list[str]:
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LTTextContainer
    return ["".join(el.get_text() for el in page if isinstance(el, LTTextContainer))
            for page in extract_pages(io.BytesIO(data))]


LIBRARIES = {"pypdfium2": pdfium_pages, "pypdf": pypdf_pages, "pdfminer.six": pdfminer_pages}


def cer(found: str, known: str) -> float:
    return Levenshtein.distance(norm(found), norm(known)) / len(norm(known))


def icdar_words(xml: Path) -> Counter:
    words = Counter()
    for content in ET.parse(xml).iter("content"):
        words.update(norm(content.text or "").split())
    return words


def recall(found: str, words: Counter) -> float:
    got = Counter(norm(found).split())
    return sum(min(n, got[w]) for w, n in words.items()) / max(1, sum(words.values()))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--real", type=Path, default=ROOT / "benchmarks/out/real")
    parser.add_argument("--show", action="store_true", help="print what each library extracted from the made PDFs")
    args = parser.parse_args()
    made = make_pdfs()
    real_ar = args.real / "arabic.pdf"
    icdar = sorted(p for p in args.real.glob("*.pdf") if p.with_name(p.stem + "-str.xml").exists())
    print(f"made PDFs: {len(made)}; real: arabic.pdf {'found' if real_ar.exists() else 'missing'}, "
          f"{len(icdar)} ICDAR 2013 documents\n")
    rows = []
    for name, pages in LIBRARIES.items():
        row = {"library": name}
        for case, (data, known) in made.items():
            text = "\n".join(pages(data))
            row[case] = cer(text, known)
            if args.show:
                print(f"--- {name} / {case}\n{norm(text)}\n")
        if real_ar.exists():
            text = norm("\n".join(pages(real_ar.read_bytes())))
            row["tabula arabic.pdf phrases"] = sum(norm(p) in text for p in TABULA_ARABIC) / len(TABULA_ARABIC)
        started, recalls, failed = time.perf_counter(), [], 0
        for pdf in icdar:
            try:
                text = "\n".join(pages(pdf.read_bytes()))
            except Exception:  # noqa: BLE001 - a library that fails on a real file scores 0 on it
                text, failed = "", failed + 1
            recalls.append(recall(text, icdar_words(pdf.with_name(pdf.stem + "-str.xml"))))
        if icdar:
            row["ICDAR word recall"] = statistics.mean(recalls)
            row["ICDAR failures"] = failed
            row["ICDAR s/doc"] = (time.perf_counter() - started) / len(icdar)
        rows.append(row)
    keys = [k for k in rows[0] if k != "library"]
    print("| measure | " + " | ".join(r["library"] for r in rows) + " |")
    print("|---|" + "---|" * len(rows))
    for key in keys:
        label = key if "recall" in key or "phrases" in key or "s/doc" in key or "failures" in key else f"CER {key}"
        print(f"| {label} | " + " | ".join(_fmt(key, r[key]) for r in rows) + " |")


def _fmt(key: str, value: float) -> str:
    if "failures" in key:
        return str(value)
    if "s/doc" in key:
        return f"{value:.3f}"
    return f"{value * 100:.1f} %"


if __name__ == "__main__":
    main()
