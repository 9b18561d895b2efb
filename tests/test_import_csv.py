"""`sitegen import csv`: encodings, columns and maps, dates, translations, and every mistake at its row
and column; end to end through the command line."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from sitegen.build import build
from sitegen.cli import main
from sitegen.config import load_config
from sitegen.csvdates import normalise_date
from sitegen.csvtext import code_page
from sitegen.import_csv import read_csv

ARABIC = "title,date,source,language,actors\nالصين تدعو إلى التعاون,2021-12-23,وكالة شينخوا,ar,الصين\n"
ENGLISH = "title,date,source,language,actors\nCafé “talks” – résumé,2021-12-23,Le Monde,en,Zoë Müller\n"


def write(path: Path, text: str, encoding: str = "utf-8", bom: bytes = b"") -> Path:
    path.write_bytes(bom + text.encode(encoding))
    return path


def config(root: Path):
    return load_config(root / "sitegen.yaml")


def errors(root: Path) -> list:
    return [d for d in build(config(root), until="check").warnings if d.severity == "error"]


ENCODINGS = [("utf-8", b""), ("utf-8", codecs.BOM_UTF8), ("utf-16-le", codecs.BOM_UTF16_LE),
             ("utf-16-be", codecs.BOM_UTF16_BE)]


@pytest.mark.parametrize("text,encoding,bom", [(ARABIC, e, b) for e, b in ENCODINGS + [("cp1256", b"")]] +
                         [(ENGLISH, e, b) for e, b in ENCODINGS + [("cp1252", b""), ("cp1256", b"")]])
def test_each_encoding_excel_writes_is_read_right(make_site, text, encoding, bom):
    """cp1256 holds the accented letters of French (é, ë, ü) where cp1252 has them: English text saved
    by Arabic Excel reads the same either way."""
    root = make_site()
    path = write(root / "holdings.csv", text, encoding, bom)
    batch = read_csv(path, config(root))
    assert not batch.problems, batch.problems
    (doc,) = batch.documents
    line = text.splitlines()[1].split(",")
    assert (doc.fields["title"], doc.fields["source"], doc.terms["actors"]) == (line[0], line[2], [line[4]])


def test_code_pages_are_told_apart_on_a_single_short_word():
    assert code_page("الصين".encode("cp1256")) == "cp1256"
    assert code_page("Zoë".encode("cp1252")) == "cp1252"
    assert code_page("Ñandú".encode("cp1252")) == "cp1252"  # Ñ and ú are Arabic letters in cp1256
    assert code_page("وكالة".encode("cp1256")) == "cp1256"


def test_given_encoding_wins_and_a_wrong_one_is_an_error_at_its_line(make_site):
    root = make_site()
    path = write(root / "h.csv", ARABIC, "cp1256")
    assert read_csv(path, config(root), encoding="cp1256").documents[0].fields["title"] == "الصين تدعو إلى التعاون"
    lines = [d.format() for d in read_csv(path, config(root), encoding="utf-8").problems]
    assert lines and lines[0].startswith("h.csv:2:1: the file is not valid utf-8")
    assert "unknown encoding" in read_csv(path, config(root), encoding="klingon").problems[0].message


def test_utf16_without_a_mark_and_an_empty_file_are_clear_errors(make_site):
    root = make_site()
    assert "UTF-16 without a byte-order mark" in read_csv(write(root / "a.csv", ENGLISH, "utf-16-le"),
                                                          config(root)).problems[0].message
    assert [d.format() for d in read_csv(write(root / "b.csv", ""), config(root)).problems] == \
        ["b.csv:1:1: the file is empty (the first row names the columns)"]


def test_ragged_rows_missing_columns_and_cells_name_the_row_and_column(make_site):
    root = make_site()
    text = "Title,Date,Source\nOne,2021-01-01,S\nTwo,2021-01-02\n\nThree,2021-01-03,S,extra\n,2021-01-04,S\n"
    lines = [d.format() for d in read_csv(write(root / "h.csv", text), config(root)).problems]
    assert ("h.csv:3:3: the row has 2 cells, the header 3 (a cell with a line break or a separator must be in double "
            "quotes)") in lines
    assert any(m.startswith("h.csv:5:4: the row has 4 cells") for m in lines)
    assert "h.csv:6:1: the row has no title (fill the cell, or leave the row out)" in lines
    missing = read_csv(write(root / "m.csv", "Titel,Date\nA,2021\n"), config(root)).problems
    assert [d.format() for d in missing][:2] == [
        "m.csv:1:1: no column gives the required field `title` (did you mean `Titel`?)",
        "m.csv:1:1: no column gives the required field `source` (add a `source` column, or `defaults: {source: ...}` "
        "in a map file (--map))"]


def test_headers_are_guessed_and_the_map_is_shown_by_dry_run(make_site, capsys):
    root = make_site()
    write(root / "h.csv", "ID, TITLE ,When?,Outlet,Author,Actor,Topics,Colour,Full text\n"
                          "r-1,One,2021-01-01,S,A; B,Wang Yi,Cooperation,red,The **text**.\n")
    assert main(["import", "csv", "h.csv", "--dry-run"]) == 1  # no date column: the map shown is the one to mend
    out = capsys.readouterr().out
    assert '"Outlet": source\n  "Author": authors\n  "Actor": actors\n  "Topics": topics\n  "Colour": extra.Colour\n' \
           '  "Full text": body\n' in out
    assert '"When?": extra.When?' in out  # not guessed: it would be kept under `extra`, and the map says so
    assert not (root / "content/documents/h").exists()
    (root / "map.yaml").write_text(out[out.index("# sitegen import csv --map"):].replace("extra.When?", "date"),
                                   encoding="utf-8")
    assert main(["import", "csv", "h.csv", "--map", "map.yaml"]) == 0
    text = (root / "content/documents/h/r-1.md").read_text(encoding="utf-8")
    assert 'date: "2021-01-01"' in text and 'authors:\n  - "A"\n  - "B"' in text and text.endswith("The **text**.\n")
    assert errors(root) == []


def test_a_bad_map_is_an_error_at_its_line(make_site):
    root = make_site()
    write(root / "h.csv", "Title,Date,Source\nOne,2021,S\n")
    (root / "map.yaml").write_text("columns:\n  Title: titel\n  Nope: date\ndates: sideways\n", encoding="utf-8")
    lines = [d.format() for d in read_csv(root / "h.csv", config(root), map="map.yaml").problems]
    assert "map.yaml:2:3: `titel` is not a field (did you mean `title`?)" in lines
    assert any(m.startswith("map.yaml:3:3: the CSV has no column `Nope`") for m in lines)
    assert "map.yaml:4:1: `dates` must be day-first or month-first, not `sideways`" in lines


@pytest.mark.parametrize("cell,order,expected", [
    ("2021-12-23", "", "2021-12-23"), ("2021-12-23T10:30:00Z", "", "2021-12-23"),
    ("2021-12-23 10:30", "", "2021-12-23"),
    ("2021-12", "", "2021-12"), ("2021", "", "2021"), ("2021?", "", "2021?"), ("2021/12/23", "", "2021-12-23"),
    ("23/12/2021", "", "2021-12-23"), ("12/23/2021", "", "2021-12-23"), ("03/04/2021", "day-first", "2021-04-03"),
    ("03/04/2021", "month-first", "2021-03-04"), ("05.05.2021", "", "2021-05-05"),
    ("23 December 2021", "", "2021-12-23"),
    ("December 23, 2021", "", "2021-12-23"), ("Dec 2021", "", "2021-12"), ("23 ديسمبر 2021", "", "2021-12-23"),
    ("44553", "", "2021-12-23"),
])
def test_dates_are_made_archival(cell, order, expected):
    assert normalise_date(cell, order) == (expected, None)


@pytest.mark.parametrize("cell,message", [("03/04/2021", "could be day/month or month/day"),
                                          ("3/4/21", "two-digit year"),
                                          ("2021-02-30", "February 2021 has 28 days"), ("soon", "is not a date")])
def test_unreadable_dates_say_why(cell, message):
    date, problem = normalise_date(cell)
    assert date == "" and message in problem[0]


def test_the_file_decides_the_order_of_day_and_month(make_site):
    root = make_site()
    text = "title,date,source\nA,03/04/2021,S\nB,25/04/2021,S\n"
    assert [d.fields["date"] for d in read_csv(write(root / "h.csv", text), config(root)).documents] == \
        ["2021-04-03", "2021-04-25"]
    text = "title,date,source\nA,03/04/2021,S\nB,04/25/2021,S\nC,25/04/2021,S\n"
    lines = [d.format() for d in read_csv(write(root / "m.csv", text), config(root)).problems]
    assert lines[0] == ("m.csv:1:2: the dates are written day/month in some rows and month/day in others "
                        "(write them as 2021-12-23)")
    lines = [d.format() for d in read_csv(write(root / "b.csv", "title,date,source\nA,31/31/2021,S\n"),
                                          config(root)).problems]
    assert lines == ["b.csv:2:2: column `date`: `31/31/2021` has no month 31 (write the date as 2021-12-23)"]


def test_columns_per_language_give_a_translation_and_names_in_that_language(make_site):
    root = make_site()
    (root / "sitegen.yaml").write_text((root / "sitegen.yaml").read_text() + "languages: [en, ar]\n", encoding="utf-8")
    write(root / "h.csv", "id,title,title_ar,summary,summary_ar,date,source,actors,actors_ar,topics\n"
                          "r1,China speaks,الصين تتحدث,A summary.,ملخص.,2021-12-23,Xinhua,China; Wang Yi,"
                          "الصين; وانغ يي,Cooperation\n"
                          "r2,Russia speaks,,Another.,,2021-12-24,TASS,Russia,روسيا,\n")
    assert main(["import", "csv", "h.csv"]) == 0
    folder = root / "content/documents/h"
    arabic = (folder / "r1-ar.md").read_text(encoding="utf-8")
    assert 'title: "الصين تتحدث"' in arabic and 'summary: "ملخص."' in arabic and 'translation_of: "r1"' in arabic
    assert 'source: "Xinhua"' in arabic and 'actors:\n  - "الصين"\n  - "وانغ يي"' in arabic
    assert not (folder / "r2-ar.md").exists()  # names in Arabic, but no Arabic title: no translation
    assert (root / "content/actors/russia.md").read_text(encoding="utf-8") == \
        '---\nnames:\n  ar: "روسيا"\n  en: "Russia"\n---\n'
    site = build(config(root), until="check").site
    assert site.documents["r1"].translations == ("r1-ar",)
    assert errors(root) == []


def test_pairs_of_names_must_match_in_number(make_site):
    root = make_site()
    write(root / "h.csv", "title,date,source,actors,actors_ar\nOne,2021,S,A; B,ا\n")
    assert [d.format() for d in read_csv(root / "h.csv", config(root)).problems] == [
        "h.csv:2:5: column `actors_ar` has 1 names and `actors` 2: they pair by position (give one name in ar "
        "for each, in the same order)"]


def test_duplicate_rows_are_an_error_naming_both(make_site):
    root = make_site()
    text = "title,date,source\nOne,2021,S\nOne,2021,S\n"
    assert [d.format() for d in read_csv(write(root / "h.csv", text), config(root)).problems] == [
        "h.csv:3:1: this row is the same document as row 2 (remove one, or give each an id column)"]


def test_attachments_are_named_in_the_files_folder_and_hostile_ones_refused(make_site, capsys):
    root = make_site()
    (root / "scans").mkdir()
    (root / "scans/Original Scan (1).PDF").write_bytes(b"%PDF-1.4")
    write(root / "h.csv", "title,date,source,attachments\nOne,2021,S,Original Scan (1).PDF\n")
    assert main(["import", "csv", "h.csv", "--files", "scans"]) == 0
    assert (root / "content/documents/h/2021-one/original-scan-1.pdf").read_bytes() == b"%PDF-1.4"
    write(root / "bad.csv", "title,date,source,attachments\nOne,2021,S,../sitegen.yaml\nTwo,2021,S,/etc/passwd\n")
    capsys.readouterr()
    assert main(["import", "csv", "bad.csv", "--files", "scans"]) == 1
    err = capsys.readouterr().err
    assert "bad.csv:2:4: attachment `../sitegen.yaml` is outside the folder of files given" in err
    assert "bad.csv:3:4: attachment `/etc/passwd` is outside the folder of files given" in err
    assert "nothing written" in err and not (root / "content/documents/bad").exists()
    assert errors(root) == []


def test_a_second_import_writes_nothing_and_a_hand_edit_survives_a_changed_source(make_site, capsys):
    root = make_site()
    write(root / "h.csv", "id,title,date,source,actors\na,One,2021,S,New Person\nb,Two,2021,S,\n")
    assert main(["import", "csv", "h.csv"]) == 0
    files = sorted(p for p in root.rglob("*") if p.is_file())
    stamps = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in files}
    capsys.readouterr()
    assert main(["import", "csv", "h.csv"]) == 0
    assert "0 files created, 0 updated, 2 unchanged" in capsys.readouterr().out
    assert {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in files} == stamps
    two = root / "content/documents/h/b.md"
    two.write_text(two.read_text(encoding="utf-8") + "Mended by hand.\n", encoding="utf-8")
    write(root / "h.csv", "id,title,date,source,actors\na,One (revised),2021,S,New Person\nb,Two (revised),2021,S,\n")
    assert main(["import", "csv", "h.csv"]) == 0
    out = capsys.readouterr().out
    assert "edited by hand since the import wrote them, left as they are (1):\n  content/documents/h/b.md" in out
    assert "One (revised)" in (root / "content/documents/h/a.md").read_text(encoding="utf-8")
    assert two.read_text(encoding="utf-8").endswith("Mended by hand.\n")


def test_errors_exit_1_with_located_lines_and_write_nothing(make_site, capsys):
    root = make_site()
    write(root / "h.csv", "title,date,source,language\nOne,2021,S,Klingon tongue\nTwo,someday,S,en\n")
    assert main(["import", "csv", "h.csv"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0] == "h.csv:2:4: `Klingon tongue` is not a BCP 47 language tag " \
                     "(in content/documents/h/2021-one.md:5) (e.g. en, ar, fr, zh-Hans)" or \
        err[0].startswith("h.csv:2:4: `Klingon tongue` is not a BCP 47")
    assert any(line.startswith("h.csv:3:2: column `date`: `someday` is not a date") for line in err)
    assert err[-1] == "import failed: 2 errors in h.csv; nothing written"
    assert not (root / "content/documents/h").exists()


def test_tsv_and_semicolon_files_and_another_separator_for_values(make_site):
    root = make_site()
    tsv = read_csv(write(root / "h.tsv", "title\tdate\tsource\tactors\nOne, with a comma\t2021\tS\tA; B\n"),
                   config(root))
    assert (tsv.documents[0].fields["title"], tsv.documents[0].terms["actors"]) == ("One, with a comma", ["A", "B"])
    semi = read_csv(write(root / "s.csv", 'title;date;source;actors\nOne, two;2021;S;"A | B"\n'), config(root),
                    separator="|")
    assert (semi.documents[0].fields["title"], semi.documents[0].terms["actors"]) == ("One, two", ["A", "B"])
    assert not tsv.problems and not semi.problems
