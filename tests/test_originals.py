"""The originals' own words: a PDF's text layer page by page (English, and Arabic in logical order),
OCR of a scan and of a PDF page without text, memoised by the file's bytes, shown collapsed and
escaped on the page, in data/documents.json and in a `.txt` beside the file; Tesseract missing is
one warning. The PDFs and the scan are made here, from known text."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import stat
from pathlib import Path

import pytest
from rapidfuzz.distance import Levenshtein

from sitegen import cache as cache_module
from sitegen import originals
from sitegen.build import build
from sitegen.cache import Cache
from sitegen.cli import main
from sitegen.config import load_config
from sitegen.errors import BuildFailed
from tests.conftest import site_config

ARABIC_FONT = "/usr/share/fonts/truetype/noto/NotoNaskhArabic-Regular.ttf"
ENGLISH = ["The Security Council decides to remain seized of the matter.",
           "Adopted by 13 votes to none on 4 March 2021."]
ARABIC = "إن مجلس الأمن يقرر أن يبقي المسألة قيد نظره الفعلي ويدعو جميع الأطراف إلى السماح بوصول المساعدات."
SCANNED = "ARCHIVE COPY 1987"
TOLERANCE = 0.02  # character error rate allowed against the known text (extraction is exact today: 0.0)
OCR_TOLERANCE = 0.15  # for Tesseract on a clean 300 dpi rendering of large type


def cer(found: str, known: str) -> float:
    return Levenshtein.distance(" ".join(found.split()), " ".join(known.split())) / len(known)


def pdf(pages: list[str], arabic: bool = False) -> bytes:
    from fpdf import FPDF
    doc = FPDF()
    if arabic:
        doc.add_font("naskh", fname=ARABIC_FONT)
        doc.set_text_shaping(use_shaping_engine=True, direction="rtl")
    for text in pages:
        doc.add_page()
        doc.set_font("naskh" if arabic else "helvetica", size=14)
        doc.multi_cell(0, 10, text, align="R" if arabic else "L", new_x="LMARGIN", new_y="NEXT")
    return bytes(doc.output())


def scan_png(text: str = SCANNED) -> bytes:
    """A page image of `text` without any text layer: a small PDF page rasterised at 300 dpi."""
    import pypdfium2 as pdfium
    from fpdf import FPDF
    doc = FPDF(format=(120, 30))
    doc.set_auto_page_break(False)
    doc.add_page()
    doc.set_font("helvetica", "B", size=24)
    doc.set_xy(8, 9)
    doc.cell(0, 12, text)
    rendered = pdfium.PdfDocument(bytes(doc.output()))
    image = rendered[0].render(scale=300 / 72, grayscale=True).to_pil()
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def image_pdf(png: bytes) -> bytes:
    """A PDF whose one page is the scan, as a scanner makes it: an image, no text."""
    from fpdf import FPDF
    doc = FPDF(format=(120, 30))
    doc.set_auto_page_break(False)
    doc.add_page()
    doc.image(io.BytesIO(png), x=0, y=0, w=120, h=30)
    return bytes(doc.output())


def document(attachments: str, language: str = "en") -> str:
    return (f"---\ntitle: With originals\ndate: 2021-03\nsource: UN\nlanguage: {language}\n"
            f"attachments: {attachments}\n---\nBody.\n")


def site(make_site, attachments: str, files: dict[str, bytes], language: str = "en", ocr: bool = False) -> Path:
    extra = "attachments: {ocr: true}\n" if ocr else ""
    root = make_site({"content/documents/doc.md": document(attachments, language)}, config=site_config(extra=extra))
    for name, data in files.items():
        (root / "content/documents" / name).write_bytes(data)
    return root


def render(root: Path, **kwargs):
    return build(load_config(root / "sitegen.yaml", environ={}), until="render", **kwargs)


@pytest.fixture
def counted_tesseract(tmp_path, monkeypatch):
    """`tesseract` on PATH is a wrapper that logs each call, then runs the real one: the log counts OCR
    runs (not the `--version` and `--list-langs` questions)."""
    real = shutil.which("tesseract")
    if real is None:  # .ci/run installs it: under CI=true a missing Tesseract fails, as a missing Chromium does
        (pytest.fail if os.environ.get("CI") else pytest.skip)("Tesseract is not installed "
                                                               "(apt-get install tesseract-ocr tesseract-ocr-ara)")
    folder, log = tmp_path / "bin", tmp_path / "tesseract.log"
    folder.mkdir()
    wrapper = folder / "tesseract"
    wrapper.write_text(f'#!/bin/sh\necho "$@" >> "{log}"\nexec "{real}" "$@"\n')
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    return lambda questions=False: [line for line in (log.read_text().splitlines() if log.exists() else [])
                                    if questions or "--" not in line]


def test_english_and_arabic_text_layers_are_read_page_by_page(make_site):
    root = site(make_site, "[original.pdf]", {"original.pdf": pdf(ENGLISH)})
    files = render(root).files
    data = next(d for d in json.loads(files["data/documents.json"]) if d["id"] == "doc")
    pages = data["originals"][0]["pages"]
    assert [p["page"] for p in pages] == [1, 2] and {p["method"] for p in pages} == {"text"}
    assert all(cer(p["text"], known) <= TOLERANCE for p, known in zip(pages, ENGLISH))
    text = files["documents/doc/original.pdf.txt"].decode()
    assert text.index("=== original.pdf, page 1 ===") < text.index(ENGLISH[0]) < text.index("page 2 ===") < \
        text.index(ENGLISH[1])


def test_arabic_comes_out_in_logical_order_as_a_reader_would_type_it(make_site):
    root = site(make_site, "[original.pdf]", {"original.pdf": pdf([ARABIC], arabic=True)}, language="ar")
    files = render(root).files
    page = next(d for d in json.loads(files["data/documents.json"]) if d["id"] == "doc")["originals"][0]["pages"][0]
    assert cer(page["text"], ARABIC) <= TOLERANCE
    assert page["text"].split()[:3] == ["إن", "مجلس", "الأمن"]  # not reversed, words nor letters
    html = files["documents/doc.html"].decode()
    assert re.search(r'<details class="original-page">\s*<summary>.*?</summary>\s*'
                     r'<div class="original-text" lang="ar" dir="rtl">إن مجلس', html)


def test_presentation_forms_are_folded_and_controls_dropped():
    assert originals.clean("\ufed7\ufef4\ufe8e\ufea9\ufe93 \ufefb\r\nline\x00two") == "قيادة لا\nlinetwo"
    assert originals.clean("a   b\n\n\n\nc") == "a b\n\nc"


def test_hostile_extracted_text_is_escaped(make_site):
    hostile = "<script>alert(1)</script> & <img src=x onerror=alert(2)>"
    root = site(make_site, "[original.pdf]", {"original.pdf": pdf([hostile])})
    html = render(root).files["documents/doc.html"].decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;img src=x onerror=alert(2)&gt;" in html
    assert "<script>alert(1)" not in html and "<img src=x" not in html


def test_ocr_reads_a_scan_and_a_pdf_page_without_text_once(make_site, counted_tesseract, monkeypatch):
    png = scan_png()
    root = site(make_site, "[scan.png, scanned.pdf]", {"scan.png": png, "scanned.pdf": image_pdf(png)}, ocr=True)
    extracted = []
    monkeypatch.setattr(originals, "pdf_text", lambda data, real=originals.pdf_text: extracted.append(1) or real(data))
    config, out = load_config(root / "sitegen.yaml", environ={}), root / "build"
    cache = Cache(root)
    try:
        build(config, out=out, memo=cache)
    finally:
        cache.close()
    assert len(counted_tesseract()) == 2 and len(extracted) == 1
    asked = len(counted_tesseract(questions=True))
    data = next(d for d in json.loads((out / "data/documents.json").read_text()) if d["id"] == "doc")
    for original in data["originals"]:
        [page] = original["pages"]
        assert page["method"] == "ocr" and 0 <= page["confidence"] <= 100
        assert cer(page["text"], SCANNED) <= OCR_TOLERANCE, page["text"]
    html = (out / "documents/doc.html").read_text()
    assert "read by OCR" in html and \
        (out / "documents/doc/scan.png.txt").read_text().startswith("=== scan.png, page 1, OCR, confidence")
    (root / "content/documents/doc.md").write_text(document("[scan.png, scanned.pdf]").replace("With originals",
                                                                                               "Retitled"))
    cache = Cache(root)
    try:
        build(config, out=out, memo=cache)  # a changed field (a full build), unchanged files: nothing is read again
    finally:
        cache.close()
    assert len(counted_tesseract()) == 2 and len(extracted) == 1
    assert len(counted_tesseract(questions=True)) == asked  # not even its version: that is memoised too
    assert (out / "documents/doc/scan.png.txt").read_text().startswith("=== scan.png, page 1, OCR")


def test_one_attachment_asks_for_ocr_in_its_front_matter(make_site, counted_tesseract):
    root = site(make_site, "[{file: scan.png, ocr: true}, photo.png]",
                {"scan.png": scan_png(), "photo.png": scan_png("X")})
    files = render(root).files
    assert "documents/doc/scan.png.txt" in files and "documents/doc/photo.png.txt" not in files
    assert len(counted_tesseract()) == 1


@pytest.mark.parametrize("attachments, message, where", [
    ("[{file: scan.png, ocr: maybe}]", "`ocr` must be true or false", "doc.md:6:32"),
    ("[{file: scan.png, orc: true}]", "unknown attachment key `orc`", "doc.md:6:32"),
    ("[{ocr: true}]", "needs `file: name`", "doc.md:6:15"),
    ("[{file: ../x.png}]", "`../x.png` is not a file name", "doc.md:6:16"),
])
def test_a_wrong_attachment_item_is_an_error_at_its_place(make_site, attachments, message, where):
    root = site(make_site, attachments, {"scan.png": scan_png()})
    with pytest.raises(BuildFailed) as failed:
        render(root)
    shown = [d.format() for d in failed.value.diagnostics]
    assert any(where in line and message in line for line in shown), shown


def test_without_tesseract_the_build_goes_on_with_one_warning(make_site, monkeypatch, capsys):
    root = site(make_site, "[scan.png, original.pdf]", {"scan.png": scan_png(), "original.pdf": pdf(ENGLISH)}, ocr=True)
    empty = root.parent / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    result = render(root)
    [warning] = [w for w in result.warnings if "Tesseract" in w.message]
    assert "apt-get install tesseract-ocr tesseract-ocr-ara" in warning.hint
    assert "documents/doc/original.pdf.txt" in result.files and "documents/doc/scan.png.txt" not in result.files
    with pytest.raises(BuildFailed):
        render(root, strict=True)
    assert main(["build", "--no-cache"]) == 0
    lines = [line for line in capsys.readouterr().err.splitlines() if "Tesseract" in line]
    assert len(lines) == 1 and "apt-get install tesseract-ocr tesseract-ocr-ara" in lines[0]


def test_a_damaged_pdf_is_published_with_a_warning(make_site):
    root = site(make_site, "[original.pdf]", {"original.pdf": b"%PDF-1.4\n" + b"x" * 100})
    result = render(root)
    assert result.files["documents/doc/original.pdf"].startswith(b"%PDF")
    assert any("doc.md:6:15: warning: the text of attachment `original.pdf` cannot be read" in w.format()
               for w in result.warnings), [w.format() for w in result.warnings]


# ---- search: the originals' text is a field of its own ----

def test_the_originals_text_is_indexed_below_the_body_with_the_bodys_analysis(make_site, tmp_path):
    from sitegen.analysis import terms
    from tests.test_search import all_terms, data_file
    root = site(make_site, "[original.pdf]", {"original.pdf": pdf([ARABIC], arabic=True)}, language="ar")
    build(load_config(root / "sitegen.yaml", environ={}), out=tmp_path / "out")
    core = data_file(tmp_path / "out/search/core.js")
    fields = dict(zip(core["fields"], core["boosts"]))
    assert fields["originals"] == 0.5 < fields["body"] and core["fields"][-2:] == ["originals", "body"]
    wanted = set(terms("الأمن المساعدات"))  # words only the PDF has, analysed as the body's are
    assert wanted and wanted <= set(all_terms(tmp_path / "out"))
    [n] = [p.stem for p in (tmp_path / "out/search/o").glob("*.js")]
    [[name, href, number, text]] = data_file(tmp_path / f"out/search/o/{n}.js")
    assert (name, href, number) == ("original.pdf", "documents/doc/original.pdf", 1) and text.startswith("إن مجلس")
    assert data_file(tmp_path / f"out/search/r/{n}.js")["originals"] == 1
    (root / "sitegen.yaml").write_text(site_config(extra="search: {originals: 0}\n"))
    build(load_config(root / "sitegen.yaml", environ={}), out=tmp_path / "out0")
    assert "originals" not in data_file(tmp_path / "out0/search/core.js")["fields"]
    assert not wanted & set(all_terms(tmp_path / "out0")) and not (tmp_path / "out0/search/o").exists()


@pytest.mark.parametrize("value", ["-1", "true", "high"])
def test_the_originals_boost_must_be_a_number(make_site, value):
    root = site(make_site, "[original.pdf]", {"original.pdf": pdf(ENGLISH)})
    (root / "sitegen.yaml").write_text(site_config(extra=f"search:\n  originals: {value}\n"))
    with pytest.raises(BuildFailed) as failed:
        load_config(root / "sitegen.yaml", environ={})
    assert any("sitegen.yaml:8:3:" in d.format() and "`originals` must be a number" in d.message
               for d in failed.value.diagnostics), [d.format() for d in failed.value.diagnostics]


@pytest.mark.browser
def test_a_result_says_on_which_page_of_the_original_it_matched(browser, make_site, tmp_path):
    root = site(make_site, "[original.pdf]",
                {"original.pdf": pdf(["Nothing here.", "The zanzibarite deposits <b>x</b>."])})
    build(load_config(root / "sitegen.yaml", environ={}), out=tmp_path / "out")
    page = browser.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto((tmp_path / "out/search.html").as_uri() + "?q=zanzibarite")
    page.wait_for_function("document.querySelectorAll('#search-results .result-original').length === 1")
    where = page.locator("#search-results .result-original a")
    assert where.text_content() == "in original.pdf, p. 2:"
    assert where.get_attribute("href") == "documents/doc/original.pdf#page=2"
    assert page.locator("#search-results .result-original mark").text_content() == "zanzibarite"
    assert page.locator("#search-results .result-original b").count() == 0 and errors == []
    page.close()


def test_ocr_and_text_layers_outlive_a_new_sitegen(make_site, counted_tesseract, monkeypatch):
    """A cache made by other sitegen code is started afresh, but for the text the engines made
    (`cache.DURABLE`): after an upgrade no scan is OCRed and no PDF read again; everything else is."""
    png = scan_png()
    root = site(make_site, "[scan.png, scanned.pdf]", {"scan.png": png, "scanned.pdf": image_pdf(png)}, ocr=True)
    config, out = load_config(root / "sitegen.yaml", environ={}), root / "build"
    extracted = []
    monkeypatch.setattr(originals, "pdf_text", lambda data, real=originals.pdf_text: extracted.append(1) or real(data))

    def built():
        cache = Cache(root)
        try:
            build(config, out=out, memo=cache)
            return cache.notices
        finally:
            cache.close()
    built()
    assert len(counted_tesseract()) == 2 and len(extracted) == 1
    before = (out / "documents/doc/scan.png.txt").read_bytes()
    monkeypatch.setattr(cache_module, "_code_digest", lambda: b"another sitegen")
    rendered = []
    monkeypatch.setattr(Cache, "reuse", lambda self, ns, keyed, compute, later=False, real=Cache.reuse:
                        real(self, ns, keyed, lambda todo: rendered.append((ns, len(todo))) or compute(todo), later))
    notices = built()
    assert any("another sitegen version" in n for n in notices), notices
    assert len(counted_tesseract()) == 2 and len(extracted) == 1  # neither engine ran again
    assert any(ns == "bodies" and n for ns, n in rendered)  # the rest was made again
    assert (out / "documents/doc/scan.png.txt").read_bytes() == before
