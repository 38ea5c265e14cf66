"""`serve`'s quick path for the most common edit: a post's text changed, its front matter did
not. The site is then exactly what the last build assembled, so the post's page is rendered
from it and the new body at once (tens of milliseconds) and the browser reloads; the
incremental build that follows brings the rest of the site (lists, feeds) up to date.

A post `convert` rewrote from its thread qualifies too: only its bookkeeping keys changed.
Anything else (front matter, a new or deleted page, templates, static files, settings) is
left to the build."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from pathlib import Path

from hnmatome.convert.post_format import INPUT_HASH_KEY, OUTPUT_HASH_KEY
from hnmatome.core.errors import UserError
from hnmatome.core.writer import replace_file
from hnmatome.site import urls
from hnmatome.site.build import LastBuild
from hnmatome.site.content import SourcePage, load_page
from hnmatome.site.incremental.bodies import content_digest
from hnmatome.site.markup.shortcode_templates import ShortcodeTemplates, render_late
from hnmatome.site.markup.shortcodes import PageRenderer
from hnmatome.site.model import RenderedBody, stats_of
from hnmatome.site.plan import Output
from hnmatome.site.render.outputs import render_output
from hnmatome.site.render.templates import Templates
from hnmatome.site.view import SiteView, StoredBody
from hnmatome.site.workers import ShortcodeSite

# What `convert` records about itself: it changes with every conversion, and no page shows it.
_CONVERT_KEYS = (INPUT_HASH_KEY, OUTPUT_HASH_KEY)


def _head(page: SourcePage) -> SourcePage:
    meta = {key: value for key, value in page.meta.items() if key not in _CONVERT_KEYS}
    return dataclasses.replace(page, body="", body_line=0, source_hash="", meta=meta)


def render_edited_pages(last: LastBuild, project_root: Path, out_dir: Path,
                        changed: Iterable[Path]) -> dict[str, bytes] | None:
    """Render the pages of the `changed` content files into `out_dir` if every one is a page
    of the last build whose front matter is unchanged; returns {output path: bytes written},
    or None when the shortcut does not apply (nothing is written then)."""
    content_dir = project_root / "content"
    pages = {page.rel: page for page in last.loaded.pages}
    edited = []
    for path in changed:
        try:
            rel = path.relative_to(content_dir).as_posix()
            page = load_page(path, content_dir, last.settings)
        except (ValueError, UserError, OSError):
            return None  # not a page, or a broken one: the build reports it
        old = pages.get(rel)
        if old is None or rel not in last.site.positions or _head(page) != _head(old):
            return None
        edited.append(page)
    if not edited:
        return None
    try:
        rendered = _render(last, project_root / "templates", edited)
    except UserError:
        return None  # the build shows it, with the overlay
    for path, data in rendered.items():
        replace_file(out_dir / path, data)
    return rendered


def _render(last: LastBuild, templates_dir: Path, pages: list[SourcePage]) -> dict[str, bytes]:
    renderer = PageRenderer(templates_dir)
    shortcodes = ShortcodeSite(SiteView(last.site))
    bodies = {page.rel: renderer.render(page, shortcodes) for page in pages}
    stats = {rel: stats_of(body.text, body.html, body.comment_count, body.first_comment)
             for rel, body in bodies.items()}
    stored = _Bodies(bodies, stats, {page.rel: page for page in pages},
                   ShortcodeTemplates(templates_dir / "shortcodes"))
    view = SiteView(last.site.with_stats(stats), bodies=stored)
    templates = Templates(templates_dir, phrased={
        page.title: page.phrased_title for page in last.loaded.pages})
    rendered = {}
    for rel in bodies:
        entry = last.site.entry(rel)
        output = Output(urls.output_file(entry.path), entry.kind, key=rel,
                        source=f"content/{rel}")
        rendered[output.path] = render_output(output, view, templates)
    return rendered


class _Bodies:
    """The edited pages' bodies, as the view of the quick path reads them."""

    def __init__(self, bodies: dict[str, RenderedBody], stats: dict,
                 pages: dict[str, SourcePage], templates: ShortcodeTemplates) -> None:
        self.bodies = bodies
        self.stats = stats
        self.pages = pages
        self.templates = templates

    def stored_body(self, rel: str, view: SiteView) -> StoredBody:
        body = self.bodies[rel]
        html = body.html
        stored = StoredBody(content_digest(html.encode("utf-8", "surrogatepass")),
                            self.stats[rel], lambda: html)
        if not body.late:
            return stored
        return stored.with_late(render_late(self.templates, body.late, self.pages[rel],
                                            ShortcodeSite(view)))
