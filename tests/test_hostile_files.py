"""The content folder from an untrusted pull request: links that lead out of it are never followed or
read, one file is never published twice, loops are reported, and files that cannot be read, are huge,
or have names that cannot be written (too long, reserved on Windows) are one located error each."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sitegen import sources
from sitegen.cli import main
from tests import hostile
from tests.conftest import site_config

DOCS = Path("content/documents")
SECRET = "SECRET-OF-THE-BUILD-MACHINE"


def check(capsys) -> tuple[int, list[str]]:
    code = main(["build"])
    out = capsys.readouterr()
    assert "Traceback" not in out.err and "internal error" not in out.err
    return code, out.err.splitlines()


@pytest.fixture
def outside(tmp_path) -> Path:
    """A folder outside the project holding a secret document and a pipe (reading it would hang)."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "secret.md").write_text(hostile.document(body=SECRET), encoding="utf-8")
    os.mkfifo(folder / "pipe.md")
    (folder / "sub").mkdir()
    (folder / "sub/also-secret.md").write_text(hostile.document(body=SECRET), encoding="utf-8")
    return folder


def assert_not_published(root: Path) -> None:
    for path in (root / "build").rglob("*") if (root / "build").exists() else ():
        if path.is_file():
            assert SECRET.encode() not in path.read_bytes(), path


@pytest.mark.parametrize("name,make", [
    ("symlink to a file outside", lambda d, o: (d / "leak.md").symlink_to(o / "secret.md")),
    ("symlink to a pipe outside", lambda d, o: (d / "leak.md").symlink_to(o / "pipe.md")),
    ("relative symlink out", lambda d, o: (d / "leak.md").symlink_to(os.path.relpath(o / "secret.md", d))),
    ("chain of symlinks out", lambda d, o: ((d / "hop.txt").symlink_to(o / "secret.md"),
                                           (d / "leak.md").symlink_to(d / "hop.txt"))),
    ("chain through the content folder", lambda d, o: ((d.parent / "hop.md").symlink_to(o / "secret.md"),
                                                      (d / "leak.md").symlink_to(d.parent / "hop.md"))),
    ("symlinked folder outside", lambda d, o: (d / "leak.md").symlink_to(o / "sub", target_is_directory=True)),
    ("symlinked folder outside, any name", lambda d, o: (d / "more").symlink_to(o / "sub", target_is_directory=True)),
])
def test_links_out_of_the_content_folder_are_errors_and_never_read(name, make, make_site, outside, capsys):
    root = make_site()
    (root / "build").mkdir()
    (root / "build/old.html").write_text("previous build")
    make(root / DOCS, outside)
    code, err = check(capsys)
    assert code == 1
    leak = [l for l in err if l.startswith(str(DOCS / ("more" if "any name" in name else "leak.md")))]
    assert len(leak) == 1 and "link leads outside the content folder, to " + str(outside) in leak[0], err
    assert_not_published(root)
    assert (root / "build/old.html").read_text() == "previous build"


def test_a_link_inside_the_content_folder_is_read_once(make_site, capsys):
    root = make_site()
    (root / DOCS / "alias.md").symlink_to(root / DOCS / "first-report.md")
    os.link(root / DOCS / "arabic-report.md", root / DOCS / "zz-hardlink.md")
    code, err = check(capsys)
    assert code == 1
    assert err[:2] == [
        f"{DOCS}/alias.md:1:1: same file as {DOCS}/first-report.md (a link), which would publish it twice "
        "(remove the link, or copy the file if it is really another document)",
        f"{DOCS}/zz-hardlink.md:1:1: same file as {DOCS}/arabic-report.md (a link), which would publish it twice "
        "(remove the link, or copy the file if it is really another document)"]


def test_a_linked_folder_inside_the_content_folder_is_read_once(make_site, capsys):
    root = make_site()
    (root / DOCS / "mirror").symlink_to(root / DOCS, target_is_directory=True)
    code, err = check(capsys)
    assert code == 1 and any("folder link loops back to" in l for l in err), err


@pytest.mark.parametrize("name,make,message", [
    ("folder linked to itself", lambda d: (d / "self").symlink_to(".", target_is_directory=True),
     "folder link loops back to"),
    ("folder linked to its parent", lambda d: (d / "up").symlink_to("..", target_is_directory=True),
     "folder link loops back to"),
    ("deep folder linked to the top", lambda d: ((d / "a/b").mkdir(parents=True),
                                                 (d / "a/b/top").symlink_to(d, target_is_directory=True)),
     "folder link loops back to"),
    ("symlinks in a circle", lambda d: ((d / "x.md").symlink_to(d / "y.md"), (d / "y.md").symlink_to(d / "x.md")),
     "link leads to a chain of links that loops"),
    ("dangling symlink", lambda d: (d / "gone.md").symlink_to(d / "nowhere.md"), "which does not exist"),
])
def test_loops_and_dangling_links_are_reported(name, make, message, make_site, capsys):
    root = make_site()
    make(root / DOCS)
    code, err = check(capsys)
    assert code == 1 and any(message in l for l in err), err


def test_a_pipe_or_folder_named_like_a_document(make_site, capsys):
    root = make_site()
    os.mkfifo(root / DOCS / "pipe.md")
    (root / DOCS / "folder.md").mkdir()
    code, err = check(capsys)
    assert code == 1
    assert f"{DOCS}/pipe.md:1:1: not a regular file (a pipe, device or socket) (replace it with a text file)" in err


