"""Ranking parity: sitegen's term-split index, read by `sitegen-index.js` and its rooms, ranks exactly as stock lunr.js
2.3.9 searching one full index of the same corpus built by stock lunr.py (issues 9 and 10).

One synthetic corpus of 1,000 documents (Zipf-distributed words, taxonomies, an Arabic minority) is
built by sitegen and, from the same analysed field terms, by lunr.py's Builder; both indexes are
loaded in one Chromium page, and every query is run on both."""

from __future__ import annotations

import json
import random

import pytest
from lunr.builder import Builder

from sitegen import analysis, search, searchdata, searchindex
from sitegen.build import build
from sitegen.config import load_config
from tests.conftest import ROOT, site_config

SYLLABLES = "ka lo mi ra sen tor vel an is um ber dak fi no pra que sol tin ur wex yal zor".split()
ARABIC = ["الإرهاب", "المنتدى", "التعاون", "الأمن", "وزير", "مؤتمر", "السلام"]
QUERIES_WORDS = 30


def vocabulary(rng: random.Random, n: int) -> list[str]:
    words = set()
    while len(words) < n:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 3))))
    return sorted(words)


def pick(rng: random.Random, words: list[str], weights: list[float], k: int) -> str:
    return " ".join(rng.choices(words, weights, k=k))


def corpus(root, n: int = 1000) -> None:
    rng = random.Random(20261124)
    words = vocabulary(rng, 2500) + ["country", "countries", "money", "running", "ran", "minister"]
    weights = [1 / (i + 1) for i in range(len(words))]
    people = [f"{rng.choice(words).title()} {rng.choice(words).title()}" for _ in range(60)]
    places = [rng.choice(words).title() for _ in range(25)]
    sources = [f"{rng.choice(words).title()} News" for _ in range(12)]
    docs = root / "content/documents"
    docs.mkdir(parents=True)
    for i in range(n):
        arabic = i % 15 == 0
        body = pick(rng, words, weights, rng.randint(0, 150)) + (" " + " ".join(rng.choices(ARABIC, k=8)) if arabic else "")
        tags = {"people": rng.sample(people, rng.randint(0, 3)), "places": rng.sample(places, rng.randint(0, 2))}
        front = {"title": pick(rng, words, weights, rng.randint(1, 8)).capitalize(), "date": f"{2000 + i % 20}",
                 "source": rng.choice(sources), "language": "ar" if arabic else "en",
                 **{k: v for k, v in tags.items() if v}}
        summary = pick(rng, words, weights, rng.randint(0, 25))
        front.update({"summary": summary} if summary else {})
        (docs / f"d{i:04d}.md").write_text("---\n" + json.dumps(front, ensure_ascii=False) + "\n---\n" + body + "\n",
                                           encoding="utf-8")
    extra = "taxonomies:\n  people: {optional: true, boost: 4}\n  places: {optional: true}\n"
    (root / "sitegen.yaml").write_text(site_config(extra=extra), encoding="utf-8")


@pytest.fixture(scope="module")
def parity_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("parity")
    corpus(root)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(searchindex, "BLOCK", 256)  # body lengths in four blocks: scores read each
        patch.setattr(searchindex, "BUCKET_BLOCK", 128)  # bucket maps and exact lengths in eight
        result = build(load_config(root / "sitegen.yaml", environ={}), out=root / "out", jobs=2)
    site = result.site
    fields = search.fields(site)
    builder = Builder()
    builder.ref("id")
    for name, boost in fields:
        builder.field(name, boost)
    builder.metadata_whitelist = []
    ids = [doc.id for doc in searchdata.facets(site)[0]]  # our document numbers, in the index's order
    for doc_id in ids:  # added in that order, so ties come in one order in both (lunr keeps insertion order)
        texts = search._field_texts(site, site.documents[doc_id])
        builder.add({"id": doc_id, **{name: analysis.terms(text) for (name, _), text in zip(fields, texts)}})
    index = builder.build()
    (root / "out/lunr-index.js").write_text("window.LUNR_INDEX = " + json.dumps(index.serialize()) + ";", encoding="utf-8")
    return root / "out", index, ids


@pytest.fixture(scope="module")
def both(browser, parity_site):
    out, index, ids = parity_site
    page = browser.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto((out / "search.html").as_uri())
    page.add_script_tag(path=str(ROOT / "tests/vendor/lunr.js"))  # stock lunr.js 2.3.9, the reference
    page.add_script_tag(path=str(out / "lunr-index.js"))
    page.evaluate("""() => {
        window.stock = lunr.Index.load(window.LUNR_INDEX);
        const analyse = t => window.sitegenAnalysis.analyse(t.toString()).map(s => t.clone(() => s));
        lunr.Pipeline.registerFunction(analyse, 'sitegenAnalyse');
        window.stock.pipeline.add(analyse);
    }""")
    yield page, index, ids
    assert errors == []
    page.close()


