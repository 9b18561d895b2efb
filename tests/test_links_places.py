"""What the early stages let go of: the Markdown source of the bodies linking will not look into
(`links.places_links`), and each window's bytes once it is validated (`inputs.validate_sources`)."""

from sitegen import inputs
from sitegen.cache import NO_MEMO
from sitegen.config import load_config
from sitegen.links import places_links
from sitegen.markup import render_markdown
from tests.conftest import document, write_site


def _places(markdown: str) -> bool:
    return places_links(render_markdown(markdown))


def test_a_body_without_links_or_with_external_ones_needs_no_source():
    assert not _places("Plain text, *emphasis*.")
    assert not _places("See [a site](https://example.org/x), [mail](mailto:a@example.org), [proto](//cdn.example/x).")


def test_a_body_with_a_link_to_place_needs_its_source():
    for markdown in ("See [the other](doc:other).", "See [it](other.md).", "See [above](#top).",
                     "See [a page](../actors/x.html).", "![scan](scan.png)", "See [it](/abs.html)."):
        assert _places(markdown), markdown


def test_sources_are_validated_in_windows_each_letting_its_bytes_go(tmp_path, monkeypatch):
    root = write_site(tmp_path / "site", {f"content/documents/d{n}.md": document(f"Document {n}", f"Body {n}.\n")
                                          for n in range(7)} | {"content/documents/bad.md": "---\ntitle: [\n---\n"})
    config = load_config(root / "sitegen.yaml", environ={})
    whole = inputs.validate_sources(inputs.read_sources(config)[0], NO_MEMO, 1)
    monkeypatch.setattr(inputs, "VALIDATED_AT_ONCE", 3)
    found = inputs.read_sources(config)[0]
    assert all(source.data for _, source in found)
    assert inputs.validate_sources(found, NO_MEMO, 1) == whole
    assert {r.title for r in whole[0]} >= {f"Document {n}" for n in range(7)} and whole[2]  # the bad file's problem too
    assert not any(source.data for _, source in found)
