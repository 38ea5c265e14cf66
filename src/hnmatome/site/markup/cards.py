"""The template variables of one comment card (matomeQuote): its time as readers read it, its
colour checked, its reply depth."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from markupsafe import Markup

from hnmatome.core.dates import comment_time_iso, parse_comment_time


def card_variables(params: Mapping[str, Any], body_html: str, tz: ZoneInfo) -> dict[str, Any]:
    """Template variables of one comment card (see the comment at the top of the template);
    `tz`: the site timezone, in which `created_label` shows the time."""
    created_at = str(params.get("createdAt", ""))
    created = parse_comment_time(created_at) if created_at else None
    return {
        "body_html": Markup(body_html),
        "user": str(params.get("userName", "")),
        "created_at": created_at,
        "created": created,
        "created_iso": comment_time_iso(created_at),
        "created_label": time_label(created, tz) if created else "",
        "color": safe_color(params.get("color", "")),
        "depth": _depth(params.get("depth", 0)),
    }


def time_label(moment: datetime, tz: ZoneInfo) -> str:
    """'6月24日 01:57': a comment's time as a Japanese reader reads it, in the site timezone."""
    local = moment.astimezone(tz)
    return f"{local.month}月{local.day}日 {local.hour:02d}:{local.minute:02d}"


def _depth(value: Any) -> int:
    try:
        return max(int(value), 0)
    except (TypeError, ValueError):
        return 0


_HEX_COLOR = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})")
# The CSS Color Module named colours.
_COLOR_NAMES = """
aliceblue antiquewhite aqua aquamarine azure beige bisque black blanchedalmond blue blueviolet
brown burlywood cadetblue chartreuse chocolate coral cornflowerblue cornsilk crimson cyan
darkblue darkcyan darkgoldenrod darkgray darkgreen darkgrey darkkhaki darkmagenta darkolivegreen
darkorange darkorchid darkred darksalmon darkseagreen darkslateblue darkslategray darkslategrey
darkturquoise darkviolet deeppink deepskyblue dimgray dimgrey dodgerblue firebrick floralwhite
forestgreen fuchsia gainsboro ghostwhite gold goldenrod gray green greenyellow grey honeydew
hotpink indianred indigo ivory khaki lavender lavenderblush lawngreen lemonchiffon lightblue
lightcoral lightcyan lightgoldenrodyellow lightgray lightgreen lightgrey lightpink lightsalmon
lightseagreen lightskyblue lightslategray lightslategrey lightsteelblue lightyellow lime
limegreen linen magenta maroon mediumaquamarine mediumblue mediumorchid mediumpurple
mediumseagreen mediumslateblue mediumspringgreen mediumturquoise mediumvioletred midnightblue
mintcream mistyrose moccasin navajowhite navy oldlace olive olivedrab orange orangered orchid
palegoldenrod palegreen paleturquoise palevioletred papayawhip peachpuff peru pink plum
powderblue purple rebeccapurple red rosybrown royalblue saddlebrown salmon sandybrown seagreen
seashell sienna silver skyblue slateblue slategray slategrey snow springgreen steelblue tan teal
thistle tomato turquoise violet wheat white whitesmoke yellow yellowgreen
"""
NAMED_COLORS = frozenset(_COLOR_NAMES.split())


def safe_color(value: object) -> str:
    """`value` if it is #rgb, #rrggbb or a CSS colour name, else '' (it is dropped): the
    colour of a card comes from untrusted input and lands in a style attribute."""
    if not isinstance(value, str):
        return ""
    color = value.strip()
    if _HEX_COLOR.fullmatch(color) or color.lower() in NAMED_COLORS:
        return color
    return ""
