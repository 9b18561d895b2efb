"""Every output folder stays under `limits.folder_entries` FAT32 entries (issue 25, "an offline copy fits on
any stick"): the counting, the layout (flat while it fits, then documents by date, split by a hash where a
month is too full; terms split the same way; search records in numbered folders), old addresses kept by
redirects, a built site written into a real FAT32 image with mtools, and the site working from file://."""

from __future__ import annotations

import base64
import os
import random
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from sitegen import urls
from sitegen.build import build
from sitegen.cache import open_cache
from sitegen.cli import main
from sitegen.config import load_config
from sitegen.errors import BuildFailed

from tests.conftest import ROOT, site_config
from tests.test_cache import cold_and_warm, edit, tree

LIMIT = 50


def entries_on_disk(out: Path) -> dict[str, int]:
    """Folder -> its FAT32 entries, counted from the files written (not from what sitegen planned)."""
    return urls.folder_entries(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())


def archive(root: Path, documents: int = 40, limit: int | None = LIMIT, extra: str = "", actors: int = 20,
            page_size: int = 5) -> Path:
    """A small archive: documents over three months of 2021 and one of 2020 (some of a year only), a
    few with an attachment, twenty actors (one on most documents: paginated), a topic."""
    limits = f"limits:\n  folder_entries: {limit}\n" if limit else ""
    (root / "content/actors").mkdir(parents=True)
    (root / "content/topics").mkdir(parents=True)
    (root / "content/documents").mkdir(parents=True)
    (root / "sitegen.yaml").write_text(site_config(extra=f"page_size: {page_size}\n{limits}{extra}"), encoding="utf-8")
    for a in range(actors):
        (root / f"content/actors/actor-number-{a}-of-the-registry.md").write_text(
            f"---\nname: Actor Number {a}\nkind: person\n---\nSomeone.\n", encoding="utf-8")
    (root / "content/actors/wang-yi.md").write_text("---\nname: Wang Yi\nkind: person\n---\nA minister.\n", encoding="utf-8")
    (root / "content/topics/cooperation.md").write_text("---\nname: Cooperation\n---\nWorking together.\n", encoding="utf-8")
    for n in range(documents):
        date = "2020" if n % 13 == 0 else f"2021-{1 + n % 3:02d}-{1 + n % 28:02d}"
        attached = "attachments:\n  - scan.png\n" if n % 7 == 0 else ""
        folder = root / "content/documents"
        (folder / f"report-about-the-meeting-{n:03d}.md").write_text(
            f"---\ntitle: Report {n} on lighthouses\ndate: {date}\nsource: Wire\nlanguage: en\nactors:\n"
            f"  - Actor Number {n % actors}\n  - Actor Number 0\ntopics:\n  - cooperation\n{attached}---\n"
            f"The keeper of lighthouse {n} wrote about harbours.\n", encoding="utf-8")
    (root / "content/documents/scan.png").write_bytes(base64.b64decode(PIXEL))
    return root


PIXEL = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg=="  # a PNG


def built(root: Path, out: str = "build", **kwargs):
    config = load_config(root / "sitegen.yaml", environ={})
    return build(config, out=root / out, jobs=1, **kwargs)


# ---- counting ----

def test_a_long_name_takes_one_entry_and_one_per_13_characters():
    assert urls.fat_entries("a" * 52) == 5  # the example
    assert urls.fat_entries("a" * 53) == 6
    assert urls.fat_entries("1.js") == 2
    assert urls.fat_entries("وانغ-يي.html") == 2  # UTF-16 units, not bytes
    folders = urls.folder_entries(["index.html", "documents/a.html", "documents/x/y.pdf"])
    assert folders == {"": 2 + 2 + 2, "documents": 2 + 2 + 2, "documents/x": 2 + 2}


def test_the_limit_is_a_config_key_with_a_floor(tmp_path):
    (tmp_path / "sitegen.yaml").write_text("limits:\n  folder_entries: 12\n", encoding="utf-8")
    with pytest.raises(BuildFailed) as failed:
        load_config(tmp_path / "sitegen.yaml", environ={})
    assert "`folder_entries` must be at least 40" in failed.value.diagnostics[0].format()
    (tmp_path / "sitegen.yaml").write_text("legacy_addresses: maybe\n", encoding="utf-8")
    with pytest.raises(BuildFailed) as failed:
        load_config(tmp_path / "sitegen.yaml", environ={})
    assert "`legacy_addresses` must be auto or always or never" in failed.value.diagnostics[0].format()


# ---- the layout ----

