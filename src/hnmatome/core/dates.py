"""Dates as Hugo reads them: TOML/YAML datetimes or strings, no offset meaning the site timezone."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from hnmatome.core.errors import UserError

# Formats fromisoformat does not take but Hugo's date casting does (and hand-written posts use).
_EXTRA_FORMATS = (
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d",
    "%Y-%m-%d %H:%M:%S %z",
    "%d %b %Y",
    "%a, %d %b %Y %H:%M:%S %z",
)

DATE_HINT = "write it as '2025-02-10', '2025-02-10T08:00:00' or '2025-02-10T08:00:00+09:00'"


def _from_string(text: str) -> datetime | None:
    text = text.strip()
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        pass
    for fmt in _EXTRA_FORMATS:
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    return None


def parse_date(value: Any, tz: ZoneInfo, path: Path, line: int | None = None) -> datetime:
    """An aware datetime; a value without an offset is taken to be in `tz` (the site timezone)."""
    parsed: datetime | None
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, date):
        parsed = datetime.combine(value, time())
    elif isinstance(value, str):
        parsed = _from_string(value)
    else:
        parsed = None
    if parsed is None:
        raise UserError(f"cannot read the date {value!r}", path, line, hint=DATE_HINT)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=tz)
    return parsed


_COMMENT_TIME = re.compile(r"\d{4}[-/]\d\d[-/]\d\d[T ]\d\d:\d\d:\d\d")


def comment_time_iso(text: str) -> str:
    """`createdAt` as an ISO 8601 UTC time for <time datetime>, '' when unreadable."""
    if _COMMENT_TIME.fullmatch(text):  # fixed widths: the fields are at fixed offsets
        return f"{text[:4]}-{text[5:7]}-{text[8:10]}T{text[11:]}Z"
    parsed = parse_comment_time(text) if text else None
    return parsed.isoformat(timespec="seconds").replace("+00:00", "Z") if parsed else ""


def parse_comment_time(text: str) -> datetime | None:
    """A matomeQuote `createdAt` ('2025-02-10T08:38:56' or '2025/09/27 15:01:17', UTC) or None."""
    try:
        parsed = datetime.fromisoformat(text.replace("/", "-"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
