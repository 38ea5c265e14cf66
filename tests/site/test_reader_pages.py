"""What readers and crawlers get from the built pages: social cards, JSON-LD, share buttons,
related posts, navigation, the search box, comment threads, lazy images and landmarks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from reader_support import BASE_URL, public_file, reader_site
from site_support import build, parse_html

LONG = "/posts/2025_02/shinkansen/"
INJECT = "/posts/2025_03/inject/"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = reader_site(tmp_path_factory.mktemp("reader") / "site")
    build(root, search=False)
    return root


def page(root: Path, site_path: str) -> Any:
    return parse_html(public_file(root, site_path))


def meta(doc: Any, key: str) -> str:
    node = doc.css_first(f'meta[property="{key}"]') or doc.css_first(f'meta[name="{key}"]')
    assert node is not None, key
    return node.attributes["content"]


def jsonld(doc: Any) -> dict[str, Any]:
    scripts = doc.css('script[type="application/ld+json"]')
    assert len(scripts) == 1
    return json.loads(scripts[0].text())


def test_post_has_a_complete_social_card(site: Path) -> None:
    doc = page(site, LONG)
    url = BASE_URL + "posts/2025_02/shinkansen/"
    assert doc.css_first('link[rel="canonical"]').attributes["href"] == url
    assert meta(doc, "og:url") == url
    assert meta(doc, "og:type") == "article"
    assert meta(doc, "og:title") == "新幹線で仕事をする人たち"
    assert meta(doc, "og:description").startswith("新幹線の車内で仕事をするのが好きだ。")
    assert meta(doc, "description") == meta(doc, "og:description")
    assert meta(doc, "og:image") == "https://matome.example.jp/blog/thumbnails/blue4.jpg"
    assert meta(doc, "twitter:card") == "summary_large_image"
    assert meta(doc, "og:locale") == "ja_JP"


def test_og_description_is_the_first_comment_trimmed(site: Path) -> None:
    doc = page(site, "/posts/2025_03/cooking/")
    assert meta(doc, "og:description") == "人生で初めてパンを焼いた。生地がよく膨らんだ。"
    long = meta(page(site, LONG), "og:description")
    assert len(long) <= 120


def test_post_json_ld_is_a_blog_posting(site: Path) -> None:
    data = jsonld(page(site, LONG))
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "BlogPosting"
    assert data["headline"] == "新幹線で仕事をする人たち"
    assert data["url"] == BASE_URL + "posts/2025_02/shinkansen/"
    assert data["mainEntityOfPage"]["@id"] == data["url"]
    assert data["datePublished"].startswith("2025-02-10T00:00:00+09:00")
    assert data["image"] == ["https://matome.example.jp/blog/thumbnails/blue4.jpg"]
    assert data["keywords"] == ["鉄道", "新幹線", "旅行"]
    assert data["inLanguage"] == "ja"
    assert data["isBasedOn"] == "https://news.ycombinator.com/item?id=42997340"
    assert data["description"].startswith("新幹線の車内")


def test_json_ld_names_the_thread_a_post_is_based_on_from_its_body_without_hnid(
        site: Path) -> None:
    cited = jsonld(page(site, "/posts/2025_02/linear/"))  # 引用元 line, no hnid
    assert cited["isBasedOn"] == "https://news.ycombinator.com/item?id=42990000"
    assert "isBasedOn" not in jsonld(page(site, "/posts/2025_02/travel/"))  # neither


def test_json_ld_and_meta_cannot_be_broken_out_of(site: Path) -> None:
    html = public_file(site, INJECT).read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in html
    assert html.count("</script>") == html.count("<script")  # every script closes itself only
    doc = parse_html(public_file(site, INJECT))
    title = 'タイトル</script><script>alert(1)</script> "引用"'
    assert jsonld(doc)["headline"] == title
    assert meta(doc, "og:title") == title
    assert not doc.css("img[onerror]")


def test_home_has_a_social_card_and_website_json_ld(site: Path) -> None:
    doc = page(site, "/")
    assert meta(doc, "og:type") == "website"
    assert meta(doc, "og:url") == BASE_URL
    assert meta(doc, "og:title") == "海外テックの反応まとめ"
    assert meta(doc, "og:description") == "海外の反応まとめ"
    # no image of its own: the site's share image, shipped in static/
    assert meta(doc, "og:image") == BASE_URL + "og-image.jpg"
    assert (site / "public" / "og-image.jpg").is_file()
    assert meta(doc, "twitter:card") == "summary_large_image"
    data = jsonld(doc)
    assert data["@type"] == "WebSite" and data["url"] == BASE_URL
    assert data["potentialAction"]["target"]["urlTemplate"] == BASE_URL + "?q={search_term_string}"


def test_share_buttons_link_to_each_service_with_the_post_url(site: Path) -> None:
    doc = page(site, LONG)
    url = BASE_URL + "posts/2025_02/shinkansen/"
    links = {a.text(deep=False).strip(): a.attributes["href"] for a in doc.css(".share a")}
    assert set(links) == {"X", "はてなブックマーク", "LINE"}
    x = urlsplit(links["X"])
    assert x.netloc == "x.com" and parse_qs(x.query) == {"text": ["新幹線で仕事をする人たち"],
                                                         "url": [url]}
    hatena = urlsplit(links["はてなブックマーク"])
    assert hatena.netloc == "b.hatena.ne.jp" and parse_qs(hatena.query)["url"] == [url]
    line = urlsplit(links["LINE"])
    assert line.netloc == "social-plugins.line.me" and parse_qs(line.query)["url"] == [url]
    for a in doc.css(".share a"):
        assert a.attributes["target"] == "_blank" and "noopener" in a.attributes["rel"]
    copy = doc.css_first("button.share-copy")
    assert copy.attributes["data-url"] == url
    assert "hidden" in copy.attributes  # shown by the script only where the clipboard works


def test_related_posts_share_tags_and_leave_out_unrelated_ones(site: Path) -> None:
    doc = page(site, LONG)
    related = [a.attributes["href"] for a in doc.css("aside.related a")]
    assert set(related) == {"/blog/posts/2025_02/linear/", "/blog/posts/2025_02/travel/"}
    assert not page(site, INJECT).css("aside.related")  # its only tag is its own


def test_previous_and_next_links(site: Path) -> None:
    doc = page(site, "/posts/2025_02/linear/")
    assert doc.css_first('a[rel="prev"]').attributes["href"] == "/blog/posts/2025_02/shinkansen/"
    assert doc.css_first('a[rel="next"]').attributes["href"] == "/blog/posts/2025_02/travel/"


def test_breadcrumbs_on_list_pages(site: Path) -> None:
    def trail(site_path: str) -> list[str]:
        return [li.text().strip() for li in page(site, site_path).css(".crumbs li")]

    assert trail("/posts/") == ["ホーム", "記事一覧"]
    assert trail("/tags/鉄道/") == ["ホーム", "タグ", "#鉄道"]
    assert trail("/months/2025/02/") == ["ホーム", "月別アーカイブ", "2025年", "2025年2月"]
    assert trail("/tags/") == ["ホーム", "タグ"]
    current = page(site, "/tags/鉄道/").css_first('.crumbs [aria-current="page"]')
    assert current.text() == "#鉄道"
    year = page(site, "/months/2025/02/").css(".crumbs a")[-1].attributes["href"]
    assert year == "/blog/months/#year-2025"
    assert page(site, "/months/").css_first("#year-2025") is not None


def test_tag_cloud_is_sized_by_count(site: Path) -> None:
    doc = page(site, "/tags/")
    sizes = {li.css_first("a").text(deep=False): li.attributes["class"]
             for li in doc.css(".cloud li")}
    assert sizes["鉄道"] == "cloud-5"  # 3 posts, the most
    assert sizes["セキュリティ"] == "cloud-1"  # 1 post
    assert sizes["AI"] not in ("cloud-1", "cloud-5")
    every = [a.text(deep=False) for a in doc.css(".chips-all a")]
    assert len(every) == 7 and every[0] == "鉄道"


def test_month_archive_is_grouped_by_year(site: Path) -> None:
    doc = page(site, "/months/")
    year = doc.css_first("section.year")
    assert year.css_first("h2").text(deep=False) == "2025年"
    assert [a.text() for a in year.css(".months a")] == ["2025年3月", "2025年2月"]


def test_reply_depth_highlights_and_fold_counts(site: Path) -> None:
    doc = page(site, LONG)
    cards = doc.css("article.mq")
    assert [c.attributes.get("data-depth") for c in cards[:4]] == [None, "1", "2", None]
    assert "--mq-color:#ff5c5c" in cards[0].attributes["style"]
    fold = doc.css_first("details.fold")
    assert fold.css_first("summary .fold-more").text() == "残り12件のコメントを表示"
    assert len(fold.css("article.mq")) == 12


def test_only_the_post_article_is_indexed_for_search(site: Path) -> None:
    doc = page(site, LONG)
    bodies = doc.css("[data-pagefind-body]")
    assert len(bodies) == 1 and bodies[0].tag == "article"
    assert bodies[0].css_first("h1").attributes["data-pagefind-meta"] == "title"
    assert bodies[0].css_first('[data-pagefind-meta="date"]').text() == "2025年2月10日"
    for selector in (".crumbs", ".post-meta", ".share"):
        assert bodies[0].css_first(selector).parent is not None
        ignored = bodies[0].css_first(selector)
        while ignored is not None and "data-pagefind-ignore" not in ignored.attributes:
            ignored = ignored.parent
        assert ignored is not None, selector
    for other in ("/", "/posts/", "/tags/", "/about/", "/tags/鉄道/"):
        assert not page(site, other).css("[data-pagefind-body]"), other


def test_search_box_only_when_the_index_is_built(site: Path, tmp_path: Path) -> None:
    assert not page(site, "/").css(".search-open")  # this build ran with search=False
    assert not page(site, "/").css("dialog#search")
    root = reader_site(tmp_path / "with-search")
    build(root, search=True)
    doc = page(root, "/")
    assert doc.css_first(".search-open").attributes["aria-keyshortcuts"] == "/"
    dialog = doc.css_first("dialog#search")
    assert dialog.attributes["data-bundle"] == "/blog/pagefind/"
    assert dialog.css_first('form[role="search"] input[type="search"]') is not None


def test_long_posts_get_a_reading_progress_bar(site: Path) -> None:
    assert "data-progress" in page(site, LONG).css_first("article.post").attributes
    assert "data-progress" not in page(site, "/posts/2025_02/linear/").css_first(
        "article.post").attributes


def test_back_to_top_and_landmarks_on_every_page(site: Path) -> None:
    for site_path in ("/", LONG, "/tags/", "/months/", "/posts/", "/about/"):
        doc = page(site, site_path)
        assert doc.css_first("html").attributes["lang"] == "ja"
        assert len(doc.css("h1")) == 1, site_path
        assert len(doc.css("body > header")) == 1 and len(doc.css("body > footer")) == 1
        assert len(doc.css("main#main")) == 1
        assert doc.css_first('nav[aria-label="サイト"]') is not None
        assert doc.css_first('a.skip[href="#main"]') is not None
        assert doc.css_first('a.to-top[href="#top"]') is not None
        assert doc.css_first("#top") is not None


def test_images_are_lazy_with_dimensions_and_alt(site: Path) -> None:
    for site_path in ("/", LONG, "/posts/", "/tags/鉄道/"):
        images = page(site, site_path).css("img")
        assert images, site_path
        for image in images:
            attrs = image.attributes
            assert "alt" in attrs and attrs["width"] and attrs["height"], site_path
            assert attrs["loading"] in ("lazy", "eager")
    home = page(site, "/").css("img")
    assert all(img.attributes["loading"] == "lazy" for img in home[3:])
    related = page(site, "/posts/2025_02/linear/").css("aside.related img")
    assert related and all(img.attributes["loading"] == "lazy" for img in related)


def test_feeds_are_linked_from_every_head(site: Path) -> None:
    doc = page(site, LONG)
    alternates = {link.attributes["type"]: link.attributes["href"]
                  for link in doc.css('head link[rel="alternate"]')}
    assert alternates == {"application/rss+xml": "/blog/index.xml",
                          "application/atom+xml": "/blog/atom.xml"}


def test_only_the_theme_script_blocks_rendering(site: Path) -> None:
    for site_path in ("/", LONG):
        doc = page(site, site_path)
        blocking = [s for s in doc.css("script")
                    if "type" not in s.attributes and "defer" not in s.attributes
                    and "async" not in s.attributes]
        assert len(blocking) == 1 and len(blocking[0].text()) < 300
        assert "src" not in blocking[0].attributes


def test_share_image_setting(tmp_path: Path) -> None:
    root = reader_site(tmp_path / "site", settings='image = "thumbnails/blue.jpg"')
    build(root)
    assert meta(page(root, "/tags/"), "og:image") == BASE_URL + "thumbnails/blue.jpg"
    # a post without a feature image shares the site image; one with its own keeps it
    assert meta(page(root, INJECT), "og:image") == BASE_URL + "thumbnails/blue.jpg"
    assert meta(page(root, LONG), "og:image") == BASE_URL + "thumbnails/blue4.jpg"
    root = reader_site(tmp_path / "none", settings='image = ""')
    build(root)
    doc = page(root, "/")
    assert not doc.css('meta[property="og:image"]')
    assert meta(doc, "twitter:card") == "summary"
