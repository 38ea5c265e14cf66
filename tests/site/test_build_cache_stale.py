"""The cache never serves a stale page: after every edit of a long series (content, front
matter, templates, settings, static and bundle files, deletions, drafts), the incremental build
equals a clean build byte for byte."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from cache_support import assert_same_tree, clean_build, quotes, small_site
from site_support import build, write_post

Edit = Callable[[Path], None]


def _replace(path: str, old: str, new: str) -> Edit:
    def edit(root: Path) -> None:
        target = root / path
        text = target.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {path}"
        target.write_text(text.replace(old, new, 1), encoding="utf-8")
    return edit


def _add_post(rel: str, title: str, date: str, tags: list[str], body: str = "") -> Edit:
    def edit(root: Path) -> None:
        write_post(root / "content", f"posts/{rel}/index.md", title=title, date=date, tags=tags,
                   months=date[:7].replace("-", "/"), body=body or quotes(title))
    return edit


def _delete(path: str) -> Edit:
    def edit(root: Path) -> None:
        target = root / path
        shutil.rmtree(target) if target.is_dir() else target.unlink()
    return edit


def _write(path: str, data: bytes) -> Edit:
    def edit(root: Path) -> None:
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_bytes(data)
    return edit


ALPHA = "content/posts/2025_02/alpha/index.md"
THREAD_POST = "content/posts/2025_04/thread/index.md"
# A post as the converter writes it, without hnid (as every corpus post is): the page shows
# the quote's title and the source line in its header, and the folds in a row as one.
THREAD = ("> スレッド\n\n引用元：[https://news.ycombinator.com/item?id=1]"
          "(https://news.ycombinator.com/item?id=1)\n\n" + quotes("最初")
          + '{{< details summary="もっとコメントを表示（1）">}}\n\n' + quotes("一つ目", 3)
          + "{{</details>}}\n\n"
          + '{{< details summary="もっとコメントを表示（2）">}}\n\n' + quotes("二つ目", 1)
          + "{{</details>}}\n\n")
EDITS: list[tuple[str, Edit]] = [
    ("add the newest post", _add_post("2025_03/eta", "イータ", "2025-03-30", ["Python", "AI"])),
    ("add an old post", _add_post("2025_01/old", "古い記事", "2025-01-03", ["Go"])),
    ("edit a body", _replace(ALPHA, "アルファ 0", "アルファ改 0")),
    ("edit a title", _replace(ALPHA, 'title = "アルファ"', 'title = "アルファ（改題）"')),
    ("change tags", _replace(ALPHA, '"Rust", "AI"', '"Rust", "Zig"')),
    ("move a post in time", _replace(ALPHA, "date = '2025-02-01'", "date = '2025-03-07'")),
    ("publish the draft", _replace("content/posts/2025_03/draft/index.md",
                                   "draft = true", "draft = false")),
    ("list shortcode", _add_post("2025_03/digest", "まとめ", "2025-03-02", ["Meta"],
                                 body="{{< list limit=2 >}}\n")),
    ("newest post changes what list shows", _add_post("2025_04/new", "新着", "2025-04-01",
                                                       ["Meta"])),
    ("list template", _replace("templates/shortcodes/list.html", "<li>", "<li class=\"v2\">")),
    ("the newest post's title", _replace("content/posts/2025_04/new/index.md", "新着", "最新")),
    ("ref to a post", _add_post("2025_03/linker", "リンク", "2025-03-03", [],
                                body='[ベータ]({{% ref "/posts/2025_02/beta" %}})\n')),
    ("slug of the ref target", _replace("content/posts/2025_02/beta/index.md",
                                        "+++\n", "+++\nslug = 'beta-2'\n")),
    ("bundle file", _write("content/posts/2025_02/gamma/figure.png", b"\x89PNG one")),
    ("bundle file changes", _write("content/posts/2025_02/gamma/figure.png", b"\x89PNG two")),
    ("feature image", _replace("content/posts/2025_02/gamma/index.md", "+++\n",
                               "+++\nfeatureimage = 'figure.png'\n")),
    ("stylesheet (asset versions)", lambda root: (root / "static/css/site.css").write_text(
        (root / "static/css/site.css").read_text() + "\n/* v2 */\n")),
    ("static file", _write("static/robots-note.txt", b"hello")),
    ("post template", _replace("templates/post.html", "{% block main %}",
                               "{% block main %}<!-- p2 -->")),
    ("macros template", _replace("templates/partials/macros.html", "{% macro tag_list(tags) %}",
                                 "{% macro tag_list(tags) %}<!-- r2 -->")),
    ("shortcode template", _replace("templates/shortcodes/matomeQuote.html", "mq-body",
                                    "mq-body mq-v2")),
    ("root-relative link in a feed body", _add_post("2025_04/linked", "リンク", "2025-04-02",
                                                    ["Meta"], body="[このブログ](/about/)\n")),
    ("settings: base url", _replace("pyproject.toml", 'base_url = "https://example.org/"',
                                    'base_url = "https://example.net/blog/"')),
    ("settings: title", _replace("pyproject.toml", "[tool.hnmatome]\n",
                                 "[tool.hnmatome]\ntitle = 'テスト'\n")),
    ("settings: page size", _replace("pyproject.toml", "page_size = 2", "page_size = 3")),
    ("about page", _replace("content/about.md", "記事一覧", "すべての記事")),
    ("delete a post", _delete("content/posts/2025_03/zeta")),
    ("delete a bundle file", _delete("content/posts/2025_02/gamma/figure.png")),
    ("base template", _replace("templates/base.html", "</body>", "<!-- b2 --></body>")),
    ("tag spelling", _replace(ALPHA, '"Rust", "Zig"', '"rust", "Zig"')),
    ("draft again", _replace("content/posts/2025_03/draft/index.md", "draft = false",
                             "draft = true")),
    ("a template starts reading the pages", _replace(
        "templates/alias.html", "<body>",
        "<body>{% for p in site_pages %}{{ p.title }}{% endfor %}")),
    ("a page the redirects now show", _write("content/contact.md",
                                             "+++\ntitle = '連絡先'\n+++\n本文\n".encode())),
    ("a list template starts reading excerpts", _replace(
        "templates/list.html", "{{ post.title | phrases }}</a>",
        "{{ post.title | phrases }}</a>{{ post.summary }}")),
    ("the first comment of a listed post", _replace(ALPHA, "アルファ改 0", "アルファ再 0")),
    ("a new shortcode", _write("templates/shortcodes/note.html",
                               b"<aside>{{ inner_html }}</aside>")),
    ("a post that uses it", _add_post("2025_04/noted", "注記", "2025-04-03", ["Meta"],
                                      body="{{< note >}}**大事**{{< /note >}}\n")),
    ("a converted post: title quote, source line, folds", _add_post(
        "2025_04/thread", "スレッド", "2025-04-04", ["Meta"], body=THREAD)),
    ("folds no longer adjacent", _replace(THREAD_POST, "{{</details>}}\n\n",
                                          "{{</details>}}\n\n間の文\n\n")),
    ("the title no longer the quote's", _replace(THREAD_POST, 'title = "スレッド"',
                                                 'title = "スレッド（改題）"')),
    ("the source line changes", _replace(THREAD_POST, "item?id=1)", "item?id=2)")),
    ("an hnid wins over the source line", _replace(THREAD_POST, "+++\n", "+++\nhnid = 3\n")),
    ("settings: timezone", _replace("pyproject.toml", "[tool.hnmatome]\n",
                                    "[tool.hnmatome]\ntimezone = 'UTC'\n")),
    ("settings: a param templates do not read", _replace(
        "pyproject.toml", "[tool.hnmatome]\n", "[tool.hnmatome]\nfavourite = 'x'\n")),
]


def test_incremental_builds_equal_clean_builds_after_every_edit(tmp_path: Path) -> None:
    project = small_site(tmp_path / "site")
    build(project)
    for name, edit in EDITS:
        edit(project)
        build(project)
        try:
            assert_same_tree(project / "public", clean_build(project, tmp_path / "clean"))
        except AssertionError as exc:
            raise AssertionError(f"after {name!r}: {exc}") from exc


def test_drafts_and_a_second_output_directory_keep_their_own_manifest(tmp_path: Path) -> None:
    project = small_site(tmp_path / "site")
    other = tmp_path / "drafts-out"
    build(project)
    build(project, drafts=True, out_dir=other, base_url="http://127.0.0.1:1313/")
    _replace(ALPHA, "アルファ 0", "アルファ改 0")(project)
    build(project)
    build(project, drafts=True, out_dir=other, base_url="http://127.0.0.1:1313/")
    assert_same_tree(project / "public", clean_build(project, tmp_path / "clean"))
    assert_same_tree(other, clean_build(project, tmp_path / "clean-drafts", drafts=True,
                                        base_url="http://127.0.0.1:1313/"))


def test_the_search_index_follows_incremental_builds(tmp_path: Path) -> None:
    from hnmatome.site.search.index import pagefind_binary

    if pagefind_binary() is None:
        pytest.skip("the Pagefind binary is not installed")
    project = small_site(tmp_path / "site")
    build(project, search=True)
    _replace(ALPHA, "アルファ 0", "検索される言葉 0")(project)
    report = build(project, search=True)
    assert report.mode == "incremental"
    assert any(path.startswith("pagefind/") for path in report.changed)
    assert_same_tree(project / "public", clean_build(project, tmp_path / "clean", search=True))
    _delete("content/posts/2025_03/zeta")(project)
    build(project, search=True)
    assert_same_tree(project / "public", clean_build(project, tmp_path / "clean", search=True))
    build(project, search=False)  # no search: its bundle goes
    assert not (project / "public" / "pagefind").exists()
