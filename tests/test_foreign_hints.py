"""Someone arriving from Hugo, Jekyll or WordPress hears what their front-matter key is called here,
before any spelling guess; TOML and JSON front matter are named as such."""

from __future__ import annotations

from sitegen.config import load_config
from sitegen.frontmatter import split_source
from sitegen.schema import validate_document
from tests.conftest import site_config, write_site


def problems(tmp_path, front: str, extra: str = "") -> list[str]:
    root = write_site(tmp_path / "s", {}, config=site_config(extra=extra))
    config = load_config(root / "sitegen.yaml", environ={})
    source, found = split_source(f"---\n{front}\n---\nText.\n".encode(), "x.md")
    return [d.format() for d in found + validate_document(source, "x.md", "x", config)[1]]


BASE = "title: T\ndate: 2021-01-01\nsource: S\nlanguage: en\nsummary: S.\n"


def test_a_known_foreign_key_is_answered_before_a_spelling_guess(tmp_path):
    found = problems(tmp_path, BASE + "PublishDate: 2030-01-01\ndescription: D.")
    assert ("x.md:7:1: unknown field `PublishDate` (write `embargo: YYYY-MM-DD`, the day it may be published from)"
            in found)
    assert "x.md:8:1: unknown field `description` (write it as `summary`)" in found  # not "did you mean `dateline`"


def test_the_taxonomy_hint_names_the_sites_own_taxonomies(tmp_path):
    extra = "taxonomies:\n  people: {field: people}\n  places: {field: places}\n"
    found = problems(tmp_path, BASE + "categories: [a]", extra)
    assert any("`people` or `places`, or declare one in sitegen.yaml" in line for line in found)
    assert problems(tmp_path, BASE + "tags: [a]", "taxonomies:\n  tags: {optional: true}\n") == []


def test_an_unknown_key_of_no_generator_still_gets_a_spelling_guess(tmp_path):
    assert "x.md:7:1: unknown field `sumary` (did you mean `summary`?)" in problems(tmp_path, BASE + "sumary: S.")


def test_json_front_matter_is_named():
    _, found = split_source(b'{\n  "title": "T"\n}\nText.\n', "x.md")
    assert [d.format() for d in found] == ["x.md:1:1: JSON front matter (Hugo): sitegen reads YAML between `---` lines "
                                          "(convert it with `sitegen import hugo DIR`)"]