def test_an_unreadable_file(make_site, capsys, monkeypatch):
    make_site()
    real_open = open

    def guarded(path, *args, **kwargs):
        if str(path).endswith("first-report.md"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(sources, "open", guarded, raising=False)
    code, err = check(capsys)
    assert code == 1
    assert f"{DOCS}/first-report.md:1:1: cannot read this file: Permission denied (check its permissions)" in err


def test_a_huge_file_is_refused_unread(make_site, capsys):
    root = make_site()
    with open(root / DOCS / "huge.md", "wb") as handle:
        handle.truncate(50 * 1024 * 1024)  # sparse: 50 MB of NUL without writing them
    code, err = check(capsys)
    assert code == 1
    assert err[0] == (f"{DOCS}/huge.md:1:1: file is 51200 KB, over the limit of 2048 KB "
                      "(split it into several documents, or raise limits.file_kb in sitegen.yaml)")


def test_the_size_limit_follows_the_config(make_site, capsys):
    make_site({str(DOCS / "big.md"): hostile.document(body=hostile.varied_words(3))},
              config=site_config(extra="limits:\n  file_kb: 2\n"))
    assert check(capsys)[0] == 1
    make_site({str(DOCS / "big.md"): hostile.document(body=hostile.varied_words(3))},
              config=site_config(extra="limits:\n  file_kb: 8\n"))
    assert check(capsys)[0] == 0


@pytest.mark.parametrize("name", ["a" * 252 + ".md", "é" * 120 + ".md", "con.md", "NUL.md", "com1.md", "lpt9.md",
                                  "aux.draft.md", "Prn.md"])
def test_names_that_cannot_be_written_everywhere(name, make_site, capsys):
    make_site({str(DOCS / name): hostile.document()})
    code, err = check(capsys)
    assert code == 1
    assert any(l.startswith(f"{DOCS / name}:1:1: file name ") and ("too long for the output file" in l or
               "is reserved on Windows" in l) for l in err), err


def test_a_link_out_of_the_assets_folder_is_an_error_and_never_published(make_site, outside, tmp_path, capsys):
    import shutil
    from tests.conftest import ROOT
    assets = tmp_path / "assets"
    shutil.copytree(ROOT / "assets", assets)
    (assets / "leak.txt").symlink_to(outside / "secret.md")
    (assets / "pipe.css").symlink_to(outside / "pipe.md")
    (assets / "copy.css").symlink_to(assets / "style.css")  # inside: fine, published once
    root = make_site(config=site_config(assets=assets))
    code, err = check(capsys)
    assert code == 1
    shown = [l for l in err if "leak.txt" in l or "pipe.css" in l]
    assert len(shown) == 2 and all("link leads outside the assets folder, to " + str(outside) in l for l in shown), err
    assert_not_published(root)
    (assets / "leak.txt").unlink()
    (assets / "pipe.css").unlink()
    code, err = check(capsys)
    assert code == 1 and any("copy.css:1:1: same file as" in l for l in err), err


# name -> how it is made (in a folder): what editors and systems leave beside the files a person wrote
LITTER = {
    ".#first-report.md": lambda d, name: (d / name).symlink_to("someone@host.4242:1700000000"),  # Emacs's lock
    "first-report.md~": lambda d, name: (d / name).write_text("---\nbroken: [\n---\n"),
    "#first-report.md#": lambda d, name: (d / name).write_text("---\nbroken: [\n---\n"),
    ".first-report.md.swp": lambda d, name: (d / name).write_bytes(b"b0VIM 9.0\x00\x00\xff"),
    ".DS_Store": lambda d, name: (d / name).write_bytes(b"\x00\x00\x00\x01Bud1\x00\xff"),
    "Thumbs.db": lambda d, name: (d / name).write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"),
    "._style.css": lambda d, name: (d / name).write_bytes(b"\x00\x05\x16\x07\xff"),
}


def test_editor_and_system_litter_is_skipped_everywhere_sources_are_found(make_site, tmp_path, capsys):
    """Litter in content (documents, registries), the project's templates and assets neither fails the
    build nor is published; a link to nowhere named like a document is still an error."""
    import shutil
    from tests.conftest import ROOT
    templates, assets = tmp_path / "templates", tmp_path / "assets"
    templates.mkdir()
    shutil.copytree(ROOT / "assets", assets)
    root = make_site(config=site_config(templates=templates, assets=assets))  # over the default theme's
    for folder in (root / DOCS, root / "content/actors", root / "content", templates, assets):
        for name, make in LITTER.items():
            make(folder, name.replace("first-report.md", "x.html") if folder in (templates, assets) else name)
    code, err = check(capsys)
    assert code == 0, err
    published = {p.name for p in (root / "build").rglob("*")}
    assert not published & ({n for n in LITTER} | {"x.html~", "#x.html#", ".x.html.swp"}), published & set(LITTER)
    assert (root / "build/documents/first-report.html").is_file()
    # a link to nowhere named like a document is still an error, though nothing else changed since the last build
    (root / DOCS / "gone.md").symlink_to(root / DOCS / "nowhere.md")
    code, err = check(capsys)
    assert code == 1 and len(err) == 2 and err[0].startswith(f"{DOCS}/gone.md:1:1: link leads to "), err


@pytest.mark.parametrize("name", ["notes.md", "a~b.md", "#hashtag.md", "swap.md", "x.swq", "DS_Store.md", "thumbs.md"])
def test_names_that_only_look_like_litter_are_sources(name):
    assert not sources.is_litter(name)
    assert all(sources.is_litter(n) for n in [*LITTER, "notes.md~", ".notes.md.swo", "desktop.ini"])


def test_serve_does_not_rebuild_for_litter():
    from watchfiles import Change

    from sitegen.serve import watched_change
    folder = str(Path("content/documents").resolve())
    assert not any(watched_change(change, os.path.join(folder, name)) for name in LITTER
                   for change in (Change.added, Change.modified, Change.deleted))
    assert watched_change(Change.modified, os.path.join(folder, "first-report.md"))
