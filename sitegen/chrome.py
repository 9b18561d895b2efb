"""What every page has beside its own content: the edition it belongs to, the base context (menus,
language switch, hreflang alternates), listing items, and the `lang`/`dir` of texts of undeclared
language. Part of the template contract documented in `pages`; must not plan pages or render.
"""

from __future__ import annotations

import functools
from typing import Any

from markupsafe import Markup

from sitegen import l10n, urls
from sitegen.dates import ArchivalDate
from sitegen.errors import Diagnostic
from sitegen.model import Document, Site, Term
from sitegen.schema import DOCUMENT_FIELDS, text_direction
from sitegen.ui import STRINGS, language_name, text_language, ui_language


def missing_strings(site: Site) -> list[Diagnostic]:
    return [Diagnostic(site.config.path, 1, 1, f"no interface strings for the `{lang}` edition",
                       f"add a `{lang}` table to STRINGS in sitegen/ui.py, or drop `{lang}` from `languages`")
            for lang in site.config.languages if ui_language(lang) != lang.split("-")[0]]


def edition_of(site: Site, lang: str) -> urls.Edition:
    """The edition whose chrome a page in `lang` uses: its own, else the default one."""
    eds = urls.editions(site.config.languages)
    return next((ed for ed in eds if ed.lang == lang), next((ed for ed in eds if ed.lang == ui_language(lang)), eds[0]))


SETTINGS = frozenset({"site", "meta", "marks", "title"})  # the keys of a page's context that may hold what the
# config keys only rendering reads say (`config.Key.rendered`: the site's title, description, `extra` and the
# labels of documents' extra fields): a template reading none of them makes the same bytes whatever they say


def base(site: Site, ed: urls.Edition, path: str, lang: str, title: str, section: str,
          switch: dict[str, str] | None = None) -> dict[str, Any]:
    """The keys every page has. `switch`: language -> the page to offer in it (default: this page in
    each edition); the ones that are the same page in another language become `alternates`."""
    ui_lang = ui_language(lang)
    ui = STRINGS[ui_lang]
    nav = [("home", urls.HOME), ("chronology", urls.CHRONOLOGY)]
    nav_items = [{"label": ui[key], "href": ed.path(href), "current": key == section} for key, href in nav]
    for tax in site.taxonomies.values():
        nav_items.append({"label": tax.config.title_in(ui_lang),
                          "href": ed.path(urls.taxonomy_index(tax.config.name)), "current": section == tax.config.name})
    nav_items.append({"label": ui["sources"], "href": ed.path(urls.SOURCES), "current": section == "sources"})
    nav_items.append({"label": ui["search"], "href": ed.path(urls.SEARCH), "current": section == "search"})
    config = site.config
    eds = urls.editions(config.languages)
    same = switch if switch is not None else {e.lang: e.path(path[len(ed.prefix):]) for e in eds}
    offered = {e.lang: same.get(e.lang, e.path(urls.HOME)) for e in eds} | same
    site_title, title_lang = config.title_in(ui_lang)
    description, description_lang = config.description_in(ui_lang)
    return {
        "site": {"title": site_title, "title_lang": title_lang, "description": description,
                 "description_lang": description_lang, "language": config.language,
                 "build_date": config.build_date, "extra": config.extra, "base_url": config.base_url,
                 "theme": theme_chrome(site, ed, ui_lang)},
        "page_path": path, "lang": lang, "dir": text_direction(lang), "ui": ui, "ui_lang": ui_lang,
        "nav": nav_items, "title": title, "search_href": ed.path(urls.SEARCH), "home_href": ed.path(urls.HOME),
        "section": section, "data_href": ed.path(urls.DATA), "feeds": [],
        "languages": [{"lang": code, "dir": text_direction(code), "href": href,
                       "name": language_name(code, ui_language(code))}  # each in its own words
                      for code, href in sorted(offered.items()) if href != path],
        "alternates": alternate_links(same),
        "meta": page_meta(site, path, lang, description),
    }


def theme_chrome(site: Site, ed: urls.Edition, ui_lang: str) -> dict[str, Any]:
    """What `theme:` in the config and the about pages add to every page of edition `ed`; the about
    link of an edition without its own about page leads to the first edition's."""
    theme, first = site.config.theme, site.config.language
    about = ed.path(urls.ABOUT) if ed.lang in site.about else urls.ABOUT if first in site.about else ""
    footer = _in_language(theme.footer_text, ui_lang, first)
    return {"logo": urls.theme_image("logo", theme.logo.suffix) if theme.logo else "",
            "favicon": urls.theme_image("favicon", theme.favicon.suffix) if theme.favicon else "",
            "accent": theme.accent, "about_href": about, "footer_text": footer and text(*footer),
            "footer_links": [{"label": text(*_in_language(link.label, ui_lang, first)), "href": link.url,
                              "internal": link.internal}
                             for link in theme.footer_links]}


def _in_language(texts: dict[str, str], lang: str, first: str) -> tuple[str, str] | None:
    """A text of a per-language setting ("" the key of one for every language) for a page in `lang`,
    with the languages to try marking it in; None when there is none."""
    for code in (lang, "", first):
        if code in texts:
            return texts[code], code or lang
    return next(((value, code) for code, value in sorted(texts.items())), None)


