"""Term groups: after the site model changes, the outputs of the tags and months it did not
touch are kept by one digest each (term_groups.py), and the others still change."""

from __future__ import annotations

from pathlib import Path

import pytest
from cache_support import assert_same_tree, clean_build, quotes, small_site, spy_on_checks
from site_support import build, write_post


@pytest.fixture
def built(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, list[str]]:
    """The small site, built; and the paths of the outputs each later build checks one by
    one (quick key or fingerprint)."""
    site = small_site(tmp_path / "site")
    build(site)
    return site, spy_on_checks(monkeypatch)


def _add_python_post(site: Path) -> None:
    write_post(site / "content", "posts/2025_03/eta/index.md", title="イータ",
               date="2025-03-15", months="2025/03", tags=["Python"], body=quotes("イータ"))


def test_adding_a_post_checks_only_the_groups_of_its_terms(built: tuple[Path, list[str]]
                                                          ) -> None:
    site, checked = built
    _add_python_post(site)
    report = build(site)
    term_paths = [path for path in checked if path.startswith(("tags/", "months/"))]
    assert "tags/python/index.html" in term_paths and "tags/python/index.xml" in term_paths
    assert "months/2025/03/index.html" in term_paths
    # (the new post pushes delta out of the newest three, which the site feeds carry in
    # full; Rust's feed carries summaries only, so its group is unchanged)
    assert not [path for path in term_paths
                if path.startswith(("tags/go/", "tags/ai/", "tags/rust/"))]
    assert {"tags/python/index.html", "months/2025/03/index.html"} <= set(report.changed)
    assert_same_tree(site / "public", clean_build(site, site.parent / 'clean'))


def test_a_changed_member_title_changes_its_groups_pages(built: tuple[Path, list[str]]
                                                         ) -> None:
    site, checked = built
    post = site / "content" / "posts" / "2025_02" / "alpha" / "index.md"
    text = post.read_text(encoding="utf-8")
    post.write_text(text.replace('title = "アルファ"', 'title = "アルファ（改題）"', 1),
                    encoding="utf-8")
    report = build(site)
    assert "tags/rust/index.html" in report.changed
    assert "アルファ（改題）" in (site / "public/tags/rust/index.html").read_text(encoding="utf-8")
    assert not [path for path in checked if path.startswith(("tags/python/", "tags/go/"))]
    assert_same_tree(site / "public", clean_build(site, site.parent / 'clean'))


def test_a_group_file_changed_on_disk_is_made_again(built: tuple[Path, list[str]]) -> None:
    site = built[0]
    _add_python_post(site)
    page = site / "public" / "tags" / "rust" / "index.html"
    page.write_text("damaged", encoding="utf-8")
    build(site)
    assert "damaged" not in page.read_text(encoding="utf-8")
    assert_same_tree(site / "public", clean_build(site, site.parent / 'clean'))


def test_the_manifest_keeps_every_groups_digest_after_body_edits(
        built: tuple[Path, list[str]], monkeypatch: pytest.MonkeyPatch) -> None:
    """An edit build carries the digests of the groups it did not reach over; the next model
    change must still find them right (checked: HNMATOME_CHECK_CACHE also recomputes them)."""
    site = built[0]
    monkeypatch.setenv("HNMATOME_CHECK_CACHE", "1")
    post = site / "content" / "posts" / "2025_02" / "alpha" / "index.md"
    post.write_text(post.read_text(encoding="utf-8") + quotes("追加", 1), encoding="utf-8")
    build(site)
    _add_python_post(site)
    build(site)
    assert_same_tree(site / "public", clean_build(site, site.parent / 'clean'))
