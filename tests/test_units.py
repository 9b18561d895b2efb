"""Unit tests of the small pure modules: dates, front matter, markup, urls, config."""

from __future__ import annotations

import re

import pytest

from sitegen import urls
from sitegen.config import load_config
from sitegen.dates import parse_date
from sitegen.errors import BuildFailed
from sitegen.frontmatter import split_source
from sitegen.links import anchors
from sitegen.markup import Rendered, render_markdown


@pytest.mark.parametrize("text, en, ar", [
    ("2021-12-23", "23 December 2021", "23 ديسمبر 2021"),
    ("2019-11", "November 2019", "نوفمبر 2019"),
    ("2018~", "c. 2018", "نحو 2018"),
    ("2019-11-06?", "6 November 2019 (uncertain)", "6 نوفمبر 2019 (غير مؤكد)"),
    ("2020-02-29%", "c. 29 February 2020 (uncertain)", "نحو 29 فبراير 2020 (غير مؤكد)"),
])
def test_dates_display_in_words(text, en, ar):
    date = parse_date(text)
    assert (date.display("en"), date.display("ar")) == (en, ar)
    assert date.edtf == text


@pytest.mark.parametrize("text", ["2024-13-40", "2023-02-29", "2019-1-1", "19", "2019-11-31", "soon"])
def test_impossible_dates_are_rejected(text):
    with pytest.raises(ValueError):
        parse_date(text)


def test_dates_sort_by_earliest_day_then_precision():
    texts = ["2019-11-06", "2019", "2019-11", "2018-12-31~", "2019-11-06?"]
    ordered = sorted(texts, key=lambda t: (parse_date(t).sort_key, t))
    assert ordered == ["2018-12-31~", "2019", "2019-11", "2019-11-06", "2019-11-06?"]


def test_front_matter_keeps_dates_as_text_and_positions():
    source, problems = split_source(b"---\ntitle: x\ndate: 2021-12-23\nactors:\n  - a\n  - b\n---\nbody\n", "f.md")
    assert problems == []
    assert source.meta.data["date"] == "2021-12-23"
    assert source.meta.where(("actors", 1)) == (6, 5)
    assert source.body == "body\n" and source.body_line == 8


def test_front_matter_accepts_bom_and_crlf():
    source, problems = split_source("\ufeff---\r\ntitle: x\r\n---\r\nbody\r\n".encode(), "f.md")
    assert problems == [] and source.meta.data == {"title": "x"} and source.body == "body\n"


def test_front_matter_rejects_invalid_utf8_at_its_line():
    _, problems = split_source(b"---\ntitle: x\n---\n\xff\n", "f.md")
    assert [(p.line, p.message) for p in problems] == [(4, "file is not valid UTF-8")]


@pytest.mark.parametrize("body", ["{{ 7*7 }}", "{% raw %}", "{#id}", "{% for x in y %}"])
def test_template_syntax_in_content_stays_literal(body):
    html = render_markdown(f"Text {body} end").html
    assert body.replace("<", "&lt;") in html


@pytest.mark.parametrize("attack", [
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "[x](javascript:alert(1))",
    "<iframe src='https://evil.example'></iframe>", "<a href='javascript:alert(1)'>x</a>",
    "<svg onload=alert(1)>", "<div style='background:url(javascript:alert(1))'>x</div>",
    "<object data=x></object>", "<form action=x><input></form>",
])
def test_raw_html_from_content_cannot_run(attack):
    html = render_markdown(attack).html.lower()
    for bad in ("<script", "onerror", "onload", "javascript:", "<iframe", "<svg", "style=", "<object", "<form",
                "<input"):
        assert bad not in html


def test_markdown_gives_text_and_heading_anchors():
    rendered = render_markdown("# Part one\n\nSome *text*.\n\n## قسم\n\nنص.")
    assert rendered.headings == ((2, "part-one", "Part one"), (3, "قسم", "قسم"))
    assert rendered.text == "Part one\n\nSome text.\n\nقسم\n\nنص."


def test_anchors_are_ids_as_whole_attribute_names():
    html = 'id="s"<h2 id="a">A</h2><p id="">x</p><span xid="b" data-id="c" _id="d" éid="e" ٣id="f">id="g"</span>'
    assert anchors(Rendered(html, "", ())) == {"s", "a", "", "c", "g"} == set(re.findall(r'\bid="([^"]*)"', html))


@pytest.mark.parametrize("src, dst, link", [
    ("index.html", "actors/wang-yi.html", "actors/wang-yi.html"),
    ("documents/x.html", "actors/wang-yi.html", "../actors/wang-yi.html"),
    ("actors/x/page-2.html", "index.html", "../../index.html"),
    ("actors/x.html", "actors/index.html", "index.html"),
    ("chronology.html", "chronology.html#y2021", "chronology.html#y2021"),
])
def test_links_are_page_relative_files(src, dst, link):
    assert urls.relative(src, dst) == link


def test_config_reports_every_problem_with_its_line(tmp_path):
    path = tmp_path / "sitegen.yaml"
    path.write_text("titel: x\nsearch:\n  body: some\ntaxonomies:\n  places:\n    optinal: true\n")
    with pytest.raises(BuildFailed) as failed:
        load_config(path)
    lines = [(d.line, d.message.split("`")[1] if "`" in d.message else d.message) for d in failed.value.diagnostics]
    assert lines == [(1, "titel"), (3, "body"), (6, "optinal")]


def test_build_date_comes_from_source_date_epoch(tmp_path):
    path = tmp_path / "sitegen.yaml"
    path.write_text("title: x\n")
    assert load_config(path, environ={"SOURCE_DATE_EPOCH": "1700000000"}).build_date == "2023-11-14"
    assert load_config(path, environ={}).build_date == ""


def test_libyaml_and_pure_python_loaders_give_the_same_data_and_positions():
    from sitegen import frontmatter
    from tests.conftest import ROOT
    texts = [p.read_text(encoding="utf-8").split("---\n")[1] for p in sorted((ROOT / "content").rglob("*.md"))]
    texts.append("title: 'وانغ يي: \"x\"'\nn: no\nd: 2021-12-23\nl:\n  - a\n  - {b: [1, 2.5, ~]}\nm: |\n  x\n  y\n")
    for text in texts:
        out = []
        for loader in (frontmatter._FastLoader, frontmatter._StrictLoader):
            instance = loader(text)
            node = instance.get_single_node()
            instance.dispose()
            out.append(frontmatter._converted(node, instance, "x.md", 2))
        (fast, fast_problems), (pure, pure_problems) = out
        assert (fast.data, fast.positions, fast_problems) == (pure.data, pure.positions, pure_problems)


def test_the_mark_table_scans_every_plane_that_has_marks():
    import sys
    import unicodedata

    from sitegen.analysis import _marks
    every = {chr(cp) for cp in range(sys.maxunicode + 1) if unicodedata.category(chr(cp))[0] == "M"}
    assert _marks() == every and len(every) > 2000
