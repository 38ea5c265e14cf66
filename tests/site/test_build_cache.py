"""The build cache: a rebuild renders and writes only what changed, and never less."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from cache_support import assert_same_tree, clean_build, quotes, small_site, stamps
from site_support import build, write_post

from hnmatome.core.errors import UserError


@pytest.fixture
def site(tmp_path: Path) -> Path:
    project = small_site(tmp_path / "site")
    build(project)
    return project


def changed(report: object) -> set[str]:
    return set(report.changed)  # type: ignore[attr-defined]


def test_a_build_with_nothing_changed_does_nothing(site: Path) -> None:
    before = stamps(site / "public")
    report = build(site)
    assert report.mode == "unchanged" and report.files == 0 and report.pages == 7
    assert stamps(site / "public") == before


def test_adding_a_post_renders_it_and_exactly_the_pages_that_list_it(site: Path) -> None:
    before = stamps(site / "public")
    write_post(site / "content", "posts/2025_03/eta/index.md", title="イータ",
               date="2025-03-15", months="2025/03", tags=["Python"], body=quotes("イータ"))
    report = build(site)
    assert report.mode == "incremental"
    assert changed(report) == {
        "posts/2025_03/eta/index.html",  # the post
        "posts/2025_03/zeta/index.html",  # its older neighbour links to it
        "index.html", "index.xml", "atom.xml",  # home and the site feeds
        "404.html",  # it offers the newest posts
        "posts/index.html", "posts/index.xml",  # the post list, whose pagers all shift
        "posts/page/2/index.html", "posts/page/3/index.html", "posts/page/4/index.html",
        "tags/python/index.html", "tags/python/index.xml", "tags/index.html",  # its tag
        "months/2025/03/index.html", "months/2025/03/page/2/index.html",  # its month
        "months/2025/03/index.xml", "months/index.html",
        "sitemap.xml",
    }
    after = stamps(site / "public")
    untouched = [rel for rel in before if rel not in changed(report)]
    assert untouched and all(after[rel] == before[rel] for rel in untouched)


def test_a_new_post_updates_each_list_of_newest_posts_without_rendering_its_body(
        site: Path) -> None:
    """A `{{< list >}}` is rendered with its page: a new post changes the list, not the body
    around it (mostly comment cards), so that body comes from the cache."""
    write_post(site / "content", "posts/2025_03/digest/index.md", title="まとめ",
               date="2025-03-02", months="2025/03", tags=["Meta"],
               body=quotes("まとめ") + "\n{{< list limit=1 >}}\n")
    build(site)
    write_post(site / "content", "posts/2025_04/new/index.md", title="新着", date="2025-04-01",
               months="2025/04", tags=["Meta"], body=quotes("新着"))
    report = build(site)
    assert report.bodies == 1  # the new post's
    page = (site / "public" / "posts" / "2025_03" / "digest" / "index.html").read_text(
        encoding="utf-8")
    assert '<ul class="post-list-mini" data-pagefind-ignore>' in page
    assert 'href="/posts/2025_04/new/"' in page and "HNMSC" not in page
    assert "posts/2025_03/digest/index.html" in changed(report)


def test_editing_a_body_renders_that_post_and_what_shows_its_numbers(site: Path) -> None:
    post = site / "content" / "posts" / "2025_02" / "gamma" / "index.md"
    post.write_text(post.read_text(encoding="utf-8") + quotes("追加", 1), encoding="utf-8")
    report = build(site)
    assert "posts/2025_02/gamma/index.html" in changed(report)
    assert "<div class=\"mq-body\"><p>追加 0</p></div>" in (
        site / "public" / "posts" / "2025_02" / "gamma" / "index.html").read_text()
    # its comment count shows on the lists that carry it, nowhere else
    assert "tags/rust/index.html" not in changed(report)
    assert "posts/2025_03/zeta/index.html" not in changed(report)


def test_a_template_change_renders_what_uses_that_template(site: Path) -> None:
    template = site / "templates" / "post.html"
    template.write_text(template.read_text(encoding="utf-8").replace(
        "{% block main %}", "{% block main %}<!-- post template v2 -->", 1), encoding="utf-8")
    report = build(site)
    posts = {rel for rel in changed(report) if rel.startswith("posts/2025_")}
    assert len(posts) == 6 and changed(report) == posts  # every post, and nothing else
    base = site / "templates" / "base.html"
    base.write_text(base.read_text(encoding="utf-8").replace("</body>", "<!-- v2 --></body>"),
                    encoding="utf-8")
    report = build(site)
    public = site / "public"
    html = {path.relative_to(public).as_posix() for path in public.rglob("*.html")}
    redirects = {rel for rel in html if rel.endswith("page/1/index.html")}  # alias.html
    assert changed(report) == html - redirects and len(redirects) > 5


def test_clean_ignores_the_cache(site: Path) -> None:
    report = build(site, clean=True)
    assert report.mode == "full" and report.rendered == report.files > 40


def test_a_lost_or_damaged_cache_only_costs_time(site: Path, tmp_path: Path) -> None:
    cache = site / ".cache" / "hnmatome" / "build"
    (cache / "state.pickle").write_bytes(b"garbage")
    for pack in (cache / "bodies").glob("*.pack"):
        pack.write_bytes(b"\x00" * 10)
    post = site / "content" / "posts" / "2025_03" / "delta" / "index.md"
    post.write_text(post.read_text(encoding="utf-8").replace("デルタ 0", "デルタ改 0"),
                    encoding="utf-8")
    build(site)
    assert_same_tree(site / "public", clean_build(site, tmp_path / "clean"))
    shutil.rmtree(cache)
    assert build(site).mode == "full"
    assert_same_tree(site / "public", clean_build(site, tmp_path / "clean"))


def test_an_output_changed_by_hand_is_made_again(site: Path) -> None:
    page = site / "public" / "tags" / "go" / "index.html"
    original = page.read_bytes()
    page.write_bytes(b"edited by hand")
    (site / "public" / "posts" / "2025_02" / "beta" / "index.html").unlink()
    report = build(site)
    assert page.read_bytes() == original
    assert (site / "public" / "posts" / "2025_02" / "beta" / "index.html").is_file()
    assert changed(report) == {"tags/go/index.html", "posts/2025_02/beta/index.html"}


def test_deleting_a_post_deletes_its_files(site: Path) -> None:
    shutil.rmtree(site / "content" / "posts" / "2025_03" / "zeta")
    report = build(site)
    assert not (site / "public" / "posts" / "2025_03" / "zeta").exists()
    assert not (site / "public" / "tags" / "python").exists()  # its only tag went with it
    assert "posts/2025_03/zeta/index.html" in changed(report)


def test_a_failed_rebuild_changes_nothing_and_the_next_good_one_catches_up(site: Path) -> None:
    before = {rel: stamp for rel, stamp in stamps(site / "public").items()}
    post = site / "content" / "posts" / "2025_02" / "alpha" / "index.md"
    good = post.read_text(encoding="utf-8")
    post.write_text(good + "{{< nosuch >}}\n", encoding="utf-8")
    other = site / "content" / "posts" / "2025_02" / "beta" / "index.md"
    other.write_text(other.read_text(encoding="utf-8").replace("ベータ 0", "ベータ改 0"),
                     encoding="utf-8")
    with pytest.raises(UserError) as caught:
        build(site)
    assert "alpha/index.md" in str(caught.value)
    assert stamps(site / "public") == before
    assert not [p for p in site.iterdir() if p.name.startswith(".public.")]
    post.write_text(good, encoding="utf-8")
    report = build(site)
    assert "posts/2025_02/beta/index.html" in changed(report)
    assert "ベータ改 0" in (site / "public" / "posts" / "2025_02" / "beta" / "index.html"
                          ).read_text(encoding="utf-8")


def test_a_ref_follows_its_target(site: Path, tmp_path: Path) -> None:
    """A cached body is reused only while every `ref` it resolved still resolves the same."""
    write_post(site / "content", "posts/2025_03/linker/index.md", title="リンク", date="2025-03-02",
               months="2025/03", body='[ガンマへ]({{% ref "/posts/2025_02/gamma" %}})\n')
    build(site)
    write_post(site / "content", "posts/2025_02/gamma/index.md", title="ガンマ",
               date="2025-02-10", tags=["Go"], months="2025/02", body=quotes("ガンマ"),
               extra={"slug": "'gamma-renamed'"})
    build(site)
    linker = (site / "public" / "posts" / "2025_03" / "linker" / "index.html").read_text()
    assert "/posts/2025_02/gamma-renamed/" in linker
    assert_same_tree(site / "public", clean_build(site, tmp_path / "clean"))


def test_only_changed_bytes_are_written(site: Path) -> None:
    """A post whose source changed without changing its page (a TOML comment) has its body
    rendered again, and its page is kept: the body came out the same."""
    post = site / "content" / "posts" / "2025_02" / "gamma" / "index.md"
    post.write_text(post.read_text(encoding="utf-8").replace("+++\n", "+++\n# note\n", 1),
                    encoding="utf-8")
    before = stamps(site / "public")
    report = build(site)
    assert report.mode == "incremental" and report.files == 0
    assert stamps(site / "public") == before


def test_the_cache_lives_in_the_git_ignored_cache_folder(site: Path) -> None:
    cache = site / ".cache" / "hnmatome" / "build"
    assert {p.name for p in cache.iterdir()} >= {"files.pickle", "pages.pickle",
                                                 "bodies.pickle", "bodies"}
    assert os.listdir(cache / "bodies")
    ignored = (Path(__file__).resolve().parents[2] / ".gitignore").read_text()
    assert "/.cache/" in ignored


def test_the_cache_is_good_in_a_fresh_checkout_elsewhere(site: Path, tmp_path: Path) -> None:
    """What a deploy does: a fresh checkout (every file new, another folder, no public/) with
    the cache restored. Nothing is rendered again but what the missing output needs."""
    checkout = tmp_path / "runner" / "checkout"
    checkout.mkdir(parents=True)
    for name in ("content", "templates", "static", ".cache"):
        shutil.copytree(site / name, checkout / name)  # new inodes and times
    shutil.copy(site / "pyproject.toml", checkout / "pyproject.toml")
    future = 2_000_000_000
    for path in checkout.rglob("*"):
        os.utime(path, (future, future))
    report = build(checkout)
    assert report.mode == "full" and report.bodies == 0  # every body from the cache
    assert_same_tree(checkout / "public", site / "public")
    post = checkout / "content" / "posts" / "2025_02" / "beta" / "index.md"
    post.write_text(post.read_text(encoding="utf-8") + quotes("追加", 1), encoding="utf-8")
    again = build(checkout)
    assert again.mode == "incremental" and again.bodies == 1


def test_two_builds_at_once_take_turns(site: Path) -> None:
    """A second build (serve beside `build`, two scripts) waits for the first, then works."""
    import threading

    from hnmatome.core.project import open_project
    from hnmatome.site.build import BuildOptions, build_site
    from hnmatome.site.incremental.cache import BuildCache

    holder = BuildCache.open(site / ".cache" / "hnmatome")
    waited = threading.Event()
    with holder.locked():
        post = site / "content" / "posts" / "2025_02" / "beta" / "index.md"
        post.write_text(post.read_text(encoding="utf-8") + quotes("待った", 1), encoding="utf-8")
        result: list[object] = []
        second = threading.Thread(target=lambda: result.append(build_site(
            open_project(site), BuildOptions(search=False, jobs=1, waiting=waited.set))))
        second.start()
        assert waited.wait(10)  # it said it waits, and did not build yet
        assert "待った" not in (site / "public" / "posts" / "2025_02" / "beta" / "index.html"
                              ).read_text(encoding="utf-8")
    second.join(30)
    assert result and "待った" in (site / "public" / "posts" / "2025_02" / "beta" /
                                  "index.html").read_text(encoding="utf-8")


def test_a_restored_output_folder_is_recognised_by_its_contents(site: Path,
                                                                 tmp_path: Path) -> None:
    """A deploy that restores public/ with the cache: every file is new on disk, yet only
    what changed is written."""
    checkout = tmp_path / "runner" / "checkout"
    checkout.mkdir(parents=True)
    for name in ("content", "templates", "static", ".cache", "public"):
        shutil.copytree(site / name, checkout / name)
    shutil.copy(site / "pyproject.toml", checkout / "pyproject.toml")
    (checkout / "public" / "tags" / "go" / "index.html").write_bytes(b"damaged")
    write_post(checkout / "content", "posts/2025_03/eta/index.md", title="イータ",
               date="2025-03-15", months="2025/03", tags=["Python"], body=quotes("イータ"))
    report = build(checkout)
    assert report.mode == "incremental" and report.bodies == 1
    assert "tags/go/index.html" in report.changed and "tags/rust/index.html" not in report.changed
    assert_same_tree(checkout / "public", clean_build(checkout, tmp_path / "clean"))
    assert build(checkout).mode == "unchanged"  # and the new stamps are remembered
