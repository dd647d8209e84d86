"""Markdown tables from a benchmark report (``bench.json``), and a before/after comparison of two."""
from __future__ import annotations


def _v(x, fmt: str = "{}") -> str:
    if x is None or x == "":
        return "–"
    return fmt.format(x)


def _rate(report: dict) -> float | None:
    """Measured e5 embedding rate (chunks/s) of this run: the largest real build, else the embedding bench."""
    best = None
    for name, r in report.get("sizes", {}).items():
        b = r.get("build", {})
        if b.get("embedder") == "real" and b.get("embed_chunks_per_s"):
            if best is None or b["chunks"] > best[0]:
                best = (b["chunks"], b["embed_chunks_per_s"])
    if best:
        return best[1]
    runs = report.get("embedding", {}).get("runs") or []
    return runs[0]["chunks_per_s"] if runs else None


def derived_build_s(report: dict, b: dict) -> float | None:
    """Whole-build wall time with real e5 embedding for a composed-vector build: measured wall time minus
    the time spent composing vectors plus chunks / measured e5 rate."""
    rate = _rate(report)
    if b.get("embedder") != "composed" or not rate:
        return None
    return round(b["wall_s"] - b.get("embed_s", 0) + b["chunks"] / rate, 0)


def _table(L: list[str], title: str, columns: str, align: str) -> None:
    """A Markdown table heading: ``title``, the header row from ``columns`` ("a | b | c") and the
    separator from ``align`` (one ``l``/``r`` per column)."""
    L.append(title)
    L.append(f"| {columns} |")
    L.append("|" + "|".join("---" if a == "l" else "---:" for a in align) + "|")


def _each(sizes: dict, key: str):
    """(size name, that size's ``key`` section) for the sizes that have it."""
    return ((name, r[key]) for name, r in sizes.items() if r.get(key))


