"""The site configuration (`sitegen.yaml`): a typed, documented schema.

Owns reading the config file into `Config`, collecting every mistake at once (unknown keys with a
did-you-mean, wrong types) at the config file's own lines. Every key is declared once in `SCHEMA`, with
its type, default and doc: the README's reference (`config_reference`) and `sitegen init`'s commented
sitegen.yaml are generated from it. Taxonomies are declared here, so a third
one (say `places`) needs only a few config lines and a registry folder. Must not read content (of the
theme's images it reads only the first bytes, to check their type).
"""

from __future__ import annotations

import datetime as _dt
import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sitegen import theme as default_theme
from sitegen.errors import BuildFailed, Diagnostic, did_you_mean
from sitegen.frontmatter import YamlData, load_yaml
from sitegen.limits import LEAST, LIMITS, Limits

_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_LANG = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")


@dataclass(frozen=True)
class TaxonomyConfig:
    """One way of grouping documents, e.g. actors. Its terms live in `content/<folder>/<id>.md`."""

    name: str  # used in URLs: `<name>/<id>.html`
    field: str  # the front-matter field of a document that lists its terms
    title: dict[str, str]  # page titles per language ("Actors", "الفاعلون")
    singular: dict[str, str]
    folder: str  # registry folder, relative to the content folder
    optional: bool = False  # unknown names create terms instead of failing (for migrating archives)
    kinds: tuple[str, ...] = ()  # allowed `kind` values; empty means any
    boost: float = 5  # weight of a match on one of its names in search, against title 10 and body 1

    def title_in(self, lang: str) -> str:
        """The title in `lang`, else English, else the name."""
        return self.title.get(lang, self.title.get("en", self.name))


@dataclass(frozen=True)
class SearchConfig:
    body: str | int = "full"  # "full", "none", or the number of leading body words indexed
    budget_kb: int = 20_000  # warn when the index on disk is larger than this
    originals: float = 0.5  # boost of the attachments' text (`originals`), below the body's 1; 0: not indexed


@dataclass(frozen=True)
class LinksConfig:
    broken: str = "error"  # "warning" lets a migrated archive publish first and mend its links later


@dataclass(frozen=True)
class AttachmentsConfig:
    ocr: bool = False  # read scans and PDF pages without a text layer with Tesseract (`originals`)


@dataclass(frozen=True)
class FooterLink:
    label: dict[str, str]  # language -> label ("" for every language)
    url: str  # an http(s) or mailto address, or an output-root path of the site (made page-relative)
    line: int = 1  # where the config file gives `url`, for a link to a page that does not exist
    col: int = 1

    @property
    def internal(self) -> bool:
        return not self.url.startswith(("http://", "https://", "mailto:"))


@dataclass(frozen=True)
class ThemeConfig:
    """`theme:` in sitegen.yaml: what the default theme lets a project set without copying templates."""

    logo: Path | None = None  # a checked image file inside the project
    favicon: Path | None = None
    accent: str = ""  # "#rrggbb", or "" for the theme's own
    footer_text: dict[str, str] = field(default_factory=dict)  # language -> text ("" for every language)
    footer_links: tuple[FooterLink, ...] = ()