EXTS = ["html", "bib", "ris", "json"]


def test_documents_stay_flat_while_they_fit_then_go_by_date():
    docs = [(f"doc-{n}", 2021, 10, False) for n in range(3)]
    assert set(urls.document_folders(docs, EXTS, 10_000).values()) == {""}
    many = docs + [(f"doc-{n}", 2020, None, False) for n in range(3, 6)]
    folders = urls.document_folders(many, EXTS, 40)
    assert folders["doc-0"] == "2021/10/" and folders["doc-5"] == "2020/"


def test_a_full_month_splits_by_hash_and_every_folder_fits():
    rng = random.Random(3)
    docs = [(f"d{rng.getrandbits(40):x}-a-rather-long-document-name", 2021, 1 + n % 2, n % 3 == 0) for n in range(3000)]
    folders = urls.document_folders(docs, EXTS, 400)
    paths = [urls.document(d, ext, folders[d]) for d, *_ in docs for ext in EXTS]
    paths += [urls.attachment(d, "scan.pdf", folders[d]) for d, _, _, attached in docs if attached]
    counted = urls.folder_entries(paths)
    assert max(counted.values()) <= 400
    assert counted["documents/2021/01"] <= 2 + 16 * 2  # the month holds its sub-folders only
    assert all(f.startswith(("2021/01/", "2021/02/")) and f.count("/") >= 3 for f in folders.values())
    flat = urls.folder_entries(urls.document(d, ext) for d, *_ in docs for ext in EXTS)
    assert flat["documents"] > 50_000  # the flat layout: nearly a real FAT32 folder's 65,534 at 3,000 documents


def test_adding_documents_to_one_month_moves_none_of_another():
    docs = [(f"doc-{n}", 2021, 1 + n % 2, False) for n in range(400)]
    before = urls.document_folders(docs, EXTS, 200)
    after = urls.document_folders(docs + [(f"new-{n}", 2021, 1, False) for n in range(300)], EXTS, 200)
    assert {d: f for d, f in before.items() if f.startswith("2021/02/")} == \
        {d: f for d, f in after.items() if d in before and f.startswith("2021/02/")}


def test_terms_split_only_when_their_folder_is_full():
    terms = [("actors", f"actor-{n}", 3) for n in range(12)]  # 12 pages of 2 entries: 24 + index.html + . and ..
    assert set(urls.term_folders(terms, 40, 50, feeds=False).values()) == {""}
    assert set(urls.term_folders(terms, 40, 2, feeds=False).values()) != {""}  # a folder of further pages each
    assert set(urls.term_folders(terms, 40, 50, feeds=True).values()) != {""}  # feeds/actors/: 48 entries
    split = urls.term_folders([("actors", f"actor-{n}", 3) for n in range(20)], 40, 50, feeds=False)
    assert all(len(f) == 2 and f[0] in urls.HASH_DIGITS for f in split.values())
    assert urls.term("actors", "actor-1", 2, split[("actors", "actor-1")]).endswith(f"{split[('actors', 'actor-1')]}actor-1/page-2.html")


def test_numbered_search_files_spread_over_folders():
    assert urls.spread(900, 10_000) == (1000, 0) and urls.numbered("r", 7, (1000, 0)) == "r/7"
    assert urls.spread(10_000, 10_000) == (1000, 1) and urls.numbered("r", 1234, (1000, 1)) == "r/1/1234"
    assert urls.spread(1500, LIMIT) == (10, 3) and urls.numbered("o", 1234, (10, 3)) == "o/1/12/123/1234"
    per, levels = urls.spread(100_000, LIMIT)
    keys = [urls.numbered("r", n, (per, levels)) for n in range(100_000)]
    assert max(urls.folder_entries(f"search/{k}.js" for k in keys).values()) <= LIMIT


# ---- a built archive ----

@pytest.fixture(scope="module")
def lowered(tmp_path_factory) -> tuple[Path, Path, object]:
    """The small archive built with the limit lowered to LIMIT, and built flat (the default limit)."""
    root = archive(tmp_path_factory.mktemp("lowered"))
    result = built(root)
    flat = archive(tmp_path_factory.mktemp("flat"), limit=None)
    built(flat)
    return root / "build", flat / "build", result


