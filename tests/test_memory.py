"""What keeps a large build's memory down without changing a byte: the documents' HTML kept out of
the site for the page workers (`render.SpilledHTML`), and pages written by the workers themselves
into the staging folder (`output.Staging`). Byte-identity with jobs=1 is in test_build.py."""

from __future__ import annotations

import os
from types import SimpleNamespace

import pytest

from sitegen.markup import Rendered
from sitegen.output import Staging, UnsafeOutput
from sitegen.render import SpilledHTML


def test_spilled_html_reads_back_exactly_and_leaves_the_text(tmp_path, monkeypatch):
    bodies = {"a": Rendered("<p>بيان <em>مشترك</em></p>\n", "بيان مشترك", ((2, "h", "H"),)),
              "b": Rendered("", "", ()), "c": Rendered("<p>x</p>", "x", ())}
    site = SimpleNamespace(documents={k: SimpleNamespace(body=v) for k, v in bodies.items()})
    site.documents["d"] = SimpleNamespace(body=None)  # a remembered site's document, without its body
    made = []
    monkeypatch.setattr("tempfile.TemporaryFile", lambda **kw: made.append(kw) or open(tmp_path / "spill", "w+b"))
    spilled = SpilledHTML(site, tmp_path)
    try:
        assert made == [{"dir": tmp_path}]  # beside the output, never /tmp (which may be memory)
        assert spilled.read("a") == (bodies["a"].html, bodies["a"].text) and spilled.read("c") == ("<p>x</p>", "x")
        assert set(spilled.at) == {"a", "c"}
        assert all(doc.body.html == doc.body.text == "" for doc in list(site.documents.values())[:3])
        spilled.restore_text(site)
        assert [doc.body.text for doc in list(site.documents.values())[:3]] == ["بيان مشترك", "", "x"]
        assert site.documents["a"].body.html == "" and site.documents["a"].body.headings == ((2, "h", "H"),)
        assert site.documents["d"].body is None
    finally:
        spilled.close()


def test_staging_writes_the_file_and_says_whether_it_changed(tmp_path):
    out, staging = tmp_path / "out", tmp_path / "staging"
    (out / "docs").mkdir(parents=True)
    staging.mkdir()
    (out / "docs/same.html").write_bytes(b"same")
    area = Staging(str(staging), str(out))
    written, changed = area.write("docs/same.html", b"same", b"k" * 20)
    assert not changed and (staging / "docs/same.html").read_bytes() == b"same"
    st = os.stat(staging / "docs/same.html")
    assert (written.key, written.size, written.mtime_ns, written.inode) == (b"k" * 20, 4, st.st_mtime_ns, st.st_ino)
    assert area.write("docs/same.html", b"other", b"k" * 20)[1]  # differs from the output's file
    assert area.write("new/deep/page.html", b"new", b"k" * 20)[1]  # folders made as needed
    assert (staging / "new/deep/page.html").read_bytes() == b"new"
    with pytest.raises(UnsafeOutput):  # a worker never writes outside the staging folder
        area.write("../escape.html", b"x", b"k" * 20)
    assert not (tmp_path / "escape.html").exists()
