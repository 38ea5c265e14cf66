"""`hnmatome translate [ID...]`: fill title_ja, tags and each comment's ja/score with an LLM."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import TaskID

    from hnmatome.cli import AddParser
    from hnmatome.translate.progress import ThreadDone
    from hnmatome.translate.run import PlannedThread


def register(add_parser: AddParser) -> None:
    parser = add_parser(
        "translate", help="translate fetched threads into Japanese with an LLM",
        description="Translate what is still missing in content/threads/*.yaml (or the named "
                    "threads) with any OpenAI-compatible endpoint: HNMATOME_LLM_BASE_URL, "
                    "HNMATOME_LLM_API_KEY, HNMATOME_LLM_MODEL, or [tool.hnmatome.llm]. "
                    "Text a person wrote or edited is never overwritten.")
    parser.add_argument("items", nargs="*", metavar="ID_OR_URL",
                        help="threads to translate (default: every fetched thread)")
    parser.add_argument("--dry-run", action="store_true",
                        help="show the requests and estimated tokens; send nothing")
    parser.add_argument("--force", action="store_true",
                        help="retranslate what the tool wrote before (never a person's edits)")
    parser.add_argument("--only", metavar="ID,ID", default="",
                        help="translate (again) just these comments; the title is left alone")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="with --dry-run, print every request body")
    parser.add_argument("-q", "--quiet", action="store_true",
                        help="no progress, no line per thread; the summary and errors are "
                             "still printed")
    parser.set_defaults(func=run)


def parse_only(text: str) -> frozenset[int]:
    from hnmatome.core.errors import UserError

    ids: set[int] = set()
    for part in text.replace(" ", ",").split(","):
        if not part:
            continue
        if not part.isdigit() or int(part) == 0:
            raise UserError(f"--only: {part!r} is not a comment id",
                            hint="give comment ids separated by commas: --only 123,456")
        ids.add(int(part))
    return frozenset(ids)


class TranslateProgress:
    """In a terminal, a bar per thread being translated and one for all threads (done/total,
    elapsed, ETA); a line per thread on stdout when it is done; rejected answers, retries and
    late answers on stderr. `quiet`: none of it."""

    def __init__(self, console: Console, quiet: bool, root: Path,
                 planned: list[PlannedThread]) -> None:
        from hnmatome.cli.fetch import make_bars

        self.console = console
        self.quiet = quiet
        self.root = root
        self.bars = make_bars(console, quiet)
        self.totals: dict[int, int] = {}
        self.tasks: dict[int, TaskID] = {}
        work = [item.plan for item in planned if not item.plan.empty]
        everything = sum(plan.comment_count + bool(plan.title_fields) for plan in work)
        self.all = self.bars.add_task("all threads", total=everything) if len(work) > 1 else None

    def start(self, thread_id: int, total: int) -> None:
        self.totals[thread_id] = total

    def advance(self, thread_id: int, count: int) -> None:
        if thread_id not in self.tasks:  # a bar once a thread's first answers are in
            self.tasks[thread_id] = self.bars.add_task(
                str(thread_id), total=self.totals.get(thread_id) or None)
        self.bars.advance(self.tasks[thread_id], count)
        if self.all is not None:
            self.bars.advance(self.all, count)

    def finish(self, done: ThreadDone) -> None:
        from hnmatome.cli.fetch import shown_path

        task = self.tasks.pop(done.thread_id, None)
        if task is not None:
            self.bars.remove_task(task)
        if not self.quiet:
            print(f'translated {done.thread_id} "{done.title}": {done.describe()} -> '
                  f"{shown_path(done.path, self.root)}", flush=True)

    def note(self, message: str) -> None:
        if not self.quiet:
            from rich.markup import escape

            self.console.print(f"[dim]{escape(message)}[/dim]", highlight=False, soft_wrap=True)


def run(args: argparse.Namespace) -> int:
    from rich.console import Console

    from hnmatome.core.project import open_project
    from hnmatome.hn.ids import parse_item_ids
    from hnmatome.translate.plan import TranslateOptions
    from hnmatome.translate.report import dry_run_lines
    from hnmatome.translate.run import load_prompts, plan_threads, translate_project
    from hnmatome.translate.site_tags import site_tags

    project = open_project(Path(args.root) if args.root else None)
    options = TranslateOptions(force=args.force, only=parse_only(args.only))
    planned = plan_threads(project, parse_item_ids(args.items), options)
    if args.dry_run:
        need_tags = any(item.plan.title_fields for item in planned)
        tags = site_tags(project, project.settings.llm.existing_tags) if need_tags else ()
        lines = dry_run_lines(planned, load_prompts(project), project.settings.llm, tags,
                              verbose=args.verbose)
        print("\n".join(lines))
        return 0

    progress = TranslateProgress(Console(stderr=True), args.quiet, project.root, planned)
    with progress.bars:
        summary = translate_project(project, planned, report=progress.note, progress=progress)
    print("\n".join(summary.lines()))
    return 0 if summary.ok else 1
