"""The site model without disk: assembly, taxonomies, pagination, refs, the plan, pickling."""

from __future__ import annotations

import pickle
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hnmatome.render import render_output
from site_support import REPO_ROOT

from hnmatome.core.errors import UserError, UserErrors
from hnmatome.core.settings import Settings
from hnmatome.site.content import SourcePage
from hnmatome.site.markup.shortcodes import RenderedBody
from hnmatome.site.model import ShortcodeLinks, assemble
from hnmatome.site.plan import paginate, plan_outputs
from hnmatome.site.render.templates import Templates
from hnmatome.site.taxonomy import month_label

TOKYO = ZoneInfo("Asia/Tokyo")
START = datetime(2025, 2, 1, tzinfo=TOKYO)


def page(rel: str, *, day: int = 0, tags: tuple[str, ...] = (), months: tuple[str, ...] = (),
         title: str = "", slug: str = "", draft: bool = False) -> SourcePage:
    kind = "post" if rel.startswith("posts/") else "page"
    return SourcePage(
        path=Path("/content") / rel, rel=rel, section="posts" if kind == "post" else "",
        kind=kind, bundle=rel.endswith("/index.md"), title=title or rel,
        date=START + timedelta(days=day), lastmod=None, draft=draft, tags=tags, months=months,
        featureimage="", description="", slug=slug, hnid=None, meta={}, body="", body_line=1,
        source_hash="",
    )


def test_posts_are_newest_first_with_neighbours() -> None:
    site = assemble([page("posts/a.md", day=1), page("posts/b.md", day=3),
                     page("posts/c.md", day=2), page("about.md")], Settings())
    assert [e.rel for e in site.posts] == ["posts/b.md", "posts/c.md", "posts/a.md"]
    assert [e.rel for e in site.pages] == ["about.md"]
    middle = site.post_index("posts/c.md")
    assert site.newer(middle).rel == "posts/b.md"
    assert site.older(middle).rel == "posts/a.md"
    assert site.newer(0) is None and site.older(2) is None


def test_taxonomy_groups_by_url_and_counts() -> None:
    site = assemble([
        page("posts/a.md", day=1, tags=("Firefox", "AI"), months=("2025/02",)),
        page("posts/b.md", day=2, tags=("FireFox", "Firefox"), months=("2025/02",)),
        page("posts/c.md", day=3, tags=("Firefox", "🚀"), months=("2025/03",)),
    ], Settings())
    tags = site.taxonomy("tags")
    assert [(t.key, t.name, t.count) for t in tags.terms] == [("firefox", "Firefox", 3),
                                                              ("ai", "AI", 1)]
    assert tags.term("firefox").posts == (0, 1, 2)  # newest first, each post once
    months = site.taxonomy("months")
    assert [t.path for t in months.terms] == ["/months/2025/03/", "/months/2025/02/"]
    assert any("🚀" in warning for warning in site.warnings)


def test_drafts_left_out_unless_asked() -> None:
    pages = [page("posts/a.md", tags=("x",)), page("posts/b.md", draft=True, tags=("y",))]
    assert [e.rel for e in assemble(pages, Settings()).posts] == ["posts/a.md"]
    with_drafts = assemble(pages, Settings(), drafts=True)
    assert len(with_drafts.posts) == 2
    assert {t.key for t in with_drafts.taxonomy("tags").terms} == {"x", "y"}


def test_pagination_positions() -> None:
    pagers = paginate("/posts/", range(205), 100)
    assert [(p.number, len(p.items), p.path) for p in pagers] == [
        (1, 100, "/posts/"), (2, 100, "/posts/page/2/"), (3, 5, "/posts/page/3/")]
    assert (pagers[1].first_position, pagers[1].last_position) == (101, 200)
    assert pagers[0].prev_path is None and pagers[2].next_path is None
    assert pagers[1].prev_path == "/posts/" and pagers[1].next_path == "/posts/page/3/"
    empty = paginate("/tags/x/", (), 100)
    assert len(empty) == 1 and empty[0].items == () and empty[0].first_position == 0


def test_ref_targets_resolve_like_hugo() -> None:
    source = page("posts/2025_02/x/index.md", tags=("AI",))
    site = assemble([source, page("posts/2025_02/y/index.md", slug="why"), page("about.md")],
                    Settings(base_url="https://example.org/blog"))
    links = ShortcodeLinks(site)
    assert links.ref("/posts/", source) == "https://example.org/blog/posts/"
    assert links.ref("/about", source) == "https://example.org/blog/about/"
    assert links.ref("about.md", source) == "https://example.org/blog/about/"
    assert links.ref("/posts/2025_02/y/index.md", source) == (
        "https://example.org/blog/posts/2025_02/why/")
    assert links.ref("../y", source) == "https://example.org/blog/posts/2025_02/why/"
    assert links.ref("/tags/ai#top", source) == "https://example.org/blog/tags/ai/#top"
    with pytest.raises(LookupError):
        links.ref("/posts/nope/", source)
    latest = links.latest_posts(1)
    assert latest[0]["url"] == "/blog/posts/2025_02/x/" and latest[0]["title"]


