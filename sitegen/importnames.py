"""Reconciling the names an import brings with the registry (`content/<folder>/<id>.md` of each taxonomy).

A name is matched to an entry by id, by name in any language or by alias, compared as the model compares
references (`model.match_key`); an unknown name becomes one new entry for the whole batch, named in the
language most of the documents using it are in, with an id from `schema.suggest_id` in an order that
does not depend on the source's; a name close to a known one is suggested, never merged. Entries the
source describes (`IncomingTerm`) create entries, or enrich one the import wrote before and nobody has
edited since; any other entry is left as it is. Must not write or print.
"""

from __future__ import annotations

import hashlib
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sitegen.config import Config, TaxonomyConfig
from sitegen.errors import Nearest, shown_path
from sitegen.frontmatter import Source
from sitegen.importdata import (IncomingTerm, Incoming, Kept, NewTerm, PlannedFile, Project, Report, Suggestion,
                                first_name, front_matter, ours, short, words)
from sitegen.model import match_key
from sitegen.schema import TermRecord, suggest_id
from sitegen.sources import WINDOWS_RESERVED

NEAR = 0.8  # how alike two names must be (difflib ratio) to be suggested as one entry
ID_WORDS = 60  # characters of name words in a made-up id


@dataclass
class Entry:
    """A registry entry the import writes: new, or one it wrote before and may enrich."""

    taxonomy: TaxonomyConfig
    ref: str  # what the lookup holds for it: its id, or "?<match key>" for a new one until it is named
    id: str
    names: dict[str, str]
    aliases: list[str]
    descriptions: dict[str, str]
    body: str
    origin: str
    base: TermRecord | None = None  # the entry as it is on disk, when the import wrote it before
    uses: Counter = field(default_factory=Counter)  # (language, name as written) -> documents


