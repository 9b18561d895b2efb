"""The persistent build cache and the incremental output: never a different site, never a failure.

Every incremental build is compared byte for byte with a cold build (`--no-cache`) of the same tree,
through random sequences of edits; every bad cache state falls back to a cold build; two builds never
write one output folder at once; a swap cut at any step loses nothing.
"""

from __future__ import annotations

import gc
import json
import os
import random
import shutil
import sqlite3
import threading
import time
from pathlib import Path

import jinja2
import pytest

from sitegen import cache, incremental, render, sources
from sitegen.build import build
from sitegen.cache import FOLDER, Cache, open_cache
from sitegen.cli import main
from sitegen.config import load_config
from sitegen.errors import BuildFailed
from sitegen.output import MARKER, Output, UnsafeOutput

from tests.conftest import ROOT, document, site_config


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def doc(title: str, actors: list[str], body: str, date: str = "2020-01-02") -> str:
    return document(title, body + "\n", date=date, summary=f"About {title}.", actors=actors, topics=["cooperation"])


@pytest.fixture
def project(make_site, tmp_path):
    """A site with its own copy of the templates and assets, so tests may edit them."""
    shutil.copytree(ROOT / "templates", tmp_path / "tpl")
    shutil.copytree(ROOT / "assets", tmp_path / "ast")
    root = make_site(config=site_config(tmp_path / "tpl", tmp_path / "ast"))
    return root


def cold_and_warm(root: Path, out: str = "build") -> tuple[object, object]:
    """Build with the cache into `out`, and cold into a scratch folder; each result or its failure."""
    results = []
    for args in (["build", "--out", out], ["build", "--no-cache", "--out", str(root.parent / "cold")]):
        config = load_config(root / "sitegen.yaml", environ={})
        memo = open_cache(config.root, enabled="--no-cache" not in args)
        try:
            results.append(build(config, out=Path(args[2 if "--no-cache" not in args else 3]), memo=memo))
        except BuildFailed as failed:
            results.append([d.format() for d in failed.diagnostics])
        finally:
            memo.close()
    return results[0], results[1]


EDITS = ["body", "title", "actors", "topics", "add", "rename", "delete", "actor-add", "actor-edit", "actor-delete",
         "registry-description", "template", "term-template", "term-comment", "document-template", "config",
         "asset-add", "asset-edit", "asset-delete"]
TEMPLATE_EDITS = ("template", "term-template", "term-comment", "document-template")  # each a fast build of its own


def edit(root: Path, kind: str, rng: random.Random, n: int) -> None:
    docs = root / "content/documents"
    existing = sorted(docs.glob("*.md"))
    pick = rng.choice(existing) if existing else None
    if kind == "body" and pick:
        pick.write_text(pick.read_text(encoding="utf-8") + f"\nA new paragraph {n}.\n", encoding="utf-8")
    elif kind == "title" and pick:
        text = pick.read_text(encoding="utf-8")
        pick.write_text(text.replace("title: ", f"title: Retitled {n} ", 1), encoding="utf-8")
    elif kind == "actors" and pick and "arabic" not in pick.name:
        actors = sorted(p.stem for p in (root / "content/actors").glob("*.md"))
        pick.write_text(doc(f"Doc {n}", rng.sample(actors, rng.randint(0, len(actors))), f"Body {n}."), encoding="utf-8")
    elif kind == "topics" and pick:
        text = pick.read_text(encoding="utf-8")
        pick.write_text(text.replace("topics:\n  - cooperation\n", "topics: []\n") if "  - cooperation" in text
                        else text.replace("topics: []\n", "topics:\n  - cooperation\n"), encoding="utf-8")
    elif kind == "add":
        (docs / f"added-{n}.md").write_text(doc(f"Added {n}", ["Wang Yi"], f"Added body {n}.", f"20{10 + n % 15}-0{1 + n % 9}"),
                                            encoding="utf-8")
    elif kind == "rename" and pick:
        pick.rename(docs / f"renamed-{n}.md")
    elif kind == "delete" and pick and len(existing) > 1:
        pick.unlink()
    elif kind == "actor-add":
        (root / f"content/actors/actor-{n}.md").write_text(f"---\nname: Actor {n}\nkind: person\n---\nSomeone {n}.\n",
                                                           encoding="utf-8")
    elif kind == "actor-edit":
        for path in sorted((root / "content/actors").glob("actor-*.md"))[:1]:
            path.write_text(path.read_text(encoding="utf-8") + f"More {n}.\n", encoding="utf-8")
    elif kind == "actor-delete":
        for path in sorted((root / "content/actors").glob("actor-*.md"))[-1:]:
            path.unlink()
    elif kind == "registry-description":  # the text below a registry entry's front matter is its description
        entry = root / rng.choice(["content/actors/wang-yi.md", "content/topics/cooperation.md"])
        text = entry.read_text(encoding="utf-8")
        entry.write_text(text[:text.rindex("---\n") + 4] + f"Described again {n}.\n", encoding="utf-8")
    elif kind == "template":
        base = root.parent / "tpl/base.html"
        base.write_text(base.read_text(encoding="utf-8").replace("</body>", f"<!-- {n} --></body>"), encoding="utf-8")
    elif kind == "term-template":
        term = root.parent / "tpl/term.html"
        term.write_text(term.read_text(encoding="utf-8") + f"{{# {n} #}}<!-- {n} -->\n", encoding="utf-8")
    elif kind == "term-comment":  # changes no page's bytes
        term = root.parent / "tpl/term.html"
        term.write_text(term.read_text(encoding="utf-8") + f"{{# only a comment {n} #}}", encoding="utf-8")
    elif kind == "document-template":
        page = root.parent / "tpl/document.html"
        page.write_text(page.read_text(encoding="utf-8").replace("</article>", f"</article><!-- {n} -->", 1), encoding="utf-8")
    elif kind == "config":
        config = root / "sitegen.yaml"
        config.write_text(config.read_text(encoding="utf-8").replace("title: Test archive", f"title: Archive {n}")
                          .replace("title: Archive ", "title: Archive ").replace(f"Archive {n - 1}", f"Archive {n}"),
                          encoding="utf-8")
    elif kind == "asset-add":
        (root.parent / f"ast/extra-{n}.css").write_text(f"/* {n} */\n", encoding="utf-8")
    elif kind == "asset-edit":
        style = root.parent / "ast/style.css"
        style.write_text(style.read_text(encoding="utf-8") + f"\n/* {n} */\n", encoding="utf-8")
    elif kind == "asset-delete":
        for path in sorted((root.parent / "ast").glob("extra-*.css"))[:1]:
            path.unlink()


