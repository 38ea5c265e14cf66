"""The site model without disk: assembly, taxonomies, refs, the plan, pickling."""

from __future__ import annotations

import pickle

import pytest
from model_support import page
from site_support import REPO_ROOT

from hnmatome.core.errors import UserError, UserErrors
from hnmatome.core.settings import Settings
from hnmatome.site.model import assemble
from hnmatome.site.plan import plan_outputs
from hnmatome.site.taxonomy import month_label
from hnmatome.site.view import SiteView
from hnmatome.site.workers import ShortcodeSite


def test_posts_are_newest_first_with_neighbours() -> None:
    site = assemble([page("posts/a.md", day=1), page("posts/b.md", day=3),
                     page("posts/c.md", day=2), page("about.md")], Settings())
    assert [e.rel for e in site.posts] == ["posts/b.md", "posts/c.md", "posts/a.md"]
    assert [e.rel for e in site.pages] == ["about.md"]
    view = SiteView(site)
    newer, older = view.neighbours("posts/c.md")
    assert (newer.rel, older.rel) == ("posts/b.md", "posts/a.md")
    assert view.neighbours("posts/b.md")[0] is None and view.neighbours("posts/a.md")[1] is None


def test_taxonomy_groups_by_url_and_counts() -> None:
    site = assemble([
        page("posts/a.md", day=1, tags=("Firefox", "AI"), months=("2025/02",)),
        page("posts/b.md", day=2, tags=("FireFox", "Firefox"), months=("2025/02",)),
        page("posts/c.md", day=3, tags=("Firefox", "🚀"), months=("2025/03",)),
    ], Settings())
    tags = site.terms["tags"]
    assert [(t.key, t.name, t.count) for t in tags] == [("firefox", "Firefox", 3), ("ai", "AI", 1)]
    # newest first, each post once
    assert site.term("tags", "firefox").posts == ("posts/c.md", "posts/b.md", "posts/a.md")
    assert [t.path for t in site.terms["months"]] == ["/months/2025/03/", "/months/2025/02/"]
    assert any("🚀" in warning for warning in site.warnings)


def test_drafts_left_out_unless_asked() -> None:
    pages = [page("posts/a.md", tags=("x",)), page("posts/b.md", draft=True, tags=("y",))]
    assert [e.rel for e in assemble(pages, Settings()).posts] == ["posts/a.md"]
    with_drafts = assemble(pages, Settings(), drafts=True)
    assert len(with_drafts.posts) == 2
    assert {t.key for t in with_drafts.terms["tags"]} == {"x", "y"}


def test_ref_targets_resolve_like_hugo() -> None:
    source = page("posts/2025_02/x/index.md", tags=("AI",))
    site = assemble([source, page("posts/2025_02/y/index.md", slug="why"), page("about.md")],
                    Settings(base_url="https://example.org/blog"))
    links = ShortcodeSite(SiteView(site))
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


def test_with_stats_gives_each_entry_its_bodys_statistics() -> None:
    from hnmatome.site.model import BodyStats

    site = assemble([page("posts/a.md", day=1), page("posts/b.md", day=2), page("about.md")],
                    Settings())
    stats = BodyStats(chars=10, comment_count=2, excerpt="x", has_code=True)
    done = site.with_stats({"posts/a.md": stats})
    assert done.entry("posts/a.md").stats == stats and done.entry("posts/b.md").stats == BodyStats()
    assert site.entry("posts/a.md").stats == BodyStats()  # the original is untouched
    assert done.terms == site.terms and done.related == site.related


def test_a_file_in_the_way_of_a_folder_is_a_collision() -> None:
    from hnmatome.site.plan import Output, check_collisions

    check_collisions([Output("a/b/index.html", "post", source="one"),
                      Output("a/c.html", "post", source="two")])
    with pytest.raises(UserError) as caught:
        check_collisions([Output("a/b/index.html", "post", source="one"),
                          Output("a/b", "static", source="static/a/b")])
    assert "static/a/b" in str(caught.value) and "as a file and a folder" in str(caught.value)
