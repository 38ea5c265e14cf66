"""`{% shared "name", key, ... %} ... {% endshared %}` in page templates: a fragment that is the
same on every page of a site that gives it the same keys (the header, the footer, the links in
<head>), rendered once per process and site instead of once per page. Base.html is rendered
for ~6,000 pages of the corpus, and most of it never changes.

A shared fragment may read what is the same for the whole site (site, href, asset,
site_pages, ...) and the keys it names; anything that differs from page to page must be a
key. It may not hold a block or read `self` (a child template can change those per page):
that fails when the template is parsed."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, ClassVar

import jinja2
from jinja2 import nodes
from jinja2.ext import Extension
from jinja2.parser import Parser


class SharedFragments(Extension):
    tags: ClassVar[set[str]] = {"shared"}

    def __init__(self, environment: jinja2.Environment) -> None:
        super().__init__(environment)
        self._cache: dict[tuple[Any, ...], str] = {}
        self._scope: object = None
        self._active = False

    def parse(self, parser: Parser) -> nodes.Node:
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
        where = [nodes.Const(parser.name), nodes.Const(token.lineno), nodes.List(keys)]
        return nodes.CallBlock(self.call_method("_fragment", where), [], [], body,
                               lineno=token.lineno)

    def _fragment(self, name: str | None, line: int, keys: list[Any],
                  caller: Callable[[], str]) -> str:
        if not self._active:
            return caller()
        key = (name, line, *keys)
        try:
            found = self._cache.get(key)
        except TypeError:  # an unhashable key: not shared, rendered every time
            return caller()
        if found is None:
            found = self._cache[key] = caller()
        return found

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


def shared_fragments(env: jinja2.Environment) -> SharedFragments:
    extension = env.extensions[SharedFragments.identifier]
    assert isinstance(extension, SharedFragments)
    return extension
