"""Write side of the index: incremental, crash-safe updates from a set of files and folders.

Only new or changed files are parsed; only chunks whose text is new are embedded (vectors of
unchanged chunks are reused by content hash); removed files leave the store, FAISS and BM25.
The new state is written beside the served one and switched in atomically (see ``generations``).
"""
from __future__ import annotations

import hashlib
import logging
import os
import re
import signal
import sqlite3
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
from filelock import FileLock, Timeout
from tqdm import tqdm

from .. import __version__
from ..embeddings import Embedder, make_embedder
from ..errors import IndexBusy, IndexWriteError, LoadError
from ..ingest import SUPPORTED, chunk_articles, read_document
from ..settings import Settings
from ..text import tokenize
from ..types import sha256_hex
from .chunks import ChunkStore
from .generations import current_generation, new_generation_dir, prune_generations, publish_generation
from .keyword import KeywordIndex
from .manifest import PIPELINE_VERSION, Manifest
from .reader import open_parts
from .vectors import VectorIndex

log = logging.getLogger(__name__)


@dataclass
class Summary:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    failed: list[dict] = field(default_factory=list)
    duplicates: list[dict] = field(default_factory=list)
    unsupported: list[dict] = field(default_factory=list)  # {"file", "error"}: a type no loader reads
    hidden: list[str] = field(default_factory=list)  # hidden files and folders under a scanned folder (not read)
    unchanged_files: list[str] = field(default_factory=list)
    chunks_embedded: int = 0
    chunks_total: int = 0
    seconds: float = 0.0
    phases: dict[str, float] = field(default_factory=dict)  # seconds per step (not in to_dict)

    def to_dict(self) -> dict:
        return {"added": self.added, "changed": self.changed, "removed": self.removed, "unchanged": self.unchanged,
                "failed": self.failed, "duplicates": self.duplicates, "unsupported": self.unsupported,
                "hidden": self.hidden, "unchanged_files": self.unchanged_files,
                "chunks_embedded": self.chunks_embedded, "chunks_total": self.chunks_total,
                "seconds": round(self.seconds, 2)}


class _Clock:
    """Adds the seconds since the previous mark to ``phases[name]`` (where an update spends its time)."""

    def __init__(self, phases: dict[str, float]):
        self.phases, self.t = phases, time.perf_counter()

    def __call__(self, name: str) -> None:
        now = time.perf_counter()
        self.phases[name] = round(self.phases.get(name, 0.0) + now - self.t, 3)
        self.t = now


def _keywords(old: KeywordIndex | None, store: ChunkStore, removed_ids: list[int],
              new_tokens: list[tuple[int, list[str]]]) -> KeywordIndex:
    """BM25 of the new generation: the previous postings updated (removed chunks out, new ones in), or
    built from the tokens kept in the store when there are none (first build, rebuild, old format)."""
    if old is not None:
        if old.incremental:
            return old.updated(removed_ids, [i for i, _ in new_tokens], [t for _, t in new_tokens])
    ids, toks = store.all_tokens()
    return KeywordIndex.build(ids, toks)


@dataclass
class _Found:
    key: str
    path: Path
    sha256: str
    size: int


