"""Did-you-mean stops early among its narrowed candidates, and still picks what difflib picks."""

import difflib
import random
import string

from rapidfuzz import fuzz, process

from sitegen.errors import Nearest


def _difflib_among_narrowed(nearest: Nearest, word: str, cutoff: float = 0.6) -> str:
    near = process.extract(word.casefold(), nearest.keys, scorer=fuzz.ratio, processor=None,
                           score_cutoff=cutoff * 100 - 1e-9, limit=Nearest.NARROW)
    match = difflib.get_close_matches(word.casefold(), [key for key, _, _ in near], n=1, cutoff=cutoff)
    return nearest.folded[match[0]] if match else ""


def test_closest_is_difflibs_choice_among_the_narrowed_candidates():
    rng = random.Random(9)
    letters = string.ascii_lowercase[:6] + "-./"
    names = {"".join(rng.choice(letters) for _ in range(rng.randint(3, 14))) for _ in range(3000)}
    nearest = Nearest(names | {n.upper() for n in list(names)[:50]})
    words = ["".join(rng.choice(letters) for _ in range(rng.randint(2, 16))) for _ in range(400)]
    words += [n[:-1] + "x" for n in list(names)[:200]]
    picked = [nearest.closest(w) for w in words]
    assert picked == [_difflib_among_narrowed(nearest, w) for w in words]
    assert sum(1 for p in picked if p) > 100  # most words have a hint: the comparison means something


def test_closest_among_few_candidates_is_difflibs_over_all_of_them():
    names = ["doc-000100.html", "doc-000101.html", "doc-001000.html", "actors/index.html", "Report-00001.md"]
    for word in ["doc-00100.html", "report-00001.md", "actor/index.html", "nothing-like-it", "DOC-000101.HTML"]:
        match = difflib.get_close_matches(word.casefold(), [n.casefold() for n in names], n=1)
        expected = next((n for n in names if match and n.casefold() == match[0]), "")
        assert Nearest(names).closest(word) == expected
