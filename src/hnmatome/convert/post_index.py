"""The posts already under content/posts/: which thread each was made from (`hnid`), whether
`convert` wrote it and whether it was edited by hand since. Read-only."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hnmatome.convert.post_format import INPUT_HASH_KEY, output_hash, recorded_output_hash
from hnmatome.core.errors import UserError
from hnmatome.core.frontmatter import parse_front_matter
from hnmatome.core.stat_cache import StatCache

_HEAD_BYTES = 4096  # front matter is a few hundred bytes; read more only when it is not


@dataclass(frozen=True)
class ExistingPost:
    path: Path
    hnid: int | None
    draft: bool
    convert_input: str  # '' when convert did not write it
    convert_output: str  # '' when convert did not write it
    featureimage: str


@dataclass(frozen=True)
class PostIndex:
    posts: tuple[ExistingPost, ...]
    unreadable: tuple[Path, ...] = ()
    by_hnid: dict[int, list[ExistingPost]] = field(default_factory=dict)

    def for_thread(self, item_id: int) -> list[ExistingPost]:
        return self.by_hnid.get(item_id, [])


def scan_posts(posts_dir: Path, cache: StatCache | None = None) -> PostIndex:
    cache = cache or StatCache(None)
    posts: list[ExistingPost] = []
    unreadable: list[Path] = []
    for path in _markdown_files(posts_dir):
        fields = cache.get("post", path, _post_fields)
        if fields is None:
            unreadable.append(path)  # the site build reports it; here it only holds its folder
        else:
            posts.append(ExistingPost(path=path, **fields))
    by_hnid: dict[int, list[ExistingPost]] = {}
    for post in posts:
        if post.hnid is not None:
            by_hnid.setdefault(post.hnid, []).append(post)
    return PostIndex(tuple(posts), tuple(unreadable), by_hnid)


def _post_fields(path: Path) -> dict[str, Any] | None:
    try:
        post = read_post(path)
    except (UserError, OSError, UnicodeDecodeError):
        return None
    fields = dataclasses.asdict(post)
    del fields["path"]
    return fields


def _markdown_files(posts_dir: Path) -> Iterator[Path]:
    if posts_dir.is_dir():
        yield from sorted(p for p in posts_dir.rglob("*.md") if p.is_file())


def read_post(path: Path) -> ExistingPost:
    meta = _front_matter(path)
    hnid = meta.get("hnid")
    return ExistingPost(
        path=path,
        hnid=hnid if isinstance(hnid, int) and not isinstance(hnid, bool) else None,
        draft=meta.get("draft") is True,
        convert_input=str(meta.get(INPUT_HASH_KEY) or ""),
        convert_output=recorded_output_hash(meta),
        featureimage=str(meta.get("featureimage") or ""),
    )


def _front_matter(path: Path) -> dict[str, object]:
    with path.open("rb") as handle:
        head = handle.read(_HEAD_BYTES)
    try:
        meta, _, _ = parse_front_matter(head.decode("utf-8", errors="ignore"), path)
    except UserError:
        if len(head) < _HEAD_BYTES:
            raise
        meta, _, _ = parse_front_matter(path.read_text(encoding="utf-8"), path)
    return meta


def written_by_convert_unchanged(post: ExistingPost) -> bool:
    """True when the file is exactly what `convert` last wrote there (not edited by hand)."""
    if not post.convert_output:
        return False
    try:
        text = post.path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    return output_hash(text) == post.convert_output