def test_plan_reports_every_collision() -> None:
    fine = assemble([page("posts/a/index.md", day=1), page("posts/b.md", slug="bee", day=2)],
                    Settings())
    assert "posts/bee/index.html" in {o.path for o in plan_outputs(fine)}
    clash = assemble([page("posts/a/index.md", day=1), page("posts/b.md", slug="a", day=2),
                      page("posts/c.md", day=3), page("posts/d.md", slug="c", day=4)],
                     Settings())
    with pytest.raises(UserErrors) as caught:
        plan_outputs(clash)
    messages = [str(error) for error in caught.value.errors]
    assert len(messages) == 2
    assert any("content/posts/b.md" in m and "content/posts/a/index.md" in m for m in messages)
    assert any("posts/c/index.html" in m for m in messages)


def test_render_is_pure_and_its_inputs_pickle() -> None:
    """What issue 6 needs: any output rendered in another process from pickled inputs."""
    site = assemble([page("posts/a/index.md", tags=("AI",), months=("2025/02",)),
                     page("about.md")], Settings())
    templates = Templates(REPO_ROOT / "templates")
    outputs = plan_outputs(site)
    body = RenderedBody(html="<p>本文</p>", text="本文", comment_count=0, first_comment="")
    copies = pickle.loads(pickle.dumps((site, templates, outputs)))
    for output, copied in zip(outputs, copies[2], strict=True):
        if output.kind in ("static", "resource"):
            continue
        given = body if output.is_page else None
        first = render_output(output, site, templates, given)
        assert first == render_output(copied, copies[0], copies[1], given), output.path


def test_month_labels() -> None:
    assert month_label("2025/02") == "2025年2月"
    assert month_label("someday") == "someday"


def test_site_from_real_content_pickles() -> None:
    from hnmatome.site.content import load_content

    pages = load_content(REPO_ROOT / "content", Settings())
    site = assemble(pages, Settings())
    copy = pickle.loads(pickle.dumps(site))
    assert copy == site
    assert any(entry.hnid == 42997340 for entry in copy.posts)


def test_with_stats_equals_replacing_each_entrys_stats() -> None:
    import dataclasses

    from hnmatome.site import BodyStats, Entry, _with_stats

    entry = Entry(rel="posts/a.md", kind="post", title="t", path="/posts/a/", date=None,
                  lastmod=None, draft=False, tags=(), months=(), image="", description="d",
                  hnid=3, meta={"k": 1})
    stats = BodyStats(chars=10, comment_count=2, excerpt="x", has_code=True)
    quick, plain = _with_stats(entry, stats), dataclasses.replace(entry, stats=stats)
    assert quick == plain and repr(quick) == repr(plain) and quick.stats is stats
    assert entry.stats == BodyStats()  # the original is untouched
    assert _with_stats(entry, BodyStats()) is entry


def test_replaced_is_dataclasses_replace_for_the_classes_builds_copy() -> None:
    import dataclasses

    import pytest
    from hnmatome.frozen import replaced

    from hnmatome.site import Entry
    from hnmatome.site.content import SourcePage

    for kind in (SourcePage, Entry):  # what replaced() relies on
        assert "__slots__" not in vars(kind) and not hasattr(kind, "__post_init__")
    page = SourcePage(path=Path("/c/a.md"), rel="a.md", section="", kind="page", bundle=False,
                      title="t", date=None, lastmod=None, draft=False, tags=("x",),
                      months=(), featureimage="", description="", slug="", hnid=None,
                      meta={}, body="本文", body_line=3, source_hash="h")
    quick = replaced(page, body="", source_hash="")
    assert quick == dataclasses.replace(page, body="", source_hash="") and page.body == "本文"
    with pytest.raises(TypeError):
        replaced(page, nonsense=1)


def test_a_file_in_the_way_of_a_folder_is_a_collision() -> None:
    from hnmatome.site.plan import Output, check_collisions

    check_collisions([Output("a/b/index.html", "post", source="one"),
                      Output("a/c.html", "post", source="two")])
    with pytest.raises(UserError) as caught:
        check_collisions([Output("a/b/index.html", "post", source="one"),
                          Output("a/b", "static", source="static/a/b")])
    assert "static/a/b" in str(caught.value) and "as a file and a folder" in str(caught.value)
