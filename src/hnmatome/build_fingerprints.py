"""The fingerprint of each output: a digest of everything its bytes are made from.

- Template outputs: the template files and the parts of the context the templates read
  (fingerprint.TemplateUse), computed from the same `render.template_context` the render uses.
- Posts and pages: the same, with the rendered body standing in as its digest (the body
  cache knows it without rendering), plus that digest itself.
- Feeds, sitemap, robots.txt and the code stylesheet are made by Python, not templates: their
  fingerprints name what those functions read, generously (a site feed depends on every post,
  although it shows the newest fifty).
- Copies (static files, bundle files): the source file's digest.
Every fingerprint includes the code's, so a new hnmatome never reuses an old output. A value
that cannot be fingerprinted gives a fingerprint that never matches: always rendered."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from .build_cache import BodyRecord
from .context_keys import BODY_TAKERS
from .fingerprint import Unfingerprintable, code_fingerprint, digest_bytes
from .plan import Output
from .render import CODE_RENDERED, template_context

if TYPE_CHECKING:
    from .render_pool import Work



def takes_bodies(output: Output) -> bool:
    return output.kind in BODY_TAKERS


def of_page(work: Work, output: Output, body: BodyRecord) -> bytes:
    from .shortcodes import RenderedBody

    marker = f"<!--body {body.digest.hex()}-->"
    stand_in = RenderedBody(html=marker, text=marker, comment_count=body.stats.comment_count,
                            first_comment=marker)
    name, context = template_context(output, work.site, stand_in)
    return _templated(work, output, name, context, body.digest)


def of_output(work: Work, output: Output) -> bytes:
    if output.kind in CODE_RENDERED:
        return _code_rendered(work, output)
    name, context = template_context(output, work.site)
    return _templated(work, output, name, context, b"")


def of_copy(output: Output, digest: str) -> bytes:
    return digest_bytes(b"copy", output.path.encode(), bytes.fromhex(digest))


def _templated(work: Work, output: Output, name: str, context: dict[str, Any],
               extra: bytes) -> bytes:
    try:
        read = work.analysis.use(name).context_digest(context, work.digester)
        return digest_bytes(b"template", code_fingerprint(), work.digester.of(output),
                            read, extra)
    except Unfingerprintable:
        return _never()


def _code_rendered(work: Work, output: Output) -> bytes:
    key = work.keys.code_rendered(output, work.bodies)
    if key is None:
        return _never()
    return digest_bytes(b"code", code_fingerprint(), key.encode())


def _never() -> bytes:
    return os.urandom(16)