@pytest.mark.parametrize("seed, forks", [(1, True), (2, False), (5, True), (7, True)])
def test_incremental_builds_equal_cold_builds_through_random_edits(project, seed, forks, monkeypatch):
    """`forks`: the cache's rows kept back are written by a forked process beside the model stage (as
    the command line does), or in the build's own process (`serve`, whose threads forbid forking)."""
    monkeypatch.setattr(cache, "may_fork", lambda: forks)
    rng = random.Random(seed)
    warm, cold = cold_and_warm(project)
    assert tree(project / "build") == tree(project.parent / "cold")
    for n in range(1, 15):
        kind = rng.choice(EDITS)
        edit(project, kind, rng, n)
        last_failed = isinstance(warm, list)
        warm, cold = cold_and_warm(project)
        if isinstance(cold, list):  # both fail, and say the same
            assert warm == cold, kind
            continue
        assert not isinstance(warm, list), (kind, warm)
        assert tree(project / "build") == tree(project.parent / "cold"), f"step {n}: {kind}"
        assert warm.warnings == cold.warnings and warm.counts == cold.counts
        assert warm.edited == (kind == "body" and not last_failed), (n, kind)  # the fast path, when it applies
        assert warm.site is None or kind not in TEMPLATE_EDITS or last_failed, (n, kind)  # a template edit's own path


def test_an_edit_rewrites_only_what_depends_on_it(project):
    cold_and_warm(project)
    page = project / "build/documents/first-report.html"
    other = project / "build/documents/arabic-report.html"
    inodes = (page.stat().st_ino, other.stat().st_ino)
    source = project / "content/documents/first-report.md"
    source.write_text(source.read_text(encoding="utf-8").replace("The body", "The edited body"), encoding="utf-8")
    warm, _ = cold_and_warm(project)
    assert "The edited body" in page.read_text(encoding="utf-8")
    assert page.stat().st_ino != inodes[0] and other.stat().st_ino == inodes[1]
    assert 1 <= warm.stats.changed <= 8, warm.stats  # the page and the search files it is in


def test_a_template_edit_renders_again_only_the_pages_made_with_it(project):
    cold_and_warm(project)
    term, doc = project / "build/actors/wang-yi.html", project / "build/documents/first-report.html"
    inodes = (term.stat().st_ino, doc.stat().st_ino)
    term_html = project.parent / "tpl/term.html"  # a change inside its block: every term page changes
    term_html.write_text(term_html.read_text(encoding="utf-8").replace('<article class="term">', '<article class="term" id="t">'),
                         encoding="utf-8")
    cold_and_warm(project)
    assert tree(project / "build") == tree(project.parent / "cold")
    assert term.stat().st_ino != inodes[0] and doc.stat().st_ino == inodes[1]


def test_a_template_edit_alone_plans_and_renders_only_its_pages_and_moves_only_changed_files(project, monkeypatch):
    cold_and_warm(project)
    config = load_config(project / "sitegen.yaml", environ={})
    before = {p: p.stat().st_ino for p in (project / "build").rglob("*") if p.is_file()}
    rendered: list[str] = []
    render_page = render.render_page
    monkeypatch.setattr(render, "render_page", lambda templates, page: rendered.append(page.path) or render_page(templates, page))
    edit(project, "term-comment", random.Random(0), 1)  # a Jinja comment: no page's bytes change
    warm = cached_build(config)
    assert warm.site is None and warm.stats.patched and warm.stats.changed == 0
    assert rendered and all(p.startswith(("actors/", "topics/", "ar/actors/", "ar/topics/")) for p in rendered), rendered
    assert {p: p.stat().st_ino for p in (project / "build").rglob("*") if p.is_file()} == before  # nothing moved
    rendered.clear()
    edit(project, "document-template", random.Random(0), 2)
    warm = cached_build(config)
    assert warm.site is None and warm.stats.changed == 2
    assert sorted(rendered) == ["documents/arabic-report.html", "documents/first-report.html"]  # not .bib, .ris, .json
    _, cold = cold_and_warm(project)
    assert tree(project / "build") == tree(project.parent / "cold")


@pytest.fixture(params=[True, False], ids=["forked", "in a thread"])
def checked(request, monkeypatch):
    """The output is checked in a forked process, or, in a process with other threads (`serve`; the
    browser tests' driver too), in a thread."""
    monkeypatch.setattr(incremental, "may_fork", lambda: request.param)


def test_a_rebuild_with_no_change_writes_nothing_and_mends_a_damaged_output(project, checked):
    cold_and_warm(project)
    before = {p: p.stat().st_ino for p in (project / "build").rglob("*") if p.is_file()}
    warm, _ = cold_and_warm(project)
    assert warm.stats.changed == 0 and warm.site is None  # returned at once
    assert {p: p.stat().st_ino for p in (project / "build").rglob("*") if p.is_file()} == before
    (project / "build/documents/first-report.html").unlink()
    (project / "build/index.html").write_text("tampered")
    warm, _ = cold_and_warm(project)
    assert tree(project / "build") == tree(project.parent / "cold")


@pytest.mark.parametrize("state", ["garbage", "other-version", "damaged-values", "not-a-folder", "read-only", "locked"])
def test_a_bad_cache_falls_back_to_a_cold_build(project, state, monkeypatch):
    cold_and_warm(project)
    db = project / FOLDER / "cache.sqlite"
    if state == "garbage":
        db.write_bytes(b"this is not a database" * 100)
        for name in ("cache.sqlite-wal", "cache.sqlite-shm"):
            (project / FOLDER / name).unlink(missing_ok=True)
    elif state == "other-version":
        with sqlite3.connect(db) as con:
            con.execute("UPDATE meta SET value = 'older' WHERE name = 'version'")
    elif state == "damaged-values":
        with sqlite3.connect(db) as con:
            con.execute("UPDATE memo SET value = x'80049500'")
    elif state == "not-a-folder":
        shutil.rmtree(project / FOLDER)
        (project / FOLDER).write_text("a file where the cache folder should be")
    elif state == "read-only":
        def read_only(self):
            raise sqlite3.OperationalError("attempt to write a readonly database")
        monkeypatch.setattr(Cache, "_open", read_only)
    source = project / "content/documents/first-report.md"
    source.write_text(source.read_text(encoding="utf-8").replace("The body", "The edited body"), encoding="utf-8")
    holder = None
    if state == "locked":
        monkeypatch.setattr("sitegen.cache.TIMEOUT", 0.2)
        holder = sqlite3.connect(db, isolation_level=None)
        holder.execute("BEGIN EXCLUSIVE")
    try:
        config = load_config(project / "sitegen.yaml", environ={})
        memo = open_cache(project)
        result = build(config, memo=memo)
        memo.close()
    finally:
        if holder:
            holder.close()
    _, cold = cold_and_warm(project, out=str(project.parent / "again"))
    assert tree(project / "build") == tree(project.parent / "cold")
    assert len(result.notices) <= 1
    if state in ("garbage", "other-version", "not-a-folder", "read-only", "locked"):
        assert len(result.notices) == 1 and result.notices[0].startswith("cache:"), result.notices


