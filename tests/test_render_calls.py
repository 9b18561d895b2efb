"""The page environment's shortcuts (`render._Context.call`, `_Macro`, `_CodeGenerator`, `_markup_join`)
give what stock Jinja gives: macro calls with and without defaults, with keywords, `caller`, varargs
and kwargs, attribute lookups on dicts, objects and undefined values, and `~` joins of text and Markup."""

from __future__ import annotations

import jinja2
import jinja2.compiler
import jinja2.runtime
import pytest
from markupsafe import Markup

from sitegen import render

MACROS = """\
{% macro plain(a, b) %}[{{ a }}|{{ b }}]{% endmacro %}
{% macro defaults(a, b="<b>", c=none) %}[{{ a }}|{{ b }}|{{ c }}]{% endmacro %}
{% macro wraps(a) %}<w>{{ a }}:{{ caller() }}</w>{% endmacro %}
{% macro rest(a) %}{{ a }}{{ varargs | join(",") }}{{ kwargs | dictsort | join(",") }}{% endmacro %}
"""
PAGE = """{% import "m.html" as m %}
{{ m.plain(x, "<y>") }} {{ m.defaults(x) }} {{ m.defaults(x, c=1) }} {{ m.defaults(b=2, a=x) }}
{% call m.wraps(x) %}inner {{ d.k }}{% endcall %} {{ m.rest(1, 2, 3, z=4) }}
{% for i in items %}{{ m.plain(i.name, loop.index) }}{% endfor %}
{{ d.k ~ "&" ~ safe }} {{ d.missing is defined }} {{ o.real }} {{ d.k.upper() }} {{ (d.n).k }}
"""


def environments(tmp_path):
    (tmp_path / "m.html").write_text(MACROS, encoding="utf-8")
    (tmp_path / "page.html").write_text(PAGE, encoding="utf-8")
    stock = jinja2.Environment(loader=jinja2.FileSystemLoader(str(tmp_path)), autoescape=True,
                               undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                               keep_trailing_newline=True)
    return stock, render.make_environment(str(tmp_path))


VALUES = {"x": "<x>", "items": [{"name": "<n1>"}, {"name": "n2"}], "d": {"k": "a<b", "n": {"k": 5}},
          "safe": Markup("<i>s</i>"), "o": 3}


def test_the_shortcuts_render_what_jinja_renders(tmp_path):
    stock, ours = environments(tmp_path)
    expected = stock.get_template("page.html").render(VALUES)
    assert "[&lt;x&gt;|&lt;b&gt;|None]" in expected and "<w>&lt;x&gt;:inner a&lt;b</w>" in expected
    assert ours.get_template("page.html").render(VALUES) == expected


def test_a_macro_called_with_too_many_arguments_or_an_unknown_keyword_still_fails(tmp_path):
    stock, ours = environments(tmp_path)
    for env in (stock, ours):
        with pytest.raises(TypeError, match="takes not more than 2"):
            env.from_string('{% import "m.html" as m %}{{ m.plain(1, 2, 3) }}').render()
        with pytest.raises(TypeError, match="no keyword argument 'q'"):
            env.from_string('{% import "m.html" as m %}{{ m.plain(1, q=2) }}').render()


def test_a_dict_key_named_like_a_dict_method_is_the_key_and_a_missing_one_is_undefined(tmp_path):
    _, ours = environments(tmp_path)
    template = ours.from_string("{{ d.items }}|{{ d.gone is defined }}|{{ d.keys is defined }}")
    assert template.render(d={"items": "<it>"}) == "&lt;it&gt;|False|True"
    with pytest.raises(jinja2.UndefinedError):
        ours.from_string("{{ d.gone }}").render(d={})


# Templates a user's theme may hold, beyond the default theme's: nested lookups, call, set and filter
# blocks, namespaces, recursion, filters taking attributes; rendered by a stock environment with the
# one documented difference (a dict's key before its attribute) and by sitegen's.
class _Stock(render._Environment):
    """Jinja's own template, context and compiler, with sitegen's one documented difference (a dict's
    key before its attribute, `_Environment.getattr`)."""

    template_class = jinja2.Template
    context_class = jinja2.runtime.Context
    code_generator_class = jinja2.compiler.CodeGenerator


