"""Site settings from `[tool.hnmatome]` in pyproject.toml, as one frozen dataclass."""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from hnmatome.core.errors import UserError

DEFAULT_PALETTE = ("#ff5c5c", "#ff33a1", "#45d325", "#785bff", "#38d3d3", "#ff5733")


@dataclass(frozen=True)
class LLMSettings:
    base_url: str = "https://api.openai.com/v1"
    model: str = "gpt-4o-mini"
    api_key: str = field(default="", repr=False)  # only ever from the environment
    chunk_size: int = 10
    concurrency: int = 4
    requests_per_minute: int = 0  # no client-side limit: 429 and Retry-After are honoured
    temperature: float = 0.3
    timeout: float = 30.0  # seconds an endpoint may stay silent (answers stream)
    max_retries: int = 5
    context_comments: int = 5
    existing_tags: int = 200


@dataclass(frozen=True)
class Settings:
    title: str = "海外テックの反応まとめ"
    base_url: str = "https://example.org/"
    language: str = "ja"
    timezone: str = "Asia/Tokyo"
    author: str = "hnmatome"
    description: str = ""
    page_size: int = 100
    home_size: int = 20
    feed_items: int = 50
    # converter
    max_comments: int = 90
    max_replies: int = 30
    min_score: int = 31
    highlight_score: int = 80
    palette: tuple[str, ...] = DEFAULT_PALETTE
    new_posts_draft: bool = True
    tag_aliases: dict[str, str] = field(default_factory=dict)
    llm: LLMSettings = field(default_factory=LLMSettings)
    # anything else under [tool.hnmatome], available to templates as site.params
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def with_overrides(self, **changes: Any) -> Settings:
        return dataclasses.replace(self, **{k: v for k, v in changes.items() if v is not None})


_LLM_ENV = {
    "base_url": "HNMATOME_LLM_BASE_URL",
    "model": "HNMATOME_LLM_MODEL",
    "api_key": "HNMATOME_LLM_API_KEY",
}


def _check_type(path: Path, key: str, value: Any, expected: Any) -> Any:
    kinds = {int: (int,), float: (int, float), str: (str,), bool: (bool,)}
    allowed = kinds.get(type(expected))
    if allowed and (not isinstance(value, allowed) or (expected is not True and
                                                       expected is not False and
                                                       isinstance(value, bool))):
        raise UserError(
            f"[tool.hnmatome] {key} = {value!r} should be a {type(expected).__name__}",
            path,
            hint="fix the value in pyproject.toml or delete the line to use the default",
        )
    return float(value) if isinstance(expected, float) else value


def _llm_settings(path: Path, table: dict[str, Any], env: dict[str, str]) -> LLMSettings:
    defaults = LLMSettings()
    values: dict[str, Any] = {}
    for key, value in table.items():
        if key == "api_key":
            raise UserError(
                "[tool.hnmatome.llm] api_key must not be stored in pyproject.toml",
                path,
                hint="remove it and export HNMATOME_LLM_API_KEY instead",
            )
        if not hasattr(defaults, key):
            raise UserError(f"unknown setting [tool.hnmatome.llm] {key}", path)
        values[key] = _check_type(path, f"llm.{key}", value, getattr(defaults, key))
    for key, var in _LLM_ENV.items():
        if env.get(var):
            values[key] = env[var]
    return dataclasses.replace(defaults, **values)


def settings_from_table(path: Path, table: dict[str, Any], env: dict[str, str]) -> Settings:
    defaults = Settings()
    values: dict[str, Any] = {}
    params: dict[str, Any] = {}
    for key, value in table.items():
        if key == "llm":
            values["llm"] = _llm_settings(path, value, env)
        elif key == "tag_aliases":
            values["tag_aliases"] = {str(k): str(v) for k, v in value.items()}
        elif key == "palette":
            values["palette"] = tuple(str(c) for c in value)
        elif key == "params":
            params.update(value)
        elif hasattr(defaults, key):
            values[key] = _check_type(path, key, value, getattr(defaults, key))
        else:
            params[key] = value
    values.setdefault("llm", _llm_settings(path, {}, env))
    settings = dataclasses.replace(defaults, params=params, **values)
    try:
        settings.tz  # noqa: B018 - validate early, with the file named
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise UserError(f"unknown timezone {settings.timezone!r}", path,
                        hint="use an IANA name such as Asia/Tokyo") from exc
    if settings.page_size < 1:
        raise UserError("page_size must be at least 1", path)
    return settings


def load_settings(root: Path, env: dict[str, str] | None = None) -> Settings:
    """Read `<root>/pyproject.toml`; a missing file or table gives the defaults."""
    env = dict(os.environ) if env is None else env
    path = root / "pyproject.toml"
    if not path.exists():
        return settings_from_table(path, {}, env)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise UserError(f"invalid TOML: {exc}", path) from exc
    table = data.get("tool", {}).get("hnmatome", {})
    return settings_from_table(path, table, env)
