"""Reading another generator's page files for `sitegen import hugo|jekyll`: front matter in YAML
(`---`), TOML (`+++`) or JSON (`{`), and bodies whose template syntax (Hugo shortcodes, Liquid tags)
becomes plain Markdown and sitegen links where it has a meaning of its own.

Owns the text level only: `split_page` turns a file's text into plain data (every date and time as the
text it would be written as) and a body, or a diagnostic at the file's line; `convert_body` rewrites
one body, given a `Resolver` that knows the site (which page a `ref` or an old address names, the
site's address, its params), and says what it kept literally. Knows no file system and no Batch: the
site readers (`import_site`, `import_hugo`, `import_jekyll`) do.
"""

from __future__ import annotations

import datetime
import json
import posixpath
import re
import sys
from dataclasses import dataclass, field, replace
from typing import Any, Callable

import yaml

from sitegen.errors import WARNING, Diagnostic
from sitegen.frontmatter import load_yaml
from sitegen.limits import Limits

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10 has no tomllib; tomli is its published form (a conditional dependency)
    import tomli as tomllib


@dataclass
class Page:
    """A page file split in two: its front matter as plain data, and its body."""

    meta: dict[str, Any]
    body: str
    body_line: int
    has_front_matter: bool = True


def split_page(text: str, path: str) -> tuple[Page | None, list[Diagnostic]]:
    """Split on `---` (YAML), `+++` (TOML) or a leading JSON object; a page without any is all body."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    blank = len(text) - len(text.lstrip("\n"))  # Hugo reads front matter after blank lines too
    page, problems = _split(text[blank:], path)
    if blank:
        problems = [replace(p, line=p.line + blank) for p in problems]
        page = replace(page, body_line=page.body_line + blank) if page else None
    return page, problems


def _split(text: str, path: str) -> tuple[Page | None, list[Diagnostic]]:
    first = text.split("\n", 1)[0].rstrip()
    if first in ("---", "+++"):
        lines = text.split("\n")
        end = next((i for i in range(1, len(lines)) if lines[i].rstrip() == first
                    or (first == "---" and lines[i].rstrip() == "...")), None)
        if end is None:
            return None, [Diagnostic(path, 1, 1, "front matter opened here is never closed",
                                     f"add a line `{first}` after the last field")]
        block = "\n".join(lines[1:end]) + "\n"
        meta, problems = _yaml(block, path) if first == "---" else _toml(block, path)
        return _page(meta, "\n".join(lines[end + 1:]), end + 2, path, problems)
    if text.startswith("{"):
        try:
            meta, end = json.JSONDecoder().raw_decode(text)
        except json.JSONDecodeError as exc:
            return None, [Diagnostic(path, exc.lineno, exc.colno, f"JSON front matter: {exc.msg}",
                                     "fix the JSON object at the top")]
        except RecursionError:
            return None, [_too_deep(path)]
        line = text.count("\n", 0, end) + 1
        rest = text[end:]
        return _page(meta, rest[1:] if rest.startswith("\n") else rest, line + 1, path, [])
    return Page({}, text, 1, has_front_matter=False), []


def _page(meta: Any, body: str, body_line: int, path: str,
          problems: list[Diagnostic]) -> tuple[Page | None, list[Diagnostic]]:
    if any(p.severity != WARNING for p in problems):
        return None, problems
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        return None, [Diagnostic(path, 2, 1, "front matter must be a mapping of `field: value` lines")]
    return Page(plain(meta), body, body_line), problems


# A site's front matter is read with room for what sites hold (Hugo's `aliases` of a retired section
# run to hundreds) while nesting and alias expansion stay bounded as for contributors' files.
IMPORT_LIMITS = Limits(list_items=100_000, yaml_nodes=200_000)


class _LastKeyWins(yaml.SafeLoader):
    """YAML as the generators read it when a key is written twice (the last one counts); dates stay text."""


_LastKeyWins.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}


def _yaml(block: str, path: str, first_line: int = 2) -> tuple[Any, list[Diagnostic]]:
    """Strict YAML, but a key written twice is a warning (the site builds with it), not a stop."""
    loaded, problems = load_yaml(block, path, first_line=first_line, limits=IMPORT_LIMITS)
    if problems and all(p.message.startswith("duplicate key") for p in problems):
        warnings = [replace(p, hint="the last one is imported, as the site's generator reads it", severity=WARNING)
                    for p in problems]
        return yaml.load(block, Loader=_LastKeyWins), warnings  # noqa: S506 - a SafeLoader
    return (loaded.data if loaded else None), problems


_TOML_AT = re.compile(r"\(at line (\d+), column (\d+)\)")


def _toml(block: str, path: str, first_line: int = 2) -> tuple[Any, list[Diagnostic]]:
    try:
        return tomllib.loads(block), []
    except RecursionError:
        return None, [_too_deep(path, first_line)]
    except tomllib.TOMLDecodeError as exc:
        found = _TOML_AT.search(str(exc))
        line, col = (int(found.group(1)) + first_line - 1, int(found.group(2))) if found else (first_line, 1)
        message = _TOML_AT.sub("", str(exc)).strip()
        return None, [Diagnostic(path, line, col, f"TOML syntax error: {message}",
                                 "fix the front matter between the `+++` lines")]


def _too_deep(path: str, line: int = 1) -> Diagnostic:
    """JSON and TOML parsers recurse: values nested thousands deep are refused as YAML's are (`limits`)."""
    return Diagnostic(path, line, 1, "values nested too deep to read", "simplify the front matter")


