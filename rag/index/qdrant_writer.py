"""Write side of the Qdrant store: the same plan as the folder index (``plan``), applied to a collection.

* First build, ``--rebuild``, or a new text pipeline: every file is written into a new collection, which the
  alias readers search is then moved to in one request; the previous collection is deleted after. A build
  that fails or is killed midway leaves the alias on the previous collection (the half-built one is removed
  now or by the next build).
* Otherwise, in place, file by file: a file's new points are upserted first (unchanged chunks keep their
  ids and reuse their vectors by embed hash), then its points that are gone are deleted; removed files are
  deleted by source; the manifest point goes last, so a crash leaves files that the next update redoes.
  A reader sees each file either before or after its change, never absent.

BM25 weights depend on the mean chunk length (``sparse``); when an update moves it more than
``REWEIGHT_DRIFT`` from the one the weights were made with, every chunk's sparse vector is rewritten.
"""
from __future__ import annotations

import logging
import re
import uuid
import warnings
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
from tqdm import tqdm

from .. import __version__
from ..embeddings import Embedder
from ..errors import IndexWriteError
from ..settings import Settings
from ..text import tokenize
from ..types import sha256_hex
from .manifest import PIPELINE_VERSION, Manifest
from .plan import Plan, Previous, Summary, _Clock, failpoint, plan_update
from .qdrant import (DENSE, MANIFEST_ID, SPARSE, article_id, chunk_payload, client_for, file_id, location,
                     qdrant_models, read_manifest, scroll_all, served_collection, to_filter)
from .sparse import document_weights

log = logging.getLogger(__name__)
REWEIGHT_DRIFT = 0.01  # relative change of the mean chunk length that rewrites every BM25 weight
BATCH = 256


def create_collection(client, name: str, dimension: int, shards: int = 0, replication: int = 1) -> None:
    """A new collection: its vectors, payload indexes, and ``shards`` (0: the server's default, one per node)
    with ``replication`` copies each (settings ``qdrant_shards``, ``qdrant_replication``; ignored in local mode)."""
    m = qdrant_models()
    client.create_collection(
        name, vectors_config={DENSE: m.VectorParams(size=dimension, distance=m.Distance.COSINE)},
        sparse_vectors_config={SPARSE: m.SparseVectorParams(modifier=m.Modifier.IDF)},
        shard_number=shards or None, replication_factor=replication if replication > 1 else None)
    for field, schema in (("kind", m.PayloadSchemaType.KEYWORD), ("source", m.PayloadSchemaType.KEYWORD),
                          ("issue", m.PayloadSchemaType.KEYWORD), ("section_key", m.PayloadSchemaType.KEYWORD),
                          ("date", m.PayloadSchemaType.DATETIME)):
        with warnings.catch_warnings():  # local mode says that it filters without indexes
            warnings.filterwarnings("ignore", message="Payload indexes have no effect")
            client.create_payload_index(name, field, field_schema=schema)


def _generations(client, alias: str) -> list[str]:
    pattern = re.compile(rf"^{re.escape(alias)}_\d{{6}}$")
    return sorted(c.name for c in client.get_collections().collections if pattern.match(c.name))


def _point(m, fid, vector, tokens, avgdl, payload):
    w = document_weights(tokens, avgdl)
    return m.PointStruct(id=fid, payload=payload, vector={
        DENSE: [float(x) for x in vector], SPARSE: m.SparseVector(indices=w.indices, values=w.values)})


