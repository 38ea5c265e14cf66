"""One output of the plan -> its bytes. A pure function of (output, site model, templates, the
page's rendered body), so it can run in any process and be cached by its inputs."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from hnmatome import feeds, sitemap, social, urls
from hnmatome.plan import Output, section_pagers, term_pagers
from hnmatome.site import Entry, Site, stats_of
from hnmatome.taxonomy import Term, month_label, tag_cloud
from hnmatome.templating import Templates

if TYPE_CHECKING:  # the markdown stack loads only when a body is rendered
    from hnmatome.rendered_body import RenderedBody

SYNTAX_LIGHT_STYLE = "default"
SYNTAX_DARK_STYLE = "github-dark"
HOME_TAGS = 24  # tags shown on the home page, most used first
CLOUD_TAGS = 120  # tags in the cloud on /tags/ (every tag is listed below it)
LONG_POST_CHARS = 3000  # posts this long get a reading-progress bar
DEFAULT_SHARE_IMAGE = "og-image.jpg"  # under static/ (scripts/make_og_image.py draws it)
_ERROR_BORDER = re.compile(r"border: 1px solid #[0-9A-Fa-f]+;?\s*")


def _base_context(site: Site, output: Output) -> dict[str, Any]:
    links = site.links
    versions = site.info.asset_versions

    def asset(path: str) -> str:
        version = versions.get(path)
        return links.href("/" + path) + (f"?v={version}" if version else "")

    return {
        "site": site.info,
        "href": links.href,
        "permalink": links.permalink,
        "asset": asset,
        "canonical": links.permalink("/" + output.path.removesuffix("index.html")),
        "output": output,
        "taxonomies": site.taxonomies,
        "site_pages": site.pages,
        "month_label": month_label,
        "description": site.info.description,
        "has_code": False,
        "feed": "",
        "pager_path": urls.pager_path,
        "section_nav": _section_nav(output),
        "og_type": "website",
        "og_image": _default_image(site),
        "jsonld": None,
        "atom_feed": urls.ATOM_FEED,
        "search_bundle": links.href(urls.SEARCH_BUNDLE),
    }


def _default_image(site: Site) -> str:
    """The share image of pages without their own: `image` in [tool.hnmatome] (a path under
    static/ or a URL; '' for none), by default the shipped static/og-image.jpg. Never derived
    from posts: then every page would change whenever the newest post does."""
    image = site.info.params.get("image", DEFAULT_SHARE_IMAGE)
    if not isinstance(image, str) or not image:
        return ""
    path = image if "://" in image or image.startswith("/") else "/" + image
    return site.links.permalink(path)


def _section_nav(output: Output) -> str:
    """The header link of the section this output belongs to (marked aria-current)."""
    if output.kind in ("section", "post"):
        return urls.section_path(urls.POSTS_SECTION)
    if output.kind in ("taxonomy", "term"):
        return urls.taxonomy_path(output.key)
    return ""


def _entries(site: Site, indexes: tuple[int, ...]) -> list[Entry]:
    return [site.posts[i] for i in indexes]


def _post_context(site: Site, output: Output, body: RenderedBody) -> dict[str, Any]:
    entry = site.entry(output.key)
    stats = stats_of(body)
    context: dict[str, Any] = {"entry": entry, "body": Markup(body.html), "stats": stats,
                               "has_code": stats.has_code,
                               "description": entry.description or stats.excerpt
                               or site.info.description}
    if output.kind == "post":
        index = site.post_index(output.key)
        context.update(newer=site.newer(index), older=site.older(index),
                       related=site.related_to(index))
        context.update(_social_context(site, entry, context["description"]))
        context["long_post"] = stats.chars >= LONG_POST_CHARS
    return context


def _social_context(site: Site, entry: Entry, description: str) -> dict[str, Any]:
    url = site.links.permalink(entry.path)
    image = site.links.permalink(entry.image) if entry.image else _default_image(site)
    data = social.post_jsonld(entry, site.info, url, site.links.permalink(urls.HOME),
                              description, image)
    return {"og_type": "article", "og_image": image, "jsonld": social.json_for_script(data),
            "share": social.share_links(entry.title, url), "share_url": url}


def _home_context(site: Site) -> dict[str, Any]:
    tags = site.taxonomy("tags").terms[:HOME_TAGS]
    home = site.links.permalink(urls.HOME)
    return {"posts": site.posts[: site.info.home_size], "tags": tags,
            "months": site.taxonomy("months").terms, "post_count": len(site.posts),
            "feed": "/index.xml",
            "jsonld": social.json_for_script(social.site_jsonld(site.info, home))}


def _section_context(site: Site, output: Output) -> dict[str, Any]:
    pager = section_pagers(site)[output.number - 1]
    return {"pager": pager, "posts": _entries(site, pager.items), "heading": "記事一覧",
            "term": None, "taxonomy": None, "feed": urls.feed_path(pager.list_path)}


def _term_context(site: Site, output: Output) -> dict[str, Any]:
    taxonomy = site.taxonomy(output.key)
    term = taxonomy.term(output.term)
    pager = term_pagers(site, output.key, output.term)[output.number - 1]
    heading = month_label(term.name) if taxonomy.name == "months" else term.name
    return {"pager": pager, "posts": _entries(site, pager.items), "heading": heading,
            "term": term, "taxonomy": taxonomy, "feed": term.feed_path}


def _taxonomy_context(site: Site, output: Output) -> dict[str, Any]:
    taxonomy = site.taxonomy(output.key)
    months = taxonomy.name == "months"
    return {"taxonomy": taxonomy, "terms": taxonomy.terms, "heading": taxonomy.title,
            "years": _by_year(taxonomy.terms) if months else [],
            "cloud": [] if months else tag_cloud(taxonomy.terms, CLOUD_TAGS)}


def _by_year(terms: tuple[Term, ...]) -> list[tuple[int | str, list[Term]]]:
    """Month terms ('2025/02') grouped by year, in their (newest first) order."""
    years: dict[int | str, list[Term]] = {}
    for term in terms:
        head = term.name.split("/", 1)[0]
        years.setdefault(int(head) if head.isdigit() else head, []).append(term)
    return list(years.items())


_TEMPLATES = {"post": "post.html", "page": "page.html", "home": "home.html",
              "section": "list.html", "term": "list.html", "alias": "alias.html",
              "notfound": "404.html"}


def _template_context(site: Site, output: Output, body: RenderedBody | None) -> dict[str, Any]:
    builders: Mapping[str, Callable[[], dict[str, Any]]] = {
        "home": lambda: _home_context(site),
        "section": lambda: _section_context(site, output),
        "term": lambda: _term_context(site, output),
        "alias": lambda: {"target": site.links.permalink(output.target)},
        "notfound": dict,
    }
    if output.is_page:
        if body is None:
            raise ValueError(f"{output.path}: a {output.kind} needs its rendered body")
        return _post_context(site, output, body)
    return builders[output.kind]()


def render_output(output: Output, site: Site, templates: Templates,
                  body: RenderedBody | None = None,
                  bodies: Mapping[str, feeds.Body] | None = None) -> bytes:
    """The bytes of one planned output (not static files or bundle resources: those are
    copied, not rendered). Feeds take the rendered HTML of the newest posts in `bodies`
    (by rel; see feeds.full_content_rels), or feeds.feed_content() of it."""
    if output.kind in ("feed", "atom"):
        return feeds.feed_for(output, site, bodies)
    if output.kind == "sitemap":
        return sitemap.sitemap_xml(site)
    if output.kind == "robots":
        return robots_txt(site)
    if output.kind == "syntax_css":
        return syntax_css()
    name, context = template_context(output, site, body)
    return templates.render(name, context, scope=site).encode("utf-8")


CODE_RENDERED = frozenset({"feed", "atom", "sitemap", "robots", "syntax_css"})


def template_context(output: Output, site: Site,
                     body: RenderedBody | None = None) -> tuple[str, dict[str, Any]]:
    """The template and the whole context of an output rendered by a template (every kind but
    CODE_RENDERED): the build cache fingerprints exactly what the template is given."""
    if output.kind == "taxonomy":
        context = _taxonomy_context(site, output)
    else:
        context = _template_context(site, output, body)
    return template_name(output), _base_context(site, output) | context


def template_name(output: Output) -> str:
    if output.kind == "taxonomy":
        return "months.html" if output.key == "months" else "taxonomy.html"
    return _TEMPLATES[output.kind]


def robots_txt(site: Site) -> bytes:
    return (f"User-agent: *\nAllow: /\n\nSitemap: {site.links.permalink('/sitemap.xml')}\n"
            .encode())


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
