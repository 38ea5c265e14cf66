"""Term groups: one digest for all the outputs of one tag or month (its list pages, its feed
and the redirect from its first page).

A rebuild after the site model changed (a post added, a title or tag edited) used to compute
the quick key of each of the ~9,000 outputs; three quarters of them belong to the ~2,500
terms, and a new post changes the members of only a handful. A group's digest covers
everything the keys (context_keys.py) and feed fingerprints (build_fingerprints.py) of its
outputs read: the build environment, what every page shows, the templates, the term's
members in order and every member's entry (a tag's feed carries no bodies). The
manifest keeps the digests; a group whose digest is unchanged keeps its files without a key
each (still checked on disk, see output_work.keep_all)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from hnmatome.context_keys import SiteKeys
from hnmatome.plan import Output
from hnmatome.render import template_name

if TYPE_CHECKING:
    from hnmatome.taxonomy import Taxonomy, Term

GROUPED = frozenset({"term", "feed", "alias"})


def group_name(taxonomy: str, term: str) -> str:
    return f"{taxonomy}\x1f{term}"


class TermGroups:
    """The term groups of one build's outputs, their digests computed once each."""

    def __init__(self, keys: SiteKeys, outputs: Sequence[Output], environment: bytes) -> None:
        """`environment`: digest of code, settings and options (build_cache.body_key)."""
        self._keys = keys
        self._outputs = outputs
        self._environment = environment.hex()
        self._numbers: dict[str, list[int]] | None = None
        self._term_paths: dict[str, str] | None = None
        self._by_name: dict[str, tuple[Taxonomy, Term]] | None = None
        self._posts: list[str] | None = None
        self._digests: dict[str, str] = {}
        self._head: str | None = None

    @property
    def numbers(self) -> dict[str, list[int]]:
        """The numbers of each group's outputs, by group name."""
        if self._numbers is None:
            self._numbers = self._find_numbers()
        return self._numbers

    def _find_numbers(self) -> dict[str, list[int]]:
        found: dict[str, list[int]] = {name: [] for name in self._paths().values()}
        for number, output in enumerate(self._outputs):
            if output.kind in GROUPED:
                name = self.group_of(number)
                if name is not None:
                    found[name].append(number)
        return found

    def _paths(self) -> dict[str, str]:
        """Group names by term path (which a term's first-page redirect points to)."""
        if self._term_paths is None:
            self._term_paths = {term.path: name for name, (_, term) in self._terms().items()}
        return self._term_paths

    def group_of(self, number: int) -> str | None:
        output = self._outputs[number]
        if output.kind == "alias":
            return self._paths().get(output.target)
        if output.term and output.kind in GROUPED:  # the site and section feeds have none
            return group_name(output.key, output.term)
        return None

    def digest(self, name: str) -> str:
        found = self._digests.get(name)
        if found is None:
            found = self._digests[name] = self._digest(name)
        return found

    def digests(self, names: Iterable[str] | None = None) -> dict[str, str]:
        return {name: self.digest(name) for name in (self.numbers if names is None else names)}

    def members(self, name: str) -> frozenset[str]:
        """The rels of the term's posts: every entry or body its outputs can read."""
        posts = self._keys.site.posts
        return frozenset(posts[index].rel for index in self._terms()[name][1].posts)

    def _terms(self) -> dict[str, tuple[Taxonomy, Term]]:
        if self._by_name is None:
            self._by_name = {group_name(taxonomy.name, term.key): (taxonomy, term)
                             for taxonomy in self._keys.site.taxonomies
                             for term in taxonomy.terms}
        return self._by_name

    def _entries(self) -> list[str]:
        """The entry digest of every post (it covers the rel), by post index."""
        if self._posts is None:
            keys = self._keys
            self._posts = [keys.entry(entry) for entry in keys.site.posts]
        return self._posts

    def _digest(self, name: str) -> str:
        taxonomy, term = self._terms()[name]
        entries = self._entries()
        text = "\x1f".join([
            self._common(), taxonomy.name, taxonomy.title, term.key, term.name, term.path,
            str(len(self.numbers[name])), ",".join([entries[index] for index in term.posts])])
        return hashlib.blake2b(text.encode("utf-8", "surrogatepass"),
                               digest_size=16).hexdigest()

    def _common(self) -> str:
        """What every group's digest holds: the build environment, what every page shows and
        the templates of term pages and redirects. The outputs of a group (their paths,
        numbers, sources) are planned from the term, the site's settings and the code alone,
        all in the digest."""
        if self._head is None:
            keys = self._keys
            kinds = sorted({self._outputs[number].kind for numbers in self.numbers.values()
                            for number in numbers} - {"feed"})
            self._head = "\x1f".join([
                self._environment, keys.site_data(),
                *(keys.site_wide(template_name(Output("", kind))) for kind in kinds)])
        return self._head