class _Writer:
    """Writes the plan's files into one collection (a new one or the served one)."""

    def __init__(self, client, collection: str, embedder: Embedder, settings: Settings, quiet: bool | None):
        self.client, self.collection, self.embedder = client, collection, embedder
        self.settings, self.quiet, self.m = settings, quiet, qdrant_models()

    def upsert(self, points: list) -> None:
        for i in range(0, len(points), BATCH):
            self.client.upsert(self.collection, points=points[i:i + BATCH], wait=True)

    def reusable(self, keys: list[str]) -> tuple[dict[str, np.ndarray], int]:
        """embed hash → dense vector of the chunks of ``keys``, and the BM25 length they leave with."""
        vecs, length = {}, 0
        for key in keys:
            for p in scroll_all(self.client, self.collection, to_filter(None, "chunk", key), with_vectors=[DENSE]):
                vecs[p.payload["embed_hash"]] = np.asarray(p.vector[DENSE], dtype=np.float32)
                length += p.payload["doc_len"]
        return vecs, length

    def write(self, plan: Plan, tokens: list[list[list[str]]], avgdl: float, reuse: dict[str, np.ndarray],
              summary: Summary) -> None:
        """Upsert each parsed file, then delete its points that are gone (``tokens``: per file, per chunk)."""
        todo = []
        for p, toks in zip(plan.parsed, tokens):
            texts = [c.embed_text() for c in p.chunks]
            todo.append((p, texts, [sha256_hex(self.embedder.model_id, t) for t in texts], toks))
        need = sorted({t for _, texts, hashes, _ in todo for t, h in zip(texts, hashes) if h not in reuse})
        if need:
            with tqdm(total=len(need), desc="chunks", unit="chunk", disable=self.quiet) as bar:
                emb = self.embedder.embed_passages(need, self.settings.batch_size, progress=bar.update)
            fresh = dict(zip(need, emb))
        else:
            fresh = {}
        summary.chunks_embedded += len(need)
        failpoint("embedded")
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")
        for p, texts, hashes, tokens in todo:
            points = [_point(self.m, c.faiss_id, reuse[h] if h in reuse else fresh[t], tk, avgdl,
                             chunk_payload(c, h, tk))
                      for c, t, h, tk in zip(p.chunks, texts, hashes, tokens)]
            for a in p.doc.articles:
                points.append(self.m.PointStruct(id=article_id(a.source, a.number), vector={}, payload={
                    "kind": "article", "source": a.source, "article_no": a.number, "title": a.title,
                    "section": a.section, "bulletin": a.bulletin, "issue": a.issue, "date": a.date,
                    "event_dates": list(a.event_dates), "text": a.text}))
            key = p.found.key
            points.append(self.m.PointStruct(id=file_id(key), vector={},
                                             payload={"kind": "file", "source": key, "row": p.row(now)}))
            self.upsert(points)
            keep = [pt.id for pt in points]
            self.client.delete(self.collection, wait=True, points_selector=self.m.FilterSelector(filter=self.m.Filter(
                must=[self.m.FieldCondition(key="source", match=self.m.MatchValue(value=key))],
                must_not=[self.m.HasIdCondition(has_id=keep)])))

    def remove(self, keys: list[str]) -> None:
        for key in keys:
            self.client.delete(self.collection, wait=True, points_selector=self.m.FilterSelector(
                filter=to_filter(None, source=key)))

    def reweight(self, avgdl: float) -> None:
        """Rewrite every chunk's BM25 weights for a new mean chunk length."""
        batch = []
        for p in scroll_all(self.client, self.collection, to_filter(None, "chunk")):
            tokens = p.payload["tokens"].split(" ") if p.payload["tokens"] else []
            w = document_weights(tokens, avgdl)
            batch.append(self.m.PointVectors(id=p.id, vector={SPARSE: self.m.SparseVector(
                indices=w.indices, values=w.values)}))
            if len(batch) == BATCH:
                self.client.update_vectors(self.collection, points=batch, wait=True)
                batch = []
        if batch:
            self.client.update_vectors(self.collection, points=batch, wait=True)

    def finish(self, files: dict[str, str], failed: dict, bm25: dict) -> dict[str, int]:
        counts = {kind: self.client.count(self.collection, count_filter=to_filter(None, kind), exact=True).count
                  for kind in ("file", "article", "chunk")}
        counts = {"files": counts["file"], "articles": counts["article"], "chunks": counts["chunk"]}
        manifest = Manifest(embedding_model=self.embedder.model_id, dimension=self.embedder.dimension,
                            chunk_size=self.settings.chunk_size, chunk_overlap=self.settings.chunk_overlap,
                            package_version=__version__,
                            built_at=datetime.now(timezone.utc).isoformat(timespec="seconds"), files=files,
                            counts=counts, failed=failed)
        from dataclasses import asdict

        self.upsert([self.m.PointStruct(id=MANIFEST_ID, vector={}, payload={
            "kind": "manifest", "manifest": asdict(manifest), "bm25": bm25, "revision": uuid.uuid4().hex})])
        return counts


