"""Keyword side of the index: BM25 over term-frequency postings of jieba tokens (``rag.text.tokenize``).

BM25 is scored as bm25s scores it (Lucene/Robertson variant, k1=1.5, b=0.75, ``∅`` for token-less
chunks), but from stored term frequencies: document lengths and IDF are applied at query time, so an
update only appends the postings of new chunks and drops those of removed ones instead of rebuilding.
Saved as plain ``.npy`` arrays and a JSON vocabulary (no pickle). Indexes saved by earlier versions
(a ``bm25s`` folder) are still read; the next update converts them.
"""
from __future__ import annotations

import json
import threading
from pathlib import Path

import numpy as np

K1, B = 1.5, 0.75
EMPTY = "∅"


class Postings:
    """Document-major term frequencies (CSR rows = chunks in ``ids`` order) and the vocabulary."""

    def __init__(self, ids: np.ndarray, indptr: np.ndarray, terms: np.ndarray, tf: np.ndarray, vocab: list[str]):
        self.ids = np.asarray(ids, dtype=np.int64)
        self.indptr = np.asarray(indptr, dtype=np.int64)
        self.terms = np.asarray(terms, dtype=np.int32)
        self.tf = np.asarray(tf, dtype=np.float32)
        self.vocab = vocab
        self.term_id = {t: i for i, t in enumerate(vocab)}

    @classmethod
    def empty(cls) -> "Postings":
        return cls(np.zeros(0), np.zeros(1), np.zeros(0), np.zeros(0), [])

    def doc_len(self) -> np.ndarray:
        return np.add.reduceat(self.tf, self.indptr[:-1]) if len(self.tf) else np.zeros(len(self.ids), np.float32)

    def without(self, remove_ids) -> "Postings":
        """A copy without the chunks whose ids are in ``remove_ids``."""
        gone = np.isin(self.ids, np.asarray(list(remove_ids), dtype=np.int64))
        if not gone.any():
            return self
        keep_nnz = np.repeat(~gone, np.diff(self.indptr))
        lengths = np.diff(self.indptr)[~gone]
        return Postings(self.ids[~gone], np.concatenate([[0], np.cumsum(lengths)]), self.terms[keep_nnz],
                        self.tf[keep_nnz], self.vocab)

    def plus(self, ids: list[int], token_lists: list[list[str]]) -> "Postings":
        """A copy with the given chunks appended (the vocabulary only grows)."""
        if not ids:
            return self
        vocab, term_id = list(self.vocab), dict(self.term_id)
        terms, tfs, lengths = [], [], []
        for tokens in token_lists:
            counts: dict[int, int] = {}
            for t in tokens or [EMPTY]:
                tid = term_id.get(t)
                if tid is None:
                    tid = term_id[t] = len(vocab)
                    vocab.append(t)
                counts[tid] = counts.get(tid, 0) + 1
            terms.extend(counts)
            tfs.extend(counts.values())
            lengths.append(len(counts))
        indptr = np.concatenate([self.indptr, self.indptr[-1] + np.cumsum(lengths)])
        return Postings(np.concatenate([self.ids, np.asarray(ids, dtype=np.int64)]), indptr,
                        np.concatenate([self.terms, np.asarray(terms, dtype=np.int32)]),
                        np.concatenate([self.tf, np.asarray(tfs, dtype=np.float32)]), vocab)

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        for name in ("ids", "indptr", "terms", "tf"):
            np.save(folder / f"{name}.npy", getattr(self, name), allow_pickle=False)
        (folder / "vocab.json").write_text(json.dumps(self.vocab, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> "Postings":
        arrays = {n: np.load(folder / f"{n}.npy", allow_pickle=False) for n in ("ids", "indptr", "terms", "tf")}
        return cls(vocab=json.loads((folder / "vocab.json").read_text(encoding="utf-8")), **arrays)


class KeywordIndex:
    """BM25 search over :class:`Postings`; documents are addressed by their FAISS ids."""

    def __init__(self, postings: Postings | None = None, legacy=None, legacy_ids: np.ndarray | None = None):
        self.postings = postings
        self._legacy = legacy  # a bm25s index saved by an earlier version
        self.ids = postings.ids if postings is not None else np.asarray(legacy_ids, dtype=np.int64)
        self._lock = threading.Lock()
        self._by_term = None  # term-major postings for searching, made on first use

    def _term_major(self):
        """(column pointers, rows, term frequencies, k1 * length norm per document)."""
        with self._lock:
            if self._by_term is None:
                from scipy.sparse import csr_matrix

                p = self.postings
                csc = csr_matrix((p.tf, p.terms, p.indptr), shape=(len(p.ids), max(len(p.vocab), 1))).tocsc()
                dl = p.doc_len()
                norm = (K1 * ((1 - B) + B * dl / dl.mean())).astype(np.float32)
                self._by_term = (csc.indptr, csc.indices, csc.data, norm)
            return self._by_term

    @classmethod
    def build(cls, ids: list[int], token_lists: list[list[str]]) -> "KeywordIndex":
        return cls(Postings.empty().plus(list(ids), token_lists))

    def updated(self, remove_ids, ids: list[int], token_lists: list[list[str]]) -> "KeywordIndex":
        """This index without ``remove_ids`` and with the given chunks added."""
        if self.postings is None:
            raise ValueError("an index in the old bm25s format cannot be updated; build it from the tokens")
        return KeywordIndex(self.postings.without(remove_ids).plus(list(ids), token_lists))

    def save(self, folder: Path) -> None:
        (self.postings or Postings.empty()).save(folder)

    @classmethod
    def load(cls, folder: Path) -> "KeywordIndex":
        if (folder / "vocab.json").is_file():
            return cls(Postings.load(folder))
        ids = np.load(folder / "ids.npy", allow_pickle=False)  # written by an earlier version (bm25s)
        if len(ids) == 0:
            return cls(Postings.empty())
        import bm25s

        return cls(None, bm25s.BM25.load(str(folder / "bm25"), allow_pickle=False, show_progress=False), ids)

    @property
    def incremental(self) -> bool:
        return self.postings is not None

    def __len__(self) -> int:
        return len(self.ids)

    def scores(self, query_tokens: list[str]) -> np.ndarray:
        """BM25 score of every document (repeated query tokens count repeatedly, as in bm25s)."""
        if self._legacy is not None:
            return self._legacy.get_scores(query_tokens)
        p = self.postings
        col_ptr, all_rows, all_tf, norm = self._term_major()
        n_docs = len(p.ids)
        scores = np.zeros(n_docs, dtype=np.float32)
        for t in query_tokens:
            tid = p.term_id.get(t)
            if tid is None or tid + 1 >= len(col_ptr):
                continue
            a, b = col_ptr[tid], col_ptr[tid + 1]
            if a == b:
                continue
            rows, tf = all_rows[a:b], all_tf[a:b]
            idf = np.float32(np.log(1 + (n_docs - (b - a) + 0.5) / ((b - a) + 0.5)))
            scores[rows] += idf * tf / (norm[rows] + tf)
        return scores

    def search(self, query_tokens: list[str], k: int, allowed: np.ndarray | None = None) -> list[tuple[int, float]]:
        """The ``k`` best-scoring ids; with ``allowed`` (ids), only among those."""
        if not len(self.ids) or not query_tokens:
            return []
        scores = self.scores(query_tokens)
        if allowed is not None:
            scores = np.where(np.isin(self.ids, np.asarray(allowed, dtype=np.int64)), scores, 0)
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(int(self.ids[i]), float(scores[i])) for i in top if scores[i] > 0]
