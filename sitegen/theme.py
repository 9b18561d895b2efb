"""The default theme that ships inside sitegen, and finding a file through the theme's layers.

The theme is the repository's top-level `templates/` and `assets/`: pyproject.toml packages them into
the wheel as `sitegen/default_theme/templates` and `sitegen/default_theme/assets`; in a source checkout
(and so under `pip install -e .`) they are read where they are. A project's own folders (`paths.templates`,
`paths.assets`) are layered over the theme's and override it file by file, as MkDocs' `custom_dir` and
Hugo's theme lookup do: a name is looked up in the project's folder first, then in the theme's. Owns
where the theme is and the union of names over the layers; must not read config or content.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Sequence

PACKAGE = Path(__file__).resolve().parent


def _theme_root() -> Path:
    """`sitegen/default_theme/` in an installed wheel, else the source checkout's root (editable install)."""
    packaged = PACKAGE / "default_theme"
    return packaged if (packaged / "templates").is_dir() else PACKAGE.parent


ROOT = _theme_root()
TEMPLATES = ROOT / "templates"
ASSETS = ROOT / "assets"

Folders = Sequence["str | os.PathLike[str]"]


def layers(own: Path, theme: Path) -> tuple[Path, ...]:
    """The project's folder over the theme's; one layer when the project's folder is the theme's
    (this repository's sample archive), so nothing is looked up twice."""
    try:
        same = own.resolve() == theme.resolve()
    except OSError:
        same = False
    return (own,) if same else (own, theme)


def as_folders(folders: "str | os.PathLike[str] | Folders") -> tuple[str, ...]:
    """One folder or a sequence of them (first wins), as strings."""
    if isinstance(folders, (str, os.PathLike)):
        return (os.fspath(folders),)
    return tuple(os.fspath(f) for f in folders)


def files(folders: "str | os.PathLike[str] | Folders") -> dict[str, Path]:
    """Every file name (relative, `/`-separated) found in any layer -> the file it resolves to: the
    first layer's that has it. Sorted by name."""
    found: dict[str, Path] = {}
    for folder in reversed([Path(f) for f in as_folders(folders)]):
        if folder.is_dir():
            found |= {p.relative_to(folder).as_posix(): p for p in folder.rglob("*") if p.is_file()}
    return dict(sorted(found.items()))
