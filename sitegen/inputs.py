"""Reading the sources and what is made from each file alone: keys, records, rendered bodies.

Owns the first stages of every build: finding and keying the source files (a file unchanged since the
last build, by its size, times and inode, is not even read), validating them into records and
rendering their Markdown, each through the memo so an unchanged file costs a lookup.
"""

from __future__ import annotations

import hashlib
import os
import time
from array import array
from pathlib import Path
from typing import Any, Callable, NamedTuple, Sequence

import rjsmin

from sitegen import sources, theme, urls
from sitegen.cache import NO_MEMO, Memo, digest
from sitegen.config import Config, as_read
from sitegen.errors import WARNING, Diagnostic, shown_path
from sitegen.frontmatter import split_source
from sitegen.links import LinkUse, link_page
from sitegen.markup import Rendered, check_body, render_markdown
from sitegen.workers import WINDOW, parallel_iter
from sitegen.schema import DocumentRecord, TermRecord, validate_document, validate_term

VALIDATED_AT_ONCE = 2 * WINDOW  # sources (`validate_sources`): each window forks its workers afresh, as every
#                                  RENEW items do anyway; within one, the sources' bytes and their records are both held
SETTLED_NS = 2_000_000_000  # a file changed this recently may change again within one tick of its clock
SIGNATURE, HASHED, KEY = 5, 20, len(digest())  # numbers in a source's signature (size, times, inode, device),
#                                              bytes in the hash of its bytes and in its key


class SourceFile(NamedTuple):
    """One source file as read (or recognised unread) by `read_sources`, for `parse_file`."""

    data: bytes | None  # None: unchanged since the last build, so not read
    shown: str  # its path as messages show it
    stem: str
    kind: str  # "" for a document, else the taxonomy whose registry holds it
    config: Config
    name: str  # its path as found
    signature: tuple | None  # size, times, inode, device
    hashed: bytes  # hash of its bytes


def validate_sources(found: list[tuple[bytes, SourceFile]], memo: Memo, jobs: int, later: bool = False
                     ) -> tuple[list[DocumentRecord], list[TermRecord], list[Diagnostic]]:
    """Split and validate every source file read by `read_sources`, reusing the memo's result for a
    file whose bytes, name and settings are unchanged: the documents, the registry entries, and every
    diagnostic. `later`: the memo writes the new records later (`Memo.write_later`). The sources
    are validated VALIDATED_AT_ONCE at a time, each window's bytes let go (`found` is left without
    them) before the next is read into records: the bytes of every source (half a GB at 100,000
    documents) are never all held beside every record."""
    documents, terms, problems = [], [], []
    for start in range(0, len(found), VALIDATED_AT_ONCE):
        window = found[start:start + VALIDATED_AT_ONCE]
        for (_, source), (record, more) in zip(window, memo.reuse(
                "records", window, lambda items: list(parallel_iter(parse_file, items, jobs)), later)):
            problems += more
            if record:
                (terms if source.kind else documents).append(record)
        found[start:start + VALIDATED_AT_ONCE] = [(key, source._replace(data=None)) for key, source in window]
        del window  # its bytes: the next window's records take their place
    return documents, terms, problems


def read_sources(config: Config, done: Callable[[int], None] | None = None, memo: Memo = NO_MEMO
                 ) -> tuple[list[tuple[bytes, SourceFile]], list[Diagnostic], bytes, bytes]:
    """Every source file with its key (what parsing it depends on), every problem found while
    reading, a digest of all the build's inputs (config, sources, templates, assets): equal
    digests, equal sites; and a digest of the inputs but the sources. Nothing is parsed yet, so a
    build with nothing to do stops cheaply; and a file whose size, times and inode are as the last
    build saw them (long enough ago: `SETTLED_NS`) is not even read: its key is the one its bytes
    had then (`parse_file` reads it if need be)."""
    problems: list[Diagnostic] = []
    doc_folder = config.content / "documents"
    if not doc_folder.is_dir():
        problems.append(Diagnostic(config.path, 1, 1, f"no documents folder at {shown_path(doc_folder)}",
                                   "create content/documents/ or set paths.content"))
    settings, reading = digest(repr(config)), digest(repr(as_read(config)))  # a source's key: the config as read
    folders = [(doc_folder, "")] + [(config.content / tax.folder, tax.name) for tax in config.taxonomies]
    inputs = [settings, folder_digest(config.template_folders), folder_digest(config.asset_folders),
              pages_digest(config)]
    seen, now = Seen.unpack(memo.load("seen", _seen_key(config, reading))), time.time_ns()
    found: list[tuple[bytes, SourceFile]] = []
    for folder, kind in folders:
        keyed, more = _read_folder(folder, kind, config, reading, seen, done)
        found, problems = found + keyed, problems + more
    settled = [(f.name, f.signature, f.hashed, f.shown, key) for key, f in found
               if f.signature is not None and f.signature[1] < now - SETTLED_NS]
    memo.store("seen", _seen_key(config, reading), Seen.pack(settled))
    return found, problems, digest(*inputs, *(key for key, _ in found)), digest(*inputs)


