"""One measurement in a fresh process (so peak memory belongs to it alone): ``size`` builds an index of
one corpus and times updates and queries on it; ``store`` does the same in one search backend with the
hash embedder (``bench.stores``); ``embed`` measures embedding throughput; ``pool`` embeds the sample
sentences for the composed embedder; ``answer`` times the local model.

Run by ``bench.run``; each sub-command writes one JSON object to ``--out``.
"""
from __future__ import annotations

import argparse
import json
import logging
import shutil
import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from .probes import peak_rss_mb, quiet, ui_idle_rss, wait_for_idle
from .quality import questions, retrieval_quality

log = logging.getLogger("bench.worker")
ROOT = Path(__file__).resolve().parent.parent


def pct(values: list[float], p: float) -> float | None:
    vals = sorted(values)
    if not vals:
        return None
    return round(vals[min(len(vals) - 1, max(0, round(p / 100 * (len(vals) - 1))))], 2)


def _settings(a) -> "object":
    from rag.settings import Settings

    return Settings.from_env(env={}, corpus_dir=a.corpus, index_dir=a.index, models_dir=a.models_dir, embedder="e5",
                             llm="extractive")


def _e5(a):
    from rag.embeddings.e5 import E5Embedder

    emb = E5Embedder(a.models_dir, batch_size=16)
    emb.embed_query("预热")
    return emb


# --- size ---------------------------------------------------------------------------------------
def build(a, out: dict) -> None:
    from rag.index import update_index

    from .compute import ComposedEmbedder, TimedEmbedder, token_counts

    real = _e5(a)
    if a.embedder == "composed":
        pool = np.load(a.pool_vectors, allow_pickle=False)
        inner = ComposedEmbedder(real, [str(t) for t in pool["texts"]], pool["vectors"])
    else:
        inner = real
    emb = TimedEmbedder(inner)
    if Path(a.index).exists():
        shutil.rmtree(a.index)
    rss_before = peak_rss_mb()
    with quiet() as q:
        t0 = time.perf_counter()
        summary = update_index(_settings(a), embedder=emb, show_progress=False)
        wall = time.perf_counter() - t0
    b = {"wall_s": round(wall, 1), "chunks": summary.chunks_total, "files": len(summary.added),
         "embed_s": round(emb.seconds, 1), "embedder": a.embedder, "peak_rss_mb": peak_rss_mb(),
         "rss_before_build_mb": rss_before, "phases": getattr(summary, "phases", None), "other_cpu_share": q.other}
    if a.embedder == "composed":
        b["composed_misses"] = inner.misses
    else:
        model = real.warm_up()
        tokens = token_counts(model, emb.texts)
        b["tokens"] = sum(tokens)
        b["embed_chunks_per_s"] = round(len(emb.texts) / emb.seconds, 2) if emb.seconds else None
        if a.peak_gflops:
            from .compute import model_shape

            shape = model_shape(model)
            flops = sum(shape.flops(n) for n in tokens)
            b["embed_gflops"] = round(flops / emb.seconds / 1e9, 1)
            b["embed_share_of_peak"] = round(flops / emb.seconds / 1e9 / a.peak_gflops, 3)
            b["bound_chunks_per_s"] = round(a.peak_gflops * 1e9 / (flops / len(tokens)), 2)
    out["build"] = b


