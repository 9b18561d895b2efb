"""Reading Hugo and Jekyll sites into a Batch (`import_site`, `import_jekyll`, `import_markup`)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sitegen.import_jekyll import jekyll_batch
from sitegen.import_markup import Resolver, convert_body, split_date, split_page
from sitegen.import_hugo import hugo_batch
from sitegen.import_site import Options


def write(root: Path, files: dict[str, str | bytes]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return root


HUGO = {
    "config.toml": """
baseURL = "https://news.example.org/"
title = "Example News"
defaultContentLanguage = "en"
[languages.en]
weight = 1
[languages.ar]
weight = 2
[taxonomies]
tag = "tags"
category = "categories"
author = "authors"
series = "series"
[permalinks]
posts = "/:year/:month/:slug/"
[params]
motto = "Facts first"
""",
    "content/posts/_index.md": "---\ntitle: Posts\n---\nAll the posts.\n",
    "content/about.md": "---\ntitle: About us\n---\nWho we are.\n",
    "content/events/late.md": "---\ntitle: Late\ndate: 2020-02-31\n---\n",
    "content/events/modified.md": "---\ntitle: Modified\nlastmod: 2020-03-01\n---\n",
    "content/posts/first.md": """---
title: "First: the talks"
date: 2021-12-23T08:00:00+08:00
description: The talks began.
tags: [security, talks]
categories: Diplomacy
authors: [jane-doe]
series: [winter]
aliases: [/old/first.html, /2021/first-talks/, /aux/first/, "/q?p=1", /a/../../b/]
kicker: Breaking
---
See [the second]({{< ref "posts/second" >}}), [con]({{< relref "con.md" >}}) and [about](/about/) and [again](/2022/01/second-post/).

{{< youtube w7Ft2ymGmfc >}}

{{< figure src="/images/map.png" caption="The map" >}}

{{< notice warning >}}Careful{{< /notice >}}

Motto: {{< param "motto" >}}

{{< highlight go >}}
fmt.Println("hi")
{{< /highlight >}}
""",  # noqa: E501 - the page as a Hugo site has it
    "content/posts/second/index.md": """+++
title = "Second post"
date = 2022-01-05T10:00:00Z
slug = "second-post"
publishDate = 2022-01-10
expiryDate = 2130-01-01T00:00:00Z
tags = ["security"]
+++
![photo](photo.jpg) and {{< figure src="chart.png" alt="A chart" >}}
""",
    "content/posts/second/photo.jpg": b"\xff\xd8\xff\xe0 jpeg",
    "content/posts/second/chart.png": b"\x89PNG\r\n\x1a\n",
    "content/posts/second/data.xyz": b"binary",
    "content/posts/second/index.ar.md": """---
