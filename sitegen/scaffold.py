"""`sitegen new`: a correctly named file with a complete, commented front-matter template.

The templates are generated from the field tables in `schema` and the taxonomies in the config, so
they never drift from what `check` accepts; what the contributor did not give stays commented out,
and the result passes `check` as written. Files are created exclusively: an existing file is never
overwritten. Must not print; the CLI reports.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from sitegen.config import Config, TaxonomyConfig
from sitegen.dates import parse_date
from sitegen.schema import LANGUAGE_TAG, PORTABLE_ID, TERM_FIELDS, document_fields, suggest_id

UNATTRIBUTED = "Unattributed"
BODY_NOTE = {
    "document": "<!-- Paste the text below exactly as published: paragraphs, headings (##), quotes (>).\n"
                "     Link other documents with [words](doc:ID) and actors with [words](../actors/ID.md).\n"
                "     This comment is not published. -->\n",
    "term": "<!-- A short description in plain words: who or what this is, and why it matters here.\n"
            "     This comment is not published. -->\n",
}


class ScaffoldError(ValueError):
    """What the contributor asked for cannot be created; the message says what to do instead."""


@dataclass(frozen=True)
class NewFile:
    path: Path
    text: str
    notes: tuple[str, ...] = ()  # things the contributor should know, e.g. a value that was guessed


def new_document(config: Config, title: str, *, today: str, language: str = "", source: str = "",
                 date: str = "", file_id: str = "", translation_of: str = "") -> NewFile:
    """A document named `<date>-<title words>.md` in the documents folder."""
    language = _language(config, language)
    date = date or today
    try:
        parsed = parse_date(date)
    except ValueError as exc:
        raise ScaffoldError(str(exc)) from None
    title = " ".join(title.split())
    _check_value(title, "the title is empty")
    words = suggest_id(title)[:60].rstrip("-")
    stem = file_id or f"{parsed.iso}-{words}"
    if not file_id and not words:
        raise ScaffoldError("the title has no Latin letters to name the file after: give one with --id, "
                            f"e.g. --id {parsed.iso}-{'statement' if language == 'ar' else 'document'}")
    notes = () if source else (f"no --source given: wrote `{UNATTRIBUTED}`; change it if the outlet is known",)
    given = {"title": title, "date": date, "source": source or UNATTRIBUTED, "language": language}
    if translation_of:
        given["translation_of"] = translation_of
    text = _front_matter(document_fields(config), given)
    return NewFile(_path(config.content / "documents", stem), text + "\n" + BODY_NOTE["document"], notes)


def new_term(config: Config, taxonomy: TaxonomyConfig, name: str, *, language: str = "", kind: str = "",
             file_id: str = "") -> NewFile:
    """A registry entry named after its id, with the name under its language."""
    language = _language(config, language)
    name = " ".join(name.split())
    _check_value(name, "the name is empty")
    stem = file_id or suggest_id(name)
    if not stem:
        raise ScaffoldError("the name has no Latin letters to name the file after: give one with --id, e.g. --id wang-yi")
    if kind and taxonomy.kinds and kind not in taxonomy.kinds:
        raise ScaffoldError(f"unknown kind `{kind}` for {taxonomy.name}: one of {', '.join(taxonomy.kinds)}")
    fields = {"names": (False, "names", TERM_FIELDS["names"][2] + "; add the other languages you know")}
    fields |= {k: v for k, v in TERM_FIELDS.items() if k not in ("name", "names")}
    if taxonomy.kinds:
        fields["kind"] = (False, "text", "one of: " + ", ".join(taxonomy.kinds))
    given = {"names": {language: name}, **({"kind": kind} if kind else {})}
    text = _front_matter(fields, given)
    return NewFile(_path(config.content / taxonomy.folder, stem), text + "\n" + BODY_NOTE["term"])


def create(new: NewFile) -> None:
    """Write the file; raise FileExistsError rather than overwrite anything."""
    new.path.parent.mkdir(parents=True, exist_ok=True)
    with open(new.path, "x", encoding="utf-8", newline="\n") as handle:
        handle.write(new.text)


def find_taxonomy(config: Config, word: str) -> TaxonomyConfig | None:
    """`actor`, `actors`, `Actor`: the taxonomy a `new` command names, if any."""
    for tax in config.taxonomies:
        names = {tax.name, tax.field, tax.folder, *tax.singular.values(), *tax.title.values()}
        if word.casefold() in {n.casefold() for n in names}:
            return tax
    return None


def _front_matter(fields: dict, given: dict) -> str:
    """Every field with its purpose as a comment; given values set, the rest commented out."""
    lines = ["---"]
    for name, (required, kind, purpose) in fields.items():
        lines.append(f"# {purpose}" + (" (required)" if required else ""))
        value = given.get(name)
        if isinstance(value, dict):
            lines += [f"{name}:"] + [f"  {k}: {_scalar(v)}" for k, v in value.items()]
        elif value is not None:
            lines.append(f"{name}: {_scalar(value)}")
        elif kind in ("texts", "refs"):
            lines += [f"# {name}:", "#   - "]
        elif kind == "mapping":
            lines += [f"# {name}:", "#   key: value"]
        else:
            lines.append(f"# {name}: ")
    return "\n".join(lines + ["---", ""])


def _scalar(value: str) -> str:
    """A YAML scalar that stays a string: dates with ?/~, `no`, colons and quotes all survive."""
    return json.dumps(value, ensure_ascii=False)


def _path(folder: Path, stem: str) -> Path:
    if not PORTABLE_ID.match(stem):
        raise ScaffoldError(f"`{stem}` is not a portable file name: use lowercase ASCII letters, digits and hyphens, "
                            f"e.g. `{suggest_id(stem) or 'document'}`")
    return folder / f"{stem}.md"


def _language(config: Config, language: str) -> str:
    language = language or config.language
    _check_value(LANGUAGE_TAG.match(language), f"`{language}` is not a language tag: use en, ar, fr, ...")
    return language


def _check_value(ok, message: str) -> None:
    if not ok:
        raise ScaffoldError(message)
