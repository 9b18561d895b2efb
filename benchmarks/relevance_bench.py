"""Judged-query relevance benchmark: sitegen's search page against Pagefind on the same built pages (issue 23).

    .venv/bin/pip install 'pagefind[extended]==1.5.2'          # the peer, once (as search_bench.py)
    git clone --depth 1 https://github.com/GSA/digitalgov.gov /tmp/digitalgov
    git clone --depth 1 https://github.com/parallelfold/SaudiNewsNet /tmp/saudinewsnet
    .venv/bin/python benchmarks/relevance_bench.py --english /tmp/digitalgov --arabic /tmp/saudinewsnet

Two real archives nobody here wrote, converted into sitegen documents under benchmarks/out/ (never
committed): the English one is DigitalGov's news posts (`content/news/**/*.md` of GSA/digitalgov.gov:
title, date, summary and Markdown body, Hugo shortcodes and HTML dropped); the Arabic one is the
Saudi newspaper articles of SaudiNewsNet of 22 and 23 July 2015 (`dataset/2015-07-22.zip`,
`2015-07-23.zip`: title, date, source and text). Each is built by sitegen; Pagefind indexes a copy of
the very same pages, each document page's `<article class="document">` marked `data-pagefind-body`
(so both engines index the documents and nothing else), and each query is typed into both search
pages over http in the same Chromium, in the same run.

The queries are made by the rules below, fixed before either engine ran, from the documents alone
(`random.Random(23)`, documents in id order). A *word* is a run of letters (`[^\\W\\d_]+`) of at least
three letters that is not a stop word (lunr's English list; for Arabic, `arabic.STOP_WORDS` after
normalisation). A query's right answers are the document it was made from and every document with the
same title (lowercased, spaces collapsed: news archives repeat headlines).
- English `title` (50): the three longest distinct title words (earliest first on ties), in title order.
- English `inflected` (30): the two longest title words of at least five letters, each inflected:
  ending in `ies` → `y`; else ending in `s` → without it; else ending in a consonant then `y` → `ies`;
  else ending in `s`, `x`, `ch` or `sh` → `+es`; else `+s`.
- English `body` (30): from a seeded word position of the body (link targets and addresses left out),
  the next four words of at least four letters.
- English `misspelt` (40): the two longest title words of at least five letters, in title order, the
  longer (the first on ties) with one edit: an operation (substitute, delete, insert, transpose with
  the next letter) and a position (never the first letter) drawn from the RNG, a substituted or inserted
  letter from a-z (never the letter it replaces).
- Arabic `title` (40): as English `title`.
- Arabic `affixed` (30): the two longest title words of at least four letters, each without its
  article when it starts with `ال`, as it is when it starts with another clitic letter (و ب ل ف ك),
  otherwise with `ال` put before it; then `و` put before the first unless it starts with one.
- Arabic `misspelt` (30): as English `misspelt`, over the 28 letters of the Arabic alphabet.
A kind draws its documents from those with enough words, without replacement, in the order above.

Prints, per archive and kind, success@1, success@10, MRR@10 and how many queries returned nothing,
for sitegen and for Pagefind. Needs Debian's chromium and playwright.
"""

from __future__ import annotations

import argparse
import html
import json
import random
import re
import shutil
import string
import subprocess
import sys
import zipfile
from pathlib import Path
from urllib.parse import quote

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from lunr.stop_word_filter import WORDS as ENGLISH_STOP_WORDS  # noqa: E402

from sitegen import arabic  # noqa: E402
from search_bench import PAGEFIND, serve  # noqa: E402
from tests.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

