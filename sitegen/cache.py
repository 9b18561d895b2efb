"""Reusing pure results between builds: the memo every stage goes through, and the on-disk cache.

A stage hands `Memo.reuse` a list of (key, item) pairs and a function that computes results for a
batch of items; it gets back one result per item, computed only for the keys the memo lacks. Keys
cover everything a result depends on (hashes of inputs, never file times), so a memoised build is
byte-identical to a cold one. `NO_MEMO` computes everything: the reference path (`--no-cache`).

`Cache` keeps results in an SQLite database in `.sitegen-cache/` beside the config, so they survive
between command-line runs and `serve` starts warm. Every key is salted with sitegen's version and the
bytes of its modules, so a cache made by other code is never read; only the `DURABLE` namespaces, plain
data whose keys name everything that made them, outlive a new sitegen. Anything wrong with the database (corrupt, locked,
read-only, full disk) turns the cache off for the rest of the build, which then computes what it
needs, and leaves one notice: a cache can make a build faster, never wrong and never fail. Entries
that a finished build did not use are deleted, so the cache holds one site's worth of results. A
value over `LARGE` (the model and search state a body edit starts from) is kept in a file of its own
beside the database, which reads it five times faster; its row names the file.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import re
import secrets
import shutil
import sqlite3
import threading
import time
import weakref
from pathlib import Path
from typing import Any, Callable, TypeVar

from sitegen import __version__
from sitegen.workers import collector_paused, in_child, may_fork

T = TypeVar("T")
R = TypeVar("R")
FOLDER = ".sitegen-cache"
FORMAT = 1
BATCH = 500  # keys per SELECT: below SQLite's limit on parameters
TIMEOUT = 5.0  # seconds to wait for another process holding the database
# Namespaces kept when sitegen's code changes: plain data (text, numbers) whose keys hold everything it
# depends on, the engine's version and the rules' (`originals.RULES`) included. Reading an archive's
# scans again by OCR after an upgrade would cost hours, and no other sitegen code shapes these values.
DURABLE = ("ocr", "pdf text")
LARGE = 1 << 20  # a pickled value this big goes to a file in VALUES: read faster than from SQLite (benchmarks/README.md)
VALUES = "values"
SPILLED = re.compile(r"^file:([0-9a-f]{32})$")  # a row's value naming its file (TEXT; values are BLOBs)
SWEEP_AFTER_S = 60  # a file no row names is deleted once this old: a build running beside may not have named it yet


def digest(*parts: bytes | str) -> bytes:
    """A key from its parts (length-prefixed, so ("ab", "c") and ("a", "bc") differ)."""
    h = hashlib.blake2b(digest_size=20)
    for part in parts:
        data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.digest()


def _locked(method):
    """Run a `Cache` method under its lock: `serve` updates its search index from a second thread."""
    @functools.wraps(method)
    def locked(self, *args, **kwargs):
        with self.lock:
            return method(self, *args, **kwargs)
    return locked


class Memo:
    """Computes everything; `Cache` overrides `reuse`, `load` and `store`."""

    notices: list[str]

    def __init__(self) -> None:
        self.notices = []

    def reuse(self, namespace: str, keyed: list[tuple[bytes, T]], compute: Callable[[list[T]], list[R]],
              later: bool = False) -> list[R]:
        """Results for the items of `keyed`, in order; `compute` is called once, with the items whose
        key `namespace` has no result for (possibly an empty list), and returns their results in order.
        `later`: keep the new results back, to be written by `write_later` (or at `finish`/`close`)."""
        return compute([item for _, item in keyed])

    def write_later(self, beside: bool = True) -> None:
        """Write the results `reuse(later=True)` kept back: with `beside`, from a forked process while
        the build goes on (the model stage leaves a core idle, and the stages using both cores no
        longer wait for the writing), the next write waiting for it; else now. Not beside where the
        parent's memory may not be doubled: the child shares its pages until either writes to them."""

    def load(self, namespace: str, key: bytes) -> Any:
        """One stored value, or None."""
        return None

    def store(self, namespace: str, key: bytes, value: Any) -> None:
        """Keep one value under `key`, replacing what was there."""

    def side_file(self, name: str) -> Path | None:
        """Where a stage may keep a file of its own, `name`, between builds (it writes it whole, and
        knows by its contents whether it is the one it wrote); None without a cache."""
        return None

    def finish(self) -> None:
        """A build succeeded: forget what it did not use (the memo stays open for the next build)."""

    def close(self) -> None:
        """Close; nothing is forgotten."""


