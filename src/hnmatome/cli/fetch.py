"""`hnmatome fetch [ID...]`: fetch queued (or named) HN threads into content/threads/<id>.yaml."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress, TaskID

    from hnmatome.cli import AddParser
    from hnmatome.core.project import Project
    from hnmatome.hn.fetch import FetchOptions, ThreadResult


def register(add_parser: AddParser) -> None:
    parser = add_parser(
        "fetch", help="fetch queued or named HN threads into content/threads/<id>.yaml",
        description="Fetch HN threads. Without ids, fetches everything in content/queue.txt; "
                    "a fetched id leaves the queue once its YAML is safely written. "
                    "Re-fetching merges and keeps every curated field.")
    parser.add_argument("items", nargs="*", metavar="ID_OR_URL",
                        help="ids or HN item URLs (queued or not); default: the whole queue")
    parser.add_argument("--source", choices=("api", "html"), default="api",
                        help="the official API (default) or the HN item pages")
    parser.add_argument("--api-base", metavar="URL",
                        help="API base URL (default: $HNMATOME_HN_API or "
                             "https://hacker-news.firebaseio.com/v0)")
    parser.add_argument("--web-base", metavar="URL",
                        help="site for --source html (default: $HNMATOME_HN_WEB or "
                             "https://news.ycombinator.com)")
    parser.add_argument("--concurrency", type=int, default=32, metavar="N",
                        help="requests in flight at once (default 32)")
    parser.add_argument("--keep-dead", action="store_true",
                        help="keep dead (killed/flagged) comments, marked `dead: true`")
    parser.add_argument("--timeout", type=float, default=10.0, metavar="SECONDS",
                        help="seconds the server may stay silent before a try is given up and "
                             "retried (default 10)")
    parser.add_argument("--retries", type=int, default=4, metavar="N",
                        help="retries per request after the first try (default 4)")
    parser.add_argument("-q", "--quiet", action="store_true",
                        help="no progress or summaries; errors are still printed")
    parser.set_defaults(func=run)


def options_from_args(args: argparse.Namespace) -> FetchOptions:
    from hnmatome.core.errors import UserError
    from hnmatome.core.http_retry import RetryPolicy
    from hnmatome.hn import fetch
    from hnmatome.hn.api import DEFAULT_API_BASE
    from hnmatome.hn.fetch import API_ENV, WEB_ENV, FetchOptions, base_url
    from hnmatome.hn.html_pages import DEFAULT_WEB_BASE

    if args.concurrency < 1:
        raise UserError("--concurrency must be at least 1")
    if args.retries < 0 or args.timeout <= 0:
        raise UserError("--retries must be 0 or more and --timeout above 0")
    return FetchOptions(
        source=args.source,
        api_base=base_url(args.api_base, API_ENV, DEFAULT_API_BASE, "--api-base"),
        web_base=base_url(args.web_base, WEB_ENV, DEFAULT_WEB_BASE, "--web-base"),
        concurrency=args.concurrency,
        keep_dead=args.keep_dead,
        timeout=args.timeout,
        policy=RetryPolicy(attempts=args.retries + 1),
        wait_every=fetch.WAIT_EVERY,
    )


def make_bars(console: Console, quiet: bool) -> Progress:
    """Progress bars (done/total, elapsed, ETA) on `console`, drawn only in a terminal. Lines
    printed to stdout meanwhile go above the bars when stdout is the same terminal."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    return Progress(
        "[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
        TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(), console=console,
        transient=True, disable=quiet or not console.is_terminal,
        redirect_stdout=sys.stdout.isatty())


def shown_path(path: Path, root: Path) -> Path:
    try:
        return path.relative_to(root)
    except ValueError:
        return path


class RichProgress:
    """A bar per thread while it downloads (in a terminal); a line per thread on stdout when it
    is done; retries, late answers and failures on stderr."""

    def __init__(self, console: Console, quiet: bool, root: Path) -> None:
        self.console = console
        self.quiet = quiet
        self.root = root
        self.bars = make_bars(console, quiet)
        self.tasks: dict[int, TaskID] = {}

    def start(self, item_id: int, total: int) -> None:
        self.tasks[item_id] = self.bars.add_task(f"{item_id}", total=total or None)

    def advance(self, item_id: int, count: int) -> None:
        if item_id in self.tasks:
            self.bars.advance(self.tasks[item_id], count)

    def note(self, message: str) -> None:
        if not self.quiet:
            from rich.markup import escape

            self.console.print(f"[dim]{escape(message)}[/dim]", highlight=False, soft_wrap=True)

    def retry(self, message: str) -> None:
        self.note(f"retrying: {message}")

    def wait(self, message: str) -> None:
        self.note(message)

    def finish(self, result: ThreadResult) -> None:
        task = self.tasks.pop(result.item_id, None)
        if task is not None:
            self.bars.remove_task(task)
        if result.error:
            from rich.markup import escape

            self.console.print(f"[red]failed[/red] {escape(result.error)}", highlight=False,
                               soft_wrap=True)
        elif not self.quiet:
            print(result_line(result, self.root), flush=True)


def result_line(result: ThreadResult, root: Path) -> str:
    """`fetched <id> "<title>": <n> comments (<what changed>) -> <file>`."""
    stats = result.stats
    if stats is None:
        change = "new"
    else:
        change = (f"merged: {stats.added} new, {stats.changed} changed, "
                  f"{stats.needs_review} to review, {stats.gone} gone upstream")
    return (f"fetched {result.item_id} \"{result.title}\": {result.comments} comments "
            f"({change}) -> {shown_path(result.path, root)}")


def _ids_to_fetch(args: argparse.Namespace, project: Project) -> list[int]:
    from hnmatome.hn.ids import parse_item_ids
    from hnmatome.hn.queue_file import read_ids

    if args.items:
        return parse_item_ids(args.items)
    return read_ids(project.queue_path)


def run(args: argparse.Namespace) -> int:
    from rich.console import Console

    from hnmatome.core.project import open_project
    from hnmatome.hn.fetch import run_fetch

    project = open_project(Path(args.root) if args.root else None)
    options = options_from_args(args)
    ids = _ids_to_fetch(args, project)
    if not ids:
        if not args.quiet:
            print("nothing to fetch: the queue is empty (add ids with `hnmatome queue add ID`)")
        return 0
    console = Console(stderr=True)
    progress = RichProgress(console, args.quiet, project.root)
    with progress.bars:
        results = run_fetch(project, ids, options, progress)
    failed = [r for r in results if not r.ok]
    if failed:
        print(f"{len(failed)} of {len(results)} failed (a queued id stays queued)",
              file=sys.stderr)
        return 1
    return 0