def test_every_folder_of_a_built_archive_is_under_the_lowered_limit_and_the_flat_one_is_not(lowered):
    out, flat, result = lowered
    counted = entries_on_disk(out)
    assert max(counted.values()) <= LIMIT, sorted((n, f) for f, n in counted.items() if n > LIMIT)
    assert result.folders == [] or all("over limits" not in note for note in result.folders)
    over = {f for f, n in entries_on_disk(flat).items() if n > LIMIT}
    assert {"documents", "search/r", "actors"} <= over
    assert (out / "documents/2021/01").is_dir() and (out / "documents/2020").is_dir()
    assert any((out / "search/r").glob("*/*.js")) and not any((out / "search/r").glob("*.js"))


def test_pages_links_exports_and_citations_follow_the_layout(lowered):
    out, _, _ = lowered
    page = next(p for p in (out / "documents").rglob("report-about-the-meeting-007.html") if "documents/2021" in p.as_posix())
    rel = page.relative_to(out).as_posix()
    html = page.read_text(encoding="utf-8")
    assert 'href="../../../../assets/style.css"' in html or 'href="../../../assets/style.css"' in html
    depth = rel.count("/")
    assert f'href="{"../" * depth}index.html"' in html
    assert 'href="scan.png"' not in html and "report-about-the-meeting-007/scan.png" in html
    assert (page.parent / "report-about-the-meeting-007/scan.png").is_file()
    assert rel in (out / "data/documents.csv").read_text(encoding="utf-8")
    assert rel in (out / "data/documents.json").read_text(encoding="utf-8")
    home = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="documents/2021/' in home
    record = next((out / "search/r").rglob("*.js")).read_text(encoding="utf-8")
    assert '"href":"documents/20' in record


def test_every_link_of_the_built_archive_points_at_a_file(lowered):
    out, _, _ = lowered
    broken = []
    for page in out.rglob("*.html"):
        for link in re.findall(r'(?:href|src)="(?![a-z]+:)([^"#?]+)', page.read_text(encoding="utf-8")):
            if not (page.parent / link).resolve().is_file():
                broken.append((page.relative_to(out).as_posix(), link))
    assert not broken, broken[:5]


def test_citations_carry_the_new_address(tmp_path):
    root = archive(tmp_path, documents=12, extra="base_url: https://archive.example.org/\n")
    out = root / "build"
    built(root)
    page = next(out.rglob("report-about-the-meeting-001.bib")).with_suffix(".html").relative_to(out).as_posix()
    assert page.startswith("documents/2021/02/")
    bib = (out / page).with_suffix(".bib").read_text(encoding="utf-8")
    assert f"https://archive.example.org/{page}" in bib
    ris = (out / page).with_suffix(".ris").read_text(encoding="utf-8")
    assert f"Archived at https://archive.example.org/{page}" in ris
    assert f"https://archive.example.org/{page}" in (out / "data/documents.csv").read_text(encoding="utf-8") or \
        page in (out / "data/documents.csv").read_text(encoding="utf-8")
    sitemap = (out / "sitemap.xml").read_text(encoding="utf-8")
    assert page in sitemap
    assert "documents/report-about-the-meeting-001.html" not in sitemap  # an old address is not a page
    feed = (out / "feeds/archive.xml").read_text(encoding="utf-8")
    assert "https://archive.example.org/documents/2021/" in feed
    assert max(entries_on_disk(out).values()) <= LIMIT


# ---- old addresses ----

def test_old_flat_addresses_redirect_while_they_fit(tmp_path):
    root = archive(tmp_path, documents=12, limit=120)
    result = built(root)
    out = root / "build"
    old = out / "documents/report-about-the-meeting-001.html"
    assert old.is_file() and not (out / "documents/report-about-the-meeting-001.bib").exists()
    assert 'url=2021/02/report-about-the-meeting-001.html"' in old.read_text(encoding="utf-8")
    assert result.folders == []
    assert max(entries_on_disk(out).values()) <= 120


def test_old_addresses_that_would_overfill_the_folder_are_left_out_and_said(tmp_path, capsys, monkeypatch):
    root = archive(tmp_path, documents=40, limit=LIMIT)
    monkeypatch.chdir(root)
    assert main(["build", "--no-cache"]) == 0
    said = capsys.readouterr().out
    assert "note: no redirects at the old addresses of the pages that moved out of actors/, documents/:" in said
    assert not (root / "build/documents/report-about-the-meeting-001.html").exists()


@pytest.mark.parametrize("wanted, written", [("always", True), ("never", False)])
def test_legacy_addresses_always_or_never(tmp_path, wanted, written):
    root = archive(tmp_path, documents=40, limit=LIMIT, extra=f"legacy_addresses: {wanted}\n")
    result = built(root)
    assert (root / "build/documents/report-about-the-meeting-001.html").is_file() == written
    if written:  # always: a web host keeps every old link, and the build says the folder is over
        assert any(note.startswith("documents holds") for note in result.folders)


