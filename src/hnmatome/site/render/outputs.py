"""One output of the plan -> its bytes, from the site view and the templates (and, made here,
the sitemap, robots.txt and the code highlighting stylesheet). Whatever an
output reads is read through the view, so rendering it inside a recording
(incremental/reads.py) tells what it depends on."""

from __future__ import annotations

import functools
import re

from hnmatome.site.plan import Output
from hnmatome.site.render import feeds
from hnmatome.site.render.context import template_context, template_name
from hnmatome.site.render.feeds import DECLARATION, escaped
from hnmatome.site.render.templates import Templates
from hnmatome.site.view import SiteView

SYNTAX_LIGHT_STYLE = "default"
SYNTAX_DARK_STYLE = "github-dark"
_ERROR_BORDER = re.compile(r"border: 1px solid #[0-9A-Fa-f]+;?\s*")
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def render_output(output: Output, view: SiteView, templates: Templates) -> bytes:
    """The bytes of one planned output (not static files or bundle resources: those are
    copied, not rendered)."""
    if output.kind in ("feed", "atom"):
        return feeds.feed(output, view)
    if output.kind == "sitemap":
        return sitemap_xml(view)
    if output.kind == "robots":
        return robots_txt(view)
    if output.kind == "syntax_css":
        return syntax_css()
    name = template_name(output)
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


# --------------------------------------------------------------------------- sitemap, robots


def sitemap_xml(view: SiteView) -> bytes:
    permalink = view.links().permalink
    parts = [DECLARATION, f'<urlset xmlns="{SITEMAP_NS}">\n']
    for path, updated in view.locations():
        lastmod = f"<lastmod>{updated}</lastmod>\n" if updated else ""
        parts.append(f"<url>\n<loc>{escaped(permalink(path))}</loc>\n{lastmod}</url>\n")
    parts.append("</urlset>\n")
    return "".join(parts).encode("utf-8", "xmlcharrefreplace")


def robots_txt(view: SiteView) -> bytes:
    return (f"User-agent: *\nAllow: /\n\nSitemap: {view.links().permalink('/sitemap.xml')}\n"
            .encode())
