"""Shortcodes whose output depends on the site, not on the page: `list` shows the newest posts.

Rendered inside the body, such a shortcode ties the whole body to the newest posts: adding a
post would render again every body that lists the latest ones (a dozen of the corpus's
longest threads). So the build renders bodies with a marker in its place (`LateCall`) and
puts the shortcode's output in when it renders the page (`LateShortcodes.resolve`), from the
same template with the same values, so the page is byte for byte what rendering it inside
the body gave. A template that reads the page or could change the body's statistics is
rendered inside the body as before (`can_be_late`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import jinja2
from markupsafe import Markup

from hnmatome.core.errors import UserError

if TYPE_CHECKING:
    from hnmatome.content import SourcePage

LATE_SHORTCODES = frozenset({"list"})


class LatestPosts(Protocol):
    def latest_posts(self, limit: int) -> Sequence[Mapping[str, Any]]: ...


@dataclass(frozen=True)
class LateCall:
    """A late shortcode in a rendered body: `marker` stands where its output goes."""

    marker: str
    name: str
    params: Mapping[str, Any]
    args: tuple[Any, ...]
    line: int  # in the page file
    limit: int  # how many of the newest posts it shows


def shortcode_environment(folder: Path) -> jinja2.Environment:
    """The environment shortcode templates render in (PageRenderer and LateShortcodes)."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(folder), autoescape=True,
        undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def can_be_late(name: str, source: str, names: AbstractSet[str]) -> bool:
    """Whether this shortcode's template (`source`, reading the context `names`) may render
    after the body: it must not read the page (a body from the cache carries no markdown)
    nor print code highlighting (which counts in the body's statistics)."""
    if name not in LATE_SHORTCODES or "highlight" in source:
        return False
    return not {"page", "inner", "inner_html"} & names


class LateShortcodes:
    """Puts late shortcodes' output into rendered bodies."""

    def __init__(self, templates_dir: Path) -> None:
        self._folder = templates_dir / "shortcodes"
        self._env = shortcode_environment(self._folder)

    def resolve(self, html: str, calls: Sequence[LateCall], page: SourcePage,
                site: LatestPosts) -> str | None:
        """The body's HTML with every marker replaced; None when a marker is not there as
        the body's renderer left it (a template that rewrote its inner HTML): render the
        body with the shortcodes inside it instead."""
        for call in calls:
            if html.count(call.marker) != 1:
                return None
            html = html.replace(call.marker, self._output(call, page, site), 1)
        return html

    def _output(self, call: LateCall, page: SourcePage, site: LatestPosts) -> str:
        path = self._folder / f"{call.name}.html"
        # the values PageRenderer gives a shortcode template, `page` aside (can_be_late)
        values = {"name": call.name, "params": call.params, "args": call.args,
                  "page": page, "inner": "", "inner_html": Markup(""),
                  "posts": site.latest_posts(call.limit)}
        try:
            return "".join(self._env.get_template(path.name).generate(values))
        except (jinja2.TemplateError, OSError) as exc:
            raise UserError(f"shortcode {call.name!r} failed: {exc}", page.path, call.line,
                            hint=f"check templates/shortcodes/{call.name}.html") from exc
