"""Attachments: copied beside the document's page, listed with type and size, images shown and PDFs
linked; a missing one, a path, a link out of the folder or a refused type is an error at its line."""

from __future__ import annotations

import os
import re

import pytest

from sitegen.build import build
from sitegen.config import load_config
from sitegen.errors import BuildFailed
from tests.conftest import site_config

PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c4944415478da63f8cf0000"
                    "03010100c9fe92ef0000000049454e44ae426082")


def document(attachments: str) -> str:
    return (f"---\ntitle: With files\ndate: 2020-05\nsource: Wire\nlanguage: en\n"
            f"attachments: {attachments}\n---\nBody.\n")


def run(make_site, attachments: str, files: dict[str, bytes], extra: str = ""):
    root = make_site({"content/documents/withfiles.md": document(attachments)}, config=site_config(extra=extra))
    for name, data in files.items():
        (root / "content/documents" / name).write_bytes(data)
    return root, build(load_config(root / "sitegen.yaml", environ={}), until="render")


def test_attachments_are_copied_beside_the_page_and_listed_with_type_and_size(make_site):
    pdf = b"%PDF-1.4\n" + b"x" * 2000
    _, result = run(make_site, "[original.pdf, scan-1.png]", {"original.pdf": pdf, "scan-1.png": PNG},
                    extra="base_url: https://a.example/\n")
    assert result.files["documents/withfiles/original.pdf"] == pdf
    assert result.files["documents/withfiles/scan-1.png"] == PNG
    page = result.files["documents/withfiles.html"].decode()
    assert re.search(r'<a href="withfiles/original.pdf" type="application/pdf"[^>]*>original.pdf</a>\s*'
                     r'<span class="count">PDF, 2 KB</span>', page)
    assert '<img src="withfiles/scan-1.png" alt="" loading="lazy">scan-1.png</a>' in page
    assert f"PNG image, {len(PNG)} bytes" in page
    assert '<img src="withfiles/original.pdf"' not in page  # a PDF is linked, not shown
    assert '<meta name="citation_pdf_url" content="https://a.example/documents/withfiles/original.pdf">' in page
    assert "documents/withfiles/original.pdf" in result.files["data/documents.csv"].decode()


def test_a_changed_attachment_is_a_changed_input(make_site):
    root, first = run(make_site, "[scan.png]", {"scan.png": PNG})
    (root / "content/documents/scan.png").write_bytes(PNG + b"\0")
    second = build(load_config(root / "sitegen.yaml", environ={}), until="render")
    assert second.files["documents/withfiles/scan.png"] == PNG + b"\0"


@pytest.mark.parametrize("attachments, files, message, line", [
    ("[original.pdf, missing.pdf]", {"original.pdf": b"%PDF"}, "attachment `missing.pdf` is not next to the document",
     6),
    ("\n  - ok.pdf\n  - ../../sitegen.yaml", {"ok.pdf": b"%PDF"},
     "`../../sitegen.yaml` is not a file name in this document's folder", 8),
    ("[sub/scan.png]", {}, "`sub/scan.png` is not a file name", 6),
    ("[page.html]", {"page.html": b"<script>alert(1)</script>"},
     "attachment `page.html` is of a type the archive does not publish", 6),
])
def test_bad_attachments_are_errors_at_their_line(make_site, attachments, files, message, line):
    with pytest.raises(BuildFailed) as info:
        run(make_site, attachments, files)
    found = [d for d in info.value.diagnostics if message in d.message]
    assert found and found[0].line == line and found[0].path.endswith("withfiles.md"), info.value.diagnostics


def test_a_link_leading_out_of_the_folder_is_refused(make_site, tmp_path):
    secret = tmp_path / "secret.pdf"
    secret.write_bytes(b"%PDF secret")
    root = make_site({"content/documents/withfiles.md": document("[leak.pdf]")})
    os.symlink(secret, root / "content/documents/leak.pdf")
    with pytest.raises(BuildFailed) as info:
        build(load_config(root / "sitegen.yaml", environ={}), until="render")
    assert any("link to a file outside the document's folder" in d.message and d.line == 6
               for d in info.value.diagnostics)


def test_an_attachment_over_the_limit_is_an_error_naming_the_limit(make_site):
    with pytest.raises(BuildFailed) as info:
        run(make_site, "[big.pdf]", {"big.pdf": b"x" * 3000}, extra="limits:\n  attachment_kb: 1\n")
    found = [d for d in info.value.diagnostics if "big.pdf" in d.message]
    assert found and "over the limit of 1 KB" in found[0].message and "attachment_kb" in found[0].hint
