"""`search.update_bodies`: after body edits, the index files it returns, applied to the old ones, are
byte for byte what `build_search` makes of the edited site, from a state that holds no body text."""

from __future__ import annotations

import pickle
import random
from dataclasses import replace

import pytest

from sitegen import search, searchdata, searchindex, searchvocab, urls
from sitegen.build import build
from sitegen.config import load_config

VOCABULARY = [f"{a}{b}{c}" for a in "bdfgklmnprstvz" for b in "aeiou" for c in "lmnrstx"]  # 490 words


@pytest.fixture
def small_chunks(monkeypatch):
    """Chunks of a few hundred bytes and groups of two chunks, so a small corpus has dozens of each
    and edits split, merge and regroup them; a term's positions a file of their own from 24 (of about
    27 a word has), so edits move terms in and out of their chunks' position files."""
    monkeypatch.setattr(searchindex, "CHUNK_MIN", 300)
    monkeypatch.setattr(searchindex, "CHUNK_MAX", 1500)
    monkeypatch.setattr(searchindex, "CHUNK_CUT", 3)
    monkeypatch.setattr(searchindex, "GROUP", 2)
    monkeypatch.setattr(searchindex, "ALONE", 24)


def corpus(make_site, rng: random.Random, n: int = 120):
    docs = {f"content/documents/d{i:03d}.md": f"---\ntitle: {' '.join(rng.choices(VOCABULARY, k=3))}\ndate: {2000 + i % 7}\n"
            f"source: Wire {i % 3}\nlanguage: en\nsummary: {' '.join(rng.choices(VOCABULARY, k=4))}\n---\n"
            f"{' '.join(rng.choices(VOCABULARY[:200], k=rng.randint(0, 90)))}\n" for i in range(n)}
    return build(load_config(make_site(docs, base=False) / "sitegen.yaml"), until="check").site


def new_body(rng: random.Random, text: str, step: int) -> str:
    """One of the edits a writer makes: add words (some never seen), drop words, empty the body, make it
    long (a chunk splits), rewrite its opening (the snippet), move its words about or put stop words
    between them (the same terms and counts, other positions)."""
    words = text.split()
    kind = rng.choice(["add", "drop", "empty", "long", "opening", "fresh", "shuffle", "stops"])
    if kind == "shuffle":
        return " ".join(rng.sample(words, len(words)))
    if kind == "stops":
        return " ".join(w for word in words for w in ([word, "the"] if rng.random() < 0.3 else [word]))
    if kind == "add":
        return " ".join(words + rng.choices(VOCABULARY, k=rng.randint(1, 20)) + [f"novel{step}x"])
    if kind == "drop":
        return " ".join(w for w in words if rng.random() < 0.5)
    if kind == "empty":
        return ""
    if kind == "long":
        return " ".join(words + [f"long{step}w{k}" for k in range(300)])
    if kind == "opening":
        return " ".join(rng.choices(VOCABULARY, k=5) + words[5:])
    return " ".join(rng.choices(VOCABULARY, k=rng.randint(1, 60)))


def bodiless(site, changed: set[str]):
    """The site as the build's fast path sees it: only the changed documents have a body."""
    return replace(site, documents={i: d if i in changed else replace(d, body=None) for i, d in site.documents.items()})


@pytest.mark.parametrize("seed, pickled, counts", [(1, False, True), (2, False, False), (3, False, True), (4, True, True),
                                                   (5, True, False)])
def test_updates_give_the_bytes_of_a_full_build(make_site, small_chunks, seed, pickled, counts, monkeypatch):
    """`pickled`: each state goes through pickle first, as the build's cache keeps it (its postings
    in one buffer, read back lazily: `searchindex.Postings`). `counts`: common terms carry their facet
    counts (as in archives past searchdata.COUNTED_FROM documents), which edits change. Body-length
    buckets come in blocks of 16 documents: an edit rewrites its own block's, or every block's when
    it moves the bucket edges."""
    monkeypatch.setattr(searchindex, "BUCKET_BLOCK", 16)
    if counts:
        monkeypatch.setattr(searchdata, "COUNTED_FROM", 0)
    rng = random.Random(seed)
    site = corpus(make_site, rng)
    files, stats, state = search.build_search_state(site)
    assert stats.shards > 20 and bool(state.counts) == counts and 10 < len(state.alone) < len(state.order) / 2
    ids = sorted(site.documents)
    for step in range(25):
        changed = set(rng.sample(ids, rng.choice([1, 1, 2, 4])))
        for doc_id in changed:
            doc = site.documents[doc_id]
            site.documents[doc_id] = replace(doc, body=replace(doc.body, text=new_body(rng, doc.body.text, step)))
        before = state = pickle.loads(pickle.dumps(state)) if pickled else state
        written, removed, new_stats, state = search.update_bodies(state, bodiless(site, changed), sorted(changed))
        expected, expected_stats = search.build_search(site)
        assert {p: d for p, d in {**files, **written}.items() if p not in removed} == expected
        assert all(files.get(p) != d for p, d in written.items()) and removed <= files.keys()
        assert new_stats == expected_stats
        again = search.update_bodies(before, bodiless(site, changed), sorted(changed))
        assert again[:3] == (written, removed, new_stats)  # the previous state is left as it was
        files = expected


