"""Helpers for the build cache, parallel build and serve tests: a small site with enough
posts, tags and months to show which outputs a change touches."""

from __future__ import annotations

import filecmp
import os
import shutil
from pathlib import Path

from site_support import build, make_project, write_post

QUOTE = ('{{{{<matomeQuote body="{body}" userName="u{n}" createdAt="2025-02-10T08:38:56" '
         'color="">}}}}\n\n')


def quotes(text: str, count: int = 2) -> str:
    return "".join(QUOTE.format(body=f"{text} {n}", n=n) for n in range(count))


def small_site(root: Path) -> Path:
    """Six posts in two months, tags shared by some, a draft, an about page; lists paginate
    by 2 so pagers shift when a post is added."""
    project = make_project(root, settings="page_size = 2\nhome_size = 3\nfeed_items = 3")
    content = project / "content"
    posts = [
        ("2025_02/alpha", "アルファ", "2025-02-01", ["Rust", "AI"]),
        ("2025_02/beta", "ベータ", "2025-02-05", ["AI"]),
        ("2025_02/gamma", "ガンマ", "2025-02-10", ["Go"]),
        ("2025_03/delta", "デルタ", "2025-03-01", ["Rust"]),
        ("2025_03/epsilon", "イプシロン", "2025-03-05", ["AI", "Go"]),
        ("2025_03/zeta", "ゼータ", "2025-03-09", ["Python"]),
    ]
    for rel, title, date, tags in posts:
        write_post(content, f"posts/{rel}/index.md", title=title, date=date, tags=tags,
                   months=date[:7].replace("-", "/"), body=quotes(title))
    write_post(content, "posts/2025_03/draft/index.md", title="下書き", date="2025-03-20",
               months="2025/03", tags=["Secret"], extra={"draft": "true"})
    (content / "about.md").write_text(
        "+++\ntitle = 'このブログについて'\n+++\n[記事一覧]({{% ref \"/posts/\" %}})\n",
        encoding="utf-8")
    return project


def tree_files(root: Path) -> dict[str, bytes]:
    found = {}
    for folder, _, files in os.walk(root):
        for name in files:
            path = Path(folder, name)
            found[path.relative_to(root).as_posix()] = path.read_bytes()
    return found


def assert_same_tree(left: Path, right: Path) -> None:
    """Byte for byte, every file, both ways."""
    a, b = tree_files(left), tree_files(right)
    assert sorted(a) == sorted(b), (sorted(set(a) ^ set(b)))[:20]
    different = [rel for rel in a if a[rel] != b[rel]]
    assert not different, different[:20]
    assert filecmp.dircmp(left, right).diff_files == []


def stamps(root: Path) -> dict[str, tuple[int, int]]:
    """(inode, mtime) of every file: a file the build did not write keeps both."""
    found = {}
    for folder, _, files in os.walk(root):
        for name in files:
            stat = Path(folder, name).stat()
            found[Path(folder, name).relative_to(root).as_posix()] = (stat.st_ino,
                                                                       stat.st_mtime_ns)
    return found


def clean_build(project: Path, elsewhere: Path, **options: object) -> Path:
    """The site built from scratch in a copy of `project` (its cache untouched); returns the
    copy's public/."""
    if elsewhere.exists():
        shutil.rmtree(elsewhere)
    elsewhere.mkdir(parents=True)
    for name in ("content", "templates", "static"):
        if (project / name).exists():
            shutil.copytree(project / name, elsewhere / name)
    shutil.copy2(project / "pyproject.toml", elsewhere / "pyproject.toml")
    build(elsewhere, clean=True, **options)
    return elsewhere / "public"
