"""`links.places_links`: which converted bodies still need their Markdown source for linking (the
build drops it from the others' records), and the link diagnostics of a build that dropped some."""

from sitegen.links import places_links
from sitegen.markup import render_markdown


def _places(markdown: str) -> bool:
    return places_links(render_markdown(markdown))


def test_a_body_without_links_or_with_external_ones_needs_no_source():
    assert not _places("Plain text, *emphasis*.")
    assert not _places("See [a site](https://example.org/x), [mail](mailto:a@example.org), [proto](//cdn.example/x).")


def test_a_body_with_a_link_to_place_needs_its_source():
    for markdown in ("See [the other](doc:other).", "See [it](other.md).", "See [above](#top).",
                     "See [a page](../actors/x.html).", "![scan](scan.png)", "See [it](/abs.html)."):
        assert _places(markdown), markdown
