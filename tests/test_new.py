"""`sitegen new`: the files it writes are named right, pass `check` as written, and are never overwritten."""

from __future__ import annotations

import datetime

from sitegen.cli import main
from tests.test_build import parse


def test_new_document_passes_check_and_builds_with_the_given_values(make_site, capsys):
    root = make_site()
    title = 'No: "quoted" {{ not a template }} # not a comment'
    assert main(["new", title, "--source", "Xinhua", "--date", "2021-12-23?"]) == 0
    path = root / "content/documents/2021-12-23-no-quoted-not-a-template-not-a-comment.md"
    assert capsys.readouterr().out.splitlines()[0] == f"created {path.relative_to(root)}"
    text = path.read_text(encoding="utf-8")
    assert "# the outlet or publisher (required)\nsource: \"Xinhua\"" in text
    assert "# actors:\n#   - " in text and "# summary: " in text  # optional fields offered, commented out
    assert main(["check"]) == 0
    assert "document has no `summary`" in capsys.readouterr().err  # the one thing left to write
    assert main(["build", "--jobs", "1"]) == 0
    page = (root / "build/documents/2021-12-23-no-quoted-not-a-template-not-a-comment.html").read_text(encoding="utf-8")
    assert "No: &#34;quoted&#34; {{ not a template }} # not a comment" in page or \
           "No: &quot;quoted&quot; {{ not a template }} # not a comment" in page
    assert "Paste the text" not in page  # the guidance comment is not published


def test_new_document_defaults_to_today_and_the_site_language(make_site, capsys):
    root = make_site()
    assert main(["new", "A", "plain", "title"]) == 0  # unquoted words make one title
    today = datetime.date.today().isoformat()
    text = (root / f"content/documents/{today}-a-plain-title.md").read_text(encoding="utf-8")
    assert f'date: "{today}"' in text and 'language: "en"' in text and 'source: "Unattributed"' in text
    assert "note: no --source given" in capsys.readouterr().out
    assert main(["check"]) == 0


def test_new_arabic_document_needs_an_id_and_then_passes_check(make_site, capsys):
    root = make_site()
    assert main(["new", "بيان وزير الخارجية", "--language", "ar", "--date", "2021-10-08"]) == 2
    err = capsys.readouterr().err
    assert "the title has no Latin letters" in err and "--id 2021-10-08-statement" in err
    assert not list((root / "content/documents").glob("2021-10-08*"))
    assert main(["new", "بيان وزير الخارجية", "--language", "ar", "--date", "2021-10-08",
                 "--id", "2021-10-08-gctf-statement-ar", "--source", "وزارة الخارجية"]) == 0
    text = (root / "content/documents/2021-10-08-gctf-statement-ar.md").read_text(encoding="utf-8")
    assert 'title: "بيان وزير الخارجية"' in text and 'language: "ar"' in text
    assert main(["check"]) == 0
    assert main(["build", "--jobs", "1"]) == 0
    assert parse(root / "build/documents/2021-10-08-gctf-statement-ar.html").html_attrs["dir"] == "rtl"


def test_new_actor_and_topic_pass_check_and_can_be_used_at_once(make_site, capsys):
    root = make_site()
    assert main(["new", "actor", "Salahuddin", "Rabbani", "--kind", "person"]) == 0
    assert main(["new", "topic", "Terrorist financing", "--language", "en"]) == 0
    actor = (root / "content/actors/salahuddin-rabbani.md").read_text(encoding="utf-8")
    assert 'names:\n  en: "Salahuddin Rabbani"' in actor and 'kind: "person"' in actor
    assert "one of: person, state" in actor  # the allowed kinds come from the config
    assert (root / "content/topics/terrorist-financing.md").is_file()
    assert main(["check"]) == 0
    doc = root / "content/documents/first-report.md"
    doc.write_text(doc.read_text(encoding="utf-8").replace("  - Wang Yi\n", "  - Wang Yi\n  - Salahuddin Rabbani\n")
                   .replace("  - cooperation\n", "  - cooperation\n  - terrorist financing\n"), encoding="utf-8")
    capsys.readouterr()
    assert main(["check"]) == 0
    assert "used by no document" not in capsys.readouterr().err


def test_new_refuses_to_overwrite_and_rejects_bad_values(make_site, capsys):
    root = make_site()
    existing = sorted((root / "content").rglob("*.md"))
    target = root / "content/actors/wang-yi.md"
    before = target.read_bytes()
    assert main(["new", "actor", "Wang Yi"]) == 2
    assert "content/actors/wang-yi.md already exists; not overwriting it" in capsys.readouterr().err
    assert target.read_bytes() == before
    assert main(["new", "Report", "--date", "2021-02-30"]) == 2
    assert "`2021-02-30` is impossible" in capsys.readouterr().err
    assert main(["new", "Report", "--language", "english!"]) == 2
    assert main(["new", "actor", "Someone", "--kind", "persn"]) == 2
    assert "unknown kind `persn`" in capsys.readouterr().err
    assert main(["new", "Report", "--id", "Not Portable"]) == 2
    assert "not a portable file name" in capsys.readouterr().err
    assert sorted((root / "content").rglob("*.md")) == existing


def test_new_translation_is_linked_to_its_original(make_site, capsys):
    root = make_site()
    assert main(["new", "Report in English", "--date", "2021-10-08?", "--source", "Site", "--translation-of",
                 "arabic-report"]) == 0
    path = root / "content/documents/2021-10-08-report-in-english.md"
    assert 'translation_of: "arabic-report"' in path.read_text(encoding="utf-8")
    assert main(["check"]) == 0
    assert main(["build", "--jobs", "1"]) == 0
    assert "2021-10-08-report-in-english.html" in parse(root / "build/documents/arabic-report.html").links
    assert main(["new", "Another", "--translation-of", "no-such-doc"]) == 0
    assert main(["check"]) == 1
    assert "no-such-doc" in capsys.readouterr().err
