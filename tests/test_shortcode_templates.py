"""Shortcode templates from the cache directory render and analyse as freshly parsed ones,
and a changed template is never served from the cache."""

from __future__ import annotations

import pickle
import shutil
from pathlib import Path

import jinja2
import pytest
from page_support import TEMPLATES, StubContext, make_page

from hnmatome.core.errors import UserError
from hnmatome.core.settings import Settings
from hnmatome.shortcode_templates import load_shortcode_templates
from hnmatome.shortcodes import BUILTIN_SHORTCODES, PageRenderer

BODY = ('# T\n\n{{<matomeQuote body="**b** https://example.com/x" userName="u" createdAt="" '
        'color="">}}\n\n{{< details summary="s" >}}inner{{< /details >}}\n\n{{< list 2 >}}')


def _folder(tmp_path: Path) -> Path:
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES / "shortcodes", templates / "shortcodes")
    return templates


def test_cached_templates_render_and_analyse_as_fresh_ones(tmp_path: Path) -> None:
    templates = _folder(tmp_path)
    compiled = tmp_path / "compiled"
    fresh = PageRenderer(templates, Settings())
    first = PageRenderer(templates, Settings(), compiled)  # fills the cache
    assert any(compiled.glob("*.jinja")) and any(compiled.glob("shortcode-names-*.json"))
    second = PageRenderer(templates, Settings(), compiled)  # reads it
    page = make_page(BODY)
    expected = fresh.render(page, StubContext(), late=True)
    for renderer in (first, second, pickle.loads(pickle.dumps(second))):
        assert renderer.compiled_dir == compiled
        assert renderer.paired == fresh.paired
        assert renderer._late == fresh._late
        assert renderer.render(page, StubContext(), late=True) == expected
        assert renderer.render(page, StubContext()) == fresh.render(page, StubContext())


def test_a_warm_cache_parses_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    templates = _folder(tmp_path)
    PageRenderer(templates, Settings(), tmp_path / "compiled")

    def no_parsing(*_: object, **__: object) -> None:
        raise AssertionError("parsed a template the cache holds")

    monkeypatch.setattr(jinja2.Environment, "_parse", no_parsing)
    warm = PageRenderer(templates, Settings(), tmp_path / "compiled")
    assert warm.render(make_page(BODY), StubContext()).comment_count == 1


def test_a_changed_template_is_analysed_and_compiled_again(tmp_path: Path) -> None:
    templates = _folder(tmp_path)
    compiled = tmp_path / "compiled"
    note = templates / "shortcodes" / "note.html"
    note.write_text("<aside>{{ args[0] }}</aside>", encoding="utf-8")
    before = PageRenderer(templates, Settings(), compiled)
    assert before.paired["note"] is False
    note.write_text("<aside>{{ args[0] }}{{ inner_html }}</aside>", encoding="utf-8")
    after = PageRenderer(templates, Settings(), compiled)
    assert after.paired["note"] is True
    html = after.render(make_page("{{< note n >}}**i**{{< /note >}}"), StubContext()).html
    assert "<aside>n<p><strong>i</strong></p>\n</aside>" in html


def test_a_damaged_cache_costs_only_time(tmp_path: Path) -> None:
    templates = _folder(tmp_path)
    compiled = tmp_path / "compiled"
    PageRenderer(templates, Settings(), compiled)
    for path in compiled.iterdir():
        path.write_bytes(b"\x00garbage")
    loaded = load_shortcode_templates(templates / "shortcodes", compiled, BUILTIN_SHORTCODES)
    fresh = load_shortcode_templates(templates / "shortcodes", None, BUILTIN_SHORTCODES)
    assert (loaded.paired, loaded.late) == (fresh.paired, fresh.late)
    values = {"name": "details", "params": {"summary": "s"}, "args": (), "page": None,
              "inner": "", "inner_html": "x"}
    assert loaded.templates["details"].render(values) == fresh.templates["details"].render(values)


def test_a_syntax_error_is_reported_with_a_cache_too(tmp_path: Path) -> None:
    templates = _folder(tmp_path)
    bad = templates / "shortcodes" / "broken.html"
    bad.write_text("ok\n{% if %}\n", encoding="utf-8")
    for _ in range(2):
        with pytest.raises(UserError) as caught:
            PageRenderer(templates, Settings(), tmp_path / "compiled")
        assert (caught.value.path, caught.value.line) == (bad, 2)
