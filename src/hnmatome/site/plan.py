"""The list of files a build writes, each with what it is and who asked for it, and the pagers
of paginated lists. Two outputs claiming one path is an error naming both, found before
anything is rendered."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import NamedTuple

from hnmatome.core.errors import UserError, UserErrors
from hnmatome.site import urls
from hnmatome.site.model import Site

PAGE_KINDS = ("post", "page")  # outputs that show a rendered body
COPIED = ("static", "resource")  # outputs copied from a file, not rendered


class Output(NamedTuple):
    """One file of the build (a tuple: a site has ~9,000, and the build cache keeps them)."""

    path: str  # relative to the output directory, posix
    kind: str  # post, page, home, section, taxonomy, term, alias, feed, atom, sitemap, robots,
    #            notfound, syntax_css, static, resource
    key: str = ""  # entry rel, section name, taxonomy name, static path...
    term: str = ""  # term key for term pages and term feeds
    number: int = 1  # pager number
    target: str = ""  # site path an alias redirects to
    source: str = ""  # who claims the path, for error messages

    @property
    def is_page(self) -> bool:
        return self.kind in PAGE_KINDS


@dataclass(frozen=True)
class Pager:
    """One page of a paginated list (Hugo's URLs: /list/, /list/page/2/, ...)."""

    list_path: str
    number: int
    total: int  # pages in the list (an empty list still has one)
    page_size: int
    item_count: int  # posts in the whole list

    @property
    def start(self) -> int:
        """Index of this page's first post in the list."""
        return (self.number - 1) * self.page_size

    @property
    def stop(self) -> int:
        return min(self.start + self.page_size, self.item_count)

    @property
    def path(self) -> str:
        return urls.pager_path(self.list_path, self.number)

    @property
    def prev_path(self) -> str | None:
        return urls.pager_path(self.list_path, self.number - 1) if self.number > 1 else None

    @property
    def next_path(self) -> str | None:
        has_next = self.number < self.total
        return urls.pager_path(self.list_path, self.number + 1) if has_next else None

    @property
    def first_position(self) -> int:
        """1-based position of this page's first item in the whole list ('101〜200件目')."""
        return self.start + 1 if self.stop > self.start else 0

    @property
    def last_position(self) -> int:
        return max(self.stop, self.start)


def page_count(items: int, page_size: int) -> int:
    return max(1, -(-items // page_size))


def pager(list_path: str, number: int, items: int, page_size: int) -> Pager:
    return Pager(list_path, number, page_count(items, page_size), page_size, items)


def _list_files(list_path: str, items: int, page_size: int, kind: str, key: str, term: str,
                source: str, feed_key: str, feed_source: str) -> list[Output]:
    """A paginated list: its pages (always one, maybe empty), the alias of page 1 and the
    list's feed, every file in the list's folder."""
    folder = urls.output_file(list_path).removesuffix("index.html")
    found = [Output(f"{folder}index.html", kind, key, term, 1, "", source)]
    found += [Output(f"{folder}page/{number}/index.html", kind, key, term, number, "", source)
              for number in range(2, page_count(items, page_size) + 1)]
    # Hugo answers /list/page/1/ with a redirect to the list itself.
    found.append(Output(f"{folder}page/1/index.html", "alias", "", "", 1, list_path, source))
    found.append(Output(f"{folder}index.xml", "feed", feed_key, term, 1, "", feed_source))
    return found


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
        for term in site.terms[name]:
            source = f"{name} {term.name!r}"
            found += _list_files(term.path, term.count, page_size, "term", name, term.key,
                                 source, name, f"the feed of {source}")
    return found


def _fixed_outputs() -> Iterator[Output]:
    yield Output("sitemap.xml", "sitemap", source="the sitemap")
    yield Output("robots.txt", "robots", source="robots.txt")
    yield Output("404.html", "notfound", source="the 404 page")
    yield Output("css/syntax.css", "syntax_css", source="the code highlighting stylesheet")


def plan_outputs(site: Site, static_files: Iterable[str] = ()) -> tuple[Output, ...]:
    """Every output of the build: posts and pages, lists, fixed files, static files. Raises
    UserError when two claim one path."""
    outputs = [*_content_outputs(site), *_list_outputs(site), *_fixed_outputs()]
    outputs += [Output(path, "static", key=path, source=f"static/{path}")
                for path in sorted(static_files)]
    check_collisions(outputs)
    return tuple(outputs)


def check_collisions(outputs: Iterable[Output]) -> None:
    """Two outputs on one path, or one output's path being another's folder, is an error."""
    outputs = list(outputs)
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
        folder = path.rpartition("/")[0]
        while folder and folder not in found:
            found.add(folder)
            folder = folder.rpartition("/")[0]
    return found


def _clash(output: Output, other: Output, what: str) -> UserError:
    return UserError(f"{output.source} and {other.source} both want to write {what}",
                     hint="rename one of them (a slug, a file name or a tag) so their URLs differ")
