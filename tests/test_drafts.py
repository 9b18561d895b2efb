"""Documents not published today (drafts, embargoed, expired, dated in the future) reach no output at
all, every byte of build/ read; `--drafts` previews them, marked; `check` lists them; a link to one is a
warning and plain text; and the cache never serves one build's output for the other, nor keeps
yesterday's when an embargo, expiry or date has come."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest

from sitegen import schedule
from sitegen.build import build
from sitegen.cache import open_cache
from sitegen.cli import main
from sitegen.config import load_config
from tests.conftest import document, site_config

MARKERS = {"draft": "qzdraftmark", "embargo": "qzembargomark", "expired": "qzexpiredmark", "future": "qzfuturemark"}
CONFIG = site_config(extra="languages: [en, ar]\nbase_url: https://archive.example.org/\n"
                           "taxonomies:\n  actors: {}\n  topics: {}\n  tags: {optional: true}\n").replace(
    "build_date: '2026-01-01'\n", "")  # today is the clock's, which the tests set


def held_doc(kind: str, schedule_line: str, date: str = "2021-03-04") -> str:
    mark = MARKERS[kind]
    return document(f"Title {mark}", f"Body {mark} with words.\n", date=date, source=f"Wire {mark}",
                    summary=f"Summary {mark}",
                    raw=f"{schedule_line}actors: [Lonely {kind}]\ntopics: [cooperation]\ntags: [tag{mark}]\n"
                    f"authors: [Author {mark}]\nattachments: [{kind}.txt]\nredirects: [old/{mark}.html]\n")


FILES = {
    "content/documents/draft.md": held_doc("draft", "draft: true\n"),
    "content/documents/embargo.md": held_doc("embargo", "embargo: 2026-06-01\n"),
    "content/documents/expired.md": held_doc("expired", "expires: 2026-01-01\n"),
    "content/documents/future.md": held_doc("future", "", date="2026-07?"),
    **{f"content/documents/{kind}.txt": f"attached {mark}\n" for kind, mark in MARKERS.items()},
    # one registry actor used only by held documents, each naming it by its own alias
    "content/actors/lonely.md": "---\nname: Lonely Actor\nkind: person\naliases: [" +
                                ", ".join(f"Lonely {kind}" for kind in MARKERS) + "]\n---\n"
                                "Used by held documents only.\n",
    # a published translation of a held document, and a published document linking to two of them
    "content/documents/translated.md": document("ترجمة", "نص.\n", date="2021-03-05", language="ar", summary="ملخص.",
                                                translation_of="draft"),
    "content/documents/linker.md": document("Linker",
                                            "See [the draft](doc:draft) and [the embargoed one](embargo.md).\n",
                                            date="2021-03-06", summary="Links."),
}
TODAY = datetime.date(2026, 3, 1)  # after the expiry, before the embargo and the future date


@pytest.fixture
def site(make_site, monkeypatch):
    monkeypatch.setattr(schedule, "clock", lambda: TODAY)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    return make_site(FILES, config=CONFIG)


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def leaks(files: dict[str, bytes], marks=MARKERS.values()) -> dict[str, list[str]]:
    """Marker -> the output files holding it, in any encoding a file may carry it (JSON escapes none of these)."""
    return {m: [rel for rel, data in files.items() if m.encode() in data or m in rel] for m in marks}


def built(root: Path, out: str = "build", drafts: bool = False, cached: bool = True) -> tuple[object, dict[str, bytes]]:
    config = load_config(root / "sitegen.yaml", environ={})
    memo = open_cache(config.root, enabled=cached)
    try:
        result = build(config, out=root / out, memo=memo, drafts=drafts)
    finally:
        memo.close()
    return result, tree(root / out)


def test_no_held_document_reaches_any_output_file(site):
    result, files = built(site)
    assert {m: found for m, found in leaks(files).items() if found} == {}
    assert result.counts["documents"] == 4  # the base fixture's two, the translation, the linker
    assert "tags" not in {rel.split("/")[0] for rel in files} or not any(rel.startswith("tags/tag") for rel in files)
    cooperation = files["topics/cooperation.html"].decode()  # the two fixture documents, not the four held ones
    assert "2 documents" in cooperation and "6 documents" not in cooperation
    topics = json.loads(files["data/topics.json"])
    entries = topics if isinstance(topics, list) else next(v for v in topics.values() if isinstance(v, list))
    assert next(t for t in entries if t["id"] == "cooperation")["document_count"] == 2
    lonely = files["actors/lonely.html"].decode()
    assert "0 documents" in lonely or "No documents" in lonely
    translated = files["documents/translated.html"].decode()
    assert 'href="draft.html"' not in translated  # no language switch, no "translation of" to it
    assert not any(rel.startswith("old/") for rel in files)  # nor its redirects
    assert files  # and the site is there: search index, feeds, sitemap, exports
    assert {"sitemap.xml", "feeds/archive.xml", "data/documents.json", "data/documents.csv"} <= files.keys()


def test_drafts_builds_them_each_marked(site):
    result, files = built(site, drafts=True)
    assert all(found for found in leaks(files).values())
    assert result.counts["documents"] == 8
    pages = {kind: files[f"documents/{kind}.html"].decode() for kind in MARKERS}
    assert "Draft: not published" in pages["draft"]
    assert "Embargoed until June 1, 2026" in pages["embargo"]
    assert "Expired on January 1, 2026" in pages["expired"]
    assert "not published before July 1, 2026" in pages["future"]
    # should a preview go online
    assert all('<meta name="robots" content="noindex">' in page for page in pages.values())
    assert 'class="held-banner"' not in files["documents/linker.html"].decode()
    assert "noindex" not in files["documents/linker.html"].decode()
    assert 'href="draft.html"' in files["documents/translated.html"].decode()


def test_the_banner_is_in_arabic_on_an_arabic_page(site):
    (site / "content/documents/arabic-draft.md").write_text(
        document("مسودة", "نص.\n", date="2021-01-01", language="ar", summary="ملخص.", draft=True), encoding="utf-8")
    _, files = built(site, drafts=True)
    assert "مسودة: غير منشورة" in files["documents/arabic-draft.html"].decode()


def test_check_lists_them_and_validates_them_fully(site, capsys):
    held = site / "content/documents/draft.md"
    assert main(["check"]) == 0
    err = capsys.readouterr().err
    assert "content/documents/draft.md:7:1: note: not published: a draft" in err
    assert "content/documents/embargo.md:7:1: note: not published: embargoed until 2026-06-01" in err
    assert "content/documents/expired.md:7:1: note: not published: expired on 2026-01-01" in err
    assert "content/documents/future.md:3:1: note: not published: dated in the future, 2026-07-01" in err
    held.write_text(held.read_text().replace("topics: [cooperation]", "topics: [no-such-topic]"))
    assert main(["check"]) == 1
    assert "draft.md:9:10: unknown topic `no-such-topic`" in capsys.readouterr().err


def test_a_link_to_a_held_document_warns_naming_both_and_stays_text(site, capsys):
    assert main(["build"]) == 0
    err = capsys.readouterr().err
    assert ("content/documents/linker.md:8:17: warning: link to doc:draft (content/documents/draft.md), "
            "which is not published (a draft)") in err
    assert ("link to embargo.md (content/documents/embargo.md), which is not published "
            "(embargoed until 2026-06-01)") in err
    page = (site / "build/documents/linker.html").read_text()
    assert "See <span>the draft</span> and <span>the embargoed one</span>." in page
    assert main(["build", "--drafts"]) == 0
    page = (site / "build/documents/linker.html").read_text()
    assert '<a href="draft.html" rel="noopener noreferrer">the draft</a>' in page and \
        "warning" not in capsys.readouterr().err


@pytest.mark.parametrize("bad, message", [
    ("draft: yes please", "`draft` must be true or false"),
    ("embargo: 2026-06", "`embargo` must be a whole day, not `2026-06`"),
    ("expires: 2026-02-30", "`2026-02-30` is impossible"),
])
def test_bad_schedule_values_are_errors_at_their_line(site, capsys, bad, message):
    (site / "content/documents/bad.md").write_text(
        document("Bad", date="2021-01-01", summary="S.", raw=f"{bad}\n"))
    assert main(["check"]) == 1
    assert "content/documents/bad.md:7:" in (err := capsys.readouterr().err) and message in err


def test_the_day_passing_an_embargo_is_noticed_by_the_cache(site, monkeypatch):
    built(site)
    again, files = built(site)
    assert again.stats.changed == 0 and not leaks(files)["qzembargomark"]  # nothing changed: the fast return
    monkeypatch.setattr(schedule, "clock", lambda: datetime.date(2026, 6, 1))
    result, files = built(site)
    assert leaks(files)["qzembargomark"] and not leaks(files)["qzfuturemark"]
    assert files == built(site, "cold", cached=False)[1]


def test_the_day_passing_is_noticed_by_the_body_edit_path(site, monkeypatch):
    built(site)
    monkeypatch.setattr(schedule, "clock", lambda: datetime.date(2026, 7, 1))
    linker = site / "content/documents/linker.md"
    linker.write_text(linker.read_text().replace("See", "Now see"))
    result, files = built(site)
    assert result.edited == 0
    assert leaks(files)["qzembargomark"] and leaks(files)["qzfuturemark"]
    assert files == built(site, "cold", cached=False)[1]


def test_drafts_and_published_builds_never_reuse_each_other(site):
    cold = {drafts: built(site, f"cold-{drafts}", drafts=drafts, cached=False)[1] for drafts in (False, True)}
    for drafts in (False, True, False, True):
        assert built(site, drafts=drafts)[1] == cold[drafts]
    held = site / "content/documents/draft.md"  # a body edit of a held document, then of a published one
    held.write_text(held.read_text().replace("with words", "with other words"))
    assert built(site)[1] == cold[False]
    linker = site / "content/documents/linker.md"
    linker.write_text(linker.read_text().replace("See", "Now see"))
    result, files = built(site)
    assert result.edited == 1  # the fast path, which holds the held documents back as the full build did
    assert files == built(site, "cold-again", cached=False)[1] and not any(leaks(files).values())
    held.write_text(held.read_text().replace("other words", "more words"))
    result, files = built(site, drafts=True)
    assert files == built(site, "cold-drafts", drafts=True, cached=False)[1]
    assert b"more words" in files["documents/draft.html"]


def test_build_date_decides_today(site):
    config = site / "sitegen.yaml"
    config.write_text(config.read_text() + "build_date: '2026-06-02'\n")
    _, files = built(site)
    assert leaks(files)["qzembargomark"] and not leaks(files)["qzfuturemark"]


def test_source_date_epoch_decides_today_when_no_build_date(site):
    stamp = int(datetime.datetime(2026, 7, 2, tzinfo=datetime.timezone.utc).timestamp())
    config = load_config(site / "sitegen.yaml", environ={"SOURCE_DATE_EPOCH": str(stamp)})
    result = build(config, out=site / "build")
    assert result.counts["documents"] == 6  # the embargoed and the future one are out now


@pytest.mark.parametrize("drafts", [False, True])
def test_serve_previews_them_only_with_drafts(site, drafts):
    from sitegen.serve import DevServer
    from tests.test_serve import get
    server = DevServer(site / "sitegen.yaml", port=0, log=lambda line: None, drafts=drafts).start()
    try:
        home = get(server.url + "index.html")
        assert ("qzdraftmark" in home) == drafts
        if drafts:
            assert "Draft: not published" in get(server.url + "documents/draft.html")
        else:
            with pytest.raises(Exception) as missing:
                get(server.url + "documents/draft.html")
            assert getattr(missing.value, "code", None) == 404
    finally:
        server.close()
    assert not (site / "build").exists()


@pytest.mark.browser
def test_the_banner_and_redirect_pages_are_valid_and_accessible(site, browser):
    """The Nu HTML checker on a previewed page of each kind and on a redirect page; axe on the banners."""
    import shutil
    import subprocess
    from tests.test_a11y import VNU, axe_on, tool
    (site / "content/documents/arabic-draft.md").write_text(
        document("مسودة", "نص.\n", date="2021-01-01", language="ar", summary="ملخص.", draft=True), encoding="utf-8")
    _, files = built(site, drafts=True)
    pages = [site / "build" / rel for rel in ("documents/draft.html", "documents/embargo.html",
                                             "documents/arabic-draft.html", "old/qzdraftmark.html",
                                             "documents/linker.html")]
    java = shutil.which("java")
    if java is None:
        pytest.skip("java is not installed")
    run = subprocess.run([java, "-jar", str(tool(VNU)), "--errors-only", "--format", "json", *map(str, pages)],
                         capture_output=True, text=True, timeout=300)
    assert json.loads(run.stderr or run.stdout or '{"messages": []}')["messages"] == []
    for page in pages[:3]:
        assert axe_on(browser, page.as_uri()) == []
