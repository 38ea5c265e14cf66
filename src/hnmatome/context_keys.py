"""Quick keys: a cheap first check of whether an output may have changed.

An output's full fingerprint (build_fingerprints.py) needs its whole template context, and
building ~9,000 contexts costs seconds. The quick key names, for each kind of output, the
parts of the site model its context is built from (render.py), digested once per build and
joined: the post itself, its neighbours and related posts; the posts of a list page; the term
of a tag page by the posts it holds (not by their positions, which shift when a post is
added). An output whose quick key is unchanged is kept without building its context; one whose
key changed has its full fingerprint compared, and is rendered only if that changed too.

So a quick key must cover everything its context builder reads. When a context builder in
render.py starts reading more of the site, add it here: tests/test_build_cache_stale.py builds
a site through a series of edits with HNMATOME_CHECK_CACHE=1, which computes both for every
output and fails on any output whose key stayed while its fingerprint changed."""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from hnmatome import sitemap
from hnmatome.feeds import full_content_rels
from hnmatome.fingerprint import Digester
from hnmatome.frozen import replaced
from hnmatome.pagination import Pager
from hnmatome.plan import Output, section_pagers, term_pagers
from hnmatome.render import HOME_TAGS, template_name
from hnmatome.site import BodyStats, Entry, Site
from hnmatome.taxonomy import Taxonomy, Term, TermValue

if TYPE_CHECKING:
    from hnmatome.body_answers import Answers
    from hnmatome.build_cache import BodyRecord
    from hnmatome.template_deps import TemplateAnalysis

# outputs that render_output gives `bodies` (the site feeds: not those of a tag or month)
BODY_TAKERS = frozenset({"feed", "atom"})
COPIES = frozenset({"static", "resource"})
# made from the site's structure alone (paths, dates, titles: what assembling decides)
STRUCTURE_ONLY = frozenset({"sitemap", "robots", "syntax_css"})