title: المنشور الثاني
date: 2022-01-06
---
نص عربي.
""",
    "content/posts/con.md": "---\ntitle: Con\ndate: 2020-01-01\n---\nSee [first]({{< ref first >}}).\n",
    "content/posts/wip.md": "---\ntitle: Not yet\ndate: 2022-02-01\ndraft: true\n---\nUnfinished.\n",
    "content/ar/posts/first.md": "---\ntitle: الأول\ndate: 2021-12-24\n---\nنص.\n",
    "content/posts/json.md": '{\n  "title": "From JSON",\n  "date": "2020-05-01",\n  "tags": ["json", "Talks"]\n}\n'
                             'A JSON page.\n',
    "content/tags/security/_index.md": "---\ntitle: Security\n---\nSafety of people and places.\n",
    "content/authors/jane-doe/_index.md": "---\ntitle: Jane Doe\ndescription: A reporter.\n---\n",
}


@pytest.fixture
def hugo(tmp_path):
    return hugo_batch(write(tmp_path / "site", HUGO), Options(languages=("en", "ar")))


def by_origin(batch):
    return {d.origin: d for d in batch.documents}


def test_hugo_documents_and_fields(hugo):
    assert not hugo.problems
    docs = by_origin(hugo)
    assert sorted(docs) == ["content/ar/posts/first.md", "content/events/modified.md", "content/posts/con.md",
                            "content/posts/first.md", "content/posts/json.md", "content/posts/second/index.ar.md",
                            "content/posts/second/index.md", "content/posts/wip.md"]
    first = docs["content/posts/first.md"].fields
    assert first["date"] == "2021-12-23" and first["extra"]["time"] == "08:00:00+08:00"
    assert first["title"] == "First: the talks" and first["summary"] == "The talks began."
    assert first["source"] == "Example News" and first["language"] == "en"
    assert first["url"] == "https://news.example.org/2021/12/first-the-talks/"
    assert first["authors"] == ["Jane Doe"]  # the author's term page names her
    assert first["extra"]["kicker"] == "Breaking" and first["extra"]["series"] == ["winter"]
    # a term written as its page's folder is given by the name on that page
    assert docs["content/posts/first.md"].terms == {"topics": ["Security", "talks", "Diplomacy"],
                                                    "actors": ["Jane Doe"]}
    second = docs["content/posts/second/index.md"]
    assert docs["content/posts/wip.md"].fields["draft"] is True and "draft" not in second.fields
    assert second.fields["embargo"] == "2022-01-10"
    assert second.fields["expires"] == "2130-01-01" and second.slug == "second"
    assert docs["content/posts/json.md"].fields["title"] == "From JSON"
    assert docs["content/posts/json.md"].terms["topics"] == ["json", "talks"]  # one term for Hugo: one spelling


def test_hugo_languages_and_translations(hugo):
    docs = by_origin(hugo)
    arabic = docs["content/posts/second/index.ar.md"]
    assert arabic.fields["language"] == "ar" and arabic.translation_of == "content/posts/second/index.md"
    assert arabic.slug == "second-ar"
    first_ar = docs["content/ar/posts/first.md"]  # the language from its folder, a translation of the same path
    assert first_ar.fields["language"] == "ar" and first_ar.translation_of == "content/posts/first.md"
    assert first_ar.slug == "first-ar"
    assert arabic.fields["redirects"] == ["ar/2022/01/المنشور-الثاني/"]  # Hugo's `:slug` is the title without a slug


def test_hugo_redirects_from_aliases_and_permalinks(hugo):
    docs = by_origin(hugo)
    assert docs["content/posts/first.md"].fields["redirects"] == ["2021/12/first-the-talks/", "old/first.html",
                                                                  "2021/first-talks/"]
    assert docs["content/posts/second/index.md"].fields["redirects"] == ["2022/01/second-post/"]
    assert docs["content/posts/json.md"].fields["redirects"] == ["2020/05/from-json/"]
    refused = [k.what for k in hugo.kept if k.origin == "content/posts/first.md" and "not redirected" in k.what]
    assert refused == [f"old address `{a}` not redirected: no file of the site can hold it"
                       for a in ("/aux/first/", "/q?p=1", "/a/../../b/")]


def test_hugo_bodies(hugo):
    body = by_origin(hugo)["content/posts/first.md"].body
    assert "[the second](doc:second)" in body
    assert "[again](doc:second)" in body  # a site-root link to an imported page's old address
    assert "[about](https://news.example.org/about/)" in body  # a page not imported: the original site
    assert "[YouTube video: w7Ft2ymGmfc](https://www.youtube.com/watch?v=w7Ft2ymGmfc)" in body
    assert "![The map](https://news.example.org/images/map.png)" in body
    assert "{{< notice warning >}}Careful{{< /notice >}}" in body
    assert "Motto: Facts first" in body
    assert '```go\nfmt.Println("hi")\n```' in body
    kept = [k.what for k in hugo.kept if k.origin == "content/posts/first.md"]
    assert "shortcode `notice` kept as written: sitegen shows it as text" in kept


def test_hugo_bundles_become_attachments(hugo):
    second = by_origin(hugo)["content/posts/second/index.md"]
    assert [p.name for p in second.attachments] == ["chart.png", "photo.jpg"]
    assert "![photo](second/photo.jpg)" in second.body and "![A chart](second/chart.png)" in second.body
    assert any(k.origin == "content/posts/second/index.md" and "`data.xyz`" in k.what for k in hugo.kept)


def test_hugo_terms_and_left_out(hugo):
    terms = {(t.taxonomy, t.slug): t for t in hugo.terms}
    assert terms[("topics", "security")].names == {"en": "Security"}
    assert terms[("topics", "security")].description == "Safety of people and places."
    assert terms[("actors", "jane-doe")].names == {"en": "Jane Doe"} and \
        terms[("actors", "jane-doe")].description == "A reporter."
    left = {k.origin: k.what for k in hugo.kept if k.what.startswith("left out")}
    assert "section's list page" in left["content/posts/_index.md"]
    assert "no date" in left["content/about.md"] and "`2020-02-31` is not a date" in left["content/events/late.md"]
    modified = by_origin(hugo)["content/events/modified.md"]
    assert modified.fields["date"] == "2020-03-01" and "`lastmod`" in modified.fields["notes"]


def test_a_site_that_builds_future_and_expired_pages_has_no_embargo_or_expiry(tmp_path):
    site = write(tmp_path, {**HUGO, "config.toml": HUGO["config.toml"].replace(
        'title = "Example News"', 'title = "Example News"\nbuildFuture = true\nbuildExpired = true')})
    second = by_origin(hugo_batch(site))["content/posts/second/index.md"]
    assert "embargo" not in second.fields and "expires" not in second.fields and second.fields["extra"]["expirydate"]


def test_taxonomy_mapping_can_be_changed(tmp_path):
    batch = hugo_batch(write(tmp_path, HUGO), Options(taxonomies={"categories": "", "series": "topics"}))
    first = by_origin(batch)["content/posts/first.md"]
    assert first.terms["topics"] == ["Security", "talks", "winter"]
    assert "series" not in first.fields["extra"] and "categories" in first.fields["extra"]


def test_hugo_config_folder_and_language_dirs(tmp_path):
    site = write(tmp_path, {
        "config/_default/hugo.yaml": "title: Split\nbaseURL: https://split.example\nlanguages:\n"
                                     "  en: {contentDir: content/en}\n  fr: {contentDir: content/fr}\n",
        "config/_default/taxonomies.yaml": "theme: themes\n",
        "content/en/notes/a.md": "---\ntitle: A\ndate: 2020-01-01\nthemes: [water]\n---\nText.\n",
        "content/fr/notes/a.md": "---\ntitle: A (fr)\ndate: 2020-01-02\n---\nTexte.\n",
    })
    batch = hugo_batch(site, Options(taxonomies={"themes": "topics"}))
    docs = by_origin(batch)
    assert docs["content/en/notes/a.md"].terms == {"topics": ["water"]}
    french = docs["content/fr/notes/a.md"]
    assert french.fields["language"] == "fr" and french.translation_of == "content/en/notes/a.md" and \
        french.slug == "a-fr"
    assert french.fields["url"] == "https://split.example/fr/notes/a/"


def test_bad_front_matter_is_named_at_its_line(tmp_path):
    site = write(tmp_path, {
        "content/a.md": '+++\ntitle = "A"\ndate = 2020-01-01\ntags = x\n+++\n',
        "content/b.md": "---\ntitle: B\ndate: [2020\n---\n",
        "content/c.md": '{"title": "C",\n "date": }\n',
        "content/d.md": "---\ntitle: D\ndate: 2020-01-01\nslug: ../../etc\n---\n",
        "content/e.md": "---\ntitle: E\ndate: 2020-01-01\ntitle: E again\n---\n",
    })
    batch = hugo_batch(site)
    found = {p.path: p for p in batch.problems}
    assert found["content/a.md"].line == 4 and "TOML" in found["content/a.md"].message
    assert found["content/b.md"].line == 3 and found["content/b.md"].severity == "error"
    assert (found["content/c.md"].line, "JSON" in found["content/c.md"].message) == (2, True)
    assert found["content/d.md"].line == 4 and "slug" in found["content/d.md"].message
    assert found["content/e.md"].severity == "warning"  # a key written twice: the site builds, the last one counts
    assert [d.fields["title"] for d in batch.documents] == ["E again"]


def test_nothing_outside_the_folder_is_read(tmp_path):
    secret = write(tmp_path / "outside", {"secret.md": "---\ntitle: Secret\ndate: 2020-01-01\n---\nprivate\n"})
    site = write(tmp_path / "site", {"content/ok.md": "---\ntitle: OK\ndate: 2020-01-01\n---\n"})
    os.symlink(secret / "secret.md", site / "content" / "leak.md")
    os.symlink(secret, site / "content" / "folder")
    batch = hugo_batch(site)
    assert [d.fields["title"] for d in batch.documents] == ["OK"]
    assert len([p for p in batch.problems if "outside" in p.message]) == 2
    assert not any("private" in d.body for d in batch.documents)
    write(site, {"config.toml": 'contentDir = "../outside"\n'})
    batch = hugo_batch(site)
    assert batch.documents == [] and "outside the site's folder" in batch.problems[0].message


JEKYLL = {
    "_config.yml": """---
