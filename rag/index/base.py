"""The search-backend interface: what retrieval needs of a store of chunks, and how one is chosen.

Two implementations: the folder index (:class:`~rag.index.reader.BulletinIndex`: SQLite + FAISS + BM25
postings in generation folders; the default) and :class:`~rag.index.qdrant.QdrantBackend` (one Qdrant
collection with a dense and a ``bm25`` sparse vector, behind an alias). ``settings.store`` picks one
(``RAG_STORE=folder|qdrant``); :func:`open_index` opens it, :func:`~rag.index.writer.update_index` writes it
and :func:`published_generation` tells whether an update was published since a backend was opened.
Retrieval (``rag.retrieval.HybridRetriever``), the UI and ``rag index --status`` go through these only.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, runtime_checkable

from ..settings import Settings
from ..types import Article, Chunk, Facets, Filters, Hit
from .manifest import Manifest

if TYPE_CHECKING:
    from ..embeddings import Embedder

STORES = ("folder", "qdrant")


@runtime_checkable
class SearchBackend(Protocol):
    """A searchable store of chunks. Scores: cosine for dense search, BM25 (k1=1.5, b=0.75, Lucene IDF,
    as bm25s) for keyword search; hits come best first with ``rank`` 1, 2, …; ``filters`` restrict a
    search to the chunks :meth:`Filters.match` accepts, before ranking (``k`` hits among those)."""

    embedder: "Embedder"  # embeds the queries of dense search
    manifest: Manifest  # read when opened: model, chunking, built_at, and the files that failed to index
    generation: str  # the published index this backend was opened on (compare with published_generation())

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
        """The indexed files (key, path, sha256, size, indexed_at, kind, bulletin, issue, date, publisher,
        n_articles, n_chunks, and ``title``: the file's first article title or None) by key."""
        ...

    def facets(self) -> Facets:
        """The sections and issues the filters offer."""
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


def published_generation(settings: Settings) -> str | None:
    """The generation of the store ``settings`` names that is published now (None before the first build): a
    backend whose ``generation`` differs was opened before an update was published, and a reader that
    wants the new manifest, files and facets opens the store again."""
    if settings.store == "qdrant":
        from .qdrant import published

        return published(settings)
    from .generations import current_generation

    folder = current_generation(settings.index_dir)
    return folder.name if folder is not None else None