class Registry:
    """Names matched to entries: by id, name or alias through `model.match_key`, as references are."""

    def __init__(self, config: Config, project: Project, record: dict, report: Report):
        self.config, self.record, self.report = config, record, report
        self.taxonomies = {t.name: t for t in config.taxonomies}
        self.lookup: dict[str, dict[str, str]] = {t: {} for t in self.taxonomies}  # match key -> id or ref
        self.existing: dict[tuple[str, str], TermRecord] = {}
        self.entries: dict[tuple[str, str], Entry] = {}  # (taxonomy, ref) -> entry the import writes
        for term in project.terms:
            self.existing[(term.taxonomy, term.id)] = term
            for written in (term.id, *term.names.values(), *term.aliases):
                self.lookup[term.taxonomy].setdefault(match_key(written), term.id)

    def owners(self, taxonomy: str, texts) -> set[str]:
        table = self.lookup[taxonomy]
        return {table[k] for k in (match_key(t) for t in texts if t.strip()) if k in table}

    def add_described(self, described: list[IncomingTerm]) -> None:
        """Entries the source describes: matched to one entry (enriched if the import wrote it), or new."""
        for term in sorted(described, key=lambda t: (t.taxonomy, t.slug, sorted(t.names.items()), t.origin)):
            names = {lang: words(n) for lang, n in term.names.items() if words(n)}
            if term.taxonomy not in self.taxonomies:
                self.report.kept.append(Kept(term.origin, f"`{term.taxonomy}` is not a taxonomy of this archive: "
                                                          f"its entry {first_name(names)!r} is left out"))
                continue
            if not names:
                self.report.kept.append(Kept(term.origin, f"a {term.taxonomy} entry without a name is left out"))
                continue
            owners = self.owners(term.taxonomy, [*names.values(), *term.aliases, term.slug])
            if len(owners) > 1:
                self.report.kept.append(Kept(term.origin, f"the {term.taxonomy} entry {first_name(names)!r} is left "
                                                          f"out: its names belong to {', '.join(sorted(owners))}"))
                continue
            owner = owners.pop() if owners else ""
            if owner and (term.taxonomy, owner) not in self.entries and (term.taxonomy, owner) in self.existing and \
                    not ours(self.record, self.config.root,
                             Path(os.path.abspath(self.existing[(term.taxonomy, owner)].path))):
                self._left_alone(term, self.existing[(term.taxonomy, owner)], names)
                continue
            entry = self._entry(term.taxonomy, owner, names, term.origin, term.slug)
            for lang, name in names.items():
                entry.names.setdefault(lang, name)
            self._claim(entry, entry.names.values())
            others = [n for lang, n in names.items() if match_key(entry.names[lang]) != match_key(n)]
            for alias in filter(None, map(words, [*others, *term.aliases])):  # a second name in a language: an alias
                if self.owners(term.taxonomy, [alias]) - {entry.ref}:
                    self.report.kept.append(Kept(term.origin, f"alias {alias!r} is left out: another entry has it"))
                elif match_key(alias) not in {match_key(n) for n in (*entry.names.values(), *entry.aliases)}:
                    entry.aliases.append(alias)
                    self._claim(entry, [alias])
            self._describe(entry, term)

    def _describe(self, entry: Entry, term: IncomingTerm) -> None:
        text, language = term.description.strip(), term.language or self.config.language
        if text and language == self.config.language:
            entry.body = entry.body or text
        elif text:
            entry.descriptions.setdefault(language, words(text))

    def _left_alone(self, term: IncomingTerm, base: TermRecord, names: dict[str, str]) -> None:
        """An entry the import did not write (or that was edited since) is never changed: what the source
        adds to it is reported, for the archivist to copy in."""
        known = {match_key(n) for n in (base.id, *base.names.values(), *base.aliases)}
        new = [n for n in dict.fromkeys([*names.values(), *map(words, term.aliases)])
               if n and match_key(n) not in known]
        described = term.description.strip() and not base.body.strip() and not base.descriptions
        if new or described:
            adds = " and ".join(filter(None, [", ".join(f"`{n}`" for n in new), "a description" if described else ""]))
            self.report.kept.append(Kept(term.origin, f"{base.path} is left as it is (the import did not write it, or "
                                                      f"it was edited since); the source adds {adds}"))

    def _entry(self, taxonomy: str, term_id: str, names: dict[str, str], origin: str, slug: str = "") -> Entry:
        """The entry to write: one the import wrote before and may enrich (`term_id`), or a new one."""
        tax = self.taxonomies[taxonomy]
        if not term_id or term_id.startswith("?"):
            ref = term_id or "?" + match_key(first_name(names))
            return self.entries.setdefault((taxonomy, ref), Entry(tax, ref, suggest_id(slug), {}, [], {}, "", origin))
        if (taxonomy, term_id) in self.entries:
            return self.entries[(taxonomy, term_id)]
        base = self.existing[(taxonomy, term_id)]
        entry = Entry(tax, term_id, term_id, dict(base.names), list(base.aliases), dict(base.descriptions),
                       base.body.strip(), origin, base)
        return self.entries.setdefault((taxonomy, term_id), entry)

    def _claim(self, entry: Entry, texts) -> None:
        for written in texts:
            self.lookup[entry.taxonomy.name].setdefault(match_key(written), entry.ref)

    def add_referenced(self, inc: Incoming) -> None:
        """Every name a document gives: known, or a new entry (one per distinct name in the batch)."""
        language = str(inc.fields.get("language") or self.config.language)
        for taxonomy, names in inc.terms.items():
            if taxonomy not in self.taxonomies:
                continue  # kept under `extra` by the document (see importfiles.Documents)
            for name in filter(None, map(words, names)):
                ref = self.lookup[taxonomy].get(match_key(name))
                if ref is None:
                    ref = "?" + match_key(name)
                    self.entries[(taxonomy, ref)] = Entry(self.taxonomies[taxonomy], ref, "", {}, [], {}, "",
                                                          inc.origin)
                    self.lookup[taxonomy][match_key(name)] = ref
                if (taxonomy, ref) in self.entries:
                    self.entries[(taxonomy, ref)].uses[(language, name)] += 1

    def name_new(self) -> None:
        """Ids and names for the new entries, in an order that does not depend on the source's: sorted
        by name; a name given only by documents is written under the language most of them are in."""
        taken = set(self.existing) | {k for k in self.entries if not k[1].startswith("?")}
        new = [e for k, e in sorted(self.entries.items()) if k[1].startswith("?")]
        named: dict[tuple[str, str], str] = {}
        for entry in new:
            if not entry.names:
                (language, name), _ = min(entry.uses.items(),
                                          key=lambda u: (-u[1], u[0][0] != self.config.language, u[0]))
                entry.names = {language: name}
            entry.id = self._new_id(entry, taken)
            taken.add((entry.taxonomy.name, entry.id))
            named[(entry.taxonomy.name, entry.ref)] = entry.id
            path = self.config.content / entry.taxonomy.folder / f"{entry.id}.md"
            self.report.new_terms.append(NewTerm(entry.taxonomy.name, entry.id,
                                                 first_name(entry.names, self.config.language), shown_path(path)))
        for taxonomy, table in self.lookup.items():
            for key, ref in table.items():
                table[key] = named.get((taxonomy, ref), ref)
        self.entries = {(e.taxonomy.name, e.id): e for e in self.entries.values()}
        self._suggest(new)

    def _new_id(self, entry: Entry, taken: set) -> str:
        tax = entry.taxonomy
        preferred = ([entry.names[k] for k in (self.config.language, "en") if k in entry.names]
                     + sorted(entry.names.values()))
        base = entry.id or next((suggest_id(n)[:ID_WORDS].strip("-") for n in preferred if suggest_id(n)), "")
        base = base or suggest_id(tax.singular.get("en", tax.name)) or "term"
        for candidate in (base, f"{base}-{short(entry.ref)}", f"{base}-{short(entry.ref + '/2')}"):
            path = self.config.content / tax.folder / f"{candidate}.md"
            if (tax.name, candidate) not in taken and candidate not in WINDOWS_RESERVED and \
                    (not path.exists() or ours(self.record, self.config.root, path)):
                return candidate
        return f"{base}-{hashlib.sha256(entry.ref.encode()).hexdigest()[:16]}"

    def _suggest(self, new: list[Entry]) -> None:
        """A new name close to a known one, or to another new one, may be the same: said, never merged."""
        from rapidfuzz import fuzz, process  # here: only an import with new names needs it
        for tax in self.taxonomies.values():
            known = {w: term.id for (t, _), term in sorted(self.existing.items()) if t == tax.name
                     for w in (term.id, *term.names.values(), *term.aliases)}
            nearest = Nearest(known) if known else None
            fresh = [e for e in new if e.taxonomy is tax]
            folded = [first_name(e.names, self.config.language).casefold() for e in fresh]
            for n, entry in enumerate(fresh):
                name = first_name(entry.names, self.config.language)
                near = nearest.closest(name, NEAR) if nearest else ""
                if near:
                    self.report.suggestions.append(Suggestion(tax.name, name, near, known[near], entry.origin))
                    continue
                for _, score, m in process.extract(folded[n], folded, scorer=fuzz.ratio, limit=2,
                                                   score_cutoff=NEAR * 100):
                    if m < n:  # each pair once
                        other = fresh[m]
                        self.report.suggestions.append(Suggestion(tax.name, name,
                                                                  first_name(other.names, self.config.language),
                                                                  other.id, entry.origin))
                        break

    def ids(self, taxonomy: str, names: list[str]) -> list[tuple[str, str]]:
        """(name as written, entry id) for each name, each entry once."""
        out, seen = [], set()
        for name in filter(None, map(words, names)):
            term_id = self.lookup[taxonomy].get(match_key(name))
            if term_id and term_id not in seen:
                seen.add(term_id)
                out.append((name, term_id))
        return out

    def files(self) -> list[PlannedFile]:
        out = []
        for (taxonomy, term_id), entry in sorted(self.entries.items()):
            path = self.config.content / entry.taxonomy.folder / f"{term_id}.md"
            text, source = term_text(entry)
            data = text.encode("utf-8")
            out.append(PlannedFile(path, shown_path(path), data, None, hashlib.sha256(data).hexdigest(), entry.origin,
                                   f"{taxonomy}:{term_id}", entry.taxonomy, source))
        return out


def term_text(entry: Entry) -> tuple[str, Source]:
    """The entry's file: names per language, aliases, what it had (kind, url, ...), descriptions in
    other languages; the description in the site's first language below."""
    base = entry.base
    values: dict[str, Any] = {"name": entry.names[""]} if "" in entry.names else {}
    if any(entry.names):
        values["names"] = {k: v for k, v in sorted(entry.names.items()) if k}
    if entry.aliases:
        values["aliases"] = entry.aliases
    if base is not None:
        values |= {k: getattr(base, k) for k in ("kind", "url", "wikidata", "extra") if getattr(base, k)}
    if entry.descriptions:
        values["description"] = dict(sorted(entry.descriptions.items()))
    return front_matter(values, entry.body.strip())
