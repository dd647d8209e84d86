"""Index: store chunks, vectors and keyword postings in one generation folder — the SQLite chunk store,
FAISS vectors, BM25 postings and the manifest (store parts); atomic generation switches; the reader
(:class:`BulletinIndex`, what retrieval searches) and the writer (:func:`update_index`, incremental and
crash-safe)."""
from .generations import current_generation
from .manifest import Manifest
from .reader import BulletinIndex
from .writer import FAILPOINTS, Summary, file_key, update_index

__all__ = ["FAILPOINTS", "BulletinIndex", "Manifest", "Summary", "current_generation", "file_key", "update_index"]