SEED = 23
ARABIC_DAYS = ("2015-07-22", "2015-07-23")
CLITICS = tuple("وبلفك")
ARABIC_LETTERS = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"
WORD = re.compile(r"[^\W\d_]+")
LINK_TARGET = re.compile(r"\]\([^)]*\)|https?://\S+")
SHORTCODE = re.compile(r"\{\{[<%].*?[%>]\}\}", re.S)
TAG = re.compile(r"<[^>]+>")
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u200b]")
PAGEFIND_PAGE = """<!DOCTYPE html><html lang="{lang}"><meta charset="utf-8"><title>bench</title><body><ol id="r"></ol>
<script type="module">
const pagefind = await import('./pagefind/pagefind.js');
const search = await pagefind.search(new URLSearchParams(location.search).get('q'));
const data = await Promise.all(search.results.slice(0, 10).map(r => r.data()));
for (const d of data) {{ const li = document.createElement('li'); li.textContent = d.url; document.getElementById('r').appendChild(li); }}
performance.mark('sitegen:complete');
</script>"""


# ---- the archives as sitegen projects ----

def front_matter(path: Path) -> tuple[dict, str]:
    text = path.read_text(encoding="utf-8")
    if not text.startswith("---"):
        return {}, text
    _, head, body = text.split("---", 2)
    try:
        return yaml.safe_load(head) or {}, body
    except yaml.YAMLError:
        return {}, body


def clean(text: str) -> str:
    return CONTROL.sub(" ", html.unescape(TAG.sub(" ", SHORTCODE.sub(" ", text))))


def english_documents(source: Path) -> list[dict]:
    out = []
    for path in sorted((source / "content/news").rglob("*.md")):
        meta, body = front_matter(path)
        title, body = clean(str(meta.get("title") or "")).strip(), clean(body).strip()
        if not title or not body or meta.get("draft") or not meta.get("date"):
            continue
        out.append({"id": re.sub(r"[^a-z0-9]+", "-", path.stem.lower()).strip("-"), "title": title,
                    "date": str(meta["date"])[:10], "source": "DigitalGov", "language": "en",
                    "summary": clean(str(meta.get("summary") or "")).strip(), "body": body})
    return out


def arabic_documents(source: Path) -> list[dict]:
    out = []
    for day in ARABIC_DAYS:
        with zipfile.ZipFile(source / f"dataset/{day}.zip") as z:
            for name in z.namelist():
                for item in json.loads(z.read(name)):
                    title, body = clean(item.get("title") or "").strip(), clean(item.get("content") or "").strip()
                    if title and body:
                        out.append({"id": f"{day}-{len(out):05d}", "title": title, "date": item["date_extracted"][:10],
                                    "source": item.get("source") or "SaudiNewsNet", "language": "ar", "summary": "",
                                    "body": body})
    return out


def write_project(documents: list[dict], folder: Path, language: str) -> Path:
    shutil.rmtree(folder, ignore_errors=True)
    docs = folder / "content/documents"
    docs.mkdir(parents=True)
    seen: set[str] = set()
    for doc in documents:
        while doc["id"] in seen:
            doc["id"] += "-x"
        seen.add(doc["id"])
        meta = {k: doc[k] for k in ("title", "date", "source", "language", "summary") if doc[k]}
        (docs / f"{doc['id']}.md").write_text("---\n" + yaml.safe_dump(meta, allow_unicode=True) + "---\n" + doc["body"] + "\n",
                                              encoding="utf-8")
    (folder / "sitegen.yaml").write_text(
        f"title: Relevance\nlanguages: [{language}]\nbuild_date: '2026-01-01'\npaths:\n  templates: {ROOT / 'templates'}\n"
        f"  assets: {ROOT / 'assets'}\n  output: build\nlinks: {{broken: warning}}\n", encoding="utf-8")
    return folder


# ---- the queries, by the rules of the docstring ----

def is_stop(word: str, language: str) -> bool:
    return arabic.normalise(word) in arabic.STOP_WORDS if language == "ar" else word in ENGLISH_STOP_WORDS


def words(text: str, language: str, least: int = 3) -> list[str]:
    out = []
    for w in WORD.findall(text.lower()):
        if len(w) >= least and not is_stop(w, language) and w not in out:
            out.append(w)
    return out


def longest(ws: list[str], n: int) -> list[str]:
    """The n longest (earliest first on ties), in their order."""
    chosen = sorted(range(len(ws)), key=lambda i: (-len(ws[i]), i))[:n]
    return [ws[i] for i in sorted(chosen)]


