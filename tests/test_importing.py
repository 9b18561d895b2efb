"""The import core: names reconciled with the registry, stable ids, what is written, what is never
overwritten, and an archive that passes `check` as imported."""

from __future__ import annotations

import json
import os
from pathlib import Path

from sitegen.build import build
from sitegen.config import load_config
from sitegen.errors import ERROR
from sitegen.importing import RECORD, Batch, Incoming, IncomingTerm, plan_import, read_record, run_import


def doc(key: str, title: str = "China calls for unity", *, origin: str = "", terms=None, **kw) -> Incoming:
    fields = {"title": title, "date": "2021-12-23", "source": "Xinhua", "language": "en", "summary": "A summary."}
    fields |= kw.pop("fields", {})
    return Incoming(origin or f"holdings.csv:{key}", key, fields, kw.pop("body", "The text."), terms or {}, **kw)


def snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    """Every file's bytes and modification time."""
    return {p.relative_to(root).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(root.rglob("*")) if p.is_file() and ".sitegen-cache" not in p.parts}


def imported(root: Path, batch: Batch, **kw):
    return run_import(batch, load_config(root / "sitegen.yaml"), **kw)


def checks(root: Path) -> list:
    result = build(load_config(root / "sitegen.yaml"), until="check")
    return [d for d in result.warnings if d.severity == ERROR]


def test_names_are_reconciled_by_id_name_and_alias_in_any_language(make_site):
    root = make_site()
    batch = Batch("csv holdings.csv", documents=[
        doc("1", terms={"actors": ["wang-yi", "WANG  yi", "وانغ يي", "Li Qiang"], "topics": ["Cooperation"]}),
        doc("2", "Li Qiang speaks", terms={"actors": ["li qiang"], "topics": ["Terror financing"]}),
    ])
    report = imported(root, batch)
    assert not report.problems and report.written
    assert sorted((t.taxonomy, t.id, t.name) for t in report.new_terms) == [
        ("actors", "li-qiang", "Li Qiang"), ("topics", "terror-financing", "Terror financing")]
    first = (root / "content/documents/holdings/2021-12-23-china-calls-for-unity.md").read_text(encoding="utf-8")
    assert 'actors:\n  - "wang-yi"\n  - "Li Qiang"\ntopics:\n  - "Cooperation"' in first  # one per entry
    entry = (root / "content/actors/li-qiang.md").read_text(encoding="utf-8")
    assert entry.startswith('---\nnames:\n  en: "Li Qiang"\n---\n')
    assert not (root / "content/actors/wang-yi-2.md").exists()
    assert checks(root) == []


def test_near_names_are_suggested_never_merged(make_site):
    root = make_site()
    report = imported(root, Batch("csv holdings.csv", documents=[
        doc("1", terms={"actors": ["Wang Yii", "Abu Bakr al-Baghdadi"]}),
        doc("2", "Other", terms={"actors": ["Abu Bakr al Baghdadi"]})]))
    near = {(s.name, s.near, s.near_id) for s in report.suggestions}
    assert ("Wang Yii", "Wang Yi", "wang-yi") in near
    assert ("Abu Bakr al-Baghdadi", "Abu Bakr al Baghdadi", "abu-bakr-al-baghdadi") in near or \
           ("Abu Bakr al Baghdadi", "Abu Bakr al-Baghdadi", "abu-bakr-al-baghdadi") in near
    assert {t.id for t in report.new_terms} == {"wang-yii", "abu-bakr-al-baghdadi",
                                                 next(t.id for t in report.new_terms
                                                      if t.id.startswith("abu-bakr-al-baghdadi-"))}
    assert checks(root) == []


def test_described_terms_create_entries_with_names_aliases_and_descriptions(make_site):
    root = make_site(config=None)
    (root / "sitegen.yaml").write_text((root / "sitegen.yaml").read_text() + "languages: [en, ar]\n", encoding="utf-8")
    batch = Batch("wordpress export.xml", terms=[
        IncomingTerm("export.xml:10", "topics", {"en": "Financing", "ar": "تمويل"}, "Money flows.", ["funding"]),
        IncomingTerm("export.xml:11", "actors", {"ar": "الصين"}, "دولة", language="ar", slug="china-state"),
    ], documents=[doc("1", terms={"topics": ["funding"], "actors": ["الصين"]})])
    report = imported(root, batch)
    assert not report.problems
    topic = (root / "content/topics/financing.md").read_text(encoding="utf-8")
    assert topic == '---\nnames:\n  ar: "تمويل"\n  en: "Financing"\naliases:\n  - "funding"\n---\nMoney flows.\n'
    actor = (root / "content/actors/china-state.md").read_text(encoding="utf-8")
    assert 'description:\n  ar: "دولة"' in actor
    text = (root / "content/documents/export/2021-12-23-china-calls-for-unity.md").read_text(encoding="utf-8")
    assert 'topics:\n  - "funding"' in text
    assert checks(root) == []


