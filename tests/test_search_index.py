"""Build-side properties of the term-split search index: packing, an empty archive, taxonomies as
fields and facets, and what a one-document edit rewrites."""

from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path

import pytest

from sitegen import search, searchcodes, searchindex
from sitegen.build import build
from sitegen.cache import Memo
from sitegen.config import load_config
from sitegen.errors import BuildFailed
from tests.conftest import site_config
from tests.test_search import data_file

WORDS = [f"w{a}{b}" for a in "bcdfghjklmnpqrstvz" for b in "aeiou"]


def test_pack_round_trips_numbers_of_every_size():
    values = [0, 1, 44, 45, 2024, 2025, 91124, 91125, 10**9, 7]
    packed = searchcodes.pack(values)
    assert searchcodes.unpack(packed) == values
    assert len(searchcodes.pack([44])) == 1 and len(searchcodes.pack([2024])) == 2
    assert not set(packed) & set('"\\<')


def test_an_empty_archive_builds(make_site, tmp_path):
    root = make_site({}, base=False)
    (root / "content/documents").mkdir(parents=True)
    build(load_config(root / "sitegen.yaml"), out=tmp_path / "out")
    core = data_file(tmp_path / "out/search/core.js")
    assert core["documents"] == 0 and core["chunks"] == [] and not (tmp_path / "out/search/t").exists()


PLACES = ("taxonomies:\n  people: {optional: true, boost: 8, title: People}\n  places: {optional: true}\n")


def tagged_site(make_site) -> Path:
    docs = {"content/documents/a.md": "---\ntitle: Harbour talks\ndate: 2020\nsource: Wire\nlanguage: en\nsummary: s\n"
            "people: [Ada Quill]\nplaces: [Zanzibar]\n---\nThe talks went on.\n",
            "content/documents/b.md": "---\ntitle: Other news\ndate: 2021\nsource: Wire\nlanguage: en\nsummary: s\n"
            "places: [Oslo]\n---\nNothing here about zanzibar.\n"}
    return make_site(docs, base=False, config=site_config(extra=PLACES))


def test_every_taxonomy_is_a_field_with_its_boost_and_a_facet(make_site, tmp_path):
    root = tagged_site(make_site)
    build(load_config(root / "sitegen.yaml"), out=tmp_path / "out")
    core = data_file(tmp_path / "out/search/core.js")
    assert list(zip(core["fields"], core["boosts"])) == [("title", 10), ("people", 8), ("places", 5), ("summary", 3),
                                                        ("source", 2), ("body", 1)]
    assert [f["name"] for f in core["facets"]] == ["people", "places", "language", "year", "source"]
    assert core["facets"][0]["title"] == {"en": "People"}  # per edition language
    chunk = next(c for c in (data_file(tmp_path / "out" / p) for p in search.chunk_paths(core)) if "zanzibar" in c["terms"])
    per_field = searchindex.decode_posting(chunk["postings"][chunk["terms"].index("zanzibar")], len(core["fields"]))
    places, body = core["fields"].index("places"), core["fields"].index("body")
    a, b = (next(n for n in range(2) if data_file(tmp_path / f"out/search/r/{n}.js")["href"].endswith(f"/{d}.html"))
            for d in "ab")
    assert per_field[places] == [a, 1, 1] and per_field[body] == [b, 1]  # document a by its place, b by its body


def test_a_taxonomy_boost_must_be_a_positive_number(make_site):
    root = make_site({}, base=False, config=site_config(extra="taxonomies:\n  places: {boost: high}\n"))
    with pytest.raises(BuildFailed) as failed:
        load_config(root / "sitegen.yaml")
    assert "`boost` must be a positive number" in str(failed.value.diagnostics[0])


def corpus_site(make_site, n: int = 600) -> Path:
    rng = random.Random(11)
    docs = {f"content/documents/d{i:04d}.md": f"---\ntitle: {' '.join(rng.choices(WORDS, k=5))}\ndate: 2020\n"
            f"source: Wire\nlanguage: en\nsummary: {' '.join(rng.choices(WORDS, k=12))}\n---\n"
            f"{' '.join(rng.choices(WORDS, k=200))} unique{i}\n" for i in range(n)}
    return make_site(docs, base=False)


def search_files(root: Path) -> dict[str, bytes]:
    files = build(load_config(root / "sitegen.yaml"), until="render").files
    return {path: data for path, data in files.items() if path.startswith("search/")}


