"""A deterministic fake embedder for unit tests: hashed character bigrams, no model, instant."""
from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Sequence

import numpy as np

from .base import Embedder


class FakeEmbedder(Embedder):
    """Bag of hashed character uni/bigrams, L2-normalised. Similar texts get similar vectors.

    ``RAG_FAKE_EMBED_DELAY`` (seconds per batch) slows it down so tests can interrupt an update.
    """

    model_id = "fake-char-bigram-v1"
    dimension = 64

    def __init__(self) -> None:
        self.calls = 0
        self.embedded = 0
        self.delay = float(os.environ.get("RAG_FAKE_EMBED_DELAY", "0") or 0)

    def embed_batch(self, texts: Sequence[str], kind: str) -> np.ndarray:
        if kind not in ("query", "passage"):
            raise ValueError(f"kind must be 'query' or 'passage', not {kind!r}")
        self.calls += 1
        self.embedded += len(texts)
        if self.delay:
            time.sleep(self.delay)
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            grams = list(text) + [text[i:i + 2] for i in range(len(text) - 1)]
            for g in grams:
                h = int.from_bytes(hashlib.blake2b(g.encode(), digest_size=4).digest(), "little")
                out[row, h % self.dimension] += 1.0
            norm = np.linalg.norm(out[row])
            out[row] = out[row] / norm if norm else 1.0 / np.sqrt(self.dimension)
        return out
