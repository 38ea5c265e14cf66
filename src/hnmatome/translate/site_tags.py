"""The tags a site already uses, most used first, so the title request can prefer them and the tag
list does not grow a new tag per post."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from hnmatome.core.errors import UserError
from hnmatome.core.frontmatter import parse_front_matter
from hnmatome.core.project import Project

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _tags_of(value: Any) -> list[str]:
    if not isinstance(value, list):
        return []
    return [" ".join(tag.split()) for tag in value if isinstance(tag, str) and tag.strip()]


def _post_tags(path: Path) -> list[str]:
    try:
        meta, _, _ = parse_front_matter(path.read_text(encoding="utf-8"), path)
    except (UserError, UnicodeDecodeError, OSError):
        return []  # a broken post is the build's to report, not the translator's
    return _tags_of(meta.get("tags"))


def _thread_tags(path: Path) -> list[str]:
    # Only the head: `comments` comes last and is most of the file, and tags sit above it.
    try:
        text = path.read_text(encoding="utf-8")
    except (UnicodeDecodeError, OSError):
        return []
    head = text.split("\ncomments:", 1)[0]
    try:
        data = yaml.load(head, Loader=_Loader)  # a SafeLoader
    except yaml.YAMLError:
        return []
    return _tags_of(data.get("tags")) if isinstance(data, dict) else []


def count_tags(groups: Iterable[list[str]]) -> Counter[str]:
    counts: Counter[str] = Counter()
    for tags in groups:
        counts.update(dict.fromkeys(tags, 1))  # a tag repeated in one post counts once
    return counts


def most_used_tags(counts: Counter[str], limit: int) -> tuple[str, ...]:
    """Top `limit` tags by use, ties broken by name so the request is reproducible."""
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return tuple(tag for tag, _ in ranked[: max(0, limit)])


def site_tags(project: Project, limit: int) -> tuple[str, ...]:
    posts = sorted(project.posts_dir.glob("**/*.md")) if project.posts_dir.is_dir() else []
    threads = sorted(project.threads_dir.glob("*.yaml")) if project.threads_dir.is_dir() else []
    groups = [_post_tags(path) for path in posts]
    groups += [_thread_tags(path) for path in threads]
    return most_used_tags(count_tags(groups), limit)