@dataclass(frozen=True)
class Config:
    root: Path  # folder of the config file; relative paths start here
    path: str  # the config file as the user named it, for diagnostics
    title: str = "Documentary archive"
    description: str = ""
    language: str = "en"  # the default edition's language: languages[0]
    languages: tuple[str, ...] = ("en",)  # one edition of the site's own pages per language
    extra_labels: dict[str, dict[str, str]] = field(default_factory=dict)  # extra key -> {lang: label}
    titles: dict[str, str] = field(default_factory=dict)  # title per language, when given as a mapping
    descriptions: dict[str, str] = field(default_factory=dict)
    content: Path = Path("content")
    templates: Path = Path("templates")
    assets: Path = Path("assets")
    output: Path = Path("build")
    page_size: int = 50
    order: str = "newest"  # listings by date: "newest" first or "oldest" first
    digits: str = "latin"  # "latin", or "native": each edition's own digits (CLDR)
    build_date: str = ""  # shown in the footer; from config or SOURCE_DATE_EPOCH, never the clock
    base_url: str = ""  # "https://host/sub/" (always ending in /), or "" when the site's address is unknown
    legacy_addresses: str = "auto"  # redirects at documents' flat addresses: LEGACY (see SCHEMA)
    taxonomies: tuple[TaxonomyConfig, ...] = ()
    search: SearchConfig = field(default_factory=SearchConfig)
    links: LinksConfig = field(default_factory=LinksConfig)
    attachments: AttachmentsConfig = field(default_factory=AttachmentsConfig)
    theme: ThemeConfig = field(default_factory=ThemeConfig)
    limits: Limits = field(default_factory=Limits)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def template_folders(self) -> tuple[Path, ...]:
        """Where templates are looked up: the project's folder, then the default theme's."""
        return default_theme.layers(self.templates, default_theme.TEMPLATES)

    @property
    def asset_folders(self) -> tuple[Path, ...]:
        """Where assets are found: the project's folder, then the default theme's (same name: the project's)."""
        return default_theme.layers(self.assets, default_theme.ASSETS)

    def taxonomy(self, name: str) -> TaxonomyConfig:
        return next(t for t in self.taxonomies if t.name == name)

    def title_in(self, lang: str) -> tuple[str, str]:
        """The site title for a page in `lang`, and the language it is in."""
        return _in(self.titles, lang, self.title, self.language)

    def description_in(self, lang: str) -> tuple[str, str]:
        return _in(self.descriptions, lang, self.description, self.language)

    def extra_label(self, key: str, lang: str) -> tuple[str, str]:
        """How a document's `extra` key is shown on a page in `lang`, and the label's language ("" when
        unknown): its label in `lang`, else its label for every language, else the default
        language's, else the key as written."""
        labels = self.extra_labels.get(key, {})
        for code in (lang, "", self.language):
            if labels.get(code):
                return labels[code], code
        return key, ""


def _in(texts: dict[str, str], lang: str, default: str, default_lang: str) -> tuple[str, str]:
    return (texts[lang], lang) if lang in texts else (default, default_lang)


DEFAULT_TAXONOMIES = {
    "actors": {"title": {"en": "Actors", "ar": "الفاعلون"}, "singular": {"en": "Actor", "ar": "فاعل"},
               "kinds": ["person", "state", "organisation", "group", "institution", "media"]},
    "topics": {"title": {"en": "Topics", "ar": "المواضيع"}, "singular": {"en": "Topic", "ar": "موضوع"}},
}

@dataclass(frozen=True)
class Key:
    """One config key: its type and default as the reference shows them, what it does, and the keys
    inside it (`each`: the keys of every entry of a mapping of names, as in `taxonomies`). Declared
    once here; validation, the reference (`config_reference`) and `sitegen init`'s commented
    sitegen.yaml all read this table. `rendered`: the key is read only where pages are rendered, and
    by these outputs (names in `outputs.OUTPUTS`, made again from the model): an edit of it renders
    the pages again from the model the last build remembered (`retemplate`), with no reading, model or
    search; None (a top-level key) means reading, the model or the search read it: the full build."""

    kind: str
    default: Any
    doc: str
    keys: dict[str, "Key"] = field(default_factory=dict)
    each: bool = False
    rendered: tuple[str, ...] | None = None


