"""Embedding throughput against the FLOPs bound: the product's embedder and variants (batch size, order
by token length, bf16, int8 dynamic quantisation), with cosine to the product's vectors and, for the
reduced-precision variants, retrieval quality on the eval set."""
from __future__ import annotations

import copy
import logging
import tempfile
import time
from pathlib import Path

import numpy as np

from rag.embeddings.base import Embedder

from .compute import bf16_peak, matmul_peak, model_shape, time_embedding, token_counts

log = logging.getLogger(__name__)
ROOT = Path(__file__).resolve().parent.parent


def sample_texts(n: int) -> list[str]:
    """``n`` chunk texts (as embedded: header line + passage) of the synthetic corpus, deterministic."""
    from rag.ingest import chunk_articles
    from rag.ingest import parse_document

    from .synth import doc_name, load_pool, make_document

    pool = load_pool(ROOT / "corpus")
    texts: list[str] = []
    number = 0
    while len(texts) < n:
        doc = parse_document(make_document(pool, 7, number), doc_name(7, number))
        texts += [c.embed_text() for c in chunk_articles(doc.articles, 300, 60)]
        number += 1
    return texts[:n]


class STEmbedder(Embedder):
    """A sentence-transformers model used directly, with a batch size, an ordering and a precision."""

    def __init__(self, model, model_id: str, batch_size: int = 16, order: str = "chars", autocast=None):
        self.model = model
        self.model_id = model_id
        self.dimension = 384
        self.batch_size = batch_size
        self.order = order
        self.autocast = autocast

    def _encode(self, texts, kind):
        import torch

        def run():
            return self.model.encode(list(texts), prompt_name=kind, batch_size=self.batch_size,
                                     normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False)
        if self.autocast is not None:
            with torch.autocast("cpu", dtype=self.autocast):
                return np.asarray(run(), dtype=np.float32)
        return np.asarray(run(), dtype=np.float32)

    def embed_batch(self, texts, kind):
        return self._encode(texts, kind)

    def embed_passages(self, texts, batch_size: int = 16, progress=None):
        if self.order == "tokens":
            n = token_counts(self.model, texts)
            order = sorted(range(len(texts)), key=lambda i: n[i])
            out = np.zeros((len(texts), self.dimension), dtype=np.float32)
            for b in range(0, len(order), self.batch_size):
                idx = order[b:b + self.batch_size]
                out[idx] = self._encode([texts[i] for i in idx], "passage")
            return out
        return self._encode(texts, "passage")


def int8_model(model):
    """A copy of the model with its Linear layers dynamically quantised to int8 (fbgemm)."""
    import torch

    q = copy.deepcopy(model)
    torch.ao.quantization.quantize_dynamic(q[0].model, {torch.nn.Linear}, dtype=torch.qint8, inplace=True)
    return q


def _quality_with(embedder: Embedder) -> dict:
    """hit@k / evidence@5 on the eval set for the sample corpus indexed with ``embedder``."""
    from rag.index import BulletinIndex
    from rag.index import update_index
    from rag.settings import Settings

    from .quality import retrieval_quality

    with tempfile.TemporaryDirectory() as tmp:
        s = Settings.from_env(env={}, corpus_dir=ROOT / "corpus", index_dir=Path(tmp) / "index",
                              models_dir=ROOT / "models", embedder="e5", llm="extractive")
        update_index(s, embedder=embedder, show_progress=False)
        idx = BulletinIndex.open(s, embedder, check=False)
        try:
            return retrieval_quality(s, idx)
        finally:
            idx.close()


