"""A whole build: load content -> assemble the site -> plan outputs -> render -> write.

Disk is read at the start (content, static files) and written at the end through the writer;
everything between is pure. The site is built into a staging directory that replaces the
output directory only when every page rendered, so a failed build leaves the last good site."""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .content import SourcePage, load_content
from .errors import UserError, UserErrors
from .feeds import full_content_rels
from .plan import Output, plan_outputs
from .project import Project
from .render import render_output, syntax_css
from .search_index import SearchReport, add_search_index
from .shortcodes import PageRenderer
from .site import BodyStats, ShortcodeLinks, Site, assemble, stats_of
from .templating import Templates
from .writer import OutputTree, staged_directory

IGNORED_STATIC = frozenset({".DS_Store", ".gitkeep", "Thumbs.db"})
VERSIONED_SUFFIXES = (".css", ".js")
MAX_REPORTED_ERRORS = 50


@dataclass(frozen=True)
class BuildOptions:
    drafts: bool = False
    base_url: str | None = None
    out_dir: Path | None = None
    search: bool = True  # build the Pagefind search index (search_index.py)


@dataclass(frozen=True)
class BuildReport:
    out_dir: Path
    pages: int  # posts and pages rendered
    files: int  # files written, static copies included
    seconds: float
    warnings: tuple[str, ...]
    search: SearchReport | None = None  # None when the search step was skipped


def static_files(static_dir: Path) -> dict[str, Path]:
    """Files under static/ by their path relative to it (posix)."""
    found: dict[str, Path] = {}
    if not static_dir.is_dir():
        return found
    for folder, dirs, files in os.walk(static_dir):
        dirs.sort()
        for name in sorted(files):
            if name not in IGNORED_STATIC:
                path = Path(folder) / name
                found[path.relative_to(static_dir).as_posix()] = path
    return found


def bundle_resources(pages: list[SourcePage]) -> dict[str, tuple[str, ...]]:
    """Non-markdown files beside each bundle's index.md (images a post links to)."""
    found: dict[str, tuple[str, ...]] = {}
    for page in pages:
        if not page.bundle:
            continue
        folder = page.path.parent
        names = sorted(
            path.relative_to(folder).as_posix() for path in folder.rglob("*")
            if path.is_file() and path.suffix != ".md" and path.name not in IGNORED_STATIC
        )
        if names:
            found[page.rel] = tuple(names)
    return found


def _short_hash(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=4).hexdigest()


def asset_versions(files: dict[str, Path]) -> dict[str, str]:
    versions = {rel: _short_hash(path.read_bytes()) for rel, path in files.items()
                if rel.endswith(VERSIONED_SUFFIXES)}
    versions["css/syntax.css"] = _short_hash(syntax_css())
    return versions


def _render_pages(site: Site, outputs: list[Output], sources: dict[str, SourcePage],
                  renderer: PageRenderer, templates: Templates,
                  tree: OutputTree) -> tuple[dict[str, BodyStats], dict[str, str]]:
    """Posts and pages, one at a time: render the body, write the page, keep only its stats
    (bodies are the bulk of a build's memory) and the HTML of the few posts the feeds carry."""
    links = ShortcodeLinks(site)
    stats: dict[str, BodyStats] = {}
    in_feeds = full_content_rels(site)
    bodies: dict[str, str] = {}
    errors: list[UserError] = []
    for output in outputs:
        try:
            body = renderer.render(sources[output.key], links)
            tree.write(output.path, render_output(output, site, templates, body), output.source)
            stats[output.key] = stats_of(body)
            if output.key in in_feeds:
                bodies[output.key] = body.html
        except UserErrors as exc:
            errors.extend(exc.errors)
        except UserError as exc:
            errors.append(exc)
        if len(errors) >= MAX_REPORTED_ERRORS:
            break
    if errors:
        raise UserErrors(errors) if len(errors) > 1 else errors[0]
    return stats, bodies


def _write_rest(site: Site, outputs: list[Output], templates: Templates, tree: OutputTree,
                static: dict[str, Path], sources: dict[str, SourcePage],
                bodies: dict[str, str]) -> None:
    for output in outputs:
        if output.kind == "static":
            tree.copy(output.path, static[output.key], output.source)
        elif output.kind == "resource":
            folder = sources[output.key].path.parent
            tree.copy(output.path, folder / output.term, output.source)
        else:
            tree.write(output.path, render_output(output, site, templates, bodies=bodies),
                       output.source)


def _split(outputs: tuple[Output, ...]) -> Iterator[list[Output]]:
    yield [o for o in outputs if o.is_page]
    yield [o for o in outputs if not o.is_page]


def build_site(project: Project, options: BuildOptions | None = None) -> BuildReport:
    options = options or BuildOptions()
    started = time.perf_counter()
    settings = project.settings.with_overrides(base_url=options.base_url)
    out_dir = (options.out_dir or project.public_dir).absolute()
    pages = load_content(project.content_dir, settings)
    static = static_files(project.static_dir)
    site = assemble(pages, settings, drafts=options.drafts, static_files=frozenset(static),
                    resources=bundle_resources(pages), asset_versions=asset_versions(static),
                    search=options.search)
    page_outputs, other_outputs = _split(plan_outputs(site, static))
    sources = {page.rel: page for page in pages}
    renderer = PageRenderer(project.templates_dir, settings)
    templates = Templates(project.templates_dir)
    guarded = (project.content_dir, project.templates_dir, project.static_dir)
    with staged_directory(out_dir, guarded) as staging:
        tree = OutputTree(staging)
        stats, bodies = _render_pages(site, page_outputs, sources, renderer, templates, tree)
        _write_rest(site.with_stats(stats), other_outputs, templates, tree, static, sources,
                    bodies)
        search = (add_search_index(tree, staging, settings.language, project.cache_dir)
                  if options.search else None)
    warnings = site.warnings + ((search.warning,) if search and search.warning else ())
    return BuildReport(out_dir=out_dir, pages=len(page_outputs), files=tree.files_written,
                       seconds=time.perf_counter() - started, warnings=warnings,
                       search=search)
