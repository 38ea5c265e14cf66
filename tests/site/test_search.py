"""The Pagefind search step: a real index of a small Japanese site, queried the way the search
box queries it (Pagefind's own JavaScript, run by Node against a server on 127.0.0.1)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from reader_support import public_file, reader_site
from site_support import REPO_ROOT, build, parse_html, serving

from hnmatome.cli import main
from hnmatome.site.search import index as search_index
from hnmatome.site.search import stage as search_stage
from hnmatome.site.search import text as search_text
from hnmatome.site.search.index import pagefind_binary

QUERY_SCRIPT = REPO_ROOT / "tests" / "site" / "js" / "pagefind_query.mjs"
POSTS = "/blog/posts/"


def require_pagefind() -> None:
    if pagefind_binary() is None:
        pytest.skip("the Pagefind binary is not installed (pip install 'pagefind[extended]')")


@pytest.fixture(scope="module", params=[search_index.SHARD_POSTS, 2],
                ids=["one-shard", "four-shards"])
def site(request: pytest.FixtureRequest,
         tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    """The reader site with its search index, whole and split in shards (of two posts)."""
    require_pagefind()
    root = reader_site(tmp_path_factory.mktemp("search") / "site")
    saved, search_index.SHARD_POSTS = search_index.SHARD_POSTS, request.param
    try:
        report = build(root, search=True)
    finally:
        search_index.SHARD_POSTS = saved
    return root, report


def search(public: Path, *queries: str) -> dict[str, list[dict[str, Any]]]:
    node = shutil.which("node")
    if node is None:
        pytest.skip("Node.js is not installed (needed to run Pagefind's search JavaScript)")
    with serving(public) as origin:
        result = subprocess.run(
            [node, str(QUERY_SCRIPT), str(public), origin + "pagefind/", "/blog/", *queries],
            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def urls_of(rows: list[dict[str, Any]]) -> set[str]:
    return {row["url"].removeprefix(POSTS) for row in rows}


def test_build_writes_a_search_bundle_of_posts_only(site: tuple[Path, Any]) -> None:
    root, report = site
    assert report.search is not None and report.search.warning is None
    assert report.search.pages == 7 and not report.search.cached
    bundle = root / "public" / "pagefind"
    assert (bundle / "pagefind.js").is_file()
    assert not list(bundle.glob("*-ui.*"))  # Pagefind's own UIs: the site has its own
    shards = json.loads((bundle / "shards.json").read_text(encoding="utf-8"))
    counts = []
    for folder in [bundle, *(bundle / shard for shard in shards)]:
        entry = json.loads((folder / "pagefind-entry.json").read_text(encoding="utf-8"))
        (language,) = entry["languages"].values()
        counts.append(language["page_count"])
    assert sum(counts) == 7  # posts only, not lists or /about/
    assert len(counts) == (1 if report.search.pages <= search_index.SHARD_POSTS and
                           not shards else len(shards) + 1)


def test_japanese_words_find_exactly_the_posts_that_contain_them(
        site: tuple[Path, Any]) -> None:
    root, _ = site
    found = search(root / "public", "新幹線", "生成AI", "新", "生", "トンネル", "幹線", "最初")
    # one character finds every post that has it, wherever it stands in a word
    assert urls_of(found["新"]) == {"2025_02/shinkansen/", "2025_02/linear/",
                                    "2025_02/travel/"}  # 新幹線, 中央新幹線, 新しい
    assert urls_of(found["生"]) == {"2025_03/genai/", "2025_03/cooking/", "2025_03/bread/"}
    # a word finds the posts that contain it and no post that merely has its characters
    assert urls_of(found["新幹線"]) == {"2025_02/shinkansen/", "2025_02/linear/"}
    assert urls_of(found["幹線"]) == urls_of(found["新幹線"])
    assert urls_of(found["生成AI"]) == {"2025_03/genai/"}  # cooking has AI and 人生, not 生成AI
    assert urls_of(found["トンネル"]) == {"2025_02/shinkansen/"}  # comment text
    assert found["最初"] == []


def test_words_anywhere_in_a_post_title_tag_or_comment(site: tuple[Path, Any]) -> None:
    root, _ = site
    found = search(root / "public", "中央新幹線", "鉄道", "開業", "maglev", "リニア 開業",
                   "リニア 生成AI")
    assert urls_of(found["中央新幹線"]) == {"2025_02/linear/"}  # title
    assert urls_of(found["鉄道"]) == {"2025_02/shinkansen/", "2025_02/linear/",
                                     "2025_02/travel/"}  # a tag on all three
    assert urls_of(found["開業"]) == {"2025_02/linear/"}  # comment
    assert found["maglev"] == []  # a commenter's name is not what a reader searches for
    assert urls_of(found["リニア 開業"]) == {"2025_02/linear/"}  # every word must match
    assert found["リニア 生成AI"] == []


def test_results_carry_title_date_and_a_readable_excerpt(site: tuple[Path, Any]) -> None:
    root, _ = site
    found = search(root / "public", "生成AI", "危険", "トンネル")
    (genai,) = found["生成AI"]
    assert genai["url"] == POSTS + "2025_03/genai/"
    assert genai["title"] == "生成AIで変わる仕事"
    assert genai["date"] == "2025年3月1日"
    # no commenter names; the tags (still searchable) come last
    assert genai["text"] == ("[生成AI]で変わる仕事 · [生成AI]のおかげで資料作りが速くなった。 "
                             "AI · [生成AI] ·")
    (tunnel,) = found["トンネル"]
    assert "新幹線の車内で仕事をするのが好きだ。[トンネル]" in tunnel["text"]
    (inject,) = found["危険"]
    assert "<img" not in inject["excerpt"] and "&lt;img" in inject["excerpt"]
    assert "<img src=x onerror=alert(1)>[危険]な入力の話。" in inject["text"]


def test_navigation_and_timestamps_stay_out_of_the_index(site: tuple[Path, Any]) -> None:
    root, _ = site
    found = search(root / "public", "ホーム", "共有", "2025-02-10T08", "前の記事", "関連記事")
    assert all(rows == [] for rows in found.values()), found


def test_unchanged_posts_reuse_the_cached_bundle(tmp_path: Path) -> None:
    require_pagefind()
    root = reader_site(tmp_path / "site")
    first = build(root, search=True, clean=True)
    bundle = root / "public" / "pagefind" / "pagefind-entry.json"
    entry = bundle.read_bytes()
    second = build(root, search=True, clean=True)
    assert first.search.pages == second.search.pages == 7  # type: ignore[attr-defined]
    assert second.search.cached and bundle.read_bytes() == entry  # type: ignore[attr-defined]
    post = root / "content" / "posts" / "2025_03" / "bread" / "index.md"
    text = post.read_text(encoding="utf-8")
    # a change to the page that is not in the indexed text: the pages differ, the index not
    post.write_text(text.replace("+++\n", "+++\ndescription = 'パンの話'\n", 1),
                    encoding="utf-8")
    assert build(root, search=True, clean=True).search.cached  # type: ignore[attr-defined]
    post.write_text(text + "\n追記: 天然酵母。\n", encoding="utf-8")
    third = build(root, search=True, clean=True)
    assert not third.search.cached  # type: ignore[attr-defined]
    bundles = list((root / ".cache" / "hnmatome" / "search").glob("*/pagefind.js"))
    assert len(bundles) == 1  # the old one is pruned


def test_an_edit_reads_only_the_changed_pages_and_indexes_only_their_shard(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    require_pagefind()
    monkeypatch.setattr(search_index, "SHARD_POSTS", 2)
    root = reader_site(tmp_path / "site")
    build(root, search=True)
    cache = root / ".cache" / "hnmatome" / "search"
    before = {path.parent.name for path in cache.glob("*/pagefind.js")}
    assert len(before) == 4
    parsed: list[str] = []
    original = search_text.page_record

    def spy(html: str, url: str) -> object:
        parsed.append(url)
        return original(html, url)

    for module in (search_text, search_stage):  # render reads new pages, search kept ones
        monkeypatch.setattr(module, "page_record", spy)
    post = root / "content" / "posts" / "2025_03" / "bread" / "index.md"
    post.write_text(post.read_text(encoding="utf-8") + "\n追記: 天然酵母。\n",
                    encoding="utf-8")
    report = build(root, search=True)
    neighbours = {f"/posts/{rel}/" for rel in ("2025_03/bread", "2025_03/cooking",
                                                "2025_03/genai")}
    assert "/posts/2025_03/bread/" in parsed and set(parsed) <= neighbours
    after = {path.parent.name for path in cache.glob("*/pagefind.js")}
    assert len(after) == 4 and len(before & after) == 3  # one shard indexed again
    assert not report.search.cached  # type: ignore[attr-defined]
    found = search(root / "public", "天然酵母")
    assert urls_of(found["天然酵母"]) == {"2025_03/bread/"}


@pytest.mark.parametrize("binary", ["missing", "failing"])
def test_a_broken_pagefind_is_a_warning_and_the_site_still_builds(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, binary: str) -> None:
    fake = tmp_path / "pagefind"
    if binary == "failing":
        fake.write_text("#!/bin/sh\necho 'Error: something broke' >&2\nexit 3\n")
        fake.chmod(0o755)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(fake))
    root = reader_site(tmp_path / "site")
    report = build(root, search=True)
    assert report.search.warning and report.search.pages == 0  # type: ignore[attr-defined]
    assert any("search index not built" in w for w in report.warnings)  # type: ignore[attr-defined]
    if binary == "failing":
        assert "something broke" in report.search.warning  # type: ignore[attr-defined]
    public = root / "public"
    assert not (public / "pagefind").exists()
    assert (public / "index.html").is_file()
    assert public_file(root, "/posts/2025_03/genai/").is_file()
    assert not list((root / ".cache" / "hnmatome" / "search").glob("*/pagefind.js"))


def test_cli_no_search_skips_the_index_and_the_search_box(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = reader_site(tmp_path / "site")
    assert main(["-C", str(root), "build", "--no-search"]) == 0
    assert "search:" not in capsys.readouterr().out
    assert not (root / "public" / "pagefind").exists()
    assert not parse_html(root / "public" / "index.html").css(".search-open")
