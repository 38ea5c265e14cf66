"""The questions a rendered body asks the site (shortcodes.ShortcodeContext: where a `ref`
points, which posts `list` shows), recorded with their answers while the body renders, so
the body cache (build_cache.py) reuses a body only while every answer is still the same."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hnmatome.fingerprint import Digester


class Answers:
    """The site's answers to the questions bodies ask (shortcodes.ShortcodeContext), as
    comparable strings."""

    def __init__(self, links: Any, digester: Digester) -> None:
        self.links = links
        self.digester = digester
        self._memo: dict[tuple[str, Any], str] = {}

    def answer(self, question: str, argument: Any) -> str:
        key = (question, argument)
        found = self._memo.get(key)
        if found is None:
            try:
                if question == "ref":
                    target, page_rel = argument
                    value: Any = self.links.ref(target, _PageRef(page_rel))
                elif question == "latest":
                    value = self.links.latest_posts(argument)
                else:
                    return "<unknown question>"
                found = self.digester.of(value).hex()
            except LookupError:
                found = "<lookup error>"  # errors are answers too
            self._memo[key] = found
        return found

    def same(self, asked: tuple[str, Any, str]) -> bool:
        question, argument, answer = asked
        return self.answer(question, argument) == answer


@dataclass(frozen=True)
class _PageRef:
    """All of a page that `ref` looks at (relative targets resolve beside it)."""

    rel: str


class RecordingContext:
    """A ShortcodeContext that remembers what a body asked, with the answers."""

    def __init__(self, answers: Answers) -> None:
        self._answers = answers
        self.asked: list[tuple[str, Any, str]] = []

    def ref(self, target: str, page: Any) -> str:
        # an absolute target does not depend on the page: one question for every page
        # (most posts link to "/posts/"), answered once per build
        argument = (target, "" if target.startswith("/") else page.rel)
        self.asked.append(("ref", argument, self._answers.answer("ref", argument)))
        return self._answers.links.ref(target, page)

    def latest_posts(self, limit: int) -> Any:
        self.asked.append(("latest", limit, self._answers.answer("latest", limit)))
        return self._answers.links.latest_posts(limit)
