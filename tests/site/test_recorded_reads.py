"""Recorded reads (incremental/reads.py): what an output renders from is recorded while it
renders, and a rebuild renders exactly the outputs whose recorded reads changed."""

from __future__ import annotations

from pathlib import Path

import pytest
from cache_support import assert_same_tree, clean_build, quotes, small_site
from model_support import page
from site_support import build, write_post

from hnmatome.core.settings import Settings
from hnmatome.site.incremental.reads import Opaque, answers_same, digest_of, query, recording
from hnmatome.site.model import assemble
from hnmatome.site.view import SiteView


def redirects(public: Path) -> set[str]:
    return {path.relative_to(public).as_posix()
            for path in public.rglob("index.html") if path.parent.name == "1"}


def test_a_template_that_starts_reading_something_is_tracked_from_then_on(
        tmp_path: Path) -> None:
    site = small_site(tmp_path / "site")
    build(site)
    public = site / "public"
    (site / "content" / "contact.md").write_text("+++\ntitle = '連絡先'\n+++\n", "utf-8")
    report = build(site)
    assert not redirects(public) & set(report.changed)  # redirect pages do not list pages
    alias = site / "templates" / "alias.html"
    alias.write_text(alias.read_text().replace(
        "<body>", "<body>{% for p in site_pages %}{{ p.title }}{% endfor %}"), "utf-8")
    build(site)
    (site / "content" / "terms.md").write_text("+++\ntitle = '利用規約'\n+++\n", "utf-8")
    report = build(site)
    assert redirects(public) <= set(report.changed)  # now they do, and are made again
    assert "利用規約" in (public / "posts" / "page" / "1" / "index.html").read_text()
    assert_same_tree(public, clean_build(site, tmp_path / "clean"))


def test_a_body_edit_renders_the_post_and_what_shows_its_numbers_only(tmp_path: Path) -> None:
    site = small_site(tmp_path / "site")
    build(site)
    post = site / "content" / "posts" / "2025_02" / "gamma" / "index.md"
    post.write_text(post.read_text("utf-8").replace("ガンマ 0", "ガンマ（直した）0"), "utf-8")
    report = build(site)
    # the post, and the feeds that show its first comment as its summary; the pages that
    # read it (lists, neighbours, related posts, the sitemap) are rendered and come out the same
    assert set(report.changed) == {"posts/2025_02/gamma/index.html", "tags/go/index.xml",
                                   "months/2025/02/index.xml"}
    assert 3 < report.rendered < 20
    assert_same_tree(site / "public", clean_build(site, tmp_path / "clean"))


def test_adding_a_post_leaves_the_pages_of_other_tags_alone(tmp_path: Path) -> None:
    site = small_site(tmp_path / "site")
    build(site)
    write_post(site / "content", "posts/2025_03/eta/index.md", title="イータ",
               date="2025-03-15", months="2025/03", tags=["Python"], body=quotes("イータ"))
    report = build(site)
    assert not [path for path in report.changed
                if path.startswith(("tags/go/", "tags/ai/", "tags/rust/"))]
    assert {"tags/python/index.html", "months/2025/03/index.html"} <= set(report.changed)


def test_an_answer_is_digested_by_what_it_shows() -> None:
    first = assemble([page("posts/a.md", day=1, tags=("Go",)), page("posts/b.md", day=2)],
                     Settings())
    more = assemble([page("posts/a.md", day=1, tags=("Go",)), page("posts/b.md", day=2),
                     page("posts/c.md", day=3, tags=("Rust",))], Settings())
    before, after = SiteView(first), SiteView(more)
    with recording() as reads:
        before.term("tags", "go")
        before.posts(0, 1)
    # the Go term lists the same posts (by file, not position); the newest post is another
    assert answers_same(after, [item for item in reads.items() if item[0][0] == "term"])
    assert not answers_same(after, [item for item in reads.items() if item[0][0] == "posts"])


def test_the_sitemap_reads_paths_and_times_only() -> None:
    from hnmatome.site.model import BodyStats
    from hnmatome.site.render.outputs import sitemap_xml

    pages = [page("posts/a.md", day=1, tags=("Go",)), page("posts/b.md", day=2)]
    site = assemble(pages, Settings())
    with recording() as reads:
        xml = sitemap_xml(SiteView(site)).decode()
    assert "/posts/a/</loc>" in xml
    assert "<lastmod>2025-02-03T00:00:00+09:00</lastmod>" in xml
    # a body edit changes a post's numbers, not its path or time: the sitemap stays
    counted = site.with_stats({"posts/a.md": BodyStats(chars=900, comment_count=7)})
    assert answers_same(SiteView(counted), reads.items())
    moved = assemble([page("posts/a.md", day=5, tags=("Go",)), pages[1]], Settings())
    assert not answers_same(SiteView(moved), reads.items())


def test_reads_are_recorded_inside_nested_recordings_and_a_gone_answer_differs() -> None:
    view = SiteView(assemble([page("posts/a.md", day=1)], Settings()))
    with recording() as outer:
        view.info()
        with recording() as inner:
            view.entry("posts/a.md")
    assert set(inner) == {("entry", "posts/a.md")}
    assert set(outer) == {("info",), ("entry", "posts/a.md")}
    empty = SiteView(assemble([], Settings()))
    assert not answers_same(empty, inner.items())  # the page is gone: a changed answer


def test_an_answer_must_show_all_it_holds() -> None:
    class Hidden:
        pass

    class View:
        def __init__(self) -> None:
            self.answers: dict = {}

        @query
        def opaque(self) -> object:
            return (Hidden(),)

    assert digest_of(("a", 1, None)) != digest_of(("a", 1, 0))
    with pytest.raises(Opaque):
        View().opaque()
