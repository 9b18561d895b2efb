"""Finding and reading the content files: the only place content is read from disk.

Owns which files under a content folder are sources, and reading their bytes. Content arrives by pull
request, so the folder is untrusted: a symlink may point anywhere on the machine that builds it, a
link may make one file appear twice, a folder link may loop, a file may be huge, unreadable, a pipe
that never ends, or named so it cannot be written on Windows or at all. Each is an error at the file,
found before anything is read: a link is resolved and checked against the content folder first, and
its target is never opened unless it is inside. What editors and operating systems leave beside the
files a person wrote (`LITTER`) is not a source at all, here or in a theme's folders, and is skipped.
"""

from __future__ import annotations

import errno
import fnmatch
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

from sitegen.errors import Diagnostic, shown_path
from sitegen.limits import DEFAULT, Limits, hint

MAX_NAME_BYTES = 200  # `<name>.html` plus the build's own suffixes must fit the usual 255-byte limit
# Names of the files editors and operating systems leave in a folder, never sources: skipped by name,
# before a link is followed (Emacs's lock is a link to nowhere), wherever sources, templates and
# assets are found, and by `serve`'s watcher. Pattern (as the shell matches) -> what leaves it.
LITTER = {
    ".#*": "Emacs's lock on a file being edited, a symbolic link to nowhere",
    "#*#": "Emacs's auto-save copy",
    "*~": "the backup copy Emacs, Vim, gedit and Kate keep",
    "*.sw[a-p]": "Vim's swap file (`.name.md.swp`, then `.swo`, ...)",
    ".DS_Store": "macOS Finder's folder settings",
    "._*": "macOS's resource fork, on a disk that is not a Mac's",
    "Thumbs.db": "Windows Explorer's thumbnail cache",
    "desktop.ini": "Windows Explorer's folder settings",
}
_LITTER = re.compile("|".join(fnmatch.translate(pattern) for pattern in LITTER))
WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}


def is_litter(name: str) -> bool:
    """Whether a file's name (without its folder) is one editors or systems leave (`LITTER`)."""
    return _LITTER.match(name) is not None


def discover(folder: Path, within: Path | None = None, suffix: str = ".md", stats: dict | None = None
             ) -> tuple[list[str], list[Diagnostic]]:
    """The files under `folder` whose names end with `suffix` (Markdown by default; "" for every file,
    as for assets) but `LITTER`, as paths (strings: tens of thousands of `Path`s cost a build with nothing to do a
    fifth of its time), sorted as `Path`s sort, and any problem found while looking. Links are followed
    only when they resolve inside `within` (default `folder`), and a file reached twice (by a symlink
    or a hard link) is listed once. `stats`, if given, receives each listed file's `os.stat` (taken
    before any read)."""
    if not folder.is_dir():
        return [], []
    walk = _Walk(os.path.realpath(within or folder), os.path.realpath(folder), suffix)
    walk.folder(str(folder), ())
    if stats is not None:
        stats.update(walk.stats)
    return walk.unique(), sorted(walk.problems)


