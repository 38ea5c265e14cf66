"""The reach of body-only edits: which outputs a changed post body can change.

Most rebuilds follow an edit of a post's text (a translation fixed, a comment dropped) that
leaves every front matter, template and setting as it was. The site model is then the last
build's (build_steps._site_and_outputs), and an output can change only through what it reads
of the edited posts: their body (the post page, the feeds carrying it in full) or their entry
(comment count, excerpt: the lists, neighbours and related posts that show it). The quick
keys of context_keys.py read entries through one method, so recording which entries each
output's key reads gives, once per site model, a map from each post to the outputs that can
change with it. A rebuild then checks those outputs only; every other output is the last
build's file (still checked on disk, see output_work.keep)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from hnmatome.context_keys import SiteKeys
from hnmatome.plan import Output
from hnmatome.term_groups import TermGroups


@dataclass(frozen=True)
class Dependents:
    """For one site model: the outputs (by number) that read each entry (by rel)."""

    by_rel: dict[str, tuple[int, ...]]
    everywhere: frozenset[str]  # rels every template output reads
    unknown: tuple[int, ...]  # outputs whose reads are not known: always checked


def find_dependents(keys: SiteKeys, outputs: Sequence[Output],
                    known: Mapping[str, frozenset[str]] | None = None,
                    groups: TermGroups | None = None) -> Dependents:
    """`known`: the reads of outputs (by path) recorded while their keys were computed
    (SiteKeys.reads); an output of a term group not among them reads the term's posts (all
    of them: more than one of its pages does, at no cost); the others are asked of `keys`."""
    known = known or {}
    by_rel: dict[str, list[int]] = {}
    unknown = []
    members: dict[str, frozenset[str]] = {}
    for number, output in enumerate(outputs):
        reads = known.get(output.path)
        group = groups.group_of(number) if reads is None and groups is not None else None
        if group is not None:
            reads = members.get(group)
            if reads is None:
                reads = members[group] = groups.members(group)  # type: ignore[union-attr]
        if reads is None:
            reads = keys.dependencies(output)
        if reads is None:
            unknown.append(number)
            continue
        for rel in reads:
            by_rel.setdefault(rel, []).append(number)
    return Dependents({rel: tuple(numbers) for rel, numbers in by_rel.items()},
                      keys.everywhere(), tuple(unknown))


def reach(dependents: Dependents, changed: Iterable[str]) -> frozenset[int] | None:
    """The outputs that edits of these bodies can change; None: any output can."""
    changed = set(changed)
    if changed & dependents.everywhere:
        return None
    found = set(dependents.unknown)
    for rel in changed:
        found.update(dependents.by_rel.get(rel, ()))
    return frozenset(found)