def file_key(path: Path, corpus_dir: Path) -> str:
    """How a file is named in the index: relative to the corpus folder when inside it, else absolute."""
    path = path.resolve()
    try:
        return path.relative_to(Path(corpus_dir).resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def _sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


# a document whose whole text is one line this short without a sentence end is only a title or heading
# (a list or a table has several lines and is indexed)
MIN_BODY_CHARS = 30
FAILPOINTS = ("store-copied", "embedded", "keyword-saved", "vectors-saved", "manifest-saved", "renamed",
              "published")


def failpoint(name: str) -> None:
    """Crash tests: ``RAG_FAILPOINT=<name>`` kills the process (SIGKILL, no cleanup) at that step."""
    if os.environ.get("RAG_FAILPOINT") == name:
        log.warning("failpoint %s: killing the process", name)
        os.kill(os.getpid(), signal.SIGKILL)


def scan(paths: list[Path], corpus_dir: Path, summary: Summary, max_bytes: float = float("inf"),
         unreadable: set[str] | None = None) -> tuple[list[_Found], list[Path]]:
    """Supported files under ``paths`` (hidden files skipped), and the roots that were scanned. Files
    that cannot be read or are too large are reported in ``summary`` and their keys added to
    ``unreadable`` (an indexed version of them is kept, not removed)."""
    unreadable = set() if unreadable is None else unreadable
    found: list[_Found] = []
    roots: list[Path] = []
    for root in paths:
        root = Path(root)
        if not root.exists():
            summary.failed.append({"file": str(root), "error": f"{root}: no such file or folder"})
            continue
        roots.append(root.resolve())
        if root.is_file():
            candidates = [root]
        else:
            candidates = []
            for p in sorted(root.rglob("*")):
                parts = p.relative_to(root).parts
                hidden_at = next((i for i, part in enumerate(parts) if part.startswith(".")), None)
                if hidden_at is not None:  # reported once, at the hidden file or folder itself
                    if hidden_at == len(parts) - 1:
                        summary.hidden.append(file_key(p, corpus_dir) + ("/" if p.is_dir() else ""))
                    continue
                if not p.is_file():
                    continue
                if p.suffix.lower() not in SUPPORTED:
                    summary.unsupported.append({"file": file_key(p, corpus_dir), "error": (
                        f"{p.name}: {p.suffix.lower() or 'a file without an extension'} is not a supported type "
                        f"(supported: {', '.join(sorted(SUPPORTED))}); not indexed")})
                    continue
                candidates.append(p)
        for p in candidates:
            key = file_key(p, corpus_dir)
            try:
                size = p.stat().st_size
                if size > max_bytes:
                    # checked before reading: a huge export would otherwise take hours to embed
                    summary.failed.append({"file": key, "error": f"{p.name}: is {size / 2**20:.0f} MB, over the "
                                           f"{max_bytes / 2**20:g} MB limit for one document (RAG_MAX_FILE_MB)"})
                    unreadable.add(key)
                    continue
                found.append(_Found(key, p.resolve(), _sha256_file(p), size))
            except OSError as exc:
                summary.failed.append({"file": key, "error": f"{p.name}: cannot be read ({exc.strerror})"})
                unreadable.add(key)
    return found, roots


def _under(key_path: Path, roots: list[Path]) -> bool:
    return any(key_path == r or r in key_path.parents for r in roots)


def update_index(settings: Settings, paths: list[Path] | None = None, rebuild: bool = False,
                 embedder: Embedder | None = None, show_progress: bool | None = None) -> Summary:
    """Bring the index in line with ``paths`` (default: the corpus folder) and publish it atomically."""
    t0 = time.monotonic()
    index_dir = Path(settings.index_dir)
    index_dir.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(index_dir / ".lock"))
    try:
        lock.acquire(timeout=settings.lock_timeout)
    except Timeout as exc:
        raise IndexBusy(f"Another `rag index` is updating {index_dir}; wait for it to finish "
                        "(or raise RAG_LOCK_TIMEOUT to wait automatically).") from exc
    try:
        summary = _update_locked(settings, paths or [settings.corpus_dir], rebuild,
                                 embedder or make_embedder(settings), show_progress)
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
    unreadable: set[str] = set()
    found, roots = scan(paths, settings.corpus_dir, summary, settings.max_file_mb * 2**20, unreadable)
    old_files = dict(old_manifest.files) if old_manifest else {}
    # files that failed before, by content hash: reported again without being parsed again (one pathological
    # document must not cost every later update its parse time); a changed file is tried again
    old_failed = dict(old_manifest.failed) if old_manifest else {}
    failed_now: dict[str, dict] = {}
    # the served generation's parts, each checked (a damaged one is reported by name; nothing is written)
    old_store, old_vectors, old_keywords = open_parts(old_folder, settings.faiss_nprobe) if old_folder else (None,) * 3
    old_paths = {f["key"]: Path(f["path"]) for f in old_store.files()} if old_store else {}

    # classify; a file whose content equals another indexed file is reported, not indexed twice
    present = {f.key for f in found} | unreadable
    alive = [k for k in old_files if k in present or not _under(old_paths.get(k, Path(k)), roots)]
    seen_hash: dict[str, str] = {old_files[k]: k for k in alive}
    todo: list[_Found] = []
    dup_keys: set[str] = set()
    for f in found:
        if old_files.get(f.key) == f.sha256:
            summary.unchanged += 1
            summary.unchanged_files.append(f.key)
            continue
        known = old_failed.get(f.key)
        if known and known.get("sha256") == f.sha256:
            failed_now[f.key] = known
            summary.failed.append({"file": f.key, "error": f"{known['error']} (unchanged since it failed: not "
                                   "read again; replace the file or remove it)"})
            continue
        twin = seen_hash.get(f.sha256)
        if twin and twin != f.key:
            summary.duplicates.append({"file": f.key, "duplicate_of": twin})
            dup_keys.add(f.key)
            continue
        seen_hash[f.sha256] = f.key
        todo.append(f)
    removed = [k for k in old_files
               if (k not in present and _under(old_paths.get(k, Path(k)), roots)) or k in dup_keys]

    clock("scan")
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
        # parse and chunk new/changed files; a file that fails keeps its previous version indexed
        parsed = []
        for f in tqdm(todo, desc="files", unit="file", disable=quiet):
            try:
                doc = read_document(f.path, f.key)
                if not doc.articles:
                    raise LoadError(f.path, "contains no text after cleaning")
                body = "\n".join(a.text for a in doc.articles).strip()
                if len(body) < MIN_BODY_CHARS and "\n" not in body and not re.search(r"[。！？!?；;]", body):
                    raise LoadError(f.path, f"has only a title or heading ({body[:30]!r}), no sentences to answer from")
                chunks = chunk_articles(doc.articles, settings.chunk_size, settings.chunk_overlap)
            except Exception as exc:  # a parser of a third-party format can raise anything; one file must never
                # fail the update of the others (KeyboardInterrupt and SystemExit still stop it)
                if isinstance(exc, LoadError):
                    msg = str(exc)
                elif isinstance(exc, OSError):
                    msg = f"{f.path.name}: cannot be read ({exc.strerror or exc})"
                else:
                    log.debug("parsing %s failed", f.path, exc_info=True)
                    detail = (str(exc).strip().splitlines() or [""])[0][:160]
                    msg = f"{f.path.name}: could not be read ({type(exc).__name__}: {detail})"
                summary.failed.append({"file": f.key, "error": msg})
                failed_now[f.key] = {"sha256": f.sha256, "error": msg}
                log.warning("%s", msg)
                continue
            parsed.append((f, doc, chunks))
        # a copy of a file that failed has failed too (an empty .ofd is no "duplicate" of an empty .html); a
        # copy that was indexed before keeps that version, as any file that turns bad does
        shas = {f.key: f.sha256 for f in found}
        for dup in [d for d in summary.duplicates if d["duplicate_of"] in failed_now
                    and failed_now[d["duplicate_of"]]["sha256"] == shas[d["file"]]]:
            summary.duplicates.remove(dup)
            reason = failed_now[dup["duplicate_of"]]["error"].split(": ", 1)[-1]
            msg = f"{Path(dup['file']).name}: {reason} (the same content as {dup['duplicate_of']})"
            summary.failed.append({"file": dup["file"], "error": msg})
            failed_now[dup["file"]] = {"sha256": shas[dup["file"]], "error": msg}
            if dup["file"] in removed and dup["file"] in present:
                removed.remove(dup["file"])
        clock("parse")
        # vectors of chunks about to be replaced can be reused when their text is unchanged
        replaced = [f.key for f, _, _ in parsed if f.key in files] + removed
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
        for f, doc, chunks in parsed:
            texts = [c.embed_text() for c in chunks]
            hashes = [sha256_hex(embedder.model_id, t) for t in texts]
            now = datetime.now(timezone.utc).isoformat(timespec="seconds")
            row = {"key": f.key, "path": str(f.path), "sha256": f.sha256, "size": f.size, "indexed_at": now,
                   "kind": doc.meta.kind, "bulletin": doc.meta.bulletin, "issue": doc.meta.issue,
                   "date": doc.meta.date, "publisher": doc.meta.publisher, "n_articles": len(doc.articles),
                   "n_chunks": len(chunks)}
            tokens = [tokenize(t) for t in texts]
            store.add_file(row, doc.articles, chunks, hashes, tokens)
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