def render(report: dict) -> str:
    L: list[str] = []
    L.append(f"# Benchmark {report.get('label') or ''}".rstrip())
    m = report.get("machine", {})
    L.append(f"\n`{report.get('command', '')}`  \n{report.get('started', '')} · {m.get('cpus')} CPUs "
             f"({m.get('cpu')}) · Python {m.get('python')}")
    emb = report.get("embedding", {})
    peak = emb.get("peak", {})
    if peak:
        bf = [v for k, v in (peak.get("shapes") or {}).items() if k.startswith("bf16")]
        L.append(f"\nMatrix-multiply peak (torch, {peak.get('threads', '?')} threads, same run): "
                 f"**{_v(peak.get('gflops'))} GFLOP/s float32**" + (f", **{max(bf)} GFLOP/s bf16**" if bf else "")
                 + f" {peak.get('shapes', '')}")
    if emb.get("runs"):
        _table(L, f"\n## Embedding throughput ({emb['chunks']} chunks, {emb['tokens_mean']} tokens mean, "
                  f"{emb['gflop_per_chunk']} GFLOP/chunk)\n",
               "configuration | chunks/s | GFLOP/s | share of float32 peak | share of bf16 peak "
               "| float32 FLOPs bound chunks/s | min cosine vs float32", "lrrrrrr")
        for r in emb["runs"]:
            bf = r.get("share_of_bf16_peak")
            L.append(f"| {r['name']} | {r['chunks_per_s']} | {r['gflops']} | {r['share_of_peak']:.0%} | "
                     f"{f'{bf:.0%}' if bf else '–'} | {r['bound_chunks_per_s']} | {_v(r.get('cosine_min'))} |")
    if emb.get("breakdown"):
        d = emb["breakdown"]
        L.append(f"\nWhere the product embedder's time goes (torch profiler, {d['profiled_cpu_s']} s of CPU time "
                 f"in {d['wall_s']} s): projections {d['projections_s']} s at {_v(d['projections_gflops'])} GFLOP/s "
                 f"({_v(d['projections_share_of_peak'])} of the peak of its precision); attention "
                 f"{d['attention_s']} s at {_v(d['attention_gflops'])} GFLOP/s ({d['flop_share_attention']:.0%} "
                 f"of the FLOPs); everything else {d['other_s']} s.")
    if emb.get("quality"):
        _table(L, "\nRetrieval on the eval set (sample corpus indexed with each configuration):\n",
               "configuration | mode | hit@1 | hit@5 | hit@10 | evidence@5", "llrrrr")
        for name, q in emb["quality"].items():
            for mode, o in q.items():
                L.append(f"| {name} | {mode} | {_v(o.get('hit@1'))} | {_v(o.get('hit@5'))} | {_v(o.get('hit@10'))} "
                         f"| {_v(o.get('evidence@5'))} |")
    sizes = report.get("sizes", {})
    if sizes:
        _table(L, "\n## Index build\n", "size | chunks | files | vectors | wall s | embed s | embed chunks/s | "
               "share of peak | peak RSS MB | wall s with e5 (derived)", "lrrlrrrrrr")
        for name, r in sizes.items():
            b = r.get("build")
            if not b:
                L.append(f"| {name} | error: {r.get('error')} |||||||||")
                continue
            share = b.get("embed_share_of_peak")
            L.append(f"| {name} | {b['chunks']} | {b['files']} | {'e5' if b['embedder'] == 'real' else 'composed'} | "
                     f"{b['wall_s']} | {b['embed_s']} | {_v(b.get('embed_chunks_per_s'))} | "
                     f"{'–' if share is None else f'{share:.0%}'} | {b['peak_rss_mb']} | "
                     f"{_v(derived_build_s(report, b))} |")
        _table(L, "\n## Incremental update (whole corpus folder rescanned, e5 embeds the new chunks)\n",
               "size | add 1 doc s (median of 2) | add 10 docs s | add-1 phases s", "lrrl")
        for name, u in _each(sizes, "update"):
            ph = (u["add1"][-1].get("phases") or {}) if u.get("add1") else {}
            phases = ", ".join(f"{k} {v}" for k, v in ph.items()) or "–"
            L.append(f"| {name} | {u['add1_median_s']} | {u['add10']['wall_s']} | {phases} |")
        _table(L, "\n## Retrieval latency (eval questions, ms; `conc8` = 8 concurrent threads)\n",
               "size | vectors | mode | p50 | p95 | conc8 p50 | conc8 p95 | conc8 q/s", "lllrrrrr")
        for name, q in _each(sizes, "query"):
            for mode in ("dense", "bm25", "hybrid"):
                x = q[mode]
                L.append(f"| {name} | {q['vector_index']} | {mode} | {x['p50_ms']} | {x['p95_ms']} | "
                         f"{x['conc8_p50_ms']} | {x['conc8_p95_ms']} | {x['conc8_qps']} |")
            if f := q.get("hybrid_filtered_year"):
                L.append(f"| {name} | {q['vector_index']} | hybrid, one year filtered | {f['p50_ms']} | {f['p95_ms']} "
                         f"| – | – | – |")
        _table(L, "\nHybrid p50 by part (ms) and dense recall@10 against exact search:\n",
               "size | embed query | FAISS | jieba | BM25 | fetch chunks | recall@10 | FAISS ms/query (k=10)", "lrrrrrrr")
        for name, q in _each(sizes, "query"):
            p = q.get("hybrid_parts_p50_ms", {})
            rc = q.get("recall@10_vs_exact", {})
            L.append(f"| {name} | {p.get('embed_query')} | {p.get('faiss')} | {p.get('tokenize')} | {p.get('bm25')} | "
                     f"{p.get('fetch_chunks')} | {_v(rc.get('recall'))} | {_v(rc.get('search_ms'))} |")
        for name, r in sizes.items():
            rc = (r.get("query") or {}).get("recall@10_vs_exact") or {}
            if rc.get("sweep"):
                sweep = ", ".join(f"{n}: {x['recall']} / {x['search_ms']} ms" for n, x in rc["sweep"].items())
                L.append(f"\nIVF at {name}: nlist {rc['nlist']}, served nprobe {rc['nprobe']}; "
                         f"nprobe → recall@10 / ms per query: {sweep}")
        _table(L, "\n## Memory of `rag ui` idle (index loaded, embedder warm, extractive backend)\n",
               "size | RSS MB | ready after s", "lrr")
        for name, u in _each(sizes, "ui"):
            L.append(f"| {name} | {_v(u.get('rss_mb'))} | {_v(u.get('ready_s'))} |"
                     + (f" {u['error']}" if u.get("error") else ""))
        qual = next((r["quality"] for r in sizes.values() if r.get("quality")), None)
        if qual:
            _table(L, "\n## Retrieval quality on the sample corpus (eval set, answerable questions)\n",
                   "mode | hit@1 | hit@5 | hit@10 | evidence@5", "lrrrr")
            for mode, o in qual.items():
                L.append(f"| {mode} | {o['hit@1']} | {o['hit@5']} | {o['hit@10']} | {o['evidence@5']} |")
    if report.get("stores"):
        from .stores import render_stores

        L += render_stores(report["stores"])
        L.append("\nQdrant in local mode is qdrant-client's own in-process store: brute-force search in Python, "
                 "one process per folder; reported, not a target (a Qdrant server searches HNSW in Rust).")
        return "\n".join(L) + "\n"
    for key, title in (("answer", "Answers with the local model (this run)"),
                       ("answer_report", "Answers with the local model (from a `rag eval` report)")):
        a = report.get(key)
        if a:
            ft50 = a.get("first_token_p50_ms", a.get("first_token_ms_p50"))
            ft95 = a.get("first_token_p95_ms", a.get("first_token_ms_p95"))
            t50 = a.get("total_p50_ms", a.get("total_ms_p50"))
            t95 = a.get("total_p95_ms", a.get("total_ms_p95"))
            _table(L, f"\n## {title}\n", "questions | first token p50 ms | p95 | total p50 ms | p95 | prompt tokens p50",
                   "rrrrrr")
            L.append(f"| {a.get('questions')} | {ft50} | {ft95} | {t50} | {t95} | {a.get('prompt_tokens_p50')} |")
    L.append("\nMeasured vs derived: every number above is measured in this run except the column "
             "'wall s with e5 (derived)', which replaces the composed-vector time by chunks / the measured e5 rate. "
             "Sizes marked 'composed' were indexed with vectors composed from real e5 vectors of the sample sentences "
             "(FAISS, BM25, SQLite, parsing, update and query timings are real; queries are embedded with e5).")
    return "\n".join(L) + "\n"


