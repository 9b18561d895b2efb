"""`sitegen pack`: one zip under one folder, a SHA256SUMS manifest that checks, a README for readers,
byte-identical when packed twice, and a search that works from the unzipped copy over file://."""

from __future__ import annotations

import hashlib
import zipfile
from urllib.parse import quote

import pytest

from sitegen.cli import main
from tests.conftest import site_config

BROKEN = "---\ntitle: Broken\ndate: 2021-13-01\nsource: X\nlanguage: en\n---\nBody.\n"


@pytest.fixture
def packed(make_site, tmp_path, capsys):
    make_site(config=site_config(extra="build_date: '2026-01-02'\n").replace("build_date: '2026-01-01'\n", ""))
    assert main(["pack", "--out", str(tmp_path / "packs")]) == 0
    assert "packed" in capsys.readouterr().out
    return tmp_path / "packs" / "test-archive-2026-01-02.zip"


def test_the_zip_holds_the_site_under_one_folder_with_a_manifest_that_checks(packed, tmp_path):
    with zipfile.ZipFile(packed) as archive:
        names = archive.namelist()
        assert all(n.startswith("test-archive-2026-01-02/") for n in names)
        archive.extractall(tmp_path / "unzipped")
    root = tmp_path / "unzipped/test-archive-2026-01-02"
    listed = {}
    for line in (root / "SHA256SUMS").read_text().splitlines():
        digest, path = line.split("  ", 1)
        listed[path] = digest
    on_disk = {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()} - {"SHA256SUMS", "README.txt"}
    assert set(listed) == on_disk and "index.html" in listed and "search.html" in listed
    for path, digest in listed.items():
        assert hashlib.sha256((root / path).read_bytes()).hexdigest() == digest, path
    readme = (root / "README.txt").read_text(encoding="utf-8")
    assert "open index.html" in readme and "sha256sum -c SHA256SUMS" in readme and "Test archive" in readme


def test_packing_twice_gives_the_same_bytes(packed, tmp_path):
    first = packed.read_bytes()
    assert main(["pack", "--out", str(tmp_path / "packs")]) == 0
    assert packed.read_bytes() == first


def test_a_site_with_errors_packs_nothing(make_site, tmp_path, capsys):
    make_site({"content/documents/broken.md": BROKEN})
    assert main(["pack", "--out", str(tmp_path / "packs")]) == 1
    err = capsys.readouterr().err
    assert "broken.md:3:" in err and "has no month 13" in err
    assert not (tmp_path / "packs").exists() or not list((tmp_path / "packs").iterdir())


@pytest.mark.browser
def test_search_works_from_the_unzipped_copy(packed, tmp_path, browser):
    zipfile.ZipFile(packed).extractall(tmp_path / "offline")
    search = tmp_path / "offline/test-archive-2026-01-02/search.html"
    page = browser.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(search.as_uri() + "?q=" + quote("first report"))
    page.wait_for_function("document.getElementById('search-app').getAttribute('aria-busy') === 'false'"
                           " && document.querySelectorAll('#search-results a.doc-title').length > 0", timeout=10_000)
    hrefs = page.eval_on_selector_all("#search-results a.doc-title", "els => els.map(e => e.getAttribute('href'))")
    assert page.url.startswith("file://") and hrefs[0].endswith("documents/first-report.html") and errors == []
    page.close()
