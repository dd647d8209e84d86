"""Keyword side of the index: jieba tokenisation and a BM25 index (bm25s, saved without pickle)."""
from __future__ import annotations

import logging
import re
import threading
from pathlib import Path

import numpy as np

_jieba_lock = threading.Lock()
_jieba_ready = False
_TOKEN_RE = re.compile(r"[\w\u3400-\u9fff]", re.UNICODE)
USER_DICT = Path(__file__).resolve().parent.parent / "data" / "userdict.txt"


def _jieba():
    global _jieba_ready
    try:
        import jieba
    except ImportError as exc:  # pragma: no cover
        raise ImportError("keyword search needs jieba: pip install jieba") from exc
    with _jieba_lock:
        if not _jieba_ready:
            jieba.setLogLevel(logging.WARNING)
            if USER_DICT.is_file():
                jieba.load_userdict(str(USER_DICT))
            _jieba_ready = True
    return jieba


def tokenize(text: str) -> list[str]:
    """Search-mode jieba tokens, lower-cased, punctuation and whitespace dropped; single CJK
    characters are kept (many place names are split that far)."""
    jieba = _jieba()
    return [t.lower() for t in jieba.lcut_for_search(text) if _TOKEN_RE.search(t)]


class KeywordIndex:
    """BM25 over pre-tokenised chunks; documents are addressed by their FAISS ids."""

    def __init__(self, ids: np.ndarray, bm25=None):
        self.ids = np.asarray(ids, dtype=np.int64)
        self.bm25 = bm25

    @classmethod
    def build(cls, ids: list[int], token_lists: list[list[str]]) -> "KeywordIndex":
        if not ids:
            return cls(np.zeros(0, dtype=np.int64), None)
        import bm25s

        logging.getLogger("bm25s").setLevel(logging.WARNING)
        bm25 = bm25s.BM25()
        bm25.index([t or ["∅"] for t in token_lists], show_progress=False)
        return cls(np.asarray(ids, dtype=np.int64), bm25)

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        np.save(folder / "ids.npy", self.ids, allow_pickle=False)
        if self.bm25 is not None:
            self.bm25.save(str(folder / "bm25"), allow_pickle=False, show_progress=False)

    @classmethod
    def load(cls, folder: Path) -> "KeywordIndex":
        ids = np.load(folder / "ids.npy", allow_pickle=False)
        if len(ids) == 0:
            return cls(ids, None)
        import bm25s

        bm25 = bm25s.BM25.load(str(folder / "bm25"), allow_pickle=False, show_progress=False)
        return cls(ids, bm25)

    def __len__(self) -> int:
        return len(self.ids)

    def search(self, query_tokens: list[str], k: int) -> list[tuple[int, float]]:
        if self.bm25 is None or not query_tokens:
            return []
        scores = self.bm25.get_scores(query_tokens)
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top])]
        return [(int(self.ids[i]), float(scores[i])) for i in top if scores[i] > 0]
