"""The fast path of front-matter and registry edits (`refields`): what it may leave unplanned.

Its byte-for-byte comparisons with cold builds are in test_cache.py (random edit sequences); here, the
shortcut it takes to find the documents whose related lists can hold an edited one (`pages.may_relate`)
is checked against `pages.related` itself, over every pair of documents of an archive large enough for
the shortcut to leave some out. And what it keeps from having to read or draw: the listings' rows drawn
again in place (only where the theme's own templates draw them), the documents' tables' rows replaced
where whole rows are, the remembered documents read only where the edit reaches.
"""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

from sitegen import incremental, refields
from sitegen.build import build
from sitegen.cache import open_cache
from sitegen.config import load_config
from sitegen.pages import may_relate, rarity, related

from tests.conftest import ROOT, document, site_config


def test_a_document_may_relate_leaves_out_is_never_in_the_related_list(make_site):
    rng = random.Random(5)
    pool = [f"Person {n}" for n in range(40)]
    weights = [1 / (n + 1) for n in range(len(pool))]  # a few common names, many rare ones
    files = {f"content/documents/d{n:03d}.md": document(
        f"Document {n}", f"Text {n}.\n", date=f"20{10 + n % 12}-0{1 + n % 9}-1{n % 9}", summary=f"About {n}.",
        actors=sorted(set(rng.choices(pool, weights, k=rng.randint(1, 4)))), topics=["cooperation"]) for n in range(400)}
    root = make_site(files, config=site_config(extra="taxonomies:\n  actors: {optional: true}\n  topics: {}\n"))
    site = build(load_config(root / "sitegen.yaml", environ={}), until="check").site
    ranks = rarity(site)
    left_out = 0
    for doc in site.documents.values():
        listed = {other for other, _ in related(site, doc, ranks)}
        for other in {d for key in ranks.terms[doc.id] for d in site.taxonomies[key[0]].terms[key[1]].documents} - {doc.id}:
            if not may_relate(site, doc, ranks.terms[other], ranks):
                left_out += 1
                assert other not in listed, (doc.id, other)
    assert left_out > 1000  # the shortcut is taken, and often


def _project(make_site, tmp_path, files: dict[str, str], extra: str = "") -> Path:
    """A site with its own copy of the theme's templates (a test may change one) and its assets."""
    shutil.copytree(ROOT / "templates", tmp_path / "tpl")
    return make_site(files, config=site_config(tmp_path / "tpl", extra=extra + "taxonomies:\n  actors: {optional: true}\n  topics: {}\n"))


def _builds(root: Path) -> tuple[object, dict[str, bytes], dict[str, bytes]]:
    """A build into build/ with the cache, and one from nothing into cold/: the first's result, and both trees."""
    results = []
    for out, enabled in (("build", True), ("cold", False)):
        config = load_config(root / "sitegen.yaml", environ={})
        memo = open_cache(config.root, enabled=enabled)
        try:
            results.append(build(config, out=root / out, memo=memo))
        finally:
            memo.close()
    return results[0], _tree(root / "build"), _tree(root / "cold")


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _documents(n: int) -> dict[str, str]:
    return {f"content/documents/d{i:03d}.md": document(
        f"Document {i}", f"Text {i}.\n", date=f"20{10 + i % 12}-0{1 + i % 9}-1{i % 9}", source=f"Wire {i % 7}",
        summary=f"About {i} <b>&amp;</b> \"quoted\",\nover two lines.", actors=[f"Person {i % 40}"], topics=[]) for i in range(n)}


def _retitle(root: Path, doc_id: str, title: str) -> None:
    path = root / f"content/documents/{doc_id}.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(text.split("\n")[1], f"title: {json.dumps(title)}", 1), encoding="utf-8")


