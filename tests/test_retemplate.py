"""Template edits and edits of the config keys only rendering reads (`config.Key.rendered`): the pages
are rendered again from the model the last build remembered, with the documents' bodies from where
the full build's pages left them (`render.Shelf`), and every output equals a cold build's, byte for
byte: in both editions, drafts left out, documents in sub-folders (`limits.folder_entries` lowered),
in one process and over two.
"""

from __future__ import annotations

import dataclasses
import shutil
from collections import Counter
from pathlib import Path
from types import SimpleNamespace

import pytest

from sitegen import output, retemplate
from sitegen.build import build
from sitegen.cache import FOLDER, open_cache
from sitegen.config import RENDERED, SCHEMA, load_config
from sitegen.chrome import SETTINGS
from sitegen.outputs import of, one
from sitegen.pages import made, plan_document, plan_site
from sitegen.markup import Rendered
from sitegen.render import TOKEN, SpilledHTML

from tests.conftest import ROOT
from tests.test_folders import archive
from tests.test_cache import tree

# An edit of each key `Key.rendered` names, as a line of sitegen.yaml (the key's old line replaced)
CONFIG_EDITS = {
    "title": "title: {en: Letters of lighthouse keepers, ar: رسائل حراس المنارات}\n",
    "description": "description: {en: What the keepers wrote., ar: ما كتبه الحراس.}\n",
    "extra": "extra:\n  motto: Keep the light\n",
    "extra_labels": "extra_labels:\n  harbour: {en: Harbour, ar: الميناء}\n",
}
OTHER_EDITS = {  # keys the sources' reading, the model or the search read: the full build
    "page_size": "page_size: 3\n",
    "order": "order: oldest\n",
    "build_date": "build_date: '2026-02-02'\n",
}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The small archive of `test_folders` (documents in sub-folders), in two editions, with an Arabic
    document, a draft, a document with an `extra` key, and a copy of the templates whose base shows
    the config's `extra` (the theme's does not)."""
    root = archive(tmp_path / "site", documents=30, extra="languages: [en, ar]\ndescription: Letters.\n")
    config = root / "sitegen.yaml"
    text = config.read_text(encoding="utf-8").replace("language: en\n", "", 1)
    config.write_text(text.replace(f"templates: {ROOT / 'templates'}\n", f"templates: {tmp_path / 'tpl'}\n"),
                      encoding="utf-8")
    shutil.copytree(ROOT / "templates", tmp_path / "tpl")
    base = tmp_path / "tpl/base.html"
    base.write_text(base.read_text(encoding="utf-8").replace("</body>", "<!-- {{ site.extra }} --></body>", 1),
                    encoding="utf-8")
    docs = root / "content/documents"
    (docs / "arabic-letter.md").write_text("---\ntitle: رسالة من الحارس\ndate: 2021-02-03\nsource: موقع\nlanguage: ar\n"
                                           "actors:\n  - Wang Yi\n---\nنص الرسالة.\n", encoding="utf-8")
    (docs / "unfinished.md").write_text("---\ntitle: Not yet\ndate: 2021-02-04\nsource: Wire\nlanguage: en\n"
                                        "draft: true\n---\nA draft never published.\n", encoding="utf-8")
    (docs / "harbour-note.md").write_text("---\ntitle: A note on the harbour\ndate: 2021-02-05\nsource: Wire\n"
                                          "language: en\nextra:\n  harbour: Alexandria\n---\nThe harbour, "
                                          "[and its light](doc:report-about-the-meeting-001).\n\n## The light\n\n"
                                          "It turns.\n", encoding="utf-8")
    return root


def test_kept_bodies_read_back_whole_but_those_left_out(tmp_path):
    bodies = {"a": Rendered("<p>بيان <em>مشترك</em></p>\n", "بيان مشترك", ((2, "h", "H"),)), "b": Rendered("", "", ()),
              "c": Rendered("<p>x</p>", "x", ((1, "x", "X"), (2, "y", "Y")))}
    site = SimpleNamespace(documents={k: SimpleNamespace(body=v) for k, v in bodies.items()})
    spilled = SpilledHTML(site, tmp_path, keep=tmp_path / "kept")
    assert spilled.read("a") == (bodies["a"].html, bodies["a"].text)
    shelf = spilled.close(kept=True)
    assert shelf is not None and not list(tmp_path.glob("kept.tmp-*"))
    reader = shelf.open(leave_out=["c"])
    assert set(reader.at) == {"a"}  # "b" had nothing to keep: made again, as "c" is
    assert reader.body("a", None) == bodies["a"]
    reader.close()
    assert shelf.open().body("c", None) == bodies["c"]
    again = SpilledHTML(SimpleNamespace(documents={"a": SimpleNamespace(body=bodies["a"])}), tmp_path,
                        keep=tmp_path / "kept")
    assert again.close(kept=False) is None and shelf.open() is not None  # a build that failed replaces nothing
    SpilledHTML(SimpleNamespace(documents={"a": SimpleNamespace(body=bodies["a"])}), tmp_path,
                keep=tmp_path / "kept").close(kept=True)
    assert shelf.open() is None  # another build's


def builds(root: Path, jobs: int = 1):
    """A build with the cache into build/, and a cold one (no cache) into cold/: each result."""
    config = load_config(root / "sitegen.yaml", environ={})
    memo = open_cache(config.root)
    try:
        warm = build(config, out=root / "build", memo=memo, jobs=jobs)
    finally:
        memo.close()
    cold = build(load_config(root / "sitegen.yaml", environ={}), out=root.parent / "cold", jobs=1)
    return warm, cold


def same_as_cold(root: Path) -> bool:
    return tree(root / "build") == tree(root.parent / "cold")


def set_key(root: Path, name: str, line: str) -> None:
    """`name`'s line in sitegen.yaml replaced by `line` (a mapping's lines with it), or `line` added."""
    config = root / "sitegen.yaml"
    lines, kept, skipping = config.read_text(encoding="utf-8").splitlines(keepends=True), [], False
    for text in lines:
        if text.startswith(f"{name}:"):
            skipping = True
            continue
        if skipping and text.startswith(" "):
            continue
        skipping = False
        kept.append(text)
    config.write_text("".join(kept) + line, encoding="utf-8")


def edit_template(root: Path, n: int) -> None:
    page = root.parent / "tpl/document.html"
    page.write_text(page.read_text(encoding="utf-8").replace("</article>", f"</article><!-- {n} -->", 1),
                    encoding="utf-8")


def edit_body(root: Path, name: str, n: int) -> None:
    path = root / "content/documents" / name
    path.write_text(path.read_text(encoding="utf-8") + f"\nA line added {n}.\n", encoding="utf-8")


def retitle(root: Path, name: str, n: int) -> None:
    path = root / "content/documents" / name
    path.write_text(path.read_text(encoding="utf-8").replace("title: ", f"title: Retitled {n} ", 1), encoding="utf-8")


def test_every_key_only_rendering_reads_has_an_edit_here_and_names_outputs_that_exist():
    assert set(CONFIG_EDITS) == set(RENDERED) and not set(OTHER_EDITS) & set(RENDERED)
    assert all(SCHEMA[name].rendered is not None for name in RENDERED)
    assert all(one(name).scope == "site" and one(name).make for names in RENDERED.values() for name in names)


@pytest.mark.parametrize("jobs", [1, 2])
@pytest.mark.parametrize("name", sorted(CONFIG_EDITS))
def test_an_edit_of_a_key_only_rendering_reads_renders_again_from_the_remembered_model(project, name, jobs):
    builds(project, jobs)
    set_key(project, name, CONFIG_EDITS[name])
    warm, cold = builds(project, jobs)
    assert warm.site is None and cold.site is not None  # no model was made: the fast path
    assert same_as_cold(project), name
    assert warm.warnings == cold.warnings and warm.counts == cold.counts
    edit_body(project, "report-about-the-meeting-003.md", 1)  # the next fast build sees the new config
    warm, _ = builds(project, jobs)
    assert warm.edited == 1 and same_as_cold(project), name
    retitle(project, "report-about-the-meeting-004.md", 2)  # and the one after it
    warm, _ = builds(project, jobs)
    assert warm.site is None and same_as_cold(project), name


def test_the_site_title_reaches_the_data_package_and_the_feeds(project):
    set_key(project, "base_url", "base_url: https://archive.example.org/\n")
    builds(project)
    set_key(project, "title", CONFIG_EDITS["title"])
    warm, _ = builds(project)
    assert warm.site is None and same_as_cold(project)
    assert "Letters of lighthouse keepers" in (project / "build/data/datapackage.json").read_text(encoding="utf-8")
    assert "Letters of lighthouse keepers" in (project / "build/feeds/archive.xml").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(OTHER_EDITS))
def test_other_keys_take_the_full_build(project, name):
    builds(project)
    set_key(project, name, OTHER_EDITS[name])
    warm, _ = builds(project)
    assert warm.site is not None and same_as_cold(project), name


def test_a_title_edit_with_another_key_takes_the_full_build_and_no_change_none(project):
    builds(project)
    set_key(project, "title", CONFIG_EDITS["title"])
    set_key(project, "page_size", OTHER_EDITS["page_size"])
    warm, _ = builds(project)
    assert warm.site is not None and same_as_cold(project)
    warm, _ = builds(project)
    assert warm.site is None and warm.stats.changed == 0


def test_a_template_edit_and_a_title_edit_together_take_one_fast_build(project):
    builds(project, 2)
    set_key(project, "title", CONFIG_EDITS["title"])
    edit_template(project, 1)
    warm, _ = builds(project, 2)
    assert warm.site is None and same_as_cold(project)


def bodies_made(monkeypatch) -> list[int]:
    """How many bodies each template edit made again from the memo (`retemplate._linked_bodies`)."""
    made: list[int] = []
    render_bodies = retemplate.render_bodies
    monkeypatch.setattr(retemplate, "render_bodies",
                        lambda records, *rest: made.append(len(records)) or render_bodies(records, *rest))
    return made


def test_a_document_template_edit_takes_the_bodies_the_full_build_kept(project, monkeypatch):
    made = bodies_made(monkeypatch)
    builds(project, 2)
    shelves = list((project / FOLDER).glob("bodies-*"))
    assert len(shelves) == 1
    edit_body(project, "harbour-note.md", 1)  # a body edit's fast path: the kept body is out of date
    assert builds(project, 2)[0].edited == 1
    retitle(project, "report-about-the-meeting-002.md", 2)  # a front-matter edit's fast path
    assert builds(project, 2)[0].site is None
    edit_template(project, 3)
    warm, _ = builds(project, 2)
    assert warm.site is None and same_as_cold(project)
    assert made == [2]  # the two documents edited since the full build; the others' bodies as kept
    page = next((project / "build/documents").rglob("harbour-note.html"))
    assert "A line added 1." in page.read_text(encoding="utf-8")
    edit_template(project, 4)
    warm, _ = builds(project, 1)  # in one process, from the kept bodies too
    assert warm.site is None and same_as_cold(project) and made == [2, 2]


@pytest.mark.parametrize("damage", ["another build's", "gone", "cut short"])
def test_kept_bodies_that_are_not_the_last_full_builds_are_not_read(project, monkeypatch, damage):
    made = bodies_made(monkeypatch)
    builds(project, 2)
    shelf = next((project / FOLDER).glob("bodies-*"))
    if damage == "another build's":
        shelf.write_bytes(b"\0" * TOKEN + shelf.read_bytes()[TOKEN:])
    elif damage == "gone":
        shelf.unlink()
    else:
        shelf.write_bytes(shelf.read_bytes()[:TOKEN + 10])
    edit_template(project, 1)
    warm, _ = builds(project, 2)
    assert warm.site is None and same_as_cold(project)
    assert made and made[0] >= 30  # every body made again


def test_a_full_build_without_workers_keeps_no_bodies_and_a_template_edit_makes_them(project, monkeypatch):
    made = bodies_made(monkeypatch)
    builds(project, 1)
    assert not list((project / FOLDER).glob("bodies-*"))
    edit_template(project, 1)
    warm, _ = builds(project, 1)
    assert warm.site is None and same_as_cold(project) and made[0] >= 30


def test_a_title_edit_stages_only_the_files_whose_bytes_change(project, monkeypatch):
    """Every page is rendered again, but one whose bytes are the output's (a BibTeX entry shows no site
    title) is not written into the staging folder only to be thrown away with it."""
    builds(project)
    staged: list[str] = []  # (a file whose folder is not made yet is opened twice)
    create = output._create

    def counting(path, data):
        if ".build.tmp-" in str(path):
            staged.append(str(path))
        return create(path, data)
    monkeypatch.setattr(output, "_create", counting)
    set_key(project, "title", CONFIG_EDITS["title"])
    warm, _ = builds(project)
    assert warm.site is None and same_as_cold(project)
    assert 0 < len(set(staged)) == warm.stats.changed < warm.stats.files / 2, (len(set(staged)), warm.stats)
    assert not [p for p in staged if p.endswith((".bib", ".ris"))]


def ranked_counted(monkeypatch) -> list[str]:
    """The documents whose related lists a template edit ranked (`retemplate.ranked`), in one process."""
    ranked: list[str] = []
    related = retemplate.related
    monkeypatch.setattr(retemplate, "related",
                        lambda site, doc, rarity: ranked.append(doc.id) or related(site, doc, rarity))
    return ranked


def test_related_lists_ranked_by_the_full_build_serve_template_edits_but_those_front_matter_edits_reach(
        project, monkeypatch):
    ranked = ranked_counted(monkeypatch)
    builds(project, 2)  # its workers send their rankings back
    edit_template(project, 1)
    warm, _ = builds(project, 1)
    assert warm.site is None and same_as_cold(project) and ranked == []  # the full build's lists: none ranked again
    path = project / "content/documents/report-about-the-meeting-001.md"  # Wang Yi was on the Arabic letter alone:
    path.write_text(path.read_text(encoding="utf-8").replace("actors:\n", "actors:\n  - Wang Yi\n", 1),
                    encoding="utf-8")
    warm, _ = builds(project, 1)  # its related list now holds this report
    assert warm.site is None and same_as_cold(project)  # the front-matter edit's fast path
    edit_template(project, 2)
    warm, _ = builds(project, 1)
    assert warm.site is None and same_as_cold(project)  # (a stale list would show on the letter's page)
    assert {"arabic-letter", "report-about-the-meeting-001"} <= set(ranked) and len(ranked) < 30
    edit_template(project, 3)
    warm, _ = builds(project, 1)
    assert warm.site is None and same_as_cold(project) and len(ranked) == len(set(ranked))  # remembered again


def test_a_template_edit_ranks_the_documents_a_full_build_kept_as_they_were(project, monkeypatch):
    ranked = ranked_counted(monkeypatch)
    builds(project, 1)
    path = project / "content/documents/arabic-letter.md"  # a date moves pages: the full build, which keeps the
    path.write_text(path.read_text(encoding="utf-8").replace("2021-02-03", "2021-02-06"), encoding="utf-8")
    builds(project, 1)  # pages of the documents it cannot reach (`incremental.unreached`), neither planned nor ranked
    edit_template(project, 1)
    warm, _ = builds(project, 1)
    published = len(list((project / "content/documents").glob("*.md"))) - 1  # (one is a draft)
    assert warm.site is None and same_as_cold(project) and 0 < len(ranked) < published
    set_key(project, "page_size", "page_size: 3\n")  # a full build of every page: its lists alone
    builds(project, 1)
    edit_template(project, 2)
    before = len(ranked)
    warm, _ = builds(project, 1)
    assert warm.site is None and same_as_cold(project) and len(ranked) == before


def test_a_recalled_rarity_makes_a_documents_terms_only_when_asked(project):
    from sitegen import incremental
    from sitegen.pages import rarity
    builds(project, 1)
    config = load_config(project / "sitegen.yaml", environ={})
    memo = open_cache(config.root)
    try:
        state = incremental.recall(memo, (project / "build").resolve())
    finally:
        memo.close()
    assert state is not None and state.rarity.terms.found == {} and not state.site.documents.opened
    terms = state.rarity.terms["report-about-the-meeting-001"]
    assert set(state.rarity.terms.found) == {"report-about-the-meeting-001"} and not state.site.documents.opened
    whole = rarity(state.site)
    assert terms == whole.terms["report-about-the-meeting-001"] and dict(state.rarity.terms) == whole.terms


def test_the_keys_only_rendering_reads_reach_a_page_only_through_the_contexts_settings_keys(project):
    """Every page planned with the config before and after an edit of every key only rendering reads:
    their contexts differ in `chrome.SETTINGS` keys alone (so a template reading none of those, as a
    document's BibTeX entry, is not rendered again after such an edit), and they do differ."""
    before = build(load_config(project / "sitegen.yaml", environ={}), out=project.parent / "cold", jobs=1).site
    for name, line in CONFIG_EDITS.items():
        set_key(project, name, line)
    after = dataclasses.replace(before, config=load_config(project / "sitegen.yaml", environ={}))
    differing: Counter = Counter()
    for was, now in zip(contexts(before), contexts(after), strict=True):
        differing.update(key for key in was.keys() | now.keys() if was.get(key) != now.get(key))
    assert set(differing) <= SETTINGS and {"site", "meta", "marks", "title"} <= set(differing), differing
    own = {o.template for o in of("document")}
    assert retemplate._reading_settings(before.config.template_folders, own) == {"document.html"}


def contexts(site) -> list[dict]:
    """The context of every page of `site`, its documents' too, in the plan's order."""
    plan = plan_site(site)[0]
    return [made(site, page).context for page in plan.pages] + \
        [page.context for doc_id in plan.documents for page in plan_document(site, site.documents[doc_id], plan.rarity)]
