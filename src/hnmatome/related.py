"""Related posts: for each post, the few others that share its most telling tags.

A shared tag counts by how rare it is (inverse document frequency): sharing `Rust` (used by
12 posts) says far more than sharing `AI` (used by 250). A candidate is kept only when it shares
a specific tag, or several common ones, and scores at least half as well as the best candidate;
everything weaker is dropped rather than padding the list."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from itertools import chain

MAX_RELATED = 5
# A tag on more than this share of the posts (and more than GENERIC_MIN_POSTS) is "common":
# sharing only one such tag is a weak match.
GENERIC_SHARE = 0.05
GENERIC_MIN_POSTS = 8
RELATIVE_FLOOR = 0.5  # a kept candidate scores at least this fraction of the best one


def _postings(tags: Sequence[Sequence[str]]) -> dict[str, list[int]]:
    postings: dict[str, list[int]] = {}
    for index, keys in enumerate(tags):
        for key in dict.fromkeys(keys):
            postings.setdefault(key, []).append(index)
    return postings


def _related_to(index: int, keys: Sequence[str], postings: dict[str, list[int]],
                weights: dict[str, float], generic: frozenset[str],
                limit: int) -> tuple[int, ...]:
    keys = [key for key in dict.fromkeys(keys) if len(postings[key]) >= 2]
    # Only candidates that share a specific tag, or several tags, can be kept: count the
    # shared tags first (in C), and add up weights only for those few. The weights are added
    # in the order of `keys`, as in a plain sum over the tags, so equal inputs give equal floats.
    shared = Counter(chain.from_iterable(postings[key] for key in keys))
    specific = set(chain.from_iterable(postings[key] for key in keys if key not in generic))
    scores = {other: 0.0 for other, count in shared.items()
              if other != index and (count >= 2 or other in specific)}
    if not scores:
        return ()
    for key in keys:
        weight = weights[key]
        for other in postings[key]:
            if other in scores:
                scores[other] += weight
    best = max(scores.values())
    kept = [other for other, score in scores.items() if score >= best * RELATIVE_FLOOR]
    # Best score first; among equals the post closest in time, then the newer one.
    kept.sort(key=lambda other: (-scores[other], abs(other - index), other))
    return tuple(kept[:limit])


def related_posts(tags: Sequence[Sequence[str]],
                  limit: int = MAX_RELATED) -> tuple[tuple[int, ...], ...]:
    """`tags[i]` are the term keys of post i (posts newest first); returns, for each post, the
    indexes of its related posts, best first (possibly none)."""
    count = len(tags)
    postings = _postings(tags)
    weights = {key: math.log((count + 1) / len(members)) for key, members in postings.items()}
    threshold = max(GENERIC_SHARE * count, GENERIC_MIN_POSTS)
    generic = frozenset(key for key, members in postings.items() if len(members) > threshold)
    return tuple(_related_to(index, keys, postings, weights, generic, limit)
                 for index, keys in enumerate(tags))
