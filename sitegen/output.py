"""Writing the output tree: atomically, one build at a time, and never outside the output folder.

Owns the only code that writes or deletes published files. A build writes what changed into a
temporary sibling and only then touches the output, so a failed or interrupted build leaves the
previous output whole. A file whose content is unchanged is not written again (recognised by its
key, size, time and inode as this module last wrote it). When the output is exactly as the last
build left it (every file, and no file added: `Manifest`), the new files are moved into it and the
old ones deleted, after a journal listing those moves is written: a small edit costs a few renames,
not the whole site, and a commit cut short is completed from the journal, at once or by the next
build. Otherwise the unchanged files are hard-linked into the staging tree and the tree is swapped in
whole; a swap cut short between its two renames is undone by the next build. A lock beside the folder
keeps a second build out while one is writing.
A marker file says a folder is sitegen's; a non-empty folder without it is refused, and so are `/`,
the home folder and any folder that holds, or is inside, the project's sources.
"""

from __future__ import annotations

import json
import os
import shutil
from array import array
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no advisory locks, one build at a time is on the user
    fcntl = None

MARKER = ".sitegen-build"
KEY_BYTES = 20  # cache.digest
COLUMNS = "qqQ"  # array types of a Written's size, time and inode (inodes may use all 64 bits)
MARKER_TEXT = b"This folder is written by sitegen; it is replaced on every build.\n"


class UnsafeOutput(Exception):
    """The output folder is somewhere sitegen must not replace, or another build is writing it."""


@dataclass(frozen=True)
class WriteStats:
    files: int
    changed: int  # files whose bytes differ from the previous build (added or modified)
    removed: int  # files of the previous build that are gone
    restored: bool = False  # an interrupted swap was undone first
    patched: bool = False  # the changed files were moved into the output (else the tree was swapped)


class Written(NamedTuple):
    """One output file as this module left it: enough to keep it next time without reading it."""

    key: bytes  # what it was made from (a page's template set and context; a file's own hash): 20 bytes
    size: int
    mtime_ns: int
    inode: int

    def still(self, st: os.stat_result) -> bool:
        """The file `st` describes is still this one as written."""
        return st.st_size == self.size and st.st_mtime_ns == self.mtime_ns and st.st_ino == self.inode


@dataclass
class Manifest:
    """The output as a build left it: each file, and each folder's time (a file added or removed by
    hand changes its folder's time, so an output that matches is exactly what the build wrote)."""

    files: dict[str, Written] = field(default_factory=dict)
    folders: dict[str, int] = field(default_factory=dict)  # output-root path ("" for the root) -> mtime_ns

    def __reduce__(self):
        """Stored as a few flat arrays: a build reads and writes it whole, and at 50,000 files a
        dict of tuples takes ten times as long to pickle."""
        written = self.files.values()
        if any(len(w.key) != KEY_BYTES for w in written):
            return Manifest, (self.files, self.folders)
        columns = [array(code, [w[i] for w in written]).tobytes() for i, code in zip((1, 2, 3), COLUMNS)]
        return _unpack_manifest, (list(self.files), b"".join(w.key for w in written), *columns, self.folders)

    def intact(self, out: Path) -> bool:
        """True when every file and folder is still as recorded (stat only, nothing read)."""
        root = str(out)
        try:
            if not all(w.still(os.stat(f"{root}/{rel}")) for rel, w in self.files.items()):
                return False
        except OSError:
            return False
        return self.folders_intact(out)

    def folders_intact(self, out: Path) -> bool:
        try:
            return bool(self.folders) and all(os.stat(out / rel).st_mtime_ns == t for rel, t in self.folders.items())
        except OSError:
            return False


class Staging(NamedTuple):
    """One build's staging folder and the output it replaces: all a page worker (another process)
    needs to write the pages it renders itself, so that their bytes never pass through the parent,
    which records what comes back (`Output.record`)."""

    staging: str
    out: str
    patching: bool = False  # the output is patched (`Output.commit`): a file it has as it is stays there

    def write(self, rel: str, data: bytes, key: bytes) -> tuple[Written, bool]:
        """Write `rel` into the staging folder: the file as written, and whether its bytes differ
        from the output's. When patching and they do not, nothing is written: the output's file is
        kept (`Output.record`), and a template or config edit that changes few of the pages it
        renders writes no copy of the others only to delete it."""
        _check_rel(rel)
        same = _same(f"{self.out}/{rel}", data)
        if self.patching and same:
            try:
                st = os.stat(f"{self.out}/{rel}")
                return Written(key, st.st_size, st.st_mtime_ns, st.st_ino), False
            except OSError:
                pass  # gone meanwhile: staged as any other
        target = f"{self.staging}/{rel}"
        try:
            st = _create(target, data)
        except FileNotFoundError:  # its folder is not made yet (by this process or another)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            st = _create(target, data)
        return Written(key, st.st_size, st.st_mtime_ns, st.st_ino), not same


