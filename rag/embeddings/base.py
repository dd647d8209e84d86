"""The embedder interface: one method to implement, ``embed_batch``."""
from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence

import numpy as np


class Embedder(ABC):
    """Turns texts into L2-normalised float32 vectors. Subclasses implement :meth:`embed_batch`."""

    model_id: str = "unknown"
    dimension: int = 0

    @abstractmethod
    def embed_batch(self, texts: Sequence[str], kind: str) -> np.ndarray:
        """Embed ``texts`` as ``kind`` ("query" or "passage"); return an (n, dimension) float32 array."""

    def embed_passages(self, texts: Sequence[str], batch_size: int = 16,
                       progress: Callable[[int], None] | None = None) -> np.ndarray:
        """Embed many passages in batches (sorted by length to limit padding), keeping input order."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        lengths = self.lengths(texts)
        order = sorted(range(len(texts)), key=lambda i: lengths[i])
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for b in range(0, len(order), batch_size):
            idx = order[b:b + batch_size]
            out[idx] = self.embed_batch([texts[i] for i in idx], "passage")
            if progress:
                progress(len(idx))
        return out

    def known_dimension(self) -> int | None:
        """The vector size when it is known without asking the model (a served model's is learned from its
        first answer: None before). Opening an index compares this, so that opening needs no request."""
        return self.dimension

    def lengths(self, texts: Sequence[str]) -> list[int]:
        """What passages are batched by (similar lengths pad least): characters, or the model's tokens."""
        return [len(t) for t in texts]

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed_batch([text], "query")[0]