def read(path: Path, limits: Limits = DEFAULT) -> tuple[bytes | None, list[Diagnostic]]:
    """The bytes of one source file, or None and why it cannot be read. The size is checked on the
    open file before reading, so a huge file costs nothing."""
    limit = limits.file_kb * 1024
    try:
        with open(path, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            data = handle.read(limit + 1) if size <= limit else b""
    except OSError as exc:
        return None, [Diagnostic(shown_path(path), 1, 1, f"cannot read this file: {exc.strerror}",
                                 "check its permissions")]
    if size > limit or len(data) > limit:
        return None, [Diagnostic(shown_path(path), 1, 1, f"file is {max(size, len(data)) // 1024} KB, over the "
                                 f"limit of {limits.file_kb} KB", hint("file_kb", "split it into several documents"))]
    return data, []


def name_problems(name: str, shown: str, line: int = 1, col: int = 1, what: str = "file name") -> list[Diagnostic]:
    """A name that becomes an output file must be writable everywhere: not too long, not reserved on
    Windows (readers unzip archives there)."""
    stem = name[:-3] if name.endswith(".md") else name
    if len(stem.encode("utf-8")) > MAX_NAME_BYTES:
        return [Diagnostic(shown, line, col, f"{what} is {len(stem.encode('utf-8'))} bytes long, too long for "
                                             f"the output file (at most {MAX_NAME_BYTES})", "shorten it")]
    if stem.split(".")[0].casefold() in WINDOWS_RESERVED:
        return [Diagnostic(shown, line, col, f"{what} `{stem}` is reserved on Windows, where the archive "
                                             "could not be unzipped", "choose another name")]
    return []


@dataclass
class _Walk:
    within: str  # resolved: every file and folder reached must be inside
    start: str  # resolved folder being listed: a folder link leading above it is a loop
    suffix: str = ".md"
    problems: list[Diagnostic] = field(default_factory=list)
    files: dict[tuple[int, int], list[str]] = field(default_factory=dict)  # (device, inode) -> paths
    stats: dict[str, os.stat_result] = field(default_factory=dict)

    def folder(self, path: str, visiting: tuple[str, ...]) -> None:
        real = os.path.realpath(path)
        if real in visiting or (visiting and _inside(self.start, real)):
            self.error(path, f"folder link loops back to {shown_path(Path(real))}", "remove the link")
            return
        try:
            entries = sorted(os.scandir(path), key=lambda e: e.name)
        except OSError as exc:
            self.error(path, f"cannot list this folder: {exc.strerror}", "check its permissions")
            return
        for entry in entries:
            self.entry(entry, visiting + (real,))

    def entry(self, entry: os.DirEntry, visiting: tuple[str, ...]) -> None:
        path = entry.path
        if is_litter(entry.name):
            return
        if entry.is_symlink() and self.link_target(path) is None:
            return
        try:
            is_dir = entry.is_dir()
            info = entry.stat() if not is_dir else None
        except OSError as exc:  # a dangling link was reported above; this is a race or a permission
            return self.error(path, f"cannot read this file: {exc.strerror}", "check its permissions")
        if is_dir:
            return self.folder(path, visiting)
        if not entry.name.endswith(self.suffix):
            return
        if not _is_regular(info):
            return self.error(path, "not a regular file (a pipe, device or socket)", "replace it with a text file")
        if name_problems(entry.name, ""):  # the path is shown only when there is something to say
            self.problems += name_problems(entry.name, shown_path(Path(path)))
        self.files.setdefault((info.st_dev, info.st_ino), []).append(path)
        self.stats[path] = info

    def link_target(self, path: str) -> str | None:
        """Where a symlink leads, once resolved through every link in its chain; None (and an error) when
        that is nowhere or outside the content folder."""
        try:
            target = os.path.realpath(path, strict=True)
        except OSError as exc:
            leads = os.path.realpath(path)
            why = "a chain of links that loops" if exc.errno == errno.ELOOP else f"{leads}, which does not exist"
            self.error(path, f"link leads to {why}", "remove the link or copy the file in")
            return None
        if not _inside(target, self.within):
            self.error(path, f"link leads outside the {'content' if self.suffix else 'assets'} folder, to {target}; "
                       "it is not read", "copy the file in instead of linking to it")
            return None
        return target

    def unique(self) -> list[str]:
        """One path per file: a link's original when it is listed, else the first by name."""
        kept, twice = [], False
        for paths in self.files.values():
            if len(paths) > 1:  # the same file by two paths: resolving them is worth it only then
                twice = True
                paths = sorted(paths, key=lambda p: (os.path.islink(p) or os.path.realpath(p) != os.path.abspath(p),
                                                     _parts(p)))
            kept.append(paths[0])
            for other in paths[1:]:
                self.error(other, f"same file as {shown_path(Path(paths[0]))} (a link), which would publish it twice",
                           "remove the link, or copy the file if it is really another document")
        return sorted(kept, key=_parts) if twice else kept  # (walked in that order: each folder's entries by name)

    def error(self, path: str, message: str, hint_: str) -> None:
        self.problems.append(Diagnostic(shown_path(Path(path)), 1, 1, message, hint_))


def _parts(path: str) -> list[str]:
    """How `Path`s sort: part by part (so `a/b` comes before `a-b`)."""
    return path.split(os.sep)


def _inside(path: str, folder: str) -> bool:
    """`Path(path).is_relative_to(folder)` for resolved paths, as strings."""
    return path == folder or path.startswith(folder if folder.endswith(os.sep) else folder + os.sep)


def _is_regular(info: os.stat_result | None) -> bool:
    return info is not None and stat.S_ISREG(info.st_mode)
