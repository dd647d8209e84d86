"""Write side of the index: incremental, crash-safe updates from a set of files and folders.

Only new or changed files are parsed; only chunks whose text is new are embedded (vectors of
unchanged chunks are reused by content hash); removed files leave the store, FAISS and BM25.
The new state is written beside the served one and switched in atomically (see ``generations``).
"""
from __future__ import annotations

import logging
import sqlite3
import time
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
from filelock import FileLock, Timeout
from tqdm import tqdm

from .. import __version__
from ..embeddings import Embedder, make_embedder
from ..errors import IndexBusy, IndexWriteError
from ..settings import Settings
from ..text import tokenize
from ..types import sha256_hex
from .chunks import ChunkStore
from .generations import current_generation, new_generation_dir, prune_generations, publish_generation
from .keyword import KeywordIndex
from .manifest import PIPELINE_VERSION, Manifest
from .plan import FAILPOINTS, Previous, Summary, _Clock, failpoint, file_key, plan_update
from .reader import open_parts
from .vectors import VectorIndex

__all__ = ["FAILPOINTS", "Summary", "file_key", "update_index"]

log = logging.getLogger(__name__)


def _keywords(old: KeywordIndex | None, store: ChunkStore, removed_ids: list[int],
              new_tokens: list[tuple[int, list[str]]]) -> KeywordIndex:
    """BM25 of the new generation: the previous postings updated (removed chunks out, new ones in), or
    built from the tokens kept in the store when there are none (first build, rebuild, old format)."""
    if old is not None:
        if old.incremental:
            return old.updated(removed_ids, [i for i, _ in new_tokens], [t for _, t in new_tokens])
    ids, toks = store.all_tokens()
    return KeywordIndex.build(ids, toks)


def update_index(settings: Settings, paths: list[Path] | None = None, rebuild: bool = False,
                 embedder: Embedder | None = None, show_progress: bool | None = None) -> Summary:
    """Bring the index (the store ``settings.store`` names) in line with ``paths`` (default: the corpus folder)."""
    t0 = time.monotonic()
    index_dir = Path(settings.index_dir)
    index_dir.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(index_dir / ".lock"))
    try:
        lock.acquire(timeout=settings.lock_timeout)
    except Timeout as exc:
        raise IndexBusy(f"Another `rag index` is updating {index_dir}; wait for it to finish "
                        "(or raise RAG_LOCK_TIMEOUT to wait automatically).") from exc
    if settings.store == "qdrant":
        from .qdrant_writer import update_qdrant as write
    else:
        write = _update_locked
    try:
        summary = write(settings, paths or [settings.corpus_dir], rebuild, embedder or make_embedder(settings),
                        show_progress)
    finally:
        lock.release()
    summary.seconds = time.monotonic() - t0
    return summary


