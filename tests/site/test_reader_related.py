"""Related posts: chosen by shared tags, rare tags counting most, weak matches dropped."""

from __future__ import annotations

from pathlib import Path

from hnmatome.site.related import MAX_RELATED, related_posts

# 20 posts tagged 'common' (too common to relate posts on its own), plus a few specific tags.
COMMON = [["common"] for _ in range(14)]


def test_a_shared_rare_tag_relates_posts() -> None:
    tags = [["rust", "common"], ["rust"], ["python", "common"], ["go"], *COMMON]
    related = related_posts(tags)
    assert related[0] == (1,)
    assert related[1] == (0,)
    assert related[3] == ()  # 'go' is its own only


def test_sharing_only_a_common_tag_is_a_weak_match() -> None:
    tags = [["common", "solo1"], ["common", "solo2"], *COMMON]
    assert related_posts(tags)[0] == ()


def test_two_common_tags_together_are_enough() -> None:
    second = [["common", "popular"] for _ in range(10)]
    tags = [["common", "popular", "solo"], *second, *COMMON]
    assert len(related_posts(tags)[0]) == MAX_RELATED


def test_candidates_far_below_the_best_are_dropped() -> None:
    tags = [["a", "b", "c"], ["a", "b", "c"], ["a"], *COMMON]
    # post 1 shares three tags, post 2 one: less than half as related
    assert related_posts(tags)[0] == (1,)


def test_equals_nearest_in_time_first_and_at_most_five() -> None:
    tags = [["x"] for _ in range(7)] + COMMON
    related = related_posts(tags)
    assert related[0] == (1, 2, 3, 4, 5)
    assert related[3] == (2, 4, 1, 5, 0)  # posts are in date order: nearest first
    assert all(index not in r for index, r in enumerate(related))


def test_corpus_posts_mostly_get_three_to_five(shared_dir: Path, tmp_path: Path) -> None:
    from hnmatome.core.settings import Settings
    from hnmatome.site.content import load_content
    from hnmatome.site.model import assemble

    settings = Settings()
    pages = load_content(shared_dir / "corpus" / "kaigai-matome", settings)
    site = assemble(pages, settings)
    counts = [len(r) for r in site.related.values()]
    assert len(counts) == len(site.posts) > 1000
    assert max(counts) == MAX_RELATED
    assert sum(3 <= c <= 5 for c in counts) / len(counts) > 0.8
    for rel, related in site.related.items():
        mine = {t.key for t in site.entry(rel).tags}
        assert all(mine & {t.key for t in site.entry(other).tags} for other in related)
