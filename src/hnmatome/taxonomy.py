"""Taxonomies (tags, months): which posts carry each term, under Hugo's term URLs.

Terms are grouped by their URL, not their spelling: 'Firefox' and 'FireFox' share
/tags/firefox/ in Hugo, so they share one term page here; the spelling used most is shown."""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from hnmatome import urls
from hnmatome.frozen import made

_MONTH = re.compile(r"^(\d{4})/(\d{1,2})$")


@dataclass(frozen=True)
class Term:
    key: str  # urlized: the last part of the term's URL
    name: str  # the spelling shown to readers
    path: str  # site path of the term page
    posts: tuple[int, ...]  # indexes into Site.posts, newest first

    @property
    def count(self) -> int:
        return len(self.posts)

    @property
    def feed_path(self) -> str:
        return urls.feed_path(self.path)


@dataclass(frozen=True)
class Taxonomy:
    name: str  # 'tags', 'months': the front-matter key and the URL segment
    title: str  # shown to readers
    terms: tuple[Term, ...]  # in the order the index page lists them
    by_key: Mapping[str, Term] = field(default_factory=dict, repr=False, compare=False)

    @property
    def path(self) -> str:
        return urls.taxonomy_path(self.name)

    def term(self, key: str) -> Term:
        return self.by_key[key]


@dataclass(frozen=True)
class TermValue:
    """A term as one post carries it: the spelling written and where it links."""

    name: str
    key: str
    path: str


def month_label(value: str) -> str:
    """'2025/02' -> '2025年2月'; anything else as written."""
    found = _MONTH.match(value)
    return f"{found.group(1)}年{int(found.group(2))}月" if found else value


@functools.cache
def term_value(taxonomy: str, name: str) -> TermValue | None:
    """One object per spelling: every post with a tag shares it, which saves urlizing the
    tag again and storing it once per post in the build cache."""
    key = urls.urlize(name)
    return made(TermValue, name=name, key=key, path=urls.term_path(taxonomy, key)) if key else None


def build_taxonomy(name: str, title: str, values: Sequence[Sequence[TermValue]]) -> Taxonomy:
    """`values[i]` are the terms of post i (posts newest first)."""
    posts: dict[str, list[int]] = {}
    # key -> spelling -> uses; a key is nearly always spelt one way
    spellings: dict[str, dict[str, int]] = {}
    # Oldest post first, so that among equally common spellings the first one written wins.
    for index in range(len(values) - 1, -1, -1):
        for value in values[index]:
            key = value.key
            members = posts.get(key)
            if members is None:
                posts[key] = [index]
                spellings[key] = {value.name: 1}
                continue
            if members[-1] != index:
                members.append(index)
            uses = spellings[key]
            uses[value.name] = uses.get(value.name, 0) + 1
    terms = [  # Term(...), made quicker (a site has ~2,500)
        made(Term, key=key, name=_most_used(spellings[key]), path=urls.term_path(name, key),
             posts=tuple(reversed(indexes)))
        for key, indexes in posts.items()
    ]
    if name == "months":
        terms.sort(key=_month_key, reverse=True)  # newest month first
    else:
        terms.sort(key=_tag_order)
    return Taxonomy(name=name, title=title, terms=tuple(terms),
                    by_key={term.key: term for term in terms})


def _most_used(uses: dict[str, int]) -> str:
    """The spelling used most; among equals the first one counted (as Counter.most_common)."""
    if len(uses) == 1:
        return next(iter(uses))
    return max(uses, key=uses.__getitem__)


def _tag_order(term: Term) -> tuple[int, str, str]:
    return (-term.count, term.name.casefold(), term.key)


def _month_key(term: Term) -> tuple[int, int, str]:
    found = _MONTH.match(term.name)
    return (int(found.group(1)), int(found.group(2)), term.key) if found else (0, 0, term.key)


CLOUD_STEPS = 5


def tag_cloud(terms: Sequence[Term], limit: int) -> list[tuple[Term, int]]:
    """The `limit` most used terms in name order, each with a size step from 1 to CLOUD_STEPS.
    Steps follow the logarithm of the count: a few tags are used hundreds of times and most
    only once, so a linear scale would leave everything but the top few at the smallest size."""
    shown = sorted(terms, key=_tag_order)[: max(0, limit)]
    if not shown:
        return []
    low = math.log(min(term.count for term in shown))
    span = math.log(max(term.count for term in shown)) - low
    cloud = []
    for term in sorted(shown, key=lambda t: (t.name.casefold(), t.key)):
        share = (math.log(term.count) - low) / span if span else 0.0
        cloud.append((term, 1 + round(share * (CLOUD_STEPS - 1))))
    return cloud
