"""The documents of an import: each one's id, file, attachments and text.

An id is the one the record gives the document's key (so a corrected title keeps its file and its
address), else its slug made portable, else `<date>-<title words>`; a clash goes to the key that sorts
first and the others get a suffix made from their key, so the order of the source never renumbers
anything, and an id the archive already has, or a file the import did not write, is never taken. A
document lives in `content/documents/<source folder>/<id>.md`, or `<id>/<id>.md` with its attachments
beside it (two documents' own `original.pdf` must not meet); attachments come only from inside the
folder of files given. Its text follows `schema.DOCUMENT_FIELDS`, the taxonomies after, `extra` last (a
field this archive does not have is kept there). Must not write or print.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections import Counter
from dataclasses import replace
from pathlib import Path

from sitegen.attachments import TYPES
from sitegen.config import Config
from sitegen.errors import Diagnostic, shown_path
from sitegen.frontmatter import Source
from sitegen.importdata import (Batch, Incoming, Kept, PlannedFile, Project, Report, front_matter, located, ours, rel,
                                sha_on_disk, short)
from sitegen.importnames import ID_WORDS, Registry
from sitegen.schema import ATTACHMENT_NAME, PORTABLE_ID, document_fields, suggest_id
from sitegen.sources import WINDOWS_RESERVED


class Documents:
    """Each incoming document's id, path, text and attachments."""

    def __init__(self, config: Config, batch: Batch, project: Project, record: dict, registry: Registry,
                 report: Report):
        self.config, self.batch, self.record, self.registry, self.report = config, batch, record, registry, report
        self.folder = config.content / "documents" / (suggest_id(batch.folder) or _folder_name(batch.source))
        self.remove: list[Path] = []
        self.moves: list[tuple[Path, Path]] = []
        self.wheres: dict[str, dict[str, tuple[int, int]]] = {}  # planned path -> field -> where in the source
        self.recorded = {(e.get("source"), e.get("key")): Path(p) for p, e in record["files"].items()
                         if p.endswith(".md") and p.startswith(rel(config.root, config.content / "documents") + "/")}
        self.taken = {r.id.casefold() for r in project.documents}
        self.ids = self._assign_ids()

    def _assign_ids(self) -> dict[str, str]:
        """key -> id: the id recorded for the key if any (titles may be corrected without renaming),
        else from the slug or date and title; a clash goes to the one whose key sorts first, the others
        get a suffix made from their key, so the source's order never renumbers anything."""
        ids: dict[str, str] = {}
        keys = Counter(inc.key for inc in self.batch.documents)
        for key in sorted(k for k, n in keys.items() if n > 1):
            self.report.problems.append(Diagnostic(*located(next(i.origin for i in self.batch.documents
                                                                 if i.key == key)),
                                                   f"two documents have the key `{key}`", "give each its own id"))
        pending = []
        for inc in sorted(self.batch.documents, key=lambda i: (_base_id(i), i.key)):
            recorded = self.recorded.get((self.batch.source, inc.key))
            if recorded is not None and PORTABLE_ID.match(recorded.stem) and recorded.stem not in ids.values():
                ids[inc.key] = recorded.stem
            else:
                pending.append(inc)
        mine = set(ids.values())
        for inc in pending:
            base = _base_id(inc)
            for candidate in (base, f"{base}-{short(inc.key)}", f"{base}-{short(inc.key + '/2')}"):
                if candidate not in mine and candidate.casefold() not in self.taken and self._free(candidate):
                    break
            ids[inc.key] = candidate
            mine.add(candidate)
            if inc.slug and candidate != inc.slug.lower():  # a changed case is what anyone expects
                self.report.kept.append(Kept(inc.origin, f"slug `{inc.slug}` became the id `{candidate}`"))
        return ids

    def _free(self, doc_id: str) -> bool:
        """Neither the file nor the folder a document of this id would take holds anything not the import's."""
        for path in (self.folder / f"{doc_id}.md", self.folder / doc_id / f"{doc_id}.md"):
            if path.exists() and not ours(self.record, self.config.root, path):
                return False
        folder = self.folder / doc_id
        return not folder.exists() or all(ours(self.record, self.config.root, p) for p in folder.iterdir())

    def files(self) -> list[PlannedFile]:
        out = []
        folder, shown_folder = str(self.folder), shown_path(self.folder)  # shown_path asks the OS: once
        for inc in self.batch.documents:
            doc_id = self.ids[inc.key]
            attachments = self._attachments(inc)
            path = self._path(inc, doc_id, bool(attachments))
            attachments = attachments if path.parent.name == doc_id else []
            text, source = self._text(inc, [name for name, _ in attachments])
            data, shown = text.encode("utf-8"), shown_folder + str(path)[len(folder):]
            self.wheres[shown] = inc.where
            out.append(PlannedFile(path, shown, data, None, hashlib.sha256(data).hexdigest(), inc.origin, inc.key,
                                   source=source))
            for name, copy in attachments:
                out.append(PlannedFile(path.parent / name, shown_folder + str(path.parent / name)[len(folder):], None,
                                       copy, sha_on_disk(copy), inc.origin, inc.key))
        return out

    def _path(self, inc: Incoming, doc_id: str, attached: bool) -> Path:
        """`<folder>/<id>.md`, or `<folder>/<id>/<id>.md` when it has attachments (two documents' own
        `original.pdf` must not meet); a document the import wrote flat moves into its folder when it
        gets attachments, if unedited."""
        flat, own = self.folder / f"{doc_id}.md", self.folder / doc_id / f"{doc_id}.md"
        recorded = self.recorded.get((self.batch.source, inc.key))
        recorded = self.config.root / recorded if recorded is not None else None
        if recorded == own or not attached:
            return own if recorded == own else flat
        if recorded == flat and flat.exists():
            if ours(self.record, self.config.root, flat):
                self.moves.append((flat, own))
                self.remove.append(flat)
            else:
                self.report.kept.append(Kept(inc.origin, f"its attachments are left out: {shown_path(flat)} was "
                                                         "edited by hand, and attachments need the document in its "
                                                         "own folder"))
                inc.attachments = []
                return flat
        return own

    def _attachments(self, inc: Incoming) -> list[tuple[str, Path]]:
        """(name beside the document, file to copy) for each attachment found inside `Batch.files`."""
        out: list[tuple[str, Path]] = []
        root = Path(os.path.realpath(self.batch.files)) if self.batch.files else None
        for given in inc.attachments:
            where = located(inc.origin, inc.where.get("attachments"))
            real = Path(os.path.realpath(root / given)) if root else None
            if root is None or not real.is_relative_to(root) or ".." in Path(given).parts:
                self.report.problems.append(Diagnostic(*where,
                                                       f"attachment `{given}` is outside the folder of files given",
                                                       "name files relative to that folder (--files DIR), "
                                                       "without `..`"))
                continue
            if not real.is_file():
                self.report.problems.append(Diagnostic(*where,
                                                       f"attachment `{given}` is not a file in {shown_path(root)}",
                                                       "check the name, or leave it out"))
                continue
            name = _attachment_name(real.name, [n for n, _ in out])
            if name.rsplit(".", 1)[-1].lower() not in TYPES:
                self.report.kept.append(Kept(inc.origin, f"attachment `{given}` is left out: a type the archive "
                                                         "does not publish"))
            elif real.stat().st_size > self.config.limits.attachment_kb * 1024:
                self.report.problems.append(Diagnostic(*where, f"attachment `{given}` is over the limit of "
                                                       f"{self.config.limits.attachment_kb} KB",
                                                       "set limits.attachment_kb in sitegen.yaml, "
                                                       "or import a smaller copy"))
            else:
                if name != real.name:
                    self.report.kept.append(Kept(inc.origin, f"attachment `{real.name}` is named `{name}`"))
                out.append((name, real))
        return out

    def _text(self, inc: Incoming, attachments: list[str]) -> tuple[str, Source]:
        """The document file: fields in the schema's order, the taxonomies after them, `extra` last."""
        known = document_fields(self.config)
        values = {k: v for k, v in inc.fields.items() if v not in (None, "", [], {})}
        extra = dict(values.pop("extra", None) or {})
        for name in [k for k in values if k not in known or k in ("slug", "attachments", "translation_of")]:
            value = values.pop(name)
            if name in ("slug", "attachments") or name == "translation_of" and inc.translation_of:
                continue
            if name == "translation_of":
                values["translation_of"] = value
            else:
                extra.setdefault(name, value)
                self.report.kept.append(Kept(inc.origin, f"`{name}` is kept under `extra` "
                                                         "(not a field of this archive)"))
        if inc.translation_of in self.ids:
            values["translation_of"] = self.ids[inc.translation_of]
        elif inc.translation_of:
            self.report.problems.append(Diagnostic(*located(inc.origin, inc.where.get("translation_of")),
                                                   f"it translates `{inc.translation_of}`, which is not in the source"))
        for tax in self.config.taxonomies:
            names = self.registry.ids(tax.name, inc.terms.get(tax.name, []))
            if names:
                values[tax.field] = [name for name, _ in names]
        for taxonomy, names in sorted(inc.terms.items()):
            if taxonomy not in self.registry.taxonomies and names:
                extra.setdefault(taxonomy, [str(n) for n in names])
                self.report.kept.append(Kept(inc.origin, f"`{taxonomy}` is kept under `extra` (not a taxonomy of "
                                                         f"this archive: add it under `taxonomies:` in sitegen.yaml "
                                                         f"to link them)"))
        if attachments:
            values["attachments"] = attachments
        if extra:
            values["extra"] = extra
        order = [k for k in known if k != "extra"] + ["extra"]
        return front_matter({k: values[k] for k in order if k in values}, inc.body)


