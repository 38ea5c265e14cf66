"""Shortcode templates (templates/shortcodes/*.html), loaded and analysed for PageRenderer.

Parsing and compiling them costs ~20 ms per process, paid by the first body a build renders
(in a one-post rebuild, the whole critical path). With a cache directory, the compiled code
comes from Jinja's bytecode cache and the analysis (which context names a template reads)
from a small file; both are keyed by the template's source and by everything that shapes
the answer (the Jinja release, the environment's options), so a stale entry is never used.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
import jinja2.meta

from hnmatome import late_shortcodes
from hnmatome.core.errors import UserError
from hnmatome.core.writer import replace_file
from hnmatome.late_shortcodes import can_be_late, shortcode_environment
from hnmatome.templating import CompiledTemplates


@dataclass
class ShortcodeTemplates:
    env: jinja2.Environment
    templates: dict[str, jinja2.Template] = field(default_factory=dict)
    paired: dict[str, bool] = field(default_factory=dict)  # name -> reads its inner content
    late: set[str] = field(default_factory=set)  # may render after the body (late_shortcodes)


@functools.cache
def _environment_version() -> bytes:
    """What shapes compiled code and analysis beyond the source: the Jinja release and
    shortcode_environment's options (in late_shortcodes.py)."""
    own = Path(late_shortcodes.__file__).read_bytes()
    return hashlib.sha1(jinja2.__version__.encode() + b"\0" + own).digest()


class _ShortcodeBytecode(CompiledTemplates):
    def get_source_checksum(self, source: str) -> str:
        return hashlib.sha1(_environment_version() + source.encode("utf-8")).hexdigest()


def _analysis_key(source: str) -> str:
    return hashlib.sha1(_environment_version() + b"names\0" + source.encode("utf-8")).hexdigest()


def _analysis_path(compiled_dir: Path, template: Path) -> Path:
    """One file per template (a changed template replaces its entry)."""
    name = hashlib.sha1(str(template).encode("utf-8")).hexdigest()
    return compiled_dir / f"shortcode-names-{name}.json"


def _read_names(path: Path, key: str) -> frozenset[str] | None:
    """The names stored for the source whose key is `key`, else None."""
    try:
        stored = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return None
    names = stored.get("names") if isinstance(stored, dict) else None
    if stored.get("key") != key or not isinstance(names, list) \
            or not all(isinstance(name, str) for name in names):
        return None
    return frozenset(names)


def _undeclared_names(env: jinja2.Environment, template: Path, source: str,
                      compiled_dir: Path | None) -> AbstractSet[str]:
    """The context names `source` reads (jinja2.meta), from the cache when it has them."""
    key = _analysis_key(source)
    path = _analysis_path(compiled_dir, template) if compiled_dir else None
    names = _read_names(path, key) if path else None
    if names is None:
        names = frozenset(jinja2.meta.find_undeclared_variables(env.parse(source)))
        if path:
            with contextlib.suppress(OSError):  # a cache that cannot be written only costs time
                replace_file(path, json.dumps({"key": key, "names": sorted(names)}).encode())
    return names


def load_shortcode_templates(folder: Path, compiled_dir: Path | None,
                             builtin: dict[str, bool]) -> ShortcodeTemplates:
    """Every template in `folder`; `builtin`: shortcodes without a template (name -> paired).
    `compiled_dir`: where compiled code and analyses are kept between runs (None: nowhere)."""
    env = shortcode_environment(folder)
    if compiled_dir is not None:
        env.bytecode_cache = _ShortcodeBytecode(compiled_dir)
    loaded = ShortcodeTemplates(env, paired=dict(builtin))
    for path in sorted(folder.glob("*.html")) if folder.is_dir() else []:
        name = path.stem
        try:
            source = path.read_text(encoding="utf-8")
            names = _undeclared_names(env, path, source, compiled_dir)
            loaded.paired[name] = bool({"inner", "inner_html"} & names)
            loaded.templates[name] = env.get_template(path.name)
            if can_be_late(name, source, names):
                loaded.late.add(name)
        except jinja2.TemplateSyntaxError as exc:
            raise UserError(f"shortcode template error: {exc.message}", path, exc.lineno,
                            hint="fix the Jinja syntax in the template") from exc
    return loaded
