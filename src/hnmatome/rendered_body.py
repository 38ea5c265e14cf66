"""A page body as rendered (shortcodes.PageRenderer) or read back from the build cache: a
module of its own, so that reading bodies does not load the markdown stack (~0.1 s)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hnmatome.late_shortcodes import LateCall


@dataclass(frozen=True)
class RenderedBody:
    html: str  # the article body HTML
    text: str  # plain text of the body (reading time, descriptions, feeds, search)
    comment_count: int  # number of matomeQuote shortcodes
    first_comment: str  # plain text of the first matomeQuote body ('' if none)
    # shortcodes whose output goes in when the page renders (render(..., late=True))
    late: tuple[LateCall, ...] = ()
