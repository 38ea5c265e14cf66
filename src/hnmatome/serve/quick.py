"""`serve`'s shortcut for the most common edit: a post's text changed, its front matter did
not. The site model is then exactly what the last build assembled, so the post's page is
rendered from that model and the new body at once (tens of milliseconds) and the browser
reloads; the full incremental build that follows finds that page already right.

Anything else (front matter, a new or deleted page, templates, static files, settings) is
left to the full build."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from hnmatome import urls
from hnmatome.content import SourcePage, load_page
from hnmatome.core.errors import UserError
from hnmatome.core.settings import Settings
from hnmatome.core.writer import replace_file
from hnmatome.plan import Output
from hnmatome.render import render_output
from hnmatome.site import ShortcodeLinks, Site
from hnmatome.templating import Templates


@dataclass(frozen=True)
class SiteModel:
    """What the last good build of one output directory rendered its pages from."""

    site: Site  # without body statistics, as posts and pages are rendered
    sources: dict[str, SourcePage]  # by rel; bodies may be missing
    settings: Settings
    templates_dir: Path


def _front_matter(page: SourcePage) -> SourcePage:
    return dataclasses.replace(page, body="", body_line=0, source_hash="")


def render_edited_pages(model: SiteModel, content_dir: Path, out_dir: Path,
                        changed: Iterable[Path]) -> dict[str, bytes] | None:
    """Render the pages of `changed` content files into `out_dir` if every one is an existing
    page whose front matter is unchanged; returns {output path: bytes written}, or None when
    the shortcut does not apply (nothing is written then)."""
    jobs = []
    for path in changed:
        try:
            rel = path.relative_to(content_dir).as_posix()
        except ValueError:
            return None
        old = model.sources.get(rel)
        if old is None:
            return None
        try:
            page = load_page(path, content_dir, model.settings)
        except (UserError, OSError):
            return None  # the full build reports it
        if _front_matter(page) != _front_matter(old):
            return None
        jobs.append(page)
    if not jobs:
        return None
    return _render(model, out_dir, jobs)


def _render(model: SiteModel, out_dir: Path, pages: list[SourcePage]) -> dict[str, bytes] | None:
    from hnmatome.shortcodes import PageRenderer

    renderer = PageRenderer(model.templates_dir, model.settings)
    templates = Templates(model.templates_dir)
    links = ShortcodeLinks(model.site)
    rendered = {}
    try:
        for page in pages:
            if page.rel not in model.site.positions:
                return None  # a draft the site leaves out
            entry = model.site.entry(page.rel)
            output = Output(urls.output_file(entry.path), entry.kind, key=page.rel,
                            source=f"content/{page.rel}")
            rendered[output.path] = render_output(output, model.site, templates,
                                                  renderer.render(page, links))
    except UserError:
        return None  # the full build shows it, with the overlay
    for rel, data in rendered.items():
        replace_file(out_dir / rel, data)
    return rendered
