"""One output of the plan -> its bytes, from the site view and the templates. Whatever an
output reads is read through the view, so rendering it inside a recording
(incremental/reads.py) tells what it depends on."""

from __future__ import annotations

import functools
import re

from hnmatome.site.plan import Output
from hnmatome.site.render import feeds, sitemap
from hnmatome.site.render.context import template_context, template_name
from hnmatome.site.render.templates import Templates
from hnmatome.site.view import SiteView

SYNTAX_LIGHT_STYLE = "default"
SYNTAX_DARK_STYLE = "github-dark"
_ERROR_BORDER = re.compile(r"border: 1px solid #[0-9A-Fa-f]+;?\s*")


def render_output(output: Output, view: SiteView, templates: Templates) -> bytes:
    """The bytes of one planned output (not static files or bundle resources: those are
    copied, not rendered)."""
    if output.kind in ("feed", "atom"):
        return feeds.feed(output, view)
    if output.kind == "sitemap":
        return sitemap.sitemap_xml(view)
    if output.kind == "robots":
        return sitemap.robots_txt(view)
    if output.kind == "syntax_css":
        return syntax_css()
    name = template_name(output)
    view.template(name)
    return templates.render(name, template_context(output, view)).encode("utf-8")


@functools.cache
def syntax_css() -> bytes:
    """Pygments token colours for `.highlight` blocks: light by default, dark under the
    `data-theme="dark"` attribute the theme script sets on <html>."""
    from pygments.formatters import HtmlFormatter  # only for this stylesheet

    rules = []
    for style, scope in ((SYNTAX_LIGHT_STYLE, ".highlight"),
                         (SYNTAX_DARK_STYLE, ':root[data-theme="dark"] .highlight')):
        # One rule per distinct declaration, its selectors grouped: a third of the size.
        grouped: dict[str, list[str]] = {}
        for line in HtmlFormatter(style=style).get_style_defs(scope).splitlines():
            if line.startswith(scope):  # drop global `pre` and line-number rules
                # Lexers flag what they cannot parse (Hugo front matter, shortcodes in a code
                # sample) as errors; a red box around them helps nobody reading the post.
                selector, _, body = _ERROR_BORDER.sub("", line.split(" /*", 1)[0]).partition("{")
                declarations = body.strip().rstrip("}").strip().rstrip(";").strip()
                if declarations:
                    grouped.setdefault(declarations, []).append(selector.strip())
        rules += [f"{','.join(selectors)}{{{declarations}}}"
                  for declarations, selectors in grouped.items()]
    return ("\n".join(rules) + "\n").encode()
