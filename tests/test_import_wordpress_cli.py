"""`sitegen import wordpress` end to end: an export written here is imported into a small archive, which
then passes `sitegen check` with no errors and builds; a second import writes nothing; drafts, a
hostile export and a dry run write nothing that should not be written."""

from __future__ import annotations

from sitegen.cli import main
from sitegen.schema import DOCUMENT_FIELDS
from tests.test_import_wordpress import export, item, sample


def files_of(root):
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and "build" not in p.relative_to(root).parts
            and ".sitegen-cache" not in p.relative_to(root).parts}


def test_import_check_build_and_import_again(make_site, capsys, tmp_path):
    root = make_site(config=None)
    (root / "sitegen.yaml").write_text((root / "sitegen.yaml").read_text() + "languages: [en, ar]\n")
    wxr = tmp_path / "export.xml"
    wxr.write_text(sample(), encoding="utf-8")
    uploads = tmp_path / "uploads"
    (uploads / "2021" / "10").mkdir(parents=True)
    (uploads / "2021" / "10" / "scan.jpg").write_bytes(b"\xff\xd8\xff\xe0 a jpeg")

    assert main(["import", "wordpress", str(wxr), "--media", str(uploads)]) == 0, capsys.readouterr()
    out = capsys.readouterr().out
    assert "[contact-form-7] kept as written" in out  # the report names what was not carried over
    imported = [p for p in (root / "content" / "documents").rglob("*.md") if "arabic-report" not in p.name
                and "first-report" not in p.name]
    texts = {p.name: p.read_text(encoding="utf-8") for p in imported}
    scheduling = "draft" in DOCUMENT_FIELDS and "embargo" in DOCUMENT_FIELDS  # without them drafts are left out
    assert len(imported) == (9 if scheduling else 6)  # posts 1, 2, (3, 5, 9,) 8, 13 and pages 4, 12; no trash, menu
    assert any("نص لم ينشر" in t for t in texts.values()) == scheduling
    arabic = next(t for t in texts.values() if "وانغ يي" in t)
    assert "language: \"ar\"" in arabic or "language: ar" in arabic
    assert "scan.jpg" in arabic  # the upload was copied beside it and listed as an attachment
    assert any(p.name == "scan.jpg" for p in (root / "content" / "documents").rglob("scan.jpg"))
    assert "<script" not in "".join(texts.values())

    assert main(["check"]) == 0, capsys.readouterr()
    capsys.readouterr()
    assert main(["build", "--jobs", "1"]) == 0, capsys.readouterr()
    built = "".join(p.read_text(encoding="utf-8", errors="replace") for p in (root / "build").rglob("*.html"))
    assert "China calls for joint efforts" in built
    assert "نص لم ينشر" not in built  # the draft is never published

    before = files_of(root)
    assert main(["import", "wordpress", str(wxr), "--media", str(uploads)]) == 0
    assert files_of(root) == before  # a second import of the same export writes nothing


def test_a_hostile_export_writes_nothing(make_site, capsys, tmp_path):
    root = make_site()
    before = files_of(root)
    wxr = tmp_path / "bomb.xml"
    wxr.write_text(export(item(1, "&lol2;", "x", name="x"),
                          head='<!DOCTYPE rss [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>\n'))
    assert main(["import", "wordpress", str(wxr)]) == 1
    err = capsys.readouterr().err
    assert "bomb.xml:2:" in err and "declares a DTD" in err
    assert files_of(root) == before


def test_dry_run_and_a_taxonomy_option(make_site, capsys, tmp_path):
    root = make_site()
    before = files_of(root)
    wxr = tmp_path / "export.xml"
    wxr.write_text(export(item(1, "Post", "Body", name="post", categories=
                               '<category domain="category" nicename="news"><![CDATA[News]]></category>')))
    assert main(["import", "wordpress", str(wxr), "--dry-run", "--taxonomy", "category=", "--language", "en"]) == 0
    assert files_of(root) == before
    assert main(["import", "wordpress", str(wxr), "--taxonomy", "category=subjects"]) in (1, 2)
    assert "subjects" in capsys.readouterr().err
    assert files_of(root) == before


def test_options_that_cannot_be_used_write_nothing(make_site, capsys, tmp_path):
    root = make_site()
    before = files_of(root)
    wxr = tmp_path / "export.xml"
    wxr.write_text(export(item(1, "Post", "Body", name="post")))
    for options, said in ((["--language", "english"], "`english` is not a BCP 47 language tag"),
                          (["--media", str(tmp_path / "nowhere")], "--media is not a folder"),
                          (["--taxonomy", "category"], "--taxonomy `category` is not DOMAIN=NAME")):
        assert main(["import", "wordpress", str(wxr), *options]) == 1
        assert said in capsys.readouterr().err
    assert files_of(root) == before
