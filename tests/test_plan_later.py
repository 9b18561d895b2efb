"""Pages planned when they are rendered (`pages.Later`): the site's listings of many documents (a
term's pages, the chronology, the sources, the taxonomy indexes) are not held in the plan while the
page workers run; each is planned by the worker that renders it, as the plan would have held it."""

from __future__ import annotations

import shutil
from pathlib import Path

from sitegen import urls
from sitegen.build import build
from sitegen.config import load_config
from sitegen.pages import Later, Page, made, plan_chronology, plan_site, plan_sources, plan_taxonomy_index, plan_term
from tests.conftest import ROOT


def _sample(tmp_path: Path) -> Path:
    """The sample archive (two editions), with a base_url (so the sitemap is planned) and two documents
    a page, so its terms have several pages each."""
    root = tmp_path / "site"
    shutil.copytree(ROOT / "content", root / "content")
    config = (ROOT / "sitegen.yaml").read_text(encoding="utf-8").replace("page_size: 50", "page_size: 2")
    config = config.replace("  templates: templates\n  assets: assets\n",
                            f"  templates: {ROOT / 'templates'}\n  assets: {ROOT / 'assets'}\n")
    (root / "sitegen.yaml").write_text(config + "base_url: https://archive.example/\nbuild_date: '2026-01-01'\n",
                                       encoding="utf-8")
    return root


def test_listings_are_planned_when_rendered_as_the_plan_would_hold_them(tmp_path):
    config = load_config(_sample(tmp_path) / "sitegen.yaml", environ={})
    site = build(config, until="render").site
    plan, _ = plan_site(site)
    later = [p for p in plan.pages if isinstance(p, Later)]
    assert {p.template for p in later} == {"term.html", "chronology.html", "sources.html", "taxonomy.html"}
    assert not any(isinstance(p, Page) and p.template in {"term.html", "chronology.html"} for p in plan.pages)
    eager = {}
    for ed in urls.editions(site.config.languages):
        eager |= {p.path: p for p in (plan_chronology(site, ed), plan_sources(site, ed))}
        eager |= {p.path: p for name in site.taxonomies for p in [plan_taxonomy_index(site, name, ed)]}
        eager |= {p.path: p for tax in site.taxonomies.values() for term in tax.terms.values()
                  for p in plan_term(site, term, ed)}
    assert {p.path for p in later} == set(eager)
    assert any("/page-2.html" in path for path in eager)  # a term of several pages
    for page in later:
        now = made(site, page)
        assert now == eager[page.path]
        assert (page.template, page.source) == (now.template, now.source)
        assert [{"lang": lang, "href": href} for lang, href in page.alternates] == now.context["alternates"]


def test_the_sitemap_lists_a_listings_alternates(tmp_path):
    root = _sample(tmp_path)
    out = root / "out"
    build(load_config(root / "sitegen.yaml", environ={}), out=out, jobs=2)
    sitemap = (out / "sitemap.xml").read_text(encoding="utf-8")
    chronology = sitemap.split("<loc>https://archive.example/chronology.html</loc>")[1].split("</url>")[0]
    assert 'hreflang="ar" href="https://archive.example/ar/chronology.html"' in chronology
    term = sitemap.split("<loc>https://archive.example/ar/topics/")[1].split("</url>")[0]
    assert term.count("hreflang=") == 2