def inflect(w: str) -> str:
    if w.endswith("ies"):
        return w[:-3] + "y"
    if w.endswith("s"):
        return w[:-1]
    if len(w) > 1 and w.endswith("y") and w[-2] not in "aeiou":
        return w[:-1] + "ies"
    if w.endswith(("x", "ch", "sh")):
        return w + "es"
    return w + "s"


def affix(w: str, first: bool) -> str:
    if w.startswith("ال"):
        w = w[2:]
    elif not w.startswith(CLITICS):
        w = "ال" + w
    return "و" + w if first and not w.startswith("و") else w


def misspell(w: str, rng: random.Random, letters: str) -> str:
    op = rng.choice(("substitute", "delete", "insert", "transpose"))
    if op == "transpose":
        i = rng.randrange(1, len(w) - 1)
        return w[:i] + w[i + 1] + w[i] + w[i + 2:]
    i = rng.randrange(1, len(w))
    if op == "delete":
        return w[:i] + w[i + 1:]
    letter = rng.choice([c for c in letters if op == "insert" or c != w[i]])
    return w[:i] + letter + (w[i + 1:] if op == "substitute" else w[i:])


def title_key(title: str) -> str:
    return " ".join(title.lower().split())


def make_queries(documents: list[dict], language: str) -> list[dict]:
    rng = random.Random(SEED)
    docs = sorted(documents, key=lambda d: d["id"])
    by_title: dict[str, list[str]] = {}
    for d in docs:
        by_title.setdefault(title_key(d["title"]), []).append(d["id"])
    used: set[str] = set()
    letters = ARABIC_LETTERS if language == "ar" else string.ascii_lowercase
    long_word = 4 if language == "ar" else 5

    def draw(count: int, fits) -> list[dict]:
        pool = [d for d in docs if d["id"] not in used and fits(d)]
        picked = rng.sample(pool, min(count, len(pool)))
        used.update(d["id"] for d in picked)
        return picked

    def query(kind: str, d: dict, text: str) -> dict:
        return {"kind": kind, "q": text, "answers": by_title[title_key(d["title"])]}

    out = []
    for d in draw(50 if language == "en" else 40, lambda d: len(words(d["title"], language)) >= 2):
        out.append(query("title", d, " ".join(longest(words(d["title"], language), 3))))
    if language == "en":
        for d in draw(30, lambda d: len(words(d["title"], language, long_word)) >= 2):
            out.append(query("inflected", d, " ".join(map(inflect, longest(words(d["title"], language, long_word), 2)))))
        for d in draw(30, lambda d: len(words(d["body"], language, 4)) >= 20):
            body = [w for w in WORD.findall(LINK_TARGET.sub(" ", d["body"]).lower()) if len(w) >= 4 and not is_stop(w, language)]
            at = rng.randrange(0, len(body) - 4)
            out.append(query("body", d, " ".join(body[at:at + 4])))
    else:
        for d in draw(30, lambda d: len(words(d["title"], language, long_word)) >= 2):
            pair = longest(words(d["title"], language, long_word), 2)
            out.append(query("affixed", d, " ".join(affix(w, i == 0) for i, w in enumerate(pair))))
    for d in draw(40 if language == "en" else 30, lambda d: len(words(d["title"], language, long_word)) >= 2):
        pair = longest(words(d["title"], language, long_word), 2)
        k = 1 if len(pair[1]) > len(pair[0]) else 0
        pair[k] = misspell(pair[k], rng, letters)
        out.append(query("misspelt", d, " ".join(pair)))
    return out


# ---- the engines ----