def test_ids_are_stable_whatever_the_order_and_collisions_go_by_key(make_site):
    root = make_site()
    rows = [doc("a"), doc("b"), doc("c", "Another title", slug="../../etc/passwd"), doc("d", "First report")]
    report = imported(root, Batch("csv holdings.csv", documents=rows))
    names = sorted(p.name for p in (root / "content/documents/holdings").iterdir())
    other = [n for n in names if n.startswith("2021-12-23-china-calls-for-unity-")]
    assert "2021-12-23-china-calls-for-unity.md" in names and len(other) == 1  # a sorts first, b gets a suffix
    assert "etc-passwd.md" in names and not (root.parent / "etc").exists()
    assert "2021-12-23-first-report.md" in names  # first-report.md is an existing id, but this one has a date
    # the same rows in another order, in a fresh archive: the same names
    again = make_site_twin(root)
    imported(again, Batch("csv holdings.csv", documents=list(reversed(rows))))
    assert sorted(p.name for p in (again / "content/documents/holdings").iterdir()) == names
    assert not report.problems and checks(root) == []


def make_site_twin(root: Path) -> Path:
    twin = root.parent / "twin"
    for path in root.rglob("*"):
        rel = path.relative_to(root)
        if path.is_file() and rel.parts[0] != "content" \
                or rel.parts[:2] in (("content", "actors"), ("content", "topics")) \
                or rel.as_posix() in ("content/documents/first-report.md", "content/documents/arabic-report.md"):
            if path.is_file() and not rel.as_posix().startswith(RECORD):
                (twin / rel).parent.mkdir(parents=True, exist_ok=True)
                (twin / rel).write_bytes(path.read_bytes())
    return twin


def test_an_existing_document_id_is_never_taken(make_site):
    root = make_site()
    report = imported(root, Batch("csv holdings.csv", documents=[doc("x", slug="first-report")]))
    written = [p.name for p in (root / "content/documents/holdings").iterdir()]
    assert len(written) == 1 and written[0].startswith("first-report-") and written[0] != "first-report.md"
    assert any("became the id" in k.what for k in report.kept)
    assert checks(root) == []


def test_a_second_import_of_the_same_source_writes_nothing(make_site):
    root = make_site()
    (root / "files").mkdir()
    (root / "files/original.pdf").write_bytes(b"%PDF-1.4 one")
    batch = lambda: Batch("csv holdings.csv", files=root / "files", documents=[
        doc("1", attachments=[Path("original.pdf")], terms={"actors": ["New Person"]}), doc("2", "Second")])
    first = imported(root, batch())
    assert first.written and len(first.created) == 4
    before = snapshot(root)
    second = imported(root, batch())
    assert not second.written and not second.created and not second.updated and len(second.unchanged) >= 3
    assert snapshot(root) == before
    assert checks(root) == []


def test_a_changed_source_updates_only_what_nobody_edited(make_site):
    root = make_site()
    imported(root, Batch("csv holdings.csv", documents=[doc("1"), doc("2", "Second")]))
    first = root / "content/documents/holdings/2021-12-23-china-calls-for-unity.md"
    second = root / "content/documents/holdings/2021-12-23-second.md"
    edited = second.read_text(encoding="utf-8").replace("The text.", "The text, corrected by hand.")
    second.write_text(edited, encoding="utf-8")
    report = imported(root, Batch("csv holdings.csv", documents=[doc("1", body="New text."),
                                                                 doc("2", "Second", body="New text.")]))
    assert report.updated == [os.path.relpath(first)] and report.edited == [os.path.relpath(second)]
    assert first.read_text(encoding="utf-8").endswith("New text.\n")
    assert second.read_text(encoding="utf-8") == edited
    # a corrected title keeps the file (and so the id and address) the key had
    report = imported(root, Batch("csv holdings.csv", documents=[doc("1", "China calls for unity (corrected)")]))
    assert report.updated == [os.path.relpath(first)] and "corrected" in first.read_text(encoding="utf-8")
    assert report.gone == [os.path.relpath(second)] and second.exists()


