"""Hacker News item ids as users write them: a bare number or an item URL."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from hnmatome.core.errors import UserError, UserErrors

HN_HOSTS = frozenset({"news.ycombinator.com", "ycombinator.com", "www.ycombinator.com"})
ID_HINT = "give a positive item id (42997340) or an HN URL (https://news.ycombinator.com/item?id=42997340)"

_DIGITS = re.compile(r"[0-9]+")


def _positive(text: str) -> int | None:
    if not _DIGITS.fullmatch(text):
        return None
    value = int(text)
    # HN ids are far below 2**31; anything longer is a typo (pasted twice, a timestamp...)
    return value if 0 < value < 2**31 else None


def _id_from_url(text: str) -> int | None:
    url = text if "://" in text else f"https://{text}"
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if host not in HN_HOSTS or parts.path.rstrip("/") != "/item":
        return None
    values = parse_qs(parts.query).get("id", [])
    return _positive(values[0].strip()) if len(values) == 1 else None


def parse_item_id(text: str) -> int:
    """The item id in `text` ('42997340', 'https://news.ycombinator.com/item?id=42997340'),
    or a UserError saying what was wrong."""
    cleaned = text.strip()
    item_id = _positive(cleaned) if cleaned.isdigit() else _id_from_url(cleaned)
    if item_id is None:
        raise UserError(f"{text!r} is not a Hacker News item id or item URL", hint=ID_HINT)
    return item_id


def parse_item_ids(texts: list[str]) -> list[int]:
    """Every id in `texts`, in order, without repeats; all malformed ones reported together."""
    ids: list[int] = []
    bad: list[UserError] = []
    for text in texts:
        try:
            item_id = parse_item_id(text)
        except UserError as exc:
            bad.append(exc)
            continue
        if item_id not in ids:
            ids.append(item_id)
    if len(bad) == 1:
        raise bad[0]
    if bad:
        raise UserErrors(bad)
    return ids
