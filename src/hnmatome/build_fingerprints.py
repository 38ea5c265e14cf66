"""Fingerprints of the outputs that no template makes: feeds, the sitemap, robots.txt and the
code stylesheet (made by Python functions: their fingerprint names what those functions read,
see context_keys.SiteKeys.code_rendered), and copies (a static or bundle file: its digest).
Template outputs are kept or made again by their quick keys (context_keys.py) alone."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hnmatome.context_keys import BODY_TAKERS
from hnmatome.fingerprint import code_fingerprint, digest_bytes
from hnmatome.plan import Output

if TYPE_CHECKING:
    from hnmatome.output_work import Work


def takes_bodies(output: Output) -> bool:
    return output.kind in BODY_TAKERS and not output.term


def of_code_rendered(work: Work, output: Output) -> bytes:
    key = work.keys.code_rendered(output, work.bodies)
    if key is None:  # a kind this module does not know: never kept
        return b""
    return digest_bytes(b"code", code_fingerprint(), key.encode())


def of_copy(output: Output, digest: str) -> bytes:
    return digest_bytes(b"copy", output.path.encode(), bytes.fromhex(digest))