def test_a_file_the_import_did_not_write_is_never_overwritten(make_site):
    root = make_site()
    mine = root / "content/documents/holdings/2021-12-23-china-calls-for-unity.md"
    mine.parent.mkdir(parents=True)
    mine.write_text("---\ntitle: Mine\ndate: 2020\nsource: Me\nlanguage: en\nsummary: s\n---\nMine.\n",
                    encoding="utf-8")
    report = imported(root, Batch("csv holdings.csv", documents=[doc("1")]))
    assert mine.read_text(encoding="utf-8").endswith("Mine.\n")
    assert len(report.created) == 1 and report.created[0] != os.path.relpath(mine)
    assert checks(root) == []


def test_errors_anywhere_in_the_batch_write_nothing(make_site):
    root = make_site()
    before = snapshot(root)
    report = imported(root, Batch("csv holdings.csv", documents=[
        doc("1"), doc("2", "Bad", fields={"language": "English"}, where={"language": (3, 4)}),
        doc("3", "Bad date", fields={"date": "2021-13-01"})]))
    assert report.failed and not report.written
    messages = [d.format() for d in report.problems]
    assert any(m.startswith("holdings.csv:3:4: `English` is not a BCP 47 language tag") for m in messages), messages
    assert any(m.startswith("holdings.csv:3:1: `2021-13-01` has no month 13") for m in messages), messages
    assert snapshot(root) == before and not (root / RECORD).exists()


def test_attachments_outside_the_folder_given_are_errors(make_site, tmp_path):
    root = make_site()
    (root / "files").mkdir()
    (tmp_path / "secret.pdf").write_bytes(b"secret")
    os.symlink(tmp_path / "secret.pdf", root / "files/link.pdf")
    before = snapshot(root)
    report = imported(root, Batch("csv holdings.csv", files=root / "files", documents=[
        doc("1", attachments=[Path("../../secret.pdf")]), doc("2", "Two", attachments=[Path("link.pdf")]),
        doc("3", "Three", attachments=[Path("/etc/passwd")])]))
    lines = [d.format() for d in report.problems]
    assert len(lines) == 3 and all("outside the folder of files given" in m for m in lines), lines
    assert {m.split(":")[1] for m in lines} == {"1", "2", "3"}
    assert snapshot(root) == before


def test_two_documents_each_with_original_pdf_do_not_clash(make_site):
    root = make_site()
    for name in ("a", "b"):
        (root / "files" / name).mkdir(parents=True)
        (root / "files" / name / "original.pdf").write_bytes(b"%PDF " + name.encode())
    report = imported(root, Batch("csv holdings.csv", files=root / "files", documents=[
        doc("1", attachments=[Path("a/original.pdf")]), doc("2", "Two", attachments=[Path("b/original.pdf")])]))
    assert not report.problems
    one = root / "content/documents/holdings/2021-12-23-china-calls-for-unity/original.pdf"
    two = root / "content/documents/holdings/2021-12-23-two/original.pdf"
    assert one.read_bytes() == b"%PDF a" and two.read_bytes() == b"%PDF b"
    assert checks(root) == []


def test_dry_run_writes_nothing_and_reports_the_same(make_site):
    root = make_site()
    before = snapshot(root)
    batch = lambda: Batch("csv holdings.csv", documents=[doc("1", terms={"actors": ["Someone New"]})])
    dry = imported(root, batch(), dry_run=True)
    assert snapshot(root) == before and not dry.written
    real = imported(root, batch())
    assert (dry.created, dry.new_terms) == (real.created, real.new_terms)


def test_translations_link_by_key_and_unknown_fields_go_under_extra(make_site):
    root = make_site()
    report = imported(root, Batch("csv holdings.csv", documents=[
        doc("1", fields={"colour": "red", "extra": {"event": "Forum"}}, terms={"places": ["Beijing"]}),
        doc("1-ar", "الصين تدعو", fields={"language": "ar"}, translation_of="1")]))
    assert not report.problems
    arabic = next((root / "content/documents/holdings").glob("2021-12-23-ar*.md")).read_text(encoding="utf-8")
    assert 'translation_of: "2021-12-23-china-calls-for-unity"' in arabic
    english = (root / "content/documents/holdings/2021-12-23-china-calls-for-unity.md").read_text(encoding="utf-8")
    assert 'extra:\n  event: "Forum"\n  colour: "red"\n  places:\n    - "Beijing"' in english
    assert {k.what.split("`")[1] for k in report.kept} == {"colour", "places"}
    site = build(load_config(root / "sitegen.yaml"), until="check").site
    assert site.documents["2021-12-23-china-calls-for-unity"].translations


