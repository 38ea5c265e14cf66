"""Which feature images are chosen by the tool rather than by a person: `convert` replaces them
with the post's share card, and the site shows only a person's image as a post's hero."""

from __future__ import annotations

import posixpath

CARD_NAME = "card.png"  # the share card, in the post's bundle folder
AUTOMATIC_DIR = "thumbnails"  # the gradients older posts were given, under static/


def is_automatic_image(value: str) -> bool:
    """True for what convert chooses by itself: nothing, a `thumbnails/` gradient, the card."""
    image = posixpath.normpath(value.strip().lstrip("/")) if value.strip() else ""
    if image in ("", ".", CARD_NAME):
        return True
    folder, _, name = image.partition("/")
    return folder == AUTOMATIC_DIR and "/" not in name
