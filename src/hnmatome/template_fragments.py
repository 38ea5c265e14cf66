"""`{% shared "name", key, ... %} ... {% endshared %}` in page templates: a fragment that is the
same on every page of a site that gives it the same keys (the header, the footer, the links in
<head>), rendered once per process and site instead of once per page. Base.html is rendered
for ~6,000 pages of the corpus, and most of it never changes.

A shared fragment may read what is the same for the whole site (site, href, asset,
site_pages, ...) and the keys it names; anything that differs from page to page must be a
key. It may not hold a block or read `self` (a child template can change those per page):
that fails when the template is parsed."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, ClassVar, NamedTuple

import jinja2
from jinja2 import nodes
from jinja2.ext import Extension
from jinja2.parser import Parser

_LOOKUP, _KEEP = "_shared_lookup", "_shared_keep"  # filters only the fragments use


class SharedFragments(Extension):
    tags: ClassVar[set[str]] = {"shared"}

    def __init__(self, environment: jinja2.Environment) -> None:
        super().__init__(environment)
        self._cache: dict[tuple[Any, ...], str] = {}
        self._scope: object = None
        self._active = False
        self._slots = 0  # names of the variables of each fragment, unique per environment
        environment.filters.update({_LOOKUP: self._lookup, _KEEP: self._keep})

    def parse(self, parser: Parser) -> list[nodes.Node]:
        token = next(parser.stream)
        keys = [parser.parse_expression()]
        while parser.stream.skip_if("comma"):
            keys.append(parser.parse_expression())
        body = parser.parse_statements(("name:endshared",), drop_needle=True)
        for node in body:
            if isinstance(node, nodes.Block) or node.find(nodes.Block) is not None:
                parser.fail("a {% shared %} fragment cannot hold a block", token.lineno)
            if any(name.name == "self" for name in node.find_all(nodes.Name)):
                parser.fail("a {% shared %} fragment cannot read self (it differs per page)",
                            token.lineno)
        return self._nodes(parser, token.lineno, keys, body)

    def _nodes(self, parser: Parser, line: int, keys: list[nodes.Expr],
               body: list[nodes.Node]) -> list[nodes.Node]:
        """The fragment as plain template code, no macro and no call through the context (a
        macro call costs more than a list row; filters are called directly):

            {% set slot = (template, line, keys...) | _shared_lookup %}
            {% if slot is not string %}
            {% set slot | _shared_keep(slot) %}...body...{% endset %}
            {% endif %}{{ slot }}

        `slot` is the fragment (a Markup, a string) or a _Miss that knows where to keep it
        once rendered. Names starting with '_' are never exported from a template, and the
        name is set before it is read, so two templates that number their fragments alike
        never meet."""
        self._slots += 1
        slot = f"_shared_slot_{self._slots}"
        key = nodes.Tuple([nodes.Const(parser.name), nodes.Const(line), *keys], "load")
        missing = nodes.Not(nodes.Test(nodes.Name(slot, "load"), "string", [], [], None, None))
        keep = nodes.Filter(None, _KEEP, [nodes.Name(slot, "load")], [], None, None)
        fragment = [
            nodes.Assign(nodes.Name(slot, "store"), nodes.Filter(key, _LOOKUP, [], [], None, None)),
            nodes.If(missing, [nodes.AssignBlock(nodes.Name(slot, "store"), keep, body)], [], []),
            nodes.Output([nodes.Name(slot, "load")])]
        for node in fragment:
            node.set_lineno(line)
        return fragment

    def _lookup(self, key: tuple[Any, ...]) -> str | _Miss:
        if not self._active:
            return _NOT_KEPT
        try:
            found = self._cache.get(key)
        except TypeError:  # an unhashable key: not shared, rendered every time
            return _NOT_KEPT
        return _Miss(key) if found is None else found

    def _keep(self, text: str, miss: _Miss) -> str:
        if miss.key is not None:
            self._cache[miss.key] = text
        return text

    @contextmanager
    def scope(self, scope: object) -> Iterator[None]:
        """Fragments are shared between renders in the same `scope` (the site model: it holds
        every site-wide value of a context); None shares nothing between renders. Renders
        outside a scope (a template rendered directly) share nothing."""
        if scope is None or scope is not self._scope:
            self._cache.clear()
            self._scope = scope  # kept: while it lives, no other object can take its id
        self._active = True
        try:
            yield
        finally:
            self._active = False


class _Miss(NamedTuple):
    """A fragment not rendered yet in this scope: rendered, it is kept under `key` (None:
    not kept, outside a scope or for an unhashable key)."""

    key: tuple[Any, ...] | None


_NOT_KEPT = _Miss(None)


def shared_fragments(env: jinja2.Environment) -> SharedFragments:
    extension = env.extensions[SharedFragments.identifier]
    assert isinstance(extension, SharedFragments)
    return extension
