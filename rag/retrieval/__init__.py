"""Retrieval: dense (FAISS) and BM25 search fused by reciprocal rank, metadata filters pushed down to the
index, a boost for the issue/month/section/title a question names, de-duplication and neighbour merging."""
from .filters import MODES, Filters
from .hybrid import HybridRetriever

__all__ = ["MODES", "Filters", "HybridRetriever"]
