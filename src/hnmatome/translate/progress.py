"""What a translate run tells its caller as it goes: each thread's total when it starts, the
work done (a comment answered or failed, the title request settled), and what was written to
each thread when it is done. The command line draws bars and lines from these."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol


def _count(number: int, word: str) -> str:
    return f"{number} {word}" + ("" if number == 1 else "s")


@dataclass(frozen=True)
class ThreadDone:
    """What one thread's run wrote, and what it did not."""

    thread_id: int
    title: str  # the HN title, to recognise the thread by
    path: Path
    comments: int  # comments written
    fields: tuple[str, ...]  # of "title_ja" and "tags", those written
    failed: int = 0  # comments (and the title request) left untranslated
    left_alone: int = 0  # comments changed on disk during the run

    def describe(self) -> str:
        """'6 comments, title_ja and tags', then what was not done, if anything."""
        written = ([_count(self.comments, "comment")] if self.comments else []) + list(
            self.fields)
        text = (", ".join(written[:-1]) + " and " + written[-1] if len(written) > 1
                else written[0] if written else "nothing written")
        problems = [f"{self.failed} failed"] if self.failed else []
        if self.left_alone:
            problems.append(f"{self.left_alone} changed on disk meanwhile, left alone")
        return text + (f" ({', '.join(problems)})" if problems else "")


class Progress(Protocol):
    def start(self, thread_id: int, total: int) -> None: ...
    def advance(self, thread_id: int, count: int) -> None: ...
    def finish(self, done: ThreadDone) -> None: ...


class QuietProgress:
    def start(self, thread_id: int, total: int) -> None:
        pass

    def advance(self, thread_id: int, count: int) -> None:
        pass

    def finish(self, done: ThreadDone) -> None:
        pass
