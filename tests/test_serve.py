"""`sitegen serve`, driven for real on 127.0.0.1 with an ephemeral port: it rebuilds after a file
changes, keeps serving the last good site through an error, shows the error, and recovers."""

from __future__ import annotations

import http.client
import json
import socket
import threading
import time
from urllib.request import urlopen

import pytest

from sitegen import search
from sitegen.build import build
from sitegen.session import Session
from sitegen.cache import open_cache
from sitegen.cli import main
from sitegen.config import load_config
from sitegen.serve import DevServer

TIMEOUT = 20.0


def wait_for(condition, what: str):
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def get(url: str) -> str:
    with urlopen(url, timeout=5) as response:
        return response.read().decode("utf-8")


def search_terms(url: str) -> str:
    """The term chunks of the served search index, as text (the chunks are named in its core)."""
    core = json.loads(get(url + "search/core.js")[len("window.SITEGEN_SEARCH = "):-2])
    return "".join(get(url + path) for path in search.chunk_paths(core))


def first_event(server: DevServer, since: int) -> dict:
    host, port = server.http.server_address[:2]
    conn = http.client.HTTPConnection(host, port, timeout=TIMEOUT)
    conn.request("GET", f"/__sitegen__/events?since={since}")
    response = conn.getresponse()
    assert response.getheader("Content-Type") == "text/event-stream"
    try:
        while True:
            line = response.fp.readline().decode("utf-8")
            if line.startswith("data: "):
                return json.loads(line[6:])
    finally:
        conn.close()


@pytest.fixture
def served(make_site):
    root = make_site()
    server = DevServer(root / "sitegen.yaml", port=0, log=lambda line: None).start()
    watcher = threading.Thread(target=server.watch, daemon=True)
    watcher.start()
    time.sleep(0.3)  # let the watcher subscribe before the test edits anything
    yield root, server
    server.close()
    watcher.join(TIMEOUT)
    assert not watcher.is_alive()


def test_serve_listens_on_localhost_only_and_adds_the_reload_script(served):
    root, server = served
    assert server.http.server_address[0] == "127.0.0.1"
    home = get(server.url)
    assert home == get(server.url + "index.html")
    assert '<script src="/__sitegen__/reload.js" data-generation="1"></script></body>' in home
    assert "EventSource" in get(server.url + "__sitegen__/reload.js")
    assert get(server.url + "actors/") == get(server.url + "actors/index.html")  # a folder URL serves its index
    with pytest.raises(Exception) as missing:
        get(server.url + "nowhere.html")
    assert getattr(missing.value, "code", None) == 404
    assert not (root / "build").exists()  # serving writes nothing


def test_serve_rebuilds_after_a_change_and_survives_an_error(served):
    root, server = served
    doc = root / "content/documents/first-report.md"
    page = server.url + "documents/first-report.html"
    doc.write_text(doc.read_text(encoding="utf-8").replace("title: First report", "title: First report, edited"),
                   encoding="utf-8")
    wait_for(lambda: "First report, edited" in get(page), "the edited title")
    assert first_event(server, 1)["changed"].count("documents/first-report.html") == 1  # everything since build 1
    wait_for(lambda: '"edit"' in search_terms(server.url), "the search index")  # the stem of "edited"
    good = server.live.good

    doc.write_text(doc.read_text(encoding="utf-8").replace("date: 2021-12-23", "date: 2021-13-23"), encoding="utf-8")
    wait_for(lambda: server.live.errors, "the error to be noticed")
    event = first_event(server, good)
    assert event["ok"] is False
    assert event["errors"] == ["content/documents/first-report.md:3:1: `2021-13-23` has no month 13 "
                               "(dates look like 2021-12-23, 2019-11, 2018, 2019-11-06? or 2018~)"]
    assert "First report, edited" in get(page)  # the last good version is still served
    assert f'data-generation="{good}"' in get(page)  # so a page opened now still learns of the error

    doc.write_text(doc.read_text(encoding="utf-8").replace("date: 2021-13-23", "date: 2021-12-24")
                   .replace("First report, edited", "First report, fixed"), encoding="utf-8")
    wait_for(lambda: "First report, fixed" in get(page), "the fixed page")
    assert server.live.errors == []
    assert first_event(server, good)["ok"] is True


def test_serve_follows_the_config_and_survives_a_broken_one(served):
    root, server = served
    config = root / "sitegen.yaml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("title: Test archive", "title: Renamed archive"), encoding="utf-8")
    wait_for(lambda: "Renamed archive" in get(server.url), "the new site title")
    config.write_text(text + "colour: blue\n", encoding="utf-8")
    wait_for(lambda: server.live.errors, "the config error")
    assert "unknown" in server.live.errors[0].message and "Renamed archive" in get(server.url)
    config.write_text(text, encoding="utf-8")
    wait_for(lambda: "Test archive" in get(server.url), "recovery from the config error")


def test_a_cached_rebuild_is_byte_identical_to_a_fresh_build(make_site, monkeypatch):
    """An edit served from a session: every file as a fresh build makes it, the search index among
    them updated in place from the session's (never made whole again)."""
    root = make_site()
    session, memo = Session(), open_cache(root)
    build(load_config(root / "sitegen.yaml"), until="render", memo=memo, session=session)
    doc = root / "content/documents/first-report.md"
    doc.write_text(doc.read_text(encoding="utf-8").replace("The body", "The edited body").replace(
        "title: ", "title: Retitled "), encoding="utf-8")
    with monkeypatch.context() as patched:
        patched.setattr(search, "_build_search_state", None)
        cached = build(load_config(root / "sitegen.yaml"), until="render", memo=memo, session=session).files
    fresh = build(load_config(root / "sitegen.yaml"), until="render").files
    assert cached == fresh and "The edited body" in cached["documents/first-report.html"].decode()
    search_before = session.search
    build(load_config(root / "sitegen.yaml"), until="render", memo=memo, session=session)
    assert session.search is search_before  # nothing changed: the index was reused, not rebuilt


