"""Building small sites end to end and reading the HTML, feeds and sitemap they produce."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import feedparser
import pytest
from site_support import build, make_project, parse_html, write_post

from hnmatome.core.errors import UserError

QUOTE = ('{{{{<matomeQuote body="{body}" userName="{user}" createdAt="2025-02-10T08:38:56" '
         'color="{color}">}}}}\n\n')


def _quotes(count: int) -> str:
    return "".join(QUOTE.format(body=f"コメント{n}です。", user=f"user{n}",
                                color="#ff5c5c" if n == 0 else "") for n in range(count))


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """Three posts over two months, a draft, an about page."""
    root = make_project(tmp_path / "site", settings="page_size = 2\nhome_size = 2")
    content = root / "content"
    fold = '{{< details summary="もっとコメントを表示（2）">}}\n\n'
    body = "> 見出しの引用\n\n" + _quotes(3) + fold + _quotes(2) + "{{< /details >}}\n"
    write_post(content, "posts/2025_02/first/index.md", title="最初の記事", date="2025-02-10",
               months="2025/02", tags=["AI", "Open Source"], body=body,
               extra={"featureimage": "'thumbnails/blue4.jpg'", "hnid": "42997340"})
    write_post(content, "posts/2025_02/second/index.md", title="二番目の記事",
               date="2025-02-20T10:00:00", months="2025/02", tags=["ai", "C++"],
               body="本文。\n\n```python\nprint('hi')\n```\n")
    write_post(content, "posts/2025_03/third/index.md", title="三番目の記事",
               date="2025-03-01T09:00:00+09:00", months="2025/03", tags=["機械学習"],
               body='[一覧へ]({{% ref "/posts/" %}})\n')
    write_post(content, "posts/2025_03/draft/index.md", title="下書きの記事", date="2025-03-05",
               months="2025/03", tags=["secret"], extra={"draft": "true"})
    (content / "about.md").write_text("+++\ntitle = 'このブログについて'\n+++\n紹介です。\n",
                                      encoding="utf-8")
    return root


def test_post_page_shows_everything_a_reader_needs(site: Path) -> None:
    build(site)
    page = parse_html(site / "public" / "posts" / "2025_02" / "first" / "index.html")
    assert page.css_first("html").attributes["lang"] == "ja"
    assert page.css_first("h1").text() == "最初の記事"
    assert len(page.css("h1")) == 1
    assert page.css_first("time").attributes["datetime"].startswith("2025-02-10T00:00:00+09:00")
    assert "2025年2月10日" in page.css_first(".post-meta").text()
    assert "分で読めます" in page.css_first(".post-meta").text()
    assert [a.text() for a in page.css(".tags a")] == ["#AI", "#Open Source"]
    hrefs = [a.attributes["href"] for a in page.css(".tags a")]
    assert hrefs == ["/tags/ai/", "/tags/open-source/"]
    source = page.css_first(".source a").attributes["href"]
    assert source == "https://news.ycombinator.com/item?id=42997340"
    cards = page.css("article.mq")
    assert len(cards) == 5
    assert cards[0].css_first(".mq-user").text() == "user0"
    assert "--mq-color:#ff5c5c" in cards[0].attributes["style"]
    fold = page.css_first("details.fold")
    assert fold.css_first("summary .fold-more").text() == "残り2件のコメントを表示"
    assert len(fold.css("article.mq")) == 2
    older_newer = {a.attributes["rel"]: a.attributes["href"] for a in page.css(".post-nav a")}
    assert older_newer == {"next": "/posts/2025_02/second/"}  # the oldest post has no older


def test_previous_and_next_follow_dates(site: Path) -> None:
    build(site)
    page = parse_html(site / "public" / "posts" / "2025_02" / "second" / "index.html")
    links = {a.attributes["rel"]: a.attributes["href"] for a in page.css(".post-nav a")}
    assert links == {"prev": "/posts/2025_02/first/", "next": "/posts/2025_03/third/"}


def test_home_lists_latest_posts_with_thumbnails(site: Path) -> None:
    build(site)
    home = parse_html(site / "public" / "index.html")
    titles = [c.text() for c in home.css(".card-title")]
    assert titles == ["三番目の記事", "二番目の記事"]  # home_size = 2, newest first
    assert len(home.css(".card-img-none")) == 2  # neither has a featureimage
    assert home.css_first(".more a").attributes["href"] == "/posts/"
    report = build(site, base_url="https://example.org/")
    assert report.pages == 4  # three posts + about; the draft is left out
    home = parse_html(site / "public" / "index.html")
    assert [c.text() for c in home.css(".card-title")] == ["三番目の記事", "二番目の記事"]


def test_thumbnail_shown_on_lists(site: Path) -> None:
    build(site)
    page2 = parse_html(site / "public" / "posts" / "page" / "2" / "index.html")
    images = [img.attributes["src"] for img in page2.css("img.row-img")]
    assert images == ["/thumbnails/blue4.jpg"]
    assert (site / "public" / "thumbnails" / "blue4.jpg").exists()


def test_lists_paginate_like_hugo(site: Path) -> None:
    build(site)
    public = site / "public"
    page1 = parse_html(public / "posts" / "index.html")
    assert [a.text() for a in page1.css(".row-title")] == ["三番目の記事", "二番目の記事"]
    page2 = parse_html(public / "posts" / "page" / "2" / "index.html")
    assert [a.text() for a in page2.css(".row-title")] == ["最初の記事"]
    assert page2.css_first('a[rel="prev"]').attributes["href"] == "/posts/"
    alias = (public / "posts" / "page" / "1" / "index.html").read_text()
    assert 'http-equiv="refresh" content="0; url=https://example.org/posts/"' in alias
    assert not (public / "posts" / "page" / "3").exists()


def test_tags_merge_spellings_and_count(site: Path) -> None:
    build(site)
    public = site / "public"
    index = parse_html(public / "tags" / "index.html")
    chips = {a.attributes["href"]: a.css_first(".count").text()
             for a in index.css("section .chips a")}
    assert chips["/tags/ai/"] == "2"  # 'AI' and 'ai' are one term, as in Hugo
    # tags of one post are folded away, without a count (every one would say 1)
    once = {a.attributes["href"] for a in index.css("details.tags-once .chips a")}
    assert "/tags/c++/" in once and "/tags/c++/" not in chips
    assert not index.css("details.tags-once .chips .count")
    assert "/tags/%E6%A9%9F%E6%A2%B0%E5%AD%A6%E7%BF%92/" in chips.keys() | once
    assert "/tags/secret/" not in chips.keys() | once  # only on a draft
    term = parse_html(public / "tags" / "ai" / "index.html")
    assert term.css_first("h1").text() == "#AI"
    assert [a.text() for a in term.css(".row-title")] == ["二番目の記事", "最初の記事"]
    assert (public / "tags" / "機械学習" / "index.html").exists()
    assert (public / "tags" / "c++" / "index.xml").exists()


def test_months_index_and_pages(site: Path) -> None:
    build(site)
    public = site / "public"
    months = parse_html(public / "months" / "index.html")
    entries = [(a.text(), a.attributes["href"]) for a in months.css(".months a")]
    assert entries == [("2025年3月", "/months/2025/03/"), ("2025年2月", "/months/2025/02/")]
    assert [c.text() for c in months.css(".months .count")] == ["1件", "2件"]
    february = parse_html(public / "months" / "2025" / "02" / "index.html")
    assert february.css_first("h1").text() == "2025年2月"
    assert len(february.css(".row")) == 2


def test_feeds_sitemap_robots_and_404(site: Path) -> None:
    build(site)
    public = site / "public"
    channel = ET.parse(public / "index.xml").getroot().find("channel")
    assert channel is not None
    items = channel.findall("item")
    assert [i.findtext("title") for i in items] == ["三番目の記事", "二番目の記事", "最初の記事"]
    assert items[0].findtext("link") == "https://example.org/posts/2025_03/third/"
    assert items[2].findtext("description") == "コメント0です。"
    parsed = feedparser.parse((public / "index.xml").read_bytes())
    assert not parsed.bozo and parsed.feed.title == "海外テックの反応まとめ"
    assert parsed.entries[0].link == "https://example.org/posts/2025_03/third/"
    assert parsed.entries[0].published_parsed is not None
    tag_feed = ET.parse(public / "tags" / "ai" / "index.xml").getroot()
    assert len(tag_feed.findall("channel/item")) == 2
    month_feed = ET.parse(public / "months" / "2025" / "03" / "index.xml").getroot()
    assert [i.findtext("title") for i in month_feed.findall("channel/item")] == ["三番目の記事"]
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = {e.text for e in ET.parse(public / "sitemap.xml").getroot().findall("s:url/s:loc", ns)}
    assert {"https://example.org/", "https://example.org/about/",
            "https://example.org/tags/ai/", "https://example.org/months/2025/02/"} <= locs
    assert not any("draft" in loc for loc in locs)
    robots = (public / "robots.txt").read_text()
    assert "Sitemap: https://example.org/sitemap.xml" in robots
    assert parse_html(public / "404.html").css_first("h1").text() == "ページが見つかりません"


def test_static_files_and_stylesheets(site: Path) -> None:
    build(site)
    public = site / "public"
    assert (public / "css" / "site.css").exists()
    assert (public / "favicon.svg").exists()
    syntax = (public / "css" / "syntax.css").read_text()
    assert ".highlight .k" in syntax and ':root[data-theme="dark"] .highlight' in syntax
    with_code = parse_html(public / "posts" / "2025_02" / "second" / "index.html")
    sheets = [link.attributes["href"] for link in with_code.css('link[rel="stylesheet"]')]
    assert any(href.startswith("/css/syntax.css?v=") for href in sheets)
    assert with_code.css_first("div.highlight pre") is not None
    without = parse_html(public / "posts" / "2025_02" / "first" / "index.html")
    assert not any("syntax" in link.attributes["href"]
                   for link in without.css('link[rel="stylesheet"]'))


def test_theme_is_set_before_paint(site: Path) -> None:
    build(site)
    page = parse_html(site / "public" / "index.html")
    # JSON-LD (type="application/ld+json") is data, not a script that runs
    head_scripts = [s for s in page.css("head script") if "type" not in s.attributes]
    assert len(head_scripts) == 1 and "localStorage" in head_scripts[0].text()
    stylesheet = page.css_first('head link[rel="stylesheet"]')
    # the inline theme script comes before the stylesheet so the first paint is themed
    head_html = page.css_first("head").html or ""
    assert head_html.index("localStorage") < head_html.index(stylesheet.attributes["href"])
    body_scripts = page.css("body script")
    assert all("defer" in s.attributes for s in body_scripts)


def test_ref_shortcode_links_to_the_post_list(site: Path) -> None:
    build(site)
    page = parse_html(site / "public" / "posts" / "2025_03" / "third" / "index.html")
    link = next(a for a in page.css(".post-body a") if a.text() == "一覧へ")
    assert link.attributes["href"] == "https://example.org/posts/"


def test_drafts_only_with_the_option(site: Path) -> None:
    build(site, drafts=True)
    public = site / "public"
    draft = parse_html(public / "posts" / "2025_03" / "draft" / "index.html")
    assert draft.css_first(".badge").text() == "下書き"
    assert (public / "tags" / "secret" / "index.html").exists()
    build(site)
    assert not (public / "posts" / "2025_03" / "draft").exists()


def test_base_url_and_out_overrides(site: Path, tmp_path: Path) -> None:
    out = tmp_path / "elsewhere"
    build(site, base_url="https://user.github.io/blog", out_dir=out)
    page = parse_html(out / "posts" / "2025_02" / "first" / "index.html")
    assert page.css_first(".tags a").attributes["href"] == "/blog/tags/ai/"
    assert page.css_first('link[rel="canonical"]').attributes["href"] == (
        "https://user.github.io/blog/posts/2025_02/first/")
    assert not (site / "public").exists()


def test_untrusted_titles_and_tags_are_escaped(site: Path) -> None:
    write_post(site / "content", "posts/2025_04/evil/index.md", title='<script>alert(1)</script>',
               date="2025-04-01", months="2025/04", tags=['<img src=x onerror=alert(1)>'])
    build(site)
    html = (site / "public" / "posts" / "2025_04" / "evil" / "index.html").read_text()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img src=x" not in html
    home = (site / "public" / "index.html").read_text()
    assert "<script>alert" not in home


def test_missing_feature_image_is_a_warning(site: Path) -> None:
    write_post(site / "content", "posts/2025_04/noimg/index.md", title="画像なし",
               date="2025-04-01", extra={"featureimage": "'thumbnails/nope.jpg'"})
    report = build(site)
    assert any("thumbnails/nope.jpg" in w for w in report.warnings)
    page = parse_html(site / "public" / "index.html")
    first_card = page.css_first(".card")
    assert first_card.css_first("img") is None


def test_bundle_files_are_copied_beside_the_post(site: Path) -> None:
    bundle = site / "content" / "posts" / "2025_02" / "first"
    (bundle / "diagram.png").write_bytes(b"\x89PNG fake")
    build(site)
    assert (site / "public" / "posts" / "2025_02" / "first" / "diagram.png").read_bytes() == (
        b"\x89PNG fake")


def test_failed_build_keeps_the_previous_site(site: Path) -> None:
    build(site)
    index = site / "public" / "index.html"
    before = index.read_bytes()
    broken = site / "content" / "posts" / "2025_03" / "broken.md"
    broken.write_text("+++\ntitle = 'oops\n+++\n", encoding="utf-8")
    with pytest.raises(UserError) as caught:
        build(site)
    assert "broken.md" in str(caught.value)
    assert index.read_bytes() == before
    broken.write_text("+++\ntitle = 'ok'\ndate = '2025-03-02'\n+++\n{{< nosuch >}}\n",
                      encoding="utf-8")
    with pytest.raises(UserError) as caught:
        build(site)
    assert "broken.md:5" in str(caught.value)
    assert index.read_bytes() == before
    assert sorted(p.name for p in site.iterdir() if p.name.startswith(".public")) == []


def test_two_outputs_on_one_path_is_an_error(site: Path) -> None:
    write_post(site / "content", "posts/2025_02/clash/index.md", title="衝突", date="2025-02-11",
               extra={"slug": "'first'"})
    with pytest.raises(UserError) as caught:
        build(site)
    message = str(caught.value)
    assert "posts/2025_02/clash/index.md" in message and "posts/2025_02/first/index.md" in message


def test_static_file_colliding_with_a_page_is_an_error(site: Path) -> None:
    (site / "static" / "about").mkdir()
    (site / "static" / "about" / "index.html").write_text("x", encoding="utf-8")
    with pytest.raises(UserError) as caught:
        build(site)
    assert "static/about/index.html" in str(caught.value)


def test_refuses_to_replace_a_directory_that_is_not_a_site(site: Path) -> None:
    with pytest.raises(UserError):
        build(site, out_dir=site / "content")
    stranger = site / "notes"
    stranger.mkdir()
    (stranger / "todo.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(UserError):
        build(site, out_dir=stranger)
    assert (stranger / "todo.txt").read_text() == "keep me"


def test_a_file_where_a_page_needs_a_folder_is_an_error(site: Path) -> None:
    (site / "static" / "posts").mkdir()
    (site / "static" / "posts" / "2025_02").write_text("not a folder", encoding="utf-8")
    with pytest.raises(UserError) as caught:
        build(site)
    message = str(caught.value)
    assert "static/posts/2025_02" in message and "content/posts/2025_02/" in message
    assert not (site / "public").exists()


def test_template_mistakes_name_the_template_and_line(site: Path) -> None:
    build(site)
    before = (site / "public" / "index.html").read_bytes()
    home = site / "templates" / "home.html"
    original = home.read_text(encoding="utf-8")
    home.write_text(original.replace("{% block main %}\n", "{% block main %}\n{{ nosuch.x }}\n"),
                    encoding="utf-8")
    with pytest.raises(UserError) as caught:
        build(site)
    assert caught.value.path == home and caught.value.line == 4
    home.write_text(original.replace("{% block main %}", "{% block main %}{% if %}"),
                    encoding="utf-8")
    with pytest.raises(UserError) as caught:
        build(site)
    assert caught.value.path == home and caught.value.line == 3
    assert (site / "public" / "index.html").read_bytes() == before


def test_a_broken_template_is_one_error_however_many_pages_use_it(tmp_path: Path) -> None:
    from cache_support import small_site

    from hnmatome.core.errors import UserError

    site = small_site(tmp_path / "site")
    template = site / "templates" / "post.html"
    template.write_text(template.read_text(encoding="utf-8").replace(
        "{{ entry.title | phrases }}</h1>", "{{ entry.nosuch() }}</h1>", 1), encoding="utf-8")
    with pytest.raises(UserError) as caught:
        build(site)
    error = caught.value
    assert not hasattr(error, "errors") or len(error.errors) == 1  # not six times
    assert "post.html" in str(error.path) and error.line and "(in 6 pages)" in error.message
    assert error.hint