PER_LANGUAGE = "text or {lang: text}"
SCHEMA: dict[str, Key] = {
    "title": Key(PER_LANGUAGE, "Documentary archive",
                 "site title, shown in every page header; text, or a mapping per language {en: ..., ar: ...}",
                 rendered=("datapackage.json",)),
    "description": Key(PER_LANGUAGE, "", "one sentence shown on the home page; text, or a mapping per language",
                       rendered=("datapackage.json",)),
    "language": Key("text", "en", "language (BCP 47) of the site's own pages when `languages` is not given"),
    "languages": Key("list", ["en"],
                     "one edition per language, e.g. [en, ar]: the first at the root, the others under <lang>/"),
    "extra_labels": Key("mapping", {},
                        "labels for documents' `extra` keys per language, e.g. {press_office: {en: Press office, ar: "
                        "المكتب الصحفي}}",
                        rendered=()),
    "paths": Key("mapping", None, "the project's folders, relative to this file", {
        "content": Key("folder", "content", "the Markdown sources: documents/ and one folder per taxonomy"),
        "templates": Key("folder", "templates",
                         "your templates, over the default theme's: a file here replaces the theme's of that name"),
        "assets": Key("folder", "assets", "your assets (CSS, scripts, images), over the default theme's, file by file"),
        "output": Key("folder", "build", "where `sitegen build` writes the site"),
    }),
    "page_size": Key("integer", 50, "documents listed per actor/topic page before paginating"),
    "order": Key("newest or oldest", "newest",
                 "the order of every listing by date (home, chronology, actor, topic and source lists): newest first, "
                 "or oldest first"),
    "digits": Key("latin or native", "latin",
                  "the digits of numbers and dates: latin (0123), or each edition's own (Arabic-Indic ٠١٢٣ in Arabic), "
                  "from CLDR"),
    "build_date": Key("text", "", "date shown in the footer (else SOURCE_DATE_EPOCH, else none)"),
    "base_url": Key("text", "",
                    "the site's address (https://archive.example.org/sub/): turns on feeds, sitemap and absolute "
                    "links"),
    "legacy_addresses": Key("auto, always or never", "auto",
                            "once documents (or a taxonomy's terms) outgrow one folder and move into sub-folders, "
                            "a redirect page at each one's old address (documents/<id>.html): auto while those fit "
                            "in the old folder (limits.folder_entries), always (a web host, not a USB stick), or "
                            "never"),
    "taxonomies": Key("mapping", "actors, topics",
                      "ways of grouping documents, by name (used in addresses); each has a registry folder", {
        "field": Key("text", "the name", "the documents' front-matter field that lists its terms"),
        "title": Key(PER_LANGUAGE, "the name", "its pages' title, e.g. {en: Actors, ar: الفاعلون}"),
        "singular": Key(PER_LANGUAGE, "the name", "one of its terms, e.g. {en: Actor, ar: فاعل}"),
        "folder": Key("folder", "the name", "registry folder, inside the content folder"),
        "optional": Key("true or false", False,
                        "unknown names create terms instead of failing (for migrating archives)"),
        "kinds": Key("list", [], "allowed `kind` values of its terms; empty means any"),
        "boost": Key("number", 5, "weight of a match on one of its names in search (title 10, body 1)"),
    }, each=True),
    "search": Key("mapping", None, "the client-side search", {
        "body": Key("full, none or a number", "full",
                    "how much of each body is indexed: all, none, or its first N words"),
        "budget_kb": Key("integer", 20_000, "warn when the index on disk is larger than this many KB"),
        "originals": Key("number", 0.5,
                         "weight of a match in the attachments' text (the body's is 1); 0 leaves it out of the index"),
    }),
    "links": Key("mapping", None, "links written in bodies", {
        "broken": Key("error or warning", "error",
                      "a broken link is an error, or (for an archive migrated with links to mend) a warning"),
    }),
    "attachments": Key("mapping", None, "files published with documents", {
        "ocr": Key("true or false", False,
                   "read the text of scans and of PDF pages without a text layer with Tesseract, in the document's "
                   "language and English (for one attachment: `{file: scan.jpg, ocr: true}`)"),
    }),
    "limits": Key("mapping", None, "what one content file may ask of a build",
                  {name: Key("integer", default, doc) for name, (default, doc) in LIMITS.items()}),
    "theme": Key("mapping", None, "the default theme's settings: no template needs copying for these", {
        "logo": Key("file", "", "a PNG, JPEG or WebP image in the project, shown before the site title"),
        "favicon": Key("file", "", "a PNG or ICO image in the project, the browser tab's icon"),
        "accent": Key("colour", "#1a5c8a",
                      "links and buttons, as #RRGGBB; must keep WCAG AA contrast (4.5:1) on the theme's light "
                      "backgrounds"),
        "footer": Key("mapping", None, "what every page's footer adds", {
            "text": Key(PER_LANGUAGE, "", "a line of plain text, e.g. who keeps the archive"),
            "links": Key("list", [],
                         "links, each {label: text or {lang: text}, url: https://... or a page of the site like "
                         "data.html}"),
        }),
    }),
    "extra": Key("mapping", {}, "free data for templates", rendered=()),
}
TOP_KEYS = SCHEMA
PATH_KEYS = set(SCHEMA["paths"].keys)
TAXONOMY_KEYS = set(SCHEMA["taxonomies"].keys)
SEARCH_KEYS = set(SCHEMA["search"].keys)
LINKS_KEYS = set(SCHEMA["links"].keys)
THEME_KEYS = set(SCHEMA["theme"].keys)
FOOTER_KEYS = set(SCHEMA["theme"].keys["footer"].keys)
ATTACHMENTS_KEYS = set(SCHEMA["attachments"].keys)
RENDERED = {name: key.rendered for name, key in SCHEMA.items() if key.rendered is not None}  # see `Key`
BROKEN = ("error", "warning")
LEGACY = ("auto", "always", "never")


