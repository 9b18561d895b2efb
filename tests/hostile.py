"""Hostile inputs, generated: shared by the tests/test_hostile_*.py suites (small sizes, over the
limits) and benchmarks/hostile_bench.py (the sizes measured in issue 11)."""

from __future__ import annotations

import random

from tests import conftest


def document(body: str = "Text.", fields: str = "", title: str = "Hostile") -> str:
    """A valid document (`conftest.document`) with extra front-matter lines `fields` and the given body."""
    return conftest.document(title, body + "\n", summary="S.", raw=fields)


def alias_bomb(levels: int = 9, width: int = 9) -> str:
    """"Billion laughs": each level repeats the previous one `width` times (width**levels values)."""
    lines = ['extra:\n  l0: &l0 ["lol"' + ', "lol"' * (width - 1) + "]"]
    for n in range(1, levels):
        lines.append(f"  l{n}: &l{n} [" + ", ".join([f"*l{n - 1}"] * width) + "]")
    return "\n".join(lines) + "\n"


def deep_yaml_flow(depth: int) -> str:
    return "extra:\n  deep: " + "[" * depth + "]" * depth + "\n"


def deep_yaml_block(depth: int) -> str:
    return "extra:\n" + "".join("  " * (i + 1) + f"k{i}:\n" for i in range(depth)) + "  " * (depth + 1) + "k: v\n"


def deep_list(depth: int) -> str:
    return "".join("    " * i + "- item\n" for i in range(depth))


def deep_quote(depth: int) -> str:
    return "".join("> " * i + "- x\n" for i in range(depth))


def brackets(count: int) -> str:
    return "[" * count


def unclosed_then_text(count: int, words: int) -> str:
    return "[" * count + " word" * words


def open_tags(count: int) -> str:
    return "<a " * count


def footnotes(count: int) -> str:
    refs = "".join(f"text[^{i}]\n" for i in range(count))
    return refs + "\n" + "".join(f"[^{i}]: note {i}\n" for i in range(count))


def reference_links(count: int) -> str:
    """`count` reference-style links in one paragraph, then their definitions."""
    return "".join(f"see [link {i}][r{i}]\n" for i in range(count)) + "\n" + link_definitions(count)


def inline_links(count: int) -> str:
    return "".join(f"see [link {i}](https://example.org/{i})\n" for i in range(count))


def link_definitions(count: int) -> str:
    return "".join(f"[r{i}]: https://example.org/{i}\n" for i in range(count))


def footnote_references(count: int) -> str:
    """`count` references to one footnote (each gets its own back-link)."""
    return "".join("text[^1]\n" for _ in range(count)) + "\n[^1]: The note.\n"


def plain_lines(count: int) -> str:
    """As many lines as the link bodies above, of words: their baseline."""
    return "".join(f"see link {i} https example org {i}\n" for i in range(count))


def varied_words(kb: int, seed: int = 11) -> str:
    """A body of about `kb` KB of distinct made-up words in paragraphs (the worst case for an index)."""
    rng = random.Random(seed)
    letters = "abcdefghijklmnopqrstuvwxyz"
    paragraphs, size = [], 0
    while size < kb * 1024:
        paragraph = " ".join("".join(rng.choice(letters) for _ in range(rng.randint(3, 11))) for _ in range(120))
        paragraphs.append(paragraph)
        size += len(paragraph) + 2
    return "\n\n".join(paragraphs)


def many_terms(count: int, field: str = "places") -> str:
    return f"{field}:\n" + "".join(f"  - Place {i}\n" for i in range(count))
