"""sitegen as a user gets it: the wheel, installed (not editable) into a fresh virtual environment,
starts an archive in an empty folder, builds it with the theme inside the wheel, and the archive's
search finds its example document from `file://` in Chromium.

The wheel is built from a copy of the files it is made of, so setuptools' own `build/` folder never
lands in the repository (where `build/` is the sample archive's output). The dependencies come from
the package index (pip's cache makes that quick).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from tests.conftest import ROOT

SOURCES = ["pyproject.toml", "README.md", "sitegen", "templates", "assets"]


def run(*args: str | Path, cwd: Path, timeout: float = 240) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    done = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{' '.join(map(str, args))} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The bin/ folder of a fresh virtual environment with the wheel installed in it."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    source.mkdir()
    for name in SOURCES:
        copy = shutil.copytree if (ROOT / name).is_dir() else shutil.copy2
        copy(ROOT / name, source / name, **({"ignore": shutil.ignore_patterns("__pycache__")} if copy is shutil.copytree
                                            else {}))
    run(sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", work / "dist", ".", cwd=source)
    (wheel,) = (work / "dist").glob("sitegen-*.whl")
    venv.create(work / "venv", with_pip=True)
    bin_ = work / "venv" / "bin"
    run(bin_ / "python", "-m", "pip", "install", "-q", wheel, cwd=work)
    return bin_


@pytest.mark.browser
def test_the_installed_wheel_starts_builds_and_searches_an_archive(installed, browser, tmp_path):
    theme_root = run(installed / "python", "-c", "import sitegen.theme as t; print(t.ROOT)", cwd=tmp_path).strip()
    # the theme inside the wheel, not this checkout
    assert Path(theme_root).is_relative_to(installed.parent), theme_root
    site = tmp_path / "archive"
    site.mkdir()
    run(installed / "sitegen", "init", "--languages", "en,ar", "--title", "Harbour archive", cwd=site)
    run(installed / "sitegen", "check", "--strict", cwd=site)
    run(installed / "sitegen", "build", cwd=site)
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto((site / "build" / "index.html").as_uri())
    page.fill("#site-search", "logbooks")
    page.press("#site-search", "Enter")
    page.wait_for_function("document.querySelectorAll('#search-results a.doc-title').length >= 1", timeout=10_000)
    hrefs = page.eval_on_selector_all("#search-results a.doc-title", "els => els.map(e => e.getAttribute('href'))")
    assert hrefs == ["documents/2024-05-01-example-lighthouse-records.html"]
    assert page.url.startswith("file://") and errors == []
    page.close()