def read_data(text: str, kind: str, path: str) -> tuple[dict[str, Any], list[Diagnostic]]:
    """A whole config file (`kind`: toml, yaml or json) as plain data, or {} and where it is wrong."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n")
    if kind == "json":
        try:
            data, problems = json.loads(text), []
        except json.JSONDecodeError as exc:
            return {}, [Diagnostic(path, exc.lineno, exc.colno, f"JSON syntax error: {exc.msg}", "fix the file")]
        except RecursionError:
            return {}, [_too_deep(path)]
    else:
        data, problems = (_toml if kind == "toml" else _yaml)(text, path, first_line=1)
    if any(p.severity != WARNING for p in problems):
        return {}, problems
    if data is not None and not isinstance(data, dict):
        return {}, [Diagnostic(path, 1, 1, "the config must be a mapping of `key: value` lines")]
    return plain(data or {}), problems


def plain(value: Any) -> Any:
    """Front matter as YAML can write it again: TOML's dates and times become their ISO text."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    return value


_DATE_TIME = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[T ](\S.*))?$")


def split_date(value: Any) -> tuple[str, str] | None:
    """`2021-12-23T08:00:00+08:00` -> ("2021-12-23", "08:00:00+08:00"): the day as written in its
    own time zone (the archive's date), and the time, if any; None if it is not a date."""
    found = _DATE_TIME.match(str(value).strip()) if value not in (None, "") else None
    if not found:
        return None
    try:
        datetime.date.fromisoformat(found.group(1))
    except ValueError:
        return None
    return found.group(1), (found.group(2) or "").strip()


@dataclass
class Resolver:
    """What converting a body needs to know about the site being imported. Both look-ups return a
    link target as sitegen reads it (`doc:ID`, `ID/photo.jpg` for a file published with the document),
    or None for a page that was not imported."""

    document: Callable[[str], str | None]  # a `ref`, `post_url` or `link` target
    address: Callable[[str], str | None]  # a site-root path of the old site: `/2021/01/x/`, `/posts/b/cat.jpg`
    base_url: str = ""  # the site's own address (`https://example.org`), for pages not imported
    params: dict[str, Any] = field(default_factory=dict)  # page then site params, for `param`
    page: str = ""  # the old address of the page being converted, for its relative links


LINKED = "\0linked "  # marks a `kept` item converted as a link to its argument, not kept literally


@dataclass
class Converted:
    body: str
    kept: list[str]  # what was kept literally, as written (or LINKED and what became a link): one report line each


