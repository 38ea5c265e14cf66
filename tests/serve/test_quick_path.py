"""`serve`'s quick path: an edited post's page rendered from the last build at once."""

from __future__ import annotations

from pathlib import Path

from cache_support import quotes, small_site
from selectolax.lexbor import LexborHTMLParser
from site_support import write_post

from hnmatome.core.project import open_project
from hnmatome.serve.quick import render_edited_pages
from hnmatome.site.build import BuildOptions, build_site
from hnmatome.site.incremental.cache import BuildCache

DIGEST = "posts/2025_03/digest/index.md"


def test_an_edited_post_shows_the_newest_posts_its_list_names(tmp_path: Path) -> None:
    site = small_site(tmp_path / "site")
    path = write_post(site / "content", DIGEST, title="まとめ", date="2025-03-02",
                      months="2025/03", tags=["Meta"],
                      body=quotes("まとめ") + "\n{{< list limit=1 >}}\n")
    project = open_project(site)
    cache = BuildCache.open(project.cache_dir)  # kept open, as serve does
    build_site(project, BuildOptions(search=False, jobs=1), cache=cache)
    path.write_text(path.read_text(encoding="utf-8") + "\n追記です。\n", encoding="utf-8")
    written = render_edited_pages(cache.views["public"], site, site / "public", [path])
    assert written is not None
    page = written["posts/2025_03/digest/index.html"].decode()
    assert "追記です。" in page and "HNMSC" not in page
    listed = LexborHTMLParser(page).css("ul.post-list-mini li a")
    assert [a.attributes["href"] for a in listed] == ["/posts/2025_03/zeta/"]  # the newest


def test_a_post_convert_rewrote_takes_the_quick_path(tmp_path: Path) -> None:
    """A studio save converts the thread again: the post's text and convert's bookkeeping
    keys change, nothing a page shows from the front matter does."""
    from convert_support import make_thread

    from hnmatome.convert.run import convert_changed
    from hnmatome.core import thread_yaml

    site = small_site(tmp_path / "site")
    thread = site / "content" / "threads" / "40000001.yaml"
    thread.parent.mkdir(parents=True)
    data = make_thread(6)
    thread_yaml.save(thread, data)
    project = open_project(site)
    (post,) = convert_changed(project).written
    cache = BuildCache.open(project.cache_dir)
    build_site(project, BuildOptions(search=False, jobs=1, drafts=True), cache=cache)
    data["comments"][0]["ja"] = "スタジオで直した訳"
    thread_yaml.save(thread, data)
    assert convert_changed(project, [40000001]).written == (post,)
    written = render_edited_pages(cache.views["public"], site, site / "public", [post])
    assert written is not None
    assert "スタジオで直した訳" in next(iter(written.values())).decode()
