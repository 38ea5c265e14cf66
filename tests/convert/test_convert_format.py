"""The post format: path, front matter, body layout and folds (post_format, slugs)."""

from __future__ import annotations

import re
import tomllib
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from convert_support import fold_layout, make_thread, quote_count, render_post

from hnmatome.convert.post_format import Post, format_post, output_hash, slugify, thread_slug
from hnmatome.core.errors import UserError
from hnmatome.core.frontmatter import parse_front_matter
from hnmatome.core.settings import Settings

UNLIMITED = Settings(max_comments=1000, max_replies=1000)


def post_of(thread: dict[str, Any], settings: Settings = UNLIMITED, **kw: Any) -> Post:
    options: dict[str, Any] = {"featureimage": "thumbnails/blue.jpg", "draft": True,
                               "input_hash": "abc"}
    options.update(kw)
    return format_post(thread, settings, path=Path("t.yaml"), **options)


def front_matter(post: Post) -> dict[str, Any]:
    return tomllib.loads(post.text.split("+++\n")[1])


@pytest.mark.parametrize(("count", "layout"), [
    (0, [0]), (1, [1]), (29, [29]), (30, [30]), (31, [30, 1]), (59, [30, 29]), (60, [30, 30]),
    (61, [30, 30, 1]), (95, [30, 30, 30, 5]),
])
def test_first_thirty_visible_then_folds_of_thirty(count: int, layout: list[int]) -> None:
    text = post_of(make_thread(count)).text
    assert fold_layout(text) == layout
    assert quote_count(text) == count
    assert text.count("{{< details ") == text.count("{{</details>}}") == len(layout) - 1
    for number in range(1, len(layout)):
        assert f'{{{{< details summary="もっとコメントを表示（{number}）">}}}}' in text


def test_body_layout_matches_the_reference_post() -> None:
    text = post_of(make_thread(2, item_id=42997340)).text
    body = text.split("+++\n", 2)[2]
    assert body.startswith("\n> 小さな静的サイトジェネレーターを作った\n\n"
                           "引用元：[https://news.ycombinator.com/item?id=42997340]"
                           "(https://news.ycombinator.com/item?id=42997340)\n\n"
                           "{{<matomeQuote body=")
    assert body.endswith('\n\n[記事一覧へ]({{% ref "/posts/" %}})\n')
    first = body.split("\n\n")[2]
    assert first == ('{{<matomeQuote body="なるほど（1）<br>二行目" userName="user0" '
                     'createdAt="2025-02-10T00:00:00" color="" depth="0">}}')


def test_front_matter_keys_and_values() -> None:
    thread = make_thread(1, item_id=42997340)
    meta = front_matter(post_of(thread, featureimage="thumbnails/red1.jpg", draft=False))
    assert list(meta) == ["date", "months", "draft", "title", "tags", "featureimage", "hnid",
                          "convert_input", "convert_output"]
    assert meta["date"] == "2025-02-10T00:00:00"
    assert meta["months"] == "2025/02"
    assert meta["draft"] is False
    assert meta["title"] == "小さな静的サイトジェネレーターを作った"
    assert meta["tags"] == ["静的サイト", "Python"]
    assert meta["featureimage"] == "thumbnails/red1.jpg"
    assert meta["hnid"] == 42997340


@pytest.mark.parametrize("title", ["it's", 'say "hi"', "back\\slash", "'''", "a\nb", "+++"])
def test_titles_with_quotes_and_backslashes_stay_valid_toml(title: str) -> None:
    thread = make_thread(1, extra={"title_ja": title})
    post = post_of(thread)
    meta, _, _ = parse_front_matter(post.text, Path("x.md"))
    assert meta["title"] == " ".join(title.split())


def test_untranslated_thread_uses_the_english_title_and_text() -> None:
    thread = make_thread(2, translated=False)
    post = post_of(thread)
    assert front_matter(post)["title"] == "Show HN: A tiny static site generator"
    assert 'body="Comment number 1.<br>Second line."' in post.text


def test_the_recorded_hash_is_the_hash_of_the_text() -> None:
    post = post_of(make_thread(3))
    assert front_matter(post)["convert_output"] == output_hash(post.text)
    assert output_hash(post.text.replace("なるほど", "なるほどね")) != output_hash(post.text)


def test_post_date_is_the_posting_day_in_the_site_timezone() -> None:
    late = make_thread(1, extra={"time": "2025-02-28T15:30:00Z"})  # 00:30 on Mar 1 in Tokyo
    assert post_of(late).rel_path.startswith("2025_03/2025_03_01_")
    utc = Settings(timezone="UTC", max_comments=1000)
    assert post_of(late, utc).rel_path.startswith("2025_02/2025_02_28_")


