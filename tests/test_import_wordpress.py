"""The WordPress reader (`sitegen.import_wordpress`): a WXR export, written here, read into a Batch.

Covers the mapping of every field the importer promises, WordPress's HTML (paragraphs without <p>,
shortcodes, captions, galleries) to Markdown, media from `--media`, and hostile exports (entity
bombs, external entities, malformed XML, a post_name with `..`, script in the HTML).
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from sitegen import import_wordpress
from sitegen.import_wordpress import Options, read_wordpress
from sitegen.wphtml import autop

NS = ('xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '
      'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
      'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/"')
SITE = "https://news.example.org"


def item(post_id: int, title: str, body: str = "", *, post_type: str = "post", status: str = "publish",
         name: str = "", date: str = "2021-10-08 09:30:00", gmt: str | None = None, creator: str = "amina",
         link: str | None = None, categories: str = "", excerpt: str = "", extra: str = "", parent: int = 0,
         password: str = "") -> str:
    link = link if link is not None else f"{SITE}/{date[:10].replace('-', '/')}/{name}/"
    gmt = date if gmt is None else gmt
    return f"""
<item>
  <title><![CDATA[{title}]]></title>
  <link>{link}</link>
  <dc:creator><![CDATA[{creator}]]></dc:creator>
  <guid isPermaLink="false">{SITE}/?p={post_id}</guid>
  <content:encoded><![CDATA[{body}]]></content:encoded>
  <excerpt:encoded><![CDATA[{excerpt}]]></excerpt:encoded>
  <wp:post_id>{post_id}</wp:post_id>
  <wp:post_date><![CDATA[{date}]]></wp:post_date>
  <wp:post_date_gmt><![CDATA[{gmt}]]></wp:post_date_gmt>
  <wp:post_name><![CDATA[{name}]]></wp:post_name>
  <wp:status><![CDATA[{status}]]></wp:status>
  <wp:post_parent>{parent}</wp:post_parent>
  <wp:post_type><![CDATA[{post_type}]]></wp:post_type>
  <wp:post_password><![CDATA[{password}]]></wp:post_password>
  {categories}
  {extra}
