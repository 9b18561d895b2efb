"""`sitegen serve`: build in memory, serve on 127.0.0.1, rebuild on every change, reload open pages.

The site is rendered into memory, so `build/` is left alone, and served by the standard library's
threaded HTTP server bound to localhost only. watchfiles (Rust `notify`, debounced, editors' temporary
files filtered out) reports changes to the config, content, templates and assets (the project's and
the default theme's) and the theme's logo and favicon; each change rebuilds
through the project's build cache, the same one `sitegen build` uses, so it starts warm (unchanged
bodies are not converted again, unchanged pages not rendered again, an unchanged search index not
rebuilt) and open pages learn over Server-Sent Events which files changed: a page reloads when it, a
stylesheet or a script changed. A failed rebuild keeps serving the last good site, prints the problems
and shows them in an overlay on every open page; the next good build removes it. The reload script is
added to pages as they are served; the built files themselves are never touched.
"""

from __future__ import annotations

import html
import json
import mimetypes
import os
import posixpath
import threading
import time
import traceback
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, quote, unquote, urlsplit

import watchfiles

from sitegen.build import build
from sitegen.session import Session, update_search
from sitegen.cache import open_cache
from sitegen.config import Config, load_config
from sitegen.errors import BuildFailed, Diagnostic, errors_only, shown_path
from sitegen.inputs import theme_files
from sitegen.sources import is_litter

HOST = "127.0.0.1"
PREFIX = "/__sitegen__/"
HEARTBEAT = 15.0
HISTORY = 64


@dataclass
class Live:
    """What is being served, shared between the watcher and the request threads."""

    files: dict[str, bytes] = field(default_factory=dict)
    generation: int = 0
    good: int = 0  # generation of the files being served: pages are stamped with it
    errors: list[Diagnostic] = field(default_factory=list)
    changed: dict[int, frozenset[str]] = field(default_factory=dict)  # generation -> output paths
    closed: bool = False
    cond: threading.Condition = field(default_factory=threading.Condition)

    def publish(self, files: dict[str, bytes]) -> frozenset[str]:
        with self.cond:
            changed = frozenset(p for p in files.keys() | self.files.keys() if files.get(p) != self.files.get(p))
            self.files, self.errors = files, []
            self._advance(changed)
            self.good = self.generation
            return changed

    def update(self, files: dict[str, bytes]) -> bool:
        """Replace some files of the good site (a late search index); False while a build is failing."""
        with self.cond:
            if self.errors:
                return False
            self.publish({**self.files, **files})
            return True

    def fail(self, errors: list[Diagnostic]) -> None:
        with self.cond:
            self.errors = errors
            self._advance(frozenset())

    def _advance(self, changed: frozenset[str]) -> None:
        self.generation += 1
        self.changed[self.generation] = changed
        self.changed.pop(self.generation - HISTORY, None)
        self.cond.notify_all()

    def event(self, since: int) -> dict:
        """What a page served at generation `since` needs to know (caller holds the lock)."""
        known = all(g in self.changed for g in range(since + 1, self.generation + 1))
        changed = set().union(*(self.changed.get(g, ()) for g in range(since + 1, self.generation + 1)))
        return {"generation": self.generation, "ok": not self.errors, "all": not known,
                "changed": sorted(changed), "errors": [d.format() for d in self.errors]}