def update_qdrant(settings: Settings, paths: list[Path], rebuild: bool, embedder: Embedder,
                  show_progress: bool | None) -> Summary:
    """Bring the Qdrant collection behind ``settings.qdrant_collection`` in line with ``paths``."""
    quiet = None if show_progress is None else not show_progress
    client, alias = client_for(settings), settings.qdrant_collection
    summary = Summary()
    clock = _Clock(summary.phases)
    served = served_collection(client, alias)
    found = None if rebuild or not served else read_manifest(client, served)
    if found and found[0].pipeline_version != PIPELINE_VERSION:
        log.warning("the index was built by text pipeline v%s; re-reading every document with v%s",
                    found[0].pipeline_version, PIPELINE_VERSION)
        found = None
    if found:
        found[0].check_compatible(embedder.model_id, embedder.dimension, settings.chunk_size, settings.chunk_overlap)
    manifest, bm25 = found if found else (None, {"avgdl": 0.0, "length": 0, "chunks": 0})
    previous = Previous()
    if manifest:
        paths_of = {p.payload["row"]["key"]: Path(p.payload["row"]["path"])
                    for p in scroll_all(client, served, to_filter(None, "file"))}
        previous = Previous(dict(manifest.files), dict(manifest.failed), paths_of)
    plan = plan_update(settings, paths, previous, summary, clock, quiet)
    files = dict(previous.files)
    for key in plan.replaced(previous):
        files.pop(key, None)
    for p in plan.parsed:
        files[p.found.key] = p.found.sha256
        (summary.changed if p.found.key in previous.files else summary.added).append(p.found.key)
    summary.removed = sorted(plan.removed)
    tokens = [[tokenize(c.embed_text()) for c in p.chunks] for p in plan.parsed]
    clock("tokenize")
    try:
        if manifest is None:
            counts = _build_new(client, alias, served, plan, tokens, files, embedder, settings, quiet, summary)
        else:
            counts = _update_in_place(client, served, plan, tokens, previous, files, bm25, embedder, settings,
                                      quiet, summary)
    except OSError as exc:
        raise IndexWriteError(f"could not write Qdrant at {location(settings)}: {exc}; the previous index is "
                              "still served") from exc
    clock("write")
    summary.chunks_total = counts["chunks"]
    return summary


def _build_new(client, alias, served, plan, tokens, files, embedder, settings, quiet, summary) -> dict[str, int]:
    m = qdrant_models()
    for stale in _generations(client, alias):  # leftovers of a build that was killed
        if stale != served:
            client.delete_collection(stale)
    numbers = [int(n.rsplit("_", 1)[1]) for n in ([served] if served else [])]
    target = f"{alias}_{(max(numbers) + 1 if numbers else 1):06d}"
    create_collection(client, target, embedder.dimension, settings.qdrant_shards, settings.qdrant_replication)
    try:
        writer = _Writer(client, target, embedder, settings, quiet)
        lengths = [len(tk) or 1 for file_tokens in tokens for tk in file_tokens]
        avgdl = float(np.mean(np.asarray(lengths, dtype=np.float32))) if lengths else 1.0
        writer.write(plan, tokens, avgdl, {}, summary)
        counts = writer.finish(files, plan.failed, {"avgdl": avgdl, "length": int(sum(lengths)),
                                                    "chunks": len(lengths)})
        failpoint("qdrant-filled")
        ops = [m.DeleteAliasOperation(delete_alias=m.DeleteAlias(alias_name=alias))] if served else []
        ops.append(m.CreateAliasOperation(create_alias=m.CreateAlias(collection_name=target, alias_name=alias)))
        client.update_collection_aliases(change_aliases_operations=ops)
    except BaseException:
        client.delete_collection(target)
        raise
    if served:
        client.delete_collection(served)
    return counts


def _update_in_place(client, served, plan, tokens, previous, files, bm25, embedder, settings, quiet,
                     summary) -> dict[str, int]:
    writer = _Writer(client, served, embedder, settings, quiet)
    replaced = plan.replaced(previous)
    reuse, gone_len = writer.reusable(replaced)
    gone_chunks = sum(client.count(served, count_filter=to_filter(None, "chunk", k), exact=True).count
                      for k in replaced)
    new_lengths = [len(tk) or 1 for file_tokens in tokens for tk in file_tokens]
    length = bm25["length"] - gone_len + sum(new_lengths)
    n = bm25["chunks"] - gone_chunks + len(new_lengths)
    avgdl = float(np.float32(length) / np.float32(n)) if n else 1.0
    drift = abs(avgdl / bm25["avgdl"] - 1) if bm25["avgdl"] else 1.0
    used = avgdl if drift > REWEIGHT_DRIFT else bm25["avgdl"]
    writer.write(plan, tokens, used, reuse, summary)
    writer.remove(plan.removed)
    if drift > REWEIGHT_DRIFT and (plan.parsed or plan.removed):
        writer.reweight(used)
    return writer.finish(files, plan.failed, {"avgdl": used, "length": length, "chunks": n})
