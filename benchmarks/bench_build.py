"""Build the ../shared corpus in a throwaway project and report wall time, pages/s, peak RSS.

    python benchmarks/bench_build.py [--corpus DIR] [--runs N]

Each build runs in a fresh `hnmatome build` process (what a user runs), so its peak RSS is
read with getrusage(RUSAGE_CHILDREN). Run 1 is a cold build into an empty public/; later runs
rebuild over the previous output."""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "kaigai-matome" / "posts"
REPORT = re.compile(r"built (\d+) pages \((\d+) files\) into .* in ([\d.]+) s")


def make_project(corpus: Path, where: Path) -> Path:
    project = where / "site"
    (project / "content").mkdir(parents=True)
    shutil.copytree(corpus, project / "content" / "posts")
    shutil.copytree(ROOT / "templates", project / "templates")
    shutil.copytree(ROOT / "static", project / "static")
    shutil.copy2(ROOT / "pyproject.toml", project / "pyproject.toml")
    return project


def build_once(project: Path) -> tuple[float, int, int, float, int]:
    """(wall seconds, pages, files, seconds the build itself reported, peak RSS in KB)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "hnmatome.cli", "-C", str(project), "build"],
                            capture_output=True, text=True, env=env, check=False)
    wall = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"build failed:\n{result.stderr}")
    found = REPORT.search(result.stdout)
    if not found:
        raise SystemExit(f"unexpected output: {result.stdout!r}")
    # RUSAGE_CHILDREN holds the largest child so far; every run is the same command.
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return wall, int(found.group(1)), int(found.group(2)), float(found.group(3)), peak


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"no corpus at {args.corpus} (it lives in ../shared)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="hnmatome-bench-") as tmp:
        project = make_project(args.corpus, Path(tmp))
        posts = sum(1 for _ in (project / "content" / "posts").rglob("*.md"))
        print(f"corpus: {posts} posts from {args.corpus}")
        print(f"{'run':<10}{'wall s':>8}{'build s':>9}{'pages':>7}{'files':>7}"
              f"{'pages/s':>9}{'files/s':>9}{'peak RSS':>10}")
        for run in range(1, args.runs + 1):
            wall, pages, files, inner, peak = build_once(project)
            label = "cold" if run == 1 else f"rebuild {run - 1}"
            print(f"{label:<10}{wall:>8.2f}{inner:>9.2f}{pages:>7}{files:>7}"
                  f"{pages / wall:>9.1f}{files / wall:>9.0f}{peak / 1024:>8.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