def time_breakdown(embedder: Embedder, texts: list[str], tokens: list[int], shape, peak) -> dict:
    """Where the product embedder's time goes (torch profiler, one pass): the projections (``addmm``, with
    their FLOPs and share of the peak of the precision used), attention (``scaled_dot_product_attention``,
    with its FLOPs) and everything else (GELU, LayerNorm, casts, tokenizer, pooling)."""
    from torch.profiler import ProfilerActivity, profile

    embedder.embed_passages(texts[:8])
    t0 = time.perf_counter()
    with profile(activities=[ProfilerActivity.CPU]) as prof:
        embedder.embed_passages(texts)
    wall = time.perf_counter() - t0
    own = {e.key: e.self_cpu_time_total / 1e6 for e in prof.key_averages()}
    gemm = sum(v for k, v in own.items() if k in ("aten::addmm", "aten::mm", "aten::bmm", "aten::matmul"))
    attn = sum(v for k, v in own.items() if "scaled_dot_product" in k or k in ("aten::_softmax",))
    total = sum(own.values())
    gemm_flop = sum(2.0 * shape.params_per_token * n for n in tokens)
    attn_flop = sum(4.0 * shape.layers * n * n * shape.hidden for n in tokens)
    top = bf16_peak(peak) if getattr(embedder, "bf16", False) else peak.gflops
    return {"wall_s": round(wall, 3), "profiled_cpu_s": round(total, 3),
            "projections_s": round(gemm, 3), "projections_gflops": round(gemm_flop / gemm / 1e9, 1) if gemm else None,
            "projections_share_of_peak": round(gemm_flop / gemm / 1e9 / top, 3) if gemm and top else None,
            "attention_s": round(attn, 3), "attention_gflops": round(attn_flop / attn / 1e9, 1) if attn else None,
            "other_s": round(total - gemm - attn, 3),
            "flop_share_attention": round(attn_flop / (attn_flop + gemm_flop), 3)}


def cmd_embed(a) -> dict:
    import torch

    from rag.embeddings.e5 import E5Embedder

    product = E5Embedder(a.models_dir)  # the product's defaults
    model = product.warm_up()
    texts = sample_texts(a.sample)
    tokens = token_counts(model, texts)
    shape = model_shape(model)
    peak = matmul_peak()
    out: dict = {"threads": torch.get_num_threads(), "peak": peak.__dict__, "chunks": len(texts),
                 "tokens_mean": round(float(np.mean(tokens)), 1), "tokens_max": max(tokens),
                 "gflop_per_chunk": round(sum(shape.flops(n) for n in tokens) / len(texts) / 1e9, 2),
                 "runs": []}
    fp32 = STEmbedder(model, "fp32", 16)
    ref_run, ref = time_embedding("float32, batch 16 (the embedder before bf16)",
                                  lambda t: fp32.embed_passages(t, 16), texts, tokens, shape, peak)
    out["runs"].append(ref_run.row())
    bf16 = torch.bfloat16
    variants = [
        (f"product: E5Embedder (batch {product.batch_size}, "
         f"{'bf16 autocast' if getattr(product, 'bf16', False) else 'float32'})", product),
        ("float32, batch 32", STEmbedder(model, "x", 32)),
        ("float32, batch 64", STEmbedder(model, "x", 64)),
        ("float32, batch 32, order by tokens", STEmbedder(model, "x", 32, order="tokens")),
        ("float32, batch 8, order by tokens", STEmbedder(model, "x", 8, order="tokens")),
        ("bf16 autocast, batch 16", STEmbedder(model, "x", 16, autocast=bf16)),
        ("bf16 autocast, batch 32", STEmbedder(model, "x", 32, autocast=bf16)),
        ("bf16 autocast, batch 8, order by tokens", STEmbedder(model, "x", 8, order="tokens", autocast=bf16)),
    ]
    if not a.skip_reduced:
        variants.append(("int8 dynamic quantisation, batch 16", STEmbedder(int8_model(model), "x-int8", 16)))
    for name, emb in variants:
        run, _ = time_embedding(name, lambda t, e=emb: e.embed_passages(t, e.batch_size), texts, tokens, shape,
                                peak, reference=ref)
        out["runs"].append(run.row())
        log.warning("%s", run.row())
    top = bf16_peak(peak)
    if top:  # bf16 runs against the bf16 peak
        out["bf16_peak"] = top
        for r in out["runs"]:
            if "bf16 autocast" in r["name"]:
                r["share_of_bf16_peak"] = round(r["gflops"] / top, 3)
    out["breakdown"] = time_breakdown(product, texts, tokens, shape, peak)
    if a.quality:
        out["quality"] = {"float32": _quality_with(fp32), variants[0][0]: _quality_with(product)}
        if not a.skip_reduced:
            out["quality"][variants[-1][0]] = _quality_with(variants[-1][1])
    # time in the tokenizer alone (not FLOPs): part of every variant
    t0 = time.perf_counter()
    token_counts(model, texts)
    out["tokenizer_s"] = round(time.perf_counter() - t0, 3)
    return out
