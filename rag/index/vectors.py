"""Dense side of the index: FAISS inner product over normalised vectors, with removable int64 ids.

Small indexes are exact (``IndexIDMap2(IndexFlatIP)``); from ``ivf_threshold`` vectors on, an
``IndexIVFFlat`` (spherical k-means cells, hashtable id map so vectors stay removable and
reconstructable) searched with ``nprobe`` cells. :meth:`VectorIndex.fit` switches between the two as the
index grows or shrinks and re-trains the cells when the index has outgrown them.
"""
from __future__ import annotations

import logging
import math
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)
DEFAULT_NPROBE = 32


def _faiss():
    try:
        import faiss
    except ImportError as exc:  # pragma: no cover
        raise ImportError("Faiss is not available - install faiss-cpu") from exc
    return faiss


def nlist_for(n: int) -> int:
    """IVF cells for ``n`` vectors: about sqrt(n), at least 16."""
    return max(16, int(math.sqrt(n)))


class VectorIndex:
    """Exact or IVF inner-product search; add/remove by id; vectors reconstructable."""

    def __init__(self, index, nprobe: int = DEFAULT_NPROBE):
        self.index = index
        self.nprobe = nprobe
        if self.kind == "ivf":
            self.index.nprobe = min(nprobe, self.index.nlist)

    @classmethod
    def empty(cls, dimension: int, nprobe: int = DEFAULT_NPROBE) -> "VectorIndex":
        faiss = _faiss()
        return cls(faiss.IndexIDMap2(faiss.IndexFlatIP(dimension)), nprobe)

    @classmethod
    def load(cls, path: Path, nprobe: int = DEFAULT_NPROBE) -> "VectorIndex":
        return cls(_faiss().read_index(str(path)), nprobe)

    def save(self, path: Path) -> None:
        try:
            _faiss().write_index(self.index, str(path))
        except RuntimeError as exc:  # faiss reports failed writes (disk full) as RuntimeError
            raise OSError(f"cannot write {Path(path).name}: {str(exc).strip().splitlines()[-1]}") from exc

    @property
    def kind(self) -> str:
        return "ivf" if hasattr(self.index, "nlist") else "flat"

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

    def search(self, vector: np.ndarray, k: int, allowed: np.ndarray | None = None) -> list[tuple[int, float]]:
        """The ``k`` nearest ids (inner product); with ``allowed`` (ids), only among those, exactly: an IVF
        index then visits every cell, skipping vectors outside ``allowed`` before computing a distance."""
        if len(self) == 0 or (allowed is not None and not len(allowed)):
            return []
        k = min(k, len(self) if allowed is None else len(allowed))
        q = np.asarray(vector, dtype=np.float32).reshape(1, -1)
        faiss = _faiss()
        if allowed is not None:
            sel = faiss.IDSelectorBatch(np.ascontiguousarray(allowed, dtype=np.int64))
            params = (faiss.SearchParametersIVF(sel=sel, nprobe=self.index.nlist) if self.kind == "ivf"
                      else faiss.SearchParameters(sel=sel))
            scores, ids = self.index.search(q, k, params=params)
        elif self.kind == "ivf" and k > len(self) // 4:
            # most of the index asked for: visit every cell
            scores, ids = self.index.search(q, k, params=faiss.SearchParametersIVF(nprobe=self.index.nlist))
        else:
            scores, ids = self.index.search(q, k)
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0]) if i >= 0]

    # --- choosing the index type -------------------------------------------------------------
    def contents(self) -> tuple[np.ndarray, np.ndarray]:
        """(ids, vectors) of everything in the index."""
        faiss = _faiss()
        n, d = len(self), self.dimension
        if n == 0:
            return np.zeros(0, dtype=np.int64), np.zeros((0, d), dtype=np.float32)
        if self.kind == "flat":
            ids = faiss.vector_to_array(self.index.id_map).astype(np.int64)
            return ids, self.index.index.reconstruct_n(0, n)
        inv = self.index.invlists
        id_parts, vec_parts = [], []
        for cell in range(self.index.nlist):
            size = inv.list_size(cell)
            if size:
                id_parts.append(faiss.rev_swig_ptr(inv.get_ids(cell), size).copy())
                codes = faiss.rev_swig_ptr(inv.get_codes(cell), size * inv.code_size)
                vec_parts.append(np.frombuffer(codes.copy().tobytes(), dtype=np.float32).reshape(size, d))
        return np.concatenate(id_parts).astype(np.int64), np.vstack(vec_parts)

    def fit(self, ivf_threshold: int) -> str | None:
        """Switch to IVF when the index reaches ``ivf_threshold`` vectors, back to exact below half of
        it, and re-train the IVF cells when the index has grown to four times what they were made for.
        Returns what was done, or None."""
        n = len(self)
        if self.kind == "flat" and ivf_threshold > 0 and n >= ivf_threshold:
            action = "exact -> ivf"
        elif self.kind == "ivf" and (ivf_threshold <= 0 or n < ivf_threshold // 2):
            action = "ivf -> exact"
        elif self.kind == "ivf" and nlist_for(n) >= 2 * self.index.nlist:
            action = "ivf retrained"
        else:
            return None
        ids, vecs = self.contents()
        if action == "ivf -> exact":
            new = VectorIndex.empty(self.dimension, self.nprobe)
        else:
            new = VectorIndex(_train_ivf(vecs, nlist_for(n)), self.nprobe)
        new.add(ids, vecs)
        self.index = new.index
        log.info("vector index: %s (%d vectors)", action, n)
        return action


def _train_ivf(vectors: np.ndarray, nlist: int):
    faiss = _faiss()
    d = vectors.shape[1]
    index = faiss.IndexIVFFlat(faiss.IndexFlatIP(d), d, nlist, faiss.METRIC_INNER_PRODUCT)
    index.cp.spherical = True  # cells by cosine: the vectors are normalised
    index.cp.max_points_per_centroid = 64  # k-means on a sample: seconds, not minutes, at 100k vectors
    index.cp.seed = 1234
    index.train(np.ascontiguousarray(vectors, dtype=np.float32))
    index.set_direct_map_type(faiss.DirectMap.Hashtable)  # remove_ids / reconstruct by id
    return index
