"""Screenshots of a built site in headless Chromium, for looking at the design (a dev tool).

    python scripts/screenshots.py public/ /tmp/screens [--height 900]

Serves the directory on 127.0.0.1 (a free port) and captures the home page, a post, a tag page
and a month page at 390 px and 1280 px wide, light and dark."""

from __future__ import annotations

import argparse
import functools
import http.server
import shutil
import subprocess
import sys
import threading
from pathlib import Path

WIDTHS = (390, 1280)
THEMES = ("light", "dark")


def default_pages(public: Path) -> dict[str, str]:
    posts = sorted(p.parent for p in (public / "posts").glob("*/*/index.html"))
    tags = sorted(p.parent for p in (public / "tags").glob("*/index.html"))
    months = sorted(p.parent for p in (public / "months").glob("*/*/index.html"))

    def path(folder: Path) -> str:
        return "/" + folder.relative_to(public).as_posix() + "/"

    pages = {"home": "/"}
    if posts:
        pages["post"] = path(posts[0])
    if tags:
        pages["tag"] = path(max(tags, key=lambda t: (t / "index.html").stat().st_size))
    if months:
        pages["month"] = path(months[-1])
    return pages


def serve(public: Path) -> tuple[http.server.ThreadingHTTPServer, int]:
    handler = functools.partial(_QuietHandler, directory=str(public))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, server.server_address[1]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def shoot(chromium: str, url: str, out: Path, width: int, height: int, theme: str) -> None:
    command = [chromium, "--headless", "--no-sandbox", "--disable-gpu",
               "--disable-background-networking", "--hide-scrollbars",
               "--virtual-time-budget=10000", f"--window-size={width},{height}",
               f"--screenshot={out}"]
    if theme == "dark":
        command.append("--force-dark-mode")
    command.append(url)
    subprocess.run(command, check=True, capture_output=True, timeout=120)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("public", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--height", type=int, default=900)
    parser.add_argument("--page", action="append", default=[],
                        help="name=/path/ (default: home, a post, a tag, a month)")
    args = parser.parse_args(argv)
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        print("chromium is not installed", file=sys.stderr)
        return 1
    pages = dict(p.split("=", 1) for p in args.page) or default_pages(args.public)
    args.out.mkdir(parents=True, exist_ok=True)
    server, port = serve(args.public)
    try:
        for name, path in pages.items():
            for width in WIDTHS:
                for theme in THEMES:
                    out = args.out / f"{name}-{width}-{theme}.png"
                    shoot(chromium, f"http://127.0.0.1:{port}{path}", out, width, args.height,
                          theme)
                    print(out)
    finally:
        server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
