"""`hnmatome serve`: a live-reloading preview of the site, drafts included."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hnmatome.cli import AddParser


def register(add_parser: AddParser) -> None:
    parser = add_parser(
        "serve", help="preview the site at http://127.0.0.1:1313/ (and review threads in the "
                      "studio at /_studio/), reloading on every save",
        description="Build the site with drafts into .cache/hnmatome/serve/ (public/ is left "
                    "alone), serve it, and rebuild and reload open pages whenever content/, "
                    "templates/, static/ or pyproject.toml change. Build errors show in the "
                    "browser; the last good site stays up.")
    parser.add_argument("--port", type=int, default=1313, help="port (default: 1313)")
    parser.add_argument("--bind", default="127.0.0.1", metavar="ADDRESS",
                        help="address to listen on (default: 127.0.0.1; 0.0.0.0 for your "
                             "network)")
    parser.add_argument("--poll", action="store_true",
                        help="poll for changes instead of file system events (WSL, Docker "
                             "volumes, network drives)")
    parser.add_argument("--no-drafts", dest="drafts", action="store_false",
                        help="leave out posts marked draft = true, as `build` does")
    parser.add_argument("--studio-allow-remote", action="store_true",
                        help="let the studio change files even when --bind is not this "
                             "computer only (anyone who can reach the port can then edit)")
    parser.add_argument("-j", "--jobs", type=int, default=None, metavar="N",
                        help="worker processes for the first build (default: one per core)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from hnmatome.core.project import find_root
    from hnmatome.serve.server import ServeOptions, serve_forever

    root = find_root(Path(args.root) if args.root else None)
    options = ServeOptions(bind=args.bind, port=args.port, poll=args.poll, drafts=args.drafts,
                           jobs=args.jobs, studio_allow_remote=args.studio_allow_remote)
    return serve_forever(root, options)