def convert_body(body: str, resolver: Resolver) -> Converted:
    """Hugo shortcodes and Liquid tags that have a Markdown or link form become it; the rest stays as
    written (sitegen shows template syntax as text) and is listed. Links to the old site's pages become
    `doc:ID` when they name an imported page, else the original site's address."""
    kept: list[str] = []
    raw: list[str] = []  # `{% raw %}` blocks: set aside until the end, so nothing in them is converted
    text = _LIQUID_RAW.sub(lambda m: raw.append(m.group(1)) or f"\0raw{len(raw) - 1}\0", body)
    text = _HUGO_HIGHLIGHT.sub(lambda m: _fence(m.group(1), m.group(2)), text)
    text = _LIQUID_HIGHLIGHT.sub(lambda m: _fence(m.group(1), m.group(2)), text)
    text = _LIQUID_COMMENT.sub("", text)
    text = _LIQUID_OUTPUT.sub(lambda m: _output(m, resolver, kept), text)
    text = _LINK_TARGET.sub(lambda m: _opening(m) + (_target(m.group(2), resolver) or m.group(2)) + m.group(3), text)
    text = _HTML_LINK.sub(lambda m: m.group(1) + (_target(m.group(2), resolver) or m.group(2)) + m.group(3), text)
    # after links, whose targets are final: a shortcode written as a link's target is one
    text = _LINKED_SHORTCODE.sub(lambda m: m.group(1) + _linked(m.group(2), resolver, kept) + m.group(3), text)
    text = _SHORTCODE.sub(lambda m: _shortcode(m, resolver, kept), text)
    text = _LIQUID_TAG.sub(lambda m: _liquid(m, resolver, kept), text)
    return Converted(re.sub(r"\0raw(\d+)\0", lambda m: raw[int(m.group(1))], text), kept)


# Every pattern below reads on only until the next opening of its own kind (a "tempered" `(?:(?!X).)`),
# so a page full of unclosed `{{<`, `{%` or `[` costs time in proportion to its length, not its square.
_NOT_OPENING = r"(?:(?!\{\{)[^>%\"`]|\"(?:(?!\{\{)[^\"\\]|\\.)*\"|`[^`]*`|[>%](?!\}\}))"
_HUGO_HIGHLIGHT = re.compile(r"\{\{[<%]\s*highlight\s+\"?([\w+#.-]*)\"?[^{}]*?[>%]\}\}\n?"
                             r"((?:(?!\{\{[<%]\s*/?highlight\b).)*?)\n?"
                             r"\{\{[<%]\s*/highlight\s*[>%]\}\}", re.S)
_LIQUID_HIGHLIGHT = re.compile(r"\{%-?\s*highlight\s+([\w+#.-]*)[^%{]*?-?%\}\n?"
                               r"((?:(?!\{%-?\s*(?:end)?highlight\b).)*?)\n?"
                               r"\{%-?\s*endhighlight\s*-?%\}", re.S)
_SHORTCODE = re.compile(r"\{\{(<|%)(/\*)?\s*(/?)([\w./-]+)(" + _NOT_OPENING + r"*?)\s*(\*/)?(>|%)\}\}", re.S)
_LIQUID_TAG = re.compile(r"\{%-?\s*(\w+)((?:(?!\{%).)*?)-?%\}", re.S)
_LIQUID_OUTPUT = re.compile(r"\{\{-?\s*((?:(?!\{\{).)*?)\s*-?\}\}", re.S)
_LIQUID_RAW = re.compile(r"\{%-?\s*raw\s*-?%\}((?:(?!\{%-?\s*raw\b).)*?)\{%-?\s*endraw\s*-?%\}", re.S)
_LIQUID_COMMENT = re.compile(r"\{%-?\s*comment\s*-?%\}(?:(?!\{%-?\s*comment\b).)*?\{%-?\s*endcomment\s*-?%\}", re.S)
_ARG = re.compile(r'(?:([\w-]+)\s*=\s*)?("(?:[^"\\]|\\.)*"|`[^`]*`|[^\s"`]+)')
# `[text](target "title")`, `[text](<target>)` and `[name]: target` definitions
_LINK_TARGET = re.compile(r'(\]\(<?|^ {0,3}\[[^\]\n]+\]:[ \t]*<?)([^\s)>]+)(>?(?:[\s)]|$))', re.M)
_SCHEME = re.compile(r"^[a-zA-Z][\w+.-]*:")
_HTML_LINK = re.compile(r'(<(?:a|img)\b[^<>]*?\b(?:href|src)\s*=\s*")([^"]*)(")', re.I)
_LINKED_SHORTCODE = re.compile(r"""(\]\(\s*|\b(?:href|src)\s*=\s*")(\{\{[<%](?:(?!\{\{).)*?[>%]\}\})((?=\s*[)"']))""")
_URL_INSIDE = re.compile(r"https?://[^\s<>()\"']+")


