"""Workers renewed every `workers.RENEW` items: fresh ones fork in the place of those that have worked
that long (their copies of the parent's pages and their caches grow with it), where forking is safe;
the results are those of one pool, in order."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading

from sitegen import workers
from tests.conftest import ROOT


def _pid_and_square(shared: int, x: int) -> tuple[int, int]:
    return os.getpid(), shared + x * x


def _small_windows(monkeypatch) -> None:
    monkeypatch.setattr(workers, "CHUNK", 2)
    monkeypatch.setattr(workers, "WINDOW", 8)
    monkeypatch.setattr(workers, "RENEW", 16)


RENEWING = """
import json, os, sys
from sitegen import workers
from tests.conftest import ROOT
from tests.test_workers_renew import _pid_and_square
workers.CHUNK, workers.WINDOW, workers.RENEW = 2, 8, 16
done = list(workers.parallel_iter(_pid_and_square, range(70), 2, shared=1, chunk=2))
print(json.dumps({"parent": os.getpid(), "done": done}))
"""


def test_workers_are_renewed_and_the_results_are_those_of_one_process():
    # in a process of its own: no thread another test left running (which forbids renewing)
    ran = subprocess.run([sys.executable, "-c", RENEWING], cwd=ROOT, capture_output=True, text=True, check=True)
    seen = json.loads(ran.stdout)
    assert [r for _, r in seen["done"]] == [1 + x * x for x in range(70)]
    pids = [pid for pid, _ in seen["done"]]
    assert seen["parent"] not in pids
    assert not set(pids[:16]) & set(pids[64:])  # renewed at 16, 32, 48 and 64
    assert len(set(pids)) > 2


def test_no_renewal_while_another_thread_runs(monkeypatch):
    _small_windows(monkeypatch)
    stop = threading.Event()
    beside = threading.Thread(target=stop.wait, name="beside the pages")
    beside.start()
    try:
        done = list(workers.parallel_iter(_pid_and_square, range(70), 2, shared=0, chunk=2))
    finally:
        stop.set()
        beside.join()
    assert [r for _, r in done] == [x * x for x in range(70)]
    assert len({pid for pid, _ in done}) <= 2
