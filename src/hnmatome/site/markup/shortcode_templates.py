"""The shortcode templates of a project (templates/shortcodes/*.html), and the shortcodes a
body leaves for the page that shows it.

A body is cached by its own text: most shortcodes depend on nothing else. `{{< list >}}`
shows the newest posts, which change with every new post, so it is rendered when a page
shows the body ("late"): a new post then re-renders the pages whose list changed, not the
whole body of each (mostly comment cards). In the body a late shortcode is its placeholder,
and the body carries what is needed to render it (`LateShortcode`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import jinja2
import jinja2.meta
from markupsafe import Markup

from hnmatome.core.errors import UserError
from hnmatome.site.model import LateShortcode

if TYPE_CHECKING:
    from hnmatome.site.content import SourcePage

LATE_SHORTCODES = frozenset({"list"})
DEFAULT_LIST_LIMIT = 5
# (message, hint) -> the error to raise, which knows the file and line
ErrorAt = Callable[[str, str], UserError]


class ShortcodeContext(Protocol):
    """What shortcodes need from the assembled site (supplied by the site stage)."""

    def ref(self, target: str, page: SourcePage) -> str:
        """URL of `target`; raises LookupError when there is no such page."""
        ...

    def latest_posts(self, limit: int) -> Sequence[Mapping[str, Any]]:
        """The `limit` newest posts, each with at least 'title', 'url' and 'date'."""
        ...

    def timezone(self) -> str:
        """The site timezone ('Asia/Tokyo'): comment cards show their time in it."""
        ...


def shortcode_environment(folder: Path, compiled_dir: Path | None = None) -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(folder), autoescape=True,
        undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
        bytecode_cache=jinja2.FileSystemBytecodeCache(str(compiled_dir)) if compiled_dir else None)


class ShortcodeTemplates:
    """Every template of templates/shortcodes/, loaded at once. `paired[name]`: the shortcode
    takes inner content (its template uses `inner` or `inner_html`)."""

    def __init__(self, folder: Path, compiled_dir: Path | None = None) -> None:
        self._env = shortcode_environment(folder, compiled_dir)
        self._templates: dict[str, jinja2.Template] = {}
        self.paired: dict[str, bool] = {}
        for path in sorted(folder.glob("*.html")) if folder.is_dir() else []:
            self._load(path)

    def _load(self, path: Path) -> None:
        try:
            source = path.read_text(encoding="utf-8")
            names = jinja2.meta.find_undeclared_variables(self._env.parse(source))
            self._templates[path.stem] = self._env.get_template(path.name)
        except jinja2.TemplateSyntaxError as exc:
            raise UserError(f"shortcode template error: {exc.message}", path, exc.lineno,
                            hint="fix the Jinja syntax in the template") from exc
        except (OSError, UnicodeDecodeError) as exc:
            raise UserError(f"cannot read the shortcode template: {exc}", path) from exc
        self.paired[path.stem] = bool({"inner", "inner_html"} & names)

    def render(self, name: str, values: dict[str, Any], error: ErrorAt) -> str:
        template = self._templates.get(name)
        if template is None:
            raise error(f"no template for shortcode {name!r}",
                        f"add templates/shortcodes/{name}.html")
        try:
            return template.render(values)
        except jinja2.TemplateError as exc:
            raise error(f"shortcode {name!r} failed: {exc}",
                        f"check templates/shortcodes/{name}.html") from exc


def shortcode_values(name: str, params: Mapping[str, Any], args: Sequence[Any],
                     page: SourcePage, **variables: Any) -> dict[str, Any]:
    """What a shortcode template is given (docs/content-format.md lists it)."""
    return {"name": name, "params": params, "args": args, "page": page, "inner": "",
            "inner_html": Markup(""), **variables}


def list_limit(params: Mapping[str, Any], args: Sequence[Any]) -> int:
    """How many posts a `list` shows; ValueError when its limit is not a number."""
    limit = params.get("limit", args[0] if args else DEFAULT_LIST_LIMIT)
    try:
        return max(int(limit), 0)
    except (TypeError, ValueError):
        raise ValueError(f"list limit must be a number, not {limit!r}") from None


def render_late(templates: ShortcodeTemplates, late: Sequence[LateShortcode],
                page: SourcePage, site: ShortcodeContext) -> dict[str, str]:
    """The HTML of each shortcode a body left for its page, by placeholder."""
    outputs = {}
    for shortcode in late:
        def error(message: str, hint: str, line: int = shortcode.line) -> UserError:
            return UserError(message, page.path, line, hint)

        posts = site.latest_posts(list_limit(shortcode.params, shortcode.args))
        values = shortcode_values(shortcode.name, shortcode.params, shortcode.args, page,
                                  posts=posts)
        outputs[shortcode.key] = templates.render(shortcode.name, values, error)
    return outputs
