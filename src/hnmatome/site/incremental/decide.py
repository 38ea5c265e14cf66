"""Which bodies and outputs a build must render: those whose recorded reads no longer get the
same answers from this build's site, or that the last build did not make. Everything else is
the last build's (a body from the cache, an output file left where it is)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from hnmatome.site.incremental.bodies import BodyRecord
from hnmatome.site.incremental.cache import Manifest, OutputRecord
from hnmatome.site.incremental.reads import Key, answer_digest, answers_same
from hnmatome.site.plan import Output
from hnmatome.site.view import SiteView


def bodies_to_render(keys: Mapping[str, bytes], known: Mapping[bytes, BodyRecord],
                     view: SiteView) -> tuple[dict[str, BodyRecord], list[str]]:
    """(the cached bodies still good, by rel; the rels whose bodies must be rendered).
    `keys`: each page's body key (bodies.body_key); `view`: the site bodies read."""
    kept: dict[str, BodyRecord] = {}
    todo: list[str] = []
    for rel, key in keys.items():
        record = known.get(key)
        if record is not None and answers_same(view, record.reads):
            kept[rel] = record
        else:
            todo.append(rel)
    return kept, todo


def outputs_to_render(outputs: Sequence[Output], previous: Manifest | None, view: SiteView,
                      out_dir: Path) -> tuple[dict[str, OutputRecord], list[int]]:
    """(the last build's outputs that are still right, by path; the numbers of the outputs
    to render). An output is kept when the last build made it as the same output, its file
    still holds what that build wrote, and nothing it read is answered differently now."""
    kept: dict[str, OutputRecord] = {}
    todo: list[int] = []
    records = previous.outputs if previous else {}
    changed = changed_answers(view, previous.answers) if previous else set()
    root = f"{out_dir}/"
    for number, output in enumerate(outputs):
        record = records.get(output.path)
        stamp = record.found_at(root + output.path) if record and record.output == output \
            else None
        if record is not None and stamp is not None and changed.isdisjoint(record.reads):
            kept[output.path] = record if stamp == record.stamp else replace(record, stamp=stamp)
        else:
            todo.append(number)
    return kept, todo


def changed_answers(view: SiteView, answers: Mapping[Key, bytes]) -> set[Key]:
    """The queries the last build asked whose answer is another now."""
    return {key for key, digest in answers.items() if answer_digest(view, key) != digest}
