"""Folds (`details`) as readers see them: folds of comments that follow each other show as one.

The converter cuts the comments beyond the first 30 into folds of 30 (`もっとコメントを表示（1）`,
`（2）`, …), which would sit back to back as bars whose numbers mean nothing to a reader. When
rendered, adjacent comment folds (nothing but blank lines between them) become one fold holding
all their content; the post's source keeps its shortcodes. A fold with a summary of its own
(anything but the converter's label) is never merged: its label means something.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from hnmatome.site.markup.syntax import Node, Shortcode

FOLD_SHORTCODE = "details"
# The converter's label and the old default: they say nothing about what the fold holds.
_STOCK_SUMMARY = re.compile(
    r"\s*(?:もっとコメントを表示\s*(?:[（(]\s*\d+\s*[）)])?|続きを表示)?\s*")


def is_comment_fold(node: Node) -> bool:
    """`node` is a `{{< details >}}` fold whose summary is empty or the converter's."""
    if not isinstance(node, Shortcode) or node.name != FOLD_SHORTCODE or node.markdown:
        return False
    if node.inner is None:
        return False
    summary = node.get("summary", "")
    return isinstance(summary, str) and _STOCK_SUMMARY.fullmatch(summary) is not None


def merge_adjacent_folds(nodes: Sequence[Node]) -> Sequence[Node]:
    """`nodes` with each run of adjacent comment folds made one fold (the first's parameters,
    every fold's content in order, a blank line between)."""
    folds = [node for node in nodes if type(node) is Shortcode and node.name == FOLD_SHORTCODE]
    if len(folds) < 2:  # most calls: the cards inside a fold
        return nodes
    merged: list[Node] = []
    for node in nodes:
        if is_comment_fold(node):
            gap = len(merged)
            while gap and isinstance(merged[gap - 1], str) and not merged[gap - 1].strip():
                gap -= 1
            before = merged[gap - 1] if gap else None
            if isinstance(before, Shortcode) and is_comment_fold(before):
                del merged[gap:]
                merged[-1] = before._replace(
                    inner=(*(before.inner or ()), "\n\n", *(node.inner or ())),
                    inner_source=f"{before.inner_source}\n\n{node.inner_source}")
                continue
        merged.append(node)
    return merged
