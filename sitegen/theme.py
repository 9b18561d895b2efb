"""The default theme that ships inside sitegen, and finding a file through the theme's layers.

The theme is the repository's top-level `templates/` and `assets/`: pyproject.toml packages them into
the wheel as `sitegen/default_theme/templates` and `sitegen/default_theme/assets`; in a source checkout
(and so under `pip install -e .`) they are read where they are. A project's own folders (`paths.templates`,
`paths.assets`) are layered over the theme's and override it file by file, as MkDocs' `custom_dir` and
Hugo's theme lookup do: a name is looked up in the project's folder first, then in the theme's. Owns
where the theme is, the union of names over the layers, and what the theme's settings (`theme:` in
sitegen.yaml, read by `config`) accept: images of a safe type, an accent readable on its backgrounds.
Must not read config or content.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Sequence

from sitegen import sources

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
    first layer's that has it (an editor's or system's litter is no file of the theme). Sorted by name."""
    found: dict[str, Path] = {}
    for folder in reversed([Path(f) for f in as_folders(folders)]):
        if folder.is_dir():
            found |= {p.relative_to(folder).as_posix(): p for p in folder.rglob("*")
                      if p.is_file() and not sources.is_litter(p.name)}
    return dict(sorted(found.items()))


# The default theme's backgrounds the accent is read on (`--paper`, `--tint`, and `--accent-ink` on the
# accent's buttons) in assets/style.css; a test keeps them in step with it.
BACKGROUNDS = {"--paper": "#ffffff", "--tint": "#f5f6f8", "--accent-ink": "#ffffff"}
AA_CONTRAST = 4.5  # WCAG 2 AA, for text of normal size
IMAGES = {  # suffix -> how the file starts. No SVG: an SVG can carry script, run when it is opened.
    "logo": {".png": b"\x89PNG\r\n\x1a\n", ".jpg": b"\xff\xd8\xff", ".jpeg": b"\xff\xd8\xff", ".webp": b"RIFF"},
    "favicon": {".png": b"\x89PNG\r\n\x1a\n", ".ico": b"\x00\x00\x01\x00"},
}


def check_image(name: str, kind: str, root: Path) -> tuple[Path | None, str, str]:
    """The file `name` (relative to the project `root`) as the theme's `kind` image, or None with the
    problem and a hint: it must be inside the project, of a type in IMAGES, and that type inside."""
    path, suffix, known = root / name, Path(name).suffix.lower(), IMAGES[kind]
    if Path(name).is_absolute() or not path.resolve().is_relative_to(root.resolve()):
        return None, f"`{kind}` must be a file inside the project, not `{name}`", "copy it into the project folder"
    if suffix not in known:
        return None, f"`{kind}` must be one of {', '.join(sorted(known))}, not `{name}`", \
            "export it as PNG" + (": an SVG can carry script" if suffix == ".svg" else "")
    if not path.is_file():
        return None, f"no file `{name}` for `{kind}`", "paths are relative to sitegen.yaml"
    with open(path, "rb") as handle:
        if not handle.read(16).startswith(known[suffix]):
            return None, f"`{name}` is not a {suffix[1:].upper()} file inside", "export it again as that type"
    return path, "", ""


def worst_contrast(colour: str) -> float:
    """The lowest WCAG contrast of `colour` (#rrggbb) with any of the theme's BACKGROUNDS."""
    return min(contrast(colour, background) for background in BACKGROUNDS.values())


def contrast(one: str, two: str) -> float:
    """WCAG 2 contrast ratio of two #rrggbb colours."""
    light, dark = sorted((_luminance(one), _luminance(two)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _luminance(colour: str) -> float:
    def linear(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (linear(int(colour[i:i + 2], 16)) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def darker(colour: str) -> str:
    """The first shade of `colour`, darkened step by step, that passes AA on every background."""
    rgb = [int(colour[i:i + 2], 16) for i in (1, 3, 5)]
    for step in range(100, -1, -1):
        shade = "#" + "".join(f"{round(c * step / 100):02x}" for c in rgb)
        if worst_contrast(shade) >= AA_CONTRAST:
            return shade
    return "#000000"
