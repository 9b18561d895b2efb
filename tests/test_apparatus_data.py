"""Data exports: the CSV read back and checked against the site's own pages, the JSON files, the
Frictionless descriptor, and the "About the data" page that links them."""

from __future__ import annotations

import csv
import html
import io
import json
import re

from sitegen.build import build
from sitegen.config import load_config
from sitegen.schema import DOCUMENT_FIELDS
from tests.conftest import site_config


def read_csv(path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_the_csv_read_back_matches_every_document_page(sample_build):
    rows = read_csv(sample_build / "data/documents.csv")
    pages = sorted(p.stem for p in sample_build.glob("documents/*.html"))
    assert sorted(r["id"] for r in rows) == pages
    for row in rows:
        page = (sample_build / row["page"]).read_text(encoding="utf-8")
        title = html.unescape(re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S)[1])
        assert title == row["title"]
        assert f'title="{row["date"]}"' in page  # the EDTF date the page shows in its <time>
        assert html.escape(row["source"], quote=False) in page
        for actor in filter(None, row["actors"].split("; ")):
            assert re.search(rf'href="\.\./([a-z]+/)?actors/{actor}\.html"', page), actor  # in the page's edition
        assert len(row["actors"].split("; ")) == len(row["actors_names"].split("; "))


def test_header_follows_the_field_table_and_the_datapackage_describes_it(sample_build):
    with open(sample_build / "data/documents.csv", newline="", encoding="utf-8") as f:
        header = next(csv.reader(f))
    carried = [name for name, field in DOCUMENT_FIELDS.items() if field.carried]
    assert header == ["id", "page", *carried, "translation_of", "actors", "actors_names", "topics", "topics_names"]
    package = json.loads((sample_build / "data/datapackage.json").read_text(encoding="utf-8"))
    table = next(r for r in package["resources"] if r["path"] == "documents.csv")
    assert [f["name"] for f in table["schema"]["fields"]] == header
    assert all(f["description"] for f in table["schema"]["fields"])
    for resource in package["resources"]:
        assert (sample_build / "data" / resource["path"]).is_file()


def test_json_exports_agree_with_the_csv_and_count_documents(sample_build):
    rows = read_csv(sample_build / "data/documents.csv")
    text = (sample_build / "data/documents.json").read_text(encoding="utf-8")
    docs = json.loads(text)
    assert [d["id"] for d in docs] == [r["id"] for r in rows]
    lines = text.splitlines()  # one document a line, between the brackets: read, grep and diff by line
    assert lines[0] == "[" and lines[-1] == "]" and [json.loads(line.rstrip(",")) for line in lines[1:-1]] == docs
    assert all([a["id"] for a in d["actors"]] == list(filter(None, r["actors"].split("; ")))
               for d, r in zip(docs, rows))
    for name in ("actors", "topics"):
        terms = json.loads((sample_build / f"data/{name}.json").read_text(encoding="utf-8"))
        assert terms and all({"id", "names", "aliases", "kind", "wikidata", "description", "document_count"} <= set(t)
                             for t in terms)
        for term in terms:
            assert term["document_count"] == sum(term["id"] in r[name].split("; ") for r in rows)


def test_hostile_values_survive_the_csv(make_site):
    title = 'Commas, "quotes"\nand a line; with semicolon'
    doc = (f"---\ntitle: {json.dumps(title)}\ndate: 2018~\nsource: Wire\nlanguage: en\nauthors: [A, 'B, C']\n"
           "extra: {page: 3, note: 'x'}\n---\nBody.\n")
    root = make_site({"content/documents/hostile.md": doc}, config=site_config())
    files = build(load_config(root / "sitegen.yaml", environ={}), until="render").files
    rows = list(csv.DictReader(io.StringIO(files["data/documents.csv"].decode("utf-8"), newline="")))
    row = next(r for r in rows if r["id"] == "hostile")
    assert row["title"] == title and row["date"] == "2018~" and row["authors"] == "A; B, C"
    assert json.loads(row["extra"]) == {"note": "x", "page": "3"}  # extra is kept as written
    data = json.loads(files["data/documents.json"])
    assert next(d for d in data if d["id"] == "hostile")["authors"] == ["A", "B, C"]


def test_about_the_data_page_is_linked_from_every_page(sample_build):
    page = (sample_build / "data/index.html").read_text(encoding="utf-8")
    for name in ("documents.csv", "documents.json", "actors.json", "topics.json", "datapackage.json"):
        assert f'href="{name}"' in page
    for path in ("index.html", "search.html", "actors/china.html", "data/index.html"):
        assert re.search(r'href="(\.\./)?(data/)?index.html"[^>]*>About the data<',
                         (sample_build / path).read_text(encoding="utf-8")), path