def test_serve_reports_a_busy_port(make_site, capsys):
    make_site()
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert main(["serve", "--port", str(port)]) == 2
    assert f"cannot listen on 127.0.0.1:{port}" in capsys.readouterr().err


def test_the_error_overlay_appears_and_goes_in_a_browser(served, browser):
    root, server = served
    page = browser.new_page()
    page.goto(server.url + "documents/first-report.html")
    doc = root / "content/documents/first-report.md"
    original = doc.read_text(encoding="utf-8")
    doc.write_text(original.replace("actors:\n  - Wang Yi", "actors:\n  - Wang Yii"), encoding="utf-8")
    overlay = page.locator("#sitegen-errors")
    overlay.wait_for(timeout=TIMEOUT * 1000)
    assert "content/documents/first-report.md:8:5: unknown actor `Wang Yii`" in overlay.inner_text()
    assert "did you mean `Wang Yi`" in overlay.inner_text()
    doc.write_text(original.replace("title: First report", "title: First report, fixed"), encoding="utf-8")
    page.wait_for_function("() => document.querySelector('h1') "
                           "&& document.querySelector('h1').textContent.includes('fixed')", timeout=TIMEOUT * 1000)
    assert page.locator("#sitegen-errors").count() == 0
    page.close()


def test_pages_reload_first_and_the_search_index_catches_up(served):
    root, server = served
    doc = root / "content/documents/first-report.md"
    doc.write_text(doc.read_text(encoding="utf-8").replace("The body", "The zanzibarian body"), encoding="utf-8")
    wait_for(lambda: "zanzibarian" in get(server.url + "documents/first-report.html"), "the edited page")
    wait_for(lambda: "zanzibarian" in search_terms(server.url), "the search index to catch up")
    fresh = build(load_config(root / "sitegen.yaml"), until="render").files
    assert all(server.live.files[path] == data for path, data in fresh.items())  # the same site a build makes


def test_a_crash_inside_a_rebuild_is_shown_and_does_not_stop_the_server(served, monkeypatch):
    root, server = served
    import sitegen.serve as serve_module

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(serve_module, "build", broken)
    assert server.rebuild() is False
    assert "sitegen crashed while building: RuntimeError('boom')" in server.live.errors[0].message
    assert "<html" in get(server.url)  # still serving the last good site
    monkeypatch.undo()
    assert server.rebuild() is True and server.live.errors == []


def test_ctrl_c_stops_the_command_cleanly(make_site):
    import signal
    import subprocess
    import sys
    root = make_site()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen([sys.executable, "-m", "sitegen", "serve", "--port", str(port)], cwd=root,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        wait_for(lambda: _answers(f"http://127.0.0.1:{port}/index.html"), "the server to answer")
        process.send_signal(signal.SIGINT)
        out, _ = process.communicate(timeout=TIMEOUT)
    finally:
        process.kill()
    assert process.returncode == 0
    assert f"serving http://127.0.0.1:{port}/ (localhost only)" in out and out.rstrip().endswith("stopped")
    assert "Traceback" not in out


def _answers(url: str) -> bool:
    try:
        return "<html" in get(url)
    except OSError:
        return False


def test_serve_follows_template_and_asset_changes(make_site, tmp_path):
    import shutil
    from tests.conftest import ROOT, site_config
    shutil.copytree(ROOT / "templates", tmp_path / "templates")
    shutil.copytree(ROOT / "assets", tmp_path / "assets")
    root = make_site(config=site_config(templates=tmp_path / "templates", assets=tmp_path / "assets"))
    server = DevServer(root / "sitegen.yaml", port=0, log=lambda line: None).start()
    watcher = threading.Thread(target=server.watch, daemon=True)
    watcher.start()
    try:
        time.sleep(0.3)
        base = tmp_path / "templates/base.html"
        base.write_text(base.read_text(encoding="utf-8").replace("</body>", "<p>template-edited</p></body>"),
                        encoding="utf-8")
        wait_for(lambda: "template-edited" in get(server.url + "chronology.html"), "the template change")
        style = tmp_path / "assets/style.css"
        style.write_text(style.read_text(encoding="utf-8") + "\n/* asset-edited */\n", encoding="utf-8")
        wait_for(lambda: "asset-edited" in get(server.url + "assets/style.css"), "the asset change")
        base.write_text(base.read_text(encoding="utf-8").replace("<p>template-edited</p>", "{% if %}"),
                        encoding="utf-8")
        wait_for(lambda: server.live.errors, "the template error")
        assert server.live.errors[0].path == str(base) and "template syntax error" in server.live.errors[0].message
    finally:
        server.close()
        watcher.join(TIMEOUT)


def test_ctrl_c_during_the_first_build_stops_serve_cleanly(make_site, monkeypatch, capsys):
    make_site()
    import sitegen.serve as serve_module

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(serve_module, "build", interrupted)
    assert main(["serve", "--port", "0"]) == 0
    out = capsys.readouterr().out
    assert out.rstrip().endswith("stopped") and "serving" not in out