class _Thing:
    title = "<b>an object</b>"
    items = ("a", "b")

    def __init__(self):
        self.child = {"name": "child & co", "deep": {"x": 3}}


CONTEXT = {
    "d": {"title": "<i>t</i>", "items": [1, 2], "nested": {"a": {"b": "deep"}}, "n": 0, "none": None},
    "obj": _Thing(),
    "m": Markup("<em>safe</em>"),
    "rows": [{"name": "x<", "tags": ["p", "q"]}, {"name": "y>", "tags": []}],
    "num": 7,
    "page_path": "a/b.html",
}

TEMPLATES = [
    "{{ d.title }}|{{ d.items }}|{{ d.nested.a.b }}|{{ obj.title }}|{{ obj.child.name }}|{{ obj.child.deep.x }}",
    "{{ d.missing is defined }}|{{ obj.items|join(',') }}|{{ d.none is none }}|{{ d['title'] }}",
    "{% for r in rows %}{{ loop.index }}{{ r.name }}{% for t in r.tags %}{{ t }}{% else %}-{% endfor %}{% endfor %}",
    "{{ d.title ~ m ~ num }}|{{ 'a' ~ 'b' }}|{{ num ~ 1 }}|{{ (m ~ d.title)|length }}",
    "{% macro f(a, b='B', c=none) %}[{{ a }}{{ b }}{{ c }}]{% endmacro %}{{ f(1) }}{{ f(1, 2) }}{{ f(1, c=3) }}"
    "{{ f(d.title, m) }}",
    "{% macro v() %}{{ varargs|join('/') }}{{ kwargs|dictsort }}{% endmacro %}{{ v(1, 2, x=3) }}",
    "{% macro w(x) %}<{{ caller(x) }}>{% endmacro %}{% call(y) w(d.title) %}got {{ y }}{% endcall %}",
    "{% macro z(x) %}{{ x }}{% endmacro %}{% set s %}{{ z(d.title) }}{{ z(m) }}{% endset %}{{ s }}|{{ s|length }}",
    "{% filter upper %}{{ d.title }}{{ obj.child.name }}{% endfilter %}",
    "{% set ns = namespace(t=0) %}{% for r in rows %}{% set ns.t = ns.t + r.tags|length %}{% endfor %}{{ ns.t }}",
    "{{ rows|map(attribute='name')|join(',') }}|{{ rows|selectattr('tags')|list|length }}",
    "{% macro r(n) %}{% if n %}{{ n }}{{ r(n - 1) }}{% endif %}{% endmacro %}{{ r(3) }}",
    "{% macro k(a) %}{{ a }}{% endmacro %}{{ k(a=d.title) }}{{ k(m) }}",
    "{{ 'x/y.html'|rel }}|{{ [d.title, obj.title]|join(' ') }}|{{ {'k': d.nested.a}.k.b }}",
    "{% with q = d.nested %}{{ q.a.b }}{% endwith %}{% if d.n == 0 and d.nested.a.b %}yes{% endif %}",
]


def _both(source):
    env = render.make_environment([])
    stock = _Stock(autoescape=True, undefined=jinja2.StrictUndefined, keep_trailing_newline=True,
                   trim_blocks=True, lstrip_blocks=True)
    stock.filters.update(env.filters)
    return env.from_string(source), stock.from_string(source)


@pytest.mark.parametrize("source", TEMPLATES)
def test_templates_render_as_stock_jinja_renders_them(source):
    ours, stock = _both(source)
    assert ours.render(CONTEXT) == stock.render(CONTEXT)


@pytest.mark.parametrize("source", ["{{ d.nope.x }}", "{{ obj.nope }}",
                                    "{% macro f(a) %}{{ a.b }}{% endmacro %}{{ f(d) }}"])
def test_undefined_fails_as_stock_jinja_fails(source):
    ours, stock = _both(source)
    with pytest.raises(jinja2.UndefinedError) as mine:
        ours.render(CONTEXT)
    with pytest.raises(jinja2.UndefinedError) as theirs:
        stock.render(CONTEXT)
    assert str(mine.value) == str(theirs.value)