NO_MEMO = Memo()


class Cache(Memo):
    """The persistent memo in `<root>/.sitegen-cache/cache.sqlite`."""

    def __init__(self, root: Path):
        super().__init__()
        self.folder = root / FOLDER
        self.salt = _code_digest()
        self.used: dict[str, set[bytes]] = {}
        self.fresh = False
        self.later: list[tuple[str, list[tuple[bytes, Any]]]] = []  # rows `reuse(later=True)` kept back
        self.writer: Callable[[], bool] | None = None  # the forked process writing them (`write_later`)
        self.lock = threading.RLock()
        self.db: sqlite3.Connection | None = None
        try:
            self.db = self._open()
        except sqlite3.DatabaseError as exc:
            if not _damaged(exc):
                self._off(exc)
                return
            try:  # a damaged database is ours to throw away
                for name in ("cache.sqlite", "cache.sqlite-wal", "cache.sqlite-shm"):
                    (self.folder / name).unlink(missing_ok=True)
                self.db = self._open()
                self.notices.append("cache: was damaged; starting it afresh")
            except (sqlite3.Error, OSError) as again:
                self._off(again)
        except OSError as exc:
            self._off(exc)
        try:  # an empty cache (a first build): `finish` has nothing of an earlier build to delete
            self.fresh = self.db is not None and self.db.execute("SELECT 1 FROM memo LIMIT 1").fetchone() is None
        except sqlite3.Error as exc:
            self._off(exc)

    def _open(self) -> sqlite3.Connection:
        self.folder.mkdir(exist_ok=True)
        (self.folder / ".gitignore").write_text("*\n")  # never committed, whatever the project's .gitignore says
        db = sqlite3.connect(self.folder / "cache.sqlite", timeout=TIMEOUT, isolation_level=None, check_same_thread=False)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute("CREATE TABLE IF NOT EXISTS memo (ns TEXT, key BLOB, value BLOB, PRIMARY KEY (ns, key)) WITHOUT ROWID")
            db.execute("CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT)")
            row = db.execute("SELECT value FROM meta WHERE name = 'version'").fetchone()
            if row is None or row[0] != self.salt.hex():
                if row is not None:
                    self.notices.append("cache: made by another sitegen version; starting it afresh")
                db.execute(f"DELETE FROM memo WHERE ns NOT IN ({', '.join('?' * len(DURABLE))})", DURABLE)
                db.execute("INSERT OR REPLACE INTO meta VALUES ('version', ?)", (self.salt.hex(),))
        except BaseException:
            db.close()
            raise
        return db

    def _off(self, exc: BaseException) -> None:
        """Stop using the cache for this build, with one notice."""
        if not any(n.startswith("cache:") for n in self.notices):
            self.notices.append(f"cache: not used ({_reason(exc)}); building without it")
        self.later = []
        self.close()

    def _key(self, key: bytes, namespace: str = "") -> bytes:
        return digest(b"durable" if namespace in DURABLE else self.salt, key)

    def reuse(self, namespace, keyed, compute, later=False):
        keys = [self._key(k, namespace) for k, _ in keyed]
        found = self._select(namespace, keys)
        missing = [i for i, k in enumerate(keys) if k not in found]
        results = compute([keyed[i][1] for i in missing])
        fresh = dict(zip(missing, results))
        rows = [(keys[i], fresh[i]) for i in missing]
        if later and rows:
            self.later.append((namespace, rows))
        else:
            self._insert(namespace, rows)
        self.used.setdefault(namespace, set()).update(keys)
        return [fresh[i] if i in fresh else found[k] for i, k in enumerate(keys)]

    def write_later(self, beside=True):
        self._join_writer()
        if beside and self.later and self.db is not None and may_fork():
            # No connection crosses the fork (SQLite's rule: even a new one in the child would share
            # the old one's lock records): closed here, opened again in each process.
            self.db.close()
            self.writer, self.later, self.db = in_child(self._write_in_child), [], None  # the child's to write
            weakref.finalize(self, self.writer)  # reaped, and its pipe closed, even if never waited for
            try:
                self.db = self._open()
            except (sqlite3.Error, OSError) as exc:
                self._off(exc)
        self._write_later()

    def _join_writer(self) -> None:
        """Wait for the forked writer, if any; one that failed turns the cache off (`_off`)."""
        writer, self.writer = self.writer, None
        if writer is not None and not writer():
            self._off(RuntimeError("its writer process failed"))

    def _write_in_child(self) -> bool:
        """In a forked child: the rows kept back, written through a connection of its own."""
        try:
            self.db = self._open()
        except (sqlite3.Error, OSError):
            return False
        self._write_later()
        if self.db is None:
            return False
        self.db.close()
        return True

    def _write_later(self) -> None:
        while self.later and self.db is not None:
            self._insert(*self.later.pop(0))

    @_locked
    def _select(self, namespace: str, keys: list[bytes]) -> dict[bytes, Any]:
        found: dict[bytes, Any] = {}
        if self.db is None:
            return found
        try:
            unique = list(dict.fromkeys(keys))
            with collector_paused():  # a value may be a million objects (the model, the search index's state):
                found.update(self._rows(namespace, unique))  # the collector's passes over them took 2/3 of unpickling
        except sqlite3.Error as exc:
            self._off(exc)
            return {}
        return found

    def _rows(self, namespace: str, unique: list[bytes]) -> dict[bytes, Any]:
        found: dict[bytes, Any] = {}
        for start in range(0, len(unique), BATCH):
            part = unique[start:start + BATCH]
            rows = self.db.execute(f"SELECT key, value FROM memo WHERE ns = ? AND key IN ({','.join('?' * len(part))})",
                                   (namespace, *part))
            for key, value in rows:
                try:
                    found[key] = pickle.loads(self._unspill(value) if isinstance(value, str) else value)
                except Exception:  # a damaged or missing value is recomputed, not trusted
                    continue
        return found

    @_locked
    def _insert(self, namespace: str, rows: list[tuple[bytes, Any]], streamed: bool = False) -> None:
        """`streamed`: each value pickled into a `_Spool`, never held whole as bytes (for `store`'s
        values, which may be GBs: the model and the search state); else by `pickle.dumps`, faster for
        the many small rows of `reuse`."""
        if self.writer is not None:
            self._join_writer()
        if self.db is None or not rows:
            return
        try:
            values = ((namespace, k, _Spool.pickled(v, self.folder / VALUES) if streamed  # pickled one row at a time
                       else self._spill(data) if len(data := pickle.dumps(v, protocol=5)) >= LARGE else data)
                      for k, v in rows)  # as SQLite takes them:
            with self.db:  # a stage's pickles are not all held at once (benchmarks/README.md, "Facts")
                self.db.execute("BEGIN IMMEDIATE")  # take the write lock before reading what is replaced
                replaced = self._spilled(namespace, [k for k, _ in rows])
                self.db.executemany("INSERT OR REPLACE INTO memo VALUES (?, ?, ?)", values)
            for name in replaced:  # after the commit: until then a reader may still need them
                (self.folder / VALUES / name).unlink(missing_ok=True)
        except (sqlite3.Error, pickle.PicklingError, OSError) as exc:
            self._off(exc)

    def _spill(self, data: bytes) -> str:
        """Write a large value (at least LARGE) to a file of its own (whole or not at all) and name it
        for its row."""
        return _Spool.filled(self.folder / VALUES, lambda spool: spool.write(data))

    def _unspill(self, value: str) -> bytes:
        found = SPILLED.match(value)
        if found is None:
            raise ValueError("not a value file")
        return (self.folder / VALUES / found.group(1)).read_bytes()

    def _spilled(self, namespace: str, keys: list[bytes]) -> list[str]:
        """The files the rows of `keys` name now."""
        names = []
        for start in range(0, len(keys), BATCH):
            part = keys[start:start + BATCH]
            rows = self.db.execute(f"SELECT value FROM memo WHERE ns = ? AND typeof(value) = 'text' AND key IN "
                                   f"({','.join('?' * len(part))})", (namespace, *part))
            names += [m.group(1) for (value,) in rows if (m := SPILLED.match(value))]
        return names

    def load(self, namespace, key):
        return self._select(namespace, [self._key(key, namespace)]).get(self._key(key, namespace))

    def store(self, namespace, key, value):
        self._insert(namespace, [(self._key(key, namespace), value)], streamed=True)
        self.used.setdefault(namespace, set()).add(self._key(key, namespace))

    def side_file(self, name):
        return self.folder / name if self.db is not None else None

    @_locked
    def finish(self):
        self._join_writer()
        self._write_later()
        if self.db is not None:
            try:
                if not self.fresh:  # (a scan of every row, deleting nothing after a first build)
                    self._forget_unused()
                named = {m.group(1) for (value,) in self.db.execute("SELECT value FROM memo WHERE typeof(value) = 'text'")
                         if (m := SPILLED.match(value))}
                self._sweep(named)
            except (sqlite3.Error, OSError) as exc:
                self._off(exc)
        self.used, self.fresh = {}, False

    def _forget_unused(self) -> None:
        """Delete the entries this build did not use. (Those another build added while this one ran
        from an empty cache stay until the next build's `finish`.)"""
        with self.db:
            self.db.execute("BEGIN")
            self.db.execute("CREATE TEMP TABLE IF NOT EXISTS used (ns TEXT, key BLOB, PRIMARY KEY (ns, key)) WITHOUT ROWID")
            self.db.execute("DELETE FROM used")
            for namespace, keys in sorted(self.used.items()):
                self.db.executemany("INSERT OR IGNORE INTO used VALUES (?, ?)", ((namespace, k) for k in keys))
                self.db.execute("DELETE FROM memo WHERE ns = ? AND key NOT IN (SELECT key FROM used WHERE ns = ?)",
                                (namespace, namespace))

    def _sweep(self, named: set[str]) -> None:
        """Delete the value files no row names (their entries were dropped or replaced)."""
        folder, now = self.folder / VALUES, time.time()
        if not folder.is_dir():
            return
        for entry in os.scandir(folder):
            if entry.name.split(".")[0] not in named and now - entry.stat().st_mtime > SWEEP_AFTER_S:
                os.unlink(entry.path)

    @_locked
    def close(self):
        self._join_writer()
        self._write_later()
        if self.db is not None:
            try:
                self.db.close()
            except sqlite3.Error:
                pass
            self.db = None


