"""Every page `sitegen serve` writes itself (404, the error overlay, folder requests) shows what the
address or the content held as text: nothing from a URL or a file runs as script."""

from __future__ import annotations

import http.client
from urllib.parse import quote

import pytest

from sitegen.serve import DevServer
from tests.test_serve import TIMEOUT, served  # noqa: F401 - served: the running server, shared with the serve tests

SCRIPTED = "<img src=x onerror=alert(1)>"


def request(dev: DevServer, path: str) -> tuple[int, dict, str]:
    host, port = dev.http.server_address[:2]
    conn = http.client.HTTPConnection(host, port, timeout=TIMEOUT)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read().decode("utf-8", "replace")
    finally:
        conn.close()


@pytest.mark.parametrize("path", [
    "/" + quote(SCRIPTED), "/" + SCRIPTED.replace(" ", "%20"), "/a/%22%3E%3Cscript%3Ealert(1)%3C/script%3E.html",
    "/%3Csvg%20onload=alert(1)%3E/", "/x.html?<script>alert(1)</script>", "/%ED%A0%80.html", "/../../etc/passwd",
])
def test_the_404_page_shows_the_address_as_text(path, served):
    _, dev = served
    status, _, body = request(dev, path)
    assert status == 404
    for dangerous in ("<img src=x", "<script>alert", "<svg onload", '"><script'):
        assert dangerous not in body
    assert "root:" not in body  # nothing is read from disk


def test_a_folder_without_its_slash_is_redirected_safely(served):
    _, dev = served
    status, headers, _ = request(dev, "/actors")
    assert status == 301 and headers["Location"] == "/actors/"
    assert request(dev, "/actors/")[0] == 200


def test_a_malformed_events_query_does_not_break_the_server(served):
    _, dev = served
    host, port = dev.http.server_address[:2]
    conn = http.client.HTTPConnection(host, port, timeout=TIMEOUT)
    conn.request("GET", "/__sitegen__/events?since=" + "9" * 5000)
    response = conn.getresponse()
    assert response.status == 200 and response.fp.readline().startswith(b"data: ")
    conn.close()
    assert request(dev, "/index.html")[0] == 200


def test_no_script_runs_from_the_address_or_the_overlay_in_a_browser(served, browser):
    root, dev = served
    page = browser.new_page()
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(dev.url + SCRIPTED)
    assert SCRIPTED in page.inner_text("body")
    page.goto(dev.url + "documents/first-report.html")
    doc = root / "content/documents/first-report.md"
    doc.write_text(doc.read_text(encoding="utf-8").replace("summary:", f"'{SCRIPTED}': 1\nsummary:"), encoding="utf-8")
    overlay = page.locator("#sitegen-errors")
    overlay.wait_for(timeout=TIMEOUT * 1000)
    assert f"unknown field `{SCRIPTED}`" in overlay.inner_text()
    page.wait_for_timeout(300)
    assert dialogs == [] and page.locator("#sitegen-errors img").count() == 0
    page.close()
