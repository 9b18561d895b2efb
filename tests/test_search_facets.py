"""Facet counts over every result, from per-document rows and from per-value lists loaded most
documents first: both give what counting every document of the archive gives, for the values shown
and the values chosen, with and without choices in other facets."""

from __future__ import annotations

import dataclasses
import json
import math
import random
import re
from collections import Counter

import pytest

from sitegen import searchcodes, searchdata, searchindex
from sitegen.build import build
from sitegen.config import load_config
from tests.test_search_parity import corpus


def test_value_lists_lengths_and_rice_codes_round_trip():
    rng = random.Random(4)
    for _ in range(200):
        values = [rng.choice([0, 1, 2, 7, 63, 64, 900, 70_000]) for _ in range(rng.randint(0, 40))]
        k = searchcodes.rice_parameter(sum(values), len(values))
        assert searchcodes.unrice(searchcodes.rice(values, k), k, len(values)) == values
    lengths = [rng.choice([0, 1, 290, 300, 301, 5000]) for _ in range(searchindex.BLOCK + 7)]
    for block in (0, 1):
        part = lengths[block * searchindex.BLOCK:(block + 1) * searchindex.BLOCK]
        assert searchindex.decode_lengths(searchindex.length_block(lengths, block), len(part)) == part
    per_doc = [sorted(rng.sample(range(8), rng.randint(0, 3))) for _ in range(500)] + [[8]] * 300  # 8: one run
    for single in (True, False):  # (not single, but runs are tried only for single-valued facets)
        lists = searchdata.value_lists(per_doc, 9, single)
        assert [searchdata.decode_list(p) for p in lists] == [[n for n, ids in enumerate(per_doc) if v in ids] for v in range(9)]
        alphabet = searchcodes.ALPHABET
        assert {p[0] for p in lists[:8]} == {alphabet[0]}  # Rice-coded gaps
        assert (lists[8][0] == alphabet[1] and len(lists[8]) < 8) if single else lists[8][0] == alphabet[0]  # or runs


@pytest.fixture(scope="module", params=["terms carry counts", "no counts"])
def facet_site(tmp_path_factory, request):
    """The parity corpus (1,000 documents, people and places), with value-list files of a few values each,
    so a facet's counts take several rounds of loading, and rows in blocks of 128 documents; common
    terms carrying their facet counts (as past searchdata.COUNTED_FROM documents) or not (below)."""
    carried = request.param == "terms carry counts"
    return built(tmp_path_factory, "facets-carried" if carried else "facets-plain", LIST_BYTES=60, ROWS=128,
                 **({"COUNTED_FROM": 0} if carried else {}))[:3]


def built(tmp_path_factory, name: str, **settings):
    """The parity corpus built with these searchdata `settings`: its output folder, and as they make
    them, the documents in index order, the facet specs and the facet files."""
    root = tmp_path_factory.mktemp(name)
    corpus(root)
    with pytest.MonkeyPatch.context() as patch:
        for setting, value in settings.items():
            patch.setattr(searchdata, setting, value)
        result = build(load_config(root / "sitegen.yaml", environ={}), out=root / "out", jobs=2)
        docs, specs, _, files, _, _, _ = searchdata.facets(result.site)
    return root / "out", docs, specs, files


def values(doc, name: str) -> list[str]:
    if name == "language":
        return [doc.language]
    if name == "year":
        return [str(doc.date.year)]
    if name == "source":
        return [doc.source]
    return list(doc.terms.get(name, ()))


def choices(rng: random.Random, ranked: dict[str, list[str]], choice: int) -> dict[str, set[str]]:
    """No value chosen (0); one of the first 20 people (1); one person and one year (2)."""
    selected = {}
    if choice >= 1:
        selected["people"] = {rng.choice(ranked["people"][:20])}
    if choice >= 2:
        selected["year"] = {rng.choice(ranked["year"])}
    return selected


def expected(docs, spec_names, hits, selected):
    """Counting every result by hand: per facet, value -> count over the results passing the other
    facets' choices (choices by label), and the results passing every choice."""
    def passes(doc, except_name=None):
        return all(name == except_name or not chosen or set(values(doc, name)) & chosen for name, chosen in selected.items())

    counts = {name: Counter(v for n in hits if passes(docs[n], name) for v in values(docs[n], name)) for name in spec_names}
    return counts, [n for n in hits if passes(docs[n])]