class Seen(NamedTuple):
    """The sources as the last build saw them (path, signature, hash of the bytes, path as shown, key),
    kept in columns: as 10,000 tuples of tuples, reading them back took 0.07 s of a one-edit build."""

    names: dict[str, int]  # path as found -> row
    signatures: array  # SIGNATURE numbers a row
    hashed: bytes  # HASHED bytes a row
    shown: list[str]
    keys: bytes  # KEY bytes a row

    @staticmethod
    def pack(rows: list[tuple[str, tuple, bytes, str, bytes]]) -> tuple:
        try:
            signatures = array("q", [n for r in rows for n in r[1]])
        except OverflowError:  # a number an array("q") cannot hold: that file is read every time
            rows = [r for r in rows if all(-1 << 63 <= n < 1 << 63 for n in r[1])]
            signatures = array("q", [n for r in rows for n in r[1]])
        return ([r[0] for r in rows], signatures.tobytes(),
                b"".join(r[2] for r in rows), [r[3] for r in rows], b"".join(r[4] for r in rows))

    @staticmethod
    def unpack(packed: Any) -> "Seen":
        try:
            names, signatures, hashed, shown, keys = packed
            return Seen(dict(zip(names, range(len(names)))), array("q", signatures), hashed, shown, keys)
        except (TypeError, ValueError):  # none kept yet (or kept by an older layout)
            return Seen({}, array("q"), b"", [], b"")

    def get(self, name: str, signature: tuple | None, shown: str) -> tuple[bytes, bytes] | None:
        """(hash, key) of `name` if the last build saw it with this signature and shown as `shown`."""
        row = self.names.get(name)
        if row is None or signature is None or self.shown[row] != shown or \
                tuple(self.signatures[row * SIGNATURE:(row + 1) * SIGNATURE]) != signature:
            return None
        return self.hashed[row * HASHED:(row + 1) * HASHED], self.keys[row * KEY:(row + 1) * KEY]


def _read_folder(folder: Path, kind: str, config: Config, settings: bytes, seen: "Seen",
                 done: Callable[[int], None] | None) -> tuple[list[tuple[bytes, SourceFile]], list[Diagnostic]]:
    """The Markdown files under `folder`, each as (key, what `parse_file` takes), and the problems."""
    stats: dict[str, os.stat_result] = {}
    paths, problems = sources.discover(folder, within=config.content, stats=stats)
    keyed = []
    prefix, base = str(folder) + os.sep, shown_path(folder)
    lead = "" if base == "." else base if base.endswith(os.sep) else base + os.sep  # (as os.path.join(base, ...) would)
    for n, name in enumerate(paths):
        st = stats.get(name)
        signature = (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev) if st else None
        shown = lead + name[len(prefix):] if name.startswith(prefix) else shown_path(Path(name))  # as shown_path would,
        stem, known = _stem(name), seen.get(name, signature, shown)  # without asking the OS each time
        if known is not None:
            data, (hashed, key) = None, known  # the key is of the same bytes, name and settings
        else:
            data, found = sources.read(Path(name), config.limits)
            problems += found
            if data is None:
                continue
            hashed = hashlib.blake2b(data, digest_size=HASHED).digest()
            key = digest(settings, kind, shown, stem, hashed)
        keyed.append((key, SourceFile(data, shown, stem, kind, config, name, signature, hashed)))
        if done and n % 256 == 0:
            done(n)
    return keyed, problems


