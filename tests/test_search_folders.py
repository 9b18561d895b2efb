"""Every search folder stays under `limits.folder_entries` (issue 24 item 5, issue 25): a kind whose files
would overfill search/<prefix>/ (term chunks t/, their positions p/, and any other kind of
`searchdata.KINDS`) goes into sub-folders by the hex digits of its names or of their hash, the page
mapping each file's key to its folder; and searching finds the same from file:// with the limit lowered
as with the default one: plain words, a phrase, a date range and a misspelt word."""

from __future__ import annotations

import random
from pathlib import Path
from urllib.parse import quote

import pytest

from sitegen import search, searchdata, searchindex, urls
from sitegen.build import build
from sitegen.config import load_config

from tests.conftest import site_config

LIMIT = 50
SYLLABLES = ["ka", "lo", "mi", "ren", "tus", "var", "zen", "pol", "dri", "fen", "gor", "hul", "jas", "nob", "quin", "sel"]


def words(rng: random.Random, count: int) -> list[str]:
    return ["".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))) for _ in range(count)]


def archive(root: Path, limit: int | None) -> Path:
    """Sixty documents of invented words (enough terms for many small chunks once `small_chunks` cuts
    them), every one about a lighthouse keeper, dated over 2019-2021."""
    rng = random.Random(24)
    limits = f"limits:\n  folder_entries: {limit}\n" if limit else ""
    (root / "content/documents").mkdir(parents=True)
    (root / "sitegen.yaml").write_text(site_config(extra=limits), encoding="utf-8")
    for n in range(60):
        date = f"{2019 + n % 3}-{1 + n % 12:02d}-{1 + n % 28:02d}"
        body = " ".join(words(rng, 120))
        (root / f"content/documents/note-{n:03d}.md").write_text(
            f"---\ntitle: Note {n} {' '.join(words(rng, 3))}\ndate: {date}\nsource: Wire\nlanguage: en\n---\n"
            f"The keeper of the lighthouse wrote {body}. Harbours {'and tides' if n % 2 else ''}.\n", encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    """The archive built with the default limit and with LIMIT, chunks cut small (so t/ and p/ hold more
    files than LIMIT) and common terms' positions in files of their own."""
    out = {}
    with pytest.MonkeyPatch.context() as patch:
        small_chunks(patch)
        for name, limit in (("default", None), ("lowered", LIMIT)):
            root = archive(tmp_path_factory.mktemp(name), limit)
            build(load_config(root / "sitegen.yaml", environ={}), out=root / "build", jobs=1)
            out[name] = root / "build"
    return out


def small_chunks(patch) -> None:
    patch.setattr(searchindex, "CHUNK_MIN", 200)
    patch.setattr(searchindex, "CHUNK_MAX", 600)
    patch.setattr(searchindex, "CHUNK_CUT", 2)
    patch.setattr(searchindex, "ALONE", 40)


def entries(out: Path) -> dict[str, int]:
    return urls.folder_entries(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())


def test_every_search_folder_is_under_the_lowered_limit(sites):
    flat, lowered = entries(sites["default"]), entries(sites["lowered"])
    assert flat["search/t"] > LIMIT and flat["search/p"] > LIMIT  # without the limit they would overfill
    over = {folder: n for folder, n in lowered.items() if folder.startswith("search") and n > LIMIT}
    assert over == {}
    assert not any((sites["lowered"] / "search/t").glob("*.js"))  # every chunk in a sub-folder
    assert any((sites["lowered"] / "search/t").glob("*/*.js")) or any((sites["lowered"] / "search/t").glob("*/*/*.js"))


def test_the_core_names_each_kind_and_its_sub_folders(sites):
    core = core_of(sites["lowered"])
    assert {name: row["prefix"] for name, row in core["kinds"].items()} == {
        name: kind.prefix for name, kind in searchdata.KINDS.items()}
    assert core["kinds"]["chunks"]["levels"] >= 1 and core["kinds"]["positions"]["levels"] >= 1
    assert "levels" not in core_of(sites["default"])["kinds"]["chunks"]
    for path in search.chunk_paths(core):  # where the core says, each chunk is
        assert (sites["lowered"] / path).is_file(), path


def test_same_files_in_other_folders(sites):
    """The two builds hold the same index files (same keys, same bytes), only placed otherwise; but the
    records, which link to the documents' pages (in date folders with the lower limit) and were in
    numbered folders before this (urls.spread)."""
    def by_key(out: Path) -> dict[str, bytes]:
        found = {}
        for path in (out / "search").rglob("*.js"):
            data = path.read_bytes()
            if path.name != "core.js" and not data.startswith(b'SITEGEN_DATA("r/'):
                found[data[:data.index(b",")]] = data  # SITEGEN_DATA("<key>", ...: the key, not the path
        return found
    assert by_key(sites["default"]) == by_key(sites["lowered"])


def core_of(out: Path) -> dict:
    import json
    text = (out / urls.SEARCH_CORE).read_text(encoding="utf-8")
    return json.loads(text[text.index("=") + 1:].strip().rstrip(";"))


def hrefs(page, url: str) -> list[str]:
    page.goto(url)
    page.wait_for_function("performance.getEntriesByName('sitegen:complete').length > 0"
                           " && document.getElementById('search-app').getAttribute('aria-busy') === 'false'", timeout=15_000)
    found = page.eval_on_selector_all("#search-results a.doc-title", "els => els.map(e => e.getAttribute('href'))")
    return [href.rsplit("/", 1)[-1] for href in found]  # the document, wherever the layout put its page


QUERIES = {"words": "q=" + quote("keeper lighthouse"), "other words": "q=" + quote("tides harbours"),
           "phrase": "q=" + quote('"keeper of the lighthouse"'), "not a phrase": "q=" + quote('"lighthouse keeper"'),
           "dates": "q=lighthouse&from=2020-03&to=2020-05", "plain": "q=lighthouse", "misspelt": "q=lighthuose"}


@pytest.mark.browser
def test_searching_finds_the_same_with_the_lowered_limit_from_file(sites, browser):
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    failed: list[str] = []
    page.on("requestfailed", lambda r: failed.append(r.url))
    found = {}
    for name, query in QUERIES.items():
        found[name] = [hrefs(page, (sites[build] / "search.html").as_uri() + "?" + query) for build in ("default", "lowered")]
    page.close()
    assert errors == [] and failed == []
    for name, (flat, lowered) in found.items():
        assert flat == lowered, name
    assert len(found["words"][0]) == 10 and len(found["other words"][0]) == 10  # a page of results
    assert found["phrase"][0] and found["not a phrase"][0] == []  # the words one after another, not in another order
    assert sorted(found["dates"][0]) == [f"note-{n:03d}.html" for n in (4, 16, 28, 40, 52)]  # 2020-05-05, ... by hand
    assert found["misspelt"][0] == found["plain"][0]  # forgiven into the word