def test_broken_links_stop_the_import_until_the_config_allows_them(make_site):
    root = make_site()
    batch = lambda: Batch("csv holdings.csv", documents=[doc("1", body="See [the old page](/2019/05/post/) "
                                                                      "and [x](doc:first-report).")])
    report = imported(root, batch())
    assert report.failed and not (root / RECORD).exists()
    assert "link starts with `/`" in report.problems[0].message and report.problems[0].path == "holdings.csv"
    assert report.config_lines and report.config_lines[0].startswith("links: {broken: warning}")
    (root / "sitegen.yaml").write_text((root / "sitegen.yaml").read_text() + "links: {broken: warning}\n",
                                       encoding="utf-8")
    report = imported(root, batch())
    assert report.written and any("link starts with `/`" in w.message for w in report.warnings)
    assert checks(root) == []


def test_the_imported_archive_builds(make_site):
    root = make_site()
    imported(root, Batch("csv holdings.csv", documents=[doc(str(n), f"Report number {n}",
                                                            terms={"actors": [f"Person {n % 3}"]})
                                                        for n in range(5)]))
    build(load_config(root / "sitegen.yaml"), jobs=1)
    assert (root / "build/documents/2021-12-23-report-number-4.html").is_file()
    assert (root / "build/actors/person-2.html").is_file()
    record = json.loads((root / RECORD).read_text(encoding="utf-8"))
    assert (root / RECORD).read_text(encoding="utf-8") == json.dumps(record, ensure_ascii=False, sort_keys=True,
                                                                     indent=1) + "\n"
    assert read_record(load_config(root / "sitegen.yaml"))["files"] == record["files"]


def test_an_entry_the_import_did_not_write_is_left_alone_and_what_the_source_adds_is_reported(make_site):
    root = make_site()
    plan = plan_import(Batch("wp e.xml", terms=[IncomingTerm("e.xml:4", "actors", {"en": "Wang Yi"}, "Diplomat.")]),
                       load_config(root / "sitegen.yaml"))
    assert not plan.report.created and plan.report.kept == []  # it adds nothing the entry lacks: nothing to say
    plan = plan_import(Batch("wp e.xml", terms=[IncomingTerm("e.xml:4", "actors",
                                                             {"en": "Wang Yi", "fr": "Wang Yi (fr)"})]),
                       load_config(root / "sitegen.yaml"))
    assert [k.what.split("; ")[1] for k in plan.report.kept] == ["the source adds `Wang Yi (fr)`"]


HOSTILE = ["no", "yes", "2021-12-23", "12:30", "0755", "1e3", "~", "null", "- item", "# not a comment", "a: b",
           '"quoted" \\ back', "{{ template }}", "{% tag %}", "*alias", "&anchor", "!tag", "@at", "`tick`", "| block",
           "> fold", "tab\there", "new\nline", "sep\u2028here", "bom\ufeffhere",
           "zero\u200bwidth", "عربي", "trailing ", " leading", ""]


def test_front_matter_reads_back_as_given_so_the_import_can_check_it_unparsed():
    """The import validates the data it means to write rather than parsing its own YAML again: that
    is only honest if the text reads back, through the strict loader `check` uses, as exactly that data."""
    from sitegen.frontmatter import split_source
    from sitegen.importdata import front_matter
    values = {"title": HOSTILE[0], "authors": HOSTILE, "extra": {k or "empty": v for k, v in zip(HOSTILE, HOSTILE)} |
              {"n": 3, "flag": True, "none": None, "nested": {"list": [1, "two", ["three"]], "yes": "no"}}}
    text, source = front_matter(values, "Body\r\nwith --- and\n---\nlines")
    parsed, problems = split_source(text.encode("utf-8"), "x.md")
    assert problems == [] and parsed.meta.data == source.meta.data
    assert (parsed.body, parsed.body_line) == (source.body, source.body_line)
    assert all(parsed.meta.where((k,)) == source.meta.where((k,)) for k in values)