@pytest.mark.browser
@pytest.mark.parametrize("query", ["ka", "minister", "lo", "countries", "sen"])
@pytest.mark.parametrize("mode", ["rows", "lists", "records"])
def test_facet_counts_equal_counting_every_result(browser, facet_site, query, mode):
    out, docs, specs = facet_site
    names = [s["name"] for s in specs]
    page = browser.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto((out / "search.html").as_uri())
    page.wait_for_function("window.sitegenIndex")
    ranked = {name: searchdata.rank_values([values(doc, name) for doc in docs]) for name in names}
    rng = random.Random(query)
    for choice in range(3):
        selected = choices(rng, ranked, choice)
        ids = {names.index(name): {ranked[name].index(v): True for v in chosen} for name, chosen in selected.items()}
        got = page.evaluate("""([q, mode, ids]) => {
            const idx = window.sitegenIndex;
            return idx.run(idx.words(window.sitegenAnalysis.analyse(q), '')).then(hits => {
                hits.facetMode = mode;
                const selected = [];
                Object.keys(ids).forEach(f => { selected[+f] = ids[f]; });
                return idx.facets(hits, selected).then(view => ({hits: hits.map(h => h.n), visible: view.visible.map(h => h.n),
                    facets: view.facets.map(x => ({f: x.f, top: x.top, counts: x.top.map(v => x.counts.get(v) || 0)}))}));
            });
        }""", [query, mode, {str(k): v for k, v in ids.items()}])
        counts, visible = expected(docs, names, got["hits"], selected)
        assert got["visible"] == visible and len(got["hits"]) >= 5
        for facet in got["facets"]:
            name = names[facet["f"]]
            want = sorted(counts[name].items(), key=lambda kv: (-kv[1], ranked[name].index(kv[0])))[:searchdata.SHOWN]
            chosen = [(v, counts[name][v]) for v in sorted(selected.get(name, ()), key=ranked[name].index) if v not in dict(want)]
            assert [(ranked[name][v], c) for v, c in zip(facet["top"], facet["counts"])] == want + chosen, (name, choice)
    assert errors == []
    page.close()


@pytest.fixture(scope="module")
def bounded_site(tmp_path_factory):
    """The parity corpus with common terms carrying only their 4 top values per facet (terms in 30
    documents or more), value-list files of a few values each: facet counts by bounds need several
    rounds of value lists, and values past a term's listed ones."""
    return built(tmp_path_factory, "bounded", LIST_BYTES=60, TOPS=4, COUNTED_MIN=30, COUNTED_FROM=0)[:3]


COUNT = """([q, words, prefix, ids]) => {
    const idx = window.sitegenIndex, loaded = () => document.querySelectorAll('script[src*="/v/"]').length, before = loaded();
    const clauses = words ? idx.words(window.sitegenAnalysis.analyse(q), prefix) : idx.parse(q);
    return idx.run(clauses).then(hits => {
        hits.facetMode = 'lists';
        const selected = [];
        Object.keys(ids).forEach(f => { selected[+f] = ids[f]; });
        return idx.facets(hits, selected).then(view => ({hits: hits.map(h => h.n), visible: view.visible.map(h => h.n),
            lists: loaded() - before, facets: view.facets.map(x => ({f: x.f, top: x.top, counts: x.top.map(v => x.counts.get(v) || 0)}))}));
    });
}"""


def check_counts(page, docs, names, ranked, query, words, prefix, selected):
    ids = {str(names.index(name)): {ranked[name].index(v): True for v in chosen} for name, chosen in selected.items()}
    got = page.evaluate(COUNT, [query, words, prefix, ids])
    counts, visible = expected(docs, names, got["hits"], selected)
    assert got["visible"] == visible
    for facet in got["facets"]:
        name = names[facet["f"]]
        want = sorted(counts[name].items(), key=lambda kv: (-kv[1], ranked[name].index(kv[0])))[:searchdata.SHOWN]
        chosen = [(v, counts[name][v]) for v in sorted(selected.get(name, ()), key=ranked[name].index) if v not in dict(want)]
        assert [(ranked[name][v], c) for v, c in zip(facet["top"], facet["counts"])] == want + chosen, (query, name, selected)
    return got


