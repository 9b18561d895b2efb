"""The Jinja environment, and rendering planned pages (over `workers.parallel_iter`).

Every output is escaped for its format, chosen by the template's extension (`formats`): HTML and
XML autoescaped, `.bib`, `.ris`, `.json`, `.csv` through their own escapers. An undefined variable is an error, so a template typo fails the build naming the
template line and the page instead of printing nothing. Content reaches templates only as values
(never as template source).
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import hashlib
import io
import os
import pickle
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence

import jinja2
import jinja2.compiler
import jinja2.meta
import markupsafe

from sitegen import formats, theme, urls
from sitegen.cache import Memo, digest
from sitegen.errors import BuildFailed, Diagnostic
from sitegen.markup import Rendered
from sitegen.model import Site
from sitegen.pages import Page, Plan, made, plan_document
from sitegen.ui import STRINGS
from sitegen.workers import parallel_iter

TEMPLATE_EXTENSIONS = tuple(sorted(formats.AUTOESCAPED | set(formats.ESCAPERS)))
_envs: dict[str, jinja2.Environment] = {}  # template extension -> environment, for `_env_folders`
_env_folders: tuple[str, ...] = ()
_env_files: dict[str, Path] = {}  # what the layers resolved to when the environments were made
Templates = "str | os.PathLike[str] | theme.Folders"  # one folder, or layers (the project's, then the theme's)


class Compiled(jinja2.BytecodeCache):
    """The templates' compiled code, by Jinja's key for each (its name and file) and the format of the
    environment that compiled it, which `build` keeps between builds in the memo: compiling the
    templates of a document's pages took 0.07 s of a one-edit build. Jinja uses an entry only if its
    template's source, Jinja's bytecode format and Python's version are those it was compiled from;
    any other is compiled again. The format is part of the key because the code escapes as its
    environment does: a `.txt` partial included by an HTML page is compiled to escape HTML there,
    and to call the text format's `finalize` when a `.txt` page renders it."""

    def __init__(self) -> None:
        self.code: dict[str, bytes] = {}
        self.changed = False

    def get_bucket(self, environment: jinja2.Environment, name: str, filename: str | None, source: str
                   ) -> jinja2.bccache.Bucket:
        key = f"{self.get_cache_key(name, filename)}{getattr(environment, 'format', '')}"
        bucket = jinja2.bccache.Bucket(environment, key, self.get_source_checksum(source))
        self.load_bytecode(bucket)
        return bucket

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.key in self.code:
            bucket.bytecode_from_string(self.code[bucket.key])

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.code[bucket.key] = bucket.bytecode_to_string()
        self.changed = True


COMPILED = Compiled()  # every environment's, in this process (a forked worker inherits what is in it)


def make_environment(templates: Templates, extension: str = ".html") -> jinja2.Environment:
    """The environment for templates ending in `extension`: autoescaped, or finalized by the format's
    escaper. A template is looked up in each folder of `templates` in turn (`theme`)."""
    finalize = formats.finalizer(extension)
    env = _Environment(
        loader=jinja2.FileSystemLoader(list(theme.as_folders(templates))), autoescape=finalize is None, undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True, finalize=finalize, bytecode_cache=COMPILED,
    )
    env.format = extension  # its templates' code is compiled for it (`Compiled`)
    env.filters["rel"] = _rel
    env.filters["bibtex"] = formats.bibtex_field
    return env


def _escape(value: Any) -> Any:
    """What autoescaped templates write for `{{ value }}`: the escaped text of a plain string without
    wrapping it in a `Markup` (the output is only joined into the page, and making a Markup took most
    of the time of three million escapes at 10,000 documents); any other value as markupsafe does."""
    return _escape_text(value) if type(value) is str else markupsafe.escape(value)


_escape_text = getattr(markupsafe, "_escape_inner", markupsafe.escape)  # markupsafe's C escaper (3.0), if it has one


def _markup_join(seq: Iterable[Any]) -> str:
    """Jinja's `markup_join` (what `a ~ b` is in an autoescaped template), the same answer: plain text
    joined, or Markup with each plain part escaped as soon as one part is Markup; without Jinja's
    generator and its call per part (`d[key ~ '_iso']` is three joins per listed date)."""
    parts = [part if type(part) is str else soft_str(part) for part in seq]
    for part in parts:
        if hasattr(part, "__html__"):
            return markupsafe.Markup("").join(parts)
    return "".join(parts)


