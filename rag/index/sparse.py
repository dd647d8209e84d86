"""BM25 as sparse vectors, for stores that score keyword search as a dot product (Qdrant).

A chunk's weight for a term is the BM25 term factor ``tf / (tf + k1·(1 − b + b·dl/avgdl))`` over the same
jieba tokens the folder index keeps (``rag.text.tokenize``; ``∅`` for a chunk without tokens); the store
multiplies it by the IDF ``ln(1 + (N − n + 0.5)/(n + 0.5))`` it counts itself (Qdrant's ``modifier=IDF``), and
a query's value for a term is how often the query holds it. The sum is the folder index's BM25 score
(``keyword.KeywordIndex.scores``) as long as ``avgdl`` is the corpus's mean chunk length. Terms become
32-bit indices by hashing (blake2b): two terms that collide share one index, as in fastembed's BM25.
"""
from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass

import numpy as np

from .keyword import B, EMPTY, K1


def term_index(token: str) -> int:
    """The sparse-vector index of a token (stable across processes and machines)."""
    return int.from_bytes(hashlib.blake2b(token.encode("utf-8"), digest_size=4).digest(), "little")


def doc_length(tokens: list[str]) -> int:
    """A chunk's length as BM25 counts it (a token-less chunk holds the one token ``∅``)."""
    return len(tokens) or 1


@dataclass(frozen=True)
class SparseWeights:
    """Indices (sorted) and values of one sparse vector."""

    indices: list[int]
    values: list[float]


def _counts(tokens: list[str]) -> dict[int, int]:
    out: dict[int, int] = {}
    for token, n in Counter(tokens).items():
        i = term_index(token)
        out[i] = out.get(i, 0) + n
    return dict(sorted(out.items()))


def document_weights(tokens: list[str], avgdl: float) -> SparseWeights:
    """BM25 term factors of one chunk (computed in float32, as the folder index does)."""
    counts = _counts(tokens or [EMPTY])
    dl = np.float32(doc_length(tokens))
    norm = np.float32(K1) * (np.float32(1 - B) + np.float32(B) * dl / np.float32(avgdl))
    tf = np.asarray(list(counts.values()), dtype=np.float32)
    return SparseWeights(list(counts), (tf / (norm + tf)).astype(np.float32).tolist())


def query_weights(tokens: list[str]) -> SparseWeights:
    """A query's term counts (repeated query tokens count repeatedly, as in the folder index)."""
    counts = _counts(tokens)
    return SparseWeights(list(counts), [float(n) for n in counts.values()])
