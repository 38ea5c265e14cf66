"""`list` shows the newest posts: bodies are stored with a marker in its place and the page
gets its output when it renders (late_shortcodes.py), byte for byte what rendering it inside
the body gives, so a new post does not render again every body that lists the newest."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from cache_support import assert_same_tree, clean_build, quotes, small_site
from hnmatome.late_shortcodes import LateShortcodes
from page_support import TEMPLATES, StubContext, make_page, renderer
from site_support import build, write_post

from hnmatome import output_work
from hnmatome.core.settings import Settings
from hnmatome.site.markup.shortcodes import PageRenderer

QUOTE = '{{< matomeQuote body="やあ" userName="u" createdAt="" color="" >}}'
BODIES = [
    "{{< list limit=2 >}}",
    "前置き\n\n{{< list limit=1 >}}\n\n後書き",
    f"{QUOTE}\n{{{{< list limit=3 >}}}}\n{QUOTE}",
    "{{< details summary=\"最新\" >}}\n{{< list 2 >}}\n{{< /details >}}",
    "文中 {{< list limit=2 >}} の一覧と {{< list limit=0 >}}",
    "```\n{{< list limit=2 >}}\n```\n\n{{< list limit=2 >}}",
]


@pytest.mark.parametrize("body", BODIES)
def test_a_late_list_fills_in_to_exactly_the_body_rendered_at_once(body: str) -> None:
    page = make_page(body)
    whole = renderer().render(page, StubContext())
    late = renderer().render(page, StubContext(), late=True)
    assert late.late and all(call.marker in late.html for call in late.late)
    resolved = LateShortcodes(TEMPLATES).resolve(late.html, late.late, page, StubContext())
    assert resolved == whole.html
    assert (late.text, late.comment_count, late.first_comment) == (
        whole.text, whole.comment_count, whole.first_comment)


def test_a_template_that_reads_the_page_renders_inside_the_body(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    (templates / "shortcodes" / "list.html").write_text(
        "<ul>{% for post in posts %}<li>{{ post.title }} ({{ page.title }})</li>{% endfor %}</ul>",
        encoding="utf-8")
    body = PageRenderer(templates, Settings()).render(make_page("{{< list 1 >}}"),
                                                      StubContext(), late=True)
    assert not body.late and "<li>" in body.html


def test_a_marker_a_template_rewrote_is_never_left_in_a_page(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    (templates / "shortcodes" / "shout.html").write_text("<div>{{ inner_html|lower }}</div>",
                                                         encoding="utf-8")
    page = make_page("{{< shout >}}\n{{< list 1 >}}\n{{< /shout >}}")
    body = PageRenderer(templates, Settings()).render(page, StubContext(), late=True)
    assert LateShortcodes(templates).resolve(body.html, body.late, page, StubContext()) is None


@pytest.fixture
def site(tmp_path: Path) -> Path:
    project = small_site(tmp_path / "site")
    write_post(project / "content", "posts/2025_03/digest/index.md", title="まとめ",
               date="2025-03-02", months="2025/03", tags=["Meta"],
               body=quotes("まとめ") + "{{< list limit=2 >}}\n")
    build(project)
    return project


def test_a_new_post_shows_in_lists_without_rendering_their_bodies(
        site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rendered: list[str] = []
    original = output_work.render_body

    def spy(work, page, packs):  # type: ignore[no-untyped-def]
        rendered.append(page.rel)
        return original(work, page, packs)

    monkeypatch.setattr(output_work, "render_body", spy)
    write_post(site / "content", "posts/2025_04/new/index.md", title="新着記事",
               date="2025-04-01", months="2025/04", tags=["Go"], body=quotes("新着"))
    report = build(site, jobs=1)  # one process: the spy sees every body rendered
    assert rendered == ["posts/2025_04/new/index.md"]
    digest = site / "public" / "posts" / "2025_03" / "digest" / "index.html"
    assert "posts/2025_03/digest/index.html" in report.changed  # type: ignore[attr-defined]
    assert "新着記事" in digest.read_text(encoding="utf-8")
    assert_same_tree(site / "public", clean_build(site, tmp_path / "clean"))