_CREATE = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0)


def _create(target: str, data: bytes) -> os.stat_result:
    """Write `data` to the file `target`, made or emptied, and return its stat: an open, a write and an
    `fstat` (Python's `open` adds an `fstat` and a buffer, and a `stat` by name walks the path again;
    a page worker writes tens of thousands of small files)."""
    fd = os.open(target, _CREATE, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        return os.fstat(fd)
    finally:
        os.close(fd)


def _same(path: str, data: bytes) -> bool:
    try:
        return os.stat(path).st_size == len(data) and Path(path).read_bytes() == data
    except OSError:
        return False


def _unpack_manifest(names: list[str], keys: bytes, sizes: bytes, times: bytes, inodes: bytes,
                     folders: dict[str, int]) -> Manifest:
    split = [keys[i:i + KEY_BYTES] for i in range(0, len(keys), KEY_BYTES)]
    columns = zip(split, *(array(code, b) for b, code in zip((sizes, times, inodes), COLUMNS)))
    return Manifest(dict(zip(names, map(Written._make, columns))), folders)


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

    def __init__(self, out: Path, protected: list[Path], previous: Manifest | None = None):
        self.out = out.resolve()
        self.protected = protected
        self.previous = previous or Manifest()
        self.staging = self.out.parent / f".{self.out.name}.tmp-{os.getpid()}"
        self.journal = self.out.parent / f".{self.out.name}.journal"
        self.manifest = Manifest()  # what this build leaves, for the next one
        self.changed = 0
        self._folders: set[str] = set()  # folders already made in staging
        self._staged: list[str] = []  # files written into staging
        self._patch = False  # move the staged files into `out` (else swap the whole tree in)
        self.restored = False
        self._lock: int | None = None
        self._committed = False

    @property
    def written(self) -> dict[str, Written]:
        return self.manifest.files

    def __enter__(self) -> "Output":
        check_output_folder(self.out, self.protected)
        self.out.parent.mkdir(parents=True, exist_ok=True)
        self._take_lock()
        try:
            self.restored = _recover(self.out)
            self.staging.mkdir()
            (self.staging / MARKER).write_bytes(MARKER_TEXT)
            self._patch = (bool(self.previous.files) and (self.out / MARKER).is_file()
                           and self.previous.folders_intact(self.out))
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc) -> None:
        if self.journal.exists() and not self._committed:  # a commit cut short: complete it now
            _recover(self.out)
        if not self._committed:
            shutil.rmtree(self.staging, ignore_errors=True)
            _unfinished_journal(self.journal).unlink(missing_ok=True)
        if self._lock is not None:
            os.close(self._lock)  # closing the descriptor releases the lock
            self._lock = None

    def keep(self, rel: str, key: bytes) -> bool:
        """Take `rel` unchanged from the previous output if it was made from `key` and is still as
        written; False when it must be written."""
        before = self.previous.files.get(rel)
        if before is None or before.key != key:
            return False
        source = self.out / rel
        try:
            st = source.stat()
        except OSError:
            return False
        if not before.still(st):
            return False
        if self._patch:  # it stays where it is
            self.manifest.files[rel] = before
            return True
        target = self._target(rel)
        try:
            os.link(source, target)
        except OSError:  # no hard links here (some network or FAT file systems): copy instead
            shutil.copy2(source, target)
            st = target.stat()
        self.manifest.files[rel] = Written(key, st.st_size, st.st_mtime_ns, st.st_ino)
        return True

    def keep_rest(self, dropped: set[str]) -> None:
        """Keep every file of the previous output that this build has not written and does not drop:
        for an incremental build that has checked the output is as the last build left it
        (`Manifest.intact`) and knows these files are unchanged."""
        for rel, before in self.previous.files.items():
            if rel in self.manifest.files or rel in dropped:
                continue
            if self._patch:
                self.manifest.files[rel] = before
            elif not self.keep(rel, before.key):
                raise UnsafeOutput(f"{self.out / rel} changed while the build was writing")

    @property
    def area(self) -> Staging:
        return Staging(str(self.staging), str(self.out), self._patch)

    def write(self, rel: str, data: bytes, key: bytes) -> None:
        self.record(rel, *self.area.write(rel, data, key))

    def record(self, rel: str, written: Written, changed: bool) -> None:
        """`rel` was written into the staging folder (`Staging.write`, here or by a page worker). When
        the output is patched and its file there has these bytes, it stays (under the new key) and the
        staged copy goes with the staging folder: a template edit that changes no page moves nothing."""
        self.changed += changed
        if not changed and self._patch and self._still_there(rel, written.key):
            return
        self._staged.append(rel)
        self.manifest.files[rel] = written

    def _still_there(self, rel: str, key: bytes) -> bool:
        """Record the output's `rel`, as the last build left it, as made from `key`; False if it is not there so."""
        before = self.previous.files.get(rel)
        try:
            st = os.stat(self.out / rel)
        except OSError:
            return False
        if before is None or not before.still(st):
            return False
        self.manifest.files[rel] = before._replace(key=key)
        return True

    def commit(self) -> WriteStats:
        """Put the new files in place; the stats, and in `manifest` what the next build needs."""
        if self._patch:
            removed = sorted(rel for rel in self.previous.files if rel not in self.manifest.files)
            staged = sorted(self._staged)
            _write_journal(self.journal, {"staging": self.staging.name, "write": staged, "remove": removed})
            _apply(self.out, self.staging, staged, removed)
            self.journal.unlink()
            shutil.rmtree(self.staging, ignore_errors=True)
            folders = set(self.previous.folders) | {f for rel in self._staged for f in _parents(rel)}
        else:
            removed = [rel for rel in _files(self.out) if rel not in self.manifest.files]
            _swap(self.staging, self.out)
            folders = {f for rel in self.manifest.files for f in _parents(rel)}
        self._committed = True
        self.manifest.folders = _folder_times(self.out, folders)
        return WriteStats(len(self.manifest.files), self.changed, len(removed), self.restored, self._patch)

    def _target(self, rel: str) -> Path:
        """Where `rel` goes in the staging folder, which only this build writes (so no link in it can
        lead out): a relative path of plain names is enough to stay inside."""
        _check_rel(rel)
        target = self.staging / rel
        folder = rel.rpartition("/")[0]
        if folder and folder not in self._folders:
            target.parent.mkdir(parents=True, exist_ok=True)
            self._folders.add(folder)
        return target

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