def _pick(report: dict) -> dict[str, dict]:
    rows: dict[str, dict] = {}
    for name, r in report.get("sizes", {}).items():
        b, u, q, ui = r.get("build", {}), r.get("update", {}), r.get("query", {}), r.get("ui", {})
        rows[name] = {
            "build wall s": b.get("wall_s"), "build peak RSS MB": b.get("peak_rss_mb"),
            "embed chunks/s": b.get("embed_chunks_per_s"), "embed share of peak": b.get("embed_share_of_peak"),
            "add 1 doc s": u.get("add1_median_s"), "add 10 docs s": (u.get("add10") or {}).get("wall_s"),
            "dense p50 ms": (q.get("dense") or {}).get("p50_ms"), "bm25 p50 ms": (q.get("bm25") or {}).get("p50_ms"),
            "hybrid p50 ms": (q.get("hybrid") or {}).get("p50_ms"),
            "hybrid p95 ms": (q.get("hybrid") or {}).get("p95_ms"),
            "hybrid conc8 p50 ms": (q.get("hybrid") or {}).get("conc8_p50_ms"),
            "hybrid one-year filter p50 ms": (q.get("hybrid_filtered_year") or {}).get("p50_ms"),
            "recall@10 vs exact": (q.get("recall@10_vs_exact") or {}).get("recall"),
            "vector index": q.get("vector_index"), "ui RSS MB": ui.get("rss_mb")}
    return rows


def compare(before: dict, after: dict) -> str:
    """One table per size: each metric before and after."""
    a, b = _pick(before), _pick(after)
    L = [f"# Before / after\n\nbefore: `{before.get('command')}` ({before.get('started')})  \n"
         f"after: `{after.get('command')}` ({after.get('started')})\n"]
    for name in [n for n in b if n in a] + [n for n in b if n not in a]:
        L.append(f"\n## {name}\n\n| metric | before | after |\n|---|---:|---:|")
        for metric, val in b[name].items():
            L.append(f"| {metric} | {_v(a.get(name, {}).get(metric))} | {_v(val)} |")
    eb = [r for r in (before.get("embedding", {}).get("runs") or [])[:1]]
    ea = [r for r in (after.get("embedding", {}).get("runs") or [])[:1]]
    if eb and ea:
        L.append("\n## Embedding (product path)\n\n| metric | before | after |\n|---|---:|---:|")
        for k in ("chunks_per_s", "gflops", "share_of_peak"):
            L.append(f"| {k} | {eb[0][k]} | {ea[0][k]} |")
    return "\n".join(L) + "\n"
