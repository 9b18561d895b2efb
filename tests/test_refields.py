"""The fast path of front-matter and registry edits (`refields`): what it may leave unplanned.

Its byte-for-byte comparisons with cold builds are in test_cache.py (random edit sequences); here, the
shortcut it takes to find the documents whose related lists can hold an edited one (`pages.may_relate`)
is checked against `pages.related` itself, over every pair of documents of an archive large enough for
the shortcut to leave some out.
"""

from __future__ import annotations

import random

from sitegen.build import build
from sitegen.config import load_config
from sitegen.pages import may_relate, rarity, related

from tests.conftest import document, site_config


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
