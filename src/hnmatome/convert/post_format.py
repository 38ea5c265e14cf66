"""A curated thread (the YAML, as a dict) as the text of a Hugo-format matome post. Pure.

The format is the reference blog's: TOML front matter, `> title`, the HN link, one
`{{<matomeQuote …>}}` per comment (the first 30 visible, the rest in `details` folds of 30), and
a link back to the post list. Two front-matter keys are ours (Hugo ignores them):
`convert_input`, a fingerprint of what the post was made from, and `convert_output`, a hash of
the post as written, so a later edit by hand is noticed and never overwritten.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import tomli_w

from hnmatome.convert.curation import (
    SelectedComment,
    normalize_tags,
    parse_comments,
    rules_for,
    select_comments,
)
from hnmatome.convert.notices import Notice, missing_text
from hnmatome.convert.safe_markdown import encode_inline, encode_param, normalize_text
from hnmatome.core.errors import UserError
from hnmatome.core.settings import Settings

# Bump when the post text a given input produces changes, so `convert` redoes every post.
# 2: `createdAt` in UTC as 'YYYY-MM-DDThh:mm:ss' (it was the site timezone, which the renderer,
# like the reference blog, reads as UTC).
FORMAT_VERSION = "2"
CREATED_AT_FORMAT = "%Y-%m-%dT%H:%M:%S"  # UTC, no offset: the reference blog's createdAt
FOLD_SIZE = 30
OUTPUT_HASH_KEY = "convert_output"
INPUT_HASH_KEY = "convert_input"
FOLD_SUMMARY = "もっとコメントを表示（{}）"
SOURCE_LABEL = "引用元："
POST_LIST_LINK = '[記事一覧へ]({{% ref "/posts/" %}})'
_OUTPUT_HASH_LINE = re.compile(rf'^{OUTPUT_HASH_KEY} = "[0-9a-f]*"\n', re.MULTILINE)


@dataclass(frozen=True)
class Post:
    hnid: int
    rel_path: str  # relative to content/posts/, e.g. '2025_02/2025_02_10_slug/index.md'
    folder: str
    title: str
    draft: bool
    text: str
    comment_count: int
    warnings: tuple[Notice, ...] = ()  # about the thread file; the post is written all the same
    tags: tuple[str, ...] = ()
    card: bytes = b""  # the share card (PNG) when featureimage names it; convert/run.py draws it


def hn_item_url(item_id: int) -> str:
    return f"https://news.ycombinator.com/item?id={item_id}"


def input_fingerprint(yaml_digest: str, settings: Settings) -> str:
    """What a post depends on: the thread file (its sha256), the settings the converter reads,
    the format."""
    relevant = [
        FORMAT_VERSION, yaml_digest, settings.max_comments, settings.max_replies,
        settings.min_score, settings.highlight_score, list(settings.palette), settings.timezone,
        sorted(settings.tag_aliases.items()),
    ]
    encoded = json.dumps(relevant, ensure_ascii=False).encode("utf-8")
    return hashlib.sha256(encoded).hexdigest()[:16]


def content_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def output_hash(text: str) -> str:
    """The hash of a post's text, leaving out the line that records it."""
    return hashlib.sha256(_OUTPUT_HASH_LINE.sub("", text, count=1).encode("utf-8")).hexdigest()[:16]


def rehash_output(text: str) -> str:
    """`text` with its recorded `convert_output` hash made current (after a line edit)."""
    return _OUTPUT_HASH_LINE.sub(f'{OUTPUT_HASH_KEY} = "{output_hash(text)}"\n', text, count=1)


def recorded_output_hash(front_matter: Mapping[str, Any]) -> str:
    value = front_matter.get(OUTPUT_HASH_KEY)
    return value if isinstance(value, str) else ""


def format_post(thread: Mapping[str, Any], settings: Settings, *, path: Path,
                featureimage: str, draft: bool, input_hash: str) -> Post:
    """The post for `thread` (read from `path`, named in errors)."""
    item_id = thread["id"]
    tz = settings.tz
    day, date_text = post_date(thread, tz, path)
    title = _title(thread)
    slug = thread_slug(item_id, str(thread.get("title") or ""), _optional_str(thread, "slug", path))
    folder = post_folder(day, slug)
    comments = parse_comments(thread.get("comments") or [], path)
    selected = select_comments(comments, rules_for(thread, settings, path))
    tags = normalize_tags(_tags(thread, path), settings.tag_aliases)
    meta: dict[str, Any] = {
        "date": date_text,
        "months": f"{day:%Y/%m}",
        "draft": draft,
        "title": title,
        "tags": tags,
        "featureimage": featureimage,
        "hnid": item_id,
        INPUT_HASH_KEY: input_hash,
    }
    body = format_body(item_id, title, selected, path)
    text = f"+++\n{tomli_w.dumps(meta)}{OUTPUT_HASH_KEY} = \"\"\n+++\n\n{body}"
    text = text.replace(f'{OUTPUT_HASH_KEY} = ""\n', f'{OUTPUT_HASH_KEY} = "{output_hash(text)}"\n')
    return Post(hnid=item_id, rel_path=post_rel_path(day, folder), folder=folder, title=title,
                draft=draft, text=text, comment_count=len(selected),
                warnings=tuple(missing_text(comments, item_id, path)), tags=tuple(tags))