def test_a_chunk_stretch_is_rewritten_and_the_rest_kept(make_site, small_chunks):
    site = corpus(make_site, random.Random(5), 200)
    files, _, state = search.build_search_state(site)
    doc_id = sorted(site.documents)[7]
    doc = site.documents[doc_id]
    site.documents[doc_id] = replace(doc, body=replace(doc.body, text=doc.body.text + " zzzwordnew"))
    written, removed, _, _ = search.update_bodies(state, bodiless(site, {doc_id}), [doc_id])
    chunks = [p for p in written if p.startswith("search/t/")]
    assert 1 <= len(chunks) <= 3 and not removed
    lengths = {"search/core.js", "search/d/0.js", "search/b/0.js", *(f"search/e/{k}-0.js" for k in range(4))}  # its block's
    vocab = "search/w/7a.js"  # the words beginning with z, the new word's first letter
    positions = {p for p in written if p.startswith("search/p/")}  # the new word's chunk's: the others' terms stay put
    assert positions and {p.replace("/p/", "/t/") for p in positions} <= set(chunks)
    assert set(written) - set(chunks) <= lengths | {vocab} | positions | {p for p in written if p.startswith("search/k/")}


def test_the_state_keeps_no_body_text(make_site):
    site = corpus(make_site, random.Random(9), 20)
    doc_id = sorted(site.documents)[3]
    doc = site.documents[doc_id]
    site.documents[doc_id] = replace(doc, body=replace(doc.body, text="Quartermaster Zebulon reported thrice"))
    _, _, state = search.build_search_state(site)
    kept = pickle.dumps(state)
    assert b"Quartermaster" not in kept and b"quartermaster zebulon" not in kept
    assert b"zebulon" in kept  # its terms are kept, to take them out of the postings on the next edit


def test_a_pickled_state_reads_only_the_postings_an_edit_touches(make_site):
    site = corpus(make_site, random.Random(11), 120)
    _, _, state = search.build_search_state(site)
    state = pickle.loads(pickle.dumps(state))
    assert isinstance(state.bodies, searchindex.Postings) and not state.bodies.made
    doc_id = sorted(site.documents)[5]
    doc = site.documents[doc_id]
    site.documents[doc_id] = replace(doc, body=replace(doc.body, text=doc.body.text + " zzzwordnew"))
    _, _, _, after = search.update_bodies(state, bodiless(site, {doc_id}), [doc_id])
    words = len(doc.body.text.split()) + 1  # each a term and, where the word is not its term, a form term
    assert 0 < len(after.bodies.made) <= 2 * words < len(state.bodies) // 4


def test_postings_behave_as_a_dict_of_arrays():
    from array import array
    plain = {"b": array("i", [1, 2, 3, 4]), "a": array("i"), "c": array("i", [7, 1])}
    lazy = pickle.loads(pickle.dumps(searchindex.Postings.of(plain)))
    assert dict(lazy) == plain and list(lazy) == list(plain) and len(lazy) == 3 and "a" in lazy and "z" not in lazy
    copy = lazy.copy()
    copy["z"] = array("i", [9, 9])
    del copy["b"]
    copy["c"] = array("i", [7, 2])
    assert dict(lazy) == plain  # the copy changed alone
    assert dict(copy) == {"a": array("i"), "c": array("i", [7, 2]), "z": array("i", [9, 9])} and len(copy) == 3
    assert "b" not in copy and copy.get("b") is None and set(copy) == {"a", "c", "z"}
    with pytest.raises(KeyError):
        del copy["b"]
    assert dict(pickle.loads(pickle.dumps(copy))) == dict(copy)
    copy["b"] = array("i", [5, 5])
    assert copy["b"] == array("i", [5, 5]) and len(copy) == 4
    again = copy.copy()  # of a copy with changes: still the one buffer, not every posting packed again
    assert again.buffer is copy.buffer is lazy.buffer and dict(again) == dict(copy)


