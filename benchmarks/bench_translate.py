"""Time a full translation of large threads against the fake LLM server (tests/fake_llm.py).

    .venv/bin/python benchmarks/bench_translate.py [--comments 150] [--threads 3]
        [--latency 0.5] [--chunk-size 10] [--concurrency 4]

The fake answers after `--latency` seconds, like a (fast) real model. Prints wall time, the
ideal time the latency alone allows (requests / concurrency x latency), the tool's own overhead
per chunk (merging into the file on disk and saving it), and how long collecting the site's
existing tags takes over the ../shared corpus when it is there.
"""

from __future__ import annotations

import argparse
import math
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))
sys.path[:0] = [str(REPO / "tests"), str(REPO / "tests" / "translate")]

from fake_llm import FakeLLM  # noqa: E402
from translate_support import make_project, run, sample_thread  # noqa: E402

from hnmatome.core import thread_yaml  # noqa: E402
from hnmatome.core.project import Project  # noqa: E402
from hnmatome.core.settings import Settings  # noqa: E402
from hnmatome.translate.site_tags import site_tags  # noqa: E402

CORPUS = REPO.parent / "shared" / "corpus" / "kaigai-matome"
LONG_TEXT = ("I have been running this in production for two years and the main lesson is that "
             "the boring parts matter more than the clever ones: backups, upgrades, and on-call. "
             "See https://example.com/postmortem for the details. ") * 3


def big_thread(thread_id: int, comments: int) -> dict:
    thread = sample_thread(thread_id=thread_id, comments=comments)
    for comment in thread["comments"]:
        comment["text"] = f"{comment['id']}: {LONG_TEXT}"
    return thread


def save_cost(path: Path, repeats: int = 5) -> float:
    """Seconds for one reload + save of the thread file (what each accepted chunk costs)."""
    started = time.perf_counter()
    for _ in range(repeats):
        thread_yaml.save(path, thread_yaml.load(path))
    return (time.perf_counter() - started) / repeats


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--comments", type=int, default=150)
    parser.add_argument("--threads", type=int, default=3)
    parser.add_argument("--latency", type=float, default=0.5)
    parser.add_argument("--chunk-size", type=int, default=10)
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()
    with FakeLLM() as fake, tempfile.TemporaryDirectory() as tmp:
        fake.latency = args.latency
        threads = [big_thread(10_000 * (n + 1), args.comments) for n in range(args.threads)]
        project = make_project(Path(tmp), fake.url, threads=threads, chunk_size=args.chunk_size,
                               concurrency=args.concurrency, timeout=30.0)
        started = time.perf_counter()
        summary = run(project)
        wall = time.perf_counter() - started
        requests = len(fake.seen)
        ideal = math.ceil(requests / args.concurrency) * args.latency
        per_save = save_cost(project.thread_path(threads[0]["id"]))
        size = project.thread_path(threads[0]["id"]).stat().st_size
    assert summary.ok, summary.lines()
    print(f"{args.threads} threads x {args.comments} comments, chunk {args.chunk_size}, "
          f"concurrency {args.concurrency}, latency {args.latency}s")
    print(f"requests: {requests}, max in flight: {fake.max_in_flight}")
    print(f"wall: {wall:.2f}s; latency-bound ideal: {ideal:.2f}s; "
          f"overhead: {wall - ideal:.2f}s ({(wall - ideal) / max(1, requests) * 1000:.0f} ms "
          "per request)")
    print(f"reload + save of one {size / 1024:.0f} KB thread file: {per_save * 1000:.1f} ms")
    if (CORPUS / "posts").is_dir():
        with tempfile.TemporaryDirectory() as tmp:
            (Path(tmp) / "content").mkdir()
            (Path(tmp) / "content" / "posts").symlink_to(CORPUS / "posts")
            started = time.perf_counter()
            tags = site_tags(Project(Path(tmp), Settings()), 200)
            posts = sum(1 for _ in (CORPUS / "posts").glob("**/*.md"))
        print(f"existing tags over the corpus ({posts} posts): "
              f"{time.perf_counter() - started:.2f}s, top 5: {', '.join(tags[:5])}")


if __name__ == "__main__":
    main()
