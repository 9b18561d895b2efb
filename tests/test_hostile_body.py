"""Markdown bodies from an untrusted pull request: inputs that would make conversion recurse, rescan
or run long are one located error before conversion; ids never collide with the page's own; links
written for another generator say how to write them here."""

from __future__ import annotations

import re

import pytest

from sitegen.build import build
from sitegen.cli import main
from sitegen.config import load_config
from sitegen.markup import TEMPLATE_IDS, check_body, render_markdown
from tests import hostile
from tests.conftest import ROOT, site_config

DOC = "content/documents/hostile.md"
BODY = 8  # the file line on which hostile.document's body starts

# (name, body, line of the error, message fragment)
CASES = [
    ("50,000 [", hostile.brackets(50_000), BODY, "unclosed `[`"),
    ("1,000 [ then 20,000 words", hostile.unclosed_then_text(1000, 20_000), BODY, "unclosed `[`"),
    ("[ in the second paragraph", "Fine.\n\n" + hostile.brackets(20_000), BODY + 2, "unclosed `[`"),
    ("20,000 open tags", hostile.open_tags(20_000), BODY, "tags left open"),
    ("50,000 images", "![" * 50_000, BODY, "unclosed `[`"),
    ("10,000 inline links left open", "[a](" * 10_000, BODY, "inline links left open (`](` without its `)`)"),
    ("inline links whose titles never close", "Text.\n" + '[a](x "y) ' * 3000, BODY + 1, "inline links left open"),
    ("inline links whose `)` is in a code span", "[a](x `)` " * 3000, BODY, "inline links left open"),
    ("inline links whose `)` is in a reference link", "[a](x [)][r] " * 3000 + "\n\n[r]: /r", BODY,
     "inline links left open"),
    ("balanced brackets nested 20,000 deep", "[" * 20_000 + "]" * 20_000, BODY, "would make Markdown re-read it"),
    ("3,000 footnotes", hostile.footnotes(3000), BODY + 3000 + 1 + 2000, "more than 2000 footnotes"),
    ("list nested 1,000 deep", hostile.deep_list(1000), BODY + 51, "lists or quotes nested 51 deep"),
    ("quotes nested 300 deep", hostile.deep_quote(300), BODY + 41, "lists or quotes nested 51 deep"),
    ("NUL in the body", "a\x00b", BODY, "control character U+0000"),
    ("Markdown's own placeholder character", "a\x02wzxhzdk:0\x03b", BODY, "control character U+0002"),
]


@pytest.mark.parametrize("name,body,line,fragment", CASES, ids=[c[0] for c in CASES])
def test_hostile_bodies_are_one_located_error(name, body, line, fragment, make_site, capsys):
    make_site({DOC: hostile.document(body=body)})
    code = main(["check"])
    err = capsys.readouterr().err
    assert code == 1, err
    assert "Traceback" not in err and "internal error" not in err
    assert any(l.startswith(f"{DOC}:{line}:") and fragment in l for l in err.splitlines()), err


@pytest.mark.parametrize("body", [hostile.deep_list(50), hostile.footnotes(1000), hostile.brackets(1000),
                                  "[link](doc:first-report) " * 2000, hostile.varied_words(256),
                                  hostile.reference_links(2000), hostile.footnote_references(2000),
                                  "".join(f'[a](https://example.org/A_(b)_{i} "T {i}") '
                                          f'[b](<https://example.org/{i}> "T") ' for i in range(2000)), "[a](" * 400],
                         ids=["list 50 deep", "1,000 footnotes", "1,000 [", "2,000 links", "256 KB of words",
                              "2,000 reference links", "2,000 references to one footnote",
                              "4,000 inline links with titles", "400 inline links left open"])
def test_bodies_within_the_limits_build(body, make_site, capsys):
    make_site({DOC: hostile.document(body=body)})
    assert main(["check"]) == 0, capsys.readouterr().err