def queries(a, out: dict) -> None:
    from rag.index import BulletinIndex
    from rag.retrieval import HybridRetriever
    from rag.text import tokenize

    settings = _settings(a)
    real = _e5(a)
    idx = BulletinIndex.open(settings, real)
    retriever = HybridRetriever(idx)
    texts = [q.question for q in questions()]
    k = settings.top_k
    for t in texts[:5]:
        retriever.retrieve(t, k=k)
    res: dict = {"n_queries": len(texts), "k": k, "vector_index": type(idx.vectors.index).__name__}
    for mode in ("dense", "bm25", "hybrid"):
        for _ in range(2):  # measured again when other processes took the CPUs meanwhile
            with quiet() as q:
                lat = []
                for t in texts:
                    t0 = time.perf_counter()
                    retriever.retrieve(t, k=k, mode=mode)
                    lat.append((time.perf_counter() - t0) * 1000)
                conc, wall = _concurrent(retriever, texts * 2, k, mode)
            if not q.redo:
                break
        res[mode] = {"other_cpu_share": q.other, "p50_ms": pct(lat, 50), "p95_ms": pct(lat, 95),
                     "conc8_p50_ms": pct(conc, 50),
                     "conc8_p95_ms": pct(conc, 95), "conc8_qps": round(len(conc) / wall, 1)}
    # filtered: one year of bulletins (about a tenth of a synthetic corpus; the sample's are all 2023)
    from rag.retrieval import Filters

    year = Filters(date_from="2023-01-01", date_to="2023-12-31") if a.name == "sample" else \
        Filters(date_from="2020-01-01", date_to="2020-12-31")
    wait_for_idle(300, window=2.0)
    with quiet() as q:
        lat, found = [], 0
        for t in texts:
            t0 = time.perf_counter()
            hits = retriever.retrieve(t, k=k, mode="hybrid", filters=year)
            lat.append((time.perf_counter() - t0) * 1000)
            found += bool(hits) and all(year.match(h.chunk) for h in hits)
    res["hybrid_filtered_year"] = {"other_cpu_share": q.other, "p50_ms": pct(lat, 50), "p95_ms": pct(lat, 95),
                                   "queries_with_hits_all_matching": found}
    # where the hybrid time goes
    pool = min(len(idx.vectors), max(retriever.pool, 4 * k))  # the unfiltered candidate pool
    parts: dict[str, list[float]] = {"embed_query": [], "faiss": [], "tokenize": [], "bm25": [], "fetch_chunks": []}
    wait_for_idle(300, window=2.0)
    for t in texts:
        t0 = time.perf_counter()
        vec = idx.embedder.embed_query(t)
        t1 = time.perf_counter()
        pairs = idx.vectors.search(vec, pool)
        t2 = time.perf_counter()
        toks = tokenize(t)
        t3 = time.perf_counter()
        kw = idx.keywords.search(toks, pool)
        t4 = time.perf_counter()
        idx._hits(pairs), idx._hits(kw)
        t5 = time.perf_counter()
        for name, dt in zip(parts, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4)):
            parts[name].append(dt * 1000)
    res["hybrid_parts_p50_ms"] = {n: pct(v, 50) for n, v in parts.items()}
    res["recall@10_vs_exact"] = _recall_vs_exact(idx, [real.embed_query(t) for t in texts])
    out["query"] = res
    if a.quality:
        out["quality"] = retrieval_quality(settings, idx)
    idx.close()


def _concurrent(retriever, texts: list[str], k: int, mode: str) -> tuple[list[float], float]:
    def one(t):
        t0 = time.perf_counter()
        retriever.retrieve(t, k=k, mode=mode)
        return (time.perf_counter() - t0) * 1000

    t0 = time.perf_counter()
    with ThreadPoolExecutor(8) as ex:
        lat = list(ex.map(one, texts))
    return lat, time.perf_counter() - t0


def _recall_vs_exact(idx, qvecs: list[np.ndarray], k: int = 10) -> dict:
    """Top-k ids of the served FAISS index against exact inner-product search over the same vectors."""
    ids = np.array([r[0] for r in idx.store.db.execute("SELECT faiss_id FROM chunks")], dtype=np.int64)
    index = idx.vectors.index
    vecs = np.vstack([index.reconstruct(int(i)) for i in ids]) if len(ids) < 2000 else index.reconstruct_batch(ids)
    q = np.vstack(qvecs).astype(np.float32)
    sims = q @ vecs.T
    kth = -np.partition(-sims, k - 1, axis=1)[:, k - 1]  # the k-th best exact score per query
    pos = {int(i): n for n, i in enumerate(ids)}

    def measure() -> tuple[float, float]:
        t0 = time.perf_counter()
        got = [[i for i, _ in idx.vectors.search(v, k)] for v in q]
        ms = (time.perf_counter() - t0) * 1000 / len(q)
        # a returned id counts when its exact score reaches the k-th best (ties in either order are fine)
        hits = [sum(sims[r, pos[i]] >= kth[r] - 1e-5 for i in g[:k]) / k for r, g in enumerate(got)]
        return float(np.mean(hits)), ms

    recall, ms = measure()
    out = {"recall": round(recall, 4), "search_ms": round(ms, 2)}
    if hasattr(index, "nlist"):  # IVF: the served nprobe, and a sweep to choose it from
        served = index.nprobe
        out.update(nlist=index.nlist, nprobe=served, sweep={})
        for nprobe in (1, 2, 4, 8, 16, 32, 64):
            index.nprobe = nprobe
            r, t = measure()
            out["sweep"][nprobe] = {"recall": round(r, 4), "search_ms": round(t, 2)}
        index.nprobe = served
    return out


