"""The studio's live preview on the ../shared corpus: a curator's change in the studio (hide a
comment, recolour one, edit the Japanese) is written to the thread YAML, converted and rebuilt;
this measures the time from the save request to the live-reload signal that names the post.

    python benchmarks/bench_studio.py [--corpus DIR] [--saves N]

The project is the corpus (as bench_build.py makes it) plus one translated thread of 120
comments, converted into a draft post before the server starts. Target: <= 500 ms.
"""

from __future__ import annotations

import argparse
import http.client
import json
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bench_build import DEFAULT_CORPUS, ROOT, make_project, user_environment

sys.path.insert(0, str(ROOT / "src"))

from hnmatome.core import thread_yaml
from hnmatome.serve.server import DevServer, ServeOptions

THREAD_ID = 46000001
COMMENTS = 120
TOKEN = re.compile(r'<meta name="studio-token" content="([^"]+)">')


def bench_thread() -> dict[str, Any]:
    """A translated thread: every fifth comment top level, the others a reply chain."""
    comments, stack = [], []
    for index in range(COMMENTS):
        depth = 0 if index % 5 == 0 else min(len(stack), 3)
        stack = stack[:depth]
        cid = THREAD_ID + 1 + index
        comments.append({
            "id": cid, "parent": stack[-1] if stack else THREAD_ID, "depth": depth,
            "by": f"user{index % 13}", "time": f"2025-07-01T{index // 60:02d}:{index % 60:02d}:00Z",
            "replies": 0, "text": f"Comment {index}: the decoder fits in two kilobytes.",
            "ja": f"コメント{index}：デコーダーは2KBに収まる。", "score": 100 - index % 90})
        stack.append(cid)
    return {"id": THREAD_ID, "title": "Show HN: A compressor with a 2KB decoder",
            "url": "https://example.com/", "by": "author", "time": "2025-07-01T00:00:00Z",
            "score": 300, "descendants": COMMENTS, "text": "",
            "fetched_at": "2025-07-02T00:00:00Z", "source": "api",
            "title_ja": "2KBのデコーダーで動く圧縮ツール", "tags": ["AI"], "comments": comments}


def call(server: DevServer, method: str, path: str, body: Any = None,
         token: str = "") -> tuple[int, bytes]:
    parts = urlsplit(server.url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    headers = {"Host": parts.netloc}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers |= {"Content-Type": "application/json", "Origin": f"http://{parts.netloc}",
                    "X-Studio-Token": token}
    try:
        connection.request(method, path, body=data, headers=headers)
        answer = connection.getresponse()
        return answer.status, answer.read()
    finally:
        connection.close()


def changes(number: int, comment_ids: list[int]) -> dict[str, Any]:
    """The kinds of change a curator makes, in turn, each one visible in the post (on the
    first comments: all of them are shown)."""
    cid = str(comment_ids[(number * 7) % 30])
    kind = number % 3
    if kind == 0:
        return {cid: {"include": False}}
    if kind == 1:
        return {cid: {"color": f"#{number * 37 % 256:02x}a0b0"}}  # not an automatic colour
    return {cid: {"ja": f"直した訳 {number}"}}


def one_save(server: DevServer, token: str, number: int, post: str) -> tuple[float, float]:
    """Seconds from sending the save to the reload signal that names the post (as a browser
    showing the preview hears it), and to the studio's answer."""
    _, body = call(server, "GET", f"/_studio/api/thread/{THREAD_ID}")
    view = json.loads(body)
    ids = [c["id"] for c in view["comments"]]
    heard: list[float] = []
    listener = threading.Thread(target=listen, args=(server, server.state.epoch, post, heard))
    listener.start()
    started = time.perf_counter()
    status, answer = call(server, "POST", f"/_studio/api/thread/{THREAD_ID}/save",
                          {"base": view["digest"], "comments": changes(number, ids)}, token)
    answered = time.perf_counter() - started
    if status != 200:
        raise SystemExit(f"save refused ({status}): {answer.decode()}")
    listener.join()
    if not heard:
        raise SystemExit(f"save {number}: no rebuild changed {post}")
    return heard[0] - started, answered


def listen(server: DevServer, epoch: int, post: str, heard: list[float]) -> None:
    """Long-poll as the preview's live-reload script does, until a rebuild names `post`."""
    deadline = time.perf_counter() + 20
    while time.perf_counter() < deadline:
        _, waited = call(server, "GET", f"/__hnmatome/wait?epoch={epoch}")
        state = json.loads(waited)
        epoch = state["epoch"]
        if post in state["changed"] or "*" in state["changed"]:
            heard.append(time.perf_counter())
            return


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--saves", type=int, default=9)
    args = parser.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"no corpus at {args.corpus} (it lives in ../shared)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="hnmatome-bench-studio-") as tmp:
        project = make_project(args.corpus, Path(tmp))
        thread_yaml.save(project / "content" / "threads" / f"{THREAD_ID}.yaml", bench_thread())
        subprocess.run([sys.executable, "-m", "hnmatome", "-C", str(project), "convert"],
                       env=user_environment(), check=True, stdout=subprocess.DEVNULL)
        server = DevServer(project, ServeOptions(port=0), log=lambda line: None)
        server.start()
        try:
            token = TOKEN.search(call(server, "GET", "/_studio/")[1].decode()).group(1)
            _, inbox = call(server, "GET", "/_studio/api/inbox")
            post = next(row["preview"] for row in json.loads(inbox)["threads"]
                        if row["id"] == THREAD_ID)
            time.sleep(2.5)  # the first build's watcher settles
            found, answers = [], []
            for number in range(args.saves):
                reload, answer = one_save(server, token, number, post)
                found.append(reload)
                answers.append(answer)
                time.sleep(1.5)  # a curator's pace: the site's rebuild has finished
        finally:
            server.stop()
    print(f"corpus: {args.corpus}; thread of {COMMENTS} comments; post {post}")
    print("studio: save -> reload signal: "
          + ", ".join(f"{seconds * 1000:.0f} ms" for seconds in found)
          + f" (median {statistics.median(found) * 1000:.0f} ms, "
            f"max {max(found) * 1000:.0f} ms; target <= 500 ms)")
    print("studio: save -> its answer (the new view): "
          + ", ".join(f"{seconds * 1000:.0f} ms" for seconds in answers)
          + f" (median {statistics.median(answers) * 1000:.0f} ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
