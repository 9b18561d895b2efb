"""Front matter from an untrusted pull request: every hostile value is one located error, never a
traceback, a hang, a Python repr in a page or a silent change of what the contributor wrote."""

from __future__ import annotations

import time

import pytest

from sitegen.cli import main
from sitegen.config import load_config
from sitegen.frontmatter import load_yaml
from sitegen.limits import Limits
from tests import hostile
from tests.conftest import site_config

DOC = "content/documents/hostile.md"

# (name, front-matter lines, file line, message fragment)
CASES = [
    ("alias bomb", hostile.alias_bomb(9, 9), 12, "values once aliases (`*name`) are expanded"),
    ("recursive alias", "extra: &a [*a]\n", 7, "alias `*a` is inside the value it names"),
    ("flow nested 10,000 deep", hostile.deep_yaml_flow(10_000), 8, "values nested more than 32 deep"),
    ("block nested 100 deep", hostile.deep_yaml_block(100), 39, "values nested more than 32 deep"),
    ("5,000-digit number", "extra: {n: " + "9" * 5000 + "}\n", 7, "invalid value: a number too long to read"),
    ("NUL byte", "notes: a\x00b\n", 7, "control character U+0000 is not allowed here"),
    ("escape character", "notes: a\x1b[31mb\n", 7, "control character U+001B is not allowed here"),
    ("escaped NUL", 'notes: "a\\0b"\n', 7, "control character U+0000 is not allowed here"),
    ("lone surrogate", 'notes: "\\uD800"\n', 7, "lone surrogate U+D800 is not allowed here"),
    ("!!binary", "extra: {b: !!binary aGVsbG8=}\n", 7, "the YAML tag `!!binary` is not allowed"),
    ("!!set", "extra: {s: !!set {a, b}}\n", 7, "the YAML tag `!!set` is not allowed"),
    ("!!omap", "extra: {s: !!omap [a: 1]}\n", 7, "the YAML tag `!!omap` is not allowed"),
    ("unknown tag", "extra: {s: !custom x}\n", 7, "the YAML tag `!custom` is not allowed"),
    ("python tag", "extra: {s: !!python/object:os.system x}\n", 7, "is not allowed"),
    ("explicit timestamp", "extra: {d: !!timestamp 2020-01-01}\n", 7, "the YAML tag `!!timestamp` is not allowed"),
    ("merge key", "extra:\n  base: &b {x: 1}\n  copy:\n    <<: *b\n", 10, "merge keys (`<<: *name`) are not supported"),
    ("list of 5,000 actors", hostile.many_terms(5000, "actors"), 8, "a list of 5000 items, over the limit of 1000"),
    ("non-text key", "? [a, b]\n: 1\n", 7, "keys must be text"),
]


@pytest.mark.parametrize("name,fields,line,fragment", CASES, ids=[c[0] for c in CASES])
def test_hostile_front_matter_is_one_located_error(name, fields, line, fragment, make_site, capsys):
    make_site({DOC: hostile.document(fields=fields)})
    started = time.perf_counter()
    code = main(["check"])
    elapsed = time.perf_counter() - started
    err = capsys.readouterr().err
    assert code == 1, err
    assert "Traceback" not in err and "internal error" not in err
    assert any(l.startswith(f"{DOC}:{line}:") and fragment in l for l in err.splitlines()), err
    assert elapsed < 30  # a loose bound: the measured figures are in benchmarks/hostile_bench.py


def test_free_form_values_are_kept_as_written():
    data, problems = load_yaml("extra: {a: NO, b: 0755, c: 12:30, d: 1.10, e: [yes, 1e3, ~, '']}\n", "f")
    assert problems == []
    assert data.data["extra"]["a"] is False  # what YAML 1.1 makes of it ...
    assert data.as_written(("extra",)) == {"a": "NO", "b": "0755", "c": "12:30", "d": "1.10", "e": ["yes", "1e3", "~", ""]}


def test_limits_are_read_from_the_config_and_raise_what_a_file_may_ask(make_site, capsys):
    fields = hostile.many_terms(1500, "authors")
    make_site({DOC: hostile.document(fields=fields)})
    assert main(["check"]) == 1
    root = make_site({DOC: hostile.document(fields=fields)}, config=site_config(extra="limits:\n  list_items: 2000\n"))
    capsys.readouterr()
    assert load_config(root / "sitegen.yaml").limits == Limits(list_items=2000)
    assert main(["check"]) == 0, capsys.readouterr().err


@pytest.mark.parametrize("limits,message", [
    ("limits:\n  list_item: 5\n", "sitegen.yaml:8:3: unknown config key `list_item` (did you mean `list_items`?)"),
    ("limits:\n  footnotes: 0\n", "sitegen.yaml:8:3: `footnotes` must be at least 1"),
    ("limits:\n  footnotes: lots\n", "sitegen.yaml:8:3: `footnotes` must be a whole number, not 'lots'"),
])
def test_bad_limits_are_config_errors(limits, message, make_site, capsys):
    make_site(config=site_config(extra=limits))
    assert main(["check"]) == 1
    assert message in capsys.readouterr().err.splitlines()