def test_terms_moved_into_sub_folders_keep_their_old_addresses_while_those_fit(tmp_path):
    root = archive(tmp_path, documents=28, limit=100, actors=14, page_size=1)  # every actor paginated: actors/ splits
    result = built(root)
    out = root / "build"
    moved = next((out / "actors").glob("*/actor-number-3-of-the-registry.html")).relative_to(out / "actors").as_posix()
    old = (out / "actors/actor-number-3-of-the-registry.html").read_text(encoding="utf-8")
    assert f'url={moved}"' in old
    assert (out / "documents/2021").is_dir() and not (out / "documents/report-about-the-meeting-001.html").exists()
    assert result.folders == ["no redirects at the old addresses of the pages that moved out of documents/: they would "
                              "overfill it (limits.folder_entries: 100); `legacy_addresses: always` writes them"]
    assert max(entries_on_disk(out).values()) <= 100


def test_a_declared_redirect_keeps_its_old_address(tmp_path):
    root = archive(tmp_path, documents=12, limit=120)
    doc = root / "content/documents/report-about-the-meeting-002.md"
    doc.write_text(doc.read_text(encoding="utf-8").replace("---\nThe", "redirects:\n  - old/report-2.html\n---\nThe"),
                   encoding="utf-8")
    built(root)
    assert "2021/03/report-about-the-meeting-002.html" in (root / "build/old/report-2.html").read_text(encoding="utf-8")


# ---- FAT32 ----

def test_the_built_site_copies_into_a_fat32_image(lowered, tmp_path):
    """mtools writes into a real FAT32 file system (no mount); its own limit is FAT32's 65,534
    entries, so the lowered limit is checked by counting, in the same test, on the image's listing."""
    if not (shutil.which("mkfs.vfat") and shutil.which("mcopy")):
        if os.environ.get("CI"):
            pytest.fail("dosfstools and mtools are needed (see .ci/run)")
        pytest.skip("dosfstools or mtools missing")
    out, flat, _ = lowered
    image = tmp_path / "stick.img"
    subprocess.run(["mkfs.vfat", "-F", "32", "-C", str(image), str(64 * 1024)], check=True, capture_output=True)
    env = {"MTOOLS_SKIP_CHECK": "1", "PATH": "/usr/bin:/bin"}
    subprocess.run(["mcopy", "-s", "-i", str(image), *map(str, sorted(out.iterdir())), "::/"],
                   check=True, capture_output=True, env=env)
    back = tmp_path / "back"
    back.mkdir()
    subprocess.run(["mcopy", "-s", "-n", "-i", str(image), "::/*", str(back)], check=True, capture_output=True, env=env)
    assert tree(back) == tree(out)  # every file, byte for byte, under its long name
    listing = subprocess.run(["mdir", "-/", "-b", "-i", str(image), "::/"], check=True, capture_output=True,
                             text=True, env=env).stdout.split()
    files = [line.removeprefix("::/") for line in listing if not line.endswith("/")]
    assert sorted(files) == sorted(tree(out))  # the stick's own listing, long names and all
    on_stick = urls.folder_entries(files)
    assert max(on_stick.values()) <= LIMIT
    assert max(entries_on_disk(flat).values()) > LIMIT


# ---- caches and incremental builds ----

def test_incremental_builds_equal_cold_builds_with_the_lowered_limit(tmp_path, monkeypatch):
    """The random edits of test_cache on an archive whose layout is dated (and moves when a month or
    a taxonomy outgrows its folder): every build byte for byte a cold one."""
    shutil.copytree(ROOT / "templates", tmp_path / "tpl")
    shutil.copytree(ROOT / "assets", tmp_path / "ast")
    root = archive(tmp_path / "site", documents=20)
    (root / "sitegen.yaml").write_text(site_config(tmp_path / "tpl", tmp_path / "ast", "page_size: 5\nlimits:\n  folder_entries: 40\n"),
                                       encoding="utf-8")
    monkeypatch.chdir(root)
    rng = random.Random(7)
    cold_and_warm(root)
    for n, kind in enumerate(["body", "add", "title", "actor-add", "add", "body", "delete", "rename", "actors",
                              "config", "body"], 1):
        edit(root, kind, rng, n)
        warm, cold = cold_and_warm(root)
        assert not isinstance(warm, list) and not isinstance(cold, list), (kind, warm, cold)
        assert tree(root / "build") == tree(root.parent / "cold"), f"step {n}: {kind}"
        assert max(entries_on_disk(root / "build").values()) <= 40


