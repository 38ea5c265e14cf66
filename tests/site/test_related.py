"""related.py scores only the posts that can be kept (sharing a specific tag, or two tags);
this is the plain version it replaced (every candidate scored), kept as the reference: both
must give the same posts in the same order for any tags, float ties included."""

from __future__ import annotations

import math
from collections.abc import Sequence

from hypothesis import given, settings
from hypothesis import strategies as st

from hnmatome.site.related import (
    GENERIC_MIN_POSTS,
    GENERIC_SHARE,
    MAX_RELATED,
    RELATIVE_FLOOR,
    related_posts,
)


def plain_related(tags: Sequence[Sequence[str]], limit: int = MAX_RELATED,
                  ) -> tuple[tuple[int, ...], ...]:
    count = len(tags)
    postings: dict[str, list[int]] = {}
    for index, keys in enumerate(tags):
        for key in dict.fromkeys(keys):
            postings.setdefault(key, []).append(index)
    weights = {key: math.log((count + 1) / len(members)) for key, members in postings.items()}
    threshold = max(GENERIC_SHARE * count, GENERIC_MIN_POSTS)
    generic = {key for key, members in postings.items() if len(members) > threshold}
    found = []
    for index, keys in enumerate(tags):
        scores: dict[int, float] = {}
        specific: set[int] = set()
        shared: dict[int, int] = {}
        for key in dict.fromkeys(keys):
            members = postings[key]
            if len(members) < 2:
                continue
            for other in members:
                if other != index:
                    scores[other] = scores.get(other, 0.0) + weights[key]
                    shared[other] = shared.get(other, 0) + 1
            if key not in generic:
                specific.update(members)
        strong = [other for other in scores if other in specific or shared[other] >= 2]
        if not strong:
            found.append(())
            continue
        best = max(scores[other] for other in strong)
        kept = [other for other in strong if scores[other] >= best * RELATIVE_FLOOR]
        kept.sort(key=lambda other: (-scores[other], abs(other - index), other))
        found.append(tuple(kept[:limit]))
    return tuple(found)


# Few tag names over many posts: common tags (generic ones too), repeats and ties.
tag_lists = st.lists(st.lists(st.sampled_from("abcdefghij"), max_size=6), max_size=80)


@settings(max_examples=300, deadline=None)
@given(tag_lists)
def test_related_posts_equal_the_plain_scoring(tags: list[list[str]]) -> None:
    assert related_posts(tags) == plain_related(tags)


# More posts than the generic threshold's minimum, several common tags on most of them: the
# pairs of common tags and many candidates of equal score are exercised.
many_posts = st.lists(st.lists(st.sampled_from("abcdefgh"), min_size=1, max_size=5),
                      min_size=20, max_size=160)


@settings(max_examples=80, deadline=None)
@given(many_posts, st.integers(min_value=0, max_value=8))
def test_related_posts_equal_the_plain_scoring_on_larger_sites(tags: list[list[str]],
                                                               limit: int) -> None:
    assert related_posts(tags, limit) == plain_related(tags, limit)


def test_a_site_with_generic_tags_relates_alike() -> None:
    # 60 posts: 'ai' and 'web' on most (generic), rare tags on a few
    tags = [["ai", "web"] if n % 3 else ["ai", f"rare{n % 7}", "web"] for n in range(60)]
    tags[5].append("rust")
    tags[17].append("rust")
    expected = plain_related(tags)
    assert related_posts(tags) == expected
    assert 17 in expected[5]
