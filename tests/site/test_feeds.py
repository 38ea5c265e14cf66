"""RSS 2.0 and Atom feeds, parsed the way a feed reader parses them (feedparser)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import feedparser
import pytest
from reader_support import BASE_URL, reader_site
from site_support import build, write_post

from hnmatome.site.plan import Output
from hnmatome.site.render.feeds import absolute_links, feed
from hnmatome.site.view import SiteView

NEWEST = ['タイトル</script><script>alert(1)</script> "引用"', "パン作りの科学",
          "AIに料理を教わる"]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = reader_site(tmp_path_factory.mktemp("feeds") / "site", settings="feed_items = 3")
    build(root)
    return root


def parsed(root: Path, rel: str) -> feedparser.FeedParserDict:
    data = (root / "public" / rel).read_bytes()
    ET.fromstring(data)  # well-formed XML, or this raises
    feed = feedparser.parse(data)
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


def test_site_rss_has_the_latest_items_with_full_content(site: Path) -> None:
    feed = parsed(site, "index.xml")
    assert feed.version == "rss20"
    assert feed.feed.title == "海外テックの反応まとめ"
    assert feed.feed.link == BASE_URL
    assert [e.title for e in feed.entries] == NEWEST  # capped at feed_items, newest first
    bread = feed.entries[1]
    assert bread.link == BASE_URL + "posts/2025_03/bread/"
    assert bread.published_parsed[:3] == (2025, 3, 2)  # 2025-03-03 00:00 JST is the 2nd in UTC
    assert bread.summary == "生活の中で発酵を学ぶ。生まれて初めての成功。"
    assert [t.term for t in bread.tags] == ["料理"]
    content = bread.content[0].value
    assert '<article class="mq"' in content and "生まれて初めての成功。" in content


def test_full_content_links_are_absolute(site: Path) -> None:
    feed = parsed(site, "index.xml")
    for entry in feed.entries:
        content = entry.content[0].value
        assert 'href="/' not in content and 'src="/' not in content


def test_post_list_feed_also_carries_content(site: Path) -> None:
    feed = parsed(site, "posts/index.xml")
    assert feed.feed.link == BASE_URL + "posts/"
    assert len(feed.entries) == 3 and all(e.get("content") for e in feed.entries)


def test_tag_and_month_feeds_carry_summaries_only(site: Path) -> None:
    tag = parsed(site, "tags/鉄道/index.xml")
    assert tag.feed.title == "鉄道 | 海外テックの反応まとめ"
    assert [e.title for e in tag.entries] == ["鉄道旅行のすすめ", "リニア中央新幹線の遅れ",
                                              "新幹線で仕事をする人たち"]
    assert all("content" not in e and e.summary for e in tag.entries)
    month = parsed(site, "months/2025/02/index.xml")
    assert month.feed.title == "2025年2月 | 海外テックの反応まとめ"


def test_atom_feed(site: Path) -> None:
    feed = parsed(site, "atom.xml")
    assert feed.version == "atom10"
    assert feed.feed.title == "海外テックの反応まとめ"
    assert feed.feed.subtitle == "海外の反応まとめ"
    assert feed.feed.id == BASE_URL
    assert {link.rel: link.href for link in feed.feed.links} == {
        "alternate": BASE_URL, "self": BASE_URL + "atom.xml"}
    assert feed.feed.updated.startswith("2025-03-04T00:00:00+09:00")
    assert [e.title for e in feed.entries] == NEWEST
    bread = feed.entries[1]
    assert bread.id == bread.link == BASE_URL + "posts/2025_03/bread/"
    assert bread.published.startswith("2025-03-03T00:00:00+09:00")
    assert bread.content[0].type == "text/html"
    assert "生まれて初めての成功。" in bread.content[0].value
    assert bread.summary == "生活の中で発酵を学ぶ。生まれて初めての成功。"



def test_atom_feed_uses_the_default_namespace(site: Path) -> None:
    data = (site / "public" / "atom.xml").read_bytes()
    root = ET.fromstring(data)
    assert root.tag == "{http://www.w3.org/2005/Atom}feed"
    assert b'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="ja">' in data
    assert b"atom:" not in data
    entries = root.findall("{http://www.w3.org/2005/Atom}entry")
    assert len(entries) == 3
    assert all(entry.find("{http://www.w3.org/2005/Atom}content") is not None
               for entry in entries)

def test_rss_caps_at_fifty_by_default(tmp_path: Path) -> None:
    root = reader_site(tmp_path / "site")
    for n in range(55):
        write_post(root / "content", f"posts/2024_01/p{n:02d}.md", title=f"記事{n:02d}",
                   date=f"2024-01-01T00:{n:02d}:00", tags=["多数"])
    build(root)
    assert len(parsed(root, "index.xml").entries) == 50
    assert len(parsed(root, "atom.xml").entries) == 50
    assert len(parsed(root, "tags/多数/index.xml").entries) == 50


def test_control_characters_never_break_the_xml(tmp_path: Path) -> None:
    root = reader_site(tmp_path / "site")
    post = root / "content" / "posts" / "2025_04" / "ctrl.md"
    post.parent.mkdir(parents=True)
    post.write_text('+++\ntitle = "制御\\u000b文字\\u001fの記事"\ndate = 2025-04-01\n'
                    'tags = ["制御"]\n+++\n本文\n', encoding="utf-8")
    build(root)
    for rel in ("index.xml", "atom.xml", "tags/制御/index.xml"):
        assert parsed(root, rel).entries[0].title == "制御文字の記事"


def test_absolute_links_keeps_other_urls() -> None:
    html = ('<a href="/blog/x/">a</a><img src="/blog/i.jpg"><a href="//cdn.example/x">c</a>'
            '<a href="https://other.example/">d</a><a href="#n">e</a>')
    assert absolute_links(html, "https://h.example") == (
        '<a href="https://h.example/blog/x/">a</a><img src="https://h.example/blog/i.jpg">'
        '<a href="//cdn.example/x">c</a><a href="https://other.example/">d</a><a href="#n">e</a>')


def _view_with_bodies(html: dict[str, str]) -> SiteView:
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    from hnmatome.core.settings import Settings
    from hnmatome.site.content import SourcePage
    from hnmatome.site.model import BodyStats, assemble
    from hnmatome.site.view import StoredBody

    start = datetime(2025, 2, 1, tzinfo=ZoneInfo("Asia/Tokyo"))
    pages = [SourcePage(content_dir=Path("/c"), rel=rel, section="posts", kind="post",
                        bundle=True, title=title, date=start + timedelta(days=day),
                        lastmod=None, draft=False, tags=("AI",), months=(), featureimage="",
                        description="", slug="", hnid=None, meta={}, body="", body_line=1,
                        source_hash="")
             for day, (rel, title) in enumerate(zip(html, ("古い <題>", "新しい & 題"),
                                                    strict=False))]
    site = assemble(pages, Settings(base_url="https://h.example/"))

    class Bodies:
        def stored_body(self, rel: str, view: SiteView) -> StoredBody:
            return StoredBody(html[rel].encode("utf-8", "surrogatepass"), BodyStats(),
                              lambda: html[rel])

    return SiteView(site, bodies=Bodies())


def test_bodies_in_feeds_are_escaped_with_absolute_links_and_no_forbidden_characters() -> None:
    view = _view_with_bodies({"posts/a/index.md": '<p><a href="/posts/b/">b</a>\x01\ud800</p>',
                              "posts/b/index.md": "<p>本文 &amp; \ufffe</p>"})
    rss = feed(Output("index.xml", "feed"), view)
    assert b"&lt;a href=\"https://h.example/posts/b/\"&gt;b&lt;/a&gt;&#55296;" in rss
    assert "本文 &amp;amp; </p>".replace("</p>", "&lt;/p&gt;").encode() in rss
    assert b"\x01" not in rss and "\ufffe".encode() not in rss
    atom = feed(Output("atom.xml", "atom"), view)
    assert b'<content type="html">&lt;p&gt;' in atom


def test_an_empty_body_closes_its_element() -> None:
    view = _view_with_bodies({"posts/a/index.md": "<p>x</p>", "posts/b/index.md": "\x01"})
    assert b"<content:encoded />\n" in feed(Output("index.xml", "feed"), view)


@pytest.mark.parametrize("value", ["2025-02-10T08:38:56+09:00", "2025-12-31T23:59:59+00:00",
                                   "0999-01-02T03:04:05-05:30", "2025-06-01T00:00:00"])
def test_rfc822_dates_are_what_email_utils_writes(value: str) -> None:
    from datetime import datetime
    from email.utils import format_datetime

    from hnmatome.site.render.templates import date_rfc822

    when = datetime.fromisoformat(value)
    assert date_rfc822(when) == format_datetime(when)
