"""Index: store chunks, vectors and keyword postings, and search them through one interface
(:class:`SearchBackend`, chosen by ``settings.store`` and opened by :func:`open_index`). The folder index
(default): the SQLite chunk store, FAISS vectors, BM25 postings and the manifest in generation folders
switched atomically; its reader (:class:`BulletinIndex`) and writer (:func:`update_index`, incremental and
crash-safe, which also writes the Qdrant store when that is chosen)."""
from .base import STORES, Facets, SearchBackend, open_index, published_generation
from .generations import current_generation
from .manifest import Manifest
from .reader import BulletinIndex
from .writer import FAILPOINTS, Summary, file_key, update_index

__all__ = ["FAILPOINTS", "STORES", "BulletinIndex", "Facets", "Manifest", "SearchBackend", "Summary",
           "current_generation", "file_key", "open_index", "published_generation", "update_index"]