def default(*path: str) -> Any:
    """The default of a key, by its path in SCHEMA (`default("search", "budget_kb")`): the one place it is written."""
    keys, key = SCHEMA, None
    for name in path:
        key = keys[name]
        keys = key.keys
    return key.default


def config_fields(name: str) -> tuple[str, ...]:
    """The `Config` fields a top-level key fills: a text per language two (`title` and `titles`)."""
    return (name, name + "s") if SCHEMA[name].kind == PER_LANGUAGE else (name,)


def with_rendered(config: Config, like: Config) -> Config:
    """`config` with every key only rendering reads (`Key.rendered`) as `like` has it."""
    return replace(config, **{f: getattr(like, f) for name in RENDERED for f in config_fields(name)})


def rendered_changes(config: Config, was: Config) -> list[str]:
    """The keys only rendering reads (`Key.rendered`) in which `config` differs from `was`."""
    return [name for name in RENDERED if any(getattr(config, f) != getattr(was, f) for f in config_fields(name))]


def as_read(config: Config) -> Config:
    """`config` as reading the sources sees it: the keys only rendering reads at their defaults, so
    that an edit of them changes no source's key (nothing is parsed again)."""
    return with_rendered(config, Config(config.root, config.path))


def load_config(path: str | os.PathLike, *, environ: dict[str, str] | None = None) -> Config:
    """Read and validate the config file; raise BuildFailed with every problem found."""
    environ = os.environ if environ is None else environ
    shown = str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise BuildFailed([Diagnostic(shown, 1, 1, f"cannot read config: {exc.strerror}",
                                      "run sitegen in the site folder or pass --config")]) from None
    doc, problems = load_yaml(raw.decode("utf-8-sig", errors="replace").replace("\r\n", "\n"), shown)
    if doc is None:
        raise BuildFailed(problems)
    if doc.data is None:
        doc.data = {}
    if not isinstance(doc.data, dict):
        raise BuildFailed([Diagnostic(shown, 1, 1, "the config must be a mapping of `key: value` lines")])
    config = _build(doc, shown, Path(path).resolve().parent, environ, problems)
    if problems:
        raise BuildFailed(problems)
    return config