@pytest.mark.browser
def test_facet_counts_by_bounds_equal_counting_every_result(browser, bounded_site):
    """Value lists loaded by the bounds common terms carry (min over required words, sums over a prefix's
    terms and optional clauses, prohibited terms ignored, field restrictions bounded by the term's
    counts over every field): the values shown and their counts are those of counting every result."""
    out, docs, specs = bounded_site
    names = [s["name"] for s in specs]
    ranked = {name: searchdata.rank_values([values(doc, name) for doc in docs]) for name in names}
    rng = random.Random(11)
    every = len(list((out / "search/v").glob("*.js")))  # value-list files (v/first holds each facet's first)
    # the corpus's most frequent words come first in its (sorted) vocabulary: anan, ananan, ananber, ...
    queries = [("ka", True, ""), ("anan", True, ""), ("anan ananan", True, ""), ("anan ananber ananno", True, ""),
               ("anan", True, "ana"), ("", True, "anb"), ("ka lo", False, ""), ("+anan -ananan", False, ""),
               ("title:anan", False, ""), ("people:ka anan", False, ""), ("anan* mi", False, ""), ("-anan", False, ""),
               ("ananan~1", False, ""), ("+anan +ananber -ananno", False, ""), ("a*n", False, "")]
    loaded = []
    for query, words, prefix in queries:
        page = browser.new_page()  # nothing loaded yet: what a query loads is its own
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto((out / "search.html").as_uri())
        page.wait_for_function("window.sitegenIndex")
        for choice in range(3):
            selected = choices(rng, ranked, choice)
            got = check_counts(page, docs, names, ranked, query, words, prefix, selected)
            assert len(got["hits"]) >= 5, query
            if not choice:
                loaded.append(got["lists"])
        assert errors == []
        page.close()
    assert all(0 < n for n in loaded) and sum(n < every for n in loaded) >= 7, (loaded, every)


