"""Each kind of thing is declared once and flows from its table (issue 24): a document field's roles
(page, search, exports) from `schema.DOCUMENT_FIELDS`, CONTRIBUTING.md's field table generated from it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

from sitegen.config import load_config
from sitegen.schema import field_table
from tests.conftest import ROOT, document, site_config, write_site

GUIDE = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
# The one line a new field is: shown in provenance (after `url`), weighted in search, in its results
PLACE = ('    "place": Field("text", "where the events happened", label={"en": "Place", "ar": "المكان"}, page=7, '
         'weight=4, facet=4, record=True),\n')


def test_the_guide_holds_the_generated_field_table():
    start = GUIDE.index("<!-- field-table:start")
    table = GUIDE[GUIDE.index("-->\n", start) + 4:GUIDE.index("<!-- field-table:end -->")]
    taxonomies = load_config(ROOT / "sitegen.yaml", environ={}).taxonomies
    assert table == field_table(tuple(t.field for t in taxonomies)), \
        "regenerate it: python -c 'from sitegen.schema import field_table; " \
        "print(field_table((\"actors\", \"topics\")), end=\"\")'"


def build_with_line(tmp_path, line: str, before: str, files: dict[str, str]):
    """Build `files` with a copy of sitegen whose schema.py has `line` inserted before `before`: the site folder."""
    package = tmp_path / "code" / "sitegen"
    shutil.copytree(ROOT / "sitegen", package, ignore=shutil.ignore_patterns("__pycache__"))
    schema = (package / "schema.py").read_text(encoding="utf-8")
    assert schema.count(before) == 1
    (package / "schema.py").write_text(schema.replace(before, line + before), encoding="utf-8")
    site = write_site(tmp_path / "site", files, base=False, config=site_config(extra="taxonomies:\n  actors: {}\n"))
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "code")}
    run = subprocess.run([sys.executable, "-m", "sitegen", "build", "--no-cache", "--jobs", "1"], cwd=site, env=env,
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    return site


def test_a_field_added_in_one_line_reaches_the_page_search_and_exports(tmp_path):
    site = build_with_line(tmp_path, PLACE, '    "genre": Field(',
                           {"content/documents/kabul.md": document("Talks", place="Kabul, Afghanistan")})
    out = site / "build"
    page = (out / "documents/kabul.html").read_text(encoding="utf-8")
    assert "<dt>Place</dt><dd>Kabul, Afghanistan</dd>" in page
    record = (out / "search/r/0.js").read_text(encoding="utf-8")
    assert '"place":"Kabul, Afghanistan"' in record
    core = json.loads((out / "search/core.js").read_text(encoding="utf-8").split(" = ", 1)[1].rstrip().rstrip(";"))
    assert "place" in core["fields"] and core["boosts"][core["fields"].index("place")] == 4
    assert "place" in [f["name"] for f in core["facets"]]
    assert "place" in (out / "data/documents.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
    assert json.loads((out / "data/documents.json").read_text(encoding="utf-8"))[0]["place"] == "Kabul, Afghanistan"
    # and the same build without the line has none of it: the field's roles come from that line alone
    (site / "content/documents/kabul.md").write_text(document("Talks"), encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "sitegen", "build", "--no-cache"], cwd=site, capture_output=True,
                         env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert run.returncode == 0 and "Place" not in (out / "documents/kabul.html").read_text(encoding="utf-8")


def test_a_term_field_added_in_one_line_reaches_the_registry_export(tmp_path):
    """A new registry field (coordinates of a place, say) is validated, kept and exported, not dropped."""
    site = build_with_line(tmp_path, '    "coordinates": Field("text", "latitude, longitude"),\n',
                           '    "extra": Field("mapping", "anything else, free form", default=dict)',
                           {"content/documents/kabul.md": document("Talks", actors=["Kabul"]),
                            "content/actors/kabul.md": "---\nname: Kabul\ncoordinates: 34.53, 69.17\n---\n"})
    (entry,) = json.loads((site / "build/data/actors.json").read_text(encoding="utf-8"))
    assert entry["coordinates"] == "34.53, 69.17" and entry["names"] == {"": "Kabul"} and entry["document_count"] == 1


def test_the_config_dataclasses_default_as_the_schema_says():
    """Parsing reads each default from `config.SCHEMA` (`config.default`); the dataclasses' own
    defaults (what code building a Config by hand gets) must say the same."""
    import dataclasses
    from sitegen import config
    owners = {(): config.Config, ("search",): config.SearchConfig, ("links",): config.LinksConfig,
              ("attachments",): config.AttachmentsConfig, ("taxonomies",): config.TaxonomyConfig}
    compared = 0
    for at, owner in owners.items():
        keys = config.SCHEMA if not at else config.SCHEMA[at[0]].keys
        declared = {f.name: f.default for f in dataclasses.fields(owner) if f.default is not dataclasses.MISSING}
        for name, key in keys.items():
            if name in declared and not key.keys:
                expected = config.default(*at, name)
                assert declared[name] == (tuple(expected) if isinstance(expected, list) else expected), (at, name)
                compared += 1
    assert compared >= 12
