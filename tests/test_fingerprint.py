"""The code fingerprint reads library versions without importlib.metadata (slow to import);
it must find what importlib.metadata finds."""

from __future__ import annotations

import importlib.metadata

from hnmatome.fingerprint import RENDERING_LIBRARIES, library_versions


def test_library_versions_are_the_ones_importlib_metadata_reports() -> None:
    found = library_versions([*RENDERING_LIBRARIES, "no-such-distribution-hnm"])
    for name in RENDERING_LIBRARIES:
        try:
            expected = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            expected = "none"
        assert found[name] == expected, name
    assert found["no-such-distribution-hnm"] == "none"
    assert found["jinja2"] != "none"  # installed: the project depends on it