def test_a_title_edit_draws_its_rows_again_in_the_listings_without_planning_them(make_site, tmp_path, monkeypatch):
    """The chronology and the sources index, made of the theme's templates, get the edited document's
    row drawn again where it was (`refields._listings_patched`), in both editions: not planned, and
    the cold build's bytes."""
    root = _project(make_site, tmp_path, _documents(60), "languages: [en, ar]\n")
    _builds(root)
    planned: list[str] = []
    for name in ("plan_chronology", "plan_sources"):
        monkeypatch.setattr(refields, name, lambda site, ed, plan=getattr(refields, name): planned.append(ed.lang) or plan(site, ed))
    for n, doc_id in enumerate(["d007", "d031", "d007"]):
        _retitle(root, doc_id, f"Retitled <{n}> & \"again\"")
        warm, built, cold = _builds(root)
        assert warm.site is None and not warm.edited  # the fast path of front-matter edits
        assert planned == [] and built == cold
        assert f"Retitled &lt;{n}&gt;".encode() in built["chronology.html"] and f"Retitled &lt;{n}&gt;".encode() in built["ar/sources.html"]


def test_a_listing_made_of_the_projects_own_template_is_planned_and_drawn_whole(make_site, tmp_path, monkeypatch):
    """A project's chronology.html may show a document's fields outside its row (here the first
    document's title above the list): patching the row alone would leave that as it was, so the page
    is planned and rendered whole, and is the cold build's."""
    root = _project(make_site, tmp_path, _documents(30))
    page = tmp_path / "tpl/chronology.html"
    page.write_text(page.read_text(encoding="utf-8").replace(
        "<h1>{{ title }}</h1>", "<h1>{{ title }}</h1><p>First: {{ years[0].months[0]['items'][0].title }}</p>"), encoding="utf-8")
    assert b"First: First report" in _builds(root)[1]["chronology.html"]  # (of the fixture's documents, the latest)
    planned: list[str] = []
    monkeypatch.setattr(refields, "plan_chronology", lambda site, ed, plan=refields.plan_chronology: planned.append(ed.lang)
                        or plan(site, ed))
    _retitle(root, "first-report", "The first retitled")
    warm, built, cold = _builds(root)
    assert warm.site is None and planned == ["en"] and built == cold
    assert b"First: The first retitled" in built["chronology.html"]


def test_a_front_matter_edit_reads_only_the_documents_it_reaches(make_site, tmp_path, monkeypatch):
    """The model the last build remembered keeps each document pickled until it is read (`Shelved`):
    a title edit of one of the latest documents reads it, the few sharing its actor, and the home
    page's latest; not every document (to ask whether one is there, to count the sources, to list
    them, to make a block of the search index's dates again)."""
    root = _project(make_site, tmp_path, _documents(200))
    _builds(root)
    opened: set[str] = set()
    getitem = incremental.Shelved.__getitem__
    monkeypatch.setattr(incremental.Shelved, "__getitem__", lambda self, doc_id: opened.add(doc_id) or getitem(self, doc_id))
    _retitle(root, "d199", "A late document retitled")
    warm, built, cold = _builds(root)
    assert warm.site is None and built == cold
    assert "d199" in opened and len(opened) < 40, len(opened)


def test_a_documents_table_row_is_replaced_only_where_a_whole_row_is(tmp_path):
    """documents.csv may hold a newline within quotes, so the text of a row may also stand inside
    another row's quoted field: only a whole record (after a CRLF with an even number of quotes
    before it) is replaced; in documents.json a row is a whole line."""
    row, now = b"d2,Two,x\r\n", b"d2,Two again,x\r\n"
    table = b'id,title,summary\r\nd1,One,"see:\r\nd2,Two,x\r\n"\r\n' + row + b"d3,Three,y\r\n"
    (tmp_path / "t.csv").write_bytes(table)
    assert refields._table_patched(tmp_path / "t.csv", [(row, now)], True) == table.replace(b"\r\n" + row + b"d3", b"\r\n" + now + b"d3")
    assert refields._table_patched(tmp_path / "t.csv", [(b"d4,Four,z\r\n", now)], True) is None
    lines = b'[\n{"id": "d1", "t": "{\\"id\\": \\"d2\\"}"},\n{"id": "d2"},\n{"id": "d3"}\n]\n'
    (tmp_path / "t.json").write_bytes(lines)
    assert refields._table_patched(tmp_path / "t.json", [(b'\n{"id": "d2"}', b'\n{"id": "d2", "x": 1}')], False) == \
        lines.replace(b'{"id": "d2"},', b'{"id": "d2", "x": 1},')
    assert refields._table_patched(tmp_path / "t.json", [(b'\n{"id": "d3"}', b'\n{"id": "d3", "x": 1}')], False) == \
        lines.replace(b'{"id": "d3"}\n', b'{"id": "d3", "x": 1}\n')


