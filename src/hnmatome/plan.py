"""The list of files a build writes, each with what it is and who asked for it. Two outputs
claiming one path is an error naming both, found before anything is rendered."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import NamedTuple

from hnmatome import urls
from hnmatome.core.errors import UserError, UserErrors
from hnmatome.pagination import Pager, paginate
from hnmatome.site import Site

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


def _list_files(list_path: str, items: int, page_size: int, kind: str, key: str, term: str,
                source: str, feed_key: str, feed_source: str) -> list[Output]:
    """A paginated list: the pages `pagination.paginate` makes of `items` posts (always one,
    maybe empty), the alias of page 1 and the list's feed, without making the pagers (a site
    has ~2,500 term lists). `list_path` ends in '/', so every file is in its folder (as
    urls.output_file would put it: the segments of list_path, then the file's own)."""
    folder = urls.output_file(list_path).removesuffix("index.html")
    pages = len(range(0, items, page_size)) or 1
    found = [Output(f"{folder}index.html", kind, key, term, 1, "", source)]
    found += [Output(f"{folder}page/{number}/index.html", kind, key, term, number, "", source)
              for number in range(2, pages + 1)]
    # Hugo answers /list/page/1/ with a redirect to the list itself.
    found.append(Output(f"{folder}page/1/index.html", "alias", "", "", 1, list_path, source))
    found.append(Output(f"{folder}index.xml", "feed", feed_key, term, 1, "", feed_source))
    return found


def section_pagers(site: Site) -> tuple[Pager, ...]:
    return paginate(urls.section_path(urls.POSTS_SECTION), range(len(site.posts)),
                    site.info.page_size)


def term_pagers(site: Site, taxonomy: str, term: str) -> tuple[Pager, ...]:
    found = site.taxonomy(taxonomy).term(term)
    page_size = site.info.page_size
    if 0 < len(found.posts) <= page_size:
        # paginate's answer for one full page, made directly: nearly every term has a single
        # page, and a build asks for the pagers of each of its ~2,500 terms
        return (Pager(found.path, 1, 1, page_size, len(found.posts), found.posts),)
    return paginate(found.path, found.posts, page_size)


def _content_outputs(site: Site) -> Iterator[Output]:
    for entry in site.entries():
        source = f"content/{entry.rel}"
        yield Output(urls.output_file(entry.path), entry.kind, key=entry.rel, source=source)
        for resource in entry.resources:
            yield Output(urls.output_file(entry.path + resource), "resource", key=entry.rel,
                         term=resource, source=f"{source} (bundle file {resource})")


def _list_outputs(site: Site) -> list[Output]:
    page_size = site.info.page_size
    found = [Output("index.html", "home", source="the home page"),
             Output("index.xml", "feed", source="the site feed"),
             Output(urls.output_file(urls.ATOM_FEED), "atom", source="the Atom feed"),
             *_list_files(urls.section_path(urls.POSTS_SECTION), len(site.posts), page_size,
                          "section", urls.POSTS_SECTION, "", "the post list",
                          urls.POSTS_SECTION, "the post list feed")]
    for taxonomy in site.taxonomies:
        name = taxonomy.name
        found.append(Output(urls.output_file(taxonomy.path), "taxonomy", key=name,
                            source=f"the {name} index"))
        for term in taxonomy.terms:
            source = f"{name} {term.name!r}"
            found += _list_files(term.path, len(term.posts), page_size, "term", name, term.key,
                                 source, name, f"the feed of {source}")
    return found


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
    outputs = list(outputs)
    claimed = {output.path: output for output in outputs}
    problems = []
    if len(claimed) != len(outputs):  # rare: find who claimed a path first, who again
        claimed = {}
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
    """Every folder the paths are in, their parents included; a level at a time, each level
    a set built in one pass (most outputs are the only file of their folder)."""
    level = {path.rpartition("/")[0] for path in paths}
    found = set(level)
    while level:
        level = {folder.rpartition("/")[0] for folder in level} - found
        found |= level
    found.discard("")
    return found


def _clash(output: Output, other: Output, what: str) -> UserError:
    return UserError(f"{output.source} and {other.source} both want to write {what}",
                     hint="rename one of them (a slug, a file name or a tag) so their URLs differ")