def test_front_matter_edits_of_an_index_in_sub_folders_equal_cold_builds(tmp_path, monkeypatch):
    """Chunks of a few hundred bytes, so the search index's positions overfill the lowered
    limit and go into sub-folders: a front-matter edit updates that index (`search.update_documents`,
    made whole there) and keeps its other files at their places, byte for byte a cold build."""
    from sitegen import searchindex
    for name, value in (("CHUNK_MIN", 100), ("CHUNK_MAX", 300), ("CHUNK_CUT", 2), ("GROUP", 2), ("ALONE", 4)):
        monkeypatch.setattr(searchindex, name, value)
    root = archive(tmp_path / "site", documents=100, limit=40)
    monkeypatch.chdir(root)
    rng = random.Random(5)
    cold_and_warm(root)
    assert any(p.count("/") == 3 for p in tree(root / "build") if p.startswith("search/")), "no search kind is split"
    for n, kind in enumerate(["title", "actors", "registry-description", "topics", "title"], 1):
        edit(root, kind, rng, n)
        warm, cold = cold_and_warm(root)
        assert not isinstance(warm, list) and not isinstance(cold, list), (kind, warm, cold)
        assert tree(root / "build") == tree(root.parent / "cold"), f"step {n}: {kind}"


def test_a_body_edit_takes_the_fast_path_and_matches_a_cold_build(tmp_path, monkeypatch):
    root = archive(tmp_path / "site", documents=20)
    monkeypatch.chdir(root)
    config = load_config(root / "sitegen.yaml", environ={})
    memo = open_cache(config.root)
    build(config, out=root / "build", memo=memo)
    memo.close()
    doc = root / "content/documents/report-about-the-meeting-005.md"
    doc.write_text(doc.read_text(encoding="utf-8") + "\nA new line on lanterns.\n", encoding="utf-8")
    memo = open_cache(config.root)
    warm = build(config, out=root / "build", memo=memo)
    memo.close()
    build(config, out=root / "cold")
    assert warm.edited == 1
    assert tree(root / "build") == tree(root / "cold")


# ---- from file:// ----

def test_the_lowered_archive_works_from_file(lowered, browser):
    """Home -> a document -> an actor -> search, and a result's link opens its document, all from disk."""
    out, _, _ = lowered
    page = browser.new_page()
    page.goto((out / "index.html").as_uri())
    page.locator("main a[href*='documents/2021/']").first.click()
    page.wait_for_load_state()
    assert "/documents/2021/" in page.url and page.locator("h1").inner_text().startswith("Report")
    page.locator("main a[href*='actors/']").first.click()
    page.wait_for_load_state()
    assert "/actors/" in page.url and "Actor Number" in page.locator("h1").inner_text()
    page.goto((out / "search.html").as_uri() + "?q=lighthouse")
    first = page.locator("#search-results a").first
    first.wait_for(timeout=10_000)
    first.click()
    page.wait_for_load_state()
    assert "/documents/20" in page.url and page.locator("h1").inner_text().startswith("Report")
    page.close()


def test_an_originals_page_is_found_in_numbered_folders_from_file(browser, tmp_path):
    """Past one folder of records, a result's attachment text (search/o/) loads from its numbered folder
    too, and its link points at the attachment in the document's date folder."""
    from tests.test_originals import pdf
    root = archive(tmp_path, documents=30)
    doc = root / "content/documents/report-about-the-meeting-004.md"
    doc.write_text(doc.read_text(encoding="utf-8").replace("---\nThe", "attachments:\n  - original.pdf\n---\nThe"),
                   encoding="utf-8")
    (root / "content/documents/original.pdf").write_bytes(pdf(["Nothing here.", "The zanzibarite deposits."]))
    built(root)
    out = root / "build"
    assert any((out / "search/o").glob("*/*.js")) and not any((out / "search/o").glob("*.js"))
    page = browser.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto((out / "search.html").as_uri() + "?q=zanzibarite")
    page.wait_for_function("document.querySelectorAll('#search-results .result-original').length === 1")
    where = page.locator("#search-results .result-original a")
    assert where.text_content() == "in original.pdf, p. 2:"
    href = where.get_attribute("href")
    assert href.startswith("documents/2021/02/") and href.endswith("report-about-the-meeting-004/original.pdf#page=2")
    assert (out / href.split("#")[0]).is_file() and errors == []
    page.close()