def test_a_one_document_edit_rewrites_few_index_files(make_site):
    root = corpus_site(make_site)
    before = search_files(root)
    doc = root / "content/documents/d0300.md"
    doc.write_text(doc.read_text().replace("unique300", "unique300 brandnewword"))
    after = search_files(root)
    changed = {p for p in after if before.get(p) != after[p]} | (before.keys() - after.keys())
    chunks = {p for p in changed if p.startswith("search/t/")}
    groups = {p for p in changed if p.startswith("search/k/")}  # the new word's term list
    vocab = {p for p in changed if p.startswith("search/w/")}  # the words beginning with its first letter
    assert {"search/core.js", "search/d/0.js"} <= changed  # the record's snippet is unchanged
    lengths = {"search/core.js", "search/d/0.js", "search/b/0.js", *(f"search/e/{k}-0.js" for k in range(4))}  # its block's
    assert "search/e/0-0.js" in changed or "search/e/1-0.js" in changed or "search/e/2-0.js" in changed or "search/e/3-0.js" in changed
    assert vocab == {"search/w/62.js"}  # b
    positions = {p for p in changed if p.startswith("search/p/")}  # beside the new word's chunk: no other term moved
    assert positions and {p.replace("/p/", "/t/") for p in positions} <= chunks
    assert 1 <= len(chunks) <= 3 and len(groups) == 1 and changed - chunks - groups - vocab - positions <= lengths
    assert sum(len(after[p]) for p in changed if p in after) < 0.15 * sum(map(len, after.values()))


class DictMemo(Memo):
    """A memo kept in a dict, counting what it had to compute."""

    def __init__(self):
        self.kept, self.computed = {}, 0

    def reuse(self, namespace, keyed, compute):
        missing = [(k, item) for k, item in keyed if (namespace, k) not in self.kept]
        self.computed += len(missing)
        for (k, _), result in zip(missing, compute([item for _, item in missing])):
            self.kept[namespace, k] = result
        return [self.kept[namespace, k] for k, _ in keyed]


def test_with_a_warm_memo_an_edit_analyses_only_the_edited_document(make_site):
    root = corpus_site(make_site, 50)
    site = build(load_config(root / "sitegen.yaml"), until="check").site
    memo = DictMemo()
    cold, _ = search.build_search(site, memo)
    assert memo.computed == 50
    doc = next(iter(site.documents.values()))
    doc.title += " edited"
    warm, _ = search.build_search(site, memo)
    assert memo.computed == 51
    assert warm == search.build_search(site)[0] and warm != cold  # same bytes as a build without a memo


@pytest.mark.browser
def test_a_taxonomy_of_any_name_is_a_facet_in_the_page(browser, make_site, tmp_path):
    build(load_config(tagged_site(make_site) / "sitegen.yaml"), out=tmp_path / "out")
    page = browser.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto((tmp_path / "out/search.html").as_uri() + "?q=zanzibar")
    page.wait_for_function("document.querySelectorAll('#search-results li').length === 2"
                           " && document.getElementById('search-app').getAttribute('aria-busy') === 'false'")
    titles = page.eval_on_selector_all("#search-results a.doc-title", "els => els.map(e => e.textContent)")
    assert titles == ["Harbour talks", "Other news"]  # the place field (boost 5) outranks the body
    places = page.locator("fieldset[data-facet=places]")
    assert places.locator("legend").text_content() == "Places"
    assert places.locator("label", has_text="Zanzibar").locator(".count").text_content() == "1"
    assert page.locator("fieldset[data-facet=people] legend").text_content() == "People"
    places.locator("label", has_text="Oslo").locator("input").check()
    page.wait_for_function("document.querySelectorAll('#search-results li').length === 1")
    assert page.locator("#search-results a.doc-title").text_content() == "Other news" and errors == []
    page.close()


def test_the_code_table_is_each_numbers_own_code():
    from sitegen import searchcodes
    searchcodes._CODES.clear()  # made again here, not taken from an earlier test
    assert searchcodes._codes() == [searchcodes._code(v) for v in range(searchcodes.HALF ** 3)]
    assert searchcodes.unpack(searchcodes.pack([0, 44, 45, 2024, 2025, 91124, 91125, 10 ** 9])) == [0, 44, 45, 2024, 2025, 91124, 91125, 10 ** 9]


def test_postings_round_trip_every_field():
    """A posting's fields (bit-coded: gaps, tfs and, but for the body, field lengths) decode to what
    was encoded, empty fields, a tf past the gamma table and long gaps included; the head alone too."""
    rng = random.Random(12)
    for _ in range(300):
        fields = []
        for f in range(4):
            docs = sorted(rng.sample(range(rng.choice([50, 300, 100_000])), rng.choice([0, 0, 1, 3, 40])))
            tfs = [rng.choice([1, 1, 2, 7, 5000]) for _ in docs]
            if f < 3:
                fields.append([x for d, tf in zip(docs, tfs) for x in (d, tf, tf + rng.choice([0, 1, 30, 900]))])
            else:
                fields.append([x for d, tf in zip(docs, tfs) for x in (d, tf)])
        head = searchindex.encode_head(fields)
        assert searchindex.decode_posting(head + searchindex.encode_body(fields[-1]), 4) == fields
        assert searchindex.head_docs(head, 4) == fields[:-1]


