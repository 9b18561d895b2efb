"""Each page's own description, OpenGraph and Twitter tags, and its canonical address: the values are
the page's own, escaped like every value, and the address appears only when base_url is known."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

from sitegen.build import build
from sitegen.config import load_config
from tests.conftest import document, site_config

HOSTILE = """He said "stop" & 'go' <script>alert(1)</script> {{ 7 * 7 }} {% if x %}"""


class Head(HTMLParser):
    """The <meta> and <link rel=canonical> of a page: (name or property) -> content, and the canonical href."""

    def __init__(self, page: str):
        super().__init__()
        self.meta: dict[str, str] = {}
        self.canonical: list[str] = []
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "meta" and ("name" in a or "property" in a):
            self.meta[a.get("name") or a["property"]] = a["content"]
        elif tag == "link" and a.get("rel") == "canonical":
            self.canonical.append(a["href"])


def site_with(make_site, base_url: str = "https://archive.example.org/sub/") -> Path:
    extra = ("description: The site's own description.\nlanguages: [en, ar]\n"
             + (f"base_url: {base_url}\n" if base_url else ""))
    root = make_site({
        "content/documents/hostile.md": document("Hostile <b>title</b>", date="2021-01-01", summary=HOSTILE),
        "content/documents/no-summary.md": document("Plain", "# Heading\n\nThe first words of the body, "
                                                    + "and more words " * 30 + "\n", date="2021-01-02"),
    }, config=site_config(extra=extra))
    build(load_config(root / "sitegen.yaml", environ={}), out=root / "build")
    return root / "build"


def head(out: Path, rel: str) -> Head:
    return Head((out / rel).read_text(encoding="utf-8"))


def test_a_document_describes_itself_with_its_summary_escaped(make_site):
    out = site_with(make_site)
    page = (out / "documents/hostile.html").read_text(encoding="utf-8")
    tags = Head(page)
    assert tags.meta["description"] == tags.meta["og:description"] == tags.meta["twitter:description"] == HOSTILE
    assert tags.meta["og:title"] == tags.meta["twitter:title"] == "Hostile <b>title</b>"
    assert tags.meta["og:type"] == "article" and tags.meta["og:site_name"] == "Test archive"
    assert tags.meta["og:locale"] == "en" and tags.meta["twitter:card"] == "summary"
    assert tags.meta["og:url"] == "https://archive.example.org/sub/documents/hostile.html"
    assert tags.canonical == ["https://archive.example.org/sub/documents/hostile.html"]
    assert "<script>alert" not in page and "49" not in page.split("</head>")[0]
    assert 'content="He said &#34;stop&#34; &amp; &#39;go&#39; &lt;script&gt;' in page


def test_without_a_summary_the_start_of_the_text_cut_at_a_word(make_site):
    tags = head(site_with(make_site), "documents/no-summary.html")
    description = tags.meta["description"]
    assert description.startswith("Heading The first words of the body, and more words")
    assert description.endswith("…") and len(description) <= 201 and not description[:-1].endswith(" ")


def test_terms_and_listings_describe_themselves(make_site):
    out = site_with(make_site)
    assert head(out, "actors/wang-yi.html").meta["description"] == "Chinese foreign minister."
    assert head(out, "actors/wang-yi.html").meta["og:type"] == "website"
    assert head(out, "chronology.html").meta["description"] == "The site's own description."
    arabic = head(out, "ar/chronology.html")
    assert arabic.meta["og:locale"] == "ar" and arabic.canonical == ["https://archive.example.org/sub/ar/chronology.html"]


def test_no_address_without_base_url(make_site):
    out = site_with(make_site, base_url="")
    tags = head(out, "documents/hostile.html")
    assert tags.canonical == [] and "og:url" not in tags.meta and tags.meta["description"] == HOSTILE


def test_workers_describe_a_page_from_its_text_as_one_process_does(make_site):
    """With workers, the bodies are spilled out of the site (render.SpilledHTML): the text comes back with the HTML."""
    out = site_with(make_site)
    config = load_config(out.parent / "sitegen.yaml", environ={})
    build(config, out=out.parent / "workers", jobs=2)
    for rel in ("documents/no-summary.html", "documents/hostile.html"):
        assert (out.parent / "workers" / rel).read_bytes() == (out / rel).read_bytes()
