"""hnmatome: curated Japanese translations of Hacker News threads, as a static site."""

from __future__ import annotations

__version__ = "0.1.0"