def _opening(match: re.Match) -> str:
    """A link's opening, without a `<` that is never closed (`[x](<https://a.org)`), which Markdown
    would make part of the address."""
    opening = match.group(1)
    return opening[:-1] if opening.endswith("<") and not match.group(3).startswith(">") else opening


def _fence(lang: str | None, code: str | None) -> str:
    return f"```{lang or ''}\n{code or ''}\n```"


def _args(text: str) -> tuple[list[str], dict[str, str]]:
    positional, named = [], {}
    for name, value in _ARG.findall(text):
        value = value[1:-1].replace('\\"', '"') if value[:1] in '"`' else value
        if name:
            named[name.lower()] = value
        else:
            positional.append(value)
    return positional, named


def _shortcode(match: re.Match, resolver: Resolver, kept: list[str]) -> str:
    delimiter, comment, closing, name, rest = (match.group(1), match.group(2), match.group(3), match.group(4),
                                               match.group(5))
    if comment:  # `{{</* x */>}}` is how Hugo writes a shortcode as text
        end = ">" if delimiter == "<" else "%"
        return "{{" + delimiter + " " + (closing + name + rest).strip() + " " + end + "}}"
    positional, named = _args(rest)
    made = None if closing else _SHORTCODES.get(name.lower(), lambda *a: None)(positional, named, resolver)
    if made is None:
        kept.append(match.group(0))
        return match.group(0)
    return made


def _ref(positional, named, resolver: Resolver) -> str | None:
    target = (positional or [named.get("path", "")])[0]
    return _target(target, resolver, ref=True) if target else None


def _figure(positional, named, resolver: Resolver) -> str | None:
    src = named.get("src") or (positional[0] if positional else "")
    if not src:
        return None
    alt = named.get("alt") or named.get("title") or named.get("caption") or ""
    title = f' "{named["title"]}"' if named.get("title") and named.get("title") != alt else ""
    image = f"![{_plain(alt)}]({(_target(src, resolver) or src)}{title})"
    if named.get("link"):
        image = f"[{image}]({(_target(named['link'], resolver) or named['link'])})"
    caption = named.get("caption", "")
    return image + (f"\n\n*{_plain(caption)}*" if caption and caption != alt else "")


def _link(url: str, label: str) -> Callable:
    def make(positional, named, resolver) -> str | None:
        values = {k: v for k, v in named.items()}
        for i, key in enumerate(("id",)):
            if len(positional) > i:
                values.setdefault(key, positional[i])
        if "user" not in values and len(positional) == 2:  # `{{< tweet user id >}}`, `{{< gist user id >}}`
            values["user"], values["id"] = positional
        try:
            address = url.format(**values)
        except KeyError:
            return None
        return f"[{label}: {_plain(values.get('title', '') or values['id'])}]({address})"
    return make


def _param(positional, named, resolver: Resolver) -> str | None:
    name = (positional or [named.get("name", "")])[0]
    return _lookup(resolver.params, name) if name else None


_SHORTCODES: dict[str, Callable] = {
    "ref": _ref, "relref": _ref, "figure": _figure,
    "youtube": _link("https://www.youtube.com/watch?v={id}", "YouTube video"),
    "vimeo": _link("https://vimeo.com/{id}", "Vimeo video"),
    "tweet": _link("https://twitter.com/{user}/status/{id}", "Post"),
    "x": _link("https://x.com/{user}/status/{id}", "Post"),
    "gist": _link("https://gist.github.com/{user}/{id}", "Gist"),
    "instagram": _link("https://www.instagram.com/p/{id}/", "Instagram post"),
    "param": _param,
}