soft_str = jinja2.runtime.soft_str


class _Macro(jinja2.runtime.Macro):
    """Jinja's Macro, knowing whether a call can skip its argument handling (`_Context.call`): no
    `caller`, `varargs` or `kwargs` of its own, in a synchronous environment."""

    def __init__(self, environment, func, name, arguments, catch_kwargs, catch_varargs, caller,
                 default_autoescape=None):  # type: ignore[no-untyped-def]
        super().__init__(environment, func, name, arguments, catch_kwargs, catch_varargs, caller, default_autoescape)
        self._plain = not (catch_kwargs or catch_varargs or caller or self.explicit_caller or environment.is_async)


_SCOPE_KEYS = frozenset({"_loop_vars", "_block_vars"})  # what templates pass to every call, which a macro ignores


class _Context(jinja2.runtime.Context):
    """A context whose `call` of a plain macro (`_Macro._plain`) with positional arguments only calls
    its function as `Macro.__call__` would in the end (absent arguments `missing`, the output Markup
    when escaping is on): a page's listings made a dozen macro calls per document, each going through
    the generic `Context.call`, `Macro.__call__` and `Macro._invoke`. Any other call is Jinja's."""

    def call(__self, __obj, *args, **kwargs):  # type: ignore[no-untyped-def,override]  # noqa: N805
        if type(__obj) is _Macro and __obj._plain and len(args) <= __obj._argument_count and kwargs.keys() <= _SCOPE_KEYS:
            if len(args) < __obj._argument_count:
                args += (jinja2.runtime.missing,) * (__obj._argument_count - len(args))
            try:
                rv = __obj._func(*args)
            except StopIteration:
                return __self.environment.undefined("value was undefined because a callable raised a"
                                                    " StopIteration exception")
            return markupsafe.Markup(rv) if __self.eval_ctx.autoescape else rv
        return super().call(__obj, *args, **kwargs)


class _Template(jinja2.Template):
    """A template whose code escapes its output with `_escape`, joins with `_markup_join` and makes
    `_Macro`s (the names its code looks up)."""

    @classmethod
    def _from_namespace(cls, environment, namespace, globals):  # type: ignore[override]
        namespace["escape"] = _escape
        namespace["markup_join"] = _markup_join
        namespace["Macro"] = _Macro
        return super()._from_namespace(environment, namespace, globals)


class _CodeGenerator(jinja2.compiler.CodeGenerator):
    """Compiles `x.name` to find a dict's key in place: `(_o['name'] if type(_o := x) is dict and 'name'
    in _o else environment.getattr(_o, 'name'))`, the answer `_Environment.getattr` gives, without
    its Python call for each of the million lookups of a 2,000-document build (`_o` is read only
    right after it is set, so lookups inside `x` do not disturb it)."""

    @jinja2.compiler.optimizeconst
    def visit_Getattr(self, node, frame):  # type: ignore[no-untyped-def,override]
        if self.environment.is_async:
            return super().visit_Getattr(node, frame)
        name = repr(node.attr)
        self.write(f"(_o[{name}] if type(_o := ")
        self.visit(node.node, frame)
        self.write(f") is dict and {name} in _o else environment.getattr(_o, {name}))")


class _Environment(jinja2.Environment):
    """Templates read contexts' dicts as `item.key`; Jinja tries the attribute first and takes the
    key only after an AttributeError, a million times in a 2,000-document build. A dict's key is
    looked up first here (a key named like a dict method, such as `items`, reads as the key), and a
    key it lacks is undefined at once, as Jinja would find after two exceptions (`d.shared is defined`
    on every listed document)."""

    template_class = _Template
    context_class = _Context
    code_generator_class = _CodeGenerator
    format = ".html"  # the extension of the templates it renders, whose escaping it applies

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict:
            if attribute in obj:
                return obj[attribute]
            if not hasattr(dict, attribute):
                return self.undefined(obj=obj, name=attribute)
        return super().getattr(obj, attribute)


