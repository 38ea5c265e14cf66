"""The matomeQuote comment card: the variables its template gets, and a fast twin of the
shipped template.

A post holds ~80 cards and the corpus 94k, so a Jinja render per card dominates the build.
When templates/shortcodes/matomeQuote.html is byte-for-byte the shipped file, the card is
built by `shipped_card_html` instead; tests prove the two agree. An edited template is
always rendered by Jinja.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from typing import Any

from markupsafe import Markup

from hnmatome.core.dates import comment_time_iso, parse_comment_time
from hnmatome.css_colors import safe_color

# sha256 of the shipped templates/shortcodes/matomeQuote.html (a test keeps it in step).
SHIPPED_CARD_SHA256 = "ec24138d14f3da431f155007c152eefd651532dc0e7651b30142c77c1c69dddf"


def is_shipped_card(source: bytes) -> bool:
    return hashlib.sha256(source).hexdigest() == SHIPPED_CARD_SHA256


def card_variables(params: Mapping[str, Any], body_html: str) -> dict[str, Any]:
    """Template variables of one card (see the comment at the top of the template)."""
    created_at = str(params.get("createdAt", ""))
    created = parse_comment_time(created_at) if created_at else None
    depth = _depth(params.get("depth", 0))
    return {
        "body_html": Markup(body_html),
        "user": str(params.get("userName", "")),
        "created_at": created_at,
        "created": created,
        "created_iso": comment_time_iso(created_at),
        "color": safe_color(params.get("color", "")),
        "depth": depth,
    }


_HTML_SPECIAL = re.compile(r"[&<>'\"]")


def _escape(text: str) -> str:
    """markupsafe.escape (what Jinja's autoescape applies), without building Markup objects."""
    if _HTML_SPECIAL.search(text) is None:
        return text  # most user names and times: one scan instead of five replaces
    return (text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")
            .replace("'", "&#39;").replace('"', "&#34;"))


def _depth(value: Any) -> int:
    try:
        return max(int(value), 0)
    except (TypeError, ValueError):
        return 0


def shipped_card_html(params: Mapping[str, Any], body_html: str) -> str:
    """Exactly what Jinja makes of the shipped matomeQuote.html with
    card_variables(params, body_html). The colour, depth and ISO time are safe by
    construction (validated or formatted here), so only the user and time text are escaped."""
    created_at = str(params.get("createdAt", ""))
    color = params.get("color")
    color = safe_color(color) if color else ""  # (safe_color gives '' for every falsy value)
    depth = params.get("depth")
    depth = _depth(depth) if depth is not None else 0
    head = f'<article class="mq mq-hl" style="--mq-color:{color}"' if color else \
        '<article class="mq"'
    if depth:
        head += f' data-depth="{depth}"'
    user = _escape(str(params.get("userName", "")))
    time = ""
    if created_at:
        iso = comment_time_iso(created_at)
        stamp = f' datetime="{iso}"' if iso else ""
        time = f' <time class="mq-time"{stamp}>{_escape(created_at)}</time>'
    return (f'{head}><header class="mq-h"><span class="mq-user">{user}</span>{time}</header>'
            f'<p class="mq-body">{body_html}</p></article>')
