"""Read side of the folder index: open the served generation and search it (dense and BM25). The default
implementation of :class:`~rag.index.base.SearchBackend`."""
from __future__ import annotations

import logging
import sqlite3
import threading
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..embeddings import Embedder, make_embedder
from ..errors import IndexDamaged, IndexMissing
from ..settings import Settings
from ..text import tokenize
from ..types import Article, Chunk, Facets, Filters, Hit
from .chunks import ChunkStore
from .generations import current_generation, reading_part
from .keyword import KeywordIndex
from .manifest import Manifest
from .vectors import VectorIndex

log = logging.getLogger(__name__)


def open_parts(folder: Path, nprobe: int) -> tuple[ChunkStore, VectorIndex, KeywordIndex]:
    """The chunk store, vectors and keyword postings of a generation, each checked as it is opened (a
    damaged part is an :class:`IndexDamaged` naming it) and checked against each other."""
    with reading_part(folder, "chunks.sqlite"):
        store = ChunkStore(folder / "chunks.sqlite", readonly=True)
        chunks = store.counts()["chunks"]  # a truncated or foreign file fails here, not on the first question
    with reading_part(folder, "vectors.faiss"):
        vectors = VectorIndex.load(folder / "vectors.faiss", nprobe)
    with reading_part(folder, "keyword"):
        keywords = KeywordIndex.load(folder / "keyword")
    if not chunks == len(vectors) == len(keywords):
        store.close()
        raise IndexDamaged(f"the index in {folder.parent} is damaged: {folder.name} holds {chunks} chunks, "
                           f"{len(vectors)} vectors and {len(keywords)} keyword documents; run `rag index --rebuild`")
    return store, vectors, keywords


@dataclass
class BulletinIndex:
    """One consistent generation of the index: manifest, chunk store, vectors and keyword index."""

    folder: Path
    manifest: Manifest
    store: ChunkStore
    vectors: VectorIndex
    keywords: KeywordIndex
    embedder: Embedder
    # the chunk ids the last filter selected: a hybrid search asks for the same filter twice (dense, BM25)
    _selected: tuple = field(default=(None, None), repr=False)
    _selected_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def open(cls, settings: Settings, embedder: Embedder | None = None, check: bool = True) -> "BulletinIndex":
        """Open the generation CURRENT names. A concurrent `rag index` may publish a newer one and prune
        the one just named while it is being opened: then the new CURRENT is opened instead."""
        embedder = embedder or make_embedder(settings)  # lazy: the model loads on first use
        for attempt in range(5):
            folder = current_generation(settings.index_dir)
            try:
                return cls._open_folder(folder, settings, embedder, check)
            except (OSError, RuntimeError, sqlite3.Error) as exc:
                if folder is None or current_generation(settings.index_dir) == folder or attempt == 4:
                    raise
                log.info("generation %s was replaced while opening (%s); opening the new one", folder.name, exc)
        raise AssertionError("unreachable")

    @classmethod
    def _open_folder(cls, folder: Path | None, settings: Settings, embedder: Embedder | None,
                     check: bool) -> "BulletinIndex":
        if folder is None:
            raise IndexMissing(f"No index in {settings.index_dir}; build it with `rag index`.")
        manifest = Manifest.load(folder)
        embedder = embedder or make_embedder(settings)
        if check:
            manifest.check_compatible(embedder.model_id, embedder.known_dimension(), settings.chunk_size,
                                      settings.chunk_overlap)
        store, vectors, keywords = open_parts(folder, settings.faiss_nprobe)
        return cls(folder=folder, manifest=manifest, store=store, vectors=vectors, keywords=keywords,
                   embedder=embedder)

    @property
    def generation(self) -> str:
        """The generation folder's name (``gen-000007``)."""
        return self.folder.name

    def close(self) -> None:
        self.store.close()

    def _hits(self, pairs: list[tuple[int, float]]) -> list[Hit]:
        chunks = self.store.chunks_by_ids([i for i, _ in pairs])
        return [Hit(chunks[i], s, rank) for rank, (i, s) in enumerate(pairs, 1) if i in chunks]

    def _allowed(self, filters: Filters | None) -> np.ndarray | None:
        """The ids of the chunks ``filters`` select (None: no filter), read through the store's indexes."""
        if filters is None or not filters.active():
            return None
        key = filters.key()
        with self._selected_lock:
            if self._selected[0] == key:
                return self._selected[1]
        ids = self.ids_where(sources=filters.sources, issues=filters.issues, sections=filters.sections,
                             date_from=filters.date_from, date_to=filters.date_to)
        with self._selected_lock:
            self._selected = (key, ids)
        return ids

    def search_dense(self, query: str, k: int = 8, filters: Filters | None = None) -> list[Hit]:
        """Nearest chunks by cosine, among those ``filters`` select (searched exactly, see ``vectors``)."""
        allowed = self._allowed(filters)
        if allowed is not None and not len(allowed):
            return []
        vec = self.embedder.embed_query(query)
        self.manifest.check_query(vec)
        return self._hits(self.vectors.search(vec, k, allowed))

    def search_bm25(self, query: str, k: int = 8, filters: Filters | None = None) -> list[Hit]:
        allowed = self._allowed(filters)
        if allowed is not None and not len(allowed):
            return []
        return self._hits(self.keywords.search(tokenize(query), k, allowed))

    def count(self, filters: Filters | None = None) -> int:
        allowed = self._allowed(filters)
        return len(self.vectors) if allowed is None else len(allowed)

    def ids_where(self, **conditions) -> np.ndarray:
        """Chunk ids whose metadata match (``sources``, ``issues``, ``sections``, ``date_from``, ``date_to``)."""
        return np.asarray(self.store.ids_where(**conditions), dtype=np.int64)

    def article(self, source: str, article_no: int) -> Article | None:
        return self.store.article(source, article_no)

    def files(self) -> list[dict]:
        return self.store.files()

    def facets(self) -> Facets:
        sections, issues = self.store.facets()
        return Facets(sections=sections, issues=issues)

    def counts(self) -> dict[str, int]:
        return self.store.counts()

    def chunks(self, source: str | None = None) -> list[Chunk]:
        return list(self.store.iter_chunks(source))

    def status(self) -> dict:
        m = self.manifest
        return {"store": "folder", "index": str(self.folder), "generation": self.generation,
                "embedding_model": m.embedding_model,
                "dimension": m.dimension, "chunk_size": m.chunk_size, "chunk_overlap": m.chunk_overlap, "built_at": m.built_at,
                "package_version": m.package_version, **self.store.counts(),
                "vectors": len(self.vectors), "keyword_docs": len(self.keywords),
                "documents": self.store.files(), "failed": {k: f.get("error", "") for k, f in m.failed.items()}}
