"""Render a page body: shortcodes out into placeholders, markdown, shortcodes back in.

`{{< >}}` shortcodes render to HTML and come back after markdown (a placeholder alone in a
paragraph replaces the whole `<p>`); `{{% %}}` output is markdown and joins the page's markdown.
Shortcode templates are Jinja files in templates/shortcodes/, so a user can restyle them.
A `list` (the newest posts) stays a placeholder, rendered with the page that shows the body
(shortcode_templates.py).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from markupsafe import Markup

from hnmatome.core.errors import UserError
from hnmatome.site.markup.cards import card_variables
from hnmatome.site.markup.comments import QuoteBodyRenderer
from hnmatome.site.markup.folds import FOLD_SHORTCODE, is_comment_fold, merge_adjacent_folds
from hnmatome.site.markup.markdown import block_text, page_markdown
from hnmatome.site.markup.shortcode_templates import (
    LATE_SHORTCODES,
    ShortcodeContext,
    ShortcodeTemplates,
    list_limit,
    shortcode_values,
)
from hnmatome.site.markup.syntax import Node, Shortcode, ShortcodeSyntaxError, parse_shortcodes
from hnmatome.site.model import LateShortcode, RenderedBody

if TYPE_CHECKING:
    from hnmatome.site.content import SourcePage

QUOTE_SHORTCODE = "matomeQuote"
# Built in: no template, resolved through the ShortcodeContext.
BUILTIN_SHORTCODES = {"ref": False, "relref": False}
_PLACEHOLDER_STEM = "HNMSC"


@dataclass
class _Job:
    """The mutable state of one page render."""

    page: SourcePage
    ctx: ShortcodeContext
    prefix: str
    fenced: bool  # the markdown has code fences (see _merge_placeholder_runs)
    tz: ZoneInfo  # the site timezone: comment times are shown in it
    outputs: dict[str, tuple[str, str]] = field(default_factory=dict)  # key -> (html, text)
    comment_count: int = 0
    first_comment: str = ""
    late: list[LateShortcode] = field(default_factory=list)

    def error(self, message: str, line: int, hint: str | None = None) -> UserError:
        return UserError(message, self.page.path, self.page.body_line + line - 1, hint)


_BLOCK_GAP = re.compile(r"\n\n+")


def _merge_placeholder_runs(pieces: list[str], keys: set[str],
                            outputs: dict[str, tuple[str, str]]) -> list[str]:
    """Fold runs of placeholders that each stand alone as a paragraph (separated by blank lines
    only) into one placeholder: markdown then parses one paragraph per run, not per comment.
    The output is the same: a lone placeholder replaces its whole <p>, so neighbours join.
    (Not for markdown with code fences: there the blank lines between would be content.)"""
    merged: list[str] = []
    runs: dict[str, list[str]] = {}  # first key of a run -> the keys folded into it
    run: str | None = None
    for index, piece in enumerate(pieces):
        if piece in keys:
            before = merged[-1] if merged else ""
            after = pieces[index + 1] if index + 1 < len(pieces) else ""
            at_end = index + 2 >= len(pieces) and not after.strip()
            alone = ((not merged or before.endswith("\n\n"))
                     and (after.startswith("\n\n") or at_end))
            if (run is not None and alone and len(merged) >= 2 and merged[-2] == run
                    and _BLOCK_GAP.fullmatch(before)):
                runs[run].append(piece)
                merged.pop()  # the blank lines between them
                continue
            run = piece if alone else None
            if run is not None:
                runs[run] = [run]
        merged.append(piece)
    for first, members in runs.items():
        if len(members) > 1:
            parts = [outputs[key] for key in members]
            outputs[first] = ("\n".join(html for html, _ in parts),
                              "\n".join(text for _, text in parts))
    return merged


def _has_fence(markdown: str) -> bool:
    return "```" in markdown or "~~~" in markdown


def _is_key(line: str, prefix: str) -> bool:
    digits = line[len(prefix) : -1]
    return line.startswith(prefix) and line.endswith("X") and digits.isdigit() and digits.isascii()


def _placeholder_paragraphs(source: str, prefix: str) -> tuple[str, str] | None:
    """(html, text) as markdown gives them for a source made only of placeholder lines
    (the inner content of folds mostly is), else None: a markdown parse costs far more than
    these few lines. Each blank-line-separated block of keys is one paragraph."""
    blocks = _BLOCK_GAP.split(source.strip("\n"))
    if not all(_is_key(line, prefix) for block in blocks for line in block.split("\n")):
        return None
    return ("".join(f"<p>{block}</p>\n" for block in blocks),
            "".join(f"{block}\n" for block in blocks))


def _placeholder_pattern(stem: str) -> re.Pattern[str]:
    """A placeholder alone in a paragraph (the <p> goes too) or anywhere else."""
    return re.compile(rf"<p>({stem}\d+X)</p>(\n?)|{stem}\d+X")


class PageRenderer:
    """Renders page bodies with the shortcode templates of one project."""

    def __init__(self, templates_dir: Path, compiled_dir: Path | None = None) -> None:
        """`compiled_dir`: where Jinja keeps the compiled shortcode templates between runs."""
        self._templates = ShortcodeTemplates(templates_dir / "shortcodes", compiled_dir)
        # name -> takes inner content
        self.paired = dict(BUILTIN_SHORTCODES) | self._templates.paired
        self.merge_runs = True  # tests switch it off to prove it changes nothing
        self._markdown = page_markdown()
        self._quotes = QuoteBodyRenderer()
        self._placeholder = _placeholder_pattern(_PLACEHOLDER_STEM)

    def render(self, page: SourcePage, ctx: ShortcodeContext) -> RenderedBody:
        try:
            nodes = parse_shortcodes(page.body, self.paired)
        except ShortcodeSyntaxError as exc:
            raise UserError(exc.message, page.path, page.body_line + exc.line - 1,
                            exc.hint) from exc
        prefix = _PLACEHOLDER_STEM
        while prefix in page.body:  # a body can never fake a placeholder
            prefix += "Z"
        job = _Job(page, ctx, prefix, fenced=_has_fence(page.body), tz=ZoneInfo(ctx.timezone()))
        html, text = self._render_nodes(nodes, job)
        return RenderedBody(html=html, text=text, comment_count=job.comment_count,
                            first_comment=job.first_comment, late=tuple(job.late))

    # -- markdown with placeholders ---------------------------------------------------------

    def _render_nodes(self, nodes: Sequence[Node], job: _Job) -> tuple[str, str]:
        """(html, text) of nodes rendered as one markdown document."""
        return self._render_source(self._markdown_source(nodes, job), job)

    def _render_source(self, source: str, job: _Job) -> tuple[str, str]:
        rendered = _placeholder_paragraphs(source, job.prefix) if job.outputs else None
        if rendered is not None:
            html, text = rendered
        else:
            env: dict[str, Any] = {}
            tokens = self._markdown.parse(source, env)
            html = self._markdown.renderer.render(tokens, self._markdown.options, env)
            text = block_text(tokens)
        if job.outputs:
            html = self._put_back(html, job, 0)
            text = self._put_back(text, job, 1)
        return html, text

    def _markdown_source(self, nodes: Sequence[Node], job: _Job) -> str:
        pieces: list[str] = []
        keys: list[str] = []  # the placeholder keys among pieces, by position
        for node in merge_adjacent_folds(nodes):
            if isinstance(node, str):
                pieces.append(node)
            elif node.name in LATE_SHORTCODES:  # in either form: its output is HTML
                pieces.append(self._late(node, job))
                keys.append(pieces[-1])
            elif node.markdown:
                output = self._markdown_shortcode(node, job)
                job.fenced = job.fenced or _has_fence(output)
                pieces.append(output)
            else:
                key = f"{job.prefix}{len(job.outputs)}X"
                if node.name == QUOTE_SHORTCODE:  # the bulk of every page; never nested
                    job.outputs[key] = self._quote(node, job)
                else:
                    job.outputs[key] = ("", "")  # reserve the key before nested renders
                    job.outputs[key] = self._html_shortcode(node, job)
                pieces.append(key)
                keys.append(key)
        if len(keys) > 1 and self.merge_runs and not job.fenced:
            pieces = _merge_placeholder_runs(pieces, set(keys), job.outputs)
        return "".join(pieces)

    def _put_back(self, rendered: str, job: _Job, part: int) -> str:
        pattern = self._placeholder
        if job.prefix != _PLACEHOLDER_STEM:
            pattern = _placeholder_pattern(job.prefix)

        def output(found: re.Match[str]) -> str:
            key = found.group(1) or found.group(0)
            if key not in job.outputs:
                return found.group(0)
            return job.outputs[key][part] + (found.group(2) or "")

        return pattern.sub(output, rendered)

    # -- shortcodes ---------------------------------------------------------------------------

    def _markdown_shortcode(self, node: Shortcode, job: _Job) -> str:
        """{{% %}}: the output is markdown, spliced into the page's markdown."""
        if node.name in BUILTIN_SHORTCODES:
            return self._ref(node, job)
        if node.name == QUOTE_SHORTCODE:
            return self._quote(node, job)[0]  # one line of HTML: markdown passes it through
        variables: dict[str, Any] = {}
        if node.inner is not None:
            cards = job.comment_count
            inner = self._markdown_source(node.inner, job)
            variables["inner"] = inner
            variables["inner_html"] = Markup(self._render_source(inner, job)[0])
            variables |= _inner_cards(node, job.comment_count - cards)
        return self._template(node, job, variables)

    def _html_shortcode(self, node: Shortcode, job: _Job) -> tuple[str, str]:
        """{{< >}}: (html, text); the html comes back in place of a placeholder."""
        if node.name in BUILTIN_SHORTCODES:
            return self._ref(node, job), ""
        if node.name == QUOTE_SHORTCODE:
            return self._quote(node, job)
        variables: dict[str, Any] = {}
        text = ""
        if node.inner is not None:
            cards = job.comment_count
            inner_html, text = self._render_nodes(node.inner, job)
            variables["inner"] = node.inner_source
            variables["inner_html"] = Markup(inner_html)
            variables |= _inner_cards(node, job.comment_count - cards)
        summary = node.get("summary")
        if isinstance(summary, str) and summary and not variables.get("comment_fold"):
            text = f"{summary}\n{text}"
        return self._template(node, job, variables), text

    def _late(self, node: Shortcode, job: _Job) -> str:
        """A shortcode left for the page: its placeholder stays in the HTML."""
        try:
            list_limit(node.named, node.positional)
        except ValueError as exc:
            raise job.error(str(exc), node.line) from None
        key = f"{job.prefix}{len(job.outputs)}X"
        job.outputs[key] = (key, "")
        job.late.append(LateShortcode(key, node.name, node.named, node.positional,
                                      job.page.body_line + node.line - 1))
        return key

    def _ref(self, node: Shortcode, job: _Job) -> str:
        target = node.get(0, node.get("path"))
        if not isinstance(target, str) or not target:
            raise job.error(f"{node.name} needs a target, e.g. {{{{% ref \"/posts/\" %}}}}",
                            node.line)
        try:
            return job.ctx.ref(target, job.page)
        except LookupError as exc:
            raise job.error(f"{node.name} target {target!r} is not a page of this site",
                            node.line, hint="check the path against content/") from exc

    def _quote(self, node: Shortcode, job: _Job) -> tuple[str, str]:
        body = node.named.get("body", "")
        body_html, text = self._quotes.render(body if isinstance(body, str) else str(body))
        job.comment_count += 1
        if job.comment_count == 1:
            job.first_comment = text
        return self._template(node, job, card_variables(node.named, body_html, job.tz)), text

    def _template(self, node: Shortcode, job: _Job, variables: dict[str, Any]) -> str:
        values = shortcode_values(node.name, node.named, node.positional, job.page,
                                  **variables)
        return self._templates.render(node.name, values,
                                      lambda message, hint: job.error(message, node.line, hint))


def _inner_cards(node: Shortcode, count: int) -> dict[str, Any]:
    """What a paired shortcode's template knows of the comment cards inside it."""
    if node.name != FOLD_SHORTCODE:
        return {"comment_count": count}
    return {"comment_count": count, "comment_fold": bool(count) and is_comment_fold(node)}
