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
    "<div>\nblock *html*\n</div>", "&amp; &copy; &#169; &#xA9; & lone & and AT&T", "&amp without a semicolon &copy",
    "x & <",
    "line one with a break  \nline two", "ends with two spaces  ", "[^1] and [^note] and [^missing]",
    "[^1]: The first note.\n[^note]: Another, with *em*.\n\n    Indented second paragraph.",
    "*[HTML]: Hyper Text Markup Language\n\nHTML is used here.",
    "| a | b |\n|---|:-:|\n| `x|y` | \\| pipe |\n| *em* | [l](u) |",
    "```python\nprint('<b>&amp;</b>')\n```", "~~~\n*not em* [not](link)\n~~~", "    indented code *x* <b>",
    "Term\n:   Definition with *em*\n:   Second", "Term\n: one space", "- item\n\n    Term\n    : in a list",
    "1. one\n2. two\n\n3) three", "- a\n- b\n    - nested [x](y)",
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
    assert {("inline", "link"), ("inline", "reference"), ("block", "reference")} & \
        absent_patterns("[a](b) and [c]: d") == set()
    assert absent_patterns("tab\there *x*") == frozenset()  # tabs are expanded by Markdown: no pruning
    kinds = {absent_patterns(b) for b in generated()}
    assert len(kinds) > 20


@pytest.mark.parametrize("body", ["Plain.", "*a* [b](c) <d> &e; `f`", "x  \ny"])
def test_render_markdown_is_the_same_pruned_or_not(body):
    assert render_markdown(body) == render_markdown(body, prune=False)


def test_bracket_text_is_python_markdowns_own():
    """`markup.bracket_text` replaces `LinkInlineProcessor.getText` in sitegen's converters only: it must
    give the same answer at every index of any text (random brackets, the corpus's bodies)."""
    from markdown.inlinepatterns import LinkInlineProcessor

    from sitegen.markup import bracket_text
    stock_link = markdown.Markdown(extensions=EXTENSIONS).inlinePatterns["link"]
    rng = random.Random(11)
    texts = ["".join(rng.choice("[]a\\!") for _ in range(rng.randint(0, 40))) for _ in range(5_000)] + corpus()
    for text in texts:
        indexes = range(len(text) + 1) if len(text) <= 40 else [m + 1 for m, c in enumerate(text) if c == "["]
        assert [bracket_text(text, i) for i in indexes] == [stock_link.getText(text, i) for i in indexes], text
    link = _converter(frozenset()).inlinePatterns["link"]
    assert link.getText is bracket_text  # the converters use it
    assert isinstance(stock_link, LinkInlineProcessor) and "getText" not in vars(stock_link)  # the stock's own


def executed_lines(function) -> int:
    """How many lines of Python `function()` runs (its work, counted rather than timed)."""
    import sys
    count = 0

    def trace(frame, event, arg):
        nonlocal count
        count += event == "line"
        return trace

    sys.settrace(trace)
    try:
        function()
    finally:
        sys.settrace(None)
    return count


@pytest.mark.parametrize("link", ["see [link {i}][r{i}]", "see [r{i}]", "see [link {i}](https://example.org/{i})",
                                  "see ![image {i}][r{i}]"], ids=["reference", "short reference", "inline", "image"])
def test_a_paragraph_of_links_costs_in_proportion_to_its_links(link):
    """Python-Markdown rebuilds a paragraph's text after each link it finds; finding the next link's
    closing bracket must not walk the whole paragraph again (10,000 links in one paragraph took a
    minute): twice the links, about twice the work."""
    def body(count: int) -> str:
        links = "".join(link.format(i=i) + "\n" for i in range(count))
        return links + "\n" + "".join(f"[r{i}]: https://example.org/{i}\n" for i in range(count))

    render_markdown(body(5))  # the converter made, outside the count
    small, large = (executed_lines(lambda n=n: render_markdown(body(n))) for n in (200, 400))
    assert large / small < 2.4, (small, large)
