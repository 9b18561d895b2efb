"""The plain text and headings of a body, read from the sanitised HTML with one regular expression,
are what `html.parser` reads from it (the reference below), on bodies written to be awkward."""

from html.parser import HTMLParser

import pytest

from sitegen.markup import BLOCKS, render_markdown, text_and_headings


class _Reference(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts, self.headings, self.heading = [], [], None

    def handle_starttag(self, tag, attrs):
        if tag in BLOCKS:
            self.parts.append("\n\n")
        if tag in {"h2", "h3", "h4", "h5", "h6"}:
            self.heading = (int(tag[1]), dict(attrs).get("id", ""), [])

    def handle_endtag(self, tag):
        if self.heading and tag == f"h{self.heading[0]}":
            level, anchor, words = self.heading
            self.headings.append((level, anchor or "", "".join(words).strip()))
            self.heading = None

    def handle_data(self, data):
        self.parts.append(data)
        if self.heading:
            self.heading[2].append(data)


def reference(html: str):
    parser = _Reference()
    parser.feed(html)
    parser.close()
    paragraphs = "".join(parser.parts).split("\n\n")
    return "\n\n".join(" ".join(p.split()) for p in paragraphs if p.strip()), tuple(parser.headings)


BODIES = [
    "## Fish &amp; chips &lt;b&gt; & <b>bold</b> &#x41;&#66; &nbsp;x\n\nText after.",
    'A <abbr title="a > b &quot;quoted&quot;">TLA</abbr> and <a href="https://e.org/?a=1&b=2" title="x>y">link</a>.',
    "### Heading with `code <x>` and *em*\n\n#### Notes\n\n##### Deep [link](doc:x)",
    "| a | b |\n|---|---|\n| 1 &amp; 2 | <br> three |\n\nTerm\n: Definition &copy;\n",
    "Text[^1] more.\n\n[^1]: The note, with <em>markup</em>.\n",
    '<div>raw <span lang="ar" dir="rtl">عربي</span></div>\n\n<h2 id="main">Reserved</h2>\n\n<p>end&hellip;</p>',
    "```\n<script>alert(1)</script> & < >\n```\n\n<script>x()</script><style>p{}</style>",
    "Line one  \nline two\n\n> quoted\n> ## heading in a quote\n\n1. one\n2. two &amp;&amp;",
    '<img src="a.png" alt="a > b"> <img src="b.png" alt=\'single\'/> &unknown; &amp',
    "",
]


@pytest.mark.parametrize("body", BODIES)
def test_text_and_headings_match_html_parser(body):
    html = render_markdown(body).html
    assert text_and_headings(html) == reference(html)
    assert render_markdown(body).text == reference(html)[0]


def test_the_reference_is_not_trivially_empty():
    texts = [reference(render_markdown(body).html) for body in BODIES]
    assert sum(1 for text, headings in texts if headings) >= 3 and all(text for text, _ in texts[:-1])