class DevServer:
    """One project served: `rebuild()` after a change, `watch()` to loop on changes, `close()` to stop."""

    def __init__(self, config_path: Path, port: int = 8000, jobs: int = 1, log=print, drafts: bool = False):
        self.config_path, self.jobs, self.log, self.drafts = config_path, jobs, log, drafts
        self.session, self.live = Session(), Live()
        self.memo = open_cache(config_path.resolve().parent)
        self.config: Config | None = None
        self.warnings: list[Diagnostic] = []
        self._search_lock = threading.Lock()
        self._search_site = None
        self._search_thread: threading.Thread | None = None
        self.stop = threading.Event()
        self.http = ThreadingHTTPServer((HOST, port), _handler(self.live))
        self.http.daemon_threads = True
        self.url = f"http://{HOST}:{self.http.server_address[1]}/"
        self._thread = threading.Thread(target=self.http.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True)

    def start(self, ready=None) -> "DevServer":
        """Build, then answer requests; `ready()` is called in between, so whatever it says is said
        before the first page is served."""
        self.rebuild()
        if ready:
            ready()
        self._thread.start()
        return self

    def rebuild(self, reason: str = "") -> bool:
        started = time.perf_counter()
        try:
            self.config = load_config(self.config_path)
            result = build(self.config, jobs=self.jobs, until="render", memo=self.memo, session=self.session,
                           drafts=self.drafts)
        except BuildFailed as failed:
            errors = errors_only(failed.diagnostics) or failed.diagnostics
            self.live.fail(errors)
            self.log("\n".join(d.format() for d in errors))
            self.log(f"{reason}build failed: still serving the last good version at {self.url}")
            return False
        except Exception as exc:  # a bug in sitegen must not end the session: say so, keep serving
            trace = "".join(traceback.format_exception(exc))
            self.live.fail([Diagnostic(str(self.config_path), 1, 1, f"sitegen crashed while building: {exc!r}",
                                       "this is a bug in sitegen; please report it with the traceback in the "
                                       "terminal")])
            self.log(trace + f"{reason}build crashed: still serving the last good version at {self.url}")
            return False
        if result.warnings != self.warnings:  # repeat warnings only when they change
            self.log("\n".join(w.format() for w in result.warnings))
        self.warnings = result.warnings
        changed = self.live.publish(result.files)
        warned = f", {len(result.warnings)} warnings" if result.warnings else ""
        pending = "; search index updating" if result.search_pending else ""
        self.log(f"{reason}built {result.counts['documents']} documents, {len(changed)} files changed{warned} "
                 f"in {time.perf_counter() - started:.2f} s{pending}")
        self.session.stale_search = True  # after the first build, pages need not wait for the index
        if result.search_pending:
            self._search_later(result.site)
        return True

    def _search_later(self, site) -> None:
        """Bring the search index up to date in the background; a newer build supersedes it."""
        with self._search_lock:
            self._search_site = site
            if self._search_thread is None or not self._search_thread.is_alive():
                self._search_thread = threading.Thread(target=self._search_worker, daemon=True)
                self._search_thread.start()

    def _search_worker(self) -> None:
        while not self.stop.is_set():
            with self._search_lock:
                site, self._search_site = self._search_site, None
            if site is None:
                return
            started = time.perf_counter()
            files, _ = update_search(site, self.session, self.memo)
            with self._search_lock:
                superseded = self._search_site is not None
            if not superseded and self.live.update(files):
                self.log(f"search index updated in {time.perf_counter() - started:.2f} s")

    def watched(self) -> list[Path]:
        config, root = self.config, self.config_path.parent
        folders = ([config.content, *config.template_folders, *config.asset_folders] if config
                   else [root / "content", root / "templates"])
        images = [path.resolve() for path in theme_files(config).values() if path.is_file()] if config else []
        return [self.config_path.resolve()] + sorted({f.resolve() for f in folders if f.is_dir()}) + sorted(images)

    def watch(self) -> None:
        """Rebuild on every batch of changes until `close()`; the watched folders follow the config."""
        while not self.stop.is_set():
            paths = self.watched()
            for changes in watchfiles.watch(*paths, watch_filter=watched_change, stop_event=self.stop, debounce=400,
                                             step=50, rust_timeout=500, yield_on_timeout=False, raise_interrupt=True):
                names = sorted({shown_path(Path(p)) for _, p in changes if Path(p).suffix})
                self.rebuild(f"{', '.join(names[:3])}{' …' if len(names) > 3 else ''} changed: ")
                if self.watched() != paths:
                    break  # the config moved a folder: watch the new set

    def close(self) -> None:
        self.stop.set()
        with self.live.cond:
            self.live.closed = True
            self.live.cond.notify_all()
        if self._thread.is_alive():  # shutdown() waits for a serving loop, forever if none was started
            self.http.shutdown()
        self.http.server_close()
        self.memo.close()


_EDITORS = watchfiles.DefaultFilter()  # version control folders, caches and some editors' files


def watched_change(change: watchfiles.Change, path: str) -> bool:
    """A change worth a rebuild: not to a file the build skips as an editor's or system's litter
    (saving in Emacs makes and removes a lock and a backup, which would each start one)."""
    return _EDITORS(change, path) and not is_litter(os.path.basename(path))