def _linked(written: str, resolver: Resolver, kept: list[str]) -> str:
    """A shortcode written as a link's target (`[text]({{< link "/x/" >}})`, `href="{{< x >}}"`): a known one as itself,
    any other as a link to its first argument, as themes' link helpers do. One that names nothing is
    left for the pass over every shortcode, which keeps it."""
    match = _SHORTCODE.fullmatch(written)
    if not match or match.group(3) or match.group(2):
        return written
    positional, named = _args(match.group(5))
    name = match.group(4).lower()
    if name in _SHORTCODES:
        return _SHORTCODES[name](positional, named, resolver) or written
    argument = (positional or [named.get("href") or named.get("url") or named.get("src") or named.get("path") or ""])[0]
    made = _target(argument, resolver, ref=True) if argument else None
    if made is not None:
        kept.append(LINKED + written)
    return written if made is None else made


def _liquid(match: re.Match, resolver: Resolver, kept: list[str]) -> str:
    tag, rest = match.group(1), match.group(2).strip()
    made = _target(rest.split()[0], resolver, ref=True) if tag in ("post_url", "link") and rest else None
    if made is not None:
        return made
    kept.append(match.group(0))
    return match.group(0)


_SITE_URL = re.compile(r"^(?:site\.(?:base)?url|site\.github\.url)$"
                       r"|^['\"](.*?)['\"]\s*\|\s*(?:relative_url|absolute_url)$")


def _output(match: re.Match, resolver: Resolver, kept: list[str]) -> str:
    """`{{ site.baseurl }}` is the site's root (the path after it is mapped as a site-root link);
    `{{ "/x" | relative_url }}` is `/x`; `{{ site.repository }}` or `{{ page.x }}` is that text of the
    config or the page (data, never evaluated); any other output is kept."""
    found = _SITE_URL.match(match.group(1))
    if found:
        return found.group(1) or ""
    if match.group(0).startswith(("{{<", "{{%")):
        return match.group(0)
    value = _lookup(resolver.params, match.group(1)[5:]) if _VARIABLE.match(match.group(1)) else None
    if value is not None:
        return value
    kept.append(match.group(0))
    return match.group(0)


_VARIABLE = re.compile(r"^(?:site|page)\.[\w.]+$")


def _lookup(data: dict[str, Any], dotted: str) -> str | None:
    """The text at `a.b.c` in the config or front matter (keys in any case), if it is plain text or a number."""
    value: Any = data
    for part in dotted.split("."):
        value = value.get(part, value.get(part.lower())) if isinstance(value, dict) else None
    return str(value) if isinstance(value, (str, int, float)) and not isinstance(value, bool) else None


def _target(target: str, resolver: Resolver, ref: bool = False) -> str | None:
    """A link target as sitegen reads it: the imported page or file it names, else the original site's
    address; None for a `ref` that names nothing when the site's address is unknown."""
    inside = _URL_INSIDE.search(target)
    if inside and not _SCHEME.match(target):  # `(https://x.org)` written inside the parentheses
        return inside.group(0)
    path, hash_, anchor = target.partition("#")
    if ref and _SCHEME.match(path):
        return target
    if ref:
        found = resolver.document(path)
        absolute = "/" + re.sub(r"(?:/?_?index)?\.(?:md|markdown|html)$", "/", path.lstrip("/"))
    elif (not path and hash_) or _SCHEME.match(path) or path.startswith(("//", "{")) or path.endswith(".md"):
        return target
    else:
        absolute = path if path.startswith("/") else posixpath.join(resolver.page or "/", path)
        absolute = (posixpath.normpath(absolute) + ("/" if path.endswith("/") and absolute != "/" else "")
                    if path else resolver.page)
        found = resolver.address(absolute)
    if found:
        return found + (f"#{anchor}" if anchor else "")
    if resolver.base_url and not absolute.startswith("/.."):
        return resolver.base_url + absolute + hash_ + anchor
    return None if ref else target


def _plain(text: str) -> str:
    """Text safe inside `[...]` or `*...*`: brackets, stars and line ends would end it early."""
    return re.sub(r"\s+", " ", re.sub(r"([\[\]*_\\])", r"\\\1", text)).strip()