@pytest.mark.browser
def test_one_common_word_counts_facets_from_its_chunk(browser, facet_site):
    """A query of one common word has the counts of the values it shows in its chunk (exact: its results
    are its documents): counting them by value lists loads none of the people or places lists."""
    out, docs, specs = facet_site
    names = [s["name"] for s in specs]
    ranked = {name: searchdata.rank_values([values(doc, name) for doc in docs]) for name in names}
    page = browser.new_page()
    page.goto((out / "search.html").as_uri())
    page.wait_for_function("window.sitegenIndex")
    carried = "carried" in out.parent.name
    for word in ("anan", "ananan"):
        got = check_counts(page, docs, names, ranked, word, True, "", {})
        assert len(got["hits"]) > max(searchdata.COUNTED_MIN, len(docs) // searchdata.COUNTED_PART)
        assert (got["lists"] == 0) == carried, word  # without counts in its chunk, it loads value lists
    page.close()


def test_top_counts_are_each_facets_most_frequent_values_among_a_terms_documents():
    rng = random.Random(8)
    for _ in range(300):
        n, v = rng.randint(1, 300), rng.choice([3, 30, 100])
        columns = [[rng.randrange(-1, v) for _ in range(n)], [tuple(sorted(rng.sample(range(v), rng.randint(0, 3)))) for _ in range(n)]]
        docs = sorted(rng.sample(range(n), rng.randint(0, n)))
        got = searchdata.decode_top_counts(searchdata.top_counts(docs, columns, [True, False]), 2)
        for column, g in zip(columns, got):
            found = Counter(x for d in docs for x in (column[d] if isinstance(column[d], tuple) else [column[d]]) if x >= 0)
            assert g == sorted(found.items(), key=lambda vc: (-vc[1], vc[0]))[:searchdata.TOPS]


@pytest.fixture(scope="module")
def sampled_site(tmp_path_factory):
    """The parity corpus as an archive past searchdata.SAMPLE_FROM documents: a facet sample of every 4th
    document (SAMPLE 250), used by a query once 40 of its results are in it, value-list files of a few
    values each (so exact counts of people and places cost many times the sample's)."""
    return built(tmp_path_factory, "sampled", LIST_BYTES=60, SAMPLE=250, SAMPLE_FROM=500, SAMPLE_LEAST=40)


def test_sample_lists_are_the_lists_of_every_strideth_document(sampled_site, facet_site):
    out, docs, specs, files = sampled_site
    every = 4
    assert json.loads((out / "search/core.js").read_text().split(" = ", 1)[1].rstrip(";\n"))["sample"] == {
        "stride": every, "size": 250, "least": 40, "ratio": searchdata.SAMPLE_RATIO}
    loaded = {}
    for rel, data in files.items():  # every file calls SITEGEN_DATA per key
        for key, value in re.findall(r'SITEGEN_DATA\("([^"]+)", (.*)\);\n', data.decode()):
            loaded[key] = json.loads(value)
    for f, spec in enumerate(specs):
        lists = [searchdata.decode_list(p) for k in range(len(spec["sample"])) for p in loaded[f"s/{f}-{k}"]]
        want = [[m for m in range(250) if ranked_value in values(docs[m * every], spec["name"])]
                for ranked_value in searchdata.rank_values([values(d, spec["name"]) for d in docs])]
        assert lists == want, spec["name"]
        for k, (lo, most, size) in enumerate(spec["sample"]):  # per file: its first value, a bound, its size
            end = spec["sample"][k + 1][0] if k + 1 < len(spec["sample"]) else spec["values"]
            assert most == max(map(len, want[lo:end])) and size == len(files[f"search/s/{f}-{k}.js"])
    assert not (out / "search/v/first.js").exists() and (out / "search/v/0-0.js").exists()  # each facet's own
    plain = facet_site[0]  # 1,000 documents: no sample
    assert not (plain / "search/s").exists() and '"sample":null' in (plain / "search/core.js").read_text()


def estimates(docs, specs, ranked, hits, selected, every, least):
    """Per facet, value -> count, as the page estimates it from the sample: scaled, at most the most
    documents a value of its value-list file has, the chosen values' exact (or every count exact when
    fewer than `least` of the results it counts are in the sample); with whether it is estimated."""
    names = [spec["name"] for spec in specs]
    exact, _ = expected(docs, names, hits, selected)

    def most(spec, value):
        return [total for first, total, _ in spec["files"] if first <= ranked[spec["name"]].index(value)][-1]

    def passes(doc, except_name):
        return all(name == except_name or not chosen or set(values(doc, name)) & chosen for name, chosen in selected.items())

    out = {}
    for spec, name in zip(specs, names):
        counted = [n for n in hits if passes(docs[n], name)]
        part = [n for n in counted if n % every == 0]
        if len(part) < least:
            out[name] = (exact[name], False)
            continue
        scale = len(counted) / len(part)
        found = Counter(v for n in part for v in values(docs[n], name))
        counts = {v: min(math.floor(c * scale + 0.5), most(spec, v)) for v, c in found.items()}
        counts.update({v: exact[name][v] for v in selected.get(name, ()) if exact[name][v]})
        out[name] = ({v: c for v, c in counts.items() if v not in selected.get(name, ()) or exact[name][v]}, True)
    return out


@pytest.mark.browser
@pytest.mark.parametrize("ranking", ["lengths first", "by bounds"])
def test_facet_counts_estimated_from_the_sample_where_exact_costs_more(browser, sampled_site, ranking):
    """In an archive with a sample, a query matching many documents counts the facets whose exact
    counts cost twice the sample's from the sample, scaled to every result; the others exactly, and
    the chosen values (a frequent person, or the rarest) exactly. Which results pass a chosen value
    stays exact; the page marks estimated counts with ≈ and says so. With every body length loaded
    first, or ranking by bounds as a larger archive does."""
    out, docs, specs, _ = sampled_site
    names = [s["name"] for s in specs]
    ranked = {name: searchdata.rank_values([values(doc, name) for doc in docs]) for name in names}
    rng = random.Random(5)
    page = browser.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    if ranking == "by bounds":
        page.add_init_script("""Object.defineProperty(window, 'SITEGEN_SEARCH', {configurable: true,
            set(core) { core.upfront = -1; this.core = core; }, get() { return this.core; }});""")
    page.goto((out / "search.html").as_uri())
    page.wait_for_function("window.sitegenIndex")
    assert page.evaluate("window.SITEGEN_SEARCH.upfront") == (-1 if ranking == "by bounds" else searchindex.UPFRONT)
    kinds = set()
    for query in ("anan", "anan ananan", "ka"):
        for choice in range(4):
            selected = choices(rng, ranked, choice) if choice < 3 else {"people": {ranked["people"][-1]}}
            ids = {str(names.index(name)): {ranked[name].index(v): True for v in chosen} for name, chosen in selected.items()}
            got = page.evaluate("""([q, ids]) => {
                const idx = window.sitegenIndex;
                return idx.run(idx.words(window.sitegenAnalysis.analyse(q), '')).then(hits => {
                    const selected = [];
                    Object.keys(ids).forEach(f => { selected[+f] = ids[f]; });
                    return idx.facets(hits, selected).then(view => ({hits: hits.map(h => h.n), visible: view.visible.map(h => h.n),
                        mode: hits.facetMode, sampled: hits.sampled, facets: view.facets.map(x => ({f: x.f, top: x.top,
                        estimated: x.estimated, exact: x.exact, counts: x.top.map(v => x.counts.get(v) || 0)}))}));
                });
            }""", [query, ids])
            assert got["visible"] == expected(docs, names, got["hits"], selected)[1]
            want = estimates(docs, specs, ranked, got["hits"], selected, 4, 40)
            for facet in got["facets"]:
                name = names[facet["f"]]
                counts, estimated = want[name] if got["mode"] == "lists" and got["sampled"][facet["f"]] else (
                    expected(docs, names, got["hits"], selected)[0][name], False)
                top = sorted(counts.items(), key=lambda kv: (-kv[1], ranked[name].index(kv[0])))[:searchdata.SHOWN]
                chosen = [(v, counts.get(v, 0)) for v in sorted(selected.get(name, ()), key=ranked[name].index) if v not in dict(top)]
                assert facet["estimated"] == estimated, (query, name, selected)
                assert [ranked[name][v] for v in facet["exact"]] == sorted(selected.get(name, ()), key=ranked[name].index)
                assert [(ranked[name][v], c) for v, c in zip(facet["top"], facet["counts"])] == top + chosen, (query, name, selected)
                kinds.add((name, estimated))
    assert {("people", True), ("places", True), ("language", False)} <= kinds, kinds  # runs are cheap: exact
    page.goto((out / "search.html").as_uri() + "?q=anan%20ananan")
    page.wait_for_function("performance.getEntriesByName('sitegen:complete').length > 0")
    people = page.locator('[data-facet="people"] .count').all_inner_texts()
    assert people and all(re.fullmatch(r"≈\d+", c) for c in people), people
    assert all(re.fullmatch(r"\d+", c) for c in page.locator('[data-facet="language"] .count').all_inner_texts())
    assert "≈ estimated from a sample of 250 documents" in page.locator("#search-facets").inner_text()
    page.locator('[data-facet="people"] input').first.check()  # chosen: counted exactly, shown without ≈
    page.wait_for_function("""() => { const c = document.querySelector('[data-facet="people"] input:checked');
        return c && !c.parentNode.querySelector('.count').textContent.startsWith('≈'); }""")
    assert sum(c.startswith("≈") for c in page.locator('[data-facet="people"] .count').all_inner_texts()) >= 5
    assert errors == []
    page.close()


def test_facets_patched_ranks_and_numbers_as_facets_does(tmp_path_factory):
    """A few documents' facet values edited (a value new to the archive, one taken away, one another
    document has, a source changed): `facets_patched`, from what `facets` made before and the edited
    documents alone, makes what `facets` makes of the edited site, or says None when a document's
    number in index order changes (as `facets` then numbers them otherwise)."""
    root = tmp_path_factory.mktemp("patched")
    corpus(root)
    site = build(load_config(root / "sitegen.yaml", environ={}), out=root / "out", jobs=1).site
    before = searchdata.facets(site)
    ids, single = [d.id for d in before[0]], [f["single"] for f in before[1]]
    sources = sorted({d.source for d in site.documents.values()})
    rng, outcomes = random.Random(25), Counter()
    for k in range(40):
        edited = dict(site.documents)
        for doc_id in rng.sample(ids, rng.randint(1, 3)):
            doc = site.documents[doc_id]
            terms = {name: list(found) for name, found in doc.terms.items()}
            name = rng.choice(sorted(site.taxonomies))
            terms.setdefault(name, [])
            kind = rng.randrange(4)
            if kind == 0:
                terms[name].append(f"new value {k}")
            elif kind == 1 and terms[name]:
                terms[name].pop(rng.randrange(len(terms[name])))
            elif kind == 2:
                terms[name].append(rng.choice(sorted(site.taxonomies[name].terms)))
            source = rng.choice(sources) if kind == 3 else doc.source
            edited[doc_id] = dataclasses.replace(doc, terms={n: tuple(dict.fromkeys(v)) for n, v in terms.items()},
                                                 source=source)
        now = dataclasses.replace(site, documents=edited)
        full = searchdata.facets(now)
        patched = searchdata.facets_patched(now, before[4], single, before[6], ids,
                                            {n: edited[doc_id] for n, doc_id in enumerate(ids) if edited[doc_id] is not site.documents[doc_id]})
        if [d.id for d in full[0]] != ids:
            assert patched is None
            outcomes["renumbered"] += 1
        else:
            assert patched is not None and patched[1:] == full[1:]
            outcomes["patched"] += 1
            outcomes["ranked anew"] += patched[6] != before[6]
    assert outcomes["patched"] >= 20 and outcomes["ranked anew"] >= 10 and outcomes["renumbered"] >= 1, outcomes