def format_body(item_id: int, title: str, selected: Sequence[SelectedComment],
                path: Path) -> str:
    url = hn_item_url(item_id)
    blocks = [f"> {encode_inline(' '.join(title.split()))}", f"{SOURCE_LABEL}[{url}]({url})"]
    quotes = [comment_shortcode(s, path) for s in selected]
    blocks.extend(quotes[:FOLD_SIZE])
    for number, start in enumerate(range(FOLD_SIZE, len(quotes), FOLD_SIZE), start=1):
        summary = FOLD_SUMMARY.format(number)
        blocks.append(f'{{{{< details summary="{summary}">}}}}')
        blocks.extend(quotes[start:start + FOLD_SIZE])
        blocks.append("{{</details>}}")
    blocks.append(POST_LIST_LINK)
    return "\n\n".join(blocks) + "\n"


def comment_shortcode(selected: SelectedComment, path: Path) -> str:
    comment = selected.comment
    created = created_at(comment.time, path, comment.id)
    return (f'{{{{<matomeQuote body="{encode_inline(comment.body)}" '
            f'userName="{encode_param(comment.by)}" createdAt="{created}" '
            f'color="{encode_param(selected.color)}" depth="{selected.depth}">}}}}')


def post_date(thread: Mapping[str, Any], tz: ZoneInfo, path: Path) -> tuple[date, str]:
    """The post's day in the site timezone and its front-matter `date` ('YYYY-MM-DDTHH:MM:SS').

    The curator's `date` wins ('YYYY-MM-DD' or an ISO time); else the day the thread was posted,
    at midnight as the reference blog writes it."""
    override = thread.get("date")
    if override not in (None, ""):
        text = str(override).strip()
        try:
            if len(text) == 10:
                day = date.fromisoformat(text)
                return day, f"{day.isoformat()}T00:00:00"
            moment = _to_zone(datetime.fromisoformat(text), tz)
        except ValueError as exc:
            raise UserError(f"`date: {override!r}` is not a date", path,
                            hint="write it as 2025-02-10 or 2025-02-10T09:30:00") from exc
        return moment.date(), moment.strftime("%Y-%m-%dT%H:%M:%S")
    posted = _parse_time(thread.get("time"), path, "the thread's `time`")
    day = posted.astimezone(tz).date()
    return day, datetime.combine(day, time()).strftime("%Y-%m-%dT%H:%M:%S")


def _to_zone(moment: datetime, tz: ZoneInfo) -> datetime:
    return moment.replace(tzinfo=tz) if moment.tzinfo is None else moment.astimezone(tz)


def _parse_time(value: Any, path: Path, what: str) -> datetime:
    try:
        moment = datetime.fromisoformat(str(value).strip())
    except ValueError as exc:
        raise UserError(f"{what} {value!r} is not an ISO time", path,
                        hint="write it like 2025-02-10T08:38:56Z (UTC), or add a `date:`") from exc
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def created_at(value: str, path: Path, comment_id: int) -> str:
    """A comment's `time` (ISO 8601; UTC when it has no offset) as its `createdAt`: UTC,
    'YYYY-MM-DDThh:mm:ss', as the reference blog writes it and the renderer reads it."""
    if not value:
        return ""
    moment = _parse_time(value, path, f"comment {comment_id}: `time`")
    return moment.astimezone(UTC).strftime(CREATED_AT_FORMAT)


def _title(thread: Mapping[str, Any]) -> str:
    for key in ("title_ja", "title"):
        value = thread.get(key)
        if isinstance(value, str) and normalize_text(value):
            return " ".join(normalize_text(value).split())
    return f"HN {thread['id']}"


def _optional_str(thread: Mapping[str, Any], key: str, path: Path) -> str | None:
    value = thread.get(key)
    if value is None or isinstance(value, str):
        return value
    raise UserError(f"`{key}: {value!r}` should be text", path)


def _tags(thread: Mapping[str, Any], path: Path) -> list[Any]:
    tags = thread.get("tags")
    if tags is None:
        return []
    if isinstance(tags, str):
        return [t for t in re.split(r"[,、]", tags) if t.strip()]
    if not isinstance(tags, list) or any(isinstance(t, (dict, list)) for t in tags):
        raise UserError("`tags` should be a list of words", path, hint="e.g. tags: [AI, Rust]")
    return tags


# --------------------------------------------------------------------------- where a post lives
# `<YYYY_MM>/<YYYY_MM_DD>_<slug>/index.md` under content/posts/.

MAX_SLUG_WORDS = 8
_APOSTROPHES = re.compile(r"(?<=[a-z0-9])['’](?=[a-z])")
_WORD = re.compile(r"[a-z0-9]+")


def slugify(title: str, max_words: int = MAX_SLUG_WORDS) -> str:
    """Lower-case ASCII words of `title` joined by `_` ('' when there are none).

    Accents are folded (`Café` -> `cafe`) and apostrophes dropped (`Don't` -> `dont`), so the
    slug reads like the title; anything else non-ASCII (Japanese) is left out."""
    folded = unicodedata.normalize("NFKD", title)
    ascii_title = folded.encode("ascii", "ignore").decode("ascii").lower()
    ascii_title = _APOSTROPHES.sub("", ascii_title)
    return "_".join(_WORD.findall(ascii_title)[:max_words])


def thread_slug(item_id: int, title: str, override: str | None = None) -> str:
    """The slug of a thread's post: the curator's `slug`, else from the English title, else
    `hn_<id>` (an all-Japanese or empty title)."""
    if override:
        slug = slugify(override, max_words=32)
        if slug:
            return slug
    return slugify(title) or f"hn_{item_id}"


def post_folder(day: date, slug: str) -> str:
    return f"{day:%Y_%m_%d}_{slug}"


def post_rel_path(day: date, folder: str) -> str:
    """Path of the post relative to content/posts/ (posix)."""
    return f"{day:%Y_%m}/{folder}/index.md"
