"""The builds that write no folder: what one process keeps between its builds in memory (`serve`: the
files of the last build, the search index made again only when what it reads changed, see
`search.fingerprint`, and updated where an edit reaches), the sink that holds a build's files instead of writing them (`Memory`), and the
one that drops them (`Discard`, for `check`). Must not write to disk or print; the pipeline is `build`'s.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

from sitegen import search
from sitegen.cache import NO_MEMO, Memo
from sitegen.model import Site
from sitegen.output import WriteStats

SEARCH_JOBS = 1  # one process: see benchmarks/README.md (the search stage over two processes was slower)


@dataclass
class Session:
    """What one process keeps between its in-memory builds (`serve`): the files of the last build with
    the key each was made from, and the last search index by its fingerprint. With `stale_search`, a
    build whose index is out of date serves the old one and sets `BuildResult.search_pending`; the
    caller brings it up to date with `update_search`."""

    files: dict[str, tuple[bytes, bytes]] = field(default_factory=dict)  # path -> (key, bytes)
    search: tuple[str, dict[str, bytes], Any, Any] | None = None  # fingerprint, files, stats, search.SearchState
    stale_search: bool = False


class SearchMade(NamedTuple):
    """What the search stage made: its files and stats, whether they are an older index served for
    now (`Session.stale_search`), and its state for `incremental` (None when kept by a session)."""

    files: dict[str, bytes]
    stats: Any
    pending: bool
    state: Any
    kept: frozenset[str] = frozenset()  # files of the last output that are this index's too, as they are


def build_search(site: Site, memo: Memo, session: Session | None, last: Any = None) -> SearchMade:
    """The search index and its state (for `incremental`); for `serve`, the last index when it is
    stale but will do (the flag says so). `last`: the state of the index the output holds, when known
    (`incremental.search_as_left`): then only the files that change are made (`search.update_documents`),
    and the others are `kept`."""
    if session is None and last is not None:
        files, _, stats, state = search.update_documents(last, site, memo, SEARCH_JOBS)
        return SearchMade(files, stats, False, state, frozenset(search.placed_paths(state) - files.keys()))
    if session is None:
        files, stats, state = search.build_search_state(site, memo=memo, jobs=SEARCH_JOBS)
        return SearchMade(files, stats, False, state)
    if session.search is not None and session.stale_search:
        return SearchMade(session.search[1], session.search[2], session.search[0] != search.fingerprint(site), None)
    return SearchMade(*update_search(site, session, memo), False, None)


def update_search(site: Site, session: Session, memo: Memo = NO_MEMO) -> tuple[dict[str, bytes], Any]:
    """The index of `site` and its stats: the session's own when nothing it reads changed; else that
    one updated where the edit reaches (`search.update_documents`, which makes it whole when it must),
    so that a save in `serve` costs what it touches. The old state stays valid (a build may read it)."""
    key, last = search.fingerprint(site), session.search
    if last is None:
        files, stats, state = search.build_search_state(site, memo=memo, jobs=SEARCH_JOBS)
        session.search = (key, files, stats, state)
    elif last[0] != key:
        written, gone, stats, state = search.update_documents(last[3], site, memo, SEARCH_JOBS)
        session.search = (key, {path: data for path, data in last[1].items() if path not in gone} | written, stats, state)
    return session.search[1], session.search[2]


class Memory:
    """An in-memory sink with `Output`'s interface, for `serve` (which never touches build/)."""

    def __init__(self, session: Session | None):
        self.previous = session.files if session else {}
        self.session = session
        self.kept: dict[str, tuple[bytes, bytes]] = {}
        self.files: dict[str, bytes] = {}

    def __enter__(self) -> "Memory":
        return self

    def __exit__(self, *exc) -> None:
        pass

    def keep(self, rel: str, key: bytes) -> bool:
        before = self.previous.get(rel)
        if before is None or before[0] != key:
            return False
        self.write(rel, before[1], key)
        return True

    def write(self, rel: str, data: bytes, key: bytes) -> None:
        self.kept[rel] = (key, data)
        self.files[rel] = data

    def commit(self) -> WriteStats:
        changed = sum(1 for rel, (_, data) in self.kept.items() if self.previous.get(rel, (b"", None))[1] != data)
        if self.session is not None:
            self.session.files = self.kept
        return WriteStats(len(self.files), changed, len(self.previous.keys() - self.kept.keys()))


class Discard:
    """A sink that writes nothing and keeps nothing (`check`): every page is rendered, then dropped."""

    previous: dict = {}
    files: dict = {}

    def __enter__(self) -> "Discard":
        return self

    def __exit__(self, *exc) -> None:
        pass

    def keep(self, rel: str, key: bytes) -> bool:
        return False

    def write(self, rel: str, data: bytes, key: bytes) -> None:
        pass

    def commit(self) -> WriteStats:
        return WriteStats(0, 0, 0)