title: Field Notes
repository: https://github.com/example/notes
url: https://notes.example.net
baseurl: /blog
permalink: pretty
collections:
  reports:
    output: true
    permalink: /reports/:name/
  memos:
    output: false
defaults:
  - scope: {path: "", type: reports}
    values: {author: Research Desk}
""",
    "_posts/2019-01-01-hello-world.md": """---
title: Hello world
categories: news world
tags: [first, hello]
author: Sam Roe
redirect_from: [/old-hello/, /hello.html]
---
Next: [the follow-up]({{ site.baseurl }}{% post_url 2019-02-03-follow-up %}) and {% link _reports/annual.md %}.

{% include figure.html src="a.png" %}

Fixed in [#12]({{ site.repository }}/issues/12), by {{ page.author }}; {{ page.missing }} stays.

{% highlight ruby %}
puts 1
{% endhighlight %}

{% raw %}Write {% post_url 2019-02-03-follow-up %} and {{ site.title }}.{% endraw %}
""",
    "_posts/2019-02-03-follow-up.markdown": "---\ntitle: Follow-up\ndate: 2019-02-04 09:30:00 +0100\n---\nBack to "
                                            "[hello]({{ '/news/world/2019/01/01/hello-world/' | relative_url }}).\n",
    "_drafts/work-in-progress.md": "---\ntitle: Unfinished\nauthor: kim\n---\nSoon.\n",
    "_data/authors.yml": "kim:\n  name: Kim Lee\n  bio: Edits the notes.\n",
    "_reports/annual.md": "---\ntitle: Annual report\ndate: 2019-12-31\n---\nThe year.\n",
    "_memos/budget.md": "---\ntitle: Budget memo\ndate: 2019-06-01\n---\nNever published on the site.\n",
    "about.md": "---\ntitle: About\n---\nA page.\n",
    "assets/style.css": "body {}\n",
}


@pytest.fixture
def jekyll(tmp_path):
    return jekyll_batch(write(tmp_path / "site", JEKYLL))


def test_jekyll_posts(jekyll):
    assert not jekyll.problems
    docs = by_origin(jekyll)
    hello = docs["_posts/2019-01-01-hello-world.md"]
    assert hello.slug == "2019-01-01-hello-world" and hello.fields["date"] == "2019-01-01"
    assert hello.fields["authors"] == ["Sam Roe"] and hello.terms == {"topics": ["news", "world", "first", "hello"],
                                                                      "actors": ["Sam Roe"]}
    assert hello.fields["url"] == "https://notes.example.net/blog/news/world/2019/01/01/hello-world/"
    assert hello.fields["redirects"] == ["news/world/2019/01/01/hello-world/", "old-hello/", "hello.html"]
    follow = docs["_posts/2019-02-03-follow-up.markdown"]
    assert follow.fields["date"] == "2019-02-04" and follow.fields["extra"]["time"] == "09:30:00 +0100"
    assert "[hello](doc:2019-01-01-hello-world)" in follow.body


def test_jekyll_bodies(jekyll):
    hello = by_origin(jekyll)["_posts/2019-01-01-hello-world.md"]
    assert "[the follow-up](doc:2019-02-03-follow-up)" in hello.body and "and doc:annual." in hello.body
    assert '{% include figure.html src="a.png" %}' in hello.body and "```ruby\nputs 1\n```" in hello.body
    assert any(k.what.startswith("Liquid tag `include` kept as written") for k in jekyll.kept)
    assert "[#12](https://github.com/example/notes/issues/12), by Sam Roe; {{ page.missing }} stays." in hello.body
    assert "Write {% post_url 2019-02-03-follow-up %} and {{ site.title }}." in hello.body  # raw: as written


def test_jekyll_drafts_collections_and_pages(jekyll):
    docs = by_origin(jekyll)
    draft = docs["_drafts/work-in-progress.md"]
    assert draft.fields["authors"] == ["Kim Lee"] and draft.terms["actors"] == ["Kim Lee"]  # named in _data/authors.yml
    assert [(t.slug, t.names, t.description) for t in jekyll.terms] == [("kim", {"en": "Kim Lee"}, "Edits the notes.")]
    assert draft.fields["draft"] is True and draft.fields["date"].endswith("?") and \
        "modification" in draft.fields["notes"]
    annual = docs["_reports/annual.md"]
    assert annual.fields["authors"] == ["Research Desk"]  # from _config.yml defaults
    assert annual.fields["redirects"] == ["reports/annual/"]
    memo = docs["_memos/budget.md"]  # a collection the site never published: no old address, no url
    assert "redirects" not in memo.fields and "url" not in memo.fields
    assert {k.origin for k in jekyll.kept if k.what.startswith("left out")} == {"about.md"}


def test_split_page_and_dates():
    page, problems = split_page("+++\ntitle = 'x'\ndate = 2021-12-23T08:00:00+08:00\n+++\nbody\n", "p.md")
    assert not problems and page.meta["date"] == "2021-12-23T08:00:00+08:00" and page.body == "body\n"
    assert page.body_line == 5
    page, problems = split_page("\n\n---\ntitle: x\n---\nbody\n", "p.md")  # Hugo skips blank lines before it
    assert page.meta == {"title": "x"} and page.body_line == 6
    assert split_page("\n---\ntitle: [x\n---\n", "p.md")[1][0].line == 3
    assert split_date("2021-12-23T08:00:00+08:00") == ("2021-12-23", "08:00:00+08:00")
    assert split_date("2022-01-06 11:30:00 -0500") == ("2022-01-06", "11:30:00 -0500")
    assert split_date("2021-13-40") is None and split_date("soon") is None


def test_hostile_pages_cost_time_in_proportion_to_their_length():
    """Unclosed openings by the hundred thousand: each pattern reads on only to the next opening (a
    quadratic pattern took minutes on the first of these), and deep nesting is refused, not a crash."""
    resolver = Resolver(lambda t: None, lambda p: None, "https://x.org", {}, "/a/")
    for body in ("{{< x " * 100_000, '{{< x "' * 100_000, "{% x " * 100_000, "{{ x " * 100_000,
                 "](" + "{{< a " * 100_000, "{{< highlight go >}} a " * 50_000, "{% raw %}{% comment %}" * 50_000,
                 "<a " * 100_000, "\n[" * 100_000):
        assert convert_body(body, resolver).body == body  # nothing closed, nothing converted
    for text in ("{\"a\": " + "[" * 100_000 + "]" * 100_000 + "}\n",
                 "+++\na = " + "[" * 100_000 + "]" * 100_000 + "\n+++\n"):
        page, problems = split_page(text, "deep.md")
        assert page is None and "nested too deep" in problems[0].message


def test_shortcode_forms():
    resolver = Resolver(lambda t: None, lambda p: None, "", {})
    out = convert_body('{{< tweet user="SanDiegoZoo" id="1453110110599868418" >}} {{< gist spf13 7896402 >}} '
                       '{{< vimeo 146022717 >}} {{</* youtube x */>}} [x]({{< ref "missing" >}})', resolver)
    assert "[Post: 1453110110599868418](https://twitter.com/SanDiegoZoo/status/1453110110599868418)" in out.body
    assert "[Gist: 7896402](https://gist.github.com/spf13/7896402)" in out.body
    assert "(https://vimeo.com/146022717)" in out.body and "{{< youtube x >}}" in out.body
    assert out.kept == ['{{< ref "missing" >}}']  # nothing to point at, and no site address to fall back on


# --- End to end: `sitegen import hugo|jekyll` into an archive, then check, build, import again ------

def run_import_cli(args: list[str], capsys) -> tuple[int, str, str]:
    from sitegen.cli import main
    code = main(["import", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def files_of(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted((root / "content").rglob("*"))
            if p.is_file()}


def errors_of_check(root: Path) -> list:
    from sitegen.build import build
    from sitegen.config import load_config
    return [d for d in build(load_config(root / "sitegen.yaml"), until="check").warnings if d.severity == "error"]


def test_hugo_site_imports_checks_builds_and_imports_again_writing_nothing(make_site, tmp_path, capsys):
    from sitegen.build import build
    from sitegen.config import load_config
    site = write(tmp_path / "hugosite", HUGO)
    root = make_site()
    before = files_of(root)
    code, out, err = run_import_cli(["hugo", str(site)], capsys)
    assert code == 0, err
    assert "import hugo hugosite: 8 documents read" in out
    written = {k: v for k, v in files_of(root).items() if k not in before}
    folder = "content/documents/hugosite"
    assert {f"{folder}/first.md", f"{folder}/second/second.md", f"{folder}/second/photo.jpg",
            f"{folder}/second/chart.png", f"{folder}/second-ar/second-ar.md", f"{folder}/json.md",
            f"{folder}/wip.md"} <= set(written)
    assert b"draft: true" in written[f"{folder}/wip.md"]
    assert b'translation_of: "second"' in written[f"{folder}/second-ar/second-ar.md"]
    assert errors_of_check(root) == []
    build(load_config(root / "sitegen.yaml"), jobs=1)
    page = (root / "build/documents/first.html").read_text(encoding="utf-8")
    assert 'href="second.html"' in page and "Jane Doe" in page and 'href="con-document.html"' in page
    assert "{{&lt; notice warning &gt;}}Careful{{&lt; /notice &gt;}}" in page  # kept shortcodes read as text
    assert (root / "build/documents/second/photo.jpg").read_bytes() == HUGO["content/posts/second/photo.jpg"]
    assert 'src="second/chart.png"' in (root / "build/documents/second.html").read_text(encoding="utf-8")
    again = files_of(root)
    code, out, _ = run_import_cli(["hugo", str(site)], capsys)
    assert code == 0 and "0 files created, 0 updated" in out
    assert files_of(root) == again


def test_jekyll_site_imports_checks_and_imports_again_writing_nothing(make_site, tmp_path, capsys):
    site = write(tmp_path / "notes", JEKYLL)
    root = make_site()
    options = ["--taxonomy", "categories=", "--publisher", "Field Notes Inc."]
    code, out, err = run_import_cli(["jekyll", str(site), *options], capsys)
    assert code == 0, err
    hello = (root / "content/documents/notes/2019-01-01-hello-world.md").read_text(encoding="utf-8")
    assert 'source: "Field Notes Inc."' in hello and '"news"' not in hello.split("extra:")[0]  # categories left out
    assert "(doc:2019-02-03-follow-up)" in hello
    assert errors_of_check(root) == []
    again = files_of(root)
    code, out, _ = run_import_cli(["jekyll", str(site), *options], capsys)
    assert code == 0 and "0 files created, 0 updated" in out
    assert files_of(root) == again


def test_bad_site_or_option_writes_nothing(make_site, tmp_path, capsys):
    site = write(tmp_path / "bad", {"content/b.md": "---\ntitle: B\ndate: [2020\n---\n",
                                    "content/ok.md": "---\ntitle: OK\ndate: 2020-01-01\n---\n"})
    root = make_site()
    before = files_of(root)
    code, _, err = run_import_cli(["hugo", str(site)], capsys)
    assert code == 1 and "content/b.md:3:" in err and "nothing written" in err
    code, _, err = run_import_cli(["hugo", str(site), "--taxonomy", "tags=subjects"], capsys)
    assert code == 1 and "--taxonomy tags=subjects: the archive has no taxonomy `subjects`" in err
    code, _, err = run_import_cli(["jekyll", str(tmp_path / "missing")], capsys)
    assert code == 1 and "not a folder" in err
    assert files_of(root) == before