def _handler(live: Live) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            url = urlsplit(self.path)
            if url.path == PREFIX + "events":
                since = (parse_qs(url.query).get("since") or ["0"])[0]
                return self._events(int(since) if since.isdigit() and len(since) < 18 else 0)
            if url.path == PREFIX + "reload.js":
                return self._send(200, "text/javascript; charset=utf-8", RELOAD_JS.encode())
            rel = unquote(url.path).lstrip("/")
            rel = posixpath.normpath(rel) if rel else ""
            if rel in ("", ".") or url.path.endswith("/"):
                rel = posixpath.join(rel if rel not in ("", ".") else "", "index.html")
            with live.cond:
                data, generation = live.files.get(rel), live.good
            if data is None and f"{rel}/index.html" in live.files:  # a folder asked for without its slash
                return self._redirect("/" + quote(rel) + "/")
            if data is None:
                return self._send(404, "text/html; charset=utf-8", _inject(not_found(rel), generation))
            kind = mimetypes.guess_type(rel)[0] or "application/octet-stream"
            if kind == "text/html":
                data = _inject(data.decode("utf-8"), generation)
            if kind.startswith("text/") or kind in ("application/javascript", "application/json"):
                kind += "; charset=utf-8"
            self._send(200, kind, data)

        def do_HEAD(self) -> None:
            self.do_GET()

        def _redirect(self, location: str) -> None:
            self.send_response(301)
            self.send_header("Location", location)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def _send(self, status: int, kind: str, data: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)

        def _events(self, since: int) -> None:
            """Server-Sent Events: one message per build after `since`, a comment line as heartbeat."""
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-store")
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            try:
                while True:
                    with live.cond:
                        if live.generation == since and not live.closed:
                            live.cond.wait(HEARTBEAT)
                        if live.closed:
                            return
                        message = live.event(since) if live.generation != since else None
                    if message:
                        since = message["generation"]
                    self.wfile.write(f"data: {json.dumps(message)}\n\n".encode() if message else b": ping\n\n")
                    self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):
                return

        def log_message(self, format: str, *args) -> None:  # the terminal is for build news
            pass

    return Handler


def _inject(page: str, generation: int) -> bytes:
    """Add the reload script to a page being served (never to the files themselves)."""
    tag = f'<script src="{PREFIX}reload.js" data-generation="{generation}"></script>'
    at = page.rfind("</body>")
    return (page[:at] + tag + page[at:] if at >= 0 else page + tag).encode("utf-8")


def not_found(rel: str) -> str:
    """The 404 page: the requested path is whatever the address bar held, so it is escaped (an address
    like `/<img src=x onerror=alert(1)>` must show as text, not run)."""
    return NOT_FOUND.format(html.escape(rel, quote=True))


NOT_FOUND = ("<!doctype html><html><head><meta charset=utf-8><title>Not found</title></head><body>"
             "<h1>Not found</h1><p><code>{}</code> is not part of the site.</p>"
             "<p><a href=\"/index.html\">Home</a></p></body></html>")

RELOAD_JS = r"""(function () {
  "use strict";
  var me = document.currentScript;
  var since = Number(me && me.getAttribute("data-generation")) || 0;
  var page = decodeURIComponent(location.pathname).replace(/^\/+/, "");
  if (page === "" || /\/$/.test(page)) page += "index.html";
  var overlay = null;

  function show(errors) {
    if (!overlay) {
      overlay = document.createElement("div");
      overlay.id = "sitegen-errors";
      overlay.setAttribute("role", "alert");
      overlay.dir = "ltr";
      overlay.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;padding:2rem;" +
        "background:rgba(20,20,20,.97);color:#fff;font:14px/1.5 ui-monospace,monospace;white-space:pre-wrap";
      document.body.appendChild(overlay);
    }
    overlay.textContent = "";
    var head = document.createElement("h2");
    head.style.cssText = "margin:0 0 1rem;font:bold 18px/1.3 system-ui,sans-serif;color:#ff8a80";
    head.textContent = "sitegen: the last change does not build. Showing the last good version; fix the file and save.";
    overlay.appendChild(head);
    errors.forEach(function (line) {
      var p = document.createElement("div");
      p.style.margin = "0 0 .5rem";
      p.textContent = line;
      overlay.appendChild(p);
    });
  }

  function connect() {
    var source = new EventSource("/__sitegen__/events?since=" + since);
    source.onmessage = function (event) {
      var state = JSON.parse(event.data);
      since = state.generation;
      if (!state.ok) { show(state.errors); return; }
      var styles = state.changed.some(function (p) {
        return /\.(css|js)$/.test(p) && (p.indexOf("search/") !== 0 || page === "search.html");
      });
      if (overlay || state.all || styles || state.changed.indexOf(page) >= 0) {
        source.close();
        location.reload();
      }
    };
  }
  connect();
})();
"""


def serve(config_path: Path, port: int, jobs: int, log=print, drafts: bool = False) -> None:
    """Run until Ctrl-C: the CLI's `sitegen serve` (`drafts`: with documents not published today)."""
    server = DevServer(config_path, port, jobs, log, drafts)
    try:  # Ctrl-C at any moment, even during the first build, stops it the same way
        server.start(ready=lambda: log(f"serving {server.url} (localhost only); watching "
                                       f"{', '.join(shown_path(p) for p in server.watched())}; Ctrl-C to stop"))
        server.watch()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
        log("stopped")
