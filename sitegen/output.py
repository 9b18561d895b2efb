"""Writing the output tree: atomically, and never outside the output folder.

Owns the only code that writes or deletes files. The new site is written into a temporary sibling
and swapped in at the end, so a failed or interrupted build leaves the previous output intact. A
marker file says a folder is sitegen's; a non-empty folder without it is refused, and so are `/`,
the home folder and any folder that holds the project's own sources.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

MARKER = ".sitegen-build"
MARKER_TEXT = b"This folder is written by sitegen; it is replaced on every build.\n"


class UnsafeOutput(Exception):
    """The output folder is somewhere sitegen must not replace."""


@dataclass(frozen=True)
class WriteStats:
    files: int
    changed: int  # files whose bytes differ from the previous build (added or modified)
    removed: int  # files of the previous build that are gone


def check_output_folder(out: Path, protected: list[Path]) -> None:
    """Refuse an output folder whose replacement could destroy something that is not ours."""
    out = out.resolve()
    home = Path.home().resolve()
    if out == Path(out.anchor) or out == home:
        raise UnsafeOutput(f"refusing to use {out} as the output folder")
    for folder in protected:
        folder = folder.resolve()
        if out == folder or folder.is_relative_to(out):
            raise UnsafeOutput(f"refusing to use {out} as the output folder: it holds {folder}")
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / MARKER).is_file())):
        raise UnsafeOutput(f"{out} exists and was not made by sitegen; refusing to replace it "
                           "(empty it, or choose another --out)")


def write_site(files: dict[str, bytes], out: Path, protected: list[Path]) -> WriteStats:
    """Write `files` (output-root path -> bytes) as the whole new content of `out`."""
    check_output_folder(out, protected)
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    _remove_leftovers(out)
    staging = out.parent / f".{out.name}.tmp-{os.getpid()}"
    try:
        staging.mkdir()
        (staging / MARKER).write_bytes(MARKER_TEXT)
        for rel, data in sorted(files.items()):
            target = staging / rel
            if not target.resolve().is_relative_to(staging.resolve()):
                raise UnsafeOutput(f"refusing to write {rel}: it is outside the output folder")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        stats = _compare(files, out)
        _swap(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return stats


def _swap(staging: Path, out: Path) -> None:
    if not out.exists():
        staging.rename(out)
        return
    old = out.parent / f".{out.name}.old-{os.getpid()}"
    out.rename(old)
    staging.rename(out)
    shutil.rmtree(old)


def _remove_leftovers(out: Path) -> None:
    """Remove staging folders of builds that were killed, only if they carry our marker."""
    for pattern in (f".{out.name}.tmp-*", f".{out.name}.old-*"):
        for folder in out.parent.glob(pattern):
            if (folder / MARKER).is_file():
                shutil.rmtree(folder)


def _compare(files: dict[str, bytes], out: Path) -> WriteStats:
    if not out.is_dir():
        return WriteStats(len(files), len(files), 0)
    changed = sum(1 for rel, data in files.items() if not _same(out / rel, data))
    old = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()} - {MARKER}
    return WriteStats(len(files), changed, len(old - set(files)))


def _same(path: Path, data: bytes) -> bool:
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False
