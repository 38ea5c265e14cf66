"""The rest of the reader's path: /tags/ (the cloud, tags on several posts, the rest folded),
the 404 page (search and the newest posts), and comments whose lines are broken with a
literal full-width ＜br/＞, in excerpts and comment cards."""

from __future__ import annotations

from pathlib import Path

import pytest
from reader_support import BASE_URL, RANSOM, RANSOM_TITLE, public_file, typography_site
from site_support import build, parse_html, write_post


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = typography_site(tmp_path_factory.mktemp("path") / "site")
    build(root, search=True)  # (the 404 page offers search only where there is an index)
    return root


def test_tags_page_shows_the_cloud_then_tags_on_several_posts_then_the_rest_folded(
        site: Path) -> None:
    doc = parse_html(public_file(site, "/tags/"))
    main = doc.css_first("main")
    headings = [h.text() for h in main.css("h2")]
    assert headings == ["よく使われるタグ", "複数の記事に付いたタグ（記事の多い順）"]
    several = [(a.text(deep=False), int(a.css_first(".count").text()))
               for a in main.css("section .chips a")]
    assert several[0] == ("鉄道", 3)  # the most used first
    assert sorted(several[1:]) == sorted([("AI", 2), ("セキュリティ", 2), ("新幹線", 2),
                                          ("料理", 2), ("旅行", 2)])
    fold = main.css_first("details.tags-once")
    assert fold is not None and "open" not in fold.attributes
    summary = fold.css_first("summary")
    assert summary.text(deep=False) == "1件の記事だけに付いたタグ"
    assert summary.css_first(".count").text() == "2個"
    once = {a.text() for a in fold.css(".chips a")}
    assert once == {"生成AI", "ランサムウェア"}  # each on one post, shown without a count
    every = [a.attributes["href"] for a in main.css(".chips a")]
    assert len(every) == len(set(every)) == 8  # every tag once, on the page or in the fold


def test_a_site_with_no_tag_used_twice_has_no_empty_section(tmp_path: Path) -> None:
    from site_support import make_project

    root = make_project(tmp_path / "site")
    write_post(root / "content", "posts/a.md", title="記事", date="2025-01-01", tags=["一つ"])
    build(root)
    main = parse_html(root / "public" / "tags" / "index.html").css_first("main")
    assert [h.text() for h in main.css("h2")] == ["よく使われるタグ"]
    assert main.css_first("details.tags-once .chips a").text() == "一つ"


def test_404_offers_search_and_the_newest_posts(site: Path) -> None:
    doc = parse_html(site / "public" / "404.html")
    form = doc.css_first('main form[role="search"]')
    assert form.attributes["action"] == "/blog/"  # the home page searches ?q= on arrival
    assert form.css_first('input[type="search"]').attributes["name"] == "q"
    latest = [a.attributes["href"] for a in doc.css("main .related-list a")]
    assert latest == ["/blog/posts/2025_04/ransom/", "/blog/posts/2025_03/inject/",
                      "/blog/posts/2025_03/bread/", "/blog/posts/2025_03/cooking/",
                      "/blog/posts/2025_03/genai/"]
    assert doc.css_first("main .related-title").text() == RANSOM_TITLE


def test_404_without_search_has_no_search_form(tmp_path: Path) -> None:
    from site_support import make_project

    root = make_project(tmp_path / "site")
    build(root)  # no posts, no search index
    doc = parse_html(root / "public" / "404.html")
    assert doc.css_first("main form") is None
    assert doc.css_first("main .related-list") is None
    assert doc.css_first("h1").text() == "ページが見つかりません"


def test_a_full_width_br_is_a_line_break_in_excerpts_and_comment_cards(site: Path) -> None:
    home = parse_html(public_file(site, "/"))
    card = next(node for node in home.css(".card-link")
                if node.css_first(".card-title").text() == RANSOM_TITLE)
    assert card.css_first(".card-excerpt").text() == "一行目です。\n二行目です。\n三行目です。"
    post = parse_html(public_file(site, RANSOM))
    description = post.css_first('meta[name="description"]').attributes["content"]
    assert "＜" not in description and description.startswith("一行目です。")
    body = post.css_first(".mq-body")
    assert "＜" not in body.text()
    # each line on its own (a <br> or a paragraph of its own)
    assert "一行目です。<br>二行目です。" in body.html or body.css("p")[1].text() == "二行目です。"
    rss = (site / "public" / "index.xml").read_text(encoding="utf-8")
    assert "＜br" not in rss and BASE_URL in rss


def test_an_excerpt_of_body_text_stays_one_line(tmp_path: Path) -> None:
    from site_support import make_project

    root = make_project(tmp_path / "site")
    write_post(root / "content", "posts/a.md", title="記事", date="2025-01-01",
               body="一段落目。\n\n二段落目。\n")
    build(root)
    excerpt = parse_html(root / "public" / "index.html").css_first(".card-excerpt").text()
    assert excerpt == "一段落目。 二段落目。"