def test_a_control_character_is_an_error_at_its_cell_as_check_would_say(make_site):
    root = make_site()
    report = imported(root, Batch("csv holdings.csv", documents=[
        doc("2", "Vertical\x0btab", where={"title": (2, 3)}), doc("3", "Fine", fields={"extra": {"a": ["x\x85"]}})]))
    assert [d.format() for d in report.problems] == [
        "holdings.csv:2:3: `title`: control character U+000B is not allowed here (in content/documents/holdings/"
        "2021-12-23-vertical-tab.md:2) (remove it from the source)",
        "holdings.csv:3:1: `extra`: control character U+0085 is not allowed here (in content/documents/holdings/"
        "2021-12-23-fine.md:7) (remove it from the source)"]


def test_hostile_slugs_become_portable_ids_and_a_link_out_of_the_archive_is_refused(make_site, tmp_path):
    root = make_site()
    rows = [doc("1", slug="CON"), doc("2", slug="../../../etc/passwd"), doc("3", slug="x" * 300),
            doc("4", "Ωμέγα", slug="Ω"), doc("5", slug="/absolute/path"), doc("6", slug="a\\b:c*?")]
    report = imported(root, Batch("csv ../../holdings.csv", documents=rows))
    names = sorted(p.name for p in (root / "content/documents/holdings").iterdir())
    # 2021-12-23-en.md: no Latin letters in slug or title, so the date and the language
    assert names == sorted(["con-document.md", "etc-passwd.md", "x" * 80 + ".md", "2021-12-23-en.md",
                            "absolute-path.md", "a-b-c.md"])
    assert not report.problems and checks(root) == []
    outside = tmp_path / "outside"
    outside.mkdir()
    os.symlink(outside, root / "content/documents/linked")
    report = imported(root, Batch("csv linked.csv", documents=[doc("1")]))
    assert report.failed and "leads outside the content folder" in report.problems[0].message
    assert list(outside.iterdir()) == []


def test_old_addresses_no_redirect_page_can_have_are_reported_not_written(make_site):
    """An old address `check` would refuse, or one in a folder sitegen fills itself (data/, search/,
    assets/), is left out of `redirects` and named in the report; the rest are kept, and the archive checks."""
    root = make_site()
    report = imported(root, Batch("csv holdings.csv", documents=[
        doc("1", fields={"redirects": ["news/moved/", "data/old.html", "a/b?.html", "ok.html"]})]))
    assert not report.problems
    text = (root / "content/documents/holdings/2021-12-23-china-calls-for-unity.md").read_text(encoding="utf-8")
    assert "news/moved/" in text and "ok.html" in text
    assert "data/old.html" not in text and "a/b?.html" not in text
    kept = " ".join(k.what for k in report.kept)
    assert "`data/old.html` not redirected" in kept and "`a/b?.html` not redirected" in kept
    assert checks(root) == []


def test_a_text_the_link_prefilter_passes_over_has_no_link_inside_the_archive():
    """The import converts only texts `may_link_inside` finds a possible inner link in: over random texts made
    of link forms (inline, reference, image, HTML, autolink; inner and outer targets, spaces, case),
    every text it passes over renders with web and mail addresses only."""
    import random
    import re

    from sitegen.importing import may_link_inside
    from sitegen.markup import render_markdown
    targets = ["https://x.org/a", "HTTP://x.org", "mailto:a@b.org", "doc:some-id", "../actors/x.md", "#top", "img.png",
               "/old/path/", "ftp://x.org", "<https://x.org>", "<doc:x>", " https://x.org", "\nhttps://x.org"]
    forms = ["[a]({t})", "![i]({t})", "[r][k]\n\n[k]: {t}", "   [k]: {t}\n\n[k]", '<a href="{t}">a</a>',
             "<img src='{t}'>", "<{t}>", "[a] ({t})", "`[a]({t})`", "    [a]({t})"]
    rng = random.Random(7)
    passed = 0
    for _ in range(3000):
        body = "\n\n".join(rng.choice(forms).format(t=rng.choice(targets)) for _ in range(rng.randint(1, 3)))
        if may_link_inside(body):
            continue
        passed += 1
        html = render_markdown(body).html
        inner = [t for t in re.findall(r'(?:href|src)="([^"]*)"', html) if not re.match(r"(?i)https?://|mailto:", t)]
        assert not inner, (body, inner)
    assert passed > 300  # the test saw texts the import does not convert