def normalised(inc: Incoming, config: Config) -> Incoming:
    """A copy whose taxonomy names are all in `terms` (a reader may have put them in `fields`)."""
    fields, terms = dict(inc.fields), {k: list(v) for k, v in inc.terms.items()}
    for tax in config.taxonomies:
        if tax.field in fields:
            value = fields.pop(tax.field)
            terms.setdefault(tax.name, []).extend([value] if isinstance(value, str) else list(value or []))
    return replace(inc, fields=fields, terms=terms)


def _base_id(inc: Incoming) -> str:
    """The id a document asks for: its slug made portable, else `<date>-<title words>`; not too long,
    not a name Windows reserves."""
    base = suggest_id(inc.slug)[:ID_WORDS + 20].strip("-")
    if not base:
        date = re.sub(r"[^0-9-]", "", str(inc.fields.get("date", "")))[:10].strip("-")
        words = suggest_id(str(inc.fields.get("title", "")))[:ID_WORDS].strip("-")
        language = suggest_id(str(inc.fields.get("language", "")))
        base = "-".join(p for p in (date, words or language or "document") if p)
    return base if base not in WINDOWS_RESERVED else base + "-document"


def _folder_name(source: str) -> str:
    """`csv holdings.csv` -> `holdings`: the source's last word without its extension."""
    last = source.split()[-1] if source.split() else ""
    return suggest_id(Path(last).stem if "." in Path(last).name else last) or "imported"


def _attachment_name(name: str, taken: list[str]) -> str:
    """A name `schema` accepts for an attachment, kept as it is when it can be, distinct in its folder."""
    stem, dot, ext = name.rpartition(".")
    if ATTACHMENT_NAME.match(name) and ".." not in name:
        candidate = name
    else:
        candidate = (f"{suggest_id(stem) or 'file'}.{suggest_id(ext) or 'bin'}" if dot
                     else f"{suggest_id(name) or 'file'}.bin")
    first, n = candidate, 2
    while candidate.casefold() in {t.casefold() for t in taken}:
        stem, _, ext = first.rpartition(".")
        candidate, n = f"{stem}-{n}.{ext}", n + 1
    return candidate


