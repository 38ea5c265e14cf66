"""`hnmatome check [ID ...] [--json]`: what would look wrong once a thread is published."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hnmatome.cli import AddParser
    from hnmatome.review.checks import Problem


def register(add_parser: AddParser) -> None:
    parser = add_parser(
        "check", help="check threads before publishing (translation, markup, folds, duplicates)",
        description="Check each thread and its post for what would look wrong once published: "
                    "untranslated or garbled comments, HTML shown as text, lost URLs, broken "
                    "folds, duplicate posts, new tags. Exits with status 1 when any thread has "
                    "an error; warnings alone do not.")
    parser.add_argument("items", nargs="*", metavar="ID_OR_URL",
                        help="threads to check (default: every thread under content/threads/)")
    parser.add_argument("--json", action="store_true",
                        help="print one JSON object per thread instead")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import json

    from hnmatome.core.project import open_project
    from hnmatome.hn.ids import parse_item_ids
    from hnmatome.review.checks import check_project

    project = open_project(Path(args.root) if args.root else None)
    ids = parse_item_ids(args.items) if args.items else []
    found = check_project(project, ids)
    if args.json:
        for item_id, problems in found.items():
            print(json.dumps(thread_json(item_id, problems, project.root), ensure_ascii=False))
    else:
        for problems in found.values():
            for problem in problems:
                print(problem_text(problem, project.root))
        print(summary_line(found))
    return 1 if any(p.level == "error" for problems in found.values() for p in problems) else 0


def problem_text(problem: Problem, root: Path) -> str:
    """'error: content/threads/1.yaml:40: comment 4321: message' and its hint line."""
    where = _shown(problem.path, root) + (f":{problem.line}" if problem.line else "")
    about = f"comment {problem.comment_id}: " if problem.comment_id is not None else ""
    text = f"{problem.level}: {where}: {about}{problem.message}"
    return text + (f"\n  hint: {problem.hint}" if problem.hint else "")


def summary_line(found: dict[int, list[Problem]]) -> str:
    """'3 threads checked: 2 errors, 1 warning (1 thread has errors)'."""
    errors = sum(1 for problems in found.values() for p in problems if p.level == "error")
    warnings = sum(1 for problems in found.values() for p in problems if p.level == "warning")
    failing = sum(1 for problems in found.values() if any(p.level == "error" for p in problems))
    checked = f"{len(found)} thread{'' if len(found) == 1 else 's'} checked"
    if not errors and not warnings:
        return f"{checked}: no problems"
    counts = f"{errors} error{'' if errors == 1 else 's'}, " \
             f"{warnings} warning{'' if warnings == 1 else 's'}"
    if failing:
        counts += f" ({failing} thread{' has' if failing == 1 else 's have'} errors)"
    return f"{checked}: {counts}"


def thread_json(item_id: int, problems: list[Problem], root: Path) -> dict[str, Any]:
    return {
        "id": item_id,
        "errors": sum(1 for p in problems if p.level == "error"),
        "warnings": sum(1 for p in problems if p.level == "warning"),
        "problems": [{"level": p.level, "message": p.message, "hint": p.hint,
                      "comment_id": p.comment_id, "field": p.field, "line": p.line,
                      "path": _shown(p.path, root)} for p in problems],
    }


def _shown(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)
