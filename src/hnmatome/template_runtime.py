"""Quicker forms of the two things compiled page templates do most, calling a function
(`href(post.path)`) and escaping a value, each doing exactly what Jinja's general form does
(tests/test_render_quick.py proves them equal). A list page does both thousands of times,
and the general forms cost several times the work they wrap: Context.call looks for
pass_context markers on the callable and on its __call__ at every call (4.5 µs against 0.3 µs
for href itself), markupsafe.escape builds its Markup through a Python __new__."""

from __future__ import annotations

from collections.abc import Callable, MutableMapping
from types import CodeType, FunctionType, MethodType
from typing import Any

import jinja2
import markupsafe
from jinja2.runtime import Context
from jinja2.utils import internalcode
from markupsafe import Markup

_escape_text: Callable[[str], str] = markupsafe._escape_inner  # type: ignore[attr-defined]
_new_str = str.__new__


class QuickCallContext(Context):
    """A Context whose `call` skips the marker lookups for plain Python functions and methods.

    Context.call passes the context, eval context or environment first when the callable
    or its __call__ carries `jinja_pass_arg` (what pass_context and its kin set). A Python
    function's attributes are its __dict__, and a method's are its function's: when that
    __dict__ is empty there is no marker and no __call__ of its own (__call__ is then the
    built-in method-wrapper, which holds no attributes), so the general form would call it
    as it is. Anything else takes the general way."""

    @internalcode
    def call(self, obj: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
        kind = type(obj)
        if kind is MethodType:
            function = obj.__func__  # type: ignore[attr-defined]
            plain = type(function) is FunctionType and not function.__dict__
        else:
            plain = kind is FunctionType and not obj.__dict__
        if not plain:
            return Context.call(self, obj, *args, **kwargs)
        if kwargs:
            kwargs.pop("_block_vars", None)
            kwargs.pop("_loop_vars", None)
        try:
            return obj(*args, **kwargs)
        except StopIteration:
            return self.environment.undefined(
                "value was undefined because a callable raised a StopIteration exception")


def quick_escape(value: Any, /) -> Markup:
    """markupsafe.escape. Its str case builds the Markup through Markup.__new__, which asks
    the str for __html__ first; a str has none, so str.__new__ makes the same object. A
    Markup is already escaped (escape returns an equal copy), an int's digits need none."""
    kind = type(value)
    if kind is str:
        return _new_str(Markup, _escape_text(value))  # type: ignore[no-any-return]
    if kind is Markup:
        return value  # type: ignore[no-any-return]
    if kind is int:
        return _new_str(Markup, int.__repr__(value))  # type: ignore[no-any-return]
    return markupsafe.escape(value)


class QuickTemplate(jinja2.Template):
    """A Template whose compiled code escapes output with quick_escape. Compiled templates
    import `escape` from jinja2.runtime into their module namespace, which is where their
    functions look it up; it is swapped there once, when the template is loaded."""

    @classmethod
    def from_code(cls, environment: jinja2.Environment, code: CodeType,
                  globals: MutableMapping[str, Any],
                  uptodate: Callable[[], bool] | None = None) -> jinja2.Template:
        template = super().from_code(environment, code, globals, uptodate)
        namespace = template.root_render_func.__globals__
        if namespace.get("escape") is markupsafe.escape:
            namespace["escape"] = quick_escape
        return template


def quicken(environment: jinja2.Environment) -> jinja2.Environment:
    """`environment`, rendering with the quick forms."""
    environment.context_class = QuickCallContext
    environment.template_class = QuickTemplate
    return environment
