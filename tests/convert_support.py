"""Helpers for the converter tests: made-up threads, our renderer, real Hugo, visible text."""

from __future__ import annotations

import re
import shutil
import subprocess
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from selectolax.lexbor import LexborHTMLParser as HTMLParser

from hnmatome.convert.cards import CARD_NAME
from hnmatome.convert.post_format import Post, content_digest, format_post, input_fingerprint
from hnmatome.core import thread_yaml
from hnmatome.core.project import Project, open_project
from hnmatome.core.settings import Settings
from hnmatome.site.content import load_page
from hnmatome.site.markup.shortcodes import PageRenderer

REPO_ROOT = Path(__file__).resolve().parent.parent
HUGO_SITE = Path(__file__).resolve().parent / "convert" / "hugo_site"
TEMPLATES = REPO_ROOT / "templates"

JA_WORDS = ("なるほど", "これは面白い", "LLMの話", "確かにそう思う", "でも実際には", "難しいね")


def make_thread(n_comments: int, *, item_id: int = 40000001, translated: bool = True,
                title: str = "Show HN: A tiny static site generator",
                extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """A deterministic thread: every fourth comment is top level, the rest reply in a chain."""
    comments = []
    parent_stack: list[int] = []
    for index in range(n_comments):
        cid = item_id + 1 + index
        depth = 0 if index % 4 == 0 else min(len(parent_stack), 3)
        parent_stack = parent_stack[:depth]
        parent = parent_stack[-1] if parent_stack else item_id
        comment: dict[str, Any] = {
            "id": cid, "parent": parent, "depth": depth, "by": f"user{index % 7}",
            "time": f"2025-02-10T{index // 60 % 24:02d}:{index % 60:02d}:00Z",
            "replies": 3 - depth if depth < 3 else 0,
            "text": f"Comment number {index + 1}.\nSecond line.",
        }
        if translated:
            comment["ja"] = f"{JA_WORDS[index % len(JA_WORDS)]}（{index + 1}）\n二行目"
        comments.append(comment)
        parent_stack.append(cid)
    thread: dict[str, Any] = {
        "id": item_id, "title": title, "url": "https://example.com/", "by": "poster",
        "time": "2025-02-10T08:38:56Z", "score": 120, "descendants": n_comments, "text": "",
        "fetched_at": "2025-02-11T00:00:00Z", "source": "api",
    }
    if translated:
        thread["title_ja"] = "小さな静的サイトジェネレーターを作った"
        thread["tags"] = ["静的サイト", "Python"]
    thread.update(extra or {})
    thread["comments"] = comments
    return thread


def quote_count(text: str) -> int:
    return text.count("{{<matomeQuote ")


def fold_layout(text: str) -> list[int]:
    """Number of quotes before the first fold, then in each fold (checks every fold closes)."""
    parts = re.split(r'\{\{< details summary="もっとコメントを表示（\d+）">\}\}', text)
    layout = [quote_count(parts[0])]
    for part in parts[1:]:
        inside, closing, rest = part.partition("{{</details>}}")
        assert closing, "a fold is never closed"
        assert quote_count(rest) == 0, "a quote after a fold closed"
        layout.append(quote_count(inside))
    return layout


# ------------------------------------------------------------------ visible text of comments


def visible_text(fragment_html: str) -> str:
    """What a reader sees of a comment body: `<br>` and the break between our paragraphs as
    newlines, each line trimmed of ASCII space (HTML collapses it), tags gone."""
    html = re.sub(r"<br\s*/?>|</p>\s*<p>", "\n", fragment_html)
    text = HTMLParser(f"<div>{html}</div>").css_first("div").text(deep=True)
    return "\n".join(line.strip(" \t") for line in text.split("\n")).strip(" \t\n")


def lines_read(text: str) -> list[str]:
    """The lines of a visible text, blank lines left out: our renderer shows a blank line of a
    comment (two `<br>`) as the gap between paragraphs, Hugo as an empty line."""
    return [line for line in text.split("\n") if line.strip(" \t")]


class _StubContext:
    def ref(self, target: str, page: Any) -> str:
        return "/posts/"

    def latest_posts(self, limit: int) -> Sequence[Mapping[str, Any]]:
        return []

    def timezone(self) -> str:
        return "Asia/Tokyo"


_RENDERERS: dict[str, PageRenderer] = {}


def render_post(path: Path, content_dir: Path, settings: Settings | None = None) -> str:
    """The body HTML our renderer makes of a post file."""
    settings = settings or Settings()
    if "default" not in _RENDERERS:
        _RENDERERS["default"] = PageRenderer(TEMPLATES)
    renderer = _RENDERERS["default"]
    page = load_page(path, content_dir, settings)
    return renderer.render(page, _StubContext()).html


def our_comment_bodies(body_html: str) -> list[str]:
    return [node.html or "" for node in HTMLParser(body_html).css(".mq-body")]


def inner_html(node_html: str) -> str:
    """The inside of an element given as its outer HTML."""
    return node_html[node_html.index(">") + 1: node_html.rindex("<")]


# ----------------------------------------------------------------------------- real Hugo


def hugo_build(binary: Path, site_dir: Path, posts: Mapping[str, str]) -> Path:
    """Copy tests/hugo_site to `site_dir`, add `posts` (content-relative path -> text), build
    with drafts; returns public/. Fails with Hugo's own message when the build fails."""
    if site_dir.exists():
        shutil.rmtree(site_dir)
    shutil.copytree(HUGO_SITE, site_dir)
    for rel, text in posts.items():
        target = site_dir / "content" / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    result = subprocess.run([str(binary), "--quiet", "--buildDrafts", "--source", str(site_dir)],
                            capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, f"Hugo failed:\n{result.stderr}"
    return site_dir / "public"


def hugo_comment_bodies(page_html: str) -> list[str]:
    return [inner_html(node.html or "") for node in HTMLParser(page_html).css(".q .b")]


def hugo_page(public: Path, rel: str) -> str:
    """The built page of content/<rel> (a bundle's index.md or a single file)."""
    path = Path(rel)
    folder = path.parent if path.name == "index.md" else path.with_suffix("")
    return (public / folder / "index.html").read_text(encoding="utf-8")


def tags_in(html: str) -> set[str]:
    return {node.tag for node in HTMLParser(f"<div>{html}</div>").css("div *")}


def attributes_in(html: str) -> set[tuple[str, str]]:
    return {(node.tag, name) for node in HTMLParser(f"<div>{html}</div>").css("div *")
            for name in node.attributes}


def write_threads(threads_dir: Path, threads: Iterable[Mapping[str, Any]]) -> None:
    threads_dir.mkdir(parents=True, exist_ok=True)
    for thread in threads:
        (threads_dir / f"{thread['id']}.yaml").write_text(thread_yaml.dumps(dict(thread)),
                                                          encoding="utf-8")


# ------------------------------------------------------------------- nasty random bodies

NASTY_FRAGMENTS = (
    "https://x.com/a_b", "www.y.org/it's", "<br>", "<script>", "javascript:", "{{<", "}}", ">}}",
    "**", "__", "```", "&amp;", "&#39;", "\u3000", "1. ", "- ", "# ", "[a](https://z.io/(q))",
    "![i](https://i.io/x.png)", "`code`", "\\", '"', "'", "--", "...", "~~", "\n", "\n\n", " ",
    "日本語", "*", "_", "`", "[", "]", "(", ")", "<", ">", "!", "#", "~", "|", "&", ":", ";",
    "{", "}", "%", "=", "+", "@", "a", "b", "word", "。", "、", "（", "）", "「", "」", "\t",
    "foo@bar.com", "ftp://f.net/x", "&lt;", "<b>", "<img src=x onerror=alert(1)>",
    "[x](javascript:alert(1))", "[x](JaVaScRiPt:alert(1))", "[x](java&#115;cript&#58;alert(1))",
    "[x]( javascript:alert(1))", "[x](data:text/html,<script>)", "<a href=javascript:x>",
    "javascript&colon;", "[x](vbscript:y)", "https://a.b/&quot;onmouseover=x", "<https://a.b>",
    "<javascript:alert(1)>", "[a]: javascript:x", "[b][a]", "\\[x](https://a.b)", "%}}", "{{%",
    "</details>", "{{</details>}}", "&#x3C;script&#x3E;", "https://.a.com/it's~x",
    "http://-x.org/~a", "https://@x.com/'", "WWW.", "HTTPS://A.B/C_D", "www.x.com/a--b...c",
)


def nasty_body(rng: Any) -> str:
    """A random mix of the fragments above (rng: a random.Random)."""
    return "".join(rng.choice(NASTY_FRAGMENTS) for _ in range(rng.randint(1, 14)))


def flat_thread(bodies: Sequence[str], item_id: int = 45000000) -> dict[str, Any]:
    """A thread whose comments are all top level, one per body (as `ja`)."""
    thread = make_thread(len(bodies), item_id=item_id)
    thread["comments"] = [dict(c, parent=item_id, depth=0, replies=0, text=body, ja=body)
                          for c, body in zip(thread["comments"], bodies, strict=True)]
    return thread


QUOTE_TAGS = {"a", "br", "em", "strong", "code", "p"}  # p: our renderer's paragraphs


def assert_only_quote_markup(fragment_html: str) -> None:
    """Only the markup inline markdown makes, and links only to http(s)."""
    assert tags_in(fragment_html) <= QUOTE_TAGS, fragment_html
    for tag, name in attributes_in(fragment_html):
        assert tag == "a" and name in {"href", "rel"}, fragment_html
    for node in HTMLParser(f"<div>{fragment_html}</div>").css("a"):
        href = node.attributes.get("href") or ""
        assert href.startswith(("https://", "http://")), fragment_html


# ------------------------------------------------------------------------- golden cases

GOLDEN = Path(__file__).resolve().parent / "convert" / "golden"
GOLDEN_SETTINGS = Settings(tag_aliases={"生成AI": "AI"})

FILE_CASES = ("short", "untranslated", "curated", "nasty")
COUNT_CASES = {"exactly_30": 30, "exactly_31": 31, "exactly_60": 60, "exactly_61": 61}


def golden_input(case: str) -> tuple[dict[str, Any], bytes, Path]:
    """The thread of a case, the bytes its fingerprint is taken from, and its path."""
    if case in COUNT_CASES:
        thread = make_thread(COUNT_CASES[case], item_id=44000000 + COUNT_CASES[case])
        data = thread_yaml.dumps(thread).encode("utf-8")
        return thread, data, Path(f"{thread['id']}.yaml")
    path = GOLDEN / f"{case}.yaml"
    data = path.read_bytes()
    return thread_yaml.loads(data.decode("utf-8"), path), data, path


def convert_case(case: str) -> Post:
    thread, data, path = golden_input(case)
    # Every fold needs all comments: lift the limits for the count cases.
    settings = GOLDEN_SETTINGS.with_overrides(max_comments=1000, max_replies=1000) \
        if case in COUNT_CASES else GOLDEN_SETTINGS
    return format_post(thread, settings, path=path,
                       featureimage=CARD_NAME,  # what convert names for a bundle post
                       draft=thread.get("draft", True),
                       input_hash=input_fingerprint(content_digest(data), settings))


# ------------------------------------------------------------------------- projects

PYPROJECT = """\
[project]
name = "blog"
[tool.hnmatome]
max_comments = 90
[tool.hnmatome.tag_aliases]
"生成AI" = "AI"
"""


def make_project(root: Path, threads: list[dict[str, Any]], thumbnails: tuple[str, ...] = (
        "a.jpg", "b.jpg", "c.jpg")) -> Project:
    root.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    folder = root / "static" / "thumbnails"
    folder.mkdir(parents=True)
    for name in thumbnails:
        (folder / name).write_bytes(b"jpg")
    write_threads(root / "content" / "threads", threads)
    return open_project(root)


def meta_of(path: Path) -> dict[str, Any]:
    return tomllib.loads(path.read_text(encoding="utf-8").split("+++\n")[1])


def edit_thread(project: Project, item_id: int, **changes: Any) -> None:
    path = project.thread_path(item_id)
    thread = thread_yaml.load(path)
    thread.update(changes)
    thread_yaml.save(path, thread)


def clean_project(root: Path) -> Project:
    """Two converted threads (ids 100 and 200) that pass every check: they share their tags."""
    from hnmatome.convert.run import convert_changed

    project = make_project(root, [
        make_thread(3, item_id=100, title="First thread", extra={"title_ja": "最初のスレ"}),
        make_thread(3, item_id=200, title="Second thread", extra={"title_ja": "二つ目のスレ"}),
    ])
    convert_changed(project)
    return project
