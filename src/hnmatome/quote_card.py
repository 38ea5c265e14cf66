"""The matomeQuote comment card: the variables its template gets, and a fast twin of the
shipped template.

A post holds ~80 cards and the corpus 94k, so a Jinja render per card dominates the build.
When templates/shortcodes/matomeQuote.html is byte-for-byte the shipped file, the card is
built by `render_shipped_card` instead; tests prove the two agree. An edited template is
always rendered by Jinja.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from markupsafe import Markup

from .css_colors import safe_color
from .dates import comment_time_iso, parse_comment_time

# sha256 of the shipped templates/shortcodes/matomeQuote.html (a test keeps it in step).
SHIPPED_CARD_SHA256 = "ec24138d14f3da431f155007c152eefd651532dc0e7651b30142c77c1c69dddf"


def is_shipped_card(source: bytes) -> bool:
    return hashlib.sha256(source).hexdigest() == SHIPPED_CARD_SHA256


def card_variables(params: Mapping[str, Any], body_html: str,
                   parse_time: bool = True) -> dict[str, Any]:
    """Template variables of one card (see the comment at the top of the template).
    `created` (a datetime) is only worked out when `parse_time`: the shipped card needs
    just the ISO text."""
    created_at = str(params.get("createdAt", ""))
    created = parse_comment_time(created_at) if created_at and parse_time else None
    try:
        depth = max(int(params.get("depth", 0)), 0)
    except (TypeError, ValueError):
        depth = 0
    return {
        "body_html": Markup(body_html),
        "user": str(params.get("userName", "")),
        "created_at": created_at,
        "created": created,
        "created_iso": comment_time_iso(created_at),
        "color": safe_color(params.get("color", "")),
        "depth": depth,
    }


def _escape(value: Any) -> str:
    """markupsafe.escape, as Jinja's autoescape applies it, without building Markup objects."""
    if isinstance(value, Markup):
        return str(value)
    return (str(value).replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")
            .replace("'", "&#39;").replace('"', "&#34;"))


def render_shipped_card(card: Mapping[str, Any]) -> str:
    """Exactly what Jinja makes of the shipped matomeQuote.html for these variables."""
    color, depth, created_at = card["color"], card["depth"], card["created_at"]
    parts = ['<article class="mq']
    if color:
        parts.append(' mq-hl"')
        parts.append(f' style="--mq-color:{_escape(color)}"')
    else:
        parts.append('"')
    if depth:
        parts.append(f' data-depth="{_escape(depth)}"')
    parts.append(f'><header class="mq-h"><span class="mq-user">{_escape(card["user"])}</span>')
    if created_at:
        parts.append(' <time class="mq-time"')
        if card["created_iso"]:
            parts.append(f' datetime="{_escape(card["created_iso"])}"')
        parts.append(f">{_escape(created_at)}</time>")
    parts.append(f'</header><p class="mq-body">{_escape(card["body_html"])}</p></article>')
    return "".join(parts)
