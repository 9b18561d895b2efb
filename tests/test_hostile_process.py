"""Faults from outside the content: Ctrl-C at any moment, a full or read-only disk, a name the file
system refuses, a bug in sitegen. Each is one line and the documented exit code (130, 2, 2, 70), never
a traceback, and the previous build is still there, whole."""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import sitegen.cli
from sitegen.cli import main
from sitegen.output import Output
from tests import hostile


def tree_digest(folder: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            h.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """A site of 100 documents with a previous build in build/, made once for the module."""
    from tests.conftest import write_site
    words = " ".join(f"word{i}" for i in range(600))
    files = {f"content/documents/doc-{i:03d}.md": hostile.document(body=f"{words} doc{i}", title=f"Doc {i}")
             for i in range(100)}
    root = write_site(tmp_path_factory.mktemp("corpus") / "site", files)
    result = subprocess.run([sys.executable, "-m", "sitegen", "build", "--no-cache"], cwd=root, capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stderr
    return root


@pytest.fixture
def built(corpus, tmp_path, monkeypatch) -> Path:
    root = tmp_path / "site"
    shutil.copytree(corpus, root, symlinks=True)
    monkeypatch.chdir(root)
    return root


@pytest.fixture
def small(make_site, capsys) -> Path:
    root = make_site()
    assert main(["build", "--no-cache"]) == 0
    capsys.readouterr()
    return root


@pytest.mark.parametrize("delay", [0.4, 1.0, 1.8, 2.8, 4.0])
def test_ctrl_c_at_any_moment_is_one_line_130_and_the_build_is_unchanged(delay, built):
    """The signal goes to the whole process group, as a terminal's Ctrl-C does, workers included."""
    before = tree_digest(built / "build")
    (built / "content/documents/doc-000.md").write_text(hostile.document(body="Changed."), encoding="utf-8")
    process = subprocess.Popen([sys.executable, "-m", "sitegen", "build", "--jobs", "2", "--no-cache"], cwd=built,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    time.sleep(delay)
    try:
        os.killpg(process.pid, signal.SIGINT)
    except ProcessLookupError:
        pass
    out, err = process.communicate(timeout=60)
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err
    if process.returncode == 0:  # finished before the signal: the new build is whole
        assert "Changed." in (built / "build/documents/doc-000.html").read_text(encoding="utf-8")
        return
    assert process.returncode == 130, err
    assert err.strip() in ("interrupted; build/ unchanged", "interrupted; nothing written"), err
    assert tree_digest(built / "build") == before
    assert [p.name for p in built.iterdir() if ".tmp-" in p.name] == []


@pytest.mark.parametrize("code,reason,hint", [
    (errno.ENOSPC, "No space left on device", "free some space and build again"),
    (errno.EROFS, "Read-only file system", "choose a writable output folder with --out"),
    (errno.EACCES, "Permission denied", "check the folder's permissions"),
])
def test_a_full_or_read_only_disk_is_one_line_and_exit_2(code, reason, hint, small, capsys, monkeypatch):
    built = small
    before = tree_digest(built / "build")

    def refuse(self, rel, data, key):
        raise OSError(code, reason, str(self.staging / rel))

    monkeypatch.setattr(Output, "write", refuse)
    (built / "content/documents/first-report.md").write_text(hostile.document(body="Changed."), encoding="utf-8")
    assert main(["build", "--no-cache"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("sitegen: ") and err[0].endswith(f": {reason} ({hint})"), err
    assert tree_digest(built / "build") == before


def test_an_output_name_the_file_system_refuses(make_site, capsys):
    make_site()
    assert main(["build", "--out", "x" * 300]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "File name too long (shorten the file or folder name)" in err[0], err


def test_a_bug_in_sitegen_is_one_line_and_exit_70(make_site, capsys, monkeypatch):
    make_site()

    def broken(*args, **kwargs):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(sitegen.cli, "build", broken)
    assert main(["build"]) == 70
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["sitegen: internal error: ZeroDivisionError: division by zero (a bug in sitegen; "
                   "run again with SITEGEN_TRACEBACK=1 and report what it prints)"]
    monkeypatch.setenv("SITEGEN_TRACEBACK", "1")
    with pytest.raises(ZeroDivisionError):
        main(["build"])


def test_a_missing_or_unreadable_config_is_one_line(make_site, capsys):
    root = make_site()
    assert main(["check", "--config", "nope.yaml"]) == 1
    (root / "folder.yaml").mkdir()
    assert main(["check", "--config", "folder.yaml"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and "nope.yaml:1:1: cannot read config" in err and \
        "folder.yaml:1:1: cannot read config" in err


def test_an_empty_documents_folder_builds_end_to_end(make_site):
    """The very first thing a new archive tries: through the real command, no traceback, exit 0."""
    root = make_site()
    for path in (root / "content/documents").glob("*.md"):
        path.unlink()
    done = subprocess.run([sys.executable, "-m", "sitegen", "build"], cwd=root, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr and "built 0 documents" in done.stdout
    assert (root / "build/index.html").is_file() and (root / "build/search.html").is_file()
    assert subprocess.run([sys.executable, "-m", "sitegen", "check"], cwd=root, capture_output=True,
                          timeout=120).returncode == 0


def test_output_to_a_closed_pipe_is_one_line_and_an_error_code(make_site):
    """`sitegen build | head -0`: the build is done, what it prints has nowhere to go; no traceback
    and no 'Exception ignored' at exit, and the exit code says something went wrong."""
    root = make_site()
    read, write = os.pipe()
    os.close(read)
    try:
        done = subprocess.run([sys.executable, "-m", "sitegen", "build"], cwd=root, stdout=write,
                              stderr=subprocess.PIPE, text=True, timeout=120)
    finally:
        os.close(write)
    assert done.returncode != 0 and (root / "build/index.html").is_file()
    assert "Traceback" not in done.stderr and "Exception ignored" not in done.stderr, done.stderr
