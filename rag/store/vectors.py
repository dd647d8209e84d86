"""Dense side of the index: FAISS inner product over normalised vectors, with removable int64 ids."""
from __future__ import annotations

from pathlib import Path

import numpy as np


def _faiss():
    try:
        import faiss
    except ImportError as exc:  # pragma: no cover
        raise ImportError("Faiss is not available - install faiss-cpu") from exc
    return faiss


class VectorIndex:
    """An ``IndexIDMap2(IndexFlatIP)``: exact search, add/remove by id, vectors reconstructable."""

    def __init__(self, index):
        self.index = index

    @classmethod
    def empty(cls, dimension: int) -> "VectorIndex":
        faiss = _faiss()
        return cls(faiss.IndexIDMap2(faiss.IndexFlatIP(dimension)))

    @classmethod
    def load(cls, path: Path) -> "VectorIndex":
        return cls(_faiss().read_index(str(path)))

    def save(self, path: Path) -> None:
        try:
            _faiss().write_index(self.index, str(path))
        except RuntimeError as exc:  # faiss reports failed writes (disk full) as RuntimeError
            raise OSError(f"cannot write {Path(path).name}: {str(exc).strip().splitlines()[-1]}") from exc

    @property
    def dimension(self) -> int:
        return self.index.d

    def __len__(self) -> int:
        return self.index.ntotal

    def add(self, ids: list[int], vectors: np.ndarray) -> None:
        if len(ids):
            self.index.add_with_ids(np.ascontiguousarray(vectors, dtype=np.float32),
                                    np.asarray(ids, dtype=np.int64))

    def remove(self, ids: list[int]) -> int:
        if not ids:
            return 0
        return int(self.index.remove_ids(np.asarray(ids, dtype=np.int64)))

    def reconstruct(self, faiss_id: int) -> np.ndarray:
        return self.index.reconstruct(int(faiss_id))

    def search(self, vector: np.ndarray, k: int) -> list[tuple[int, float]]:
        if len(self) == 0:
            return []
        scores, ids = self.index.search(np.asarray(vector, dtype=np.float32).reshape(1, -1), min(k, len(self)))
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0]) if i >= 0]