def environment(templates: Templates, template: str) -> jinja2.Environment:
    """The environment for `template`, made once per process and format."""
    global _env_folders
    folders = theme.as_folders(templates)
    if _env_folders != folders:
        _envs.clear()
        _env_folders = folders
    extension = _suffix(template)
    if extension not in _envs:
        _envs[extension] = make_environment(folders, extension)
    return _envs[extension]


def use_templates(templates: Templates) -> None:
    """Begin a build with `templates`: environments made when the layers resolved a name to another
    file (a project's override added or removed since) are dropped, for Jinja's own reload checks
    only the file it loaded. Called in the parent, before any page worker forks."""
    global _env_files
    resolved = theme.files(templates)
    if resolved != _env_files:
        _envs.clear()
        _env_files = resolved


def compile_templates(templates: Templates, names: Iterable[str]) -> None:
    """Compile `names` in this process, before page workers fork from it: they inherit the compiled
    templates instead of each compiling them, and the code is in `COMPILED` for the next build. A
    template that does not compile is left for rendering to report."""
    for name in names:
        try:
            environment(templates, name).get_template(name)
        except (jinja2.TemplateError, ValueError, OSError, UnicodeDecodeError):
            continue


@functools.lru_cache(maxsize=256)
def _suffix(template: str) -> str:
    return Path(template).suffix


def template_sources(templates: Templates) -> dict[str, set[str]]:
    """For each template, every template it is made of (itself, what it extends, includes or imports,
    and so on): a page must be rendered again when one of these changes, and only then. A template
    that names another by a variable, or cannot be parsed, is taken to use them all."""
    resolved = theme.files(templates)
    names = list(resolved)
    env = make_environment(templates)
    direct: dict[str, set[str]] = {}
    for name in names:
        try:
            found = set(jinja2.meta.find_referenced_templates(env.parse(resolved[name].read_text(encoding="utf-8"))))
        except (jinja2.TemplateSyntaxError, UnicodeDecodeError):
            found = {None}
        direct[name] = set(names) if None in found else {n for n in found if n in direct or n in names}
    closure = {}
    for name in names:
        seen, stack = set(), [name]
        while stack:
            current = stack.pop()
            if current not in seen:
                seen.add(current)
                stack += direct.get(current, ())
        closure[name] = seen
    return closure


@jinja2.pass_context
def _rel(context, target: str) -> str:
    """`{{ 'actors/x.html' | rel }}`: the link from the page being rendered to `target`. The page's
    path is looked up as `context["page_path"]` would, without its two method calls per link."""
    names = context.vars
    path = names["page_path"] if "page_path" in names else context.parent["page_path"]
    return _relative(path.rpartition("/")[0], target)


@functools.lru_cache(maxsize=1 << 16)
def _relative(folder: str, target: str) -> str:
    """`urls.relative` from any page in `folder`: pages of one folder link to the same menus, assets
    and listed documents, so most links are worked out once per folder instead of once per page."""
    return urls.relative_from(folder, target)


def render_page(templates: Templates, page: Page) -> tuple[str, bytes]:
    """Render one page, escaped for the format its template's extension names."""
    try:
        env = environment(templates, page.template)
    except ValueError as exc:  # a template extension with no known escaping
        raise BuildFailed([Diagnostic(_shown(templates, page), 1, 1, str(exc))]) from None
    try:
        html = env.get_template(page.template).render(page.context)
    except jinja2.TemplateSyntaxError as exc:
        raise BuildFailed([Diagnostic(exc.filename or page.template, exc.lineno or 1, 1,
                                      f"template syntax error: {exc.message}")]) from None
    except jinja2.TemplateNotFound as exc:
        raise BuildFailed([Diagnostic(_shown(templates, page), 1, 1, f"template not found: {exc.name}",
                                      "check paths.templates in sitegen.yaml")]) from None
    except (jinja2.UndefinedError, TypeError, ValueError, KeyError, AttributeError) as exc:
        line, name = _template_line(exc, page.template)
        raise BuildFailed([Diagnostic(name, line, 1, f"while rendering {page.path}: {exc}",
                                      "see the template contract in sitegen/pages.py")]) from None
    except Exception as exc:  # noqa: BLE001 - a crash is this page's error, named by its source
        raise BuildFailed([Diagnostic(_source(page), 1, 1, f"crashed while rendering {page.path}: "
                                      f"{type(exc).__name__}: {str(exc)[:200]}",
                                      "a bug in sitegen or the templates; please report it with this file")]) from None
    try:
        return page.path, html.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise BuildFailed([Diagnostic(_source(page), 1, 1, f"while rendering {page.path}: "
                                      f"{exc.reason} (U+{ord(exc.object[exc.start]):04X})", "remove the character")]) from None


