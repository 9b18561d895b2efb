"""`sitegen new` and `sitegen init`: a correctly named file with a complete, commented front-matter
template; a new archive that builds at once.

The templates are generated from the field tables in `schema` and the taxonomies in the config, so
they never drift from what `check` accepts; what the contributor did not give stays commented out,
and the result passes `check` as written. Files are created exclusively: an existing file is never
overwritten; `init` writes nothing if any of its files exists. Must not print; the CLI reports.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sitegen.config import SCHEMA, Config, Key, TaxonomyConfig
from sitegen.dates import parse_date
from sitegen.schema import LANGUAGE_TAG, PORTABLE_ID, TERM_FIELDS, document_fields, specs, suggest_id

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
        raise ScaffoldError("the name has no Latin letters to name the file after: give one with --id, "
                            "e.g. --id wang-yi")
    if kind and taxonomy.kinds and kind not in taxonomy.kinds:
        raise ScaffoldError(f"unknown kind `{kind}` for {taxonomy.name}: one of {', '.join(taxonomy.kinds)}")
    fields = {"names": (False, "names", TERM_FIELDS["names"].doc + "; add the other languages you know")}
    fields |= {k: v for k, v in specs(TERM_FIELDS).items() if k not in ("name", "names")}
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


# `sitegen init`: a new archive that builds at once and passes `check --strict`.
EXAMPLE_DATE = "2024-05-01"
EXAMPLE_ID = f"{EXAMPLE_DATE}-example-lighthouse-records"
TITLES = {"en": "Documentary archive", "ar": "أرشيف وثائقي"}  # the site's title when init is given none
EXAMPLES = {  # language -> (title, source, summary, body) of the example document
    "en": ("The harbour office opens its lighthouse records", "Harbour Office",
           "An example document: the harbour office opens its lighthouse logbooks to the public.",
           "The harbour office announced today that the logbooks of its three lighthouses, kept since 1870, "
           "will be open to the public in this archive.\n\n"
           "This is an example document. Replace it with the first document of your archive: "
           "`sitegen new \"Title\" --source \"Outlet\" --date 2024-05-01`."),
    "ar": ("مكتب الميناء يفتح سجلات المنارات", "مكتب الميناء",
           "وثيقة مثال: مكتب الميناء يفتح سجلات منارته للجمهور.",
           "أعلن مكتب الميناء اليوم أن سجلات مناراته الثلاث، المحفوظة منذ عام 1870، "
           "ستكون متاحة للجمهور في هذا الأرشيف.\n\n"
           "هذه وثيقة مثال. استبدل بها أول وثيقة في أرشيفك."),
}
EXAMPLE_TERMS = {  # folder -> (id, names per language, kind, description per language)
    "actors": ("harbour-office", {"en": "Harbour Office", "ar": "مكتب الميناء"}, "institution",
               {"en": "The office that keeps the harbour and its lighthouses (an example entry).",
                "ar": "المكتب الذي يدير الميناء ومناراته (مدخل مثال)."}),
    "topics": ("public-records", {"en": "Public records", "ar": "السجلات العامة"}, "",
               {"en": "Records kept by public offices and opened to readers (an example entry).",
                "ar": "سجلات تحفظها المكاتب العامة وتتيحها للقراء (مدخل مثال)."}),
}
ABOUT = {  # language -> the about page's text (content/about.md, about.<lang>.md), linked from every page
    "en": "This archive keeps documents with their provenance: who published them, when and where.\n\n"
          "# Who keeps it\n\nSay here who keeps the archive and how to reach them (edit content/about.md).\n",
    "ar": "يحفظ هذا الأرشيف الوثائق مع مصادرها: من نشرها ومتى وأين.\n\n"
          "# من يحفظه\n\nاكتب هنا من يحفظ الأرشيف وكيف يُتواصل معه.\n",
}
GITIGNORE = "build/\n.sitegen-cache/\n.venv/\n"
INSTALL = "sitegen=={version}"  # what the workflows install; the file says how to change it
WORKFLOW_HEAD = """\
# {what}
# SITEGEN says which sitegen to install: a version from PyPI, or a Git address such as
# git+https://github.com/OWNER/sitegen@v{version}.
name: {name}

on:
{on}
env:
  SITEGEN: "{install}"

"""
INSTALL_STEPS = """\
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"
      - run: python -m pip install -q "$SITEGEN"
"""  # the first steps of both workflows' building job: the archive, Python, the sitegen SITEGEN names
CHECK_JOBS = """\
permissions:
  contents: read

jobs:
  check:
    runs-on: ubuntu-latest
    steps:
""" + INSTALL_STEPS + """\
      # Problems become annotations on the changed lines of the pull request.
      - run: sitegen check --format github
      - run: sitegen build
"""
DEPLOY_JOBS = """\
permissions:
  contents: read
  pages: write
  id-token: write

concurrency:
  group: pages
  cancel-in-progress: false

jobs:
  build:
    runs-on: ubuntu-latest
    steps:
""" + INSTALL_STEPS + """\
      - run: sitegen build
      - uses: actions/upload-pages-artifact@v3
        with:
          path: build/
  deploy:
    needs: build
    runs-on: ubuntu-latest
    environment:
      name: github-pages
      url: ${{ steps.deployment.outputs.page_url }}
    steps:
      - id: deployment
        uses: actions/deploy-pages@v4
