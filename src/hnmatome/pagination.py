"""Splitting a list of posts into pages with Hugo's URLs (/list/, /list/page/2/, ...)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from hnmatome import urls


@dataclass(frozen=True)
class Pager:
    """One page of a paginated list. `items` are indexes into `Site.posts`."""

    list_path: str
    number: int
    total: int
    page_size: int
    item_count: int
    items: tuple[int, ...]

    @property
    def path(self) -> str:
        return urls.pager_path(self.list_path, self.number)

    @property
    def prev_path(self) -> str | None:
        return urls.pager_path(self.list_path, self.number - 1) if self.number > 1 else None

    @property
    def next_path(self) -> str | None:
        has_next = self.number < self.total
        return urls.pager_path(self.list_path, self.number + 1) if has_next else None

    @property
    def first_position(self) -> int:
        """1-based position of this page's first item in the whole list ('101〜200件目')."""
        return (self.number - 1) * self.page_size + 1 if self.items else 0

    @property
    def last_position(self) -> int:
        return (self.number - 1) * self.page_size + len(self.items)


def paginate(list_path: str, items: Sequence[int], page_size: int) -> tuple[Pager, ...]:
    """Pagers for `items`; an empty list still has one (empty) page, as in Hugo."""
    chunks = [tuple(items[i : i + page_size]) for i in range(0, len(items), page_size)] or [()]
    return tuple(
        Pager(list_path=list_path, number=number, total=len(chunks), page_size=page_size,
              item_count=len(items), items=chunk)
        for number, chunk in enumerate(chunks, start=1)
    )