def test_a_title_edit_finds_the_related_lists_holding_it_in_the_remembered_ones(make_site, tmp_path, monkeypatch):
    """A title edit ranks nothing anew: the documents whose related lists hold the edited one are found
    in the lists the full build ranked (`refields._ranked_as_left`), not by ranking each document that
    shares a term with it; those a fast build since may have changed are ranked again, and a cache
    without the lists ranks them all. Each build is the cold one."""
    root = _project(make_site, tmp_path, _documents(200))
    _builds(root)
    ranked: list[str] = []
    monkeypatch.setattr(refields, "related", lambda site, doc, rarity, rank=refields.related: ranked.append(doc.id)
                        or rank(site, doc, rarity))
    _retitle(root, "d007", "A retitled document")
    warm, built, cold = _builds(root)
    assert warm.site is None and built == cold and ranked == []
    assert all(b"A retitled document" in built[f"documents/d{n:03d}.html"] for n in (47, 87, 127, 167))  # they list it
    _retitle(root, "d047", "Another retitled document")  # d007 and those listing it were redone: ranked again
    warm, built, cold = _builds(root)
    assert warm.site is None and built == cold and set(ranked) == {"d007", "d087", "d127", "d167"}, ranked
    ranked.clear()
    memo = open_cache(root)
    memo.store("related", incremental.key((root / "build").resolve()), None)  # a cache that lost them
    memo.close()
    _retitle(root, "d090", "A third retitled document")
    warm, built, cold = _builds(root)
    assert warm.site is None and built == cold and {"d010", "d130", "d170"} <= set(ranked), ranked


def test_a_term_added_counts_the_co_occurring_terms_without_reading_every_document(make_site, tmp_path, monkeypatch):
    """A document given a new topic redraws the first page of each of its terms (their co-occurring
    terms): counted from the remembered terms of each document (`Overlay.pairs`), not by unpickling the
    200 documents of a topic they all share; and its block of dates in the search index is not made
    again (no date changed). The cold build's bytes."""
    files = {f"content/documents/d{i:03d}.md": document(f"Document {i}", f"Text {i}.\n", date=f"20{10 + i % 12}-0{1 + i % 9}-1{i % 9}",
                                                        summary=f"About {i}.", actors=[f"Person {i % 40}"], topics=["Trade"])
             for i in range(200)}
    files.update({f"content/topics/{t.lower()}.md": f"---\nname: {t}\n---\nOn {t.lower()}.\n" for t in ("Trade", "Ports")})
    root = _project(make_site, tmp_path, files)
    _builds(root)
    opened: set[str] = set()
    getitem = incremental.Shelved.__getitem__
    monkeypatch.setattr(incremental.Shelved, "__getitem__", lambda self, doc_id: opened.add(doc_id) or getitem(self, doc_id))
    path = root / "content/documents/d199.md"
    path.write_text(path.read_text(encoding="utf-8").replace('["Trade"]', '["Trade", "Ports"]'), encoding="utf-8")
    warm, built, cold = _builds(root)
    assert warm.site is None and built == cold
    assert b"Ports" in built["topics/trade.html"]
    assert len(opened) < 100, len(opened)  # the page's own slice of 50, the home page's latest, d199's related
