"""Search backends side by side (#16): ``python -m bench --stores folder,qdrant --sizes 1000,10000`` builds each
synthetic corpus into each store, each in its own worker process, then times the eval questions (dense, BM25,
hybrid, hybrid with a one-year filter) and adding one bulletin.

Vectors come from :class:`HashEmbedder` (no model: hashed character uni/bigrams at e5-small's 384
dimensions), so the numbers are the stores' own costs and 10k chunks take minutes on 2 cores. Embedding is
the same for every store and is left out: ``embed s`` is the hash embedder's share of the build, and a query's
e5 embedding (the main bench's ``embed query`` column) adds equally to every store's latency. Qdrant runs in
local mode (``<index>/qdrant``: brute force in Python, one process) unless ``--qdrant-url`` names a server.
"""
from __future__ import annotations

import logging
import shutil
import statistics
import time
from pathlib import Path

from rag.embeddings.fake import FakeEmbedder

from .probes import peak_rss_mb, quiet
from .quality import questions

log = logging.getLogger(__name__)
ROOT = Path(__file__).resolve().parent.parent
STORES = ("folder", "qdrant")
ADD_ONE_REPEATS = 2  # bulletins added one at a time; the median is reported
YEAR = ("2020-01-01", "2020-12-31")  # about a tenth of a synthetic corpus (dates 2015–2024)
QUERIES = 60  # eval questions timed per mode (enough for a p95; keeps Qdrant local mode at 10k to minutes)


class HashEmbedder(FakeEmbedder):
    """The test suite's fake embedder at e5-small's dimension: vector search costs what it costs with e5."""

    model_id = "bench-hash-384-v1"
    dimension = 384


def parse_stores(text: str) -> list[str]:
    """``folder,qdrant`` → ``["folder", "qdrant"]``; an unknown name is an error naming the known ones."""
    stores = [s.strip() for s in text.split(",") if s.strip()]
    bad = [s for s in stores if s not in STORES]
    if bad or not stores:
        raise ValueError(f"--stores {text!r}: expected a comma-separated list of {', '.join(STORES)}")
    return stores


def _settings(a):
    from rag.settings import Settings

    return Settings.from_env(env={}, corpus_dir=a.corpus, index_dir=a.index, models_dir=a.models_dir,
                             embedder="fake", llm="extractive", store=a.store, qdrant_url=a.qdrant_url or "",
                             qdrant_collection=f"bench_{a.name}")


def _pct(values: list[float], p: float) -> float | None:
    vals = sorted(values)
    return round(vals[min(len(vals) - 1, round(p / 100 * (len(vals) - 1)))], 2) if vals else None


def _disk_mb(folder: Path) -> float:
    return round(sum(p.stat().st_size for p in Path(folder).rglob("*") if p.is_file()) / 1048576, 1)


def _build(settings, out: dict) -> None:
    from rag.index import update_index

    from .compute import TimedEmbedder

    if Path(settings.index_dir).exists():
        shutil.rmtree(settings.index_dir)
    emb = TimedEmbedder(HashEmbedder())
    with quiet() as q:
        t0 = time.perf_counter()
        s = update_index(settings, embedder=emb, show_progress=False)
        wall = time.perf_counter() - t0
    out["build"] = {"wall_s": round(wall, 1), "embed_s": round(emb.seconds, 1), "chunks": s.chunks_total,
                    "files": len(s.added), "phases": s.phases, "other_cpu_share": q.other}


