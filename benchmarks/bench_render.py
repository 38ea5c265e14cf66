"""Time loading and rendering every post body of a Hugo content tree (default: ../shared corpus).

    .venv/bin/python benchmarks/bench_render.py [CONTENT_DIR] [--repeat N] [--profile N]

Prints wall and CPU time for load_content and for PageRenderer.render over all pages (CPU time
is the steadier figure on a shared machine; with --repeat the best of N renders is kept),
comment cards and MB of HTML.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from hnmatome.core.settings import Settings  # noqa: E402
from hnmatome.site.content import SourcePage, load_content  # noqa: E402
from hnmatome.site.markup.shortcodes import PageRenderer  # noqa: E402

DEFAULT_CONTENT = REPO.parent / "shared" / "corpus" / "kaigai-matome"


class StubContext:
    """Every ref resolves; list gets a few fixed posts (the site stage is not measured here)."""

    def ref(self, target: str, page: SourcePage) -> str:
        return target

    def latest_posts(self, limit: int) -> Sequence[Mapping[str, Any]]:
        return [{"title": f"post {n}", "url": f"/posts/{n}/", "date": None} for n in range(limit)]

    def timezone(self) -> str:
        return "Asia/Tokyo"


def _timed(label: str, action: Any) -> tuple[Any, float]:
    """(result, CPU seconds) of action(), printing wall and CPU time."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = action()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"{label}: {wall:.2f} s wall, {cpu:.2f} s CPU")
    return result, cpu


def _render_all(renderer: PageRenderer, pages: list[SourcePage],
                context: StubContext) -> list[Any]:
    return [renderer.render(page, context) for page in pages]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("content", nargs="?", type=Path, default=DEFAULT_CONTENT)
    parser.add_argument("--repeat", type=int, default=1, metavar="N",
                        help="render N times and report the fastest (noise on a shared machine)")
    parser.add_argument("--profile", type=int, default=0, metavar="N",
                        help="profile rendering and print the N costliest functions")
    args = parser.parse_args()
    if not args.content.is_dir():
        print(f"no content directory at {args.content}", file=sys.stderr)
        return 1
    settings = Settings()
    pages, _ = _timed(f"load {args.content}", lambda: load_content(args.content, settings))
    renderer = PageRenderer(REPO / "templates")
    context = StubContext()
    profiler = cProfile.Profile() if args.profile else None
    if profiler:
        profiler.enable()
    runs = [_timed(f"render {len(pages)} pages", lambda: _render_all(renderer, pages, context))
            for _ in range(max(args.repeat, 1))]
    bodies = min(runs, key=lambda run: run[1])[0]
    if len(runs) > 1:
        print(f"best of {len(runs)}: {min(cpu for _, cpu in runs):.2f} s CPU")
    if profiler:
        profiler.disable()
        pstats.Stats(profiler).sort_stats("tottime").print_stats(args.profile)
    cards = sum(body.comment_count for body in bodies)
    size = sum(len(body.html.encode()) for body in bodies) / 1e6
    print(f"{cards} comment cards, {size:.1f} MB of HTML, "
          f"{sum(len(p.body) for p in pages) / 1e6:.1f} M characters of markdown")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