def open_cache(root: Path, enabled: bool = True) -> Memo:
    """The project's cache, or `NO_MEMO` when it is turned off."""
    return Cache(root) if enabled else Memo()


def remove_cache(root: Path) -> bool:
    """Delete the project's cache folder (`sitegen clean`); False when there was none."""
    folder = root / FOLDER
    if not (folder / "cache.sqlite").exists() and not folder.is_dir():
        return False
    shutil.rmtree(folder)
    return True


@functools.lru_cache(maxsize=1)
def _code_digest() -> bytes:
    """sitegen's version and the bytes of its own modules: results made by other code are never read,
    even between two commits of one version."""
    package = Path(__file__).resolve().parent
    return digest(__version__, str(FORMAT), *(part for p in sorted(package.glob("*.py"))
                                            for part in (p.name, p.read_bytes())))


def _damaged(exc: BaseException) -> bool:
    text = str(exc)
    return "not a database" in text or "malformed" in text


def _reason(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text.splitlines()[0][:120]


class _Spool:
    """A value's pickle as the pickler writes it (in frames of 64 KB): in memory up to LARGE, then
    into a value file of its own, so a large value (the model, the search state: GBs at 100,000
    documents) is not held a second time as one bytes object while it is written."""

    def __init__(self, folder: Path):
        self.folder, self.head, self.file, self.name = folder, bytearray(), None, ""

    @classmethod
    def pickled(cls, value: Any, folder: Path) -> bytes | str:
        """The row's value: the pickle's bytes, or (from LARGE on) `file:` and the name of its file."""
        return cls.filled(folder, lambda spool: pickle.Pickler(spool, protocol=5).dump(value))

    @classmethod
    def filled(cls, folder: Path, fill: Callable[[_Spool], Any]) -> bytes | str:
        """What `fill` writes into a spool, as a row's value: its bytes, or (from LARGE on) `file:` and
        the name of the value file holding them, put in place whole or not at all."""
        spool = cls(folder)
        try:
            fill(spool)
        except BaseException:
            if spool.file is not None:
                spool.file.close()
                (folder / f"{spool.name}.tmp").unlink(missing_ok=True)
            raise
        if spool.file is None:
            return bytes(spool.head)
        spool.file.close()
        os.replace(folder / f"{spool.name}.tmp", folder / spool.name)
        return f"file:{spool.name}"

    def write(self, data: bytes) -> int:
        if self.file is None and len(self.head) + len(data) >= LARGE:  # from here on, into a file
            self.name = secrets.token_hex(16)
            self.folder.mkdir(exist_ok=True)
            self.file = open(self.folder / f"{self.name}.tmp", "wb")
            self.file.write(self.head)
            self.head = bytearray()
        if self.file is not None:
            return self.file.write(data)
        self.head += data
        return len(data)