def test_a_body_edit_that_overfills_the_chunks_folder_moves_its_files_into_sub_folders(make_site, small_chunks):
    """With `limits.folder_entries` just above what search/t/ and search/p/ hold, a body of many new
    words adds chunks past it: the update puts those kinds into sub-folders as a cold build would
    (`searchdata.layout`), writing each of their files at its new place and removing the old ones;
    emptying the body again brings them back."""
    site = corpus(make_site, random.Random(7))
    files, _, state = search.build_search_state(site)
    counted = urls.folder_entries(files)
    limit = max(counted["search/t"], counted["search/p"], 40) + 2
    site = replace(site, config=replace(site.config, limits=replace(site.config.limits, folder_entries=limit)))
    files, _, state = search.build_search_state(site)
    assert not any("levels" in row for row in state.core["kinds"].values() if row["split"] != "number")
    doc_id = sorted(site.documents)[0]
    for body in (" ".join(f"grown{k}word{k * 7}" for k in range(3000)), ""):
        doc = site.documents[doc_id]
        site.documents[doc_id] = replace(doc, body=replace(doc.body, text=body))
        written, removed, _, state = search.update_bodies(state, bodiless(site, {doc_id}), [doc_id])
        expected, _ = search.build_search(site)
        assert {p: d for p, d in {**files, **written}.items() if p not in removed} == expected
        assert max(urls.folder_entries(expected).values()) <= limit
        files = expected
        grown = bool(body)
        assert ("levels" in state.core["kinds"]["chunks"] and "levels" in state.core["kinds"]["positions"]) == grown
        assert any(p.count("/") == 3 and p.startswith(("search/t/", "search/p/")) for p in expected) == grown


ACTORS = ["Ada Lovelace", "Bo Diddley", "Cy Young", "Di Fontaine", "Ed Wood", "Flo Jo", "Gus Grissom", "Hy Lit"]
TOPICS = ["water rights", "border trade", "press freedom", "land reform", "public health"]


def tagged_corpus(make_site, rng: random.Random, n: int = 120):
    """`corpus`, with actors and topics (none to three each), so a facet has many values per document."""
    from tests.conftest import site_config
    docs = {f"content/documents/d{i:03d}.md": f"---\ntitle: {' '.join(rng.choices(VOCABULARY, k=3))}\ndate: {2000 + i % 7}-0{1 + i % 9}-1{i % 10}\n"
            f"source: Wire {i % 3}\nlanguage: en\nsummary: {' '.join(rng.choices(VOCABULARY, k=4))}\n"
            f"actors: {rng.sample(ACTORS, rng.randint(0, 3))}\ntopics: {rng.sample(TOPICS, rng.randint(0, 3))}\n---\n"
            f"{' '.join(rng.choices(VOCABULARY[:200], k=rng.randint(0, 90)))}\n" for i in range(n)}
    config = site_config(extra="taxonomies:\n  actors: {optional: true}\n  topics: {optional: true}\n")
    return build(load_config(make_site(docs, base=False, config=config) / "sitegen.yaml"), until="check").site


