"""Writing the output tree: atomically, one build at a time, and never outside the output folder.

Owns the only code that writes or deletes published files. A build writes the new site into a
temporary sibling and swaps it in at the end, so a failed or interrupted build leaves the previous
output whole. A file whose content is unchanged is not written again: it is hard-linked from the
previous output (recognised by its key, size, time and inode as this module last wrote it), so a
small edit costs a few writes, not the whole site. A lock beside the folder keeps a second build
out while one is writing; a swap cut short between its two renames is undone by the next build.
A marker file says a folder is sitegen's; a non-empty folder without it is refused, and so are `/`,
the home folder and any folder that holds, or is inside, the project's sources.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no advisory locks, one build at a time is on the user
    fcntl = None

MARKER = ".sitegen-build"
MARKER_TEXT = b"This folder is written by sitegen; it is replaced on every build.\n"


class UnsafeOutput(Exception):
    """The output folder is somewhere sitegen must not replace, or another build is writing it."""


@dataclass(frozen=True)
class WriteStats:
    files: int
    changed: int  # files whose bytes differ from the previous build (added or modified)
    removed: int  # files of the previous build that are gone
    restored: bool = False  # an interrupted swap was undone first


@dataclass(frozen=True)
class Written:
    """One output file as this module left it: enough to keep it next time without reading it."""

    key: bytes  # what it was made from (a page's template set and context; a file's own hash)
    size: int
    mtime_ns: int
    inode: int


def check_output_folder(out: Path, protected: list[Path]) -> None:
    """Refuse an output folder whose replacement could destroy something that is not ours, or that
    would publish itself (inside the content, templates or assets)."""
    out = out.resolve()
    home = Path.home().resolve()
    if out == Path(out.anchor) or out == home:
        raise UnsafeOutput(f"refusing to use {out} as the output folder")
    for folder in protected:
        folder = folder.resolve()
        if out == folder or folder.is_relative_to(out):
            raise UnsafeOutput(f"refusing to use {out} as the output folder: it holds {folder}")
    for folder in protected[1:]:  # the project root may hold the output; its source folders may not
        folder = folder.resolve()
        if out.is_relative_to(folder):
            raise UnsafeOutput(f"refusing to use {out} as the output folder: it is inside {folder}, "
                               "so every build would publish the last one (choose a folder outside it)")
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / MARKER).is_file())):
        raise UnsafeOutput(f"{out} exists and was not made by sitegen; refusing to replace it "
                           "(empty it, or choose another --out)")


class Output:
    """One build's writing of `out`: `keep` or `write` every file, then `commit`. Used as a context
    manager; leaving it without `commit` (an error, an interrupt) removes the staging folder and
    leaves `out` as it was."""

    def __init__(self, out: Path, protected: list[Path], previous: dict[str, Written] | None = None):
        self.out = out.resolve()
        self.protected = protected
        self.previous = previous or {}
        self.staging = self.out.parent / f".{self.out.name}.tmp-{os.getpid()}"
        self.written: dict[str, Written] = {}
        self.changed = 0
        self._folders: set[str] = set()  # folders already made in staging
        self.restored = False
        self._lock: int | None = None
        self._committed = False

    def __enter__(self) -> "Output":
        check_output_folder(self.out, self.protected)
        self.out.parent.mkdir(parents=True, exist_ok=True)
        self._take_lock()
        try:
            self.restored = _recover(self.out)
            self.staging.mkdir()
            (self.staging / MARKER).write_bytes(MARKER_TEXT)
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc) -> None:
        if not self._committed:
            shutil.rmtree(self.staging, ignore_errors=True)
        if self._lock is not None:
            os.close(self._lock)  # closing the descriptor releases the lock
            self._lock = None

    def keep(self, rel: str, key: bytes) -> bool:
        """Take `rel` unchanged from the previous output if it was made from `key` and is still as
        written; False when it must be written."""
        before = self.previous.get(rel)
        if before is None or before.key != key:
            return False
        source = self.out / rel
        try:
            st = source.stat()
        except OSError:
            return False
        if (st.st_size, st.st_mtime_ns, st.st_ino) != (before.size, before.mtime_ns, before.inode):
            return False
        target = self._target(rel)
        try:
            os.link(source, target)
        except OSError:  # no hard links here (some network or FAT file systems): copy instead
            shutil.copy2(source, target)
            st = target.stat()
        self.written[rel] = Written(key, st.st_size, st.st_mtime_ns, st.st_ino)
        return True

    def write(self, rel: str, data: bytes, key: bytes) -> None:
        target = self._target(rel)
        if not self._same(rel, data):
            self.changed += 1
        target.write_bytes(data)
        self._record(rel, key, target)

    def commit(self) -> WriteStats:
        """Swap the new tree in; the stats, and what `written` says for the next build."""
        removed = sum(1 for rel in _files(self.out) if rel not in self.written)
        _swap(self.staging, self.out)
        self._committed = True
        return WriteStats(len(self.written), self.changed, removed, self.restored)

    def _target(self, rel: str) -> Path:
        """Where `rel` goes in the staging folder, which only this build writes (so no link in it can
        lead out): a relative path of plain names is enough to stay inside."""
        parts = rel.split("/")
        if not rel or rel.startswith("/") or "\\" in rel or any(p in ("", ".", "..") for p in parts):
            raise UnsafeOutput(f"refusing to write {rel}: it is outside the output folder")
        target = self.staging / rel
        folder = rel.rpartition("/")[0]
        if folder and folder not in self._folders:
            target.parent.mkdir(parents=True, exist_ok=True)
            self._folders.add(folder)
        return target

    def _record(self, rel: str, key: bytes, target: Path) -> None:
        st = target.stat()
        self.written[rel] = Written(key, st.st_size, st.st_mtime_ns, st.st_ino)

    def _same(self, rel: str, data: bytes) -> bool:
        try:
            path = self.out / rel
            return path.stat().st_size == len(data) and path.read_bytes() == data
        except OSError:
            return False

    def _take_lock(self) -> None:
        if fcntl is None:
            return
        path = self.out.parent / f".{self.out.name}.lock"
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 32).decode("ascii", "replace").strip()
            os.close(fd)
            raise UnsafeOutput(f"another sitegen build{f' (process {holder})' if holder else ''} is writing "
                               f"{self.out}; wait for it to finish, or build into another --out") from None
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        self._lock = fd


def remove_output(out: Path, protected: list[Path]) -> bool:
    """Delete the output folder (`sitegen clean`), only if sitegen made it; False if there is none."""
    check_output_folder(out, protected)
    out = out.resolve()
    with Output(out, protected) as output:  # holds the lock, undoes a cut swap, removes leftovers
        shutil.rmtree(output.staging, ignore_errors=True)
        if not out.exists():
            return False
        shutil.rmtree(out)
    (out.parent / f".{out.name}.lock").unlink(missing_ok=True)
    return True


def _swap(staging: Path, out: Path) -> None:
    """Put `staging` where `out` is. Between the two renames `out` is missing for a moment; an
    interrupt there is undone here, and a hard kill there by `_recover` in the next build."""
    if not out.exists():
        staging.rename(out)
        return
    old = out.parent / f".{out.name}.old-{os.getpid()}"
    out.rename(old)
    try:
        staging.rename(out)
    except BaseException:
        old.rename(out)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _recover(out: Path) -> bool:
    """Under the lock: restore an output folder whose swap was cut between its renames, then remove
    what killed builds left behind (only folders carrying our marker). True if one was restored."""
    restored = False
    olds = sorted(out.parent.glob(f".{out.name}.old-*"), key=lambda p: p.stat().st_mtime_ns)
    if not out.exists() and olds and (olds[-1] / MARKER).is_file():
        olds.pop().rename(out)
        restored = True
    for folder in olds + list(out.parent.glob(f".{out.name}.tmp-*")):
        if (folder / MARKER).is_file():
            shutil.rmtree(folder)
    return restored


def _files(folder: Path) -> list[str]:
    """Every file under `folder` (but the marker), as output-root paths."""
    if not folder.is_dir():
        return []
    out = []
    for dirpath, _, names in os.walk(folder):
        base = Path(dirpath).relative_to(folder).as_posix()
        out += [name if base == "." else f"{base}/{name}" for name in names]
    return [rel for rel in out if rel != MARKER]