def positions_of(out: Path, term: str) -> dict[str, dict[int, list[int]]]:
    """Where `term` is, per field (title, body) and document, as its chunk's position file says."""
    core = data_file(out / "search/core.js")
    path = next(p for p in search.chunk_paths(core) if term in data_file(out / p)["terms"])
    chunk, entries = data_file(out / path), data_file(out / path.replace("/t/", "/p/"))
    k = chunk["terms"].index(term)
    alone = out / path.replace("/t/", "/p/").replace(".js", f"-{searchindex.chunk_name(term)}.js")
    assert alone.exists() == (not entries[k])  # a common term's positions: a file of its own
    entries[k] = entries[k] or data_file(alone)
    per_field = searchindex.decode_posting(chunk["postings"][k], len(core["fields"]))
    title, body = per_field[0], per_field[-1]
    gaps = searchindex.decode_positions(entries[k], sum(title[1::3]), sum(body[1::2]))
    out_: dict[str, dict[int, list[int]]] = {}
    for name, docs, tfs, found in (("title", title[0::3], title[1::3], gaps[0]), ("body", body[0::2], body[1::2], gaps[1])):
        at, out_[name] = 0, {}
        for n, tf in zip(docs, tfs):
            places = []
            for g in found[at:at + tf]:
                places.append(g if not places else places[-1] + 1 + g)
            out_[name][n], at = places, at + tf
    return out_


def test_position_files_say_where_each_term_is_stop_words_counting(make_site, tmp_path):
    """Beside each term chunk, a position file: per term, its positions in each document's title and
    body, stop words and punctuation taking their place, in Arabic as analysed (article, hamza)."""
    docs = {"content/documents/a.md": "---\ntitle: The press and freedom\ndate: 2020\nsource: Wire\nlanguage: en\n---\n"
            "Freedom of the press, said the press office. Press on!\n",
            "content/documents/b.md": "---\ntitle: Other\ndate: 2020\nsource: Wire\nlanguage: ar\n---\n"
            "يحفظ الأرشيف الوطني السجلات في الأرشيف.\n"}
    root = make_site(docs, base=False)
    build(load_config(root / "sitegen.yaml"), out=tmp_path / "out")
    out = tmp_path / "out"
    a, b = (next(n for n in range(2) if data_file(out / f"search/r/{n}.js")["href"].endswith(f"/{d}.html")) for d in "ab")
    assert positions_of(out, "press") == {"title": {a: [1]}, "body": {a: [3, 6, 8]}}  # freedom of the press: 0 and 3
    assert positions_of(out, "freedom") == {"title": {a: [3]}, "body": {a: [0]}}
    assert positions_of(out, "ارشيف") == {"title": {}, "body": {b: [1, 5]}}  # الأرشيف twice; في (a stop word) at 4
    assert positions_of(out, "وطن") == {"title": {}, "body": {b: [2]}}  # الوطني


def test_a_common_terms_positions_are_a_file_of_their_own(make_site, tmp_path, monkeypatch):
    monkeypatch.setattr(searchindex, "ALONE", 3)
    docs = {"content/documents/a.md": "---\ntitle: Press\ndate: 2020\nsource: Wire\nlanguage: en\n---\n"
            "Freedom of the press, said the press office. Press on! Freedom.\n"}
    build(load_config(make_site(docs, base=False) / "sitegen.yaml"), out=tmp_path / "out")
    out = tmp_path / "out"
    assert positions_of(out, "press") == {"title": {0: [0]}, "body": {0: [3, 6, 8]}}  # three: alone
    assert positions_of(out, "freedom") == {"title": {}, "body": {0: [0, 10]}}  # two: in its chunk's file
    assert len(list((out / "search/p").glob("*-*.js"))) == 1
    own = data_file(out / "search/core.js")["own"]  # the page knows before any chunk arrives
    assert own["n"] == 1 and searchindex.own_hashes(own) == {searchindex.term_hash("press") & own["m"] - 1}


def test_positions_round_trip():
    rng = random.Random(5)
    for _ in range(200):
        title = [rng.choice([0, 1, 5, 300]) for _ in range(rng.choice([0, 0, 1, 4]))]
        body = [rng.choice([0, 1, 2, 40, 9000]) for _ in range(rng.choice([0, 1, 7, 300]))]
        packed = searchindex.encode_positions(title) + searchindex.encode_positions(body)
        assert searchindex.decode_positions(packed, len(title), len(body)) == (title, body)


def test_a_body_edit_that_moves_words_rewrites_only_their_position_files(make_site):
    """The same words in another order: no posting changes, so no term chunk is written; the position
    files of the moved words' chunks are, and the files equal a full build's."""
    root = corpus_site(make_site, 200)
    site = build(load_config(root / "sitegen.yaml"), until="check").site
    files, _, state = search.build_search_state(site)
    doc_id = sorted(site.documents)[40]
    doc = site.documents[doc_id]
    words = doc.body.text.split()
    moved = words[:100] + words[100:110][::-1] + words[110:]  # past the record's snippet
    site.documents[doc_id] = replace(doc, body=replace(doc.body, text=" ".join(moved)))
    written, removed, _, _ = search.update_bodies(state, site, [doc_id])
    assert {**files, **written} == search.build_search(site)[0] and not removed
    assert written and all(p.startswith("search/p/") for p in written)
    assert len(written) <= len(set(words[100:110]))
