"""The quick paths of rendering lists and feeds, each proven equal to the general form it
stands in for: Jinja's Context.call and markupsafe.escape (template_runtime.py), the {% shared %}
fragments as plain template code, feed bodies escaped as UTF-8 bytes, cached date formats."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import jinja2
import markupsafe
import pytest
from hnmatome.render import CODE_RENDERED, render_output
from hnmatome.template_runtime import QuickCallContext, quick_escape
from hypothesis import given, settings
from hypothesis import strategies as st
from jinja2.runtime import Context, new_context
from markupsafe import Markup
from site_support import REPO_ROOT
from test_site_model import page

from hnmatome import feeds, templating
from hnmatome.core.settings import Settings
from hnmatome.site.markup.shortcodes import RenderedBody
from hnmatome.site.model import Site, assemble
from hnmatome.site.plan import Output, plan_outputs
from hnmatome.site.render.templates import CompiledTemplates, Templates, date_rfc822, date_short

# --------------------------------------------------------------------------- feeds

BODY_PIECES = st.lists(st.sampled_from([
    *"あい漢字。ＡＢ abc<>&\"'\t\n\r", "\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1f", "\x7f",
    "\ufffe", "\uffff", "\ufffd", "\ud800", "\udfff", "\ud83d\ude00", "😀", "\U0010ffff",
    ' href="/', ' src="/', ' href="//', 'href="/', ' href="https://a/', "/", "=", '"',
]), max_size=30).map("".join)

REFERENCE_ROOT_RELATIVE = re.compile(r'(\s(?:href|src)=")/(?!/)')


def reference_content(body: str, origin: str) -> bytes:
    """What a feed carried before: the body through the regular expressions and str escapes,
    encoded with the whole document."""
    if origin:
        body = REFERENCE_ROOT_RELATIVE.sub(lambda found: f"{found.group(1)}{origin}/", body)
    return feeds.escaped(feeds.xml_text(body)).encode("utf-8", "xmlcharrefreplace")


@settings(max_examples=400, deadline=None)
@given(BODY_PIECES, st.sampled_from(["", "https://h.example", "http://x.org/sub"]))
def test_feed_bodies_are_the_bytes_the_text_path_made(body: str, origin: str) -> None:
    assert feeds.content_bytes(feeds.absolute_links(body, origin)) == reference_content(body,
                                                                                         origin)


@settings(max_examples=200, deadline=None)
@given(st.lists(BODY_PIECES, max_size=6))
def test_a_document_encoded_in_parts_is_the_document_encoded_whole(parts: list[str]) -> None:
    whole = (feeds.DECLARATION + "".join(parts)).encode("utf-8", "xmlcharrefreplace")
    assert feeds.document(parts[:1], [feeds.encoded(part) for part in parts[1:]], "") == whole


def small_site(bodies: bool = True) -> tuple[Site, dict[str, str]]:
    site = assemble([page("posts/a/index.md", day=1, tags=("AI", "Rust"), title="古い <題>"),
                     page("posts/b/index.md", day=2, tags=("AI",), title="新しい & 題")],
                    Settings(base_url="https://h.example/"))
    html = {"posts/a/index.md": '<p><a href="/posts/b/">b</a>\x01\ud800</p>',
            "posts/b/index.md": "<p>本文 &amp; \ufffe</p>"}
    return site, html if bodies else {}


def reference_rss_items(site: Site, html: dict[str, str]) -> bytes:
    """The items of the site feed as the text path joined them."""
    parts = []
    for entry in site.posts:
        link = site.links.permalink(entry.path)
        parts += ["<item>\n", feeds.element("title", entry.title), feeds.element("link", link),
                  feeds.element("guid", link, isPermaLink="true"),
                  feeds.element("pubDate", format_datetime(entry.date))]
        parts += [feeds.element("category", tag.name) for tag in entry.tags]
        content = reference_content(html[entry.rel], site.links.origin).decode()
        parts += [f"<content:encoded>{content}</content:encoded>\n", "</item>\n"]
    return "".join(parts).encode("utf-8", "xmlcharrefreplace")


def test_site_feeds_carry_bodies_as_the_text_path_did() -> None:
    site, html = small_site()
    data = feeds.feed_for(Output("index.xml", "feed"), site, html)
    assert reference_rss_items(site, html) in data
    atom = feeds.feed_for(Output("atom.xml", "atom"), site, html)
    for entry in site.posts:
        content = reference_content(html[entry.rel], site.links.origin)
        assert b'<atom:content type="html">' + content + b"</atom:content>\n" in atom
    # the same items again, from the memo, and new ones for another body
    assert feeds.feed_for(Output("index.xml", "feed"), site, html) == data
    changed = dict(html, **{"posts/b/index.md": "<p>別の本文</p>"})
    again = feeds.feed_for(Output("index.xml", "feed"), site, changed)
    assert "別の本文".encode() in again and "本文 &amp;amp;".encode() not in again


def test_feeds_take_bodies_made_into_feed_content_beforehand() -> None:
    site, html = small_site()
    made = {rel: feeds.feed_content(body, site.links.origin) for rel, body in html.items()}
    for output in (Output("index.xml", "feed"), Output("atom.xml", "atom")):
        expected = feeds.feed_for(output, site, html)
        assert feeds.feed_for(output, site, made) == expected
        assert feeds.feed_for(output, site, html) == expected


def test_an_empty_body_closes_its_element() -> None:
    site, _ = small_site()
    data = feeds.feed_for(Output("index.xml", "feed"), site, {"posts/b/index.md": "\x01"})
    assert b"<content:encoded />\n" in data


# --------------------------------------------------------------------------- Context.call


@jinja2.pass_context
def pass_context_function(context: Context, value: str) -> str:
    return f"context {context['x']}:{value}"


def plain_function(value: str, **kwargs: Any) -> str:
    return f"plain:{value}:{sorted(kwargs)}"


def stopping(value: str) -> str:
    raise StopIteration


class Links:
    def href(self, value: str) -> str:
        return f"href:{value}"

    @jinja2.pass_environment
    def with_environment(self, environment: jinja2.Environment, value: str) -> str:
        return f"env:{value}"


class CallableWithContext:
    @jinja2.pass_eval_context
    def __call__(self, eval_context: Any, value: str) -> str:
        return f"eval:{value}"


def marked_function(value: str) -> str:
    return f"marked:{value}"


marked_function.jinja_pass_arg = None  # type: ignore[attr-defined]


def shadowed_call(value: str) -> str:
    return f"own:{value}"


shadowed_call.__call__ = jinja2.pass_context(lambda context, value: f"shadow:{value}")  # type: ignore[attr-defined]

CALLABLES = [pass_context_function, plain_function, stopping, Links().href,
             Links().with_environment, CallableWithContext(), marked_function, shadowed_call,
             jinja2.pass_context(lambda context, value: f"lambda {context['x']}:{value}"),
             len, str.upper]


def described(value: Any) -> Any:
    if isinstance(value, jinja2.Undefined):
        return ("undefined", value._undefined_hint)
    return value


@pytest.mark.parametrize("function", CALLABLES)
@pytest.mark.parametrize("kwargs", [{}, {"_loop_vars": {}}, {"_block_vars": {}, "other": 1}])
def test_quick_call_does_what_context_call_does(function: Any, kwargs: dict[str, Any]) -> None:
    environment = jinja2.Environment()
    results = []
    for context_class in (Context, QuickCallContext):
        environment.context_class = context_class
        context = new_context(environment, "t", {}, {"x": 1})
        try:
            results.append(("ok", described(context.call(function, "v", **dict(kwargs)))))
        except TypeError as exc:
            results.append(("error", str(exc).replace("QuickCallContext", "Context")))
    assert results[0] == results[1]


# --------------------------------------------------------------------------- escape


class HasHtml:
    def __html__(self) -> str:
        return "<b>safe</b>"


class StrChild(str):
    pass


ESCAPABLE = st.one_of(st.text(), st.integers(), st.floats(allow_nan=False), st.booleans(),
                      st.none(), st.text().map(Markup), st.text().map(StrChild),
                      st.just(HasHtml()), st.lists(st.text(), max_size=3))


@settings(max_examples=400, deadline=None)
@given(ESCAPABLE)
def test_quick_escape_is_markupsafe_escape(value: Any) -> None:
    quick, general = quick_escape(value), markupsafe.escape(value)
    assert type(quick) is type(general) is Markup
    assert str(quick) == str(general)


def repo_outputs() -> tuple[Site, list[Output], RenderedBody]:
    site = assemble([page("posts/a/index.md", day=1, tags=("AI", "Rust<b>")),
                     page("posts/b/index.md", day=2, tags=("AI",), title='"引用" & <題>'),
                     page("posts/c/index.md", day=3, tags=("Go",)), page("about.md")],
                    Settings(page_size=2))
    body = RenderedBody(html="<p>本文</p>", text="本文", comment_count=2, first_comment="")
    return site, [o for o in plan_outputs(site) if o.kind not in CODE_RENDERED], body


def test_repo_templates_render_alike_with_jinja_own_runtime(monkeypatch: pytest.MonkeyPatch,
                                                              tmp_path: Path) -> None:
    site, outputs, body = repo_outputs()
    quick = Templates(REPO_ROOT / "templates", tmp_path / "compiled")
    # the second environment loads the compiled templates the first wrote
    from_files = Templates(REPO_ROOT / "templates", tmp_path / "compiled")
    assert quick.env and from_files.env  # made now, with the quick runtime
    monkeypatch.setattr(templating, "quicken", lambda environment: environment)
    general = Templates(REPO_ROOT / "templates")
    for output in outputs:
        page_body = body if output.is_page else None
        expected = render_output(output, site, general, page_body)
        assert render_output(output, site, quick, page_body) == expected, output.path
        assert render_output(output, site, from_files, page_body) == expected, output.path
    assert list((tmp_path / "compiled").iterdir())
    assert from_files.env.get_template("base.html").root_render_func.__globals__[
        "escape"] is quick_escape


def test_compiled_templates_are_keyed_by_the_compiler_too(monkeypatch: pytest.MonkeyPatch,
                                                            tmp_path: Path) -> None:
    cache = CompiledTemplates(tmp_path)
    before = cache.get_source_checksum("{{ x }}")
    assert before != cache.get_source_checksum("{{ y }}")
    monkeypatch.setattr(templating, "_compiler_version", lambda: b"another extension")
    assert cache.get_source_checksum("{{ x }}") != before


# --------------------------------------------------------------------------- shared fragments


def test_shared_fragments_keep_their_scoping(tmp_path: Path) -> None:
    (tmp_path / "t.html").write_text(
        '{% shared "a" %}{% set x = 1 %}[{{ x }}]{% endshared %}{{ x is defined }}|'
        '{% for i in [1, 2, 1] %}{% shared "b", i %}{% set y = i %}{{ y }}{{ loop.index }}'
        '{% shared "c", i %}<{{ i }}>{% endshared %}{% endshared %}{{ y is defined }}'
        '{% endfor %}', encoding="utf-8")
    templates = Templates(tmp_path)
    # the third row is the first one again (its loop.index too: the fragment's key says so)
    assert templates.render("t.html", {}, object()) == ("[1]False|11<1>False22<2>False"
                                                        "11<1>False")
    # rendered directly, outside a scope: nothing is kept
    direct = templates.env.get_template("t.html").render()
    assert direct == "[1]False|11<1>False22<2>False13<1>False"


# --------------------------------------------------------------------------- dates

ZONES = [UTC, timezone(timedelta(hours=9)), timezone(timedelta(hours=-3, minutes=-30)),
         ZoneInfo("Asia/Tokyo"), ZoneInfo("America/New_York")]


@settings(max_examples=300, deadline=None)
@given(st.datetimes(min_value=datetime(2, 1, 1), max_value=datetime(9999, 12, 30)),
       st.sampled_from(ZONES))
def test_remembered_dates_are_formatted_dates(value: datetime, zone: Any) -> None:
    aware = value.replace(tzinfo=zone)
    assert date_short(aware) == aware.strftime("%Y/%m/%d")
    assert date_rfc822(aware) == format_datetime(aware)
    assert date_rfc822(value) == format_datetime(value)  # naive: '-0000
    # the same instant in another zone, remembered on its own
    other = aware.astimezone(ZONES[(ZONES.index(zone) + 1) % len(ZONES)])
    assert (date_short(other), date_rfc822(other)) == (other.strftime("%Y/%m/%d"),
                                                      format_datetime(other))
