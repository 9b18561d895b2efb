"""The apparatus's own pages and panels meet WCAG 2.1 A/AA under axe-core, like the rest of the site:
the "About the data" page in both editions, and a document with attachments, feeds and Scholar tags."""

from __future__ import annotations

import pytest

from sitegen.build import build
from sitegen.config import load_config
from tests.conftest import site_config
from tests.test_a11y import axe_on
from tests.test_apparatus_attachments import PNG


@pytest.mark.browser
@pytest.mark.parametrize("path", ["data/index.html", "ar/data/index.html"])
def test_axe_finds_no_wcag_violation_on_the_data_page(browser, sample_build, path):
    assert axe_on(browser, (sample_build / path).as_uri()) == []


@pytest.mark.browser
def test_axe_finds_no_wcag_violation_on_a_document_with_attachments(browser, make_site, tmp_path):
    doc = ("---\ntitle: With files\ndate: 2020-05~\nsource: Wire\nlanguage: en\ngenre: report\nretrieved: 2024-01-05\n"
           "url: https://example.org/x\nattachments: [original.pdf, scan.png]\nsummary: Short.\n---\nBody.\n")
    root = make_site({"content/documents/withfiles.md": doc}, config=site_config(extra="base_url: https://a.example/\n"))
    (root / "content/documents/original.pdf").write_bytes(b"%PDF-1.4 x")
    (root / "content/documents/scan.png").write_bytes(PNG)
    build(load_config(root / "sitegen.yaml", environ={}), out=tmp_path / "out")
    assert axe_on(browser, (tmp_path / "out/documents/withfiles.html").as_uri(), ready="button.copy") == []