def _shown(templates: Templates, page: Page) -> str:
    """Where a page's template would be in the first layer: what an error about the template names."""
    return str(Path(theme.as_folders(templates)[0]) / page.template)


def _source(page: Page) -> str:
    """The file a page comes from (a document's path), else its template: where a crash is reported."""
    return page.source if page.source.endswith(".md") else page.template


def _template_line(exc: BaseException, default: str) -> tuple[int, str]:
    """Find the template frame in the traceback: Jinja compiles templates to code named after the file."""
    tb, found = exc.__traceback__, (1, default)
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(TEMPLATE_EXTENSIONS):
            found = (tb.tb_lineno, filename)
        tb = tb.tb_next
    return found


def template_keys(templates: Templates) -> dict[str, bytes]:
    """Template name -> a digest of every template it is made of: what a page's key needs of them
    (each as the layers resolve it, so adding or removing a project's override changes the key)."""
    uses = template_sources(templates)
    resolved = theme.files(templates)
    files = {name: hashlib.blake2b(resolved[name].read_bytes()).digest() for name in set().union(*uses.values())}
    return {name: digest(*(part for used in sorted(made_of) for part in (used, files[used])))
            for name, made_of in uses.items()}


def page_keys(keys: dict[str, bytes], pages: list[Page]) -> list[bytes]:
    """What each page is made from: its templates, path and context (equal keys, equal bytes). Pages
    planned together (a document's outputs, `outputs.of("document")`) hold the same values but for `page_path`, so
    their context is pickled and hashed once: that was a tenth of the time to plan and render them."""
    found, last, common = [], {}, b""
    for page in pages:
        rest = {name: value for name, value in page.context.items() if name != "page_path"}
        if list(rest) != list(last) or any(value is not last[name] for name, value in rest.items()):
            table = _strings_digest(rest["ui"]) if "ui" in rest else None
            last, common = rest, digest(_pickled(rest if table is None else dict(rest, ui=table)))
        found.append(digest(keys.get(page.template, b"missing"), page.path, page.template, common))
    return found


_tables: dict[int, tuple[Any, bytes]] = {}  # id -> (an interface strings table, the digest of its pickle)


def _strings_digest(value: Any) -> bytes | None:
    """The digest of `value` when it is one of `ui.STRINGS`' tables (a page's `ui`: every page of a
    language has that one table, and its pickle was a quarter of each page's), worked out once per
    table; None for any other value. The table is held, so its id names it while it is known."""
    known = _tables.get(id(value))
    if known is not None and known[0] is value:
        return known[1]
    if not any(value is table for table in STRINGS.values()):
        return None
    _tables[id(value)] = (value, digest("interface strings", _pickled(value)))
    return _tables[id(value)][1]


