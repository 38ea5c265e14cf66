"""URL shapes: Hugo's urlize, content paths, pagers, output files, hrefs under a base path."""

from __future__ import annotations

import pytest

from hnmatome.site import urls


@pytest.mark.parametrize(("term", "expected"), [
    ("AI", "ai"),
    ("Open Source", "open-source"),
    ("C++", "c++"),
    (".NET", ".net"),
    ("C#", "c#"),
    ("TCP/IP", "tcp/ip"),
    ("機械学習", "機械学習"),
    ("生成AI", "生成ai"),
    ("Web3・ブロックチェーン", "web3ブロックチェーン"),
    ("🚀 Rocket", "-rocket"),
    ("🚀", ""),
    ("Q&A", "qa"),
    ("100%", "100"),
    ("%41", "%41"),
    ("a - b", "a---b"),
    ("  spaced  ", "--spaced--"),
    ("テスト　全角", "テスト-全角"),
    ("a\u3000\u3000b", "a-b"),
    ("x\u3000", "x"),
    ("\u3000x", "-x"),
    ("İstanbul", "istanbul"),
    ("ΟΔΟΣ", "οδοσ"),
    ("/abs", "abs"),
    ("a//b", "a/b"),
    ("../../etc", "etc"),
    ("..", ""),
])
def test_urlize_matches_hugo_rules(term: str, expected: str) -> None:
    assert urls.urlize(term) == expected


@pytest.mark.parametrize(("rel", "slug", "expected"), [
    ("posts/2025_02/x/index.md", "", "/posts/2025_02/x/"),
    ("posts/foo.md", "", "/posts/foo/"),
    ("posts/Sub Dir/Leaf Page.md", "", "/posts/sub-dir/leaf-page/"),
    ("posts/2025_02/x/index.md", "My Slug", "/posts/2025_02/my-slug/"),
    ("about.md", "", "/about/"),
    ("about.md", "profile", "/profile/"),
    ("posts/_index.md", "", "/posts/"),
])
def test_content_paths(rel: str, slug: str, expected: str) -> None:
    assert urls.content_path(rel, slug) == expected


def test_pager_and_feed_paths() -> None:
    assert urls.pager_path("/tags/ai/", 1) == "/tags/ai/"
    assert urls.pager_path("/tags/ai/", 3) == "/tags/ai/page/3/"
    assert urls.feed_path("/months/2025/02/") == "/months/2025/02/index.xml"


@pytest.mark.parametrize(("site_path", "expected"), [
    ("/", "index.html"),
    ("/posts/x/", "posts/x/index.html"),
    ("/tags/c++/page/2/", "tags/c++/page/2/index.html"),
    ("/index.xml", "index.xml"),
    ("/../escape/", "escape/index.html"),
])
def test_output_files(site_path: str, expected: str) -> None:
    assert urls.output_file(site_path) == expected


def test_hrefs_escape_like_go_and_keep_base_path() -> None:
    root = urls.UrlBuilder("https://example.org/")
    assert root.href("/tags/機械学習/") == "/tags/%E6%A9%9F%E6%A2%B0%E5%AD%A6%E7%BF%92/"
    assert root.href("/tags/c++/") == "/tags/c++/"
    assert root.href("/tags/c#/") == "/tags/c%23/"
    assert root.permalink("/posts/") == "https://example.org/posts/"
    project = urls.UrlBuilder("https://user.github.io/repo/")
    assert project.href("/posts/x/") == "/repo/posts/x/"
    assert project.permalink("/") == "https://user.github.io/repo/"
    assert project.href("https://news.ycombinator.com/") == "https://news.ycombinator.com/"


def test_site_path_of_recognises_internal_links_only() -> None:
    project = urls.UrlBuilder("https://user.github.io/repo/")
    assert project.site_path_of("/repo/posts/x/#c1") == "/posts/x/"
    assert project.site_path_of("https://user.github.io/repo/tags/") == "/tags/"
    assert project.site_path_of("https://other.example/repo/x/") is None
    assert project.site_path_of("mailto:someone@example.org") is None


def test_normalize_base_url_adds_the_trailing_slash() -> None:
    assert urls.normalize_base_url(" https://x.org/repo ") == "https://x.org/repo/"