def _build(doc: YamlData, shown: str, root: Path, environ, problems: list[Diagnostic]) -> Config:
    data = doc.data

    def report(at: tuple, message: str, hint: str = "") -> None:
        line, col = doc.where(at)
        problems.append(Diagnostic(shown, line, col, message, hint))

    def check_keys(mapping: dict, allowed, at: tuple) -> None:
        for key in mapping:
            if key not in allowed:
                report(at + (key,), f"unknown config key `{key}`", did_you_mean(key, allowed) or
                       "known keys: " + ", ".join(sorted(allowed)))

    def typed(mapping: dict, key: str, kind: type | tuple, default, at: tuple):
        value = mapping.get(key, default)
        if key in mapping and (not isinstance(value, kind) or isinstance(value, bool) and kind is not bool):
            names = {str: "text", int: "a whole number", bool: "true or false", dict: "a mapping", list: "a list"}
            want = names.get(kind, "text or a mapping") if not isinstance(kind, tuple) else "text or a mapping"
            report(at + (key,), f"`{key}` must be {want}, not {value!r}", "quote it" if kind is str else "")
            return default
        return value

    check_keys(data, TOP_KEYS, ())
    paths = typed(data, "paths", dict, {}, ())
    check_keys(paths, PATH_KEYS, ("paths",))
    folders = {k: root / _folder(paths, k, typed, report) for k in PATH_KEYS}
    page_size = typed(data, "page_size", int, default("page_size"), ())
    if page_size < 1:
        report(("page_size",), "`page_size` must be at least 1")
    order = _choice(data, "order", ("newest", "oldest"), report, typed)
    digits = _choice(data, "digits", ("latin", "native"), report, typed)
    legacy = _choice(data, "legacy_addresses", LEGACY, report, typed)
    build_date = typed(data, "build_date", str, "", ())
    if not build_date and environ.get("SOURCE_DATE_EPOCH", "").isdigit():
        stamp = int(environ["SOURCE_DATE_EPOCH"])
        build_date = _dt.datetime.fromtimestamp(stamp, _dt.timezone.utc).date().isoformat()
    base_url = typed(data, "base_url", str, "", ())
    if base_url and not re.match(r"^https?://[^\s/?#]+(/[^\s?#]*)?$", base_url):
        report(("base_url",), f"`base_url` must be an http(s) address without query or fragment, not `{base_url}`",
               "like https://archive.example.org/sub/")
        base_url = ""
    base_url = base_url.rstrip("/") + "/" if base_url else ""
    taxonomies = typed(data, "taxonomies", dict, DEFAULT_TAXONOMIES, ())
    tax = tuple(_taxonomy(name, spec or {}, report, check_keys, typed) for name, spec in sorted(taxonomies.items()))
    fields = [t.field for t in tax]
    for t in tax:
        if fields.count(t.field) > 1:
            report(("taxonomies", t.name), f"two taxonomies read the same field `{t.field}`")
    search = typed(data, "search", dict, {}, ())
    check_keys(search, SEARCH_KEYS, ("search",))
    body = search.get("body", default("search", "body"))
    if not (body in ("full", "none") or isinstance(body, int) and not isinstance(body, bool) and body > 0):
        report(("search", "body"), f"`body` must be full, none or a number of words, not {body!r}")
        body = default("search", "body")
    originals = search.get("originals", default("search", "originals"))
    if isinstance(originals, bool) or not isinstance(originals, (int, float)) or originals < 0:
        report(("search", "originals"), f"`originals` must be a number of at least 0, not {originals!r}",
               "the boost of the attachments' text: 0.5 by default, the body's is 1; 0 leaves it out")
        originals = default("search", "originals")
    links = typed(data, "links", dict, {}, ())
    check_keys(links, LINKS_KEYS, ("links",))
    broken = typed(links, "broken", str, default("links", "broken"), ("links",))
    if broken not in BROKEN:
        report(("links", "broken"), f"`broken` must be error or warning, not {broken!r}")
        broken = default("links", "broken")
    attachments = typed(data, "attachments", dict, {}, ())
    check_keys(attachments, ATTACHMENTS_KEYS, ("attachments",))
    languages = _languages(data, report, typed)
    return Config(
        root=root, path=shown, languages=languages, extra_labels=_extra_labels(data, report, typed),
        **_per_language(data, "title", Config.title, languages[0], report, typed),
        **_per_language(data, "description", "", languages[0], report, typed),
        language=languages[0],
        content=folders["content"], templates=folders["templates"], assets=folders["assets"],
        output=folders["output"], page_size=page_size, order=order, digits=digits, build_date=build_date,
        base_url=base_url, taxonomies=tax, legacy_addresses=legacy,
        search=SearchConfig(body=body, budget_kb=typed(search, "budget_kb", int, default("search", "budget_kb"),
                                                       ("search",)), originals=originals),
        links=LinksConfig(broken),
        attachments=AttachmentsConfig(typed(attachments, "ocr", bool, default("attachments", "ocr"), ("attachments",))),
        limits=_limits(typed(data, "limits", dict, {}, ()), report, check_keys, typed),
        extra=typed(data, "extra", dict, {}, ()),
        theme=_theme(data, root, languages, report, check_keys, typed, doc.where),
    )


def _choice(data: dict, key: str, allowed: tuple[str, ...], report, typed) -> str:
    """A top-level key that takes one of `allowed` (the first is the default)."""
    value = typed(data, key, str, allowed[0], ())
    if value not in allowed:
        report((key,), f"`{key}` must be {' or '.join(allowed)}, not {value!r}")
        return allowed[0]
    return value


