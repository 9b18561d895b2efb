"""Files published with a document (`attachments: [original.pdf, scan-1.jpg]`): the original PDF, a
scan, a photograph, kept next to the document's Markdown file and copied beside its page.

Owns finding them, reading their bytes (through `sources.read`, after checking that the file, links
resolved, is inside the document's own folder) and describing them for the page (type, size, shown as
an image or linked). A missing or unreadable file is an error at its line in `attachments`. Runs on
every build, never cached with the record: the file may change while the Markdown does not.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, replace
from pathlib import Path

from sitegen import sources, urls
from sitegen.errors import Diagnostic
from sitegen.limits import Limits, hint
from sitegen.schema import DocumentRecord

# extension -> (media type, label, shown as an image). Other types are refused: an HTML or SVG file
# opened from the archive could run script with the archive's origin.
TYPES = {
    "pdf": ("application/pdf", "PDF", False),
    "jpg": ("image/jpeg", "JPEG image", True), "jpeg": ("image/jpeg", "JPEG image", True),
    "png": ("image/png", "PNG image", True), "gif": ("image/gif", "GIF image", True),
    "webp": ("image/webp", "WebP image", True),
    "tif": ("image/tiff", "TIFF image", False), "tiff": ("image/tiff", "TIFF image", False),
    "txt": ("text/plain", "text", False), "csv": ("text/csv", "CSV", False),
    "odt": ("application/vnd.oasis.opendocument.text", "OpenDocument text", False),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word document", False),
    "mp3": ("audio/mpeg", "MP3 audio", False), "mp4": ("video/mp4", "MP4 video", False),
}


@dataclass(frozen=True)
class PageText:
    """The text of one page of an attachment (an image is one page), as `originals` read it."""

    number: int  # from 1
    text: str
    method: str  # "text": the PDF's text layer; "ocr": read from the image by Tesseract
    confidence: float | None = None  # Tesseract's mean word confidence, 0-100 (OCR only)


@dataclass(frozen=True)
class Attachment:
    name: str
    href: str  # output-root path
    media_type: str
    label: str  # "PDF", "JPEG image"
    size: int  # bytes
    image: bool  # shown on the page, not only linked
    ocr: bool | None = None  # as written (`{file: ..., ocr: true}`); None: as the site's `attachments: {ocr}` says
    at: tuple[int, int] = (1, 1)  # its line and column in the front matter, for problems with its text
    pages: tuple[PageText, ...] = ()  # its text, page by page, once `originals.read_originals` has read it


def read_attachments(documents: list[DocumentRecord], limits: Limits, layout: urls.Layout = urls.FLAT
                     ) -> tuple[list[DocumentRecord], dict[str, bytes], list[Diagnostic], bytes]:
    """The records with their attachments described, the files to publish by output path, every
    problem, and a digest of the attachments' names and bytes (so an unchanged Markdown file with a
    changed scan is still a changed input)."""
    records, files, problems = [], {}, []
    for record in documents:
        found = []
        for ref in record.attachments:
            data, trouble = _read(record, ref.text, limits)
            if data is None:
                problems += [Diagnostic(record.path, ref.line, ref.col, trouble[0], trouble[1])]
                continue
            media, label, image = TYPES[ref.text.rsplit(".", 1)[1].lower()]
            href = layout.attachment(record.id, ref.text)
            files[href] = data
            found.append(Attachment(ref.text, href, media, label, len(data), image, getattr(ref, "ocr", None),
                                    (ref.line, ref.col)))
        records.append(replace(record, attachments=tuple(found)) if record.attachments else record)
    return records, files, problems, attachments_key(files)


def attachments_key(files: dict[str, bytes]) -> bytes:
    """A digest of the attachments' output paths and bytes."""
    digest = hashlib.sha256()
    for href, data in files.items():
        digest.update(href.encode() + b"\0" + hashlib.sha256(data).digest())
    return digest.digest()


def _read(record: DocumentRecord, name: str, limits: Limits) -> tuple[bytes | None, tuple[str, str]]:
    """The attachment's bytes, or None and (message, hint)."""
    extension = name.rsplit(".", 1)[1].lower()
    if extension not in TYPES:
        return None, (f"attachment `{name}` is of a type the archive does not publish",
                      "one of: " + ", ".join(sorted(TYPES)))
    folder = Path(record.path).parent
    path = folder / name
    if not path.is_file():
        return None, (f"attachment `{name}` is not next to the document", f"put it in {folder.as_posix() or '.'}/ "
                      "or remove it from `attachments`")
    if Path(os.path.realpath(path)).parent != Path(os.path.realpath(folder)):
        return None, (f"attachment `{name}` is a link to a file outside the document's folder",
                      "copy the file itself here")
    data, found = sources.read(path, replace(limits, file_kb=limits.attachment_kb))
    if data is None:
        message = found[0].message.replace("file is", f"attachment `{name}` is").replace("file_kb", "attachment_kb")
        return None, (message, hint("attachment_kb", "publish a smaller copy") if "limit" in message else found[0].hint)
    return data, ("", "")


def describe_size(size: int) -> str:
    """"820 bytes", "120 KB", "1.2 MB": as file managers say it."""
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{round(size / 1024)} KB"
    return f"{size / (1024 * 1024):.1f} MB"
