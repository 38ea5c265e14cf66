"""`hnmatome build`: render content/ into public/ (or --out)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hnmatome.cli import AddParser
    from hnmatome.core.project import Project
    from hnmatome.site.build import BuildReport


def register(add_parser: AddParser) -> None:
    parser = add_parser(
        "build", help="render content/ into the static site in public/",
        description="Render content/ into a static site. The previous site is replaced only "
                    "when the whole build succeeds.")
    parser.add_argument("--drafts", action="store_true",
                        help="include posts marked draft = true")
    parser.add_argument("--base-url", default=None, metavar="URL",
                        help="override base_url from pyproject.toml "
                             "(e.g. https://user.github.io/repo/)")
    parser.add_argument("--out", default=None, metavar="DIR",
                        help="output directory (default: public/ in the project)")
    parser.add_argument("--no-convert", action="store_true",
                        help="do not convert changed thread YAML into posts first")
    parser.add_argument("--no-search", dest="search", action="store_false",
                        help="skip the Pagefind search index (faster; the site has no search)")
    parser.add_argument("--clean", action="store_true",
                        help="ignore the build cache (.cache/hnmatome/): render every page and "
                             "replace the output directory")
    parser.add_argument("-j", "--jobs", type=_jobs, default=None, metavar="N",
                        help="worker processes for rendering (default: one per CPU core)")
    parser.add_argument("-q", "--quiet", action="store_true", help="print only errors")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="print the time each stage of the build took")
    parser.set_defaults(func=run)


def convert_first(project: Project, quiet: bool) -> None:
    """Bring posts up to date with content/threads/ so a build never shows stale YAML."""
    if not project.threads_dir.is_dir():
        return
    from hnmatome.cli.convert import print_report, print_warnings
    from hnmatome.convert.run import convert_changed

    report = convert_changed(project)
    # Posts edited by hand are not named here, or every build would name them again:
    # `hnmatome convert` and `hnmatome status` do. Warnings show even with -q (as the build's).
    if not quiet and (report.written or report.errors or report.moved or report.warnings):
        print_report(report, project.root, edited=False)
    elif report.warnings:
        print_warnings(report)
    report.raise_for_errors()


def run(args: argparse.Namespace) -> int:
    from hnmatome.core.project import open_project
    from hnmatome.site.build import BuildOptions, build_site

    project = open_project(Path(args.root) if args.root else None)
    if not args.no_convert:
        convert_first(project, args.quiet)
    options = BuildOptions(
        drafts=args.drafts, base_url=args.base_url,
        out_dir=Path(args.out) if args.out else None, search=args.search, clean=args.clean,
        jobs=args.jobs, log=_say if args.verbose else None,
        waiting=lambda: _say("waiting for another build of this project to finish…"))
    report = build_site(project, options)
    for warning in report.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if not args.quiet:
        _summary(report)
    if args.verbose and report.mode != "unchanged":
        print(f"bodies: {report.bodies} rendered, {report.pages - report.bodies} from the cache; "
              f"outputs: {report.rendered} rendered", file=sys.stderr)
    return 0


def _say(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def _summary(report: BuildReport) -> None:
    try:
        shown = report.out_dir.relative_to(Path.cwd())
    except ValueError:
        shown = report.out_dir
    how = {"unchanged": " (nothing changed)",
           "incremental": f" ({report.rendered} rendered, the rest unchanged)"}
    print(f"built {report.pages} pages ({report.files} files) into {shown}/ "
          f"in {report.seconds:.2f} s{how.get(report.mode, '')}")
    if report.search and report.search.pages:
        way = "reused from the cache" if report.search.cached else "indexed"
        print(f"search: {report.search.pages} posts {way} in {report.search.seconds:.2f} s")


def _jobs(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("needs at least 1")
    return value