def edit_metadata(rng: random.Random, site, doc_id: str, step: int):
    """One front-matter or registry edit a writer makes to `site` (a new site; the old is left as it
    was): a title or summary rewritten (words added, dropped, moved about), an actor or topic added
    (existing or new) or removed, a date moved (mostly within its year), a registry entry's alias
    added (every document of its term changes), the body too. The kind of edit, and the site."""
    doc = site.documents[doc_id]
    kind = rng.choice(["title", "title", "summary", "add term", "new term", "drop term", "date", "alias", "title and body"])
    documents, taxonomies = dict(site.documents), dict(site.taxonomies)
    if kind in ("title", "title and body"):
        words = doc.title.split()
        words = rng.choice([words + rng.choices(VOCABULARY, k=rng.randint(1, 3)) + [f"titled{step}x"], words[1:] or words,
                            rng.sample(words, len(words)), ["the", *words, "of", "the", "press"]])
        documents[doc_id] = doc = replace(doc, title=" ".join(words))
        if kind == "title and body":
            documents[doc_id] = replace(doc, body=replace(doc.body, text=new_body(rng, doc.body.text, step)))
    elif kind == "summary":
        documents[doc_id] = replace(doc, summary=" ".join(rng.choices(VOCABULARY, k=rng.randint(0, 9))))
    elif kind in ("add term", "new term", "drop term"):
        name = rng.choice(["actors", "topics"])
        tax, ids = site.taxonomies[name], list(doc.terms.get(name, ()))
        if kind == "drop term" and ids:
            ids.remove(rng.choice(ids))
        elif kind == "add term":
            ids.append(rng.choice(sorted(set(tax.terms) - set(ids)) or [ids[0]]))
        else:
            model = next(iter(tax.terms.values()))
            term_id = f"new-{name}-{step}"
            taxonomies[name] = replace(tax, terms={**tax.terms, term_id: replace(model, id=term_id, names={"": f"New {step} zanzibar"},
                                                                                 aliases=(), documents=(doc_id,))})
            ids.append(term_id)
        documents[doc_id] = replace(doc, terms={**doc.terms, name: tuple(dict.fromkeys(ids))})
    elif kind == "date":
        other = site.documents[rng.choice(sorted(site.documents))]
        same = [d for d in site.documents.values() if d.date.year == doc.date.year]
        documents[doc_id] = replace(doc, date=(rng.choice(same) if rng.random() < 0.8 else other).date)
    else:
        name = rng.choice(["actors", "topics"])
        tax = site.taxonomies[name]
        term = tax.terms[rng.choice(sorted(tax.terms))]
        taxonomies[name] = replace(tax, terms={**tax.terms, term.id: replace(term, aliases=(*term.aliases, f"alias{step} vellum"))})
    return kind, replace(site, documents=documents, taxonomies=taxonomies)


@pytest.mark.parametrize("seed, pickled, counts", [(21, False, False), (22, True, False), (23, False, True), (24, True, True)])
def test_metadata_updates_give_the_bytes_of_a_full_build(make_site, small_chunks, seed, pickled, counts, monkeypatch):
    """`update_documents` after front-matter and registry edits (`edit_metadata`) gives the files of a
    full build, byte for byte, and patches the index for every common edit: only what cannot be
    patched (documents numbered anew; a facet value renumbered where terms carry value ids) makes
    it whole."""
    monkeypatch.setattr(searchindex, "BUCKET_BLOCK", 16)
    monkeypatch.setattr(searchindex, "BLOCK", 32)  # date blocks too: an edit rewrites its own
    if counts:
        monkeypatch.setattr(searchdata, "COUNTED_FROM", 0)
    patched = []
    real = search._patchable
    monkeypatch.setattr(search, "_patchable", lambda *args: patched.append(found := real(*args)) or found)
    rng = random.Random(seed)
    site = tagged_corpus(make_site, rng)
    files, stats, state = search.build_search_state(site)
    assert not any(f["single"] for f in state.core["facets"][:2]) and bool(state.counts) == counts
    kinds = []
    for step in range(30):
        changed = rng.sample(sorted(site.documents), rng.choice([1, 1, 1, 2]))
        for doc_id in changed:
            kind, site = edit_metadata(rng, site, doc_id, step)
            kinds.append(kind)
        before = state = pickle.loads(pickle.dumps(state)) if pickled else state
        written, removed, new_stats, state = search.update_documents(state, site)
        expected, expected_stats = search.build_search(site)
        assert {p: d for p, d in {**files, **written}.items() if p not in removed} == expected, (step, kinds[-len(changed):])
        assert all(files.get(p) != d for p, d in written.items()) and removed <= files.keys()
        assert new_stats == expected_stats
        if not counts and all(k in ("title", "summary", "alias", "title and body") for k in kinds[-len(changed):]):
            assert patched[-1] is not None, kinds[-len(changed):]
        again = search.update_documents(before, site)
        assert again[:3] == (written, removed, new_stats)  # the previous state is left as it was
        files = expected
    assert sum(p is not None for p in patched) >= 20  # most edits were patched, not made whole


def test_an_unchanged_site_changes_no_file(make_site):
    site = tagged_corpus(make_site, random.Random(31), 30)
    _, stats, state = search.build_search_state(site)
    assert search.update_documents(state, site)[:3] == ({}, set(), stats)


