"""How much one contributor's file may ask of a build: every limit, its default and why, in one table.

Content arrives by pull request and CI builds it, so one small file must not take CI down: each
attack measured on sitegen (YAML alias bombs, deep nesting, inputs that make Markdown rescan a
paragraph for every bracket, huge files, thousands of terms) meets one of these limits and becomes an
error at the file and line. `sitegen.yaml` may raise any of them under `limits:`; the defaults keep
any single file under about 2 s and 200 MB to read and render. Declared here once; `config` reads
the overrides and each stage takes the `Limits` it needs. One limit bounds the output instead of an
input: `folder_entries`, the most any output folder holds (see `urls.document_folders`).
"""

from __future__ import annotations

from dataclasses import dataclass, fields

# name -> (default, what it bounds). The docs are the documentation of `limits:` in sitegen.yaml.
LIMITS = {
    "file_kb": (2048, "size of one content file, in KB (a 2 MB text renders in well under 2 s)"),
    "attachment_kb": (51_200, "size of one attachment (an original PDF, a scan), in KB: copied, never parsed"),
    "yaml_nodes": (10_000, "values in one front matter, counting every value an alias repeats"),
    "yaml_depth": (32, "nesting depth of front matter (lists and mappings inside each other)"),
    "list_items": (200, "items in one front-matter list, e.g. the actors or topics of one document"),
    "markdown_depth": (50, "nesting of lists and block quotes in a body"),
    "markdown_scan_kb": (4096, "work Markdown spends re-reading a paragraph for unclosed `[`, `<` or link `(`, in KB"),
    "footnotes": (2000, "footnotes in one body"),
    "distinct_words": (40_000, "different words in one body: the search index keeps an entry for each "
                               "(a long report has a few thousand; Moby-Dick about 17,000)"),
    "folder_entries": (10_000, "entries in one output folder, counted as FAT32 does (a long name takes 1 per 13 "
                               "characters, and 1): fuller folders are split, so a copy fits on any USB stick (FAT32 "
                               "allows 65,534); at least 40"),
}
LEAST = {"folder_entries": 40}  # a split folder holds 16 sub-folders (`urls.document_folders`); else at least 1


@dataclass(frozen=True)
class Limits:
    file_kb: int = LIMITS["file_kb"][0]
    attachment_kb: int = LIMITS["attachment_kb"][0]
    yaml_nodes: int = LIMITS["yaml_nodes"][0]
    yaml_depth: int = LIMITS["yaml_depth"][0]
    list_items: int = LIMITS["list_items"][0]
    markdown_depth: int = LIMITS["markdown_depth"][0]
    markdown_scan_kb: int = LIMITS["markdown_scan_kb"][0]
    footnotes: int = LIMITS["footnotes"][0]
    distinct_words: int = LIMITS["distinct_words"][0]
    folder_entries: int = LIMITS["folder_entries"][0]


DEFAULT = Limits()
assert {f.name for f in fields(Limits)} == set(LIMITS)


def hint(name: str, fix: str) -> str:
    """How to fix a file over limit `name`, or raise the limit, for the end of an error message."""
    return f"{fix}, or raise limits.{name} in sitegen.yaml"
