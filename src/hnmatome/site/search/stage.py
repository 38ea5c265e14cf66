"""The search stage of a build: the searchable text of every post page (from the pages this
build rendered, else from the cache of page texts, else from the page on disk), indexed
(index.py), and the bundle's files written into the build's staging folder where they
changed."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from pathlib import Path

from hnmatome.site.incremental.bodies import content_digest
from hnmatome.site.incremental.cache import Manifest, OutputRecord, stamp_of
from hnmatome.site.output import OutputTree
from hnmatome.site.plan import Output
from hnmatome.site.search.index import SOURCE, SearchReport, build_search_index
from hnmatome.site.search.text import SearchRecord, page_record

SEARCH_KIND = "search"  # the kind of a search bundle file in the manifest


def post_url(path: str) -> str:
    return "/" + path.removesuffix("index.html")


def page_texts(outputs: Sequence[Output], records: Mapping[str, OutputRecord],
               fresh: Mapping[str, SearchRecord | None], known: dict[bytes, SearchRecord | None],
               out_dir: Path) -> list[SearchRecord]:
    """The searchable text of every post page, in path order. `fresh`: of the pages this
    build rendered; `known`: of earlier pages by their bytes' digest (updated: afterwards it
    holds this build's pages only)."""
    found: list[SearchRecord] = []
    now: dict[bytes, SearchRecord | None] = {}
    posts = sorted((o.path for o in outputs if o.kind == "post"), key=lambda p: p.split("/"))
    for path in posts:
        content = records[path].content
        if path in fresh:
            text = fresh[path]
        elif content in known:
            text = known[content]
        else:
            text = page_record((out_dir / path).read_text(encoding="utf-8"), post_url(path))
        now[content] = text
        if text is not None:
            found.append(text)
    known.clear()
    known.update(now)
    return found


def add_search(texts: list[SearchRecord], records: dict[str, OutputRecord], tree: OutputTree,
               previous: Manifest | None, out_dir: Path, cache_dir: Path,
               jobs: int) -> tuple[SearchReport, list[str]]:
    """Index `texts`, and write the bundle's files that changed through `tree`; `records`
    gets a record of every bundle file. Returns the report and the files written."""
    report = build_search_index(texts, cache_dir, jobs)
    written: list[str] = []
    before = previous.outputs if previous else {}
    for path, file in report.files:
        data = file.read_bytes()
        digest = content_digest(data)
        known = before.get(path)
        stamp = known.found_at(f"{out_dir}/{path}") \
            if known is not None and known.content == digest else None
        if stamp is not None:
            records[path] = dataclasses.replace(known, stamp=stamp)
            continue
        staged = tree.write(path, data, SOURCE)
        records[path] = OutputRecord((path, SEARCH_KIND), (), digest, stamp_of(staged))
        written.append(path)
    return report, written
