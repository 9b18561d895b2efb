"""`sitegen pack`: the built site as one zip for readers offline, `<name>-<date>.zip`, with a
`SHA256SUMS` manifest and a short `README.txt`.

Owns the package: everything under one top folder (so unzipping never scatters files), entries sorted,
timestamps and permissions fixed, so the same site gives a byte-identical zip. The site is built in
memory by `build` (nothing in build/ is read or changed); the zip is written beside the config file, or
in `out`, under a temporary name and renamed, so a failed pack leaves no half-written zip.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path

from sitegen.build import build
from sitegen.config import Config
from sitegen.pages import Page
from sitegen.render import render_page
from sitegen.schema import suggest_id

MANIFEST = "SHA256SUMS"
README = "README.txt"
FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest a zip can say: no clock in the package


@dataclass(frozen=True)
class Packed:
    path: Path
    files: int  # site files, without the manifest and the README
    size: int  # bytes of the zip


def pack_name(config: Config, name: str = "", today: dt.date | None = None) -> str:
    """`<name>-<date>`: the site's title as an id, dated by build_date (else today)."""
    date = config.build_date or (today or dt.datetime.now(dt.timezone.utc).date()).isoformat()
    return f"{suggest_id(name or config.title) or 'archive'}-{date}"


def manifest(files: dict[str, bytes]) -> bytes:
    """`sha256sum -c SHA256SUMS` format: one `<hex>  <path>` line per file, sorted by path."""
    return "".join(f"{hashlib.sha256(data).hexdigest()}  {path}\n" for path, data in sorted(files.items())).encode()


def readme(config: Config, stem: str, count: int) -> bytes:
    """README.txt from the `pack-readme.txt` template (plain text), so an archive can word it its way."""
    context = {"site": {"title": config.title, "description": config.description, "base_url": config.base_url,
                        "build_date": config.build_date}, "name": stem, "files": count, "manifest": MANIFEST,
               "page_path": README}
    return render_page(config.template_folders, Page(README, "pack-readme.txt", context, "the pack's README"))[1]


def pack(config: Config, *, out: Path | None = None, name: str = "", jobs: int = 1, strict: bool = False) -> Packed:
    """Build the site in memory and write its zip; BuildFailed as from `build` when the site has errors."""
    files = build(config, until="render", jobs=jobs, strict=strict).files
    stem = pack_name(config, name)
    extra = {MANIFEST: manifest(files), README: readme(config, stem, len(files))}
    folder = out or config.root
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{stem}.zip"
    partial = folder / f".{stem}.zip.partial"
    try:
        with zipfile.ZipFile(partial, "w") as archive:
            for path, data in [*sorted(extra.items()), *sorted(files.items())]:
                info = zipfile.ZipInfo(f"{stem}/{path}", FIXED_TIME)
                info.external_attr = 0o644 << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, data, compresslevel=9)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return Packed(target, len(files), target.stat().st_size)
