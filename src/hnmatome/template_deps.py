"""What rendering a template is made of: its files (the template and every template it
extends, includes or imports) and the names of the context it reads.

The build cache keys an output by its template's files, so a template change re-renders what
uses it, and the quick keys (context_keys.py) look at the names: a site-wide value such as
`taxonomies` counts only for the templates that read it."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import jinja2
from jinja2 import meta, nodes

from hnmatome.fingerprint import digest_bytes


@dataclass(frozen=True)
class TemplateUse:
    files: bytes  # digest of every template file it is made of
    names: frozenset[str]  # context names any of them reads (local names may be among them)


class TemplateAnalysis:
    """Reads templates' syntax trees once per build (templates/ does not change mid-build)."""

    def __init__(self, directory: Path, env: jinja2.Environment,
                 known: dict[str, TemplateUse] | None = None) -> None:
        """`env`: the environment the templates render in (its filters and tests). `known`:
        analyses of these very template files (a build cache keeps them by a digest of
        templates/), filled in as templates are analysed."""
        self.directory = directory
        self._env = env
        self._trees: dict[str, nodes.Template | None] = {}
        self._sources: dict[str, bytes] = {}
        self._uses: dict[str, TemplateUse] = known if known is not None else {}
        self._file_names: dict[str, frozenset[str]] = {}

    def use(self, name: str) -> TemplateUse:
        found = self._uses.get(name)
        if found is None:
            found = self._uses[name] = self._analyse(name)
        return found

    def _names(self, name: str) -> frozenset[str]:
        """The context names one template file reads (once per file: base.html is in every
        page template's closure, and the analysis runs Jinja's code generator)."""
        found = self._file_names.get(name)
        if found is None:
            tree = self._tree(name)
            found = frozenset()
            with contextlib.suppress(jinja2.TemplateError):  # the render reports it
                if tree is not None:
                    found = frozenset(meta.find_undeclared_variables(tree))
            self._file_names[name] = found
        return found

    def _tree(self, name: str) -> nodes.Template | None:
        if name not in self._trees:
            path = self.directory / name
            try:
                source = path.read_bytes()
                self._sources[name] = source
                self._trees[name] = self._env.parse(source.decode("utf-8"), name, str(path))
            except (OSError, UnicodeDecodeError, jinja2.TemplateSyntaxError):
                self._sources.setdefault(name, b"\x00unreadable")
                self._trees[name] = None  # the render reports it properly
        return self._trees[name]

    def _closure(self, name: str) -> list[str]:
        """`name` and every template it extends, includes or imports, statically; a name
        computed at render time means any template may be used."""
        seen: list[str] = []
        pending = [name]
        while pending:
            current = pending.pop()
            if current in seen:
                continue
            seen.append(current)
            tree = self._tree(current)
            if tree is None:
                continue
            for referenced in meta.find_referenced_templates(tree):
                if referenced is None:
                    return sorted(set(seen) | set(self._all_templates()))
                pending.append(referenced)
        return seen

    def _all_templates(self) -> Iterable[str]:
        return (path.relative_to(self.directory).as_posix()
                for path in sorted(self.directory.rglob("*")) if path.is_file())

    def _analyse(self, name: str) -> TemplateUse:
        members = sorted(self._closure(name))
        names: set[str] = set()
        for member in members:
            names |= self._names(member)
        files = digest_bytes(*(part for member in members
                               for part in (member.encode(), self._sources[member])))
        return TemplateUse(files, frozenset(names))