def test_the_command_line_prints_one_notice_for_a_bad_cache(project, capsys):
    assert main(["build"]) == 0
    (project / FOLDER / "cache.sqlite").write_bytes(b"garbage" * 1000)
    capsys.readouterr()
    assert main(["build"]) == 0
    err = capsys.readouterr().err
    assert err.count("note: cache:") == 1 and "Traceback" not in err


def test_no_cache_reads_and_writes_no_cache(project):
    assert main(["build", "--no-cache"]) == 0
    assert main(["check", "--no-cache"]) == 0
    assert not (project / FOLDER).exists()


def test_clean_removes_the_cache_and_our_output_only(project, capsys):
    assert main(["build"]) == 0
    assert (project / FOLDER).is_dir() and (project / "build" / MARKER).is_file()
    assert main(["clean"]) == 0
    assert not (project / FOLDER).exists() and not (project / "build").exists()
    assert "removed" in capsys.readouterr().out
    (project / "mine").mkdir()
    (project / "mine/keep.txt").write_text("not sitegen's")
    assert main(["clean", "--out", "mine"]) == 2
    assert (project / "mine/keep.txt").read_text() == "not sitegen's"


def test_a_second_build_on_the_same_output_stops_with_a_clear_message(project, monkeypatch):
    config = load_config(project / "sitegen.yaml", environ={})
    build(config)
    inside, release = threading.Event(), threading.Event()
    write = Output.write

    def slow_write(self, rel, data, key):
        inside.set()
        release.wait(10)
        return write(self, rel, data, key)

    monkeypatch.setattr(Output, "write", slow_write)
    errors = []
    first = threading.Thread(target=lambda: build(config, memo=open_cache(project)))
    first.start()
    assert inside.wait(10)
    monkeypatch.setattr(Output, "write", write)
    try:
        with pytest.raises(UnsafeOutput, match="another sitegen build"):
            build(config)
    except BaseException as exc:  # pragma: no cover - keep the thread from hanging the suite
        errors.append(exc)
    finally:
        release.set()
        first.join(20)
    assert not errors
    assert (project / "build" / MARKER).is_file()
    _, cold = cold_and_warm(project, out=str(project.parent / "again"))
    assert tree(project / "build") == tree(project.parent / "cold")


