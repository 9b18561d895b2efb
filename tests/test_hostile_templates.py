"""Templates are the one way content could run script (autoescaping is on for every value): `check`
warns at each place a template turns escaping off, and `--strict` fails on it."""

from __future__ import annotations

import shutil

import pytest

from sitegen.cli import main
from sitegen.trust import audit_templates
from tests.conftest import ROOT, site_config


def test_the_shipped_templates_never_turn_escaping_off():
    assert audit_templates(ROOT / "templates") == []


@pytest.mark.parametrize("snippet,message", [
    ("{{ doc.title | safe }}", "`doc.title | safe` turns off escaping"),
    ("{{ doc['summary']|safe }}", "`doc['summary'] | safe` turns off escaping"),
    ("{% for k, v in doc.extra %}{{ v|safe }}{% endfor %}", "`v | safe` turns off escaping"),
    ("{% autoescape false %}{{ doc.title }}{% endautoescape %}", "`{% autoescape false %}` turns off escaping"),
])
def test_check_warns_where_a_template_turns_escaping_off(snippet, message, make_site, tmp_path, capsys):
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    page = templates / "document.html"
    lines = page.read_text(encoding="utf-8").splitlines()
    lines.insert(2, snippet)
    page.write_text("\n".join(lines) + "\n", encoding="utf-8")
    make_site(config=site_config(templates=templates))
    assert main(["check"]) == 0
    err = capsys.readouterr().err.splitlines()
    assert any(l.endswith(f"document.html:3:1: warning: {message} (content could run script in the page; leave "
                          "values escaped (bodies are already sanitised markup))") for l in err), err
    assert main(["check", "--strict"]) == 1


def test_a_call_to_markup_is_reported_too(tmp_path):
    (tmp_path / "page.html").write_text("<p>\n{{ Markup(doc.title) }}</p>\n", encoding="utf-8")
    (warning,) = audit_templates(tmp_path)
    assert (warning.line, warning.message, warning.severity) == (2, "`Markup(doc.title)` turns off escaping", "warning")


def test_a_template_that_does_not_parse_is_left_to_the_build(tmp_path):
    (tmp_path / "broken.html").write_text("{{ doc.title | safe ", encoding="utf-8")
    assert audit_templates(tmp_path) == []
