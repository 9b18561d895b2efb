"""The pruned Markdown converters (`markup.absent_patterns`) give exactly the stock converter's HTML:
on the seed texts, the sample archive, and generated Markdown that mixes every construct."""

from __future__ import annotations

import random
from pathlib import Path

import markdown
import pytest

from sitegen.markup import EXTENSION_CONFIGS, EXTENSIONS, TRIGGERS, _converter, absent_patterns, render_markdown

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seeds"

# Every construct the enabled extensions know, and the near misses that must stay text.
PIECES = [
    "Plain words, nothing else.", "*em* and **strong** and ***both***", "_em_ and __strong__ and a snake_case_word",
    "a * lone star and a _ lone underscore", "**unclosed strong", "`code` and ``co`de`` and `unclosed",
    "\\*not em\\* \\[not link\\] \\`not code\\` \\\\ backslash", "[link](https://example.org \"title\")",
    "[link](<https://example.org/a b>)", "![image](https://example.org/i.png \"t\")", "![ref image][logo]",
    "[ref link][ex] and [Ex][] and [ex] and [missing][nope] and [also missing]",
    "[ex]: https://example.org/ref \"Ref\"\n[logo]: https://example.org/logo.png",
    "<https://example.org/auto> and <mail@example.org> and <not an autolink>",
    "<span lang=\"ar\">نص</span> and <b>bold</b> and <!-- comment --> and <?pi?>",
    "<div>\nblock *html*\n</div>", "&amp; &copy; &#169; &#xA9; & lone & and AT&T", "&amp without a semicolon &copy", "x & <",
    "line one with a break  \nline two", "ends with two spaces  ", "[^1] and [^note] and [^missing]",
    "[^1]: The first note.\n[^note]: Another, with *em*.\n\n    Indented second paragraph.",
    "*[HTML]: Hyper Text Markup Language\n\nHTML is used here.",
    "| a | b |\n|---|:-:|\n| `x|y` | \\| pipe |\n| *em* | [l](u) |",
    "```python\nprint('<b>&amp;</b>')\n```", "~~~\n*not em* [not](link)\n~~~", "    indented code *x* <b>",
    "Term\n:   Definition with *em*\n:   Second", "Term\n: one space", "- item\n\n    Term\n    : in a list", "1. one\n2. two\n\n3) three", "- a\n- b\n    - nested [x](y)",
    "> quote with *em*\n> and [a link](u)\n>\n> > nested `code`", "# H1\n## Notes\n### *Em* heading",
    "Setext\n======", "Sub\n---", "* * *", "[TOC]", "{{ not jinja }} {% raw %}", "a ! [ not image and !\\[x]",
    "brackets [ unclosed and ] stray and ![unclosed", "http://bare.example.org", "x<y and y>z and 1 < 2",
    "trailing\\\nbackslash", "[em *in* link](u) and *[link in](em)*", "**[bold link](u)**",
    "[nested [brackets]](u)", "[ex]:   \n  https://example.org/multiline", "[^1]:",
]


def generated(count: int = 400, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    bodies = list(PIECES)
    for _ in range(count):
        parts = rng.sample(PIECES, rng.randint(2, 5))
        bodies.append(rng.choice(["\n\n", "\n", " ", "\n\n> "]).join(parts) + rng.choice(["", "\n", "  ", "  \n"]))
    return bodies


def corpus() -> list[str]:
    files = sorted(SEEDS.glob("*.txt")) + sorted((ROOT / "content").rglob("*.md"))
    files += sorted((ROOT / "tests").rglob("*.md"))
    return [f.read_text(encoding="utf-8", errors="replace") for f in files] + generated()


def stock(source: str) -> str:
    return markdown.markdown(source, extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS, output_format="html")


def pruned(source: str) -> str:
    converter = _converter(absent_patterns(source))
    converter.reset()
    return converter.convert(source)


def test_pruned_converters_give_the_stock_html():
    bodies = corpus()
    assert len(bodies) > 450
    assert [b for b in bodies if pruned(b) != stock(b)] == []


def test_pruning_happens_and_keeps_what_a_body_needs():
    assert absent_patterns("Plain words.") == frozenset(TRIGGERS)
    assert ("inline", "em_strong") not in absent_patterns("x _y_")
    assert ("inline", "linebreak") not in absent_patterns("a  ") and ("block", "quote") not in absent_patterns("> q")
    assert {("inline", "link"), ("inline", "reference"), ("block", "reference")} & absent_patterns("[a](b) and [c]: d") == set()
    assert absent_patterns("tab\there *x*") == frozenset()  # tabs are expanded by Markdown: no pruning
    kinds = {absent_patterns(b) for b in generated()}
    assert len(kinds) > 20


@pytest.mark.parametrize("body", ["Plain.", "*a* [b](c) <d> &e; `f`", "x  \ny"])
def test_render_markdown_is_the_same_pruned_or_not(body):
    assert render_markdown(body) == render_markdown(body, prune=False)


def test_bracket_ends_are_python_markdowns_own():
    """`markup.bracket_ends` replaces `LinkInlineProcessor._findBracketEnds` in sitegen's converters
    only: it must give the same list for any text (random brackets, the corpus's bodies)."""
    from markdown.inlinepatterns import LinkInlineProcessor

    from sitegen.markup import bracket_ends
    rng = random.Random(11)
    texts = ["".join(rng.choice("[]a\\!") for _ in range(rng.randint(0, 40))) for _ in range(20_000)] + corpus()
    assert all(bracket_ends(t) == LinkInlineProcessor._findBracketEnds(t) for t in texts)
    link = _converter(frozenset()).inlinePatterns["link"]
    assert link._findBracketEnds is bracket_ends  # the converters use it
    assert "_findBracketEnds" not in vars(markdown.Markdown(extensions=EXTENSIONS).inlinePatterns["link"])  # the stock's own