def test_a_body_edit_then_its_undoing_with_a_title_edit_gives_the_full_build(make_site):
    """A state a body edit left (`update_bodies`, as the fast builds since a full one leave it), then a
    site where that body is as it was and another document's title changed: both are redone."""
    site = tagged_corpus(make_site, random.Random(41), 40)
    files, _, state = search.build_search_state(site)
    first, second = sorted(site.documents)[:2]
    doc = site.documents[first]
    edited = replace(site, documents={**site.documents, first: replace(doc, body=replace(doc.body, text="zzyzx " + doc.body.text))})
    written, removed, _, state = search.update_bodies(state, bodiless(edited, {first}), [first])
    files = {p: d for p, d in {**files, **written}.items() if p not in removed}
    retitled = replace(site, documents={**site.documents, second: replace(site.documents[second], title="Retitled")})
    written, removed, _, _ = search.update_documents(state, retitled)
    assert {p: d for p, d in {**files, **written}.items() if p not in removed} == search.build_search(retitled)[0]


def test_a_metadata_edit_of_an_index_in_sub_folders_gives_the_bytes_of_a_full_build(make_site, small_chunks, monkeypatch):
    """An index whose chunks and positions overfill their folders (`limits.folder_entries` lowered) is
    patched on a front-matter edit, not made whole: what it answers is a few files, at their places
    as `build_search` writes them, and the places no longer written."""
    site = tagged_corpus(make_site, random.Random(11))
    site = replace(site, config=replace(site.config, limits=replace(site.config.limits, folder_entries=40)))
    files, _, state = search.build_search_state(site)
    assert "levels" in state.core["kinds"]["chunks"] and any(p.count("/") == 3 for p in files if p.startswith("search/t/"))
    rng = random.Random(3)
    for step in range(4):
        kind, site = edit_metadata(rng, site, sorted(site.documents)[step], step)
        with monkeypatch.context() as patched:
            patched.setattr(search, "_build_search_state", None)  # patched, never made whole
            written, removed, _, state = search.update_documents(state, site)
        expected, _ = search.build_search(site)
        assert {p: d for p, d in {**files, **written}.items() if p not in removed} == expected, (step, kind)
        assert removed <= files.keys()
        files = expected


def test_a_title_edit_makes_only_the_vocabulary_files_of_its_words_first_letters(make_site, monkeypatch):
    """The vocabulary files (`searchvocab`) a title edit reaches are those of its new or gone words'
    first letters, found in their run of the terms' order, and the core's list of letters grows
    without going through every term; a word gone (its letter may have no term left) and an Arabic
    word (filed by its second letter too, anywhere in the order) take the whole vocabulary: every
    step gives the full build's bytes."""
    site = tagged_corpus(make_site, random.Random(51), 40)
    other = site.documents[sorted(site.documents)[5]]
    site = replace(site, documents={**site.documents, other.id: replace(other, title=f"{other.title} الكتاب")})
    files, _, state = search.build_search_state(site)
    doc_id = sorted(site.documents)[3]
    title = site.documents[doc_id].title
    vocab = searchdata.path(searchdata.key("vocabulary", f"{ord('q'):x}"))
    scans = []
    monkeypatch.setattr(searchvocab, "keys", lambda order, keys=searchvocab.keys: scans.append(len(order)) or keys(order))
    for step, (words, letters) in enumerate([(f"{title} quorx", {"71"}), (f"{title} quorx الفوتوغرافي", None),
                                             (f"{title} الفوتوغرافي", set()), (title, None)]):
        site = replace(site, documents={**site.documents, doc_id: replace(site.documents[doc_id], title=words)})
        scans.clear()
        written, removed, _, state = search.update_documents(state, site)
        assert len(scans) == (step >= 2), step  # the letters of every term: only once a word is gone
        expected = search.build_search(site)[0]
        files = {p: d for p, d in {**files, **written}.items() if p not in removed}
        assert files == expected, step
        made = {p for p in written if p.startswith(vocab.rsplit("/", 1)[0] + "/")}
        if letters is not None:
            assert made == {searchdata.path(searchdata.key("vocabulary", k)) for k in letters}, step
        assert (vocab in removed) == (step == 2) and ("71" in state.core["vocab"]) == (step < 2)
    assert vocab not in files


def test_a_run_of_the_terms_order_is_every_term_beginning_with_a_letter():
    order = sorted(["a", "ab", "b", "ba", "bz", "c", "ق", "قا", "𝔸x", "𝔸", "\uffff"], key=search.utf16_key)
    for first in ["a", "b", "c", "d", "ق", "𝔸", "\uffff"]:
        assert search._starting(order, first) == [t for t in order if t.startswith(first)]