def _languages(data: dict, report, typed) -> tuple[str, ...]:
    """`languages: [en, ar]`, or the one `language`; the first is the default edition's."""
    single = typed(data, "language", str, default("language"), ())
    listed = typed(data, "languages", list, [single], ())
    codes = tuple(str(code) for code in listed)
    if not codes or any(not _LANG.match(code) for code in codes) or len(set(codes)) < len(codes):
        report(("languages",), f"`languages` must be distinct language codes like [en, ar], not {listed!r}")
        return (single,)
    if "language" in data and "languages" in data and single != codes[0]:
        report(("language",), f"`language: {single}` is not the first of `languages` ({codes[0]})",
               "drop `language`: the first of `languages` is the default")
    return codes


def _per_language(data: dict, key: str, default: str, first: str, report, typed) -> dict[str, Any]:
    """`title: text` or `title: {en: ..., ar: ...}` -> the Config fields `title` and `titles`."""
    value = typed(data, key, (str, dict), default, ())
    texts = {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}
    if isinstance(value, dict) and first not in texts:
        report((key,), f"`{key}` has no `{first}` text, the first of `languages`")
    return {key: texts.get(first, "") if texts else value, key + "s": texts}


def _extra_labels(data: dict, report, typed) -> dict[str, dict[str, str]]:
    labels = typed(data, "extra_labels", dict, {}, ())
    out = {}
    for key, value in labels.items():
        if isinstance(value, str):
            value = {"": value}
        if not isinstance(value, dict):
            report(("extra_labels", key), f"the label of `{key}` must be text or a mapping of language -> text")
            continue
        out[str(key)] = {str(k): str(v) for k, v in value.items()}
    return out


def _folder(paths: dict, key: str, typed, report) -> str:
    """A folder from `paths:`; blank is a mistake, never a silent default (or the project itself)."""
    value = typed(paths, key, str, key if key != "output" else "build", ("paths",))
    if not value.strip():
        report(("paths", key), f"`{key}` is blank", "name a folder, or remove the key for the default")
        return key if key != "output" else "build"
    return value


def _limits(spec: dict, report, check_keys, typed) -> Limits:
    """Overrides of `limits.LIMITS`: whole numbers of at least 1 (or `limits.LEAST`)."""
    check_keys(spec, LIMITS, ("limits",))
    values = {}
    for name, (default, _) in LIMITS.items():
        value = typed(spec, name, int, default, ("limits",))
        if value < LEAST.get(name, 1):
            report(("limits", name), f"`{name}` must be at least {LEAST.get(name, 1)}")
            value = default
        values[name] = value
    return Limits(**values)


def _taxonomy(name: str, spec, report, check_keys, typed) -> TaxonomyConfig:
    at = ("taxonomies", name)
    if not _ID.match(str(name)):
        report(at, f"taxonomy name `{name}` must be lowercase letters, digits and hyphens")
    if not isinstance(spec, dict):
        report(at, f"taxonomy `{name}` must be a mapping of settings")
        spec = {}
    check_keys(spec, TAXONOMY_KEYS, at)
    defaults = DEFAULT_TAXONOMIES.get(name, {})

    def labels(key: str, fallback: str) -> dict[str, str]:
        value = typed(spec, key, (str, dict), defaults.get(key, {"en": fallback}), at)
        return {"en": value} if isinstance(value, str) else {str(k): str(v) for k, v in value.items()}

    kinds = typed(spec, "kinds", list, defaults.get("kinds", []), at)
    boost = spec.get("boost", default("taxonomies", "boost"))
    if isinstance(boost, bool) or not isinstance(boost, (int, float)) or boost <= 0:
        report(at + ("boost",), f"`boost` must be a positive number, not {boost!r}",
               "the default is 5; title is 10, body 1")
        boost = 5
    return TaxonomyConfig(
        name=name, field=typed(spec, "field", str, name, at),
        title=labels("title", name.replace("-", " ").title()),
        singular=labels("singular", name.replace("-", " ").title().rstrip("s")),
        folder=typed(spec, "folder", str, name, at), optional=typed(spec, "optional", bool, False, at),
        kinds=tuple(str(k) for k in kinds), boost=boost,
    )


_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


