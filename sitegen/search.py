"""Client-side search files (filled in by the search issue)."""

from __future__ import annotations

from dataclasses import dataclass

from sitegen.model import Site


@dataclass(frozen=True)
class SearchStats:
    documents: int
    raw_bytes: int
    gzip_bytes: int
    shards: int = 0
    over_budget: bool = False


def build_search(site: Site) -> tuple[dict[str, bytes], SearchStats]:
    return {}, SearchStats(len(site.documents), 0, 0)