def _update_locked(settings: Settings, paths: list[Path], rebuild: bool, embedder: Embedder,
                   show_progress: bool | None) -> Summary:
    index_dir = Path(settings.index_dir)
    quiet = None if show_progress is None else not show_progress  # None: bars only on a terminal
    prune_generations(index_dir)
    summary = Summary()
    clock = _Clock(summary.phases)
    old_folder = None if rebuild else current_generation(index_dir)
    old_manifest = Manifest.load(old_folder) if old_folder else None
    if old_manifest and old_manifest.pipeline_version != PIPELINE_VERSION:
        # a newer cleaning/chunking version: every document is read again (the model and the chunk settings
        # are the user's choice, so a change there stays an error that names `--rebuild`)
        log.warning("the index was built by text pipeline v%s; re-reading every document with v%s",
                    old_manifest.pipeline_version, PIPELINE_VERSION)
        old_folder, old_manifest = None, None
    if old_manifest:
        old_manifest.check_compatible(embedder.model_id, embedder.dimension, settings.chunk_size,
                                      settings.chunk_overlap)
    # the served generation's parts, each checked (a damaged one is reported by name; nothing is written)
    old_store, old_vectors, old_keywords = open_parts(old_folder, settings.faiss_nprobe) if old_folder else (None,) * 3
    # files that failed before, by content hash, are reported again without being parsed again (one pathological
    # document must not cost every later update its parse time); a changed file is tried again
    previous = Previous(dict(old_manifest.files), dict(old_manifest.failed),
                        {f["key"]: Path(f["path"]) for f in old_store.files()}) if old_manifest else Previous()
    plan = plan_update(settings, paths, previous, summary, clock, quiet)
    old_files, removed, failed_now = previous.files, plan.removed, plan.failed
    tmp, final = new_generation_dir(index_dir)
    try:
        if old_store:
            old_store.copy_to(tmp / "chunks.sqlite")
            old_store.close()
        failpoint("store-copied")
        store = ChunkStore(tmp / "chunks.sqlite")
        clock("copy store")
        vectors = old_vectors if old_vectors is not None else VectorIndex.empty(embedder.dimension)
        clock("load vectors")
        files = dict(old_files)
        # vectors of chunks about to be replaced can be reused when their text is unchanged
        replaced = plan.replaced(previous)
        reusable = store.vectors_by_hash(replaced)
        reuse_vecs = {h: vectors.reconstruct(fid) for h, fid in reusable.items()}
        removed_ids: list[int] = []
        for key in replaced:
            removed_ids += store.delete_source(key)
            files.pop(key, None)
        vectors.remove(removed_ids)
        new_tokens: list[tuple[int, list[str]]] = []
        summary.removed = sorted(removed)
        pending = []
        for p in plan.parsed:
            f, doc, chunks = p.found, p.doc, p.chunks
            texts = [c.embed_text() for c in chunks]
            hashes = [sha256_hex(embedder.model_id, t) for t in texts]
            tokens = [tokenize(t) for t in texts]
            store.add_file(p.row(datetime.now(timezone.utc).isoformat(timespec="seconds")), doc.articles, chunks,
                           hashes, tokens)
            new_tokens += zip((c.faiss_id for c in chunks), tokens)
            pending.append((chunks, texts, hashes))
            files[f.key] = f.sha256
            (summary.changed if f.key in old_files else summary.added).append(f.key)
        clock("tokenize and store")
        all_new = [(c, t, h) for chunks, texts, hashes in pending for c, t, h in zip(chunks, texts, hashes)]
        need = [(i, t) for i, (c, t, h) in enumerate(all_new) if h not in reuse_vecs]
        new_vecs = np.zeros((len(all_new), embedder.dimension), dtype=np.float32)
        for i, (c, t, h) in enumerate(all_new):
            if h in reuse_vecs:
                new_vecs[i] = reuse_vecs[h]
        if need:
            with tqdm(total=len(need), desc="chunks", unit="chunk", disable=quiet) as bar:
                emb = embedder.embed_passages([t for _, t in need], settings.batch_size, progress=bar.update)
            for (i, _), v in zip(need, emb):
                new_vecs[i] = v
        summary.chunks_embedded = len(need)
        clock("embed")
        failpoint("embedded")
        vectors.add([c.faiss_id for c, _, _ in all_new], new_vecs)
        vectors.fit(settings.faiss_ivf_threshold)
        clock("faiss")
        store.commit()
        keywords = _keywords(old_keywords, store, removed_ids, new_tokens)
        keywords.save(tmp / "keyword")
        clock("bm25")
        failpoint("keyword-saved")
        vectors.save(tmp / "vectors.faiss")
        clock("save vectors")
        failpoint("vectors-saved")
        counts = store.counts()
        if not counts["chunks"] == len(vectors) == len(keywords):
            raise RuntimeError(f"internal error: {counts['chunks']} chunks but {len(vectors)} vectors "
                               f"and {len(keywords)} keyword documents")
        store.close()
        summary.chunks_total = counts["chunks"]
        Manifest(embedding_model=embedder.model_id, dimension=embedder.dimension, chunk_size=settings.chunk_size,
                 chunk_overlap=settings.chunk_overlap, package_version=__version__,
                 built_at=datetime.now(timezone.utc).isoformat(timespec="seconds"), files=files,
                 counts=counts, failed=failed_now).save(tmp)
        failpoint("manifest-saved")
        publish_generation(index_dir, tmp, final, between=lambda: failpoint("renamed"))
        failpoint("published")
        clock("publish")
    except BaseException as exc:
        # the served generation is untouched; the half-built one is removed now or on the next run
        import shutil

        shutil.rmtree(tmp, ignore_errors=True)
        if isinstance(exc, (OSError, sqlite3.Error)):  # disk full, file size limit, I/O error
            reason = getattr(exc, "strerror", None) or str(exc)
            raise IndexWriteError(f"could not write the index in {index_dir}: {reason} ({type(exc).__name__}); "
                                  "the previous index is unchanged and still served") from exc
        raise
    prune_generations(index_dir)
    return summary
