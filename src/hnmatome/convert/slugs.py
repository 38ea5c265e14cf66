"""Where a thread's post lives: `<YYYY_MM>/<YYYY_MM_DD>_<slug>/index.md` under content/posts/."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

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