def updates(a, out: dict) -> None:
    from rag.index import update_index

    from .synth import doc_name, load_pool, make_document

    settings = _settings(a)
    real = _e5(a)
    pool = load_pool(ROOT / "corpus")
    res: dict = {"add1": [], "add10": None}
    number = 900_000
    for n in (1, 1, 10):
        for _ in range(n):
            (Path(a.corpus) / doc_name(99, number)).write_text(make_document(pool, 99, number), encoding="utf-8")
            number += 1
        with quiet() as q:
            t0 = time.perf_counter()
            s = update_index(settings, embedder=real, show_progress=False)
            wall = time.perf_counter() - t0
        row = {"wall_s": round(wall, 2), "added": len(s.added), "other_cpu_share": q.other,
               "chunks_embedded": s.chunks_embedded, "chunks_total": s.chunks_total,
               "phases": getattr(s, "phases", None)}
        if n == 1:
            res["add1"].append(row)
        else:
            res["add10"] = row
    res["add1_median_s"] = statistics.median(r["wall_s"] for r in res["add1"])
    out["update"] = res


def cmd_size(a) -> dict:
    out: dict = {"name": a.name}
    build(a, out)
    queries(a, out)
    if not a.skip_ui:
        out["ui"] = ui_idle_rss(Path(a.index), Path(a.corpus))
    if not a.skip_update:
        updates(a, out)
    return out


# --- pool, embed, answer -------------------------------------------------------------------------
def cmd_pool(a) -> dict:
    from .synth import load_pool

    pool = load_pool(ROOT / "corpus")
    real = _e5(a)
    t0 = time.perf_counter()
    vecs = real.embed_passages(pool.sentences, 16)
    np.savez(a.pool_vectors, texts=np.array(pool.sentences), vectors=vecs)
    return {"sentences": len(pool.sentences), "seconds": round(time.perf_counter() - t0, 1)}


def cmd_answer(a) -> dict:
    from rag.answer import Assistant
    from rag.settings import Settings

    settings = Settings.from_env(env={}, corpus_dir=a.corpus, index_dir=a.index, models_dir=a.models_dir,
                                 embedder="e5", llm="local")
    assistant = Assistant(settings)
    t0 = time.perf_counter()
    assistant.warm_up()
    load = time.perf_counter() - t0
    rows = []
    for q in questions(a.limit):
        ans = assistant.ask(q.question, history=q.history)
        rows.append({"id": q.id, "prompt_tokens": ans.prompt_tokens, **ans.timings})
    first = [r["first_token_ms"] for r in rows if r.get("first_token_ms") is not None]
    total = [r["total_ms"] for r in rows if r.get("total_ms") is not None]
    toks = [r["prompt_tokens"] for r in rows if r.get("prompt_tokens") is not None]
    return {"questions": len(rows), "llm_questions": len(first), "warm_up_s": round(load, 1),
            "first_token_p50_ms": pct(first, 50), "first_token_p95_ms": pct(first, 95),
            "total_p50_ms": pct(total, 50), "total_p95_ms": pct(total, 95),
            "prompt_tokens_p50": pct(toks, 50), "rows": rows}


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m bench.worker")
    p.add_argument("command", choices=["size", "store", "pool", "embed", "answer"])
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--name", default="")
    p.add_argument("--corpus", type=Path)
    p.add_argument("--index", type=Path)
    p.add_argument("--models-dir", type=Path, default=ROOT / "models")
    p.add_argument("--embedder", choices=["real", "composed"], default="real")
    p.add_argument("--pool-vectors", type=Path)
    p.add_argument("--peak-gflops", type=float, default=0.0)
    p.add_argument("--skip-ui", action="store_true")
    p.add_argument("--skip-update", action="store_true")
    p.add_argument("--quality", action="store_true")
    p.add_argument("--limit", type=int, default=10)
    p.add_argument("--sample", type=int, default=192, help="chunks for the embedding benchmark")
    p.add_argument("--skip-reduced", action="store_true", help="embedding benchmark without bf16/int8")
    p.add_argument("--store", choices=["folder", "qdrant"], default="folder", help="for `store`: the backend")
    p.add_argument("--qdrant-url", default="", help="for `store`: a Qdrant server instead of local mode")
    a = p.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    if a.command == "embed":
        from .embed_bench import cmd_embed

        result = cmd_embed(a)
    elif a.command == "store":
        from .stores import cmd_store

        result = cmd_store(a)
    else:
        result = {"size": cmd_size, "pool": cmd_pool, "answer": cmd_answer}[a.command](a)
    a.out.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
