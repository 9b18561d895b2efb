"""Reusing pure results between builds: the interface every stage memoises through.

A stage hands `Memo.reuse` a list of (key, item) pairs and a function that computes results for a
batch of items; it gets back one result per item, computed only for keys the memo lacks. Keys must
cover everything the result depends on (hash the inputs, never use file times), so a memoised build
is byte-identical to a cold one. `NO_MEMO` computes everything: the reference path.
"""

from __future__ import annotations

from typing import Callable, TypeVar

T = TypeVar("T")
R = TypeVar("R")


class Memo:
    """Computes everything; the persistent cache overrides `reuse`."""

    def reuse(self, namespace: str, keyed: list[tuple[bytes, T]], compute: Callable[[list[T]], list[R]]) -> list[R]:
        """Results for the items of `keyed`, in order; `compute` is called once, with the items whose
        key `namespace` has no result for (possibly an empty list)."""
        return compute([item for _, item in keyed])


NO_MEMO = Memo()