def _pickled(context: dict[str, Any]) -> bytes:
    """A context's pickle that depends on its values only, not on which of them are one object: the
    pickler's memo is off (`fast`), so a value written twice is written twice, not as a reference to
    the first. A page planned from the model the last build remembered (`incremental`), whose
    unpickled documents share no strings with the rest, then has the key the full build gave it."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=5)
    pickler.fast = True
    pickler.dump(context)
    return buffer.getvalue()


class SpilledHTML:
    """The documents' bodies (HTML and text), moved out of the site into an unlinked temporary file in
    `folder` (document id -> where in it) while the pages are rendered: only a document's own page shows its
    HTML, so the page workers read it from there one document at a time, and the parent forks them
    without the bodies (about a GB at 100,000 documents). `restore_text` puts the text back for the
    search; the HTML stays out. `keep`: the file is kept there instead, with each body's headings,
    once the pages are written (`kept`): a template edit renders from it (`Shelf`) without making
    the bodies again."""

    def __init__(self, site: Site, folder: Path, keep: Path | None = None):
        self.keep, self.token = keep, os.urandom(TOKEN)
        if keep is None:
            self.file = tempfile.TemporaryFile(dir=folder)  # beside the output, on its disk: /tmp may be memory (tmpfs)
        else:
            self.file = open(_unfinished(keep), "w+b")
            self.file.write(self.token)
        self.at: dict[str, tuple[int, int, int, int]] = {}  # id -> offset, bytes of HTML, of text, of pickled headings
        offset = self.file.tell()
        for doc_id, doc in site.documents.items():
            if doc.body is None or not (doc.body.html or doc.body.text):
                continue
            html, text = (part.encode("utf-8", "surrogatepass") for part in (doc.body.html, doc.body.text))
            headings = pickle.dumps(doc.body.headings, protocol=5) if keep is not None else b""
            self.file.write(html + text + headings)
            self.at[doc_id] = (offset, len(html), len(text), len(headings))
            offset += len(html) + len(text) + len(headings)
            doc.body = dataclasses.replace(doc.body, html="", text="")
        self.file.flush()
        self.end = offset

    def read(self, doc_id: str) -> tuple[str, str]:
        """A document's HTML and text (its page's description may be the start of the text)."""
        offset, size, text, _ = self.at[doc_id]
        both = os.pread(self.file.fileno(), size + text, offset)
        return both[:size].decode("utf-8", "surrogatepass"), both[size:].decode("utf-8", "surrogatepass")

    def body(self, doc_id: str, body: Any) -> Any:
        """`body` (the site's, emptied) with its HTML and text back."""
        html, text = self.read(doc_id)
        return dataclasses.replace(body, html=html, text=text)

    def restore_text(self, site: Site) -> None:
        for doc_id, (offset, html, text, _) in self.at.items():
            doc = site.documents[doc_id]
            doc.body = dataclasses.replace(doc.body, text=os.pread(self.file.fileno(), text, offset + html)
                                           .decode("utf-8", "surrogatepass"))

    def close(self, kept: bool = False) -> "Shelf | None":
        """Close; with `keep` and `kept` (the pages are written), the file is put in its place and
        described for the next build, else removed."""
        self.file.close()
        if self.keep is None:
            return None
        if not kept:
            os.unlink(_unfinished(self.keep))
            return None
        os.replace(_unfinished(self.keep), self.keep)
        return Shelf(str(self.keep), self.token, self.at, self.end)


TOKEN = 16  # random bytes opening a kept bodies file: which build wrote it


def _unfinished(path: Path) -> Path:
    return path.with_name(f"{path.name}.tmp-{os.getpid()}")


@dataclass(frozen=True)
class Shelf:
    """Where the last full build kept its documents' bodies as the pages showed them (`SpilledHTML`
    with `keep`): a template edit re-renders every document's page from the remembered model, which
    keeps no bodies, and making them again (records, Markdown and links, from the memo) took a
    third of it. A file another build has replaced since has another token, one cut short another
    size: then it is not used."""

    path: str
    token: bytes
    at: dict[str, tuple[int, int, int, int]]
    size: int

    def open(self, leave_out: Iterable[str] = ()) -> "ShelfReader | None":
        """The bodies, but those of `leave_out` (changed since), as `SpilledHTML` gives them to page
        workers; None when the file is gone or is another build's."""
        try:
            file = open(self.path, "rb")
        except OSError:
            return None
        if file.read(TOKEN) != self.token or os.fstat(file.fileno()).st_size != self.size:
            file.close()
            return None
        gone = set(leave_out)
        return ShelfReader(file, {doc_id: at for doc_id, at in self.at.items() if doc_id not in gone})


class ShelfReader:
    """A kept bodies file open for the page workers (`Job.html`): each body read whole, headings too."""

    def __init__(self, file: Any, at: dict[str, tuple[int, int, int, int]]):
        self.file, self.at = file, at

    def body(self, doc_id: str, body: Any) -> Any:
        offset, html, text, headings = self.at[doc_id]
        data = os.pread(self.file.fileno(), html + text + headings, offset)
        return Rendered(data[:html].decode("utf-8", "surrogatepass"), data[html:html + text].decode("utf-8", "surrogatepass"),
                        pickle.loads(data[html + text:]))

    def restore_text(self, site: Site) -> None:
        """Nothing to restore: the site never held these bodies."""

    def close(self, kept: bool = False) -> None:
        self.file.close()


@dataclass(frozen=True)
class Job:
    """What every worker of the pages stage shares. Inherited when the pool forks, so a worker is sent
    only a document id or a page number, and plans, keys and renders the pages itself."""

    templates: tuple[str, ...]  # the folders templates are looked up in (`theme`)
    site: Site
    plan: Plan
    keys: dict[str, bytes]  # template_keys
    known: dict[str, bytes]  # output path -> the key of the file the last build wrote there
    keep_bytes: bool = True  # False for `check`: render every page, send nothing back
    staging: Any = None  # output.Staging: the worker writes each page it renders and sends back its stat
    html: "SpilledHTML | ShelfReader | None" = None  # the documents' bodies, when they are kept out of the site
    only: frozenset[str] | None = None  # the templates of a document's pages to plan (the others are kept as they are)
    ranked: bool = False  # send each document's related list back (as a page at RANKED), for the next template edit


RANKED = ""  # the path of a unit's entry that is its document's related list (`Job.ranked`), not a page


def render_plan(job: Job, jobs: int, units: list[str | int] | None = None, forked: Callable[[], None] | None = None
                ) -> Iterator[tuple[str | int, list[tuple[str, bytes, Any]]]]:
    """Each unit of the plan (a number of one of `plan.pages`, or a document id for its
    outputs) with its pages as (path, key, bytes); bytes are None for a page whose key
    is the one `known` has (nothing to render) and when `keep_bytes` is off, and with `staging`
    what its `write` returned instead (the parent never holds the pages). The site's own pages go
    first: the largest (chronology, sources) are among them, and then they do not finish last.
    `units`: only these. `forked`: see `parallel_iter`."""
    global _planner
    if units is None:
        units = [*range(len(job.plan.pages)), *job.plan.documents]
    _planner = os.getpid()
    yield from zip(units, parallel_iter(_render_unit, units, jobs, shared=job, forked=forked))


_planner = 0  # the process that called `render_plan` last; a page worker is forked from it


def _render_unit(job: Job, unit: str | int) -> list[tuple[str, bytes, Any]]:
    if _planner and os.getpid() != _planner:
        _settle_worker()
    if isinstance(unit, int):
        pages = [made(job.site, job.plan.pages[unit])]
    else:
        doc = job.site.documents[unit]
        if job.html is not None and unit in job.html.at:
            doc = copy.copy(doc)
            doc.body = job.html.body(unit, doc.body)
        pages = plan_document(job.site, doc, job.plan.rarity)
        if job.only is not None:
            pages = [page for page in pages if page.template in job.only]
    done = []
    for page, key in zip(pages, page_keys(job.keys, pages)):
        data = None if job.known.get(page.path) == key else render_page(job.templates, page)[1]
        if data is not None and job.staging is not None:
            data = job.staging.write(page.path, data, key)
        done.append((page.path, key, data if job.keep_bytes else None))
    if job.ranked and isinstance(unit, str):
        done.append((RANKED, b"", job.plan.rarity.lists.pop(unit, None)))  # (the parent keeps them, not the worker)
    return done


def _settle_worker() -> None:
    """In a page worker: its environments stop asking the disk whether each template changed (a `stat`
    per template a page is made of, with Jinja's `auto_reload`). A worker lives for one build's pages,
    and the parent it was forked from loaded every template, checked, just before (`compile_templates`)."""
    global _planner
    for env in _envs.values():
        env.auto_reload = False
    _planner = 0


def load_compiled(memo: Memo, folders: Sequence[Path]) -> None:
    """The templates' code the last build kept (`keep_compiled`), into `COMPILED`."""
    COMPILED.code, COMPILED.changed = memo.load("compiled", _compiled_key(folders)) or {}, False


def _compiled_key(folders: Sequence[Path]) -> bytes:
    return digest("compiled templates", *templates_of(folders))


def keep_compiled(memo: Memo, folders: Sequence[Path]) -> None:
    """Keep the templates' code for the next build (`render.Compiled`), if this one compiled any."""
    if COMPILED.changed:
        memo.store("compiled", _compiled_key(folders), COMPILED.code)
        COMPILED.changed = False


def templates_of(folders: Sequence[Path]) -> tuple[str, ...]:
    """The folders the pages' templates are looked up in, as a render `Job` holds them."""
    return tuple(str(f) for f in folders)
