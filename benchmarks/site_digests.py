"""Digests of every file of a clean build, to prove a change of the code leaves the site the same
byte for byte.

    python benchmarks/site_digests.py record corpus benchmarks/digests/corpus.txt.gz
    python benchmarks/site_digests.py compare corpus benchmarks/digests/corpus.txt.gz
    python benchmarks/site_digests.py compare sample benchmarks/digests/sample.txt.gz

`corpus` builds the posts of ../shared/corpus with this repository's templates, static files and
settings in a throwaway project; `sample` builds this repository's own content/. Each is a clean
build (`--clean`) into a fresh folder; `--search` includes the Pagefind index. `compare` prints
every file that is missing, extra or different, and exits 1 if there is any.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "kaigai-matome" / "posts"


def make_project(which: str, where: Path) -> Path:
    project = where / "site"
    if which == "sample":
        shutil.copytree(ROOT / "content", project / "content")
    else:
        if not CORPUS.is_dir():
            raise SystemExit(f"no corpus at {CORPUS} (it lives in ../shared)")
        (project / "content").mkdir(parents=True)
        shutil.copytree(CORPUS, project / "content" / "posts")
    shutil.copytree(ROOT / "templates", project / "templates")
    shutil.copytree(ROOT / "static", project / "static")
    shutil.copy2(ROOT / "pyproject.toml", project / "pyproject.toml")
    return project


def build(project: Path, search: bool) -> Path:
    out = project / "public"
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    command = [sys.executable, "-m", "hnmatome.cli", "-C", str(project), "build", "--clean",
               "--no-convert", "-q", "--out", str(out)]
    if not search:
        command.append("--no-search")
    subprocess.run(command, check=True, env=env)
    return out


def digests(folder: Path) -> dict[str, str]:
    found = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            rel = path.relative_to(folder).as_posix()
            found[rel] = hashlib.blake2b(path.read_bytes(), digest_size=12).hexdigest()
    return found


def read_list(path: Path) -> dict[str, str]:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return dict(line.rstrip("\n").split("\t", 1)[::-1] for line in handle if line.strip())


def write_list(path: Path, found: dict[str, str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # mtime=0: the same digests make the same file
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as handle:
        handle.write("".join(f"{digest}\t{rel}\n" for rel, digest in found.items()).encode())


def compare(expected: dict[str, str], found: dict[str, str]) -> list[str]:
    problems = [f"missing: {rel}" for rel in expected if rel not in found]
    problems += [f"extra: {rel}" for rel in found if rel not in expected]
    problems += [f"different: {rel}" for rel, digest in found.items()
                 if rel in expected and expected[rel] != digest]
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("action", choices=("record", "compare"))
    parser.add_argument("site", choices=("corpus", "sample"))
    parser.add_argument("digests", type=Path, help="the list of digests (gzip)")
    parser.add_argument("--search", action="store_true", help="include the Pagefind index")
    parser.add_argument("--keep", type=Path, help="copy the built site here")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="hnmatome-digests-") as tmp:
        out = build(make_project(args.site, Path(tmp)), args.search)
        found = digests(out)
        if args.keep:
            shutil.rmtree(args.keep, ignore_errors=True)
            shutil.copytree(out, args.keep)
    if args.action == "record":
        write_list(args.digests, found)
        print(f"recorded {len(found)} files in {args.digests}")
        return 0
    problems = compare(read_list(args.digests), found)
    for problem in problems[:200]:
        print(problem)
    print(f"{len(found)} files, {len(problems)} differences")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
