"""Taxonomies (tags, months): which posts carry each term, under Hugo's term URLs.

Terms are grouped by their URL, not their spelling: 'Firefox' and 'FireFox' share
/tags/firefox/ in Hugo, so they share one term page here; the spelling used most is shown."""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from hnmatome.site import urls

_MONTH = re.compile(r"^(\d{4})/(\d{1,2})$")
TAXONOMY_TITLES = {"tags": "タグ", "months": "月別アーカイブ"}


@dataclass(frozen=True)
class Taxonomy:
    """A taxonomy as templates see it; its terms are a separate read (SiteView.terms)."""

    name: str  # 'tags', 'months': the front-matter key and the URL segment
    title: str  # shown to readers

    @property
    def path(self) -> str:
        return urls.taxonomy_path(self.name)


@dataclass(frozen=True)
class Term:
    key: str  # urlized: the last part of the term's URL
    name: str  # the spelling shown to readers
    path: str  # site path of the term page
    posts: tuple[str, ...]  # rels of its posts, newest first

    @property
    def count(self) -> int:
        return len(self.posts)

    @property
    def feed_path(self) -> str:
        return urls.feed_path(self.path)


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
    """The term a post's value belongs to; None when nothing of it is usable in a URL."""
    key = urls.urlize(name)
    return TermValue(name=name, key=key, path=urls.term_path(taxonomy, key)) if key else None


def build_terms(taxonomy: str, posts: Sequence[tuple[str, Sequence[TermValue]]]
                ) -> tuple[Term, ...]:
    """The terms of `taxonomy`, in the order its index lists them; `posts` are (rel, values)
    pairs, newest post first."""
    members: dict[str, list[str]] = {}
    spellings: dict[str, dict[str, int]] = {}  # key -> spelling -> uses
    # Oldest post first, so that among equally common spellings the first one written wins.
    for rel, values in reversed(posts):
        for value in values:
            found = members.setdefault(value.key, [])
            if not found or found[-1] != rel:
                found.append(rel)
            uses = spellings.setdefault(value.key, {})
            uses[value.name] = uses.get(value.name, 0) + 1
    terms = [Term(key, _most_used(spellings[key]), urls.term_path(taxonomy, key),
                  tuple(reversed(rels)))
             for key, rels in members.items()]
    if taxonomy == "months":
        terms.sort(key=_month_order, reverse=True)  # newest month first
    else:
        terms.sort(key=_tag_order)
    return tuple(terms)


def _most_used(uses: dict[str, int]) -> str:
    """The spelling used most; among equals the first one counted (as Counter.most_common)."""
    return max(uses, key=uses.__getitem__)


def _tag_order(term: Term) -> tuple[int, str, str]:
    return (-term.count, term.name.casefold(), term.key)


def _month_order(term: Term) -> tuple[int, int, str]:
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


def by_year(terms: Sequence[Term]) -> list[tuple[int | str, list[Term]]]:
    """Month terms ('2025/02') grouped by year, in their (newest first) order."""
    years: dict[int | str, list[Term]] = {}
    for term in terms:
        head = term.name.split("/", 1)[0]
        years.setdefault(int(head) if head.isdigit() else head, []).append(term)
    return list(years.items())
