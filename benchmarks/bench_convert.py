"""Time `convert` and `status` on a made-up project the size of the reference blog.

    python benchmarks/bench_convert.py [--threads 1179] [--comments 150]

Reports: converting every thread into a post (cold), the no-change check `build` runs before
each build, converting after one thread changed, and `status`. Threads are synthetic (Japanese
bodies of corpus-like length, with URLs, code and quotes), so no ../shared is needed.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from hnmatome.convert import run as convert_module  # noqa: E402
from hnmatome.convert.run import convert_changed  # noqa: E402
from hnmatome.convert.status import collect_status  # noqa: E402
from hnmatome.core import thread_yaml  # noqa: E402
from hnmatome.core.project import open_project  # noqa: E402

PHRASES = ("これは面白い視点だと思う。", "実際に使ってみたけど、",
           "https://example.com/a_b?x=1&y=2 ", "`code \"x\"` を見て", "**強調**もある。",
           "＞引用された文", "\n", "LLMの話になると",
           "コストが問題だよね。", "it's -- fine... ", "<script>alert(1)</script> ")


def make_thread(item_id: int, comments: int, rng: random.Random) -> dict:
    items = []
    parents = [item_id]
    for index in range(comments):
        depth = 0 if rng.random() < 0.3 else min(len(parents) - 1, rng.randint(1, 4))
        parents = parents[:depth + 1]
        cid = item_id * 1000 + index + 1
        body = "".join(rng.choice(PHRASES) for _ in range(rng.randint(4, 14)))
        items.append({"id": cid, "parent": parents[-1], "depth": depth, "by": f"user{index}",
                      "time": "2025-02-10T08:38:56Z", "replies": rng.randint(0, 5),
                      "text": "original english text " * 5, "ja": body,
                      "score": rng.randint(0, 100)})
        parents.append(cid)
    return {"id": item_id, "title": f"Thread number {item_id} about things", "url": "",
            "by": "poster", "time": "2025-02-10T08:38:56Z", "score": 100,
            "descendants": comments, "text": "", "fetched_at": "2025-02-11T00:00:00Z",
            "source": "api", "title_ja": f"スレッド{item_id}", "tags": ["AI", "生成AI"],
            "comments": items}


def timed(label: str, action, threads: int) -> None:
    started = time.perf_counter()
    result = action()
    seconds = time.perf_counter() - started
    extra = ""
    if hasattr(result, "written"):
        extra = f" ({len(result.written)} written, {len(result.unchanged)} up to date)"
    print(f"{label:<34} {seconds:7.2f} s  {threads / seconds:8.0f} threads/s{extra}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=1179)
    parser.add_argument("--comments", type=int, default=150)
    parser.add_argument("--serial", action="store_true", help="no worker processes")
    args = parser.parse_args()
    rng = random.Random(1)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        threads_dir = root / "content" / "threads"
        threads_dir.mkdir(parents=True)
        (root / "static" / "thumbnails").mkdir(parents=True)
        (root / "static" / "thumbnails" / "blue.jpg").write_bytes(b"x")
        for n in range(args.threads):
            item_id = 40_000_000 + n
            text = thread_yaml.dumps(make_thread(item_id, args.comments, rng))
            (threads_dir / f"{item_id}.yaml").write_text(text, encoding="utf-8")
        size = sum(p.stat().st_size for p in threads_dir.iterdir()) / 1e6
        print(f"{args.threads} threads x {args.comments} comments, {size:.0f} MB of YAML")
        project = open_project(root)
        if args.serial:
            convert_module.PARALLEL_FROM = 10**9
        timed("convert (cold, every post)", lambda: convert_changed(project), args.threads)
        timed("convert (nothing changed)", lambda: convert_changed(project), args.threads)
        time.sleep(2.1)  # files younger than 2 s are never taken from the stat cache
        timed("convert (nothing changed, cached)", lambda: convert_changed(project),
              args.threads)
        changed = threads_dir / "40000000.yaml"
        changed.write_text(changed.read_text(encoding="utf-8") + "\n", encoding="utf-8")
        timed("convert (one thread changed)", lambda: convert_changed(project), args.threads)
        timed("status (first run, parses all)", lambda: collect_status(project), args.threads)
        timed("status (cached summaries)", lambda: collect_status(project), args.threads)


if __name__ == "__main__":
    main()