def _queries(settings, out: dict) -> None:
    from rag.index import open_index
    from rag.retrieval import Filters, HybridRetriever

    idx = open_index(settings, HashEmbedder())
    retriever = HybridRetriever(idx)
    texts = [q.question for q in questions(QUERIES)]
    k = settings.top_k
    for t in texts[:5]:
        retriever.retrieve(t, k=k)
    res: dict = {"n_queries": len(texts), "k": k}
    year = Filters(date_from=YEAR[0], date_to=YEAR[1])
    for name, mode, filters in (("dense", "dense", None), ("bm25", "bm25", None), ("hybrid", "hybrid", None),
                                ("hybrid_year", "hybrid", year)):
        with quiet() as q:
            lat = []
            for t in texts:
                t0 = time.perf_counter()
                retriever.retrieve(t, k=k, mode=mode, filters=filters)
                lat.append((time.perf_counter() - t0) * 1000)
        res[name] = {"p50_ms": _pct(lat, 50), "p95_ms": _pct(lat, 95), "other_cpu_share": q.other}
    out["query"] = res
    idx.close()


def _add_one(settings, out: dict) -> None:
    from rag.index import update_index

    from .synth import doc_name, load_pool, make_document

    pool = load_pool(ROOT / "corpus")
    rows = []
    for number in range(900_000, 900_000 + ADD_ONE_REPEATS):
        (Path(settings.corpus_dir) / doc_name(99, number)).write_text(make_document(pool, 99, number),
                                                                       encoding="utf-8")
        with quiet() as q:
            t0 = time.perf_counter()
            s = update_index(settings, embedder=HashEmbedder(), show_progress=False)
            wall = time.perf_counter() - t0
        rows.append({"wall_s": round(wall, 2), "added": len(s.added), "chunks_embedded": s.chunks_embedded,
                     "phases": s.phases, "other_cpu_share": q.other})
    out["update"] = {"add1": rows, "add1_median_s": round(statistics.median(r["wall_s"] for r in rows), 2)}


def cmd_store(a) -> dict:
    """One corpus into one store: build, queries, add one bulletin (the worker's ``store`` command)."""
    settings = _settings(a)
    out: dict = {"name": a.name, "store": a.store, "where": settings.qdrant_url or "local"}
    try:
        _build(settings, out)
        _queries(settings, out)
        _add_one(settings, out)
    finally:
        if a.store == "qdrant":
            from rag.index.qdrant import close_clients

            close_clients(settings)
    out["peak_rss_mb"] = peak_rss_mb()
    out["disk_mb"] = None if settings.qdrant_url else _disk_mb(settings.index_dir)
    return out


def _v(x) -> str:
    return "–" if x is None else str(x)


def render_stores(stores: dict) -> list[str]:
    """The side-by-side table (``report["stores"]``: size → store → worker result) as Markdown lines."""
    L = ["\n## Search backends (hash embedder, 384-d: the stores' own costs; e5 embedding excluded)\n",
         "| size | store | chunks | build s | of it embed s | add 1 bulletin s | dense p50 / p95 ms | "
         "BM25 p50 / p95 ms | hybrid p50 ms | hybrid p95 ms | hybrid, one year p50 ms | peak RSS MB | disk MB |",
         "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for size, by_store in stores.items():
        for store, r in by_store.items():
            if "build" not in r:
                L.append(f"| {size} | {store} | error: {r.get('error')} |||||||||||")
                continue
            b, q, u = r["build"], r.get("query", {}), r.get("update", {})
            where = r.get("where", "local")
            label = store if store == "folder" else f"{store} ({'local mode' if where == 'local' else 'server'})"
            d, k, h, y = (q.get(m, {}) for m in ("dense", "bm25", "hybrid", "hybrid_year"))
            L.append(f"| {size} | {label} | {b['chunks']} | {b['wall_s']} | {b['embed_s']} | "
                     f"{_v(u.get('add1_median_s'))} | {_v(d.get('p50_ms'))} / {_v(d.get('p95_ms'))} | "
                     f"{_v(k.get('p50_ms'))} / {_v(k.get('p95_ms'))} | {_v(h.get('p50_ms'))} | {_v(h.get('p95_ms'))} "
                     f"| {_v(y.get('p50_ms'))} | {_v(r.get('peak_rss_mb'))} | {_v(r.get('disk_mb'))} |")
    return L