</item>"""


def export(*items: str, language: str = "ar", head: str = "") -> str:
    return f"""<?xml version="1.0" encoding="UTF-8" ?>
{head}<rss version="2.0" {NS}>
<channel>
  <title>Gulf Observer</title>
  <link>{SITE}</link>
  <language>{language}</language>
  <wp:wxr_version>1.2</wp:wxr_version>
  <wp:base_blog_url>{SITE}</wp:base_blog_url>
  <wp:author><wp:author_login><![CDATA[amina]]></wp:author_login>
    <wp:author_display_name><![CDATA[أمينة الراشد]]></wp:author_display_name></wp:author>
  <wp:author><wp:author_login>john</wp:author_login>
    <wp:author_display_name><![CDATA[John Smith]]></wp:author_display_name></wp:author>
  <wp:category><wp:term_id>3</wp:term_id><wp:category_nicename>%d8%a7%d9%84%d8%a5%d8%b1%d9%87%d8%a7%d8%a8</wp:category_nicename>
    <wp:category_parent></wp:category_parent><wp:cat_name><![CDATA[الإرهاب]]></wp:cat_name>
    <wp:category_description><![CDATA[مقالات عن <b>الإرهاب</b>]]></wp:category_description></wp:category>
  <wp:category><wp:term_id>4</wp:term_id><wp:category_nicename>diplomacy</wp:category_nicename>
    <wp:cat_name><![CDATA[Diplomacy]]></wp:cat_name></wp:category>
  <wp:category><wp:term_id>5</wp:term_id><wp:category_nicename>unused</wp:category_nicename>
    <wp:cat_name><![CDATA[Unused]]></wp:cat_name></wp:category>
  <wp:tag><wp:term_id>6</wp:term_id><wp:tag_slug>china</wp:tag_slug><wp:tag_name><![CDATA[China]]></wp:tag_name>
    <wp:tag_description><![CDATA[The People's Republic]]></wp:tag_description></wp:tag>
  {''.join(items)}
</channel>
</rss>
"""


ARABIC_BODY = """<p dir="rtl">دعا وزير الخارجية إلى <strong>تعزيز</strong> التعاون <a href="https://example.org/a_(b)">الدولي</a>.</p>
فقرة ثانية بلا وسم
وسطر جديد

[caption id="attachment_10" align="aligncenter" width="300"]<img src="https://news.example.org/wp-content/uploads/2021/10/scan.jpg" alt="صورة" /> الوزير في المؤتمر[/caption]

<table><tr><th>البلد</th><th>العدد</th></tr><tr><td>الصين</td><td>3 | 4</td></tr></table>

[gallery ids="10,11"]

[contact-form-7 id="5"]"""  # noqa: E501 - the post as WordPress exports it

ENGLISH_BODY = """First paragraph with *stars* and under_scores.

Second line one
line two

[embed]https://www.youtube.com/watch?v=abc123[/embed]

[youtube=https://www.youtube.com/watch?v=xyz]

[audio mp3="https://news.example.org/wp-content/uploads/2021/10/talk.mp3"][/audio]"""

ATTACHMENTS = (
    item(10, "Scan", post_type="attachment", status="inherit", name="scan", parent=1,
         extra="<wp:attachment_url>https://news.example.org/wp-content/uploads/2021/10/scan.jpg</wp:attachment_url>"
               "<wp:postmeta><wp:meta_key>_wp_attachment_image_alt</wp:meta_key><wp:meta_value>مسح</wp:meta_value></wp:postmeta>")
    + item(11, "Map", post_type="attachment", status="inherit", name="map", parent=0,
           extra="<wp:attachment_url>https://news.example.org/wp-content/uploads/2021/11/map.png</wp:attachment_url>")
)


def sample() -> str:
    return export(
        item(1, "وانغ يي يدعو لتعزيز التعاون", ARABIC_BODY, name="%d9%88%d8%a7%d9%86%d8%ba",
             categories='<category domain="category" nicename="%d8%a7%d9%84%d8%a5%d8%b1%d9%87%d8%a7%d8%a8">'
                        '<![CDATA[الإرهاب]]></category>'
                        '<category domain="post_tag" nicename="china"><![CDATA[China]]></category>'
                        '<category domain="post_format" nicename="post-format-image"><![CDATA[Image]]></category>',
             excerpt="<p>ملخص <em>قصير</em></p>"),
        item(2, "China calls for joint efforts", ENGLISH_BODY, name="china-calls", creator="john",
             date="2021-12-23 22:15:00", gmt="2021-12-24 03:15:00",
             categories='<category domain="category" nicename="diplomacy"><![CDATA[Diplomacy]]></category>'
                        '<category domain="language" nicename="en"><![CDATA[English]]></category>'
                        '<category domain="region" nicename="asia"><![CDATA[Asia]]></category>'),
        item(3, "مسودة", "نص لم ينشر", status="draft", name="", gmt="0000-00-00 00:00:00", link=f"{SITE}/?p=3"),
        item(4, "About us", "We are a newsroom.", post_type="page", name="about", link=f"{SITE}/about/"),
        item(5, "Scheduled", "Later.", status="future", name="scheduled", date="2031-01-15 08:00:00"),
        item(6, "Binned", "Gone.", status="trash", name="binned"),
        item(7, "Menu", post_type="nav_menu_item", name="7"),
        item(8, "Old", "Plain permalink.", name="old-plain", link=f"{SITE}/?p=8", date="2019-03-02 23:00:00",
             gmt="2019-03-03 03:00:00"),
        item(12, "Contact", "Write to us.", post_type="page", name="contact", link=f"{SITE}/?page_id=12"),
        item(9, "Secret", "For members.", name="secret", password="hunter2"),
        item(13, "Featured", "Text.", name="featured", extra="<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key>"
             "<wp:meta_value>11</wp:meta_value></wp:postmeta><wp:comment><wp:comment_id>1</wp:comment_id>"
             "<wp:comment_content><![CDATA[Nice]]></wp:comment_content></wp:comment>"),
        ATTACHMENTS)


@pytest.fixture(autouse=True)
def scheduling(monkeypatch):
    """The `draft` and `embargo` fields, whether or not this sitegen has them yet (they come with the
    drafts work): the reader only asks whether the schema knows them."""
    monkeypatch.setattr(import_wordpress, "DOCUMENT_FIELDS", {**import_wordpress.DOCUMENT_FIELDS,
                                                             "draft": None, "embargo": None})


@pytest.fixture
def wxr(tmp_path: Path) -> Path:
    path = tmp_path / "export.xml"
    path.write_text(sample(), encoding="utf-8")
    return path


def by_key(batch, post_id: int):
    return next(d for d in batch.documents if d.key == f"{SITE}/?p={post_id}")


def test_posts_and_pages_become_documents_and_the_rest_is_counted(wxr):
    batch = read_wordpress(wxr)
    assert batch.problems == []
    assert sorted(d.key.rsplit("=", 1)[1] for d in batch.documents) == ["1", "12", "13", "2", "3", "4", "5", "8", "9"]
    kept = [k.what for k in batch.kept]
    assert "left out 1 `nav_menu_item` items (not posts or pages)" in kept
    assert "left out 1 posts in the `trash` status (trash, auto-drafts)" in kept
    assert "left out 1 comments (an archive keeps the documents, not the discussion)" in kept
    assert batch.source == "wordpress export.xml"


def test_fields_of_an_arabic_post(wxr):
    doc = by_key(read_wordpress(wxr), 1)
    assert doc.fields["title"] == "وانغ يي يدعو لتعزيز التعاون"
    assert doc.fields["date"] == "2021-10-08"
    assert doc.fields["extra"] == {"time": "09:30:00 UTC"}
    assert doc.fields["source"] == "Gulf Observer"
    assert doc.fields["language"] == "ar"  # the export's <language>
    assert doc.fields["authors"] == ["أمينة الراشد"]
    assert doc.fields["summary"] == "ملخص قصير"
    assert doc.fields["url"] == f"{SITE}/2021/10/08/%d9%88%d8%a7%d9%86%d8%ba/"
    assert doc.fields["redirects"] == ["2021/10/08/وانغ/"]
    assert doc.terms == {"topics": ["الإرهاب", "China"], "actors": ["أمينة الراشد"]}
    assert doc.slug == ""  # an Arabic post_name is no portable id: the core makes one
    assert doc.origin.startswith(str(wxr)) or doc.origin.endswith(":" + str(sample().splitlines().index("<item>") + 1))
    assert "draft" not in doc.fields and "embargo" not in doc.fields


def test_gmt_date_wins_and_local_time_is_not_called_utc(wxr, tmp_path):
    doc = by_key(read_wordpress(wxr), 2)
    assert (doc.fields["date"], doc.fields["extra"]["time"]) == ("2021-12-24", "03:15:00 UTC")
    draft = by_key(read_wordpress(wxr), 3)  # a draft's GMT date is all zeros: the local one is used
    assert (draft.fields["date"], draft.fields["extra"]["time"]) == ("2021-10-08", "09:30:00")


def test_without_wordpress_dates_the_rss_pubdate_is_used_and_without_any_the_post_is_left_out(tmp_path):
    text = export(item(1, "Dated", "x", name="a", date="", gmt="",
                       extra="<pubDate>Thu, 05 Jan 2012 23:30:46 -0500</pubDate>"),
                  item(2, "Undated", "x", name="b", date="", gmt=""))
    batch = read_wordpress(write(tmp_path, text))
    assert [(d.fields["date"], d.fields["extra"]["time"]) for d in batch.documents] == [("2012-01-06", "04:30:46 UTC")]
    assert any("left out: no date" in k.what for k in batch.kept)


def test_language_from_a_language_taxonomy_then_the_option_then_the_export(wxr):
    assert by_key(read_wordpress(wxr), 2).fields["language"] == "en"  # Polylang's `language` domain
    assert by_key(read_wordpress(wxr, Options(language="fr")), 1).fields["language"] == "fr"
    path = wxr.with_name("us.xml")
    path.write_text(export(item(1, "T", "b", name="t"), language="en-US"))
    assert read_wordpress(path).documents[0].fields["language"] == "en-US"
    assert read_wordpress(path, Options(editions=("en", "ar"))).documents[0].fields["language"] == "en"
    wpml = ("<wp:postmeta><wp:meta_key>_wpml_import_language_code</wp:meta_key><wp:meta_value>fr</wp:meta_value>"
            "</wp:postmeta>")
    path.write_text(export(item(1, "T", "b", name="t", extra=wpml), language="en-US"))
    # WPML Export and Import
    assert read_wordpress(path, Options(language="de")).documents[0].fields["language"] == "fr"


def test_statuses(wxr):
    batch = read_wordpress(wxr)
    draft, scheduled, secret = by_key(batch, 3), by_key(batch, 5), by_key(batch, 9)
    assert draft.fields["draft"] is True and "url" not in draft.fields and "redirects" not in draft.fields
    assert scheduled.fields["embargo"] == "2031-01-15" and "draft" not in scheduled.fields
    assert secret.fields["draft"] is True
    assert any(k.origin == secret.origin and "password-protected" in k.what for k in batch.kept)
    assert by_key(batch, 2).fields.get("draft") is None


def test_without_draft_and_embargo_fields_drafts_are_left_out_not_published(wxr, monkeypatch):
    fields = {k: v for k, v in import_wordpress.DOCUMENT_FIELDS.items() if k not in ("draft", "embargo")}
    monkeypatch.setattr(import_wordpress, "DOCUMENT_FIELDS", fields)
    batch = read_wordpress(wxr)
    assert sorted(d.key.rsplit("=", 1)[1] for d in batch.documents) == ["1", "12", "13", "2", "4", "8"]
    kept = [k.what for k in batch.kept]
    assert "left out 2 posts that need the `draft` field, which this sitegen lacks" in kept
    assert "left out 1 posts that need the `embargo` field, which this sitegen lacks" in kept


def test_redirects_drop_the_host_and_a_query_address_gets_the_date_permalink(wxr):
    batch = read_wordpress(wxr)
    assert by_key(batch, 4).fields["redirects"] == ["about/"]
    old = by_key(batch, 8)
    assert old.fields["redirects"] == ["2019/03/02/old-plain/"]  # WordPress's permalinks use the local date
    assert old.fields["date"] == "2019-03-03"
    assert by_key(batch, 12).fields["redirects"] == ["contact/"]
    assert "url" not in old.fields
    assert any(k.origin == old.origin and "?p=8" in k.what for k in batch.kept)


def test_a_blog_under_a_folder_redirects_from_paths_below_it(tmp_path):
    path = tmp_path / "sub.xml"
    path.write_text(export(item(1, "T", "b", name="t", link="https://news.example.org/blog/2020/t/"))
                    .replace(f"<wp:base_blog_url>{SITE}</wp:base_blog_url>",
                             f"<wp:base_blog_url>{SITE}/blog</wp:base_blog_url>"))
    assert read_wordpress(path).documents[0].fields["redirects"] == ["2020/t/"]


def test_terms_with_descriptions_only_for_what_is_used(wxr):
    batch = read_wordpress(wxr)
    terms = {(t.taxonomy, next(iter(t.names.values()))): t for t in batch.terms}
    assert set(terms) == {("topics", "الإرهاب"), ("topics", "Diplomacy"), ("topics", "China"),
                          ("actors", "أمينة الراشد"), ("actors", "John Smith")}
    terror = terms[("topics", "الإرهاب")]
    assert terror.names == {"ar": "الإرهاب"} and terror.description == "مقالات عن الإرهاب" and terror.slug == ""
    assert terror.language == "ar"
    assert terms[("topics", "China")].language == "en" and terms[("topics", "Diplomacy")].language == ""
    assert terms[("topics", "China")].description == "The People's Republic"
    assert terms[("topics", "China")].slug == "china"
    assert terms[("topics", "China")].names == {"en": "China"}  # Latin letters, first used by an Arabic post
    assert terms[("topics", "Diplomacy")].names == {"en": "Diplomacy"}
    assert terms[("actors", "John Smith")].slug == "john"
    assert any("left out 1 categories, tags or authors" in k.what for k in batch.kept)


def test_taxonomies_can_be_remapped_or_left_out(wxr):
    batch = read_wordpress(wxr, Options(taxonomies={"post_tag": "", "author": "", "region": "places"},
                                        available=("actors", "topics", "places")))
    assert batch.problems == []
    assert by_key(batch, 1).terms == {"topics": ["الإرهاب"]}
    assert by_key(batch, 2).terms == {"topics": ["Diplomacy"], "places": ["Asia"]}
    default = read_wordpress(wxr)  # an unmapped custom domain is reported, not guessed
    assert "places" not in by_key(default, 2).terms
    assert "left out 1 `region` terms (--taxonomy region=NAME puts them in a taxonomy)" in \
        [k.what for k in default.kept]
    assert "terms: author -> actors (9), category -> topics (2), post_tag -> topics (1) (--taxonomy DOMAIN=NAME " \
           "changes one)" in [k.what for k in default.kept]


def test_a_taxonomy_the_site_lacks_is_an_error(wxr):
    batch = read_wordpress(wxr, Options(taxonomies={"category": "subjects"}, available=("actors", "topics")))
    assert [p.message for p in batch.problems] == ["`category` is to go to the taxonomy `subjects`, "
                                                   "which the site does not have"]


def test_arabic_html_becomes_markdown(wxr):
    batch = read_wordpress(wxr)
    body = by_key(batch, 1).body
    assert "دعا وزير الخارجية إلى **تعزيز** التعاون [الدولي](https://example.org/a_%28b%29)." in body
    assert "فقرة ثانية بلا وسم  \nوسطر جديد" in body  # autop: a blank line is a paragraph, a newline a break
    assert "![صورة](https://news.example.org/wp-content/uploads/2021/10/scan.jpg)\n\n*الوزير في المؤتمر*" in body
    assert "| البلد | العدد |\n| --- | --- |\n| الصين | 3 \\| 4 |" in body
    assert "![مسح](https://news.example.org/wp-content/uploads/2021/10/scan.jpg)" in body  # the gallery, by ids
    assert "![Map](https://news.example.org/wp-content/uploads/2021/11/map.png)" in body
    assert "\\[contact-form-7 id\\=\"5\"\\]" in body  # kept as written, as text
    notes = [k.what for k in batch.kept if k.origin == by_key(batch, 1).origin]
    assert {"[caption] converted", "[gallery] converted to its images", "[contact-form-7] kept as written"} <= \
        set(notes)


def test_english_html_and_media_shortcodes(wxr):
    batch = read_wordpress(wxr)
    body = by_key(batch, 2).body
    assert body.startswith("First paragraph with \\*stars\\* and under\\_scores.\n\nSecond line one  \nline two\n")
    assert "\n<https://www.youtube.com/watch?v=abc123>\n" in body
    assert "\n<https://www.youtube.com/watch?v=xyz>\n" in body
    assert "\n<https://news.example.org/wp-content/uploads/2021/10/talk.mp3>\n" in body
    notes = {k.what for k in batch.kept if k.origin == by_key(batch, 2).origin}
    assert {"[embed] converted", "[youtube] converted to a link", "[audio] converted"} <= notes


def test_autop_leaves_pre_and_block_tags_alone():
    assert autop("<pre>a\n\nb</pre>\n\ntext\nmore") == "<pre>a\n\nb</pre>\n\n<p>text<br>\nmore</p>"
    assert autop("Intro:\n<blockquote>q</blockquote>\nafter") == \
        "<p>Intro:</p>\n<blockquote>q</blockquote>\n<p>after</p>"
    assert autop("<ul>\n<li>a</li>\n\n<li>b\nc</li>\n</ul>\ntail") == \
        "<ul>\n<li>a</li>\n\n<li>b\nc</li>\n</ul>\n<p>tail</p>"
    assert autop("<!-- wp:paragraph -->\n<p>x</p>\n<!-- /wp:paragraph -->") == \
        "<!-- wp:paragraph -->\n<p>x</p>\n<!-- /wp:paragraph -->"


def test_media_from_the_uploads_folder_become_attachments(wxr, tmp_path):
    uploads = tmp_path / "uploads"
    (uploads / "2021" / "10").mkdir(parents=True)
    (uploads / "2021" / "10" / "scan.jpg").write_bytes(b"\xff\xd8jpeg")
    (uploads / "2021" / "10" / "talk.mp3").write_bytes(b"ID3")
    (uploads / "2021" / "11").mkdir()
    (uploads / "2021" / "11" / "map.png").symlink_to("/etc/hostname")  # leads outside: never copied
    (uploads / "2021" / "11" / "map.png.orig").write_bytes(b"png")
    batch = read_wordpress(wxr, Options(media=uploads))
    assert batch.files == uploads.resolve()
    assert by_key(batch, 1).attachments == [Path("2021/10/scan.jpg")]
    assert by_key(batch, 2).attachments == [Path("2021/10/talk.mp3")]
    assert any("`2021/11/map.png` is outside --media" in k.what for k in batch.kept)
    assert by_key(batch, 13).attachments == []  # its featured image is the map, which leads outside
    (uploads / "2021" / "11" / "map.png").unlink()
    (uploads / "2021" / "11" / "map.png.orig").rename(uploads / "2021" / "11" / "map.png")
    assert by_key(read_wordpress(wxr, Options(media=uploads)), 13).attachments == [Path("2021/11/map.png")]
    assert not any("give --media" in k.what for k in batch.kept)
    assert any("give --media" in k.what for k in read_wordpress(wxr).kept)


def test_media_of_a_type_sitegen_refuses_stay_links(tmp_path):
    uploads = tmp_path / "uploads"
    (uploads / "2021").mkdir(parents=True)
    (uploads / "2021" / "page.html").write_text("<script>alert(1)</script>")
    path = tmp_path / "e.xml"
    path.write_text(export(item(1, "T", f'<a href="{SITE}/wp-content/uploads/2021/page.html">x</a>', name="t")))
    batch = read_wordpress(path, Options(media=uploads))
    assert batch.documents[0].attachments == []
    assert any("does not publish files of this type" in k.what for k in batch.kept)


# --- hostile exports ------------------------------------------------------------------------------

def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "hostile.xml"
    path.write_text(text, encoding="utf-8")
    return path


def test_billion_laughs_is_refused(tmp_path):
    head = textwrap.dedent("""\
        <!DOCTYPE rss [
          <!ENTITY lol "lol">
          <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
          <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
          <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
        ]>
        """)
    batch = read_wordpress(write(tmp_path, export(item(1, "&lol9;", "&lol9;", name="x"), head=head)))
    assert batch.documents == [] and len(batch.problems) == 1
    problem = batch.problems[0]
    assert "declares a DTD" in problem.message and "refused" in problem.message
    assert problem.line == 2


def test_an_external_entity_is_never_read(tmp_path, monkeypatch):
    opened = []
    real_open = open
    monkeypatch.setattr("builtins.open", lambda f, *a, **k: opened.append(str(f)) or real_open(f, *a, **k))
    head = '<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
    batch = read_wordpress(write(tmp_path, export(item(1, "T", "&xxe;", name="x"), head=head)))
    assert batch.documents == [] and "declares a DTD" in batch.problems[0].message
    assert all("passwd" not in f for f in opened)


def test_a_truncated_export_names_line_and_column(tmp_path):
    text = sample()
    cut = text[: text.index("<wp:post_id>4</wp:post_id>") + 10]
    batch = read_wordpress(write(tmp_path, cut))
    assert len(batch.problems) == 1
    problem = batch.problems[0]
    assert "not well-formed XML" in problem.message
    assert problem.line == cut.count("\n") + 1 and problem.col > 1


def test_an_rss_feed_that_is_not_wordpress_is_refused(tmp_path):
    feed = ('<?xml version="1.0"?><rss version="2.0"><channel><title>x</title><item><title>y</title></item></channel>'
            '</rss>')
    batch = read_wordpress(write(tmp_path, feed))
    assert [p.message for p in batch.problems] == ["not a WordPress export: no <rss><channel> with a <wp:wxr_version>"]
    assert "not a WordPress export" in read_wordpress(write(tmp_path, "<html><body/></html>")).problems[0].message


def test_a_missing_export_is_an_error_not_a_traceback(tmp_path):
    batch = read_wordpress(tmp_path / "nope.xml")
    assert "cannot read the export" in batch.problems[0].message


def test_a_post_name_with_dots_and_slashes_gives_no_slug_and_no_redirect_outside(tmp_path):
    path = write(tmp_path, export(
        item(1, "Up", "x", name="../../etc/passwd", link=f"{SITE}/?p=1"),
        item(2, "Slash", "x", name="a/b", link=f"{SITE}/%2e%2e/%2e%2e/outside/")))
    batch = read_wordpress(path)
    up, slash = batch.documents
    assert up.slug == "" and slash.slug == ""
    assert "redirects" not in up.fields and "redirects" not in slash.fields
    assert sum("not a path inside the site" in k.what for k in batch.kept) == 2


def test_script_and_event_handlers_never_reach_the_markdown(tmp_path):
    body = ('<p onclick="steal()">Hello <a href="javascript:alert(1)">click</a> '
            '<img src="x.png" onerror="alert(2)"></p><script>alert(3)</script>'
            '<style>body{}</style><iframe src="https://www.youtube.com/embed/abc"></iframe>'
            '<iframe src="javascript:alert(4)"></iframe>'
            '<p>&lt;script&gt;alert(5)&lt;/script&gt; &lt;img src=x onerror=alert(6)&gt;</p>'
            '<form action="https://evil.example"><input name="q"></form>')
    batch = read_wordpress(write(tmp_path, export(item(1, "<script>x</script>Title", body, name="t",
                                                       excerpt="<script>alert(7)</script>Summary"))))
    doc = batch.documents[0]
    assert doc.fields["title"] == "Title" and doc.fields["summary"] == "Summary"
    assert not re.search(r"(?<!\\)<(?!https://[^\s<>\"']+>)", doc.body), doc.body  # every < but autolinks is escaped
    assert "javascript" not in doc.body and "alert(3)" not in doc.body and "steal" not in doc.body
    assert "<https://www.youtube.com/embed/abc>" in doc.body
    assert "\\<script\\>alert(5)" in doc.body  # the text that *showed* a tag is kept, escaped
    notes = {k.what for k in batch.kept}
    assert {"removed <script>", "removed <style>", "removed <form>", "removed on* attributes (script) (2 times)",
            "removed a `javascript:` link", "an <iframe> became a link to what it showed", "removed <iframe>"} <= notes


def test_translations_from_polylang_and_wpml(tmp_path):
    def polylang(lang, group="pll_1"):
        return (f'<category domain="language" nicename="{lang}"><![CDATA[{lang}]]></category>'
                f'<category domain="post_translations" nicename="{group}"><![CDATA[{group}]]></category>')

    def wpml(lang, source=""):
        return "".join(f"<wp:postmeta><wp:meta_key>{k}</wp:meta_key><wp:meta_value>{v}</wp:meta_value></wp:postmeta>"
                       for k, v in (("_wpml_import_language_code", lang), ("_wpml_import_source_language_code", source),
                                    ("_wpml_import_translation_group", "77")))
    batch = read_wordpress(write(tmp_path, export(
        item(1, "بيان", "نص", name="a", categories=polylang("ar"), date="2021-01-01 10:00:00"),
        item(2, "Statement", "Text", name="b", categories=polylang("en"), date="2021-01-02 10:00:00"),
        item(3, "Alone", "Text", name="c", categories=polylang("en", "pll_2")),
        item(4, "Rapport", "Texte", name="d", extra=wpml("fr")),
        item(5, "Report", "Text", name="e", extra=wpml("en", "fr")))), Options(editions=("en", "ar")))
    translation_of = {d.key.rsplit("=", 1)[1]: d.translation_of.rsplit("=", 1)[-1] for d in batch.documents}
    assert translation_of == {"1": "2", "2": "", "3": "", "4": "", "5": "4"}  # en is the site's first language;
    #                                                                          WPML names the original itself


def test_a_creator_not_in_the_author_list_is_its_login_as_wordpress_allows_it(tmp_path):
    batch = read_wordpress(write(tmp_path, export(item(1, "A", "x", name="a", creator=">reviewer"),
                                                  item(2, "B", "x", name="b", creator="reviewer"),
                                                  item(3, "C", "x", name="c", creator=" john "))))
    assert [d.fields["authors"] for d in batch.documents] == [["reviewer"], ["reviewer"], ["John Smith"]]


def test_a_repeated_post_id_is_read_once(tmp_path):
    batch = read_wordpress(write(tmp_path, export(item(1, "First", "a", name="a"), item(1, "Again", "b", name="b"))))
    assert [d.fields["title"] for d in batch.documents] == ["First"]
    assert any("a second item with the post id" in k.what for k in batch.kept)


def test_alt_and_title_text_cannot_make_a_link_of_their_own(tmp_path):
    body = ('<img src="https://a.example/x.png" alt="x](javascript:alert(1))">'
            '<img src="https://a.example/y.png" title="a&quot;) ![b](javascript:c">'
            '<a href="https://a.example/" title="t&quot; [m](javascript:d)">l](javascript:e)</a>')
    doc = read_wordpress(write(tmp_path, export(item(1, "T", body, name="t")))).documents[0]
    import markdown
    html = markdown.markdown(doc.body)
    assert re.findall(r'(?:href|src)="([^"]*)"', html) == ["https://a.example/x.png", "https://a.example/y.png",
                                                           "https://a.example/"], html  # javascript: only as text
    assert len(re.findall(r"<img ", html)) == 2 and len(re.findall(r"<a ", html)) == 1


def test_html_nested_thousands_deep_becomes_plain_paragraphs(tmp_path):
    body = "<div>" * 5000 + "deep <b>text</b>" + "</div>" * 5000 + "<p>after</p>"
    batch = read_wordpress(write(tmp_path, export(item(1, "Deep", body, name="deep"))))
    assert batch.documents[0].body == "deep\n\ntext\n\nafter\n"
    assert any("nested more than 100 elements deep" in k.what for k in batch.kept)


def test_the_same_export_reads_the_same_twice(wxr):
    first, second = read_wordpress(wxr), read_wordpress(wxr)
    assert first == second
