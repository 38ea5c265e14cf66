"""How long `hnmatome fetch` takes for a 1,000-comment thread with 50 ms latency per request.

The fake HN server (tests/fake_hn.py) runs in a separate process, as the real one is on another
machine: sharing a process would make the client wait for the server's threads on the GIL and
measure that instead. The full pipeline is timed: API tree fetch, text conversion, merge, YAML
write, queue update.

    .venv/bin/python benchmarks/bench_fetch.py [--comments 1000] [--latency 0.05] [--runs 3]
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import sys
import tempfile
import time
from multiprocessing.connection import Connection
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "tests")]

from fake_hn import FakeHN, synthetic_thread  # noqa: E402

from hnmatome.core.project import Project  # noqa: E402
from hnmatome.core.settings import Settings  # noqa: E402
from hnmatome.hn.fetch import FetchOptions, run_fetch  # noqa: E402

BUDGET_SECONDS = 3.0
STORY_ID = 40_000_000


def serve(conn: Connection, comments: int, latency: float) -> None:
    with FakeHN(synthetic_thread(STORY_ID, comments, seed=7), latency=latency) as hn:
        conn.send(hn.api_base)
        while (command := conn.recv()) != "stop":
            if command == "stats":
                conn.send((len(hn.stats.paths), hn.stats.max_in_flight,
                           len(hn.stats.connections), time.process_time()))
                hn.stats.paths.clear()
                hn.stats.connections.clear()
                hn.stats.max_in_flight = 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--comments", type=int, default=1000)
    parser.add_argument("--latency", type=float, default=0.05, help="seconds per request")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    ours, theirs = multiprocessing.Pipe()
    server = multiprocessing.Process(target=serve, args=(theirs, args.comments, args.latency),
                                     daemon=True)
    server.start()
    api_base = ours.recv()
    options = FetchOptions(api_base=api_base, concurrency=args.concurrency)
    times: list[float] = []
    ours.send("stats")
    server_cpu_before = ours.recv()[3]
    try:
        with tempfile.TemporaryDirectory() as tmp:
            project = Project(Path(tmp), Settings())
            for run in range(1, args.runs + 1):
                started = time.perf_counter()
                cpu = time.process_time()
                [result] = run_fetch(project, [STORY_ID], options)
                elapsed = time.perf_counter() - started
                cpu = time.process_time() - cpu
                ours.send("stats")
                requests, in_flight, connections, server_cpu = ours.recv()
                server_cpu, server_cpu_before = server_cpu - server_cpu_before, server_cpu
                if not result.ok:
                    print(f"run {run}: FAILED {result.error}")
                    return 1
                kind = "new file" if result.stats is None else "re-fetch + merge"
                print(f"run {run}: {elapsed:.2f} s wall, {cpu:.2f} s CPU "
                      f"(server {server_cpu:.2f} s),"
                      f" {result.comments} "
                      f"comments, {requests} requests, max {in_flight} in flight over "
                      f"{connections} connections ({kind})")
                times.append(elapsed)
    finally:
        ours.send("stop")
        server.join(5)
    best, median = min(times), statistics.median(times)
    verdict = "OK" if median < BUDGET_SECONDS else "OVER BUDGET"
    print(f"fetch of {args.comments} comments at {args.latency * 1000:.0f} ms/request, "
          f"concurrency {args.concurrency}: best {best:.2f} s, median {median:.2f} s "
          f"(budget {BUDGET_SECONDS:.0f} s: {verdict})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