def _check_rel(rel: str) -> None:
    parts = rel.split("/")
    if not rel or rel.startswith("/") or "\\" in rel or any(p in ("", ".", "..") for p in parts):
        raise UnsafeOutput(f"refusing to write {rel}: it is outside the output folder")


def _parents(rel: str) -> list[str]:
    """The folders holding `rel`, from the root ("") down."""
    parts = rel.split("/")[:-1]
    return ["", *("/".join(parts[:i + 1]) for i in range(len(parts)))]


def _folder_times(out: Path, folders: set[str]) -> dict[str, int]:
    times = {}
    for rel in sorted(folders):
        try:
            times[rel] = os.stat(out / rel).st_mtime_ns
        except OSError:
            continue  # emptied and removed
    return times


def _write_journal(path: Path, plan: dict) -> None:
    """The moves a commit is about to make, written whole (to a temporary name, then renamed) before
    the first of them, so a commit cut short can be completed."""
    temporary = _unfinished_journal(path)
    with open(temporary, "w", encoding="utf-8") as handle:
        json.dump(plan, handle)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


def _unfinished_journal(path: Path) -> Path:
    return path.with_name(path.name + ".tmp")


def _apply(out: Path, staging: Path, write: list[str], remove: list[str]) -> None:
    """Move the staged files into `out` and delete the removed ones (and folders left empty); doing
    it again after it was cut short completes it."""
    for rel in write:
        _check_rel(rel)
        source, target = f"{staging}/{rel}", f"{out}/{rel}"
        try:  # one call a file, as a few changed files are all a small edit writes
            os.replace(source, target)
        except FileNotFoundError:
            if os.path.lexists(source):  # (else moved already, by the commit this one completes)
                os.makedirs(os.path.dirname(target), exist_ok=True)
                os.replace(source, target)
    for rel in remove:
        _check_rel(rel)
        (out / rel).unlink(missing_ok=True)
        for folder in reversed(_parents(rel)[1:]):
            try:
                (out / folder).rmdir()
            except OSError:
                break  # not empty


def unfinished(out: Path) -> bool:
    """A commit into `out` was cut short and not yet completed (the next `Output` completes it)."""
    return (out.parent / f".{out.name}.journal").exists()


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
    """Under the lock: complete a commit cut short, or restore an output folder whose swap was cut
    between its renames; then remove what killed builds left behind (only folders carrying our
    marker). True if one was completed or restored."""
    restored = False
    journal = out.parent / f".{out.name}.journal"
    if journal.exists():  # a commit cut short: complete its moves
        try:
            plan = json.loads(journal.read_text(encoding="utf-8"))
            _apply(out, out.parent / plan["staging"], plan["write"], plan["remove"])
            restored = True
        except (ValueError, KeyError, TypeError, UnsafeOutput):
            pass  # not a journal this module wrote whole: it moved nothing
        journal.unlink()
    _unfinished_journal(journal).unlink(missing_ok=True)
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
