"""Metadata filters of a search (date range, files, issues, sections) and the search modes."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..types import Chunk

MODES = ("hybrid", "dense", "bm25")


@dataclass
class Filters:
    """Metadata filters; every field that is set must match."""

    date_from: str | None = None  # yyyy-mm-dd, inclusive
    date_to: str | None = None
    sources: list[str] = field(default_factory=list)
    issues: list[str] = field(default_factory=list)
    sections: list[str] = field(default_factory=list)

    def active(self) -> bool:
        return bool(self.date_from or self.date_to or self.sources or self.issues or self.sections)

    def match(self, c: Chunk) -> bool:
        if self.sources and c.source not in self.sources:
            return False
        if self.issues and (c.issue or "") not in self.issues:
            return False
        if self.sections and (c.section or "").strip("【】") not in [s.strip("【】") for s in self.sections]:
            return False
        if self.date_from and (not c.date or c.date < self.date_from):
            return False
        if self.date_to and (not c.date or c.date > self.date_to):
            return False
        return True
