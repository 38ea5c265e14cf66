"""The list of files a build writes, each with what it is and who asked for it. Two outputs
claiming one path is an error naming both, found before anything is rendered."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import NamedTuple

from . import urls
from .errors import UserError, UserErrors
from .pagination import Pager, paginate
from .site import Site

PAGE_KINDS = ("post", "page")  # outputs that need their rendered body


class Output(NamedTuple):
    """One file of the build. A tuple: a site has ~9,000, kept in the build cache, and tuples
    are made and loaded several times quicker than dataclass instances."""

    path: str  # relative to the output directory, posix
    kind: str  # post, page, home, section, taxonomy, term, alias, feed, sitemap, robots,
    #            notfound, syntax_css, static, resource, atom
    key: str = ""  # entry rel, section name, taxonomy name, static path...
    term: str = ""  # term key for term pages and term feeds
    number: int = 1  # pager number
    target: str = ""  # site path an alias redirects to
    source: str = ""  # who claims the path, for error messages

    @property
    def is_page(self) -> bool:
        return self.kind in PAGE_KINDS


def _pager_outputs(pagers: tuple[Pager, ...], kind: str, key: str, term: str,
                   source: str) -> Iterator[Output]:
    for pager in pagers:
        yield Output(urls.output_file(pager.path), kind, key=key, term=term,
                     number=pager.number, source=source)
    # Hugo answers /list/page/1/ with a redirect to the list itself.
    alias = pagers[0].list_path + "page/1/"
    yield Output(urls.output_file(alias), "alias", target=pagers[0].list_path, source=source)


def section_pagers(site: Site) -> tuple[Pager, ...]:
    return paginate(urls.section_path(urls.POSTS_SECTION), range(len(site.posts)),
                    site.info.page_size)


def term_pagers(site: Site, taxonomy: str, term: str) -> tuple[Pager, ...]:
    found = site.taxonomy(taxonomy).term(term)
    return paginate(found.path, found.posts, site.info.page_size)


def _content_outputs(site: Site) -> Iterator[Output]:
    for entry in site.entries():
        source = f"content/{entry.rel}"
        yield Output(urls.output_file(entry.path), entry.kind, key=entry.rel, source=source)
        for resource in entry.resources:
            yield Output(urls.output_file(entry.path + resource), "resource", key=entry.rel,
                         term=resource, source=f"{source} (bundle file {resource})")


def _list_outputs(site: Site) -> Iterator[Output]:
    yield Output("index.html", "home", source="the home page")
    yield Output("index.xml", "feed", source="the site feed")
    yield Output(urls.output_file(urls.ATOM_FEED), "atom", source="the Atom feed")
    section = urls.section_path(urls.POSTS_SECTION)
    yield from _pager_outputs(section_pagers(site), "section", urls.POSTS_SECTION, "",
                              "the post list")
    yield Output(urls.output_file(urls.feed_path(section)), "feed", key=urls.POSTS_SECTION,
                 source="the post list feed")
    for taxonomy in site.taxonomies:
        yield Output(urls.output_file(taxonomy.path), "taxonomy", key=taxonomy.name,
                     source=f"the {taxonomy.name} index")
        for term in taxonomy.terms:
            source = f"{taxonomy.name} {term.name!r}"
            yield from _pager_outputs(term_pagers(site, taxonomy.name, term.key), "term",
                                      taxonomy.name, term.key, source)
            yield Output(urls.output_file(term.feed_path), "feed", key=taxonomy.name,
                         term=term.key, source=f"the feed of {source}")


def _fixed_outputs() -> Iterator[Output]:
    yield Output("sitemap.xml", "sitemap", source="the sitemap")
    yield Output("robots.txt", "robots", source="robots.txt")
    yield Output("404.html", "notfound", source="the 404 page")
    yield Output("css/syntax.css", "syntax_css", source="the code highlighting stylesheet")


def plan_outputs(site: Site, static_files: Iterable[str] = ()) -> tuple[Output, ...]:
    """Every output of the build: pages first (lists need their bodies' stats), then lists,
    then fixed files and static files. Raises UserError when two claim one path."""
    outputs = [*_content_outputs(site), *_list_outputs(site), *_fixed_outputs()]
    outputs += [Output(path, "static", key=path, source=f"static/{path}")
                for path in sorted(static_files)]
    check_collisions(outputs)
    return tuple(outputs)


def check_collisions(outputs: Iterable[Output]) -> None:
    """Two outputs on one path, or one output's path being another's folder, is an error."""
    claimed: dict[str, Output] = {}
    problems = []
    for output in outputs:
        first = claimed.setdefault(output.path, output)
        if first is not output:
            problems.append(_clash(output, first, output.path))
    if not _folders(claimed).isdisjoint(claimed):  # rare: find who is in whose way
        for path, output in claimed.items():
            parts = path.split("/")
            for depth in range(1, len(parts)):
                folder = claimed.get("/".join(parts[:depth]))
                if folder is not None:
                    problems.append(_clash(output, folder,
                                           f"{folder.path} (as a file and a folder)"))
    if len(problems) == 1:
        raise problems[0]
    if problems:
        raise UserErrors(problems)


def _folders(paths: Iterable[str]) -> set[str]:
    """Every folder the paths are in, their parents included."""
    found: set[str] = set()
    for path in paths:
        cut = path.rfind("/")
        while cut > 0 and path[:cut] not in found:  # a known folder's parents are known
            found.add(path[:cut])
            cut = path.rfind("/", 0, cut)
    return found


def _clash(output: Output, other: Output, what: str) -> UserError:
    return UserError(f"{output.source} and {other.source} both want to write {what}",
                     hint="rename one of them (a slug, a file name or a tag) so their URLs differ")
