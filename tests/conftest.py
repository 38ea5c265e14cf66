"""Fixtures shared by every test module. Area-specific helpers live in tests/<area>_support.py."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED_DIR = REPO_ROOT.parent / "shared"


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """`../shared` beside the project; tests using it skip cleanly when it is absent."""
    if not (SHARED_DIR / "README.md").exists():
        pytest.skip("../shared is not present (it is reference material, not part of the product)")
    return SHARED_DIR
