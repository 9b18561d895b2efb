"""Feeds, sitemap and robots.txt: written only with base_url, parsed by a real feed parser, with
absolute addresses, linked from the pages they follow; without base_url the build says so."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import feedparser
import pytest

from sitegen.build import build
from sitegen.cli import main
from sitegen.config import load_config
from tests.conftest import site_config

BASE = "https://archive.example.org/sub/"
HOSTILE = 'Feeds & "quotes" <b>not bold</b> ]]> end'


def translation(title: str = HOSTILE) -> str:
    return (f"---\ntitle: {json.dumps(title)}\ndate: 2019-11\nsource: Wire\nlanguage: en\n"
            "translation_of: arabic-report\nactors: [Wang Yi]\n---\nBody.\n")


@pytest.fixture
def with_base(make_site):
    root = make_site({"content/documents/hostile.md": translation()},
                     config=site_config(extra=f"base_url: {BASE.rstrip('/')}\n"))
    return build(load_config(root / "sitegen.yaml", environ={}), until="render").files


def test_atom_feeds_parse_cleanly_with_absolute_links(with_base):
    feed = feedparser.parse(with_base["feeds/archive.xml"])
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10" and len(feed.entries) == 3
    assert [e.title for e in feed.entries] == ["First report", "تقرير عربي", HOSTILE]  # newest first, text intact
    for entry in feed.entries:
        assert entry.link.startswith(BASE + "documents/") and entry.id == entry.link
        assert entry.updated_parsed is not None
    assert feed.feed.links[0].href == BASE + "feeds/archive.xml"


def test_a_term_feed_lists_exactly_its_documents(with_base):
    feed = feedparser.parse(with_base["feeds/actors/wang-yi.xml"])
    assert not feed.bozo
    assert sorted(e.link.rsplit("/", 1)[1] for e in feed.entries) == ["arabic-report.html", "first-report.html",
                                                                      "hostile.html"]
    feed = feedparser.parse(with_base["feeds/topics/cooperation.xml"])
    assert sorted(e.link.rsplit("/", 1)[1] for e in feed.entries) == ["arabic-report.html", "first-report.html"]


def test_json_feed_follows_the_json_feed_1_1_shape(with_base):
    feed = json.loads(with_base["feeds/archive.json"])
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["title"] and feed["feed_url"] == BASE + "feeds/archive.json" and \
        feed["home_page_url"] == BASE + "index.html"
    titles = [item["title"] for item in feed["items"]]
    assert HOSTILE in titles and len(titles) == 3
    for item in feed["items"]:
        assert item["id"] and item["url"].startswith(BASE) and (item.get("content_text") or item.get("content_html"))
        assert re.match(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$", item["date_published"])


def test_a_partial_date_is_dated_by_its_first_day_and_stated_as_known(with_base):
    entry = next(e for e in feedparser.parse(with_base["feeds/archive.xml"]).entries if e.title == HOSTILE)
    assert entry.updated.startswith("2019-11-01") and entry.summary.startswith("November 2019 ·")


def test_pages_link_the_feeds_they_follow(with_base):
    home = with_base["index.html"].decode()
    assert '<link rel="alternate" type="application/atom+xml" href="feeds/archive.xml"' in home
    assert '<link rel="alternate" type="application/feed+json" href="feeds/archive.json"' in home
    actor = with_base["actors/wang-yi.html"].decode()
    assert 'href="../feeds/actors/wang-yi.xml"' in actor and 'href="../feeds/actors/wang-yi.json"' in actor
    for href in re.findall(r'<link rel="alternate" type="application/(?:atom\+xml|feed\+json)" href="([^"]+)"', actor):
        assert "feeds/" + href.split("feeds/", 1)[1] in with_base


def test_sitemap_lists_every_page_with_hreflang_alternates_for_translations(with_base):
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    root = ET.fromstring(with_base["sitemap.xml"])
    locs = {u.find("s:loc", ns).text: u for u in root.findall("s:url", ns)}
    assert set(locs) == {BASE + p for p in with_base if p.endswith(".html")}
    alternates = {a.get("hreflang"): a.get("href") for a in locs[BASE + "documents/hostile.html"].findall("x:link", ns)}
    assert alternates == {"en": BASE + "documents/hostile.html", "ar": BASE + "documents/arabic-report.html"}
    assert not locs[BASE + "index.html"].findall("x:link", ns)
    assert with_base["robots.txt"].decode().splitlines()[-1] == f"Sitemap: {BASE}sitemap.xml"


def test_without_base_url_no_feed_or_sitemap_and_the_summary_says_so(make_site, capsys):
    make_site({"content/documents/hostile.md": translation()})
    assert main(["build"]) == 0
    out = capsys.readouterr().out
    assert ("not written: feeds, sitemap.xml, robots.txt (they need absolute addresses: set base_url in sitegen.yaml)"
            in out)
    build_dir = Path("build")  # make_site made the site folder the working directory
    assert not (build_dir / "feeds").exists() and not (build_dir / "sitemap.xml").exists()
    assert 'application/atom+xml' not in (build_dir / "index.html").read_text(encoding="utf-8")


def test_a_bad_base_url_is_a_config_error_at_its_line(make_site, capsys):
    make_site(config=site_config(extra="base_url: archive.example.org\n"))
    assert main(["build"]) == 1
    assert re.search(r"sitegen.yaml:\d+:\d+: `base_url` must be an http\(s\) address", capsys.readouterr().err)


def test_the_sitemap_links_each_page_to_its_other_editions(make_site):
    root = make_site(config=site_config(extra=f"base_url: {BASE}\n").replace("language: en\n", "languages: [en, ar]\n"))
    files = build(load_config(root / "sitegen.yaml", environ={}), until="render").files
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    locs = {u.find("s:loc", ns).text: u for u in ET.fromstring(files["sitemap.xml"]).findall("s:url", ns)}
    for path in ("index.html", "actors/wang-yi.html", "data/index.html"):
        for loc in (BASE + path, BASE + "ar/" + path):
            alternates = {a.get("hreflang"): a.get("href") for a in locs[loc].findall("x:link", ns)}
            assert alternates == {"en": BASE + path, "ar": BASE + "ar/" + path}, loc
    assert 'href="../feeds/archive.xml"' in files["ar/index.html"].decode()  # one feed, linked from both editions
