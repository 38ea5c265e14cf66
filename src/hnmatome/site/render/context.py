"""What each kind of page's template is given. Every value that reads the site is Lazy and
reads it through the view's queries, so a page records exactly what its templates use."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from markupsafe import Markup

from hnmatome.site import urls
from hnmatome.site.markup.lead import post_lead
from hnmatome.site.plan import Output, pager
from hnmatome.site.render import social
from hnmatome.site.render.templates import Lazy
from hnmatome.site.taxonomy import by_year, month_label, tag_cloud
from hnmatome.site.view import SiteView

HOME_TAGS = 24  # tags shown on the home page, most used first
CLOUD_TAGS = 120  # tags in the cloud on /tags/ (every tag is listed below it)
NOTFOUND_POSTS = 5  # the newest posts the 404 page offers
LONG_POST_CHARS = 3000  # posts this long get a reading-progress bar
DEFAULT_SHARE_IMAGE = "og-image.jpg"  # under static/ (scripts/make_og_image.py draws it)

TEMPLATES = {"post": "post.html", "page": "page.html", "home": "home.html",
             "section": "list.html", "term": "list.html", "alias": "alias.html",
             "notfound": "404.html"}


def template_name(output: Output) -> str:
    if output.kind == "taxonomy":
        return "months.html" if output.key == "months" else "taxonomy.html"
    return TEMPLATES[output.kind]


def template_context(output: Output, view: SiteView) -> dict[str, Any]:
    kinds: dict[str, Callable[[Output, SiteView], dict[str, Any]]] = {
        "post": _post, "page": _page, "home": _home, "section": _section, "term": _term,
        "taxonomy": _taxonomy, "alias": _alias, "notfound": _notfound}
    return _base(output, view) | kinds[output.kind](output, view)


def _base(output: Output, view: SiteView) -> dict[str, Any]:
    links = view.links

    def asset(path: str) -> str:
        version = view.info().asset_versions.get(path)
        return links().href("/" + path) + (f"?v={version}" if version else "")

    return {
        "site": Lazy(view.info),
        "href": Lazy(lambda: links().href),
        "permalink": Lazy(lambda: links().permalink),
        "asset": Lazy(lambda: asset),
        "canonical": Lazy(lambda: links().permalink(
            "/" + output.path.removesuffix("index.html"))),
        "output": output,
        "taxonomies": Lazy(view.taxonomies),
        "site_pages": Lazy(view.standalone_pages),
        "month_label": month_label,
        "description": Lazy(lambda: view.info().description),
        "has_code": False,
        "feed": "",
        "pager_path": urls.pager_path,
        "section_nav": _section_nav(output),
        "og_type": "website",
        "og_image": Lazy(lambda: default_image(view)),
        "jsonld": None,
        "atom_feed": urls.ATOM_FEED,
        "search_bundle": Lazy(lambda: links().href(urls.SEARCH_BUNDLE)),
    }


def default_image(view: SiteView) -> str:
    """The share image of pages without their own: `image` in [tool.hnmatome] (a path under
    static/ or a URL; '' for none), by default the shipped static/og-image.jpg. Never derived
    from posts: then every page would change whenever the newest post does."""
    image = view.info().params.get("image", DEFAULT_SHARE_IMAGE)
    if not isinstance(image, str) or not image:
        return ""
    path = image if "://" in image or image.startswith("/") else "/" + image
    return view.links().permalink(path)


def _section_nav(output: Output) -> str:
    """The header link of the section this output belongs to (marked aria-current)."""
    if output.kind in ("section", "post"):
        return urls.section_path(urls.POSTS_SECTION)
    if output.kind in ("taxonomy", "term"):
        return urls.taxonomy_path(output.key)
    return ""


def _page(output: Output, view: SiteView) -> dict[str, Any]:
    rel = output.key

    def description() -> str:
        return (view.entry(rel).description or view.body(rel).stats.excerpt
                or view.info().description)

    return {"entry": Lazy(lambda: view.entry(rel)),
            "body": Lazy(lambda: Markup(view.body(rel).html)),
            "stats": Lazy(lambda: view.body(rel).stats),
            "has_code": Lazy(lambda: view.body(rel).stats.has_code),
            "description": Lazy(description)}


def _post(output: Output, view: SiteView) -> dict[str, Any]:
    rel = output.key
    context = _page(output, view)
    description = context["description"]

    # the body without the title blockquote and source line its header shows (markup/lead.py)
    lead = Lazy(lambda: post_lead(view.body(rel).html, view.entry(rel).title,
                                  view.entry(rel).hn_url))

    def share() -> dict[str, Any]:
        entry = view.entry(rel)
        url = view.links().permalink(entry.path)
        image = view.links().permalink(entry.image) if entry.image else default_image(view)
        data = social.post_jsonld(entry, view.info(), url, view.links().permalink(urls.HOME),
                                  description.get(), image, source=lead.get().url)
        return {"image": image, "jsonld": social.json_for_script(data), "url": url,
                "links": social.share_links(entry.title, url)}

    shared = Lazy(share)
    return context | {
        "body": Lazy(lambda: Markup(lead.get().body)),
        "source": lead,
        "newer": Lazy(lambda: view.neighbours(rel)[0]),
        "older": Lazy(lambda: view.neighbours(rel)[1]),
        "related": Lazy(lambda: list(view.related(rel))),
        "og_type": "article",
        "og_image": Lazy(lambda: shared.get()["image"]),
        "jsonld": Lazy(lambda: shared.get()["jsonld"]),
        "share": Lazy(lambda: shared.get()["links"]),
        "share_url": Lazy(lambda: shared.get()["url"]),
        "long_post": Lazy(lambda: view.body(rel).stats.chars >= LONG_POST_CHARS),
    }


def _home(output: Output, view: SiteView) -> dict[str, Any]:
    def jsonld() -> Markup:
        home = view.links().permalink(urls.HOME)
        return social.json_for_script(social.site_jsonld(view.info(), home))

    return {"posts": Lazy(lambda: view.posts(0, view.info().home_size)),
            "tags": Lazy(lambda: view.terms("tags", 0, HOME_TAGS)),
            "months": Lazy(lambda: view.terms("months", 0, view.term_count("months"))),
            "post_count": Lazy(view.post_count),
            "feed": "/index.xml",
            "jsonld": Lazy(jsonld)}


def _section(output: Output, view: SiteView) -> dict[str, Any]:
    list_path = urls.section_path(urls.POSTS_SECTION)
    page = Lazy(lambda: pager(list_path, output.number, view.post_count(),
                              view.info().page_size))
    return {"pager": page, "posts": Lazy(lambda: view.posts(page.get().start, page.get().stop)),
            "heading": "記事一覧", "term": None, "taxonomy": None,
            "feed": urls.feed_path(list_path)}


def _term(output: Output, view: SiteView) -> dict[str, Any]:
    name, key = output.key, output.term
    page = Lazy(lambda: pager(view.term(name, key).path, output.number,
                              view.term(name, key).count, view.info().page_size))

    def heading() -> str:
        term = view.term(name, key)
        return month_label(term.name) if name == "months" else term.name

    return {"pager": page,
            "posts": Lazy(lambda: view.term_posts(name, key, page.get().start, page.get().stop)),
            "heading": Lazy(heading), "term": Lazy(lambda: view.term(name, key)),
            "taxonomy": Lazy(lambda: view.taxonomy(name)),
            "feed": Lazy(lambda: view.term(name, key).feed_path)}


def _taxonomy(output: Output, view: SiteView) -> dict[str, Any]:
    name = output.key
    terms = Lazy(lambda: view.terms(name, 0, view.term_count(name)))
    months = name == "months"
    return {"taxonomy": Lazy(lambda: view.taxonomy(name)), "terms": terms,
            "heading": Lazy(lambda: view.taxonomy(name).title),
            "years": Lazy(lambda: by_year(terms.get()) if months else []),
            "cloud": Lazy(lambda: [] if months else tag_cloud(terms.get(), CLOUD_TAGS))}


def _notfound(output: Output, view: SiteView) -> dict[str, Any]:
    return {"posts": Lazy(lambda: view.posts(0, NOTFOUND_POSTS))}


def _alias(output: Output, view: SiteView) -> dict[str, Any]:
    return {"target": Lazy(lambda: view.links().permalink(output.target))}