def build_sitegen(project: Path) -> Path:
    subprocess.run([sys.executable, "-m", "sitegen", "build", "--config", str(project / "sitegen.yaml"), "--jobs", "2"],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return project / "build"


def build_pagefind(built: Path, folder: Path, language: str) -> Path:
    """A copy of sitegen's pages, the document pages' articles marked as what Pagefind indexes."""
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(built, folder, ignore=shutil.ignore_patterns("search"))
    for page in (folder / "documents").glob("*.html"):
        text = page.read_text(encoding="utf-8")
        page.write_text(text.replace('<article class="document"', '<article class="document" data-pagefind-body', 1),
                        encoding="utf-8")
    subprocess.run([str(PAGEFIND), "--site", str(folder)], check=True, stdout=subprocess.DEVNULL)
    (folder / "bench.html").write_text(PAGEFIND_PAGE.format(lang=language), encoding="utf-8")
    return folder


def results(page, url: str, selector: str) -> list[str]:
    """The ids of the first ten results the page shows for a query (its links' file names)."""
    page.goto(url, wait_until="commit")
    page.wait_for_function("performance.getEntriesByName('sitegen:complete').length > 0", timeout=60_000)
    texts = page.eval_on_selector_all(selector, "els => els.map(e => e.getAttribute('href') || e.textContent)")
    return [Path(t.split("#")[0].split("?")[0]).stem for t in texts[:10]]


def scores(ranked: list[list[str]], queries: list[dict]) -> dict:
    rr = []
    for ids, q in zip(ranked, queries):
        first = next((i for i, x in enumerate(ids[:10]) if x in q["answers"]), None)
        rr.append(0.0 if first is None else 1 / (first + 1))
    n = len(queries)
    return {"n": n, "s1": sum(r == 1 for r in rr) / n, "s10": sum(r > 0 for r in rr) / n, "mrr": sum(rr) / n,
            "empty": sum(not ids for ids in ranked)}


def run_archive(browser, name: str, documents: list[dict], language: str, out: Path, dump: Path | None) -> list:
    queries = make_queries(documents, language)
    project = write_project(documents, out / f"relevance-{name}", language)
    built = build_sitegen(project)
    peer = build_pagefind(built, out / f"relevance-{name}-pagefind", language)
    page = browser.new_page()
    ours = [results(page, f"{serve(built)}/search.html?q={quote(q['q'])}", "#search-results a.doc-title") for q in queries]
    theirs = [results(page, f"{serve(peer)}/bench.html?q={quote(q['q'])}", "#r li") for q in queries]
    page.close()
    if dump:
        dump.write_text(json.dumps([{**q, "sitegen": a, "pagefind": b} for q, a, b in zip(queries, ours, theirs)],
                                   ensure_ascii=False, indent=1), encoding="utf-8")
    rows = []
    for kind in dict.fromkeys(q["kind"] for q in queries):
        pick = [i for i, q in enumerate(queries) if q["kind"] == kind]
        sub = [queries[i] for i in pick]
        rows.append((name, kind, scores([ours[i] for i in pick], sub), scores([theirs[i] for i in pick], sub)))
    rows.append((name, "all", scores(ours, queries), scores(theirs, queries)))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--english", type=Path, required=True, help="a checkout of GSA/digitalgov.gov")
    parser.add_argument("--arabic", type=Path, required=True, help="a checkout of parallelfold/SaudiNewsNet")
    parser.add_argument("--dump", action="store_true", help="write each query and both engines' results to benchmarks/out/")
    args = parser.parse_args()
    out = ROOT / "benchmarks/out"
    out.mkdir(parents=True, exist_ok=True)
    archives = [("english", english_documents(args.english), "en"), ("arabic", arabic_documents(args.arabic), "ar")]
    from playwright.sync_api import sync_playwright
    rows = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for name, documents, language in archives:
            print(f"{name}: {len(documents)} documents", flush=True)
            rows += run_archive(browser, name, documents, language, out,
                                out / f"relevance-{name}.json" if args.dump else None)
        browser.close()
    print(f"{'archive':9}{'kind':11}{'n':>4} | {'sitegen s@1':>11}{'s@10':>6}{'MRR@10':>8}{'empty':>6} | "
          f"{'Pagefind s@1':>12}{'s@10':>6}{'MRR@10':>8}{'empty':>6}")
    for name, kind, a, b in rows:
        print(f"{name:9}{kind:11}{a['n']:4} | {a['s1']:11.3f}{a['s10']:6.3f}{a['mrr']:8.3f}{a['empty']:6} | "
              f"{b['s1']:12.3f}{b['s10']:6.3f}{b['mrr']:8.3f}{b['empty']:6}")


if __name__ == "__main__":
    main()