class SiteKeys:
    """Digests of the parts of one site model, each computed once, and the quick key of each
    output built from them."""

    def __init__(self, site: Site, digester: Digester, analysis: TemplateAnalysis,
                 entry_bases: Mapping[str, str] | None = None,
                 reads: dict[str, frozenset[str]] | None = None,
                 answers: Answers | None = None) -> None:
        """`entry_bases`: a digest of every entry of `site` but its body statistics (from the
        build that assembled it: site.entry_source_digest, which stands in for entry_base),
        so that an entry's digest needs only its body statistics. `reads`:
        filled with `dependencies` of each output whose key is computed (by output path)."""
        self.site = site
        self.digester = digester
        self.analysis = analysis
        self._bases = entry_bases or {}
        self._entries: dict[str, str] = {}
        self._common: dict[str, str] = {}
        self._sections: tuple[Pager, ...] | None = None
        self._full: frozenset[str] | None = None
        self._taxonomies = {taxonomy.name: taxonomy for taxonomy in site.taxonomies}
        self._terms: dict[tuple[str, str], tuple[str, tuple[Pager, ...]]] = {}
        self._builders = {kind: getattr(self, f"_{kind}") for kind in _BUILT}
        self._reading: set[str] | None = None  # the rels read while recording
        self.reads = reads
        self.answers = answers  # the newest posts, for bodies with late shortcodes
        # entry digests by (entry base, body statistics): shared by the SiteKeys of one build
        # (its posts' and its lists', whose site has the new statistics but mostly old ones)
        self.digests: dict[tuple[str, BodyStats], str] = {}

    def key(self, output: Output, body: BodyRecord | None = None) -> str | None:
        """None for outputs that have no quick key (their fingerprint is always computed)."""
        builder = self._builders.get(output.kind)
        if builder is None:  # feeds, copies (their fingerprint is their key), new kinds
            return None
        if self.reads is not None:
            self._reading = set()
        parts = [self.site_wide(template_name(output)), output_ident(output), *builder(output)]
        self._record(output)
        if output.is_page:
            answers = self.answers
            if body is None or (body.late and answers is None):
                return None
            parts.append(body.digest.hex())
            if body.late and answers is not None:  # the newest posts its page shows
                parts += [answers.answer("latest", limit) for limit in body.late]
        return hashlib.blake2b("\x1f".join(parts).encode(), digest_size=16).hexdigest()

    def code_rendered(self, output: Output, bodies: Mapping[str, BodyRecord]) -> str | None:
        """Feeds, the sitemap, robots.txt: what the Python functions that make them read
        (feeds.py, sitemap.py), generously (a site feed depends on every post, although it
        shows the newest fifty; it also holds the bodies of those fifty)."""
        site = self.site
        parts = [self.site_data(), output_ident(output)]
        if self.reads is not None and output.kind in BODY_TAKERS | STRUCTURE_ONLY:
            self._reading = set()
        if output.kind in BODY_TAKERS:
            indexes = self._feed_items(output)
            if output.term:
                parts.append(self._term_data(output.key, output.term)[0])
            parts.append(self.posts(indexes))
            if not output.term:  # tag and month feeds carry summaries only (feeds.py)
                in_full = self.in_feeds()
                parts += [bodies[rel].digest.hex() for rel in
                          (site.posts[index].rel for index in indexes)
                          if rel in in_full and rel in bodies]
        elif output.kind == "sitemap":
            # exactly what sitemap_xml writes: each location with its date
            parts.append(repr(list(sitemap._locations(site))))
        elif output.kind not in ("robots", "syntax_css"):
            return None
        self._record(output)
        return hashlib.blake2b("\x1f".join(parts).encode(), digest_size=16).hexdigest()

    def _record(self, output: Output) -> None:
        """Keep what computing this output's key read (see `dependencies`)."""
        if self.reads is not None and self._reading is not None:
            if output.is_page:
                self._reading.add(output.key)
            self.reads[output.path] = frozenset(self._reading)
            self._reading = None

    def dependencies(self, output: Output) -> frozenset[str] | None:
        """The posts and pages (by rel) whose entry or body this output's key reads: the
        outputs a change of one body can reach. Standalone pages are read by every template
        output (see `everywhere`) and not listed. None: the output reads more than that."""
        if output.kind in COPIES or output.kind in STRUCTURE_ONLY:
            return frozenset()  # files, and what depends only on the site's structure
        if output.kind in BODY_TAKERS:
            posts = self.site.posts
            return frozenset(posts[index].rel for index in self._feed_items(output))
        builder = self._builders.get(output.kind)
        if builder is None:
            return None
        self._reading = set()
        try:
            builder(output)
            found = self._reading
        finally:
            self._reading = None
        return frozenset(found | {output.key}) if output.is_page else frozenset(found)

    def everywhere(self) -> frozenset[str]:
        """Rels every template output reads (the standalone pages, in every page's menu)."""
        return frozenset(entry.rel for entry in self.site.pages)

    def _feed_items(self, output: Output) -> Sequence[int]:
        """Every feed shows the newest feed_items posts of its list (feeds.py)."""
        site = self.site
        term = self._taxonomies[output.key].term(output.term) if output.term else None
        return (term.posts if term else range(len(site.posts)))[: site.info.feed_items]

    def in_feeds(self) -> frozenset[str]:
        if self._full is None:
            self._full = full_content_rels(self.site)
        return self._full

    def site_data(self) -> str:
        found = self._common.get("")
        if found is None:
            found = self._common[""] = self.digester.of((self.site.info,
                                                         self.site.links)).hex()
        return found

    # -- parts ----------------------------------------------------------------------------

    def entry(self, entry: Entry | None) -> str:
        if entry is None:
            return "-"
        if self._reading is not None:
            self._reading.add(entry.rel)
        found = self._entries.get(entry.rel)
        if found is None:
            base = self._bases.get(entry.rel) or entry_base(entry)
            made_of = (base, entry.stats)
            found = self.digests.get(made_of)
            if found is None:
                text = f"{base}\x1f{entry.stats!r}"
                found = self.digests[made_of] = hashlib.blake2b(
                    text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
            self._entries[entry.rel] = found
        return found

    def posts(self, indexes: Iterable[int]) -> str:
        posts = self.site.posts
        return ",".join(self.entry(posts[index]) for index in indexes)

    def _term_data(self, taxonomy: str, key: str) -> tuple[str, tuple[Pager, ...]]:
        """(members, pagers) of a term, shared by its pages and its feed."""
        found = self._terms.get((taxonomy, key))
        if found is None:
            term = self._taxonomies[taxonomy].term(key)
            found = (self._members(self._taxonomies[taxonomy], term),
                     term_pagers(self.site, taxonomy, key))
            self._terms[(taxonomy, key)] = found
        return found

    def _members(self, taxonomy: Taxonomy, term: Term) -> str:
        posts = self.site.posts
        members = ",".join(posts[index].rel for index in term.posts)
        return f"{taxonomy.name}|{term.key}|{term.name}|{term.path}|{members}"

    def site_wide(self, template: str) -> str:
        """What every page's context holds (render._base_context) and its template files."""
        found = self._common.get(template)
        if found is None:
            site = self.site
            use = self.analysis.use(template)
            headers = [(t.name, t.title, t.path) for t in site.taxonomies]
            parts: list[object] = [use.files.hex(), site.info, site.links, site.pages, headers]
            if "taxonomies" in use.names:
                parts.append(site.taxonomies)
            found = self._common[template] = self.digester.of(tuple(parts)).hex()
        return found

    # -- one builder per kind of output (render._template_context) ---------------------------

    def _post(self, output: Output) -> list[str]:
        site = self.site
        index = site.post_index(output.key)
        related = ",".join(self.entry(entry) for entry in site.related_to(index))
        return [self.entry(site.entry(output.key)), self.entry(site.newer(index)),
                self.entry(site.older(index)), related]

    def _page(self, output: Output) -> list[str]:
        return [self.entry(self.site.entry(output.key))]

    def _home(self, output: Output) -> list[str]:
        site = self.site
        tags, months = site.taxonomy("tags"), site.taxonomy("months")
        return [self.posts(range(min(site.info.home_size, len(site.posts)))),
                *(self._members(tags, term) for term in tags.terms[:HOME_TAGS]),
                *(self._members(months, term) for term in months.terms), str(len(site.posts))]

    def _section(self, output: Output) -> list[str]:
        if self._sections is None:
            self._sections = section_pagers(self.site)
        pager = self._sections[output.number - 1]
        return [_pager(pager), self.posts(pager.items)]

    def _term(self, output: Output) -> list[str]:
        members, pagers = self._term_data(output.key, output.term)
        pager = pagers[output.number - 1]
        return [self._taxonomies[output.key].title, members, _pager(pager),
                self.posts(pager.items)]

    def _alias(self, output: Output) -> list[str]:
        return []

    def _notfound(self, output: Output) -> list[str]:
        return []

    def _taxonomy(self, output: Output) -> list[str]:
        taxonomy = self.site.taxonomy(output.key)
        return [taxonomy.title, *(self._members(taxonomy, term) for term in taxonomy.terms)]


def entry_base(entry: Entry) -> str:
    """Digest of an entry but its body statistics (which change when only the body does).
    An entry's repr shows every field (none is repr=False: checked below), and the values in
    it (text, dates, front matter) print in full; 5x quicker than a Digester walk."""
    bare = entry if entry.stats == _NO_STATS else replaced(entry, stats=_NO_STATS)
    if not _ENTRY_REPR_IS_COMPLETE:
        return Digester().of(bare).hex()
    text = repr(bare)
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def output_ident(output: Output) -> str:
    """Every field of an output (its repr, 5x quicker)."""
    return (f"{output.path}\x1e{output.kind}\x1e{output.key}\x1e{output.term}\x1e"
            f"{output.number}\x1e{output.target}\x1e{output.source}")


_NO_STATS = BodyStats()
_BUILT = ("post", "page", "home", "section", "term", "alias", "notfound", "taxonomy")
# every field a template may read (the items are in the key as the posts they are)
_PAGER_FIELDS = tuple(field.name for field in dataclasses.fields(Pager) if field.name != "items")


def _pager(pager: Pager) -> str:
    return repr(tuple(getattr(pager, name) for name in _PAGER_FIELDS))


_ENTRY_REPR_IS_COMPLETE = all(field.repr for field in dataclasses.fields(Entry)) and all(
    field.repr for kind in (BodyStats, TermValue) for field in dataclasses.fields(kind))
assert list(Output._fields) == [
    "path", "kind", "key", "term", "number", "target", "source"], "update output_ident"
