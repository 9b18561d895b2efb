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
    ("list of 5,000 actors", hostile.many_terms(5000, "actors"), 8, "a list of more than 200 items"),
    ("10,000 terms", hostile.many_terms(10_000), 8, "a list of more than 200 items"),
    ("20,000 keys", "extra:\n" + "".join(f"  k{i}: v\n" for i in range(20_000)), 5001,
     "more than 10000 values in one front matter"),
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
    assert data.as_written(("extra",)) == {"a": "NO", "b": "0755", "c": "12:30", "d": "1.10",
                                           "e": ["yes", "1e3", "~", ""]}


def test_limits_are_read_from_the_config_and_raise_what_a_file_may_ask(make_site, capsys):
    fields = hostile.many_terms(300, "authors")
    make_site({DOC: hostile.document(fields=fields)})
    assert main(["check"]) == 1
    root = make_site({DOC: hostile.document(fields=fields)}, config=site_config(extra="limits:\n  list_items: 400\n"))
    capsys.readouterr()
    assert load_config(root / "sitegen.yaml").limits == Limits(list_items=400)
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


def test_extra_is_published_as_written(tmp_path):
    from sitegen.build import build
    from tests.conftest import write_site
    fields = "extra:\n  answer: NO\n  mode: 0755\n  time: 12:30\n  version: 1.10\n  empty:\n  list: [yes, 1e3]\n"
    root = write_site(tmp_path / "site", {DOC: hostile.document(fields=fields)})
    build(load_config(root / "sitegen.yaml", environ={}), out=tmp_path / "out")
    page = (tmp_path / "out/documents/hostile.html").read_text(encoding="utf-8")
    for shown in (">NO<", ">0755<", ">12:30<", ">1.10<"):
        assert shown in page, shown
    for python in (">False<", ">493<", ">750<", ">1.1<", "b&#39;", "{&#39;"):
        assert python not in page, python


@pytest.mark.parametrize("slug,fragment", [("con", "slug `con` is reserved on Windows"),
                                           ("lpt1", "reserved on Windows"),
                                           ("a" * 252, "slug is 252 bytes long, too long for the output file")])
def test_slugs_that_cannot_be_written_everywhere(slug, fragment, make_site, capsys):
    make_site({DOC: hostile.document(fields=f"slug: {slug}\n")})
    assert main(["check"]) == 1
    assert any(l.startswith(f"{DOC}:7:") and fragment in l for l in capsys.readouterr().err.splitlines())


@pytest.mark.parametrize("fields,line,what", [
    ("", 2, "`title` contains an invisible bidirectional override (U+202E)"),
    ("authors: [\"Ann\u200bOther\"]\n", 7, "`authors` contains an invisible zero-width space (U+200B)"),
])
def test_invisible_characters_in_titles_and_names_are_warnings(fields, line, what, make_site, capsys):
    make_site({DOC: hostile.document(fields=fields, title="Report\u202etxt.exe")})
    assert main(["check"]) == 0
    err = capsys.readouterr().err.splitlines()
    assert f"{DOC}:{line}:" in "\n".join(err) and any(what in l and ": warning: " in l for l in err), err
    assert main(["check", "--strict"]) == 1


def test_a_term_name_with_an_override_is_a_warning(make_site, capsys):
    from tests.conftest import FIXTURES
    actor = (FIXTURES / "base/content/actors/wang-yi.md").read_text(encoding="utf-8")
    make_site({"content/actors/wang-yi.md": actor.replace("en: Wang Yi", "en: Wang\u202eYi\n  fr: Wang Yi", 1)})
    assert main(["check"]) == 0
    assert any("`names` contains an invisible bidirectional override" in l
               for l in capsys.readouterr().err.splitlines())


def test_arabic_marks_are_not_disguise(make_site, capsys):
    make_site({DOC: hostile.document(title="تقرير\u200fعربي\u200c")})
    assert main(["check", "--strict"]) == 0, capsys.readouterr().err


CONFIG_CASES = [
    ("NUL in the config", "title: a\x00b\n",
     "sitegen.yaml:1:9: control character U+0000 is not allowed here (remove it)"),
    ("alias bomb in the config", "title: T\n" + hostile.alias_bomb(9, 9).replace("extra:", "extra:", 1),
     "values once aliases (`*name`) are expanded"),
    ("5,000-digit page size", "page_size: " + "9" * 5000 + "\n", "invalid value: a number too long to read"),
    ("binary tag", "title: !!binary aGVsbG8=\n", "the YAML tag `!!binary` is not allowed"),
    ("blank output", "paths:\n  output: '   '\n", "`output` is blank"),
    ("empty output", "paths:\n  output: ''\n", "`output` is blank"),
    ("lone surrogate", 'title: "\\udc80"\n', "lone surrogate U+DC80"),
]


@pytest.mark.parametrize("name,config,fragment", CONFIG_CASES, ids=[c[0] for c in CONFIG_CASES])
def test_hostile_config_is_one_located_error(name, config, fragment, make_site, capsys):
    make_site(config=config)
    code = main(["build"])
    err = capsys.readouterr().err
    assert code == 1 and "Traceback" not in err and "internal error" not in err
    assert any(l.startswith("sitegen.yaml:") and fragment in l for l in err.splitlines()), err
