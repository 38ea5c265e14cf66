"""Related posts: for each post, the few others that share its most telling tags.

A shared tag counts by how rare it is (inverse document frequency): sharing `Rust` (used by
12 posts) says far more than sharing `AI` (used by 250). A candidate is kept only when it shares
a specific tag, or several common ones, and scores at least half as well as the best candidate;
everything weaker is dropped rather than padding the list."""

from __future__ import annotations

import math
from collections.abc import Sequence
from itertools import combinations

MAX_RELATED = 5
# A tag on more than this share of the posts (and more than GENERIC_MIN_POSTS) is "common":
# sharing only one such tag is a weak match.
GENERIC_SHARE = 0.05
GENERIC_MIN_POSTS = 8
RELATIVE_FLOOR = 0.5  # a kept candidate scores at least this fraction of the best one

Postings = dict[str, set[int]]


def _postings(tags: Sequence[Sequence[str]]) -> Postings:
    postings: Postings = {}
    for index, keys in enumerate(tags):
        for key in keys:
            members = postings.get(key)
            if members is None:
                postings[key] = {index}
            else:
                members.add(index)
    return postings


class _Scorer:
    """What every post's search shares: the posts of each tag, its weight, which tags are
    common, and the posts that carry both of two common tags (the same few pairs recur)."""

    def __init__(self, tags: Sequence[Sequence[str]]) -> None:
        count = len(tags)
        self.postings = _postings(tags)
        self.weights = {key: math.log((count + 1) / len(members))
                        for key, members in self.postings.items()}
        threshold = max(GENERIC_SHARE * count, GENERIC_MIN_POSTS)
        self.generic = frozenset(key for key, members in self.postings.items()
                                 if len(members) > threshold)
        self.pairs: dict[tuple[str, str], set[int]] = {}

    def candidates(self, keys: Sequence[str]) -> set[int]:
        """The posts sharing a specific tag or at least two tags with a post of `keys` (two
        tags shared, one of them specific, is in the first set already)."""
        found: set[int] = set()
        common = []
        for key in keys:
            if key in self.generic:
                common.append(key)
            else:
                found |= self.postings[key]
        for pair in combinations(common, 2):
            both = self.pairs.get(pair)
            if both is None:
                both = self.pairs[pair] = self.postings[pair[0]] & self.postings[pair[1]]
            found |= both
        return found

    def related_to(self, index: int, keys: Sequence[str], limit: int) -> tuple[int, ...]:
        postings = self.postings
        keys = [key for key in dict.fromkeys(keys) if len(postings[key]) >= 2]
        candidates = self.candidates(keys)
        candidates.discard(index)
        if not candidates:
            return ()
        scores = dict.fromkeys(candidates, 0.0)
        # Weights are added tag by tag in the order of `keys`, as a plain sum over the tags
        # would: the same floats, so ties fall the same way.
        for key in keys:
            weight = self.weights[key]
            for other in postings[key] & candidates:
                scores[other] += weight
        floor = max(scores.values()) * RELATIVE_FLOOR
        # Best score first; among equals the post closest in time, then the newer one.
        kept = [(-score, abs(other - index), other) for other, score in scores.items()
                if score >= floor]
        kept.sort()  # in C: quicker than heapq.nsmallest's loop for the few dozen kept
        return tuple([other for _, _, other in kept[:limit]])


def related_posts(tags: Sequence[Sequence[str]],
                  limit: int = MAX_RELATED) -> tuple[tuple[int, ...], ...]:
    """`tags[i]` are the term keys of post i (posts newest first); returns, for each post, the
    indexes of its related posts, best first (possibly none)."""
    scorer = _Scorer(tags)
    return tuple(scorer.related_to(index, keys, limit) for index, keys in enumerate(tags))
