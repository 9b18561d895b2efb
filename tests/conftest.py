"""Shared fixtures: a valid document's text (`document`), a tiny-site writer (`write_site`, `make_site`) and
builder (`built_site`), the sample archive built once per session, and a browser."""

from __future__ import annotations

import contextlib
import functools
import http.server
import json
import os
import shutil
import threading
from pathlib import Path

import pytest

from sitegen.build import build
from sitegen.config import load_config

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def site_config(templates: Path = ROOT / "templates", assets: Path = ROOT / "assets", extra: str = "") -> str:
    return (f"title: Test archive\nlanguage: en\nbuild_date: '2026-01-01'\npaths:\n  templates: {templates}\n"
            f"  assets: {assets}\n{extra}")


def write_site(root: Path, files: dict[str, str], *, base: bool = True, config: str | None = None) -> Path:
    """Write a site into `root`: the base fixture (unless base=False), then `files` on top of it."""
    if base:
        shutil.copytree(FIXTURES / "base", root, dirs_exist_ok=True)
    root.mkdir(parents=True, exist_ok=True)
    (root / "sitegen.yaml").write_text(config if config is not None else site_config(), encoding="utf-8")
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def document(title: str = "A document", body: str = "Text.\n", *, date: str = "2021-12-23", source: str = "Wire",
             language: str = "en", raw: str = "", **fields) -> str:
    """The text of a valid document file: the required fields, then `fields` in the order given (each
    value written as JSON, which YAML reads as written: text, lists, mappings, true/false), then `raw`
    front-matter lines as they are (for YAML a test needs to write itself), then `body`."""
    lines = [f"{name}: {json.dumps(value, ensure_ascii=False)}" for name, value in
             {"title": title, "date": date, "source": source, "language": language, **fields}.items()]
    return "---\n" + "\n".join(lines) + "\n" + raw + "---\n" + body


def built_site(root: Path, files: dict[str, str], *, jobs: int = 1, **kwargs) -> Path:
    """`write_site(root, files, **kwargs)` built into root/out (from nothing, no cache): the output folder."""
    write_site(root, files, **kwargs)
    out = root / "out"
    build(load_config(root / "sitegen.yaml", environ={}), out=out, jobs=jobs)
    return out


@contextlib.contextmanager
def served_build(root: Path, files: dict[str, str]):
    """A bilingual site of `files` (no base fixture) written into `root`, built into root/out and served
    on 127.0.0.1 while the block runs: (the output folder, its http address)."""
    out = built_site(root, files, base=False, config=site_config(extra="languages: [en, ar]\n"))
    handler = functools.partial(type("Quiet", (http.server.SimpleHTTPRequestHandler,),
                                     {"log_message": lambda *a: None}), directory=str(out))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield out, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


@pytest.fixture
def make_site(tmp_path, monkeypatch):
    """make_site({"content/documents/x.md": "..."}) -> site folder, with the cwd set there."""
    def make(files: dict[str, str] | None = None, **kwargs) -> Path:
        root = write_site(tmp_path / "site", files or {}, **kwargs)
        monkeypatch.chdir(root)
        return root
    return make


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory) -> Path:
    """The repository's own archive (content/), built once for the whole test session."""
    out = tmp_path_factory.mktemp("sample") / "build"
    build(load_config(ROOT / "sitegen.yaml", environ={}), out=out, jobs=1)
    return out


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium through Playwright. Skips on a laptop without it; under CI=true it must run."""
    missing = None
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing = "playwright is not installed"
    if missing is None and not Path(CHROMIUM).exists():
        missing = f"{CHROMIUM} is not installed"
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"browser tests must run in CI: {missing}")
        pytest.skip(missing)
    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()
