"""The originals' own words: the text of a document's attachments, page by page, for its page, the
data export and a `.txt` beside each file.

Owns reading a PDF's text layer (pypdfium2: chosen by `benchmarks/pdftext_bench.py`, the only one of
three that gave Arabic in logical order with figures and Latin words in place), OCR through
Tesseract (`tesseract` on PATH, run as a program) of images and of PDF pages without a text layer
(rasterised by pypdfium2) where `attachments: {ocr: true}` or an attachment's own `ocr: true` asks
for it, in the document's language and English, and making the text as a reader would type it
(presentation forms folded, controls dropped). Every result is memoised by the file's bytes: a
rebuild never parses or OCRs an unchanged file again. Pages are OCRed over the workers, one at a
time. Tesseract missing is a warning (an error under --strict) and the build goes on without OCR.
Does not read files (the bytes come from `attachments`), print, or decide how the text is shown.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import tempfile
import unicodedata
from dataclasses import replace
from pathlib import Path
from typing import Callable

from sitegen.attachments import Attachment, PageText
from sitegen.cache import NO_MEMO, Memo, digest
from sitegen.config import Config
from sitegen.errors import WARNING, Diagnostic, shown_path
from sitegen.schema import DocumentRecord
from sitegen.workers import parallel_map

TESSERACT = "tesseract"
RULES = "1"  # the version of what sitegen does to an engine's text (`clean`, pages, confidence): its cached
#              text and OCR outlive a new sitegen (`cache.DURABLE`), so a change here must bump it
INSTALL = "apt-get install tesseract-ocr tesseract-ocr-ara"
OCR_IMAGES = {"jpg", "jpeg", "png", "gif", "webp", "tif", "tiff"}  # what Tesseract (Leptonica) opens itself
OCR_DPI = 300  # PDF pages are rasterised at this resolution: Tesseract's documented sweet spot
OCR_MAX_PIXELS = 40_000_000  # a page larger than this (a poster, a hostile MediaBox) is rasterised smaller
OCR_TIMEOUT_S = 300  # one page; a scan Tesseract cannot finish in five minutes is left without text
LOW_CONFIDENCE = 80  # below this mean word confidence, pages show it: the text may be wrong
# BCP 47 primary language -> Tesseract's traineddata (Debian: tesseract-ocr-<code>)
TESSERACT_LANGS = {"en": "eng", "ar": "ara", "fr": "fra", "es": "spa", "de": "deu", "ru": "rus", "zh": "chi_sim",
                   "fa": "fas", "ur": "urd", "tr": "tur", "he": "heb", "it": "ita", "pt": "por"}
PRESENTATION_FORMS = re.compile("[\ufb50-\ufdff\ufe70-\ufefe]")  # Arabic Presentation Forms-A and -B
CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufeff\ufffe\uffff]")

Progress = Callable[[int, int], None]  # (pages OCRed, pages to OCR)


def clean(text: str) -> str:
    """Text as a reader would type it: presentation forms (how old PDFs store Arabic letters' shapes)
    folded to letters by NFKC, controls dropped, spaces within a line and blank lines collapsed."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = PRESENTATION_FORMS.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)
    text = CONTROLS.sub("", text)
    lines = [" ".join(line.split()) for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def pdf_text(data: bytes) -> tuple[tuple[str, ...], str]:
    """The text layer of each page of a PDF, cleaned ("" for a page without one), and a problem ("" if
    none): a damaged or password-protected file has no pages."""
    import pypdfium2 as pdfium  # here: a site without PDFs never loads PDFium
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        return (), f"PDFium cannot open it ({exc})"
    try:
        return tuple(clean(page.get_textpage().get_text_range()) for page in document), ""
    finally:
        document.close()


def tesseract_engine(memo: Memo = NO_MEMO) -> tuple[str, frozenset[str]] | None:
    """Tesseract's version line and its installed languages, or None when it is not on PATH. Asking
    it takes 0.1 s, so the answer is memoised by the program's and its data folder's file times: a
    build whose OCR is all in the cache is as fast as one without OCR."""
    program = shutil.which(TESSERACT)
    if program is None:
        return None
    try:
        found = os.stat(program)
    except OSError:
        return None
    key = digest("tesseract", os.path.realpath(program), str(found.st_size), str(found.st_mtime_ns),
                 os.environ.get("TESSDATA_PREFIX", ""))
    known = memo.load("tesseract", key)
    if known is not None and _folder_time(known[2]) == known[3]:
        return known[0], known[1]
    asked = _ask(program)
    if asked is not None:
        memo.store("tesseract", key, asked)
    return None if asked is None else (asked[0], asked[1])


def _ask(program: str) -> tuple[str, frozenset[str], str, int | None] | None:
    """(version line, languages, data folder, the folder's time) from the program itself."""
    try:
        version = subprocess.run([program, "--version"], capture_output=True, text=True, timeout=30)
        listed = subprocess.run([program, "--list-langs"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    first = (version.stdout or version.stderr).strip().splitlines()
    lines = listed.stdout.splitlines()
    folder = re.search(r'"(.+)"', lines[0]).group(1) if lines and '"' in lines[0] else ""
    langs = frozenset(line.strip() for line in lines[1:] if line.strip())
    return (first[0] if first else "tesseract"), langs, folder, _folder_time(folder)


def _folder_time(folder: str) -> int | None:
    """When a language was last added to or removed from Tesseract's data folder."""
    try:
        return os.stat(folder).st_mtime_ns if folder else None
    except OSError:
        return None


def engine_name(memo: Memo = NO_MEMO) -> str:
    """What OCR would be done with now (`LastBuild.ocr`: a build that needed OCR is redone when this changes)."""
    engine = tesseract_engine(memo)
    return "missing" if engine is None else f"{engine[0]} {'+'.join(sorted(engine[1]))}"


def read_originals(records: list[DocumentRecord], files: dict[str, bytes], config: Config, memo: Memo, jobs: int,
                   progress: Progress | None = None
                   ) -> tuple[list[DocumentRecord], dict[str, bytes], list[Diagnostic], str]:
    """The records with their attachments' text (`Attachment.pages`), the `.txt` files to publish
    beside the attachments, the problems found (warnings), and `engine_name()` when some page was
    to be OCRed ("" when none was)."""
    attached = [(r, a) for r in records for a in r.attachments]
    sums = {a.href: hashlib.sha256(files[a.href]).digest() for _, a in attached
            if _extension(a) in OCR_IMAGES | {"pdf"}}
    layers = _text_layers([a.href for _, a in attached if _extension(a) == "pdf"], files, sums, memo, jobs)
    problems = [Diagnostic(r.path, *a.at, f"the text of attachment `{a.name}` cannot be read: {layers[a.href][1]}",
                           "publish a copy without a password, or leave its text out", WARNING)
                for r, a in attached if a.href in layers and layers[a.href][1]]
    wanted = [(r, a, i) for r, a in attached if _ocr_wanted(a, config) for i in _pages_without_text(a, layers)]
    ocr, engine, more = _ocr_pages(wanted, files, sums, config, memo, jobs, progress)
    problems += more
    texts, out = {}, []
    for record in records:
        found = []
        for a in record.attachments:
            pages = _pages(a, layers.get(a.href, ((), ""))[0], ocr)
            found.append(replace(a, pages=pages))
            if pages:
                texts[a.href + ".txt"] = page_file(a.name, pages)
        out.append(replace(record, attachments=tuple(found)) if record.attachments else record)
    for r, a in attached:
        if a.href + ".txt" in files and a.href + ".txt" in texts:
            del texts[a.href + ".txt"]
            problems.append(Diagnostic(r.path, *a.at, f"`{a.name}.txt` is attached too, so the text read from "
                                       f"`{a.name}` is not published beside it", f"rename `{a.name}.txt`", WARNING))
    return out, texts, problems, engine


def page_file(name: str, pages: tuple[PageText, ...]) -> bytes:
    """The `.txt` beside an attachment: each page's text under a line naming it (and how it was read)."""
    parts = []
    for page in pages:
        how = f", OCR, confidence {page.confidence:.0f} %" if page.method == "ocr" and page.confidence is not None \
            else ", OCR" if page.method == "ocr" else ""
        parts.append(f"=== {name}, page {page.number}{how} ===\n\n{page.text}\n")
    return "\n".join(parts).encode("utf-8")


def _extension(a: Attachment) -> str:
    return a.name.rsplit(".", 1)[1].lower()


def _ocr_wanted(a: Attachment, config: Config) -> bool:
    return (config.attachments.ocr if a.ocr is None else a.ocr) and _extension(a) in OCR_IMAGES | {"pdf"}


def _text_layers(hrefs: list[str], files: dict[str, bytes], sums: dict[str, bytes], memo: Memo, jobs: int
                 ) -> dict[str, tuple[tuple[str, ...], str]]:
    """Each PDF's `pdf_text`, memoised by its bytes."""
    keyed = [(digest("pdf text", RULES, _pdfium_version(), sums[h]), h) for h in hrefs]
    found = memo.reuse("pdf text", keyed, lambda todo: parallel_map(_text_layer, todo, jobs, shared=files))
    return dict(zip(hrefs, found))


def _text_layer(files: dict[str, bytes], href: str) -> tuple[tuple[str, ...], str]:
    return pdf_text(files[href])


def _pages_without_text(a: Attachment, layers: dict[str, tuple[tuple[str, ...], str]]) -> list[int]:
    """The 0-based pages of `a` with no text layer: an image's one page, a PDF's empty ones."""
    if _extension(a) != "pdf":
        return [0]
    pages, problem = layers[a.href]
    return [] if problem else [i for i, text in enumerate(pages) if not text]


def _ocr_pages(wanted: list[tuple[DocumentRecord, Attachment, int]], files: dict[str, bytes], sums: dict[str, bytes],
               config: Config, memo: Memo, jobs: int, progress: Progress | None
               ) -> tuple[dict[tuple[str, int], tuple[str, float | None]], str, list[Diagnostic]]:
    """(href, page) -> (text, confidence) for the pages to OCR, memoised by the file's bytes, the
    engine's name and the languages; the engine's name ("" when nothing was to be OCRed); problems."""
    if not wanted:
        return {}, "", []
    engine = tesseract_engine(memo)
    if engine is None:
        return {}, "missing", [Diagnostic(shown_path(Path(config.path)), 1, 1, f"{len(wanted)} pages of scans are to "
                                          "be read by OCR, but Tesseract is not installed; building without their "
                                          "text",
                                          f"install it: {INSTALL}", WARNING)]
    name, installed = engine
    problems, items = [], []
    for record, a, page in wanted:
        langs, missing = _languages(record.language, installed)
        if missing and not any(missing in d.message for d in problems):
            problems.append(Diagnostic(record.path, *a.at, f"Tesseract has no `{missing}` data: `{record.language}` "
                                       f"scans are read as {'+'.join(langs) or 'nothing'}",
                                       f"apt-get install tesseract-ocr-{missing.replace('_', '-')}", WARNING))
        if langs:
            items.append((a.href, _extension(a), page, "+".join(langs)))
    keyed = [(digest("ocr", RULES, name, langs, sums[href], str(page)), (href, ext, page, langs))
             for href, ext, page, langs in items]
    todo: list = []
    tell = (lambda done: progress(done, len(todo))) if progress else None

    def compute(missing: list) -> list:
        todo[:] = missing
        if progress:
            progress(0, len(missing))
        return parallel_map(_ocr_page, missing, jobs, tell, shared=files, chunk=1)
    results = memo.reuse("ocr", keyed, compute)
    out = {}
    for (href, ext, page, _), (text, confidence, trouble) in zip(items, results):
        out[(href, page)] = (text, confidence)
        if trouble:
            record, a = next((r, a) for r, a, _ in wanted if a.href == href)
            problems.append(Diagnostic(record.path, *a.at, f"Tesseract could not read page {page + 1} of "
                                       f"`{href.rsplit('/', 1)[1]}`: {trouble}", "", WARNING))
    return out, f"{name} {'+'.join(sorted(installed))}", problems


def _languages(language: str, installed: frozenset[str]) -> tuple[list[str], str]:
    """Tesseract's languages for a document in `language`: its own and English, those installed; and
    the document's own when it is not installed ("" if it is, or Tesseract has none for it)."""
    own = TESSERACT_LANGS.get(language.split("-")[0].lower(), "")
    wanted = list(dict.fromkeys(code for code in (own, "eng") if code))
    return [code for code in wanted if code in installed], own if own and own not in installed else ""


def _ocr_page(files: dict[str, bytes], item: tuple[str, str, int, str]) -> tuple[str, float | None, str]:
    """(text, mean word confidence, problem) of one page: an image as it is, a PDF page rasterised."""
    href, ext, page, langs = item
    if ext == "pdf":
        image, suffix = render_page(files[href], page), ".pgm"
    else:
        image, suffix = files[href], "." + ext
    return ocr_image(image, suffix, langs)


def render_page(data: bytes, index: int) -> bytes:
    """Page `index` of a PDF as a greyscale PGM image at OCR_DPI (less for a huge page)."""
    import pypdfium2 as pdfium
    document = pdfium.PdfDocument(data)
    try:
        page = document[index]
        width, height = page.get_size()  # points
        scale = min(OCR_DPI / 72, (OCR_MAX_PIXELS / max(1.0, width * height)) ** 0.5)
        bitmap = page.render(scale=scale, grayscale=True)
        w, h, stride, buffer = bitmap.width, bitmap.height, bitmap.stride, bytes(bitmap.buffer)
    finally:
        document.close()
    rows = b"".join(buffer[y * stride:y * stride + w] for y in range(h))
    return b"P5\n%d %d\n255\n" % (w, h) + rows


def ocr_image(image: bytes, suffix: str, langs: str) -> tuple[str, float | None, str]:
    """Tesseract's text of one image and its mean word confidence (0-100; None without words), and a
    problem ("" if none). One thread per process: the workers already use every core."""
    with tempfile.TemporaryDirectory(prefix="sitegen-ocr-") as tmp:
        source, base = Path(tmp) / f"page{suffix}", Path(tmp) / "out"
        source.write_bytes(image)
        try:
            run = subprocess.run([TESSERACT, str(source), str(base), "-l", langs, "txt", "tsv"], capture_output=True,
                                 timeout=OCR_TIMEOUT_S, env={**os.environ, "OMP_THREAD_LIMIT": "1"})
        except subprocess.TimeoutExpired:
            return "", None, f"no answer in {OCR_TIMEOUT_S} s"
        except OSError as exc:
            return "", None, exc.strerror or str(exc)
        text_file, tsv_file = base.with_suffix(".txt"), base.with_suffix(".tsv")
        if run.returncode != 0 or not text_file.exists():
            said = run.stderr.decode("utf-8", "replace").strip().splitlines()
            return "", None, (said[-1] if said else f"exit status {run.returncode}")[:200]
        text = clean(text_file.read_text("utf-8", errors="replace"))
        return text, _confidence(tsv_file.read_text("utf-8", errors="replace") if tsv_file.exists() else ""), ""


def _confidence(tsv: str) -> float | None:
    """The mean confidence of the words in Tesseract's TSV (level 5 rows; -1 marks a non-word)."""
    scores = []
    for line in tsv.splitlines()[1:]:
        cells = line.split("\t")
        if len(cells) == 12 and cells[0] == "5" and cells[11].strip():
            try:
                score = float(cells[10])
            except ValueError:
                continue
            if score >= 0:
                scores.append(score)
    return round(sum(scores) / len(scores), 1) if scores else None


def _pages(a: Attachment, layer: tuple[str, ...], ocr: dict[tuple[str, int], tuple[str, float | None]]
           ) -> tuple[PageText, ...]:
    """The pages of `a` that have text, each from its text layer or else from OCR."""
    count = len(layer) if _extension(a) == "pdf" else 1
    pages = []
    for i in range(count):
        if i < len(layer) and layer[i]:
            pages.append(PageText(i + 1, layer[i], "text"))
        elif (a.href, i) in ocr and ocr[(a.href, i)][0]:
            text, confidence = ocr[(a.href, i)]
            pages.append(PageText(i + 1, text, "ocr", confidence))
    return tuple(pages)


def _pdfium_version() -> str:
    import pypdfium2.version as version
    return f"{version.PYPDFIUM_INFO} {version.PDFIUM_INFO}"