def _stem(path: str) -> str:
    """`Path(path).stem`, without making a `Path`."""
    name = os.path.basename(path)
    dot = name.rfind(".")
    return name[:dot] if 0 < dot < len(name) - 1 else name


def parse_file(item: SourceFile) -> tuple[Any, list[Diagnostic]]:
    """One source file as a record (None if it has none) and its diagnostics; `kind` is "" for a
    document, else the taxonomy whose registry holds it. A body too costly to convert (see `limits`)
    is reported and left empty."""
    data, shown, stem, kind, config, name = item[:6]
    if data is None:  # not read, as it was unchanged: the memo lost its record
        data, found = sources.read(Path(name), config.limits)
        if data is None:
            return None, found
    source, found = split_source(data, shown, config.limits)
    if source is None:
        return None, found
    more = check_body(source.body, shown, source.body_line, config.limits)
    source.body, found = "" if more else source.body, found + more
    if kind:
        record, more = validate_term(source, shown, stem, taxonomy=config.taxonomy(kind))
    else:
        record, more = validate_document(source, shown, stem, config=config)
    return record, found + more


def render_bodies(documents: list[DocumentRecord], terms: list[TermRecord], jobs: int,
                  done: Callable[[int], None] | None = None, memo: Memo = NO_MEMO, later: bool = False
                  ) -> dict[str, Rendered]:
    """Source path -> rendered Markdown body; the first of the parallel stages. Keyed by text, so a
    renamed file reuses its body. `later` as for `validate_sources`."""
    sources_ = [(r.path, r.body) for r in documents] + [(r.path, r.body) for r in terms]
    keyed = [(digest("body", body), body) for _, body in sources_]
    rendered = memo.reuse("bodies", keyed, lambda bodies: list(parallel_iter(render_markdown, bodies, jobs, done)),
                          later)
    return {path: r for (path, _), r in zip(sources_, rendered)}


def folder_digest(folders: Sequence[Path]) -> bytes:
    """Names, places and bytes of every file the layers resolve (templates, assets: the project's over
    the theme's), so adding or removing an override, or a sitegen with another theme, is a change."""
    return digest(*(part for name, p in theme.files(folders).items()
                    for part in (name, str(p), hashlib.blake2b(p.read_bytes()).digest())))


def theme_files(config: Config) -> dict[str, Path]:
    """Output path -> file of the theme's images the config names (`theme.logo`, `theme.favicon`),
    published as assets are."""
    named = {"logo": config.theme.logo, "favicon": config.theme.favicon}
    return {urls.theme_image(kind, path.suffix): path for kind, path in named.items() if path is not None}


def footer_uses(config: Config) -> list[LinkUse]:
    """The footer's links to pages of the site (`theme.footer.links`), checked as links in bodies are."""
    return [LinkUse(config.path, link.line, link.col, link.url, link.url.partition("#")[0], urls.HOME,
                    config.links.broken)
            for link in config.theme.footer_links if link.internal]


def about_files(config: Config) -> dict[str, Path]:
    """Edition language -> where its "about" page's text is: content/about.md for the first
    language's edition, content/about.<lang>.md for each other one."""
    return {lang: config.content / ("about.md" if i == 0 else f"about.{lang}.md")
            for i, lang in enumerate(config.languages)}


def pages_digest(config: Config) -> bytes:
    """The bytes of the theme's images and the about pages' texts: inputs that are not sources."""
    files = [*theme_files(config).values(), *about_files(config).values()]
    return digest(*(part for path in files for part in (str(path), _bytes_or_none(path))))


def _bytes_or_none(path: Path) -> bytes:
    try:
        return hashlib.blake2b(path.read_bytes()).digest()
    except OSError:
        return b"none"


