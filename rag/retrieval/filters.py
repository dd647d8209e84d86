"""The search modes, and the metadata filters of a search (defined in ``rag.types`` so that every search
backend of ``rag.index`` takes them too)."""
from __future__ import annotations

from ..types import Filters

MODES = ("hybrid", "dense", "bm25")

__all__ = ["MODES", "Filters"]
