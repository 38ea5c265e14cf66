"""What rendering reuses between outputs ({% shared %} fragments, feed items, formatted dates)
gives the bytes a fresh render gives, and never outlives the site model it was made for."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from site_support import REPO_ROOT
from test_site_model import page

from hnmatome import feeds
from hnmatome.core.errors import UserError
from hnmatome.core.settings import Settings
from hnmatome.plan import Output, plan_outputs
from hnmatome.render import CODE_RENDERED, render_output
from hnmatome.shortcodes import RenderedBody
from hnmatome.site import assemble
from hnmatome.templating import Templates, date_iso, date_ja, date_short


def templates_with(tmp_path: Path, **files: str) -> Templates:
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return Templates(tmp_path)


def counting() -> tuple[list[str], object]:
    calls: list[str] = []

    def seen(value: str) -> str:
        calls.append(value)
        return value

    return calls, seen


def test_a_shared_fragment_renders_once_per_scope_and_key(tmp_path: Path) -> None:
    templates = templates_with(
        tmp_path, **{"t.html": '{% shared "x", key %}[{{ seen(key) }}{{ site }}]{% endshared %}'
                               '{{ seen("page") }}'})
    calls, seen = counting()
    scope = object()
    rendered = [templates.render("t.html", {"key": key, "site": "<s>", "seen": seen}, scope)
                for key in ("a", "b", "a", "a")]
    assert rendered == ["[a&lt;s&gt;]page", "[b&lt;s&gt;]page", "[a&lt;s&gt;]page",
                        "[a&lt;s&gt;]page"]
    assert calls == ["a", "page", "b", "page", "page", "page"]
    # a new scope (another site model) renders it again, even with an equal context
    templates.render("t.html", {"key": "a", "site": "<s>", "seen": seen}, object())
    assert calls[-2:] == ["a", "page"]


def test_without_a_scope_nothing_is_shared(tmp_path: Path) -> None:
    templates = templates_with(tmp_path, **{"t.html": '{% shared "x" %}{{ seen(v) }}'
                                                      '{% endshared %}'})
    calls, seen = counting()
    assert templates.render("t.html", {"v": "1", "seen": seen}) == "1"
    assert templates.render("t.html", {"v": "2", "seen": seen}) == "2"
    # rendered directly, outside Templates.render: never from the cache either
    scope = object()
    templates.render("t.html", {"v": "3", "seen": seen}, scope)
    direct = templates.env.get_template("t.html").render({"v": "4", "seen": seen})
    assert direct == "4" and calls == ["1", "2", "3", "4"]


def test_an_unhashable_key_renders_every_time(tmp_path: Path) -> None:
    templates = templates_with(tmp_path, **{"t.html": '{% shared "x", v %}{{ v | join }}'
                                                      '{% endshared %}'})
    scope = object()
    assert templates.render("t.html", {"v": ["a"]}, scope) == "a"
    assert templates.render("t.html", {"v": ["b"]}, scope) == "b"


@pytest.mark.parametrize("inner", ["{% block b %}x{% endblock %}", "{{ self.b() }}"])
def test_a_fragment_cannot_hold_what_a_child_template_changes(tmp_path: Path,
                                                              inner: str) -> None:
    templates = templates_with(tmp_path, **{
        "t.html": '{% block b %}{% endblock %}\n{% shared "x" %}' + inner + "{% endshared %}"})
    with pytest.raises(UserError, match="shared") as caught:
        templates.render("t.html", {}, object())
    assert caught.value.line == 2


def test_repo_templates_render_pages_alike_with_and_without_sharing() -> None:
    """Every kind of page of a small site, rendered in one scope after another (fragments
    reused) and each in a scope of its own, gives the same bytes."""
    site = assemble([page("posts/a/index.md", day=1, tags=("AI", "Rust")),
                     page("posts/b/index.md", day=2, tags=("AI",)),
                     page("posts/c/index.md", day=3, tags=("Go",)), page("about.md")],
                    Settings(page_size=2))
    body = RenderedBody(html="<p>本文</p>", text="本文", comment_count=0, first_comment="")
    outputs = [o for o in plan_outputs(site) if o.kind not in CODE_RENDERED | {"alias"}]
    assert {o.kind for o in outputs} >= {"post", "page", "home", "section", "term", "taxonomy"}
    shared = Templates(REPO_ROOT / "templates")
    for output in outputs:
        alone = Templates(REPO_ROOT / "templates")
        page_body = body if output.is_page else None
        expected = render_output(output, site, alone, page_body)
        assert b"site-header" in expected or output.kind == "alias"
        assert render_output(output, site, shared, page_body) == expected, output.path


def test_feed_items_are_made_again_for_another_site_model() -> None:
    pages = [page("posts/a.md", day=1, tags=("AI",), title="古い題")]
    old = assemble(pages, Settings())
    new = assemble([dataclasses.replace(pages[0], title="新しい題")], Settings())
    tag_feed = Output("tags/ai/index.xml", "feed", key="tags", term="ai")
    assert "古い題".encode() in feeds.feed_for(tag_feed, old)
    assert "新しい題".encode() in feeds.feed_for(tag_feed, new)
    assert feeds.feed_for(tag_feed, old) == feeds.feed_for(tag_feed, old)


def test_dates_of_one_instant_in_two_zones_print_in_their_own_zone() -> None:
    tokyo = datetime(2025, 2, 10, 8, 0, tzinfo=timezone(timedelta(hours=9)))
    utc = tokyo.astimezone(UTC)
    assert tokyo == utc  # equal, and they hash alike: a plain cache would mix them up
    assert (date_iso(tokyo), date_iso(utc)) == ("2025-02-10T08:00:00+09:00",
                                                "2025-02-09T23:00:00+00:00")
    assert (date_short(tokyo), date_short(utc)) == ("2025/02/10", "2025/02/09")
    assert (date_ja(tokyo), date_ja(utc)) == ("2025年2月10日", "2025年2月9日")
    assert date_iso(None) == date_short(None) == ""
