"""Live reload for `serve`: the state browsers wait on, and the script injected into served
HTML (never into files `build` writes).

Every finished rebuild (good or failed) starts a new epoch. A page carries the epoch it was
served in; its script long-polls WAIT_PATH with that epoch and gets an answer as soon as the
server's epoch is newer (or after a timeout, to keep proxies happy). The answer says what
changed: the page reloads when it is among the changed pages (or a stylesheet or script
changed), shows an overlay naming file and line when the build failed, and reloads when a
good build clears the error it shows."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

WAIT_PATH = "/__hnmatome/wait"
# The client: polls, reloads, draws the error overlay (with textContent only: an error message
# quotes user content).
_SCRIPT = (Path(__file__).with_name("live_reload.js")).read_text(encoding="utf-8")
WAIT_SECONDS = 25.0
HISTORY = 64  # rebuilds remembered, to tell a late page everything it missed
EVERYTHING = "*"
_SCRIPT_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026",
                   "\u2028": "\\u2028", "\u2029": "\\u2029"}


@dataclass(frozen=True)
class BuildProblem:
    """A failed build, as the overlay shows it."""

    message: str
    path: str | None = None
    line: int | None = None
    hint: str | None = None
    more: int = 0  # further errors not shown


@dataclass
class LiveState:
    """The epoch, the last build's problem (None when it succeeded) and the site paths each
    recent rebuild changed. Thread-safe: rebuilds publish, request threads wait."""

    epoch: int = 0
    problem: BuildProblem | None = None
    _history: list[tuple[int, tuple[str, ...]]] = field(default_factory=list, repr=False)
    _condition: threading.Condition = field(default_factory=threading.Condition, repr=False)
    _stopping: bool = False

    @property
    def changed(self) -> tuple[str, ...]:
        """What the latest rebuild changed."""
        return self._history[-1][1] if self._history else ()

    def publish(self, changed: tuple[str, ...], problem: BuildProblem | None) -> int:
        with self._condition:
            self.epoch += 1
            self.problem = problem
            self._history = [*self._history[-(HISTORY - 1):], (self.epoch, changed)]
            self._condition.notify_all()
            return self.epoch

    def wait(self, epoch: int, timeout: float = WAIT_SECONDS) -> dict[str, Any]:
        """The state once it is newer than `epoch` (or after `timeout`), with everything
        changed since `epoch`: a page that was busy reloading misses nothing."""
        with self._condition:
            self._condition.wait_for(lambda: self.epoch > epoch or self._stopping,
                                     timeout=timeout)
            return self.snapshot(since=epoch)

    def snapshot(self, since: int | None = None) -> dict[str, Any]:
        problem = None
        if self.problem is not None:
            problem = {"message": self.problem.message, "path": self.problem.path,
                       "line": self.problem.line, "hint": self.problem.hint,
                       "more": self.problem.more}
        changed: list[str] = []
        if since is not None:
            if since < self.epoch and (not self._history or self._history[0][0] > since + 1):
                changed = [EVERYTHING]  # older than the history: assume all changed
            for epoch, paths in self._history:
                if epoch > since:
                    changed += [path for path in paths if path not in changed]
        return {"epoch": self.epoch, "problem": problem, "changed": changed}

    def wake_all(self) -> None:
        """Answer every waiting request now (the server is stopping)."""
        with self._condition:
            self._stopping = True
            self._condition.notify_all()


def script_json(data: Any) -> str:
    """JSON that is safe inside a <script> element."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for char, escaped in _SCRIPT_ESCAPES.items():
        text = text.replace(char, escaped)
    return text


def inject(html: bytes, state: dict[str, Any], extra: bytes = b"") -> bytes:
    """`html` with the live reload script (and the current state) before </body>, and
    `extra` (serve's other tags for served pages) after it."""
    tag = (f'<script id="hnmatome-live" data-wait="{WAIT_PATH}">'
           f"var HNMATOME_LIVE={script_json(state)};{_SCRIPT}</script>").encode() + extra
    index = html.rfind(b"</body>")
    if index < 0:
        return html + tag
    return html[:index] + tag + html[index:]