def test_comment_times_are_written_in_utc_as_the_reference_blog_writes_them() -> None:
    # The reference blog (../shared/seeds/003_*.txt) writes createdAt as UTC without an offset,
    # and the renderer reads it so: the site timezone must not shift it.
    thread = make_thread(3)
    thread["comments"][0]["time"] = "2025-02-10T23:59:59Z"
    thread["comments"][1]["time"] = "2025-02-11T08:59:58+09:00"
    thread["comments"][2]["time"] = "2025-02-10T23:59:57"  # no offset: UTC, as fetch writes it
    for settings in (UNLIMITED, Settings(timezone="UTC"), Settings(timezone="America/New_York")):
        text = post_of(thread, settings).text
        assert 'createdAt="2025-02-10T23:59:59"' in text
        assert 'createdAt="2025-02-10T23:59:58"' in text
        assert 'createdAt="2025-02-10T23:59:57"' in text


def test_a_converted_comment_time_renders_as_the_time_it_was_posted(tmp_path: Path) -> None:
    thread = make_thread(1)
    thread["comments"][0]["time"] = "2025-02-10T23:59:59Z"
    post = post_of(thread, Settings())  # Asia/Tokyo
    path = tmp_path / "content" / "posts" / post.rel_path
    path.parent.mkdir(parents=True)
    path.write_text(post.text, encoding="utf-8")
    html = render_post(path, tmp_path / "content")
    assert 'datetime="2025-02-10T23:59:59Z"' in html


@pytest.mark.shared
def test_created_at_has_the_format_of_the_reference_post(shared_dir: Path) -> None:
    seed = (shared_dir / "seeds" / "003_6a8c619fcc65abb0.txt").read_text(encoding="utf-8")
    reference = re.findall(r'createdAt="([^"]*)"', seed)
    ours = re.findall(r'createdAt="([^"]*)"', post_of(make_thread(5)).text)
    shape = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d")
    assert reference and ours
    assert all(shape.fullmatch(value) for value in [*reference, *ours])


@pytest.mark.parametrize(("override", "folder", "front"), [
    ("2025-06-01", "2025_06/2025_06_01_", "2025-06-01T00:00:00"),
    ("2025-06-01T09:30:00", "2025_06/2025_06_01_", "2025-06-01T09:30:00"),
    ("2025-06-01T20:00:00Z", "2025_06/2025_06_02_", "2025-06-02T05:00:00"),
])
def test_date_override(override: str, folder: str, front: str) -> None:
    post = post_of(make_thread(1, extra={"date": override}))
    assert post.rel_path.startswith(folder)
    assert front_matter(post)["date"] == front


def test_bad_dates_are_user_errors_naming_the_file() -> None:
    with pytest.raises(UserError, match="not a date") as caught:
        post_of(make_thread(1, extra={"date": "next tuesday"}))
    assert caught.value.path == Path("t.yaml")
    thread = make_thread(1)
    thread["comments"][0]["time"] = "yesterday"
    with pytest.raises(UserError, match="comment 40000002"):
        post_of(thread)


@pytest.mark.parametrize(("title", "slug"), [
    ("Deep Dive into LLMs like ChatGPT [video]", "deep_dive_into_llms_like_chatgpt_video"),
    ("Show HN: I built a tiny static site generator in one weekend",
     "show_hn_i_built_a_tiny_static_site"),
    ("Don't use Café's “smart” quotes", "dont_use_cafes_smart_quotes"),
    ("C++ vs. Rust: 2025 edition", "c_vs_rust_2025_edition"),
    ("日本語だけのタイトル", ""),
    ("", ""),
])
def test_slugify(title: str, slug: str) -> None:
    assert slugify(title) == slug


def test_slug_falls_back_to_the_id_and_obeys_an_override() -> None:
    assert thread_slug(123, "日本語だけ") == "hn_123"
    assert thread_slug(123, "English title", "My Own Slug!") == "my_own_slug"
    assert thread_slug(123, "English title", "日本語") == "english_title"


def test_post_path_is_month_then_day_and_slug() -> None:
    post = post_of(make_thread(1, item_id=42997340, title="Deep Dive into LLMs"))
    assert post.rel_path == "2025_02/2025_02_10_deep_dive_into_llms/index.md"
    assert post.folder == "2025_02_10_deep_dive_into_llms"
    assert date(2025, 2, 10).strftime("%Y_%m") in post.rel_path


def test_a_per_thread_limit_must_be_a_number() -> None:
    with pytest.raises(UserError, match="max_comments"):
        post_of(make_thread(2, extra={"max_comments": "lots"}))