def test_the_scan_budget_follows_the_config():
    body = hostile.unclosed_then_text(200, 2000)
    assert check_body(body, "f.md", 1) == []
    assert check_body(body, "f.md", 1, load_limits(markdown_scan_kb=1))


def load_limits(**values):
    from sitegen.limits import Limits
    return Limits(**values)


def test_a_crash_converting_one_body_is_that_documents_error(make_site, capsys, monkeypatch):
    import sitegen.markup as markup
    real = markup.sanitise

    def crash(html):
        if "CRASH" in html:
            raise RecursionError("maximum recursion depth exceeded")
        return real(html)

    monkeypatch.setattr(markup, "sanitise", crash)
    make_site({DOC: hostile.document(body="CRASH"),
               "content/documents/other.md": hostile.document(fields="actors: [Nobody]\n")})
    assert main(["check"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert f"{DOC}:{BODY}:1: the text could not be converted: RecursionError: maximum recursion depth exceeded " \
           "(a bug in sitegen; please report it with this file)" in err
    assert any(l.startswith("content/documents/other.md:7:") for l in err), err  # reported alongside
    assert "Traceback" not in "\n".join(err)


def test_body_ids_never_collide_with_the_templates_ids(tmp_path):
    body = "## Notes\n\n## Main\n\n## Related\n\n<h3 id=\"provenance\">Raw</h3>\n\n## Site search\n"
    from tests.conftest import write_site
    root = write_site(tmp_path / "site", {DOC: hostile.document(body=body, fields="notes: A note.\n")})
    build(load_config(root / "sitegen.yaml", environ={}), out=tmp_path / "out")
    page = (tmp_path / "out/documents/hostile.html").read_text(encoding="utf-8")
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    assert {"section-notes", "section-main", "section-related", "section-provenance", "section-site-search"} <= set(ids)


def test_every_literal_id_in_the_templates_is_reserved():
    literal = {i for p in (ROOT / "templates").glob("*.html") for i in re.findall(r'\bid="([^"{]+)"', p.read_text())}
    assert literal <= TEMPLATE_IDS, literal - TEMPLATE_IDS


@pytest.mark.parametrize("written,form", [
    ('{{< ref "first-report.md" >}}', "doc:first-report"),
    ('{{< relref "/posts/old-story" >}}', "old-story.md` or `doc:old-story"),
    ("{% link _posts/2020-01-01-x.md %}", "2020-01-01-x.md` or `doc:2020-01-01-x"),
    ("{% post_url 2020-01-01-first-report %}", "2020-01-01-first-report.md` or `doc:2020-01-01-first-report"),
    ('{{% ref "first-report" %}}', "doc:first-report"),
])
def test_links_in_another_generators_syntax_show_the_sitegen_form(written, form, make_site, capsys):
    make_site({DOC: hostile.document(body=f"See [that]({written}).")})
    assert main(["check"]) == 1
    err = capsys.readouterr().err.splitlines()
    generator = "Hugo" if written.startswith("{{") else "Jekyll"
    assert err[0] == (f"{DOC}:{BODY}:12: link written in {generator}'s syntax, which sitegen does not read: {written} "
                      f"(write `{form}` (the file's path relative to this one, or doc: and its id))")


def test_broken_links_as_warnings_publish_a_migrated_archive_but_strict_still_fails(make_site, capsys):
    body = "[a](doc:missing) [b](gone.md) [c](../nowhere.html) [d](/abs.html) [e]({{< ref \"x.md\" >}})"
    make_site({DOC: hostile.document(body=body)}, config=site_config(extra="links:\n  broken: warning\n"))
    assert main(["build"]) == 0
    err = capsys.readouterr().err.splitlines()
    warnings = [l for l in err if l.startswith(DOC)]
    assert len(warnings) == 5 and all(": warning: " in l for l in warnings), err
    assert main(["check", "--strict"]) == 1
    make_site({DOC: hostile.document(body=body)})  # the default stays an error
    assert main(["check"]) == 1
    assert sum(": warning: " not in l for l in capsys.readouterr().err.splitlines() if l.startswith(DOC)) == 5


def test_links_broken_must_be_error_or_warning(make_site, capsys):
    make_site(config=site_config(extra="links:\n  broken: ignore\n"))
    assert main(["check"]) == 1
    assert "sitegen.yaml:8:3: `broken` must be error or warning, not 'ignore'" in capsys.readouterr().err


def test_markdown_placeholders_in_a_rendered_body_stay_inert():
    assert "wzxhzdk" not in render_markdown("<b>x</b> &amp; `code`").html


def test_a_body_of_too_many_different_words_is_one_located_error(make_site, capsys):
    body = hostile.varied_words(1990)  # 2 MB of invented words: ~240,000 different ones
    seen, line = set(), None
    for number, text in enumerate(body.split("\n")):
        seen.update(text.casefold().split())
        if len(seen) > 40_000:
            line = BODY + number
            break
    make_site({DOC: hostile.document(body=body)})
    assert main(["check"]) == 1
    err = capsys.readouterr().err
    assert f"{DOC}:{line}:1: more than 40000 different words" in err and "limits.distinct_words" in err
    assert check_body(body[:len(body) // 8], "f.md", 1, load_limits(distinct_words=10**6)) == []


def test_limits_near_their_edge_are_judged_as_a_full_count_would():
    """check_body skips a count only when it cannot reach its limit: for small limits and random bodies,
    it reports exactly when counting every word, or every opener's re-reading, goes over."""
    import random
    import re

    def rereading(body: str) -> int:  # the work Markdown would do, per paragraph, at most
        worst = 0
        for paragraph in body.split("\n\n"):
            work, opened = 0, []
            for m in re.finditer(r"\\.|[\[\]]|<(?=[A-Za-z/!?])", paragraph):
                if m.group() == "[":
                    opened.append(m.start())
                elif m.group() == "]" and opened:
                    work += m.start() - opened.pop()
                elif m.group() == "<":
                    close = paragraph.find(">", m.start())
                    work += (close if close >= 0 else len(paragraph)) - m.start()
            worst = max(worst, work + sum(len(paragraph) - at for at in opened))
        return worst

    rng = random.Random(5)
    pieces = ["[", "]", "<a ", ">", "\\[", "word", "Word", "other", " ", " ", "\n\n", "x" * 300]
    for _ in range(400):
        body = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 60)))
        words, budget_kb = rng.randint(1, 8), rng.choice([1, 2])
        found = " ".join(d.message for d in check_body(body, "f.md", 1,
                                                       load_limits(distinct_words=words, markdown_scan_kb=budget_kb)))
        assert ("different words" in found) == (len(set(body.casefold().split())) > words), body
        assert ("unclosed" in found) == (rereading(body) > budget_kb * 1024), body


class CountingText(str):
    """A body's text that counts the characters its searches read."""
    read = 0

    def find(self, sub, start=0, end=None):
        end = len(self) if end is None else end
        found = str.find(self, sub, start, end)
        CountingText.read += (found + len(sub) if found >= 0 else end) - start
        return found


@pytest.mark.parametrize("hrefs", [
    [f"https://example.org/{i}" for i in range(2000)],  # in order, as written
    ["#fn:1", "#fnref:1"] * 1000,  # made by Markdown, not in the text
    [f"https://example.org/{i}" for i in reversed(range(2000))],  # found behind the previous one
], ids=["in order", "not in the text", "in reverse order"])
def test_locating_a_bodys_links_reads_it_about_once(hrefs):
    """links._Where finds each link's line and column: on from the previous one, and a link not ahead
    looked up once per address, so many links cost a few readings of the body, not one each."""
    from sitegen.links import _Body, _Where
    written = [h for h in dict.fromkeys(hrefs) if h.startswith("https:")]
    text = CountingText("".join(f"see [{i}]({h})\n" for i, h in enumerate(written)) + "text[^1]\n" * 1000)
    where, CountingText.read = _Where(_Body("f.md", text, 10, "documents/f.html")), 0
    located = [where.locate(h) for h in hrefs]
    assert CountingText.read <= 3 * len(text), (CountingText.read, len(text))
    expected = {h: (10 + n, len(f"see [{n}](") + 1) for n, h in enumerate(written)}
    assert all(located[i] == expected.get(h, (10, 1)) for i, h in enumerate(hrefs))


def test_link_errors_in_a_paragraph_of_many_links_are_located(make_site, capsys):
    body = ("".join(f"see [link {i}][r{i}]\n" for i in range(500)) + "and [bad](missing.md)\n\n"
            + hostile.link_definitions(500))
    make_site({DOC: hostile.document(body=body)})
    assert main(["check"]) == 1
    assert f"{DOC}:{BODY + 500}:11: link to a file that is not in the archive: missing.md" in capsys.readouterr().err


def getlink_reading(body: str) -> int:
    """The characters Python-Markdown's own `getLink` reads converting `body` (its loop's turns)."""
    import markdown
    from markdown import inlinepatterns
    from sitegen.markup import EXTENSION_CONFIGS, EXTENSIONS
    turns = [0]

    def counting(*args):
        for value in range(*args):
            turns[0] += 1
            yield value

    converter = markdown.Markdown(extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS)
    for name in ("link", "image_link"):
        pattern = converter.inlinePatterns[name]

        def get_link(data, index, real=pattern.getLink):
            inlinepatterns.range = counting  # the module's `range`, for its loop only, while it runs
            try:
                return real(data, index)
            finally:
                del inlinepatterns.range
        pattern.getLink = get_link
    converter.convert(body)
    return turns[0]


def test_the_reading_counted_for_inline_links_is_never_less_than_markdowns():
    """check_body's count of what `getLink` reads is an upper bound of what it reads, for random
    paragraphs of links, parentheses, quotes, escapes, code spans, autolinks, tags, reference links
    and footnotes; emphasis makes Markdown read the text it wraps once more (at most twice, however
    deep), which the budget leaves room for."""
    import random

    from sitegen.markup import _OPENERS, _link_reading
    rng = random.Random(3)
    pieces = ["[a](", "![i](", "(", ")", ")", '"', "'", "`", "``", "[", "]", "\\)", "\\(", '\\"', "\\\\", "x", " ", " ",
              "[^1]", "[r]", "[b][r]", "<b>", "\n", " )", '" )', "<http://a.b/(x)>", "&amp;", "  \n", "[c](d)",
              '[e](f "g")', "(<h>)", "\n> "]
    for emphasis, times in (([], 1), (["*", "_", "**", "*_"], 2)):
        for _ in range(250):
            paragraph = "".join(rng.choice(pieces + emphasis) for _ in range(rng.randint(1, 100))).strip() or "x"
            counted = sum(_link_reading(paragraph, m.start() + 1)[0] for m in _OPENERS.finditer(paragraph)
                          if m.group() == "]" and paragraph.startswith("(", m.end()))
            assert getlink_reading(paragraph + "\n\n[r]: /r\n[^1]: A note.\n") <= times * counted, paragraph


def test_only_links_with_something_to_report_or_check_are_located(make_site, capsys, monkeypatch):
    """Locating a link reads the body; the footnotes' own `#fn:1`, `#fnref:1` links and external ones
    have nothing to report, and are not looked for."""
    from sitegen import links
    located = []
    real = links._Where.locate
    monkeypatch.setattr(links._Where, "locate", lambda self, written: located.append(written) or real(self, written))
    body = hostile.footnotes(500) + "\n[out](https://example.org/) [in](../chronology.html) [bad](missing.md)\n"
    make_site({DOC: hostile.document(body=body)})
    assert main(["check"]) == 1
    assert f"{DOC}:{BODY + 1002}:60: link to a file that is not in the archive: missing.md" in capsys.readouterr().err
    assert located == ["../chronology.html", "missing.md"]
