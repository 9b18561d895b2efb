"""End-to-end: the sample archive and tiny sites built for real, checked file by file."""

from __future__ import annotations

import re
import threading
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from sitegen import build as build_module
from sitegen import session as session_module
from sitegen.build import build
from sitegen.cli import main
from sitegen.config import load_config
from sitegen.errors import BuildFailed
from tests.conftest import ROOT, document, site_config


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self.ids, self.html_attrs = [], set(), {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.html_attrs = attrs
        if "id" in attrs:
            self.ids.add(attrs["id"])
        for key in ("href", "src", "action"):
            if attrs.get(key) is not None:
                self.links.append(attrs[key])


def parse(path: Path) -> Links:
    parser = Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def test_every_document_actor_and_topic_has_a_page(sample_build):
    for kind in ("documents", "actors", "topics"):
        for source in sorted((ROOT / "content" / kind).glob("*.md")):
            assert (sample_build / kind / f"{source.stem}.html").is_file(), source
    for page in ("index.html", "chronology.html", "sources.html", "search.html", "actors/index.html",
                 "topics/index.html"):
        assert (sample_build / page).is_file()


def test_every_internal_link_and_anchor_resolves_to_a_file(sample_build):
    pages = {p: parse(p) for p in sample_build.rglob("*.html")}
    checked = 0
    for page, parsed in pages.items():
        for link in parsed.links:
            parts = urlsplit(link)
            if parts.scheme in ("http", "https", "mailto") or link == "data:,":
                continue
            assert not link.startswith("/"), f"{page}: absolute link {link}"
            assert parts.scheme == "" and parts.netloc == "", f"{page}: {link}"
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            assert target.is_file(), f"{page}: {link} is not a file"
            assert target.is_relative_to(sample_build.resolve()), f"{page}: {link} leaves the site"
            if parts.fragment and target.suffix == ".html":
                assert unquote(parts.fragment) in pages[target].ids, f"{page}: missing anchor {link}"
            checked += 1
    assert checked > 500


def test_arabic_document_is_right_to_left_and_titles_carry_their_language(sample_build):
    arabic = parse(sample_build / "documents/2021-10-08-wang-yi-gctf-international-cooperation-ar.html")
    assert arabic.html_attrs == {"lang": "ar", "dir": "rtl"}
    english = sample_build / "documents/2021-12-23-xinhua-china-calls-for-joint-efforts.html"
    assert parse(english).html_attrs == {"lang": "en", "dir": "ltr"}
    home = (sample_build / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<li lang="ar" dir="rtl">\s*<a class="doc-title"[^>]*>وانغ يي يدعو', home)


def test_arabic_alias_resolves_to_the_registered_actor(sample_build):
    wang = (sample_build / "actors/wang-yi.html").read_text(encoding="utf-8")
    assert "2021-10-08-wang-yi-gctf-international-cooperation-ar.html" in wang
    assert "2018-12-huang-ren-fu-pakistan-anti-terrorism-achievements.html" in wang


def test_uncertain_dates_are_shown_in_words_and_their_mark_explained(sample_build):
    page = (sample_build
            / "documents/2019-11-06-inp-china-afghanistan-deepen-anti-terrorism-cooperation.html").read_text()
    assert '<abbr title="uncertain: the archivist could not confirm this date">November 6, 2019?</abbr>' in page
    assert "<small>uncertain: the archivist could not confirm this date</small>" in page  # said in the panel too


def test_second_build_is_byte_identical(tmp_path):
    config = load_config(ROOT / "sitegen.yaml", environ={})
    first, second = tmp_path / "a", tmp_path / "b"
    build(config, out=first)
    build(config, out=second)
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    for rel in files:
        assert (first / rel).read_bytes() == (second / rel).read_bytes(), rel
    assert build(config, out=first).stats.changed == 0


def test_parallel_build_matches_in_process_build(make_site, tmp_path):
    docs = {f"content/documents/doc-{i:03d}.md": _many(i) for i in range(160)}
    root = make_site(docs)
    config = load_config(root / "sitegen.yaml")
    build(config, out=tmp_path / "one", jobs=1)
    build(config, out=tmp_path / "two", jobs=2)
    one = {p.relative_to(tmp_path / "one"): p.read_bytes() for p in (tmp_path / "one").rglob("*") if p.is_file()}
    two = {p.relative_to(tmp_path / "two"): p.read_bytes() for p in (tmp_path / "two").rglob("*") if p.is_file()}
    assert one == two and len(one) > 160
    assert (tmp_path / "one/actors/wang-yi/page-4.html").is_file()  # 162 documents, 50 a page


def _many(i: int) -> str:
    return document(f"Report {i}", f"Body *{i}*.\n", date=f"2020-{i % 12 + 1:02d}", source=f"Wire {i % 7}",
                    summary=f"Number {i}.", actors=["Wang Yi"], topics=["cooperation"])


def test_search_runs_beside_the_page_workers(make_site, tmp_path, monkeypatch):
    """With page workers, the search and data files are made in a thread while they render (and
    written into staging there): the files are those of a build that made them afterwards."""
    root = make_site({f"content/documents/doc-{i:03d}.md": _many(i) for i in range(160)})
    config = load_config(root / "sitegen.yaml")
    where = []
    made = session_module.build_search
    monkeypatch.setattr(session_module, "build_search",
                        lambda *a: where.append(threading.current_thread().name) or made(*a))
    build(config, out=tmp_path / "beside", jobs=2)
    monkeypatch.setattr(build_module, "BESIDE", 0)
    build(config, out=tmp_path / "after", jobs=2)
    assert where == ["beside the pages", threading.main_thread().name]
    beside, after = ({p.relative_to(tmp_path / n): p.read_bytes() for p in (tmp_path / n).rglob("*") if p.is_file()}
                     for n in ("beside", "after"))
    assert beside == after and any(str(p).startswith("search/") for p in beside)
    assert Path("data/documents.json") in beside


def test_past_beside_the_bodies_text_leaves_the_site_after_the_search_and_the_output_is_the_same(make_site, tmp_path,
                                                                                                  monkeypatch):
    """Past BESIDE documents, with page workers writing the output, the bodies' text leaves the model
    once the search has read it (nothing later reads it); the files are those of a build in one
    process, which keeps it."""
    root = make_site({f"content/documents/doc-{i:03d}.md": _many(i) for i in range(160)})
    config = load_config(root / "sitegen.yaml")
    kept = build(config, out=tmp_path / "one", jobs=1)
    monkeypatch.setattr(build_module, "BESIDE", 0)
    dropped = build(config, out=tmp_path / "two", jobs=2)
    assert all(doc.body.text for doc in kept.site.documents.values())
    assert not any(doc.body.text or doc.body.html for doc in dropped.site.documents.values())
    one, two = ({p.relative_to(tmp_path / n): p.read_bytes() for p in (tmp_path / n).rglob("*") if p.is_file()}
                for n in ("one", "two"))
    assert one == two and any(str(p).startswith("search/") for p in one)


def test_a_search_failing_beside_the_pages_fails_the_build(make_site, monkeypatch):
    root = make_site({f"content/documents/doc-{i:03d}.md": _many(i) for i in range(160)})
    config = load_config(root / "sitegen.yaml")
    build(config, jobs=2)
    before = {p: p.read_bytes() for p in (root / "build").rglob("*") if p.is_file()}
    (root / "content/documents/doc-000.md").write_text(_many(0).replace("Body", "New body"))

    def broken(*args):
        raise RuntimeError("the search broke")
    monkeypatch.setattr(session_module, "build_search", broken)
    with pytest.raises(RuntimeError, match="the search broke"):
        build(config, jobs=2)
    assert {p: p.read_bytes() for p in (root / "build").rglob("*") if p.is_file()} == before
    assert not list(root.glob(".build.tmp-*"))


def test_a_build_failing_while_the_search_runs_beside_leaves_nothing_behind(make_site, monkeypatch):
    """The search thread outlives a build that fails during the pages; once it is done it must not
    have written its files into the staging folder the failed build removed (making it again)."""
    root = make_site({f"content/documents/doc-{i:03d}.md": _many(i) for i in range(160)})
    config = load_config(root / "sitegen.yaml")
    build(config, jobs=2)
    before = {p: p.read_bytes() for p in (root / "build").rglob("*") if p.is_file()}
    (root / "content/documents/doc-000.md").write_text(_many(0).replace("Body", "New body"))
    go, made = threading.Event(), session_module.build_search

    def slow_search(*args):
        go.wait(10)
        return made(*args)

    def broken() -> None:
        raise KeyboardInterrupt
    monkeypatch.setattr(session_module, "build_search", slow_search)
    monkeypatch.setattr(build_module, "trim_heap", broken)  # called on the pipeline's thread after the pages
    with pytest.raises(KeyboardInterrupt):
        build(config, jobs=2)
    go.set()
    for thread in threading.enumerate():
        if thread.name == "beside the pages":
            thread.join(10)
    assert {p: p.read_bytes() for p in (root / "build").rglob("*") if p.is_file()} == before
    assert not list(root.glob(".build.tmp-*"))


def test_failed_build_leaves_previous_output_intact(make_site, monkeypatch):
    root = make_site()
    config = load_config(root / "sitegen.yaml")
    build(config)
    before = {p: p.read_bytes() for p in (root / "build").rglob("*") if p.is_file()}
    (root / "content/documents/first-report.md").write_text("---\ntitle: [broken\n---\n")
    with pytest.raises(BuildFailed):
        build(config)
    assert {p: p.read_bytes() for p in (root / "build").rglob("*") if p.is_file()} == before


def test_interrupted_build_leaves_previous_output_intact(make_site, monkeypatch):
    root = make_site()
    config = load_config(root / "sitegen.yaml")
    build(config)
    before = {p: p.read_bytes() for p in (root / "build").rglob("*") if p.is_file()}
    (root / "content/documents/first-report.md").write_text(
        (root / "content/documents/first-report.md").read_text().replace("First report", "Changed"))

    def interrupt(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(build_module.search, "build_search_state", interrupt)
    with pytest.raises(KeyboardInterrupt):
        build(config)
    assert {p: p.read_bytes() for p in (root / "build").rglob("*") if p.is_file()} == before
    assert not list(root.glob(".build.tmp-*")) + list(root.glob(".build.old-*")), "staging folder left behind"


@pytest.mark.parametrize("out", ["/", "~", ".", "content", "..", "templates-copy"])
def test_dangerous_output_folders_are_refused(make_site, out, capsys):
    root = make_site()
    (root / "templates-copy").mkdir()
    (root / "templates-copy/keep.txt").write_text("not ours")
    target = str(Path(out).expanduser()) if out == "~" else out
    assert main(["build", "--out", target]) == 2
    assert "refusing" in capsys.readouterr().err
    assert (root / "templates-copy/keep.txt").read_text() == "not ours"
    assert (root / "content/documents/first-report.md").is_file()


@pytest.mark.parametrize("command", ["build", "pack", "clean"])
@pytest.mark.parametrize("out", ["", "   ", "\t"], ids=["empty", "spaces", "tab"])
def test_a_blank_out_is_refused_not_taken_for_a_folder_or_the_default(make_site, command, out, capsys):
    root = make_site()
    assert main(["build"]) == 0
    before = sorted(p.name for p in root.iterdir())
    with pytest.raises(SystemExit) as exit:
        main([command, "--out", out])
    assert exit.value.code == 2
    assert "argument --out: is blank (name a folder, or omit --out for the default)" in capsys.readouterr().err
    assert sorted(p.name for p in root.iterdir()) == before  # no folder of spaces; the default build kept
    assert (root / "build/index.html").is_file()


def test_strict_turns_warnings_into_errors(make_site, capsys):
    make_site({"content/topics/unused.md": "---\nname: Unused\n---\n"})
    assert main(["check"]) == 0
    assert "warning: `unused` is used by no document" in capsys.readouterr().err
    assert main(["check", "--strict"]) == 1


def test_third_taxonomy_needs_only_config_and_a_folder(make_site, tmp_path):
    extra = "taxonomies:\n  actors: {}\n  topics: {}\n  places:\n    title: {en: Places, ar: الأماكن}\n"
    root = make_site({
        "content/places/beijing.md": "---\nnames: {en: Beijing, ar: بكين}\n---\nCapital of China.\n",
        "content/documents/first-report.md": document("First report", "Body.\n", date="2021", summary="s",
                                                      actors=["Wang Yi"], topics=["cooperation"], places=["بكين"]),
    }, config=site_config(extra=extra))
    build(load_config(root / "sitegen.yaml"))
    page = (root / "build/places/beijing.html").read_text()
    assert "first-report.html" in page
    assert '<a href="index.html">Places</a>' in page


def test_optional_taxonomy_creates_unknown_terms(make_site):
    extra = "taxonomies:\n  actors: {}\n  topics:\n    optional: true\n"
    root = make_site({"content/documents/new.md": document("New", "Body.\n", date="2021", summary="s",
                                                           topics=["Border Security"])},
                     config=site_config(extra=extra))
    build(load_config(root / "sitegen.yaml"))
    assert "new.html" in (root / "build/topics/border-security.html").read_text()


def test_translations_link_both_ways(make_site):
    root = make_site({"content/documents/first-report-ar.md": document("التقرير الأول", "نص.\n", language="ar",
                                                                       summary="s", translation_of="first-report")})
    build(load_config(root / "sitegen.yaml"))
    assert 'href="first-report-ar.html"' in (root / "build/documents/first-report.html").read_text()
    assert 'href="first-report.html"' in (root / "build/documents/first-report-ar.html").read_text()


def test_hostile_content_is_inert_in_the_page(make_site):
    root = make_site({"content/documents/evil.md": "---\ntitle: '\"><img src=x onerror=alert(1)>'\ndate: 2021\n"
                      "source: '<script>alert(1)</script>'\nlanguage: en\nsummary: '{{ 7*7 }}'\n---\n"
                      "{{ 7*7 }} {% raw %} {#id} <script>alert(2)</script><a href='javascript:alert(3)'>x</a>\n"})
    build(load_config(root / "sitegen.yaml"))
    page = (root / "build/documents/evil.html").read_text()
    assert "<script>alert" not in page and "<img src=x" not in page and "javascript:" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "{{ 7*7 }}" in page and "{% raw %}" in page and "{#id}" in page and "49" not in page


def test_links_in_bodies_become_page_relative_file_links(make_site):
    root = make_site({
        "content/documents/links.md": "---\ntitle: Links\ndate: 2021\nsource: Wire\nlanguage: en\nsummary: s\n---\n"
        "[a](doc:first-report) [b](first-report.md) [c](../actors/wang-yi.html) [d](#later) "
        "[e](arabic-report.md#x \"t\") [f](https://example.org/a?b=1&c=2)\n\n## Later\n\nText.\n",
        "content/actors/wang-yi.md": "---\nnames:\n  en: Wang Yi\n  ar: وانغ يي\nkind: person\n---\n"
        "See [report](../documents/first-report.md) and [topic](../topics/cooperation.md) "
        "and [id](doc:arabic-report).\n",
    })
    build(load_config(root / "sitegen.yaml"), jobs=1)
    doc = parse(root / "build/documents/links.html").links
    assert ["first-report.html", "first-report.html", "../actors/wang-yi.html", "#later", "arabic-report.html#x",
            "https://example.org/a?b=1&c=2"] == [link for link in doc if link in {
                "first-report.html", "../actors/wang-yi.html", "#later", "arabic-report.html#x", "https://example.org/a?b=1&c=2"}]
    actor = parse(root / "build/actors/wang-yi.html").links
    assert {"../documents/first-report.html", "../topics/cooperation.html",
            "../documents/arabic-report.html"} <= set(actor)
    assert not [link for link in doc + actor if link.startswith("doc:") or link.endswith(".md")]


def test_check_reports_a_broken_link_with_exit_1_and_strict_fails_on_a_bad_anchor(make_site, capsys):
    make_site({"content/documents/links.md": "---\ntitle: Links\ndate: 2021\nsource: Wire\nlanguage: en\n"
               "summary: s\n---\nSee [it](first-report.md#nowhere).\n"})
    assert main(["check"]) == 0
    assert main(["check", "--strict"]) == 1
    err = capsys.readouterr().err
    assert ("content/documents/links.md:8:10: warning: link to an anchor that is not in that text: "
            "first-report.md#nowhere") in err


class FakeTerminal:
    def __init__(self, tty: bool):
        self.tty, self.chunks = tty, []

    def isatty(self):
        return self.tty

    def write(self, text):
        self.chunks.append(text)

    def flush(self):
        pass


def test_progress_rewrites_one_terminal_line_and_erases_it(make_site, monkeypatch):
    from sitegen.cli import StatusLine
    root = make_site()
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    monkeypatch.setattr(StatusLine, "DELAY", 0.0)
    terminal = FakeTerminal(True)
    with StatusLine(terminal) as status:
        build(load_config(root / "sitegen.yaml"), jobs=1, progress=status.update)
    shown = "".join(terminal.chunks)
    assert "\r\x1b[Krendering pages 0/" in shown and "building the search index" in shown
    assert "\n" not in shown and terminal.chunks[-1] == "\r\x1b[K"


def test_progress_is_silent_off_a_terminal_and_in_ci(make_site, monkeypatch):
    from sitegen.cli import StatusLine
    root = make_site()
    monkeypatch.setattr(StatusLine, "DELAY", 0.0)
    for tty, ci in ((False, ""), (True, "true")):
        monkeypatch.setenv("CI", ci)
        terminal = FakeTerminal(tty)
        with StatusLine(terminal) as status:
            build(load_config(root / "sitegen.yaml"), jobs=1, progress=status.update)
        assert terminal.chunks == []


def test_check_renders_the_templates_too(make_site, capsys, tmp_path):
    import shutil
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    page = templates / "document.html"
    page.write_text(page.read_text(encoding="utf-8").replace("{{ doc.body }}", "{{ doc.bodyy }}"), encoding="utf-8")
    make_site(config=site_config(templates=templates))
    assert main(["check"]) == 1
    err = capsys.readouterr().err
    assert f"{page}:" in err and "while rendering documents/" in err and "bodyy" in err


def test_a_search_index_over_its_budget_is_reported_by_check_and_fails_strict(make_site, capsys):
    make_site(config=site_config(extra="search:\n  budget_kb: 1\n"))
    assert main(["check"]) == 0
    assert "warning: the search index is" in capsys.readouterr().err
    assert main(["build", "--strict"]) == 1
    assert "over search.budget_kb (1 KB)" in capsys.readouterr().err
    assert not Path("build").exists()


def test_cooccurring_terms_are_capped_and_ranked(make_site):
    from sitegen.pages import COOCCURRING
    many = "".join(f"\n  - Person {i:02d}" for i in range(COOCCURRING + 10))
    root = make_site({"content/documents/many.md": "---\ntitle: Many\ndate: 2020\nsource: S\nlanguage: en\n"
                      f"summary: s\nactors:{many}\n---\nBody.\n",
                      "content/documents/few.md": "---\ntitle: Few\ndate: 2021\nsource: S\nlanguage: en\n"
                      "summary: s\nactors:\n  - Person 05\n  - Person 07\n---\nBody.\n"},
                     config=site_config(extra="taxonomies:\n  actors: {optional: true}\n  topics: {optional: true}\n"))
    build(load_config(root / "sitegen.yaml"))
    page = (root / "build/actors/person-05.html").read_text(encoding="utf-8")
    listed = re.findall(r'href="person-(\d\d)\.html"', page)
    assert len(listed) == COOCCURRING and listed[0] == "07"  # the one shared twice ranks first
    assert "and 9 more" in page


def test_a_page_that_fails_to_render_is_reported_with_the_runs_warnings(make_site, tmp_path, capsys):
    import shutil
    shutil.copytree(ROOT / "templates", tmp_path / "tpl")
    page = tmp_path / "tpl/document.html"
    page.write_text(page.read_text(encoding="utf-8").replace(
        "{% endblock %}", "{{ (1 // 0) if doc.title == 'Boom' else '' }}{% endblock %}", 1), encoding="utf-8")
    make_site({"content/documents/boom.md": document("Boom", "Body.\n", date="2020", source="S")},
              config=site_config(templates=tmp_path / "tpl"))
    for command in (["check"], ["build"]):
        assert main(command) == 1
        err = capsys.readouterr().err
        assert "while rendering documents/boom.html" in err and "Traceback" not in err
        assert "content/documents/boom.md:1:1: warning: document has no `summary`" in err


@pytest.mark.parametrize("taxonomy, said", [
    ("title: {optional: true}", "taxonomy `title` has the name `title`"),
    ("language: {optional: true}", "taxonomy `language` has the name `language`"),
    ("places: {field: summary, optional: true}", "taxonomy `places` reads the field `summary`"),
    ("places: {folder: documents, optional: true}", "taxonomy `places` keeps its entries in `documents/`"),
])
def test_a_taxonomy_named_like_a_document_field_is_a_config_error(make_site, capsys, taxonomy, said):
    """It would read the documents' own field as term references: one clear error, before any source."""
    make_site(config=site_config(extra=f"taxonomies:\n  actors: {{}}\n  topics: {{}}\n  {taxonomy}\n"))
    assert main(["build"]) == 1
    err = capsys.readouterr().err
    assert f"sitegen.yaml:1:1: {said}" in err and "internal error" not in err and not Path("build").exists()


def test_the_status_line_does_not_keep_a_build_from_forking_but_another_thread_does(monkeypatch):
    """Work beside a build runs in forked processes (the cache's writer, the output check) unless a
    thread could hold a lock the child needs: the status line's ticker only draws, so a build on a
    terminal forks as one in a log does; any other thread (`serve`'s) keeps the work in-process."""
    from sitegen import workers
    from sitegen.cli import StatusLine
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    others = [t for t in threading.enumerate() if t is not threading.current_thread()]  # the browser tests' driver?
    with StatusLine(FakeTerminal(True)):
        ticking = [t for t in threading.enumerate() if t.name.startswith(workers.FORK_SAFE)]
        assert len(ticking) == 1 and ticking[0].is_alive()
        assert workers.may_fork() == (not others)
        stop = threading.Event()
        other = threading.Thread(target=stop.wait)
        other.start()
        try:
            assert not workers.may_fork()
        finally:
            stop.set()
            other.join()
