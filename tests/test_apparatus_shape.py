"""The shape that makes a new output easy: a document field declared once reaches the model and the page
context; templates of other formats are escaped for their format by extension."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from markupsafe import Markup

from sitegen import formats, outputs, pages, urls
from sitegen.build import build
from sitegen.config import load_config
from sitegen.errors import BuildFailed
from sitegen.model import Document
from sitegen.pages import Page
from sitegen.render import render_page
from sitegen.schema import DOCUMENT_FIELDS

HOSTILE = 'A } closes, { opens, 50% & $5 #1 a_b ^ ~ \\ "quoted"\nTY  - ER  -'


def test_every_carried_field_reaches_the_model_and_the_page_context(make_site):
    root = make_site()
    result = build(load_config(root / "sitegen.yaml", environ={}), until="render")
    doc = next(iter(result.site.documents.values()))
    page = next(p for p in pages.plan_document(result.site, doc, pages.rarity(result.site))
                if p.template == "document.html")
    for name, spec in DOCUMENT_FIELDS.items():
        if spec.carried:
            assert hasattr(doc, name) and name in page.context["doc"], name
        else:  # consumed while reading: `slug` became the id, `translation_of` a resolved link
            assert name not in page.context["doc"] and not hasattr(doc, "slug"), name
    assert isinstance(doc, Document) and page.context["doc"]["date_iso"] == doc.date.iso


def test_bibtex_escapes_every_special_and_keeps_braces_balanced():
    out = formats.bibtex(HOSTILE)
    assert "\n" not in out
    assert r"\}" in out and r"\{" in out and r"50\%" in out and r"\&" in out and r"\$5" in out and r"\#1" in out
    assert r"a\_b" in out and r"\textbackslash{}" in out
    depth = 0
    for i, ch in enumerate(out):
        if ch in "{}" and (i == 0 or out[i - 1] != "\\"):
            depth += 1 if ch == "{" else -1
            assert depth >= 0
    assert depth == 0


def test_ris_values_stay_on_one_line_and_json_and_csv_quote():
    assert "\n" not in formats.ris(HOSTILE)
    assert len(formats.ris("word " * 100)) <= 255
    assert json.loads(formats.json_value(HOSTILE)) == HOSTILE
    assert formats.csv_cell('a "b", c') == '"a ""b"", c"' and formats.csv_cell("plain") == "plain"


def test_a_template_is_escaped_for_the_format_its_extension_names(tmp_path):
    (tmp_path / "t.bib").write_text("@misc{x, title = {{ '{' }}{{ title }}{{ '}' }}, note = {{ raw }}}\n")
    (tmp_path / "t.json").write_text('{"title": {{ title }}, "n": {{ n }}}\n')
    (tmp_path / "t.xml").write_text("<t a=\"{{ title }}\">{{ title }}</t>\n")
    ctx = {"title": HOSTILE, "raw": Markup("{kept}"), "n": 3, "page_path": "x"}
    bib = render_page(str(tmp_path), Page("x.bib", "t.bib", ctx, "test"))[1].decode()
    assert r"A \} closes, \{ opens, 50\%" in bib and "note = {kept}" in bib
    data = json.loads(render_page(str(tmp_path), Page("x.json", "t.json", ctx, "test"))[1])
    assert data == {"title": HOSTILE, "n": 3}
    xml = render_page(str(tmp_path), Page("x.xml", "t.xml", ctx, "test"))[1].decode()
    assert "&#34;quoted&#34;" in xml and "&amp;" in xml and "<t a=" in xml


def test_a_template_of_an_unknown_format_is_a_located_error(tmp_path):
    (tmp_path / "t.tex").write_text("{{ title }}")
    with pytest.raises(BuildFailed) as info:
        render_page(str(tmp_path), Page("x.tex", "t.tex", {"title": "x"}, "test"))
    assert "no escaping known for `.tex`" in info.value.diagnostics[0].message


def test_a_per_document_output_is_one_row_and_one_template(make_site, monkeypatch, tmp_path):
    templates = tmp_path / "templates"
    shutil.copytree(Path(pages.__file__).parent.parent / "templates", templates)
    (templates / "document.txt").write_text("{{ doc.title }} / {{ doc.date_edtf }}\n")
    row = outputs.Output("Plain text", "document", lambda d, folder="": urls.document(d, "txt", folder), "document.txt",
                         media="text/plain")
    monkeypatch.setattr(outputs, "OUTPUTS", [*outputs.OUTPUTS, row])
    root = make_site()
    config = load_config(root / "sitegen.yaml", environ={})
    result = build(replace(config, templates=templates), until="render")
    for doc in result.site.documents.values():
        assert result.files[f"documents/{doc.id}.txt"].decode() == f"{doc.title} / {doc.date.edtf}\n"
        page = result.files[f"documents/{doc.id}.html"].decode()
        assert f'<link rel="alternate" type="text/plain" href="{doc.id}.txt"' in page  # offered as a download


def test_a_data_output_is_one_row_and_one_function(make_site, monkeypatch):
    """A file made from the site (a GeoJSON, say) is written into data/ and listed on the data page."""
    def made(site):
        return json.dumps(sorted(site.documents)).encode()
    row = outputs.Output("ids.json", "site", lambda: "data/ids.json", make=made, listed=("JSON", "data_documents_json"))
    monkeypatch.setattr(outputs, "OUTPUTS", [*outputs.OUTPUTS, row])
    root = make_site()
    result = build(load_config(root / "sitegen.yaml", environ={}), until="render")
    assert json.loads(result.files["data/ids.json"]) == sorted(result.site.documents)
    assert 'href="ids.json" download dir="ltr">ids.json</a>' in result.files["data/index.html"].decode()

def test_a_file_per_registry_entry_is_one_row_and_one_function(make_site, monkeypatch):
    """A GeoJSON per place, say: one row of the term scope and the function that makes it."""
    def made(site, term):
        return json.dumps({"type": "Feature", "properties": {"name": term.name("en")[0],
                                                             "documents": len(term.documents)}}).encode()
    row = outputs.Output("GeoJSON", "term", lambda term: f"data/{term.taxonomy}/{term.id}.geojson", make=made)
    monkeypatch.setattr(outputs, "OUTPUTS", [*outputs.OUTPUTS, row])
    root = make_site()
    result = build(load_config(root / "sitegen.yaml", environ={}), until="render")
    terms = [t for tax in result.site.taxonomies.values() for t in tax.terms.values()]
    assert terms and all(json.loads(result.files[f"data/{t.taxonomy}/{t.id}.geojson"])["properties"]["documents"]
                         == len(t.documents) for t in terms)
