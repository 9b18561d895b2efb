"""Work spread over processes: every parallel stage (validating, converting Markdown, rendering
pages, analysing for search) goes through `parallel_iter`, which forks workers that share the
parent's objects instead of being sent them, and keeps memory bounded by working a window at a time.
`jobs=1` runs in-process and is the reference the tests compare against.
"""

from __future__ import annotations

import ctypes
import functools
import gc
import itertools
import os
import signal
import threading
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any, Callable, Iterable, Iterator, TypeVar

T = TypeVar("T")
R = TypeVar("R")
CHUNK = 64
WINDOW = 4096
RENEW = 8 * WINDOW  # items a pool of workers does before fresh ones fork in its place, where that is safe (`may_fork`):
#                     a worker's copies of the parent's pages (each object it reads has its count written) and its
#                     own caches grow with what it has done, and at 100,000 documents outgrew the parent

_shared: Any = None  # in a worker process: what `parallel_iter(shared=...)` gave it


def parallel_map(fn: Callable[[T], R], items: Iterable[T], jobs: int,
                 done: Callable[[int], None] | None = None, shared: Any = None, chunk: int = CHUNK) -> list[R]:
    """`[fn(x) for x in items]`, over `jobs` processes when that is worth it; order is kept."""
    return list(parallel_iter(fn, items, jobs, done, shared, chunk=chunk))


def parallel_iter(fn: Callable[[T], R], items: Iterable[T], jobs: int, done: Callable[[int], None] | None = None,
                  shared: Any = None, forked: Callable[[], None] | None = None, chunk: int = CHUNK) -> Iterator[R]:
    """`fn(x)` for each item, in order, as they come: over `jobs` processes when that is worth it,
    a window of WINDOW items at a time so neither the inputs nor the results all wait in memory.
    `done(n)` is told every CHUNK results, for progress. With `shared`, each call is `fn(shared, x)`:
    `shared` is given to each worker once (by fork, not pickled) instead of with every item.
    `forked()` is called once the workers have forked (never without workers): what the parent starts
    then, beside them, is not inherited by them. `chunk`: items sent to a worker at once, and how
    often `done` is told; 1 for items that each take seconds (a page to OCR)."""
    items = list(items)
    jobs = max(1, min(jobs, os.cpu_count() or 1))
    if jobs == 1 or len(items) < 2 * chunk:
        call = fn if shared is None else functools.partial(fn, shared)
        yield from _counted((call(x) for x in items), done, chunk)
        return
    trim_heap()  # what the parent freed is not inherited, and not copied page by page into every worker
    gc.freeze()  # forked workers share the parent's objects; their collector must not touch (copy) them all
    call = fn if shared is None else functools.partial(_with_shared, fn)
    pools = _Pools(jobs, shared)
    try:
        windows = [pools.map(call, items[:WINDOW], chunk)]  # the first submission forks every worker
        if forked is not None:
            forked()
        more = (pools.renewed(i).map(call, items[i:i + WINDOW], chunk) for i in range(WINDOW, len(items), WINDOW))
        yield from _counted((r for window in itertools.chain(windows, more) for r in window), done, chunk)
    finally:  # on Ctrl-C or an error, drop the queued work instead of waiting for all of it
        pools.pool.shutdown(wait=True, cancel_futures=True)
        gc.unfreeze()


class _Pools:
    """The pool of workers `parallel_iter` gives each window of items to: a new one every RENEW items
    (`renewed`), once the last one's work is done (a window is submitted when the one before has been
    read), if no thread could hold a lock its workers would need (`may_fork`; the threads the pool runs
    itself do not count: they are gone when it is shut down)."""

    def __init__(self, jobs: int, shared: Any):
        self.jobs, self.shared = jobs, shared
        self.pool = ProcessPoolExecutor(max_workers=jobs, initializer=_start_worker, initargs=(shared,))
        self.own: set[threading.Thread] | None = None  # the pool's threads, known once it is first given work

    def map(self, call: Callable, items: list, chunk: int) -> Iterator:
        before = set(threading.enumerate()) if self.own is None else None
        found = self.pool.map(call, items, chunksize=chunk)
        if before is not None:
            self.own = set(threading.enumerate()) - before
        return found

    def renewed(self, at: int) -> "_Pools":
        if at % RENEW == 0 and may_fork(ignore=self.own or set()):
            self.pool.shutdown(wait=True)
            trim_heap()
            self.pool, self.own = ProcessPoolExecutor(max_workers=self.jobs, initializer=_start_worker,
                                                      initargs=(self.shared,)), None
        return self


FORK_SAFE = "fork-safe: "  # a thread named so takes no lock a forked child needs (the status line)


def may_fork(ignore: set[threading.Thread] = frozenset()) -> bool:
    """A process forks for work beside it only when no other thread could hold a lock the child needs
    (it would stay held there): no thread but this one and those named `FORK_SAFE` (the status line,
    which only writes to the terminal; a child writes nothing). `serve`'s threads use the cache.
    `ignore`: threads that will be gone before the fork."""
    me = threading.current_thread()
    others = (t for t in threading.enumerate() if t is not me and t not in ignore)
    return hasattr(os, "fork") and all(t.name.startswith(FORK_SAFE) for t in others)


def in_child(fn: Callable[[], bool]) -> Callable[[], bool]:
    """`fn()` run in a forked process beside the caller (only where `may_fork()`), and a function
    that waits for its answer: a process has its own interpreter lock, so Python work there does not
    slow the caller's, as a thread's would. The child leaves without running any of the parent's
    clean-up (`os._exit`); one that fails or dies answers False. Call the answer once at least:
    it reaps the child."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(read)
            os.write(write, b"1" if fn() else b"0")
        finally:
            os._exit(0)
    os.close(write)
    said: list[bool] = []

    def answer() -> bool:
        if not said:
            try:
                said.append(os.read(read, 1) == b"1")  # nothing (the child died) is a no
            finally:
                os.close(read)
                os.waitpid(pid, 0)
        return said[0]
    return answer


def trim_heap() -> None:
    """Give the memory the process has freed back to the system. Python returns its small-object
    arenas when they empty, but the C heap keeps every freed page of the large strings (sources,
    bodies) until told: at 10,000 documents a fifth of what the parent held when its page workers
    forked. Nothing to do where the C library is not glibc."""
    if _libc is not None:
        _libc.malloc_trim(0)


def _glibc() -> Any:
    try:
        libc = ctypes.CDLL(None)
        return libc if hasattr(libc, "malloc_trim") else None
    except (OSError, AttributeError, TypeError):  # pragma: no cover - no C library to load (Windows)
        return None


_libc = _glibc()


def _with_shared(fn: Callable[[Any, T], R], item: T) -> R:
    return fn(_shared, item)


def _start_worker(shared: Any) -> None:
    """Ctrl-C reaches every process of the group: workers ignore it, so only the parent reports it
    (one line, exit 130) instead of each worker printing a traceback. A worker collects its own
    garbage, whether or not the parent had paused its collector (`collector_paused`) as it forked."""
    global _shared
    _shared = shared
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    gc.enable()


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off, then as it was: for stages that make millions of small
    objects that live on (the model, the search index), over which the collector ran its full passes
    again and again, finding nothing to free. Garbage with cycles made meanwhile waits for it."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _counted(results: Iterable[R], done: Callable[[int], None] | None, chunk: int = CHUNK) -> Iterator[R]:
    for n, result in enumerate(results, 1):
        yield result
        if done and n % chunk == 0:
            done(n)