DESCRIPTION_CHARS = 200  # about what search engines show of a description


def page_meta(site: Site, path: str, lang: str, description: str, kind: str = "website", noindex: bool = False
              ) -> dict[str, Any]:
    """What a page says of itself to search engines and link previews (`<meta name="description">`,
    OpenGraph, Twitter): its own description (whitespace collapsed, cut at a word near DESCRIPTION_CHARS),
    else the site's; `kind` is OpenGraph's type (`article` for a document); the absolute address
    (`url`, also the canonical link) only when base_url is set; `noindex` asks search engines to leave
    the page out (a document previewed with --drafts, should the preview be put online)."""
    own = " ".join(description[:4 * DESCRIPTION_CHARS].split())  # a body may be long: only its start can show
    if len(own) > DESCRIPTION_CHARS:
        own = own[:DESCRIPTION_CHARS].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    return {"description": own or site.config.description_in(ui_language(lang))[0], "type": kind,
            "locale": lang.replace("-", "_"), "url": urls.absolute(site.config.base_url, path), "noindex": noindex}


def alternate_links(same: dict[str, str]) -> list[dict[str, str]]:
    """`hreflang` links: the same page in each language (none when it exists in one only)."""
    return [{"lang": code, "href": href} for code, href in sorted(same.items())] if len(same) > 1 else []


def text(value: str, *prefer: str) -> dict[str, str]:
    """A text of undeclared language, marked with the first of `prefer` written in its script."""
    lang = text_language(value, prefer)
    return {"text": value, "lang": lang, "dir": text_direction(lang) if lang else "auto"}


def doc_item(doc: Document, ui_lang: str, digits: str = "latin") -> dict[str, Any]:
    """A document as listings show it. A document appears in a dozen listings per edition, so the item
    is made once for each set of the values it shows (templates only read it; callers copy to add)."""
    return _doc_item(doc.id, doc.folder, doc.title, doc.language, doc.dir, doc.date, doc.source, doc.summary, ui_lang,
                     digits)


@functools.lru_cache(maxsize=1 << 18)
def _doc_item(doc_id: str, folder: str, title: str, language: str, dir_: str, date: ArchivalDate, source: str,
              summary: str, ui_lang: str, digits: str) -> dict[str, Any]:
    return {"href": urls.document(doc_id, folder=folder), "title": title, "lang": language, "dir": dir_,
            "date": l10n.date_text(date, ui_lang, digits), "date_iso": date.iso,
            "date_note": l10n.date_note(date, ui_lang), "source": text(source, language, ui_lang), "summary": summary,
            "language": language_name(language, ui_lang)}


def term_item(term: Term, ed: urls.Edition, count: int) -> dict[str, Any]:
    name, name_lang = term.name(ed.lang)
    name_lang = name_lang or ed.lang
    return {"href": ed.path(urls.term(term.taxonomy, term.id, folder=term.folder)), "name": name, "lang": name_lang,
            "dir": text_direction(name_lang), "count": count, "kind": term.kind}


def marks(site: Site, doc: Document, ui_lang: str) -> dict[str, Any]:
    mine = (doc.language, *site.config.languages)
    shown = {name: text(getattr(doc, name), *mine) if spec.kind == "text"
             else [text(a, *mine) for a in getattr(doc, name)]
             for name, spec in DOCUMENT_FIELDS.items() if spec.page and spec.kind in ("text", "texts")}
    return {**shown, "notes": text(doc.notes, site.config.language, *mine),
            "extra": [_extra(site, str(k), v, ui_lang, mine)
                      for k, v in sorted(doc.extra.items(), key=lambda kv: str(kv[0]))]}


def _extra(site: Site, key: str, value: Any, ui_lang: str, prefer: tuple[str, ...]) -> dict[str, Any]:
    label, label_lang = site.config.extra_label(key, ui_lang)
    return {"label": label, "label_lang": label_lang, "label_dir": text_direction(label_lang) if label_lang else "auto",
            "value": text(plain(value), *prefer)}


def term_description(site: Site, term: Term, ed: urls.Edition) -> tuple[Markup, str]:
    """The term's description for `ed`: its `description` in that language, else the body (written in
    the site's first language, its links moved to this edition's folder depth), else any other."""
    if ed.lang in term.descriptions:
        return Markup("<p>%s</p>") % term.descriptions[ed.lang], ed.lang
    if term.description and term.description.text:
        return Markup(urls.rebase(term.description.html, ed.prefix.count("/"))), site.config.language
    for lang, value in sorted(term.descriptions.items()):
        return Markup("<p>%s</p>") % value, lang
    return Markup(""), ed.lang


def plain(value: Any) -> str:
    """A free-form `extra` value as one line of text."""
    if isinstance(value, (list, tuple)):
        return ", ".join(plain(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {plain(v)}" for k, v in sorted(value.items(), key=lambda kv: str(kv[0])))
    return str(value)
