"""Helpers for tests of the site model without disk: pages made in memory."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from hnmatome.site.content import SourcePage

TOKYO = ZoneInfo("Asia/Tokyo")
START = datetime(2025, 2, 1, tzinfo=TOKYO)


def page(rel: str, *, day: int = 0, tags: tuple[str, ...] = (), months: tuple[str, ...] = (),
         title: str = "", slug: str = "", draft: bool = False) -> SourcePage:
    kind = "post" if rel.startswith("posts/") else "page"
    return SourcePage(
        content_dir=Path("/content"), rel=rel, section="posts" if kind == "post" else "",
        kind=kind, bundle=rel.endswith("/index.md"), title=title or rel,
        date=START + timedelta(days=day), lastmod=None, draft=draft, tags=tags, months=months,
        featureimage="", description="", slug=slug, hnid=None, meta={}, body="", body_line=1,
        source_hash="",
    )