def read_about(config: Config) -> tuple[dict[str, tuple[str, str]], list[Diagnostic]]:
    """Edition language -> (the file as shown, its Markdown text) of every about page that exists, and
    the problems found: a file that leads out of the content folder, or over the limits."""
    found, problems = {}, []
    inside = os.path.realpath(config.content)
    for lang, path in about_files(config).items():
        if not path.is_file() and not path.is_symlink():
            continue
        shown = shown_path(path)
        if not os.path.realpath(path).startswith(inside + os.sep):
            problems.append(Diagnostic(shown, 1, 1, "link leads outside the content folder",
                                       "copy the file here instead"))
            continue
        data, more = sources.read(path, config.limits)
        problems += more
        if data is None:
            continue
        try:
            text = data.decode("utf-8-sig").replace("\r\n", "\n")
        except UnicodeDecodeError as exc:
            problems.append(Diagnostic(shown, 1, 1, f"not UTF-8 text: {exc.reason}", "save the file as UTF-8"))
            continue
        problems += check_body(text, shown, 1, config.limits)
        found[lang] = (shown, text)
    return found, problems


def render_about(config: Config, index: Any) -> tuple[dict[str, Rendered], list[LinkUse], list[Diagnostic]]:
    """Each edition's about page, through the documents' pipeline: sanitised Markdown, links resolved
    (`links.link_page`, against `index`, the site's `link_index`) as written from the page it becomes."""
    texts, problems = read_about(config)
    pages, uses = {}, []
    for ed in urls.editions(config.languages):
        if ed.lang in texts:
            shown, text = texts[ed.lang]
            pages[ed.lang], more_uses, more = link_page(shown, text, ed.path(urls.ABOUT), render_markdown(text), index,
                                                        config.links.broken)
            uses, problems = uses + more_uses, problems + more
    return pages, uses, problems


def _seen_key(config: Config, settings: bytes) -> bytes:
    """Where the signatures and keys of the sources are kept: a file's key is good for the same
    settings only (with other settings every file is read and parsed again anyway)."""
    return digest("sources seen", str(config.content), settings)


def read_assets(assets: dict[str, Path], bundles: dict[str, Sequence[str]] | None = None) -> dict[str, bytes]:
    """The bytes of the assets found by `asset_paths`, as published: JavaScript without its comments
    and indentation (`rjsmin`; a `.min.js` as it is). The search page's scripts are written to be read,
    and were a third of the bytes a query loads; a reader's phone needs none of the comments.
    `bundles`: output path -> the published scripts it joins, in order (each one a script of its own,
    ending in `;`), made when every part is there: a page that loads one file instead of thirteen
    waits for one request (HTTP/1.0 hosts and file:// open a file each)."""
    published = {name: _published(name, path.read_bytes()) for name, path in assets.items()}
    for out, parts in (bundles or {}).items():
        if all(part in published for part in parts):
            joined = [published[part].rstrip() for part in parts]
            published[out] = b"".join(data + (b"\n" if data.endswith(b";") else b";\n") for data in joined)
    return published


def _published(name: str, data: bytes) -> bytes:
    return rjsmin.jsmin(data) if name.endswith(".js") and not name.endswith(".min.js") else data


def asset_paths(folders: Sequence[Path]) -> tuple[dict[str, Path], list[Diagnostic]]:
    """Output path -> file of every asset (hidden files are not published), through the layers (the
    project's assets over the theme's, by name), found by `sources` so that a link leading out of its
    folder is an error and never published; and the problems found."""
    found: dict[str, Path] = {}
    problems: list[Diagnostic] = []
    for n, folder in enumerate(reversed(folders)):
        paths, more = sources.discover(folder, suffix="")
        problems += more
        layer = {urls.asset(Path(p).relative_to(folder).as_posix()): Path(p)
                 for p in paths if not os.path.basename(p).startswith(".")}
        if n:  # a project's folder over the theme's
            problems += [Diagnostic(shown_path(path), 1, 1, f"`{rel}` replaces the theme's own script with another",
                                    "remove it: the theme's reads what this version of sitegen writes "
                                    "(the search index), a copy from another version may find nothing", WARNING)
                         for rel, path in sorted(layer.items()) if rel in found and _machinery(rel)
                         and path.read_bytes() != found[rel].read_bytes()]  # (a copy as it is now is harmless)
        found |= layer
    return dict(sorted(found.items())), problems


def _machinery(rel: str) -> bool:
    """The theme's scripts that read sitegen's own data (named `sitegen-*`): a project's copy outlives an upgrade."""
    name = rel.split("/", 1)[1]
    return name.startswith("sitegen-") and name.endswith(".js")
