"""Where the search step (search_index.py) puts its bundle: into the staging directory of a
full build, or straight into the output directory of an incremental one, where only files
whose bytes changed are replaced. Every file is recorded for the build manifest."""

from __future__ import annotations

from pathlib import Path

from hnmatome import urls
from hnmatome.build_cache import Manifest, OutputRecord, content_digest, stamp_of
from hnmatome.core.writer import OutputTree, remove_file, replace_file
from hnmatome.fingerprint import digest_bytes

PREFIX = urls.output_file(urls.SEARCH_BUNDLE).removesuffix("index.html")  # 'pagefind/'


class SearchSink:
    """Has the two methods of writer.OutputTree that the search step uses."""

    def __init__(self, root: Path, previous: Manifest, *, staging: bool) -> None:
        self.root = root
        self.previous = previous
        self.staging = staging
        self._tree = OutputTree(root) if staging else None
        self.records: dict[str, OutputRecord] = {}
        self.changed: list[str] = []

    @staticmethod
    def owns(path: str) -> bool:
        return path.startswith(PREFIX)

    def copy(self, rel: str, src: Path, source: str) -> None:
        self.write(rel, src.read_bytes(), source)

    def write(self, rel: str, data: bytes, source: str) -> None:
        content = content_digest(data)
        fingerprint = digest_bytes(b"search", content)
        known = self.previous.outputs.get(rel)
        target = self.root / rel
        if not self.staging and known and known.content == content and known.on_disk(target):
            self.records[rel] = OutputRecord(fingerprint, content, known.stamp)
            return
        if self._tree is not None:
            self._tree.write(rel, data, source)
        else:
            replace_file(target, data)
        self.records[rel] = OutputRecord(fingerprint, content, stamp_of(target))
        self.changed.append(rel)

    @property
    def files_written(self) -> int:
        return len(self.changed)

    def remove_stale(self) -> None:
        """Delete the last bundle's files this bundle does not have (live output only)."""
        if self.staging:
            return
        for rel in self.previous.outputs:
            if self.owns(rel) and rel not in self.records:
                remove_file(self.root / rel, prune_up_to=self.root)
                self.changed.append(rel)