"""


def init_files(folder: Path, languages: tuple[str, ...] = ("en",), title: str = "", version: str = "") -> list[NewFile]:
    """Every file of a new archive in `folder`: sitegen.yaml (every key, commented, from the schema),
    an example document per language (the others translations of the first) with its actor and topic,
    an about page per language, .gitignore, and the GitHub workflows (check on pull requests; deploy
    to GitHub Pages)."""
    _check_languages(languages)
    first = languages[0]
    # each edition's header in its language
    named = " ".join(title.split()) or {lang: TITLES[lang] for lang in languages}
    files = [NewFile(folder / "sitegen.yaml", commented_config({"title": named, "languages": list(languages)})),
             NewFile(folder / ".gitignore", GITIGNORE)]
    for lang in languages:
        given = {"title": EXAMPLES[lang][0], "date": EXAMPLE_DATE, "source": EXAMPLES[lang][1], "language": lang,
                 "summary": EXAMPLES[lang][2], "actors": [EXAMPLE_TERMS["actors"][0]],
                 "topics": [EXAMPLE_TERMS["topics"][0]]}
        if lang != first:
            given["translation_of"] = EXAMPLE_ID
        stem = EXAMPLE_ID if lang == first else f"{EXAMPLE_ID}-{lang}"
        files.append(NewFile(folder / "content" / "documents" / f"{stem}.md",
                             _yaml_block(given) + EXAMPLES[lang][3] + "\n"))
    files += [NewFile(folder / "content" / ("about.md" if lang == first else f"about.{lang}.md"), ABOUT[lang])
              for lang in languages]
    for tax, (term_id, names, kind, descriptions) in EXAMPLE_TERMS.items():
        given = {"names": {lang: names[lang] for lang in languages}, **({"kind": kind} if kind else {})}
        if len(languages) > 1:
            given["description"] = {lang: descriptions[lang] for lang in languages[1:]}
        files.append(NewFile(folder / "content" / tax / f"{term_id}.md",
                             _yaml_block(given) + descriptions[first] + "\n"))
    install = INSTALL.format(version=version or "0.1.0")
    for name, what, on, jobs in (
            ("check", "On every pull request: check the content (problems shown on its lines) and build it.",
             "  pull_request:\n", CHECK_JOBS),
            ("deploy", "On every push to main: build the archive and publish it with GitHub Pages\n"
                       "# (Settings > Pages > Source: GitHub Actions).",
             "  push:\n    branches: [main]\n  workflow_dispatch:\n",
             DEPLOY_JOBS)):
        text = WORKFLOW_HEAD.format(what=what, name=name, on=on, install=install, version=version or "0.1.0") + jobs
        files.append(NewFile(folder / ".github" / "workflows" / f"{name}.yml", text))
    return files


def existing(files: list[NewFile]) -> list[Path]:
    """The files `create_all` would not write because something is already there."""
    return [f.path for f in files if f.path.exists() or f.path.is_symlink()]


def create_all(files: list[NewFile]) -> None:
    """Write every file, or none: a file that appears meanwhile stops the run, and the files this run
    wrote are removed again (FileExistsError names it)."""
    written: list[Path] = []
    try:
        for new in files:
            create(new)
            written.append(new.path)
    except FileExistsError:
        for path in written:
            path.unlink(missing_ok=True)
        raise


def commented_config(values: dict[str, Any]) -> str:
    """sitegen.yaml with every key of `config.SCHEMA`, its doc as a comment: the keys in `values`
    set, the others commented out with their default (or blank), nested keys under their parent."""
    lines = ["# sitegen configuration. Every key is listed with what it does; a key commented out (#) takes",
             "# its default. Remove the # (and keep the indentation) to set one.", ""]
    for name, key in SCHEMA.items():
        lines += _key_lines(name, key, values, 0, False) + [""]
    return "\n".join(lines)


def _key_lines(name: str, key: Key, values: dict[str, Any], depth: int, described: bool) -> list[str]:
    """One key's line, its doc as a comment (above a top-level key, after a nested one), commented out
    unless set in `values`, with its nested keys; removing a line's leading `# ` gives valid YAML.
    `described`: the default is a description (taxonomies' entries), not a value to write."""
    about = f"{key.doc} ({key.kind})"
    if name in values:
        return [f"# {about}", f"{name}: {json.dumps(values[name], ensure_ascii=False)}"]
    pad = "  " * depth
    shown = ("" if key.keys or described or key.default in (None, "")
             else " " + json.dumps(key.default, ensure_ascii=False))
    lines = [f"# {about}", f"# {name}:{shown}"] if depth == 0 else [f"# {pad}{name}:{shown}  # {about}"]
    if key.each:
        lines.append(f"# {pad}  NAME:  # one entry per name, e.g. actors")
        depth += 1
    for sub, subkey in key.keys.items():
        lines += _key_lines(sub, subkey, {}, depth + 1, described or key.each)
    return lines


def _yaml_block(given: dict[str, Any]) -> str:
    """Front matter of the given values (strings JSON-quoted, so YAML keeps them as written)."""
    lines = ["---"]
    for name, value in given.items():
        if isinstance(value, dict):
            lines += [f"{name}:"] + [f"  {k}: {_scalar(v)}" for k, v in value.items()]
        elif isinstance(value, list):
            lines += [f"{name}:"] + [f"  - {_scalar(v)}" for v in value]
        else:
            lines.append(f"{name}: {_scalar(value)}")
    return "\n".join(lines + ["---", ""])


def _check_languages(languages: tuple[str, ...]) -> None:
    unknown = [code for code in languages if code not in EXAMPLES]
    if not languages or unknown or len(set(languages)) < len(languages):
        raise ScaffoldError(f"--languages must be distinct codes among {', '.join(EXAMPLES)}, "
                            f"not `{','.join(languages)}` "
                            "(another language needs its interface words in sitegen/ui.py first)")