def _theme(data: dict, root: Path, languages: tuple[str, ...], report, check_keys, typed, where) -> ThemeConfig:
    spec = typed(data, "theme", dict, {}, ())
    check_keys(spec, THEME_KEYS, ("theme",))
    files = {kind: _image(typed(spec, kind, str, "", ("theme",)), kind, root, report) for kind in default_theme.IMAGES}
    accent = typed(spec, "accent", str, "", ("theme",))
    if accent and not _COLOUR.match(accent):
        report(("theme", "accent"), f"`accent` must be a colour written #RRGGBB, not `{accent}`", "like #1a5c8a")
        accent = ""
    elif accent and (worst := default_theme.worst_contrast(accent)) < default_theme.AA_CONTRAST:
        report(("theme", "accent"), f"`accent` {accent} has a contrast of {worst:.2f}:1 with the theme's backgrounds, "
               f"under WCAG AA's {default_theme.AA_CONTRAST}:1",
               f"a darker shade such as {default_theme.darker(accent)} passes")
        accent = ""
    footer = typed(spec, "footer", dict, {}, ("theme",))
    check_keys(footer, FOOTER_KEYS, ("theme", "footer"))
    text = _texts(typed(footer, "text", (str, dict), "", ("theme", "footer")), ("theme", "footer", "text"), languages,
                  report)
    links = typed(footer, "links", list, [], ("theme", "footer"))
    return ThemeConfig(logo=files["logo"], favicon=files["favicon"], accent=accent.lower(), footer_text=text,
                       footer_links=tuple(filter(None, (
                           _footer_link(item, ("theme", "footer", "links", i), languages, report, where)
                           for i, item in enumerate(links)))))


def _image(name: str, kind: str, root: Path, report) -> Path | None:
    """The file `theme.<kind>` names, if `theme.check_image` accepts it."""
    if not name:
        return None
    path, problem, hint = default_theme.check_image(name, kind, root)
    if problem:
        report(("theme", kind), problem, hint)
    return path


def _texts(value: Any, at: tuple, languages: tuple[str, ...], report) -> dict[str, str]:
    """Text for every language ({"": text}), or a mapping language -> text of the site's languages."""
    if isinstance(value, str):
        return {"": value} if value else {}
    if not isinstance(value, dict) or any(not isinstance(v, str) for v in value.values()):
        report(at, "must be text, or a mapping of language -> text", "like {en: Contact, ar: اتصل بنا}")
        return {}
    for lang in value:
        if lang not in languages:
            report(at + (lang,), f"`{lang}` is not one of `languages` ({', '.join(languages)})")
    return {str(k): v for k, v in value.items()}


def _footer_link(item: Any, at: tuple, languages: tuple[str, ...], report, where) -> FooterLink | None:
    if not isinstance(item, dict) or set(item) != {"label", "url"}:
        report(at, "each footer link must be a mapping with `label` and `url`",
               "like {label: Contact, url: https://example.org/}")
        return None
    url = item["url"]
    if not isinstance(url, str) or not (re.match(r"^(https?://[^\s]+|mailto:[^\s]+)$", url) or _site_path(url)):
        report(at + ("url",),
               f"`url` must be an http(s) or mailto address, or a page of the site like data.html, not {url!r}",
               "pages of the site are written from its root, without a leading /")
        return None
    label = _texts(item["label"], at + ("label",), languages, report)
    return FooterLink(label, url, *where(at + ("url",))) if label else None


def _site_path(url: str) -> bool:
    """An output-root path: relative, no scheme, never climbing out (`..`)."""
    return bool(re.match(r"^[A-Za-z0-9_.~-][A-Za-z0-9_./~#-]*$", url)) and ".." not in url.split("/") and ":" not in url


def config_reference() -> str:
    """The configuration reference in Markdown, from `SCHEMA`: every key (nested keys as
    `paths.content`, a named entry's as `taxonomies.<name>.field`) with its type, default and doc."""
    rows = ["| key | type | default | what it does |", "|---|---|---|---|"]

    def walk(keys: dict[str, Key], prefix: str) -> None:
        for name, key in keys.items():
            rows.append(f"| `{prefix}{name}` | {key.kind} | {_shown(key.default)} | {key.doc.replace('|', '&#124;')} |")
            walk(key.keys, f"{prefix}{name}.<name>." if key.each else f"{prefix}{name}.")
    walk(SCHEMA, "")
    return "\n".join(rows) + "\n"


def _shown(value: Any) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, list):
        return f"`[{', '.join(map(str, value))}]`"
    return f"`{value}`" if not isinstance(value, str) or not value.startswith("the ") and "," not in value else value
