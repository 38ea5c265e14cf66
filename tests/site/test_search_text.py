"""How post text is cut for the search index (Python) and how queries and excerpts are cut and
put back together in the browser (static/js/search.js, run by Node): the two halves agree."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
from site_support import REPO_ROOT

from hnmatome.site.search.text import index_text, page_record

SEARCH_JS = REPO_ROOT / "static" / "js" / "search.js"


def test_japanese_runs_become_overlapping_pairs_and_their_last_character() -> None:
    assert index_text("新幹線") == " 新幹 幹線 線 "
    assert index_text("東海道新幹線は速い。") == " 東海 海道 道新 新幹 幹線 線は は速 速い い 。"
    assert index_text("生成AIとは") == " 生成 成 AI とは は "
    assert index_text("新") == " 新 "
    assert index_text("Rust and Go") == "Rust and Go"


def test_text_is_nfkc_folded_like_queries() -> None:
    assert index_text("ＡＩ　ｶﾀｶﾅ") == "AI  カタ タカ カナ ナ "
    assert index_text("々〆ー") == " 々〆 〆ー ー "


PAGE = """<html><body><nav>ホーム</nav>
<article data-pagefind-body><header>
<nav class="crumbs" data-pagefind-ignore><a>記事一覧</a></nav>
<h1 data-pagefind-meta="title">新幹線の <em>話</em></h1>
<p data-pagefind-ignore><time data-pagefind-meta="date">2025年2月10日</time> 約3分</p>
<ul class="tags" data-pagefind-ignore><li><a>#鉄道</a></li><li><a>#旅行</a></li></ul></header>
<article class="mq"><header><span class="mq-user">rail_fan</span>
<time class="mq-time">2025-02-10T08:38:56</time></header><p>速い。<br>とても</p></article>
<footer data-pagefind-ignore>共有</footer></article><aside>関連記事</aside></body></html>"""


def test_page_record_keeps_the_searchable_part_only() -> None:
    record = page_record(PAGE, "/posts/x/")
    assert record is not None
    assert record.url == "/posts/x/"
    assert record.title == "新幹線の 話"
    assert record.date == "2025年2月10日"
    # no author or time; the tags, still searchable, last (where excerpts rarely look)
    assert record.text == "新幹線の 話\n速い。\nとても\n鉄道 · 旅行"
    assert record.meta == {"title": "新幹線の 話", "date": "2025年2月10日"}


def test_pages_without_a_search_body_have_no_record() -> None:
    assert page_record("<html><body><h1>一覧</h1></body></html>", "/posts/") is None


CASES = {
    "queries": ["新幹線", "生成AI", "新", "AI生成", "リニア 開業", "ＡＩ", "c++"],
    "excerpts": ["東海 海道 道新 新幹 幹線 線 は速 速い い 。",
                 "生成 成 AI とは は",
                 "rail_fan. 新幹 幹線 線 · #鉄道 道 · Rust and Go",
                 "はは は",
                 "高す すぎ ぎる るっ って て ? もし し",
                 "It works! これ れで で",
                 "マジ ジで で ! Rust だ"],
}
SCRIPT = """
import { pathToFileURL } from "node:url";
const search = await import(pathToFileURL(process.argv[1]).href);
const cases = JSON.parse(process.argv[2]);
console.log(JSON.stringify({
  queries: cases.queries.map((q) => search.encodeQuery(q)),
  excerpts: cases.excerpts.map((e) => search.excerptText(Array.from(e))),
  marks: search.markTerms("東海道新幹線とShinkansen", "新幹線 shinkansen"),
}));
"""


def test_search_js_cuts_queries_as_the_index_is_cut() -> None:
    node = shutil.which("node")
    if node is None:
        pytest.skip("Node.js is not installed")
    result = subprocess.run([node, "--input-type=module", "-e", SCRIPT, str(SEARCH_JS),
                             json.dumps(CASES)], capture_output=True, text=True, timeout=30,
                            check=False)
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["queries"] == [['"新幹 幹線"'], ['"生成 成 ai"'], ["新"], ['"ai 生成"'],
                                 ['"リニ ニア"', "開業"], ["ai"], ["c++"]]
    # every query's tokens occur, in order and adjacent, in the indexed form of its text
    for query, text in (("新幹線", "東海道新幹線は速い"), ("生成AI", "生成AIとは"),
                        ("AI生成", "AI生成された")):
        (phrase,) = answer["queries"][CASES["queries"].index(query)]
        indexed = " " + " ".join(index_text(text).lower().split()) + " "
        assert f" {phrase.strip(chr(34))} " in indexed
    assert answer["excerpts"] == ["東海道新幹線は速い。", "生成AIとは",
                                  "rail_fan. 新幹線 · #鉄道 · Rust and Go", "はは",
                                  # ！？ fold to !? but keep no space before Japanese
                                  "高すぎるって?もし", "It works! これで", "マジで! Rustだ"]
    assert answer["marks"] == [["東海道", False], ["新幹線", True], ["と", False],
                               ["Shinkansen", True]]


def test_the_newest_posts_a_list_shows_are_not_the_posts_searchable_text() -> None:
    from page_support import render

    body = render("本文の言葉\n\n{{< list limit=2 >}}\n").html
    page = f"<html><body><article data-pagefind-body><h1>題</h1>{body}</article></body></html>"
    record = page_record(page, "/posts/x/")
    assert record is not None and "本文の言葉" in record.text
    assert "記事0" not in record.text and "記事1" not in record.text
