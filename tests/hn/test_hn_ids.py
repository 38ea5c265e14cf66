from __future__ import annotations

import pytest

from hnmatome.core.errors import UserError, UserErrors
from hnmatome.hn.ids import parse_item_id, parse_item_ids


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("42997340", 42997340),
        ("  42997340\n", 42997340),
        ("https://news.ycombinator.com/item?id=45395991", 45395991),
        ("http://news.ycombinator.com/item?id=1", 1),
        ("news.ycombinator.com/item?id=8863", 8863),
        ("https://news.ycombinator.com/item?id=48350598#48351450", 48350598),
        ("https://NEWS.ycombinator.com/item/?id=7", 7),
        ("https://news.ycombinator.com/item?id=42&p=2", 42),
    ],
)
def test_accepts_ids_and_item_urls(text: str, expected: int) -> None:
    assert parse_item_id(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "", "abc", "0", "-5", "1.5", "1e5", "12abc", "４２", "99999999999",
        "https://example.com/item?id=1",
        "https://news.ycombinator.com/user?id=pg",
        "https://news.ycombinator.com/item?id=abc",
        "https://news.ycombinator.com/item",
        "https://news.ycombinator.com/item?id=1&id=2",
        "https://news.ycombinator.com.evil.example/item?id=1",
    ],
)
def test_rejects_anything_else_with_a_hint(text: str) -> None:
    with pytest.raises(UserError) as caught:
        parse_item_id(text)
    assert repr(text) in caught.value.message
    assert caught.value.hint and "item?id=" in caught.value.hint


def test_many_ids_keep_order_and_drop_repeats() -> None:
    assert parse_item_ids(["3", "https://news.ycombinator.com/item?id=1", "3", "2"]) == [3, 1, 2]


def test_every_malformed_id_is_reported_at_once() -> None:
    with pytest.raises(UserErrors) as caught:
        parse_item_ids(["x", "1", "y"])
    assert [e.message for e in caught.value.errors] == [
        "'x' is not a Hacker News item id or item URL",
        "'y' is not a Hacker News item id or item URL",
    ]
