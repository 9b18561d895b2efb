"""Finding and reading the content files: the only place content is read from disk.

Owns which files under a content folder are sources, and reading their bytes.
"""

from __future__ import annotations

from pathlib import Path

from sitegen.errors import Diagnostic


def discover(folder: Path) -> tuple[list[Path], list[Diagnostic]]:
    """The Markdown files under `folder`, sorted, and any problem found while looking."""
    return (sorted(p for p in folder.rglob("*.md") if p.is_file()) if folder.is_dir() else []), []


def read(path: Path) -> tuple[bytes | None, list[Diagnostic]]:
    """The bytes of one source file, or None and why it cannot be read."""
    return path.read_bytes(), []
