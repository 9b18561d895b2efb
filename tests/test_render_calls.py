"""The page environment's shortcuts (`render._Context.call`, `_Macro`, `_CodeGenerator`, `_markup_join`)
give what stock Jinja gives: macro calls with and without defaults, with keywords, `caller`, varargs
and kwargs, attribute lookups on dicts, objects and undefined values, and `~` joins of text and Markup."""

from __future__ import annotations

import jinja2
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
