"""How the pipeline runs, beside what it does: the clock that times each stage (benchmarks read the
laps) and tells the caller how far along it is, and work run in a thread beside the page workers
(`Beside`: the search, while they render). Owns no stage of the build and decides nothing it makes.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import Future
from typing import Any, Callable

Progress = Callable[[str, int, int], None]  # (stage, items done, items in the stage or 0)


class Beside:
    """`make()` then `stage(made)`, run in a thread once the page workers have forked (`start`, given
    to `write_pages`): the parent waits on them with a core's worth of idle time, and they do not
    inherit what it makes. Run in place by `result` when it never started (no workers, or not
    `wanted`). A daemon thread, so an interrupted build does not wait for the search; but leaving the
    `with` block stops it from staging anything after (`stage` writes into the staging folder, which
    the failed build is about to remove), waiting at most for a write under way."""

    def __init__(self, make: Callable[[], Any], stage: Callable[[Any], Any], wanted: bool):
        self.make, self.stage, self.wanted = make, stage, wanted
        self.future: Future | None = None
        self.lock, self.stopped = threading.Lock(), False

    def start(self) -> None:
        if self.wanted:
            self.future = Future()
            threading.Thread(target=self._run, name="beside the pages", daemon=True).start()

    def _run(self) -> None:
        try:
            made = self.make()
            with self.lock:
                if not self.stopped:
                    self.future.set_result((made, self.stage(made)))
        except BaseException as exc:  # handed to the pipeline's thread by `result`
            self.future.set_exception(exc)

    def result(self) -> tuple[Any, Any]:
        if self.future is None:
            made = self.make()
            return made, self.stage(made)
        return self.future.result()

    def __enter__(self) -> "Beside":
        return self

    def __exit__(self, *exc) -> None:
        with self.lock:
            self.stopped = True


class Clock:
    """Times each stage (benchmarks read `timings`) and tells `progress` what is running, how far along."""

    def __init__(self, progress: Progress | None):
        self.progress, self.laps = progress, {}
        self.name, self.total, self.started = "", 0, time.perf_counter()

    def stage(self, name: str, total: int = 0) -> None:
        self.finish()
        self.name, self.total, self.started = name, total, time.perf_counter()
        self.count(0)

    def count(self, done: int) -> None:
        if self.progress:
            self.progress(self.name, done, self.total)

    def told(self) -> Callable[[int, int], None]:
        """`progress` for a stage that learns its total as it goes: (done, total)."""
        def tell(done: int, total: int) -> None:
            self.total = total
            self.count(done)
        return tell

    def finish(self) -> dict[str, float]:
        if self.name:
            self.laps[self.name] = time.perf_counter() - self.started
        return self.laps
