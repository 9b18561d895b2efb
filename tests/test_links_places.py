"""What the early stages let go of: the Markdown source of the bodies linking will not look into
(`links.places_links`), and each window's bytes once it is validated (`inputs.validate_sources`)."""

import pytest

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


def _linked(i: int) -> str:
    body = f"Body *{i}*, [a site](https://example.org/{i}).\n"
    body += f"See [the one before](doc-{i - 1:03d}.md).\n" if i % 5 else ""
    return document(f"Report {i}", body, date=f"2020-{i % 12 + 1:02d}", actors=["Wang Yi"], topics=["cooperation"])


def test_past_beside_the_memo_keeps_the_records_whole_and_every_build_writes_the_same(tmp_path, monkeypatch):
    """Past BESIDE the memo writes the records before the model stage drops their sources: a build
    from those records (a new output folder, the same cache) writes what a build without the cache
    does, and a broken link is still placed at its line and column."""
    from sitegen import build as build_module
    from sitegen.build import build
    from sitegen.cache import open_cache
    from sitegen.errors import BuildFailed
    files = {f"content/documents/doc-{i:03d}.md": _linked(i) for i in range(140)}
    files["content/documents/doc-000.md"] += "\nSee [x](doc-999.md).\n"
    root = write_site(tmp_path / "site", files)
    config = load_config(root / "sitegen.yaml", environ={})
    with pytest.raises(BuildFailed) as failed:
        build(config, out=tmp_path / "none", jobs=2)
    assert [(d.path.split("/")[-1], d.line, d.col) for d in failed.value.diagnostics if "doc-999" in d.message] == \
        [("doc-000.md", 11, 9)]
    (root / "content/documents/doc-000.md").write_text(_linked(0), encoding="utf-8")
    plain = build(config, out=tmp_path / "plain", jobs=1)
    monkeypatch.setattr(build_module, "BESIDE", 0)
    monkeypatch.setattr(inputs, "VALIDATED_AT_ONCE", 50)
    for out in ("cold", "from-the-memo"):
        memo = open_cache(config.root)
        try:
            build(config, out=tmp_path / out, jobs=2, memo=memo)
        finally:
            memo.close()
    trees = [{p.relative_to(tmp_path / n): p.read_bytes() for p in (tmp_path / n).rglob("*") if p.is_file()}
             for n in ("plain", "cold", "from-the-memo")]
    assert trees[0] == trees[1] == trees[2] and plain.counts["documents"] == 142
