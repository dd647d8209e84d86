"""The search-backend interface: what retrieval needs of a store of chunks, and how one is chosen.

Two implementations: the folder index (:class:`~rag.index.reader.BulletinIndex`: SQLite + FAISS + BM25
postings in generation folders; the default) and :class:`~rag.index.qdrant.QdrantBackend` (one Qdrant
collection with a dense and a ``bm25`` sparse vector, behind an alias). ``settings.store`` picks one
(``RAG_STORE=folder|qdrant``); :func:`open_index` opens it and :func:`~rag.index.writer.update_index`
writes it. Retrieval (``rag.retrieval.HybridRetriever``) goes through these methods only.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, runtime_checkable

from ..settings import Settings
from ..types import Article, Chunk, Filters, Hit

if TYPE_CHECKING:
    from ..embeddings import Embedder

STORES = ("folder", "qdrant")


@runtime_checkable
class SearchBackend(Protocol):
    """A searchable store of chunks. Scores: cosine for dense search, BM25 (k1=1.5, b=0.75, Lucene IDF,
    as bm25s) for keyword search; hits come best first with ``rank`` 1, 2, …; ``filters`` restrict a
    search to the chunks :meth:`Filters.match` accepts, before ranking (``k`` hits among those)."""

    embedder: "Embedder"  # embeds the queries of dense search

    def search_dense(self, query: str, k: int = 8, filters: Filters | None = None) -> list[Hit]:
        """The ``k`` chunks nearest to the query's embedding (cosine)."""
        ...

    def search_bm25(self, query: str, k: int = 8, filters: Filters | None = None) -> list[Hit]:
        """The ``k`` best chunks by BM25 over jieba tokens (``rag.text.tokenize``); score 0 is no hit."""
        ...

    def count(self, filters: Filters | None = None) -> int:
        """Chunks that match ``filters`` (all chunks without)."""
        ...

    def chunks(self, source: str | None = None) -> list[Chunk]:
        """Every chunk, or those of one source file, by source, article and position."""
        ...

    def article(self, source: str, article_no: int) -> Article | None:
        """One article's full text and metadata (to merge neighbouring chunks into a passage)."""
        ...

    def files(self) -> list[dict]:
        """The indexed files (key, path, sha256, size, indexed_at, kind, bulletin, issue, date, …) by key."""
        ...

    def counts(self) -> dict[str, int]:
        """``{"files", "articles", "chunks"}``."""
        ...

    def status(self) -> dict:
        """What ``rag index --status`` shows: where, built with what, counts and ``documents``."""
        ...

    def close(self) -> None:
        ...


def open_index(settings: Settings, embedder: "Embedder | None" = None, check: bool = True) -> SearchBackend:
    """Open the store ``settings.store`` names; ``check``: refuse one built with another model or chunking."""
    if settings.store == "qdrant":
        from .qdrant import QdrantBackend

        return QdrantBackend.open(settings, embedder, check)
    from .reader import BulletinIndex

    return BulletinIndex.open(settings, embedder, check)