def compare(page, ids: list[str], query: str, words: bool) -> None:
    """Both engines give the same documents with the same scores in the same order; documents whose
    scores are equal (ties) are compared as a group, since neither order among them means anything."""
    got = page.evaluate("""([q, words]) => {
        const terms = window.sitegenAnalysis.analyse(q);
        let stock = words ? window.stock.query(x => terms.forEach(t => x.term(t, {usePipeline: false,
            presence: lunr.Query.presence.REQUIRED}))) : window.stock.search(q);
        if (words) {  // the reader's words: a title holding every one of them first (issue 23), else lunr's order
            const titled = h => terms.every(t => (h.matchData.metadata[t] || {}).title);
            stock = stock.map(h => ({ref: h.ref, score: h.score + (titled(h) ? window.sitegenIndex.titleBonus : 0)}))
                .sort((a, b) => b.score - a.score);
        }
        const clauses = words ? window.sitegenIndex.words(terms, '') : window.sitegenIndex.parse(q);
        return window.sitegenIndex.run(clauses).then(hits => ({
            stock: stock.map(h => [h.ref, h.score]), ours: hits.map(h => [h.n, h.score])}));
    }""", [query, words])
    ours = [(ids[n], s) for n, s in got["ours"]]
    stock = got["stock"]
    assert len(ours) == len(stock), query
    for (_, a), (_, b) in zip(ours, stock):
        assert a == pytest.approx(b, rel=1e-9, abs=1e-12), query

    def groups(hits):
        out = []
        for ref, score in hits:
            if out and abs(out[-1][0] - score) <= 1e-9 * max(1.0, abs(score)):
                out[-1][1].add(ref)
            else:
                out.append((score, {ref}))
        return [refs for _, refs in out]
    assert groups(ours) == groups(stock), query
    assert ours[:20] == [] or [r for r, _ in ours[:20]] == [r for r, _ in stock[:20]] or groups(ours[:20]) == groups(stock[:20])


# every score of a term, as lunr.py stores them ({field/document: score}): the ranking room's dot products
# with the term alone
SCORES = """t => {
  const rooms = window.sitegenIndexRooms, query = rooms.query;
  return query.prepare([query.clause(t, null, query.OPTIONAL)]).then(() => {
    const posting = rooms.postings.posting(t), out = {};
    if (!posting) return out;
    return rooms.lengths.loadLengths(posting.fields.flatMap(field => Array.from(field.docs))).then(() => {
      posting.fields.forEach((field, at) => {
        const scores = rooms.rank.dots(new Map([[t, 1]]), at);
        field.docs.forEach(doc => { out[window.SITEGEN_SEARCH.fields[at] + '/' + doc] = scores[doc]; });
      });
      return out;
    });
  });
}"""


@pytest.mark.browser
def test_field_scores_equal_lunr_py_vectors(both):
    page, index, ids = both
    rng = random.Random(3)
    terms = sorted(index.inverted_index, key=lambda t: -sum(len(v) for k, v in index.inverted_index[t].items() if k != "_index"))
    sample = terms[:20] + rng.sample(terms[20:], 180)
    mismatches = []
    for term in sample:
        ours = page.evaluate(SCORES, term)
        position = index.inverted_index[term]["_index"]
        stock = {}
        for field, postings in index.inverted_index[term].items():
            if field == "_index":
                continue
            for ref in postings:
                elements = index.field_vectors[f"{field}/{ref}"].elements
                stock[f"{field}/{ids.index(ref)}"] = dict(zip(elements[0::2], elements[1::2]))[position]
        if ours != stock:
            mismatches.append((term, {k: (ours.get(k), stock.get(k)) for k in set(ours) | set(stock) if ours.get(k) != stock.get(k)}))
    assert mismatches == [], mismatches[:3]


@pytest.mark.browser
def test_reader_words_rank_as_stock_lunr_js(both):
    page, index, ids = both
    rng = random.Random(5)
    frequent = sorted(index.inverted_index, key=lambda t: -len(index.inverted_index[t]["body"]))[:200]
    queries = ["minister", "countries", "money", "running"] + rng.sample(frequent, 10)
    queries += [" ".join(rng.sample(frequent, 2)) for _ in range(10)] + [" ".join(rng.sample(frequent, 3)) for _ in range(6)]
    queries += ["الإرهاب", "وزير الأمن"]
    for query in queries:
        compare(page, ids, query, words=True)