def test_two_builds_sharing_the_cache_do_not_corrupt_it(project):
    config = load_config(project / "sitegen.yaml", environ={})
    outs = [project.parent / f"out-{i}" for i in range(2)]
    threads = [threading.Thread(target=lambda o=o: build(config, out=o, memo=open_cache(project))) for o in outs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    cold_and_warm(project)
    assert tree(outs[0]) == tree(outs[1]) == tree(project / "build") == tree(project.parent / "cold")


def built_then_edited(project: Path):
    """Build, keep the output's bytes, then edit one body: the config and the tree before the edit."""
    config = load_config(project / "sitegen.yaml", environ={})
    build(config)
    before = tree(project / "build")
    source = project / "content/documents/first-report.md"
    source.write_text(source.read_text(encoding="utf-8").replace("The body", "The edited body"), encoding="utf-8")
    return config, before


@pytest.mark.parametrize("writes", [0, 1, 5])
def test_an_interrupt_during_the_write_leaves_the_previous_output(project, monkeypatch, writes):
    config, before = built_then_edited(project)
    write, count = Output.write, [0]

    def interrupted(self, rel, data, key):
        if count[0] == writes:
            raise KeyboardInterrupt
        count[0] += 1
        return write(self, rel, data, key)

    monkeypatch.setattr(Output, "write", interrupted)
    with pytest.raises(KeyboardInterrupt):
        build(config, memo=open_cache(project))
    assert count[0] == writes  # the interrupt came in the middle of writing, after `writes` files
    assert tree(project / "build") == before
    assert not list(project.glob(".build.tmp-*")) + list(project.glob(".build.old-*"))


def interrupted_at_call(step: int, function):
    """`function`, but its `step`-th call (from 1) raises KeyboardInterrupt instead of running."""
    count = [0]

    def cut(*args):
        count[0] += 1
        if count[0] == step:
            raise KeyboardInterrupt
        return function(*args)
    return cut


@pytest.mark.parametrize("step", [1, 2])
def test_an_interrupt_at_each_step_of_the_swap_loses_nothing(project, monkeypatch, step):
    config, before = built_then_edited(project)
    rename = Path.rename
    monkeypatch.setattr(Path, "rename", interrupted_at_call(step, rename))
    with pytest.raises(KeyboardInterrupt):
        build(config)
    monkeypatch.setattr(Path, "rename", rename)
    assert tree(project / "build") == before
    assert build(config).stats is not None
    assert "The edited body" in (project / "build/documents/first-report.html").read_text(encoding="utf-8")
    assert not list(project.glob(".build.tmp-*")) + list(project.glob(".build.old-*"))


def test_a_swap_killed_between_its_renames_is_restored_by_the_next_build(project):
    config = load_config(project / "sitegen.yaml", environ={})
    build(config)
    before = tree(project / "build")
    (project / "build").rename(project / ".build.old-99999")  # as a kill -9 between the renames leaves it
    result = build(config)
    assert result.stats.restored and tree(project / "build") == before
    assert not list(project.glob(".build.old-*"))


@pytest.mark.parametrize("inside", ["content/out", "templates-out", "assets-out"])
def test_the_output_folder_may_not_be_inside_a_source_folder(project, inside):
    folder = {"content/out": project / "content/out", "templates-out": project.parent / "tpl/out",
              "assets-out": project.parent / "ast/out"}[inside]
    with pytest.raises(UnsafeOutput, match="inside"):
        build(load_config(project / "sitegen.yaml", environ={}), out=folder)
    assert not folder.exists()


def test_a_build_with_nothing_to_do_keeps_the_whole_cache(project, monkeypatch):
    import sitegen.inputs as build_module
    cold_and_warm(project)
    cold_and_warm(project)  # nothing changed: returns early, and must not forget the bodies
    converted = []
    render = build_module.render_markdown
    monkeypatch.setattr(build_module, "render_markdown", lambda body: converted.append(body) or render(body))
    source = project / "content/documents/first-report.md"
    source.write_text(source.read_text(encoding="utf-8").replace("The body", "The edited body"), encoding="utf-8")
    config = load_config(project / "sitegen.yaml", environ={})
    memo = open_cache(project)
    build(config, memo=memo)
    memo.close()
    assert len(converted) == 1 and "edited" in converted[0]


def test_an_attachment_changed_alone_is_a_change(project):
    doc = project / "content/documents/first-report.md"
    doc.write_text(doc.read_text(encoding="utf-8").replace("topics:", "attachments: [scan.png]\ntopics:"), encoding="utf-8")
    (project / "content/documents/scan.png").write_bytes(b"\x89PNG first")
    cold_and_warm(project)
    (project / "content/documents/scan.png").write_bytes(b"\x89PNG second, longer")
    warm, _ = cold_and_warm(project)
    assert warm.site is not None and tree(project / "build") == tree(project.parent / "cold")
    assert b"second" in (project / "build/documents/first-report/scan.png").read_bytes()


def cached_then_edited(project: Path):
    """Build with the cache (so the next build knows the output it left), then edit one body: the
    config, the tree before the edit, and a cold build's tree after it."""
    config = load_config(project / "sitegen.yaml", environ={})
    memo = open_cache(project)
    build(config, memo=memo)
    memo.close()
    before = tree(project / "build")
    source = project / "content/documents/first-report.md"
    source.write_text(source.read_text(encoding="utf-8").replace("The body", "The edited body"), encoding="utf-8")
    build(config, out=project.parent / "cold")
    return config, before, tree(project.parent / "cold")


def leftovers(project: Path) -> list[Path]:
    """What a build leaves beside the output but its lock: a journal, a staging or an old tree."""
    return [p for p in project.glob(".build.*") if p.name != ".build.lock"]


def cached_build(config):
    memo = open_cache(config.root)
    try:
        return build(config, memo=memo)
    finally:
        memo.close()


def test_a_small_edit_moves_the_changed_files_into_the_output(project):
    config, before, after = cached_then_edited(project)
    page = project / "build/documents/arabic-report.html"
    inode = page.stat().st_ino
    result = cached_build(config)
    assert result.stats.patched and 1 <= result.stats.changed <= 8
    assert tree(project / "build") == after and page.stat().st_ino == inode
    assert not leftovers(project)


@pytest.mark.parametrize("step, finished", [(1, False), (2, True), (3, True)])
def test_an_interrupt_during_a_patch_completes_it_or_leaves_the_previous_output(project, monkeypatch, step, finished):
    """The first rename puts the journal in place; every later one moves a file: once the journal
    is there, an interrupt completes the moves; before, nothing has moved."""
    config, before, after = cached_then_edited(project)
    replace = os.replace
    monkeypatch.setattr("sitegen.output.os.replace", interrupted_at_call(step, replace))
    with pytest.raises(KeyboardInterrupt):
        cached_build(config)
    monkeypatch.setattr("sitegen.output.os.replace", replace)
    assert tree(project / "build") == (after if finished else before)
    assert not leftovers(project)
    assert tree(project / "build") == after or cached_build(config).stats.patched


def test_a_patch_killed_halfway_is_completed_by_the_next_build(project, monkeypatch):
    config, before, after = cached_then_edited(project)
    replace = os.replace

    def cut(source, target):
        if "/build/search/" in str(target):  # the page has moved, the search files have not
            raise SystemExit("killed")
        return replace(source, target)

    def killed(self, *exc):  # a killed process runs no clean-up; the kernel releases its lock
        os.close(self._lock)

    monkeypatch.setattr("sitegen.output.os.replace", cut)
    monkeypatch.setattr(Output, "__exit__", killed)
    with pytest.raises(SystemExit):
        cached_build(config)
    monkeypatch.undo()
    assert (project / ".build.journal").exists() and tree(project / "build") not in (before, after)
    result = cached_build(config)
    assert result.stats.restored and tree(project / "build") == after
    assert not leftovers(project)


def test_files_added_to_the_output_by_hand_are_removed_as_a_cold_build_would(project):
    config, before, after = cached_then_edited(project)
    (project / "build/stray.txt").write_text("left here")
    (project / "build/documents/stray.html").write_text("left here")
    result = cached_build(config)
    assert not result.stats.patched and tree(project / "build") == after
    source = project / "content/documents/first-report.md"
    source.write_text(source.read_text(encoding="utf-8").replace("edited body", "body edited twice"), encoding="utf-8")
    assert cached_build(config).stats.patched


def test_a_journal_naming_files_outside_the_output_moves_and_deletes_nothing(project):
    config = load_config(project / "sitegen.yaml", environ={})
    cached_build(config)
    victim = project.parent / "victim.txt"
    victim.write_text("keep me")
    (project / ".build.tmp-1").mkdir()
    (project / ".build.tmp-1/x").write_text("x")
    (project / ".build.journal").write_text(json.dumps({"staging": ".build.tmp-1", "write": ["../../x"],
                                                        "remove": ["../victim.txt"]}))
    before = tree(project / "build")
    assert cached_build(config).stats is not None
    assert victim.read_text() == "keep me" and tree(project / "build") == before
    assert not (project / ".build.journal").exists()


def edit_body(project: Path, name: str, old: str, new: str) -> None:
    source = project / f"content/documents/{name}.md"
    source.write_text(source.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


def test_an_edited_body_alone_takes_the_fast_path_and_gives_the_cold_build(project):
    cold_and_warm(project)
    page = project / "build/documents/arabic-report.html"
    inode = page.stat().st_ino
    edit_body(project, "first-report", "The body", "The edited body, with a [link](arabic-report.md) and `{{ x }}`")
    warm, cold = cold_and_warm(project)
    assert warm.edited == 1 and warm.stats.patched and page.stat().st_ino == inode
    assert tree(project / "build") == tree(project.parent / "cold")
    assert warm.warnings == cold.warnings and warm.counts == cold.counts and warm.pages == cold.pages
    edit_body(project, "first-report", "The edited body", "The body edited twice")  # from the state it left
    warm, _ = cold_and_warm(project)
    assert warm.edited == 1 and tree(project / "build") == tree(project.parent / "cold")
    warm, _ = cold_and_warm(project)
    assert warm.site is None and warm.edited == 0 and warm.stats.changed == 0  # and then nothing to do


@pytest.mark.parametrize("change", ["front matter", "heading", "broken link", "two files", "touched output"])
def test_what_a_body_edit_cannot_do_alone_takes_the_full_build(project, change):
    """Anything beyond bodies goes another way, and gives what the cold build gives (or fails as it does):
    fields and a registry entry's description the fast path of front-matter edits (`refields`), the rest
    the full build."""
    cold_and_warm(project)
    if change == "front matter":
        edit_body(project, "first-report", "summary: ", "summary: Changed. ")
    elif change == "heading":  # its anchors change, which other pages' links may name
        edit_body(project, "first-report", "The body", "## A new heading\n\nThe body")
    elif change == "broken link":
        edit_body(project, "first-report", "The body", "The body [gone](missing-report.md)")
    elif change == "two files":
        edit_body(project, "first-report", "The body", "The edited body")
        (project / "content/actors/wang-yi.md").write_text(
            (project / "content/actors/wang-yi.md").read_text(encoding="utf-8") + "\nMore.\n", encoding="utf-8")
    else:
        edit_body(project, "first-report", "The body", "The edited body")
        (project / "build/index.html").write_text("tampered")
    warm, cold = cold_and_warm(project)
    if isinstance(cold, list):
        assert warm == cold and change == "broken link"
        return
    assert warm.edited == 0 and (warm.site is None) == (change in ("front matter", "two files"))
    assert tree(project / "build") == tree(project.parent / "cold")


def test_fast_builds_one_after_another_give_the_cold_build_each_time(project, monkeypatch):
    """Each fast build replays the bodies redone since the full build into the search index: words
    added, removed and added again, in two documents, match a cold build at every step."""
    cold_and_warm(project)
    steps = [("first-report", "The body", "The body zebrafinch"), ("arabic-report", "نص التقرير.", "نص التقرير quokka."),
             ("first-report", "The body zebrafinch", "The body"), ("first-report", "The body", "The body zebrafinch")]
    for name, old, new in steps:
        edit_body(project, name, old, new)
        warm, cold = cold_and_warm(project)
        assert warm.edited == 1 and tree(project / "build") == tree(project.parent / "cold"), (name, new)
        assert warm.warnings == cold.warnings
    monkeypatch.setattr("sitegen.incremental.MAX_EDITED", 1)
    edit_body(project, "first-report", "The body", "The body again")
    warm, _ = cold_and_warm(project)
    assert warm.edited == 0 and tree(project / "build") == tree(project.parent / "cold")  # two redone: a full build
    edit_body(project, "first-report", "again", "once more")
    assert cold_and_warm(project)[0].edited == 1  # which starts the count again


def test_a_fast_build_keeps_each_files_warnings_as_the_full_build_has_them(project):
    """With `links.broken: warning`, a body edit may add or mend broken links: the warnings of a fast
    build are the cold build's, at each step (the edited file's replaced, every other file's kept)."""
    config = project / "sitegen.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "links:\n  broken: warning\n", encoding="utf-8")
    edit_body(project, "arabic-report", "نص التقرير.", "نص التقرير [مفقود](missing-one.md).")
    cold_and_warm(project)
    steps = [("The body", "The body [gone](missing-two.md)"), ("[gone](missing-two.md)", "[gone](missing-three.md) and ![x](nowhere.png)"),
             ("[gone](missing-three.md) and ![x](nowhere.png)", "mended")]
    for old, new in steps:
        edit_body(project, "first-report", old, new)
        warm, cold = cold_and_warm(project)
        assert warm.edited == 1 and warm.warnings == cold.warnings, new
        assert tree(project / "build") == tree(project.parent / "cold")
    assert any("missing-one" in d.message for d in warm.warnings)
    assert not any("missing-three" in d.message or "nowhere" in d.message for d in warm.warnings)


def kept_back(root: Path, compute=lambda items: [item.upper() for item in items]) -> tuple[Cache, list[str]]:
    memo = Cache(root)
    return memo, memo.reuse("words", [(w.encode(), w) for w in WORDS], compute, later=True)


WORDS = [f"word {n}" for n in range(300)]


def found_all(items: list) -> list:
    assert items == [], f"recomputed {len(items)} of {len(WORDS)}"
    return []


def writers(log: Path, monkeypatch) -> None:
    """Every `_insert` call appends the id of the process making it and its namespace to `log`."""
    insert = Cache._insert

    def logged(self, namespace, rows, **how):
        with open(log, "a") as handle:
            handle.write(f"{os.getpid()} {namespace}\n")
        return insert(self, namespace, rows, **how)
    monkeypatch.setattr(Cache, "_insert", logged)


def test_rows_kept_back_are_written_by_a_forked_process_while_the_build_goes_on(tmp_path, monkeypatch):
    monkeypatch.setattr(cache, "may_fork", lambda: True)
    writers(tmp_path / "log", monkeypatch)
    memo, results = kept_back(tmp_path)
    assert results == [w.upper() for w in WORDS]
    memo.write_later()
    assert memo.writer is not None and memo.later == []  # the build goes on
    memo.store("other", b"key", "value")  # waits for the writer
    assert memo.writer is None and memo.notices == []
    pids = {line.split()[0] for line in (tmp_path / "log").read_text().splitlines() if line.endswith(" words")}
    assert pids and str(os.getpid()) not in pids  # all of it in the child
    memo.close()
    again, results = kept_back(tmp_path, compute=found_all)
    assert results == [w.upper() for w in WORDS]
    again.close()


@pytest.mark.parametrize("beside, forks", [(False, True), (True, False)])
def test_rows_kept_back_are_written_in_process_where_forking_is_not_wanted(tmp_path, monkeypatch, beside, forks):
    monkeypatch.setattr(cache, "may_fork", lambda: forks)
    writers(tmp_path / "log", monkeypatch)
    memo, _ = kept_back(tmp_path)
    assert not (tmp_path / "log").exists()
    memo.write_later(beside=beside)
    assert memo.writer is None and memo.later == []
    assert {line.split()[0] for line in (tmp_path / "log").read_text().splitlines()} == {str(os.getpid())}
    memo.close()
    again, _ = kept_back(tmp_path, compute=found_all)
    again.close()


def test_rows_kept_back_and_never_written_beside_are_written_when_the_cache_closes(tmp_path):
    memo, _ = kept_back(tmp_path)
    memo.close()
    again, _ = kept_back(tmp_path, compute=found_all)
    again.close()


@pytest.mark.parametrize("how", ["fails", "killed"])
def test_a_writer_process_that_fails_turns_the_cache_off_with_one_notice(tmp_path, monkeypatch, how):
    monkeypatch.setattr(cache, "may_fork", lambda: True)
    parent, insert = os.getpid(), Cache._insert

    def failing(self, namespace, rows, **streamed):
        if os.getpid() != parent:
            if how == "killed":
                os.kill(os.getpid(), 9)
            raise sqlite3.OperationalError("disk I/O error")
        return insert(self, namespace, rows, **streamed)
    monkeypatch.setattr(Cache, "_insert", failing)
    memo, _ = kept_back(tmp_path)
    memo.write_later()
    memo.finish()
    assert memo.notices == ["cache: not used (its writer process failed); building without it"]
    assert memo.db is None
    memo.close()
    monkeypatch.setattr(Cache, "_insert", insert)
    computed = []
    again, results = kept_back(tmp_path, compute=lambda items: computed.extend(items) or [i.upper() for i in items])
    assert computed == WORDS and results == [w.upper() for w in WORDS]  # nothing half-written was trusted
    again.close()


def test_large_values_live_in_files_beside_the_database_and_a_lost_one_is_only_a_miss(project, monkeypatch):
    """Values over LARGE (the model and search state) are files named by their rows; a fast build
    replaces them and deletes what it replaced; a file gone or damaged makes a full build, never a
    wrong one; a row naming anything but a value file reads nothing."""
    monkeypatch.setattr("sitegen.cache.LARGE", 2000)
    cold_and_warm(project)
    values, db = project / FOLDER / "values", project / FOLDER / "cache.sqlite"

    def named() -> set[str]:
        with sqlite3.connect(db) as con:
            return {v[5:] for (v,) in con.execute("SELECT value FROM memo WHERE typeof(value) = 'text'")}

    first = named()
    assert first and first == {p.name for p in values.iterdir()}
    edit_body(project, "first-report", "The body", "The edited body")
    warm, _ = cold_and_warm(project)
    assert warm.edited == 1 and tree(project / "build") == tree(project.parent / "cold")
    assert named() == {p.name for p in values.iterdir()} and named() != first  # replaced, and the old files gone
    for path in values.iterdir():
        path.write_bytes(path.read_bytes()[:100])  # damaged: pickle cannot read it
    edit_body(project, "first-report", "The edited body", "The body edited twice")
    warm, _ = cold_and_warm(project)
    assert warm.edited == 0 and warm.site is not None  # the full build, from nothing it could trust
    assert tree(project / "build") == tree(project.parent / "cold")
    with sqlite3.connect(db) as con:
        con.execute("UPDATE memo SET value = 'file:../../../cache.sqlite' WHERE typeof(value) = 'text'")
    assert Cache(project).load("edits", b"anything") is None
    edit_body(project, "first-report", "The body edited twice", "The body edited thrice")
    warm, _ = cold_and_warm(project)
    assert tree(project / "build") == tree(project.parent / "cold")


def test_a_stored_value_is_pickled_into_its_file_as_made_never_whole_in_memory(tmp_path, monkeypatch):
    """`store` streams a value's pickle: below LARGE into its row, from LARGE on into a value file
    written frame by frame (no write of the whole pickle at once), read back equal; a value that
    cannot be pickled leaves no file behind."""
    monkeypatch.setattr("sitegen.cache.LARGE", 200_000)
    memo = Cache(tmp_path)
    small, large = {"a": [1, 2]}, [{"n": i, "text": f"word {i} " * 40} for i in range(5000)]
    writes: list[int] = []
    real = cache._Spool.write
    monkeypatch.setattr(cache._Spool, "write", lambda self, data: writes.append(len(data)) or real(self, data))
    memo.store("edits", b"small", small)
    memo.store("edits", b"large", large)
    files = list((tmp_path / FOLDER / "values").iterdir())
    assert len(files) == 1 and files[0].stat().st_size > 200_000 * 5 and max(writes) < 200_000
    assert memo.load("edits", b"small") == small and memo.load("edits", b"large") == large
    with pytest.raises(TypeError):
        memo.store("edits", b"lock", [large, threading.Lock()])
    assert list((tmp_path / FOLDER / "values").iterdir()) == files
    memo.close()


def test_a_full_build_deletes_value_files_no_entry_names(project, monkeypatch):
    monkeypatch.setattr("sitegen.cache.LARGE", 2000)
    cold_and_warm(project)
    values = project / FOLDER / "values"
    old, fresh = values / ("0" * 32), values / ("1" * 32)
    old.write_bytes(b"left by an interrupted build")
    fresh.write_bytes(b"written just now by a build running beside this one")
    os.utime(old, (1, 1))
    edit_body(project, "first-report", "The body", "An edit the fast path takes")
    cold_and_warm(project)
    assert old.exists()  # a fast build does not sweep
    config = project / "sitegen.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "page_size: 7\n", encoding="utf-8")
    warm = cold_and_warm(project)[0]
    assert warm.edited == 0 and warm.site is not None  # a full build, which forgets what it did not use
    assert not old.exists() and fresh.exists()



def fresh_build(root: Path):
    """One build with the cache, as a new process would make it: no template compiled before it."""
    render._envs.clear()
    return cached_build(load_config(root / "sitegen.yaml", environ={}))


def test_a_source_the_last_build_saw_unchanged_is_not_read_again(project, monkeypatch):
    """Known by its size, times, inode and device: a file edited since is read, even with its size and
    modification time put back (its change time tells), and the others are not."""
    past = time.time() - 3600
    for path in (project / "content").rglob("*.md"):  # a file changed within SETTLED_NS of a build is read again
        os.utime(path, (past, past))
    fresh_build(project)
    reads: list[str] = []
    read = sources.read
    monkeypatch.setattr(sources, "read", lambda path, limits: reads.append(path.name) or read(path, limits))
    assert fresh_build(project).site is None and reads == []
    page = project / "content/documents/first-report.md"
    page.write_text(page.read_text(encoding="utf-8").replace("The body", "THE BODY"), encoding="utf-8")
    os.utime(page, (past, past))
    assert fresh_build(project).edited == 1 and reads == ["first-report.md"]
    _, cold = cold_and_warm(project)
    assert tree(project / "build") == tree(project.parent / "cold")


def test_the_templates_compiled_code_is_kept_between_builds(project, monkeypatch):
    """A new process compiles no template the last build compiled, only one edited since; the pages
    are those of a cold build."""
    fresh_build(project)
    compiled: list[str] = []
    compile_ = jinja2.Environment.compile
    monkeypatch.setattr(jinja2.Environment, "compile",
                        lambda self, source, name=None, *a: compiled.append(name) or compile_(self, source, name, *a))
    edit_body(project, "first-report", "The body", "The edited body")
    assert fresh_build(project).edited == 1 and compiled == []
    base = project.parent / "tpl/base.html"
    base.write_text(base.read_text(encoding="utf-8").replace("</body>", "<!-- edited --></body>"), encoding="utf-8")
    assert fresh_build(project).edited == 0 and compiled == ["base.html"]
    compiled.clear()
    _, cold = cold_and_warm(project)
    assert tree(project / "build") == tree(project.parent / "cold")


def child_processes() -> int:
    found = 0
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            fields = (Path("/proc") / pid / "stat").read_text().rsplit(") ", 1)[1].split()
        except OSError:
            continue
        found += int(fields[1]) == os.getpid()
    return found


def test_builds_that_never_ask_about_the_output_leave_no_process_or_descriptor_behind(project, monkeypatch):
    """A file added takes the full build before the output check is asked for: its forked process
    is still reaped and its pipe closed, build after build (as `serve` or `pack` would run them)."""
    children = child_processes
    monkeypatch.setattr(incremental, "may_fork", lambda: True)  # as the command line does
    config = load_config(project / "sitegen.yaml", environ={})
    cached_build(config)
    gc.collect()  # earlier tests' garbage (a connection never closed) is not closed during this one
    fds, before = len(os.listdir("/proc/self/fd")), children()  # the browser tests' may be there
    for n in range(4):
        (project / f"content/documents/added-{n}.md").write_text(doc(f"Added {n}", ["Wang Yi"], "Body."), encoding="utf-8")
        assert cached_build(config).site is not None  # the full build
    assert children() == before and len(os.listdir("/proc/self/fd")) == fds


def test_a_first_build_skips_looking_for_unused_entries_and_the_next_deletes_them(tmp_path):
    """A build that opened an empty cache has nothing of an earlier build to delete: its `finish`
    does not scan every row. What another build added meanwhile is deleted by the next `finish`."""
    def rows() -> int:
        with sqlite3.connect(tmp_path / FOLDER / "cache.sqlite") as db:
            return db.execute("SELECT count(*) FROM memo WHERE ns = 'words'").fetchone()[0]
    first, other = Cache(tmp_path), Cache(tmp_path)
    assert first.fresh and other.fresh
    first.reuse("words", [(b"a", "a")], lambda items: items)
    other.reuse("words", [(b"b", "b")], lambda items: items)
    other.close()
    first.finish()
    assert rows() == 2 and not first.fresh
    first.close()
    later = Cache(tmp_path)
    assert not later.fresh
    assert later.reuse("words", [(b"a", "a")], found_all) == ["a"]
    later.finish()
    assert rows() == 1
    later.close()


def test_a_writer_never_waited_for_is_reaped_when_its_cache_goes(tmp_path, monkeypatch):
    monkeypatch.setattr(cache, "may_fork", lambda: True)
    gc.collect()
    fds, before = len(os.listdir("/proc/self/fd")), child_processes()
    memo, _ = kept_back(tmp_path)
    memo.write_later()
    assert memo.writer is not None and child_processes() == before + 1
    memo.db.close()  # its connection's files; the writer is never waited for
    del memo
    gc.collect()
    assert child_processes() == before and len(os.listdir("/proc/self/fd")) == fds
    again, _ = kept_back(tmp_path, compute=found_all)  # and it had written everything
    again.close()



def spread(project: Path) -> dict[str, dict]:
    """Eight more documents over four actors and three topics, so that an edit reaches some and not
    others: each document's fields by its id (written by `write_spread`)."""
    for a in range(4):
        (project / f"content/actors/a{a}.md").write_text(f"---\nname: Actor {a}\nkind: person\n---\nActor {a} described.\n",
                                                          encoding="utf-8")
    for t in range(3):
        (project / f"content/topics/t{t}.md").write_text(f"---\nname: Topic {t}\n---\nTopic {t} described.\n", encoding="utf-8")
    docs = {f"spread-{n}": {"title": f"Spread {n}", "date": f"2019-0{1 + n}-01", "summary": f"Spread {n}.",
                            "actors": [f"a{n % 4}"], "topics": [f"t{n % 3}"], "translation_of": "", "body": f"Body {n}."}
            for n in range(8)}
    write_spread(project, docs)
    return docs


def write_spread(project: Path, docs: dict[str, dict]) -> None:
    for doc_id, f in docs.items():
        listed = "".join(f"{k}:" + ("".join(f"\n  - {v}" for v in f[k]) or " []") + "\n" for k in ("actors", "topics"))
        translation = f"translation_of: {f['translation_of']}\n" if f["translation_of"] else ""
        (project / f"content/documents/{doc_id}.md").write_text(
            f"---\ntitle: {f['title']}\ndate: {f['date']}\nsource: Wire\nlanguage: en\nsummary: {f['summary']}\n{listed}"
            f"{translation}---\n{f['body']}\n", encoding="utf-8")


def front_matter_edit(project: Path, docs: dict[str, dict], rng: random.Random, n: int) -> str:
    """One front-matter edit of one document, or one registry entry's description or name."""
    kind = rng.choice(["title", "actors", "topics", "date", "summary", "translation", "description", "term-name", "two"])
    doc_id = rng.choice(sorted(docs))
    f = docs[doc_id]
    if kind in ("title", "two"):
        f["title"] = f"Retitled {n}"
    if kind in ("actors", "two"):
        f["actors"] = rng.sample([f"a{i}" for i in range(4)], rng.randint(0, 2))
    if kind == "topics":
        f["topics"] = rng.sample([f"t{i}" for i in range(3)], rng.randint(0, 2))
    if kind == "date":
        f["date"] = f"20{10 + rng.randrange(12)}-0{1 + rng.randrange(9)}-1{rng.randrange(9)}"
    if kind == "summary":
        f["summary"] = f"Summary {n}."
    if kind == "translation":
        other = rng.choice(sorted(docs))
        f["translation_of"] = "" if other == doc_id or docs[other]["translation_of"] else other
    if kind == "two":  # and another document's body: no fast path for bodies then
        docs[rng.choice(sorted(docs))]["body"] += f" More {n}."
    if kind in ("description", "term-name"):
        entry = project / rng.choice([f"content/actors/a{rng.randrange(4)}.md", f"content/topics/t{rng.randrange(3)}.md"])
        text = entry.read_text(encoding="utf-8")
        if kind == "description":
            entry.write_text(text[:text.rindex("---\n") + 4] + f"Described again {n}.\n", encoding="utf-8")
        else:
            entry.write_text(text.replace("name: ", f"name: Renamed {n} ", 1), encoding="utf-8")
    write_spread(project, docs)
    return kind


@pytest.mark.parametrize("seed", [3, 4])
def test_a_front_matter_or_registry_edit_plans_only_the_documents_it_reaches(project, seed, monkeypatch):
    """Pages of documents an edit cannot reach are kept without being planned (`incremental.unreached`);
    every step gives the cold build, byte for byte, and some steps plan fewer than all documents."""
    rng, docs = random.Random(seed), spread(project)
    docs["spread-1"]["translation_of"] = "spread-0"  # sharing no term with it: its page lists the original's title
    write_spread(project, docs)
    cold_and_warm(project)
    planned: list[str] = []
    plan_document = render.plan_document
    monkeypatch.setattr(render, "plan_document", lambda site, doc, rarity: planned.append(doc.id) or plan_document(site, doc, rarity))
    docs["spread-0"]["title"] = "The original retitled"
    write_spread(project, docs)
    cold_and_warm(project)
    assert tree(project / "build") == tree(project.parent / "cold")
    fewer = 0
    for n in range(1, 13):
        kind = front_matter_edit(project, docs, rng, n)
        planned.clear()
        warm, cold = cold_and_warm(project)
        if isinstance(cold, list):
            assert warm == cold, kind
            continue
        assert tree(project / "build") == tree(project.parent / "cold"), f"step {n}: {kind}"
        assert warm.warnings == cold.warnings
        fewer += len(planned) < 2 * (len(docs) + 2)  # the warm build's and the cold build's, which plans every one
    assert fewer >= 3


@pytest.mark.parametrize("hand", [False, True])
def test_a_front_matter_edit_after_body_edits_patches_the_search_index_and_gives_the_cold_build(project, monkeypatch, hand):
    """The full build updates the index the output holds (`search.update_documents`), as the fast
    builds since the last full one left it, and keeps its other files; `hand`: a search file changed
    by hand is noticed (`as_left`), and the index is made whole."""
    from sitegen import search
    docs = spread(project)
    cold_and_warm(project)
    patched: list[bool] = []
    update = search.update_documents
    monkeypatch.setattr(search, "update_documents", lambda *a: patched.append(search._patchable(*a[:2], search._layout(
        a[1], False)) is not None) or update(*a))
    for n in range(2):
        docs["spread-2"]["body"] += f" Grown {n}."
        write_spread(project, docs)
        warm, _ = cold_and_warm(project)
        assert warm.edited == 1  # the fast path, each build from the one before
    docs["spread-3"]["title"] = "Spread three retitled"
    docs["spread-5"]["summary"] = "A summary rewritten."  # (an actor added here numbers the documents anew: every
    # document has one actor at most, and they are numbered by such facets' values)
    write_spread(project, docs)
    if hand:
        record = project / "build/search/r/0.js"
        record.write_bytes(record.read_bytes() + b"\n")
    warm, cold = cold_and_warm(project)  # the fast path of front-matter edits patches it; by hand, the full build
    assert patched == [] and (warm.site is None) != hand and tree(project / "build") == tree(project.parent / "cold")
    assert warm.search == cold.search


@pytest.mark.parametrize("seed, extra", [(11, ""), (12, "base_url: https://archive.example.org/\n"), (13, "languages: [en, ar]\n"),
                                         (14, "page_size: 2\n")])
def test_front_matter_and_registry_edits_take_their_fast_path_and_give_the_cold_build(project, seed, extra):
    """Random front-matter and registry edits in an archive whose documents may create actors (an
    optional taxonomy), with feeds, two editions or short term pages: the fast path (`refields`) takes
    the edits it can, the full build the others, and every step gives the cold build byte for byte."""
    config = project / "sitegen.yaml"
    config.write_text(config.read_text(encoding="utf-8") + extra + "taxonomies:\n  actors: {optional: true}\n  topics: {}\n",
                      encoding="utf-8")
    rng, docs = random.Random(seed), spread(project)
    cold_and_warm(project)
    fast = 0
    for n in range(1, 15):
        if rng.random() < 0.35:  # a created actor, written as another document wrote it, or (rarely) otherwise
            doc_id = rng.choice(sorted(docs))
            person = f"Person {rng.randrange(3)}"
            docs[doc_id]["actors"] = [a for a in docs[doc_id]["actors"] if not a.startswith(("Person", "person"))] + \
                ([person.lower() if rng.random() < 0.15 else person] if rng.random() < 0.7 else [])
            write_spread(project, docs)
            kind = "created actor"
        else:
            kind = front_matter_edit(project, docs, rng, n)
        warm, cold = cold_and_warm(project)
        if isinstance(cold, list):
            assert warm == cold, kind
            continue
        assert not isinstance(warm, list), (kind, warm)
        assert tree(project / "build") == tree(project.parent / "cold"), f"step {n}: {kind}"
        assert warm.warnings == cold.warnings and warm.counts == cold.counts and warm.pages == cold.pages, (n, kind)
        fast += warm.site is None and not warm.edited and warm.stats.changed > 0
    assert fast >= 3


def test_a_title_or_actor_edit_plans_only_the_pages_that_show_it(project, monkeypatch):
    """The fast path plans the edited document's page, its terms' pages that list it, and the documents
    whose related lists hold it; not the other terms' pages, nor documents sharing nothing with it."""
    from sitegen import refields
    config = project / "sitegen.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "taxonomies:\n  actors: {optional: true}\n  topics: {}\n",
                      encoding="utf-8")
    docs = spread(project)
    docs["spread-0"]["actors"] = ["a0", "a1"]  # two: actors are no single-valued facet the search numbers documents by
    write_spread(project, docs)  # spread-0: actors a0 and a1, topic t0; spread-2: a2, t2
    cold_and_warm(project)
    planned: list[str] = []
    plan_document, plan_term = render.plan_document, refields.plan_term
    monkeypatch.setattr(render, "plan_document", lambda site, doc, rarity: planned.append(doc.id) or plan_document(site, doc, rarity))
    monkeypatch.setattr(refields, "plan_term", lambda site, term, ed, numbers=None: planned.append(term.id)
                        or plan_term(site, term, ed, numbers))
    for change in ("title", "actor"):
        if change == "title":
            docs["spread-0"]["title"] = "Spread zero retitled"
        else:
            docs["spread-0"]["actors"] = [*docs["spread-0"]["actors"], "Someone New"]
        write_spread(project, docs)
        planned.clear()
        config_ = load_config(project / "sitegen.yaml", environ={})
        memo = open_cache(config_.root)
        try:
            warm = build(config_, out=Path("build"), memo=memo)
        finally:
            memo.close()
        assert warm.site is None, change  # the fast path
        assert "spread-0" in planned and "spread-2" not in planned and {"a0", "a1", "t0"} <= set(planned), (change, planned)
        assert not {"a2", "a3", "t1", "t2"} & set(planned) and (change == "title" or "someone-new" in planned), (change, planned)
        cold_and_warm(project)
        assert tree(project / "build") == tree(project.parent / "cold"), change