@pytest.mark.browser
@pytest.mark.parametrize("query", ["ka lo", "+ka -lo", "title:ka", "people:ka", "ka* mi", "kal*", "ka^10 lo",
                                   "+mi +ra -sen", "-ka", "lo~1", "k*a", "places:vel sen^3", "+countries money"])
def test_raw_lunr_syntax_ranks_as_stock_lunr_js(both, query):
    page, index, ids = both
    compare(page, ids, query, words=False)


@pytest.mark.browser
def test_ranking_by_bounds_pages_through_the_exact_ranking(both, browser, parity_site):
    """An archive whose body lengths are too big to load with every query's chunks ranks by bounds (each
    document's body-length bucket, then exact lengths for the results that could be shown): every page
    the reader asks for, up to the last result, is that of a page that loads every length first (the
    page above, checked against lunr.js), scores included; the first page needs fewer exact-length files
    than there are."""
    page, index, ids = both
    later = browser.new_page()
    errors = []
    later.on("pageerror", lambda e: errors.append(str(e)))
    later.add_init_script("""Object.defineProperty(window, 'SITEGEN_SEARCH', {configurable: true,
        set(core) { core.upfront = -1; this.core = core; }, get() { return this.core; }});""")
    later.goto((parity_site[0] / "search.html").as_uri())
    assert later.evaluate("window.SITEGEN_SEARCH.upfront") == -1
    assert later.evaluate("window.SITEGEN_SEARCH.kinds.buckets.block") == 128
    rng = random.Random(6)
    frequent = sorted(index.inverted_index, key=lambda t: -len(index.inverted_index[t]["body"]))[:200]
    queries = [("minister", True), ("countries", True)] + [(" ".join(rng.sample(frequent, k)), True) for k in (1, 1, 1, 2, 2, 3)]
    queries += [(q, False) for q in ["ka lo", "+ka -lo", "title:ka", "ka* mi", "ka^10 lo", "-ka", "lo~1", "places:vel sen^3"]]
    exact = """([q, words]) => { const idx = window.sitegenIndex;
        return idx.run(words ? idx.words(window.sitegenAnalysis.analyse(q), '') : idx.parse(q)).then(hits => hits.map(h => [h.n, h.score])); }"""
    paged = """([q, words]) => { const idx = window.sitegenIndex;
        const files = () => document.querySelectorAll('script[src*="/e/"]').length;
        return idx.run(words ? idx.words(window.sitegenAnalysis.analyse(q), '') : idx.parse(q)).then(hits => {
            const pages = [hits.slice(0, 10).map(h => [h.n, h.score])], first = files();
            let p = Promise.resolve(hits);
            for (let k = 20; k < hits.length + 10; k += 10) {
                p = p.then(list => idx.refine(list, k)).then(list => { pages.push(list.slice(0, k).map(h => [h.n, h.score])); return list; });
            }
            return p.then(() => ({pages, count: hits.length, first}));
        }); }"""
    for query, words in queries:
        want = page.evaluate(exact, [query, words])
        got = later.evaluate(paged, [query, words])
        assert got["count"] == len(want), query
        for k, shown in enumerate(got["pages"]):
            assert shown == want[:10 * (k + 1)], (query, k)
        assert len(got["pages"]) == max(1, -(-len(want) // 10))
        if query == "minister":
            assert 0 < got["first"] < 4 * 8, got["first"]  # 1,000 documents: 8 blocks of 128, 4 buckets
    assert later.evaluate("document.querySelectorAll('script[src*=\"/b/\"]').length") == 8  # every bucket map, by the end
    assert errors == []
    later.close()


@pytest.mark.browser
def test_the_search_page_shows_each_more_page_in_exact_order(browser, parity_site):
    """The search page ranking by bounds draws the results the reader asks for ("more", twice) in the
    order of a page that loads every body length first."""
    out = parity_site[0]
    shown = []
    for bounded in (False, True):
        page = browser.new_page()
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        if bounded:
            page.add_init_script("""Object.defineProperty(window, 'SITEGEN_SEARCH', {configurable: true,
                set(core) { core.upfront = -1; this.core = core; }, get() { return this.core; }});""")
        page.goto((out / "search.html").as_uri() + "?q=anan")
        lists = []
        for clicks in range(3):
            page.wait_for_function(f"document.querySelectorAll('#search-results li').length === {10 * (clicks + 1)}")
            lists.append(page.eval_on_selector_all("#search-results li a.doc-title", "els => els.map(e => e.getAttribute('href'))"))
            page.click("#search-more")
        shown.append(lists)
        assert errors == []
        page.close()
    assert shown[0] == shown[1] and len(set(shown[0][2])) == 30
