"""Compute side of the benchmark: the CPU's matrix-multiply peak, the model's FLOPs per chunk, embedding
throughput under several settings, and the sentence-composed embedder used for the large corpora."""
from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np

from rag.text import split_sentences
from rag.embeddings.base import Embedder

log = logging.getLogger(__name__)


@dataclass
class Peak:
    gflops: float  # float32: best of the float32 shapes below
    threads: int
    shapes: dict[str, float]


def matmul_peak(threads: int | None = None, seconds: float = 3.0) -> Peak:
    """GEMM throughput with torch at the embedding thread count: a large square product and the shapes of
    the model's own projections (tokens x 384 x 1536), in float32 and, on CPUs that multiply bfloat16
    natively, in bf16 (keys ``bf16 …``); the best float32 shape is ``gflops``."""
    import torch

    if threads:
        torch.set_num_threads(threads)
    shapes = {"2048x2048x2048": (2048, 2048, 2048), "4096x384x1536": (4096, 384, 1536),
              "4096x1536x384": (4096, 1536, 384)}
    dtypes = [("", torch.float32)]
    if torch.cpu._is_avx512_bf16_supported() or torch.cpu._is_amx_tile_supported():
        dtypes.append(("bf16 ", torch.bfloat16))  # the bf16 peak bounds the bf16 embedder
    out: dict[str, float] = {}
    per_shape = seconds / len(shapes)
    with torch.inference_mode():
        for prefix, dtype in dtypes:
            for name, (m, k, n) in shapes.items():
                a, b = torch.randn(m, k, dtype=dtype), torch.randn(k, n, dtype=dtype)
                torch.mm(a, b)
                reps, t0 = 0, time.perf_counter()
                while time.perf_counter() - t0 < per_shape:
                    torch.mm(a, b)
                    reps += 1
                out[prefix + name] = round(2 * m * k * n * reps / (time.perf_counter() - t0) / 1e9, 1)
    fp32 = max(v for k, v in out.items() if not k.startswith("bf16"))
    return Peak(fp32, torch.get_num_threads(), out)


def bf16_peak(peak: Peak) -> float | None:
    values = [v for k, v in peak.shapes.items() if k.startswith("bf16")]
    return max(values) if values else None


@dataclass
class ModelShape:
    layers: int
    hidden: int
    ffn: int

    @property
    def params_per_token(self) -> int:
        """Non-embedding weights touched per token: Q, K, V, O and the two FFN matrices of every layer."""
        return self.layers * (4 * self.hidden * self.hidden + 2 * self.hidden * self.ffn)

    def flops(self, tokens: int) -> float:
        """Forward FLOPs of one sequence of ``tokens``: 2 per weight per token, plus attention scores and
        the weighted sum (2 x 2 x L^2 x hidden per layer)."""
        return 2.0 * self.params_per_token * tokens + 4.0 * self.layers * tokens * tokens * self.hidden


def model_shape(model) -> ModelShape:
    cfg = model[0].auto_model.config
    return ModelShape(cfg.num_hidden_layers, cfg.hidden_size, cfg.intermediate_size)


def token_counts(model, texts: Sequence[str], prefix: str = "passage: ") -> list[int]:
    """Tokens per text as the model sees them (prefix and special tokens included, truncated)."""
    tok = model.tokenizer
    limit = model.max_seq_length
    enc = tok([prefix + t for t in texts], add_special_tokens=True, truncation=True, max_length=limit)
    return [len(ids) for ids in enc["input_ids"]]


@dataclass
class EmbedRun:
    name: str
    chunks: int
    seconds: float
    chunks_per_s: float
    tokens_per_s: float
    gflops: float  # useful model FLOPs per second (no padding)
    share_of_peak: float
    bound_chunks_per_s: float  # what the measured peak allows for these chunks
    cosine_min: float | None = None  # against the reference configuration

    def row(self) -> dict:
        return asdict(self)


def time_embedding(name: str, fn, texts: list[str], tokens: list[int], shape: ModelShape, peak: Peak,
                   reference: np.ndarray | None = None, repeats: int = 1) -> tuple[EmbedRun, np.ndarray]:
    """Time ``fn(texts) -> vectors`` (best of ``repeats``) and relate it to the FLOPs bound."""
    from .probes import quiet

    fn(texts[:8])  # warm-up
    best, vecs = float("inf"), None
    for _ in range(repeats):
        with quiet() as q:
            t0 = time.perf_counter()
            vecs = fn(texts)
            best = min(best, time.perf_counter() - t0)
        if q.redo:  # other processes took the CPUs meanwhile: once more on a quiet machine
            with quiet():
                t0 = time.perf_counter()
                vecs = fn(texts)
                best = time.perf_counter() - t0
    total_flops = sum(shape.flops(n) for n in tokens)
    cos = None
    if reference is not None:
        cos = float(np.min(np.sum(reference * vecs, axis=1)))
    gflops = total_flops / best / 1e9
    run = EmbedRun(name=name, chunks=len(texts), seconds=round(best, 2), chunks_per_s=round(len(texts) / best, 2),
                   tokens_per_s=round(sum(tokens) / best, 1), gflops=round(gflops, 1),
                   share_of_peak=round(gflops / peak.gflops, 3),
                   bound_chunks_per_s=round(peak.gflops * 1e9 / (total_flops / len(texts)), 2),
                   cosine_min=None if cos is None else round(cos, 6))
    return run, vecs


class ComposedEmbedder(Embedder):
    """Passage vectors composed from real e5 vectors of the sample sentences (the normalised mean of the
    vectors of the sentences a chunk contains); queries are embedded for real by ``real``.

    Used to build the 10k/100k-chunk indexes without hours of embedding: FAISS, BM25, SQLite, query and
    update timings stay real; the embedding cost of those sizes is derived from the measured rate. It
    reports the real model's id so the product opens the index like any other.
    """

    def __init__(self, real: Embedder, pool_texts: list[str], pool_vectors: np.ndarray):
        self.real = real
        self.model_id = real.model_id
        self.dimension = real.dimension
        self.table = {t: v for t, v in zip(pool_texts, pool_vectors)}
        self.composed = 0
        self.misses = 0
        self.seconds = 0.0

    def embed_batch(self, texts: Sequence[str], kind: str) -> np.ndarray:
        if kind == "query":
            return self.real.embed_batch(texts, kind)
        t0 = time.perf_counter()
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            parts = [self.table.get(text[s:e].strip()) for s, e in split_sentences(text)]
            parts = [p for p in parts if p is not None]
            if parts:
                v = np.mean(parts, axis=0)
            else:  # no sample sentence in it (not expected for generated text): a fixed pseudo-random vector
                self.misses += 1
                seed = int.from_bytes(hashlib.blake2b(text.encode(), digest_size=4).digest(), "little")
                v = np.random.default_rng(seed).standard_normal(self.dimension)
            out[row] = v / np.linalg.norm(v)
        self.composed += len(texts)
        self.seconds += time.perf_counter() - t0
        return out

    def embed_query(self, text: str) -> np.ndarray:
        return self.real.embed_query(text)


class TimedEmbedder(Embedder):
    """Wraps an embedder and adds up the time spent embedding passages (for the build breakdown)."""

    def __init__(self, inner: Embedder):
        self.inner = inner
        self.model_id = inner.model_id
        self.dimension = inner.dimension
        self.seconds = 0.0
        self.passages = 0
        self.texts: list[str] = []

    def embed_batch(self, texts: Sequence[str], kind: str) -> np.ndarray:
        return self.inner.embed_batch(texts, kind)

    def embed_passages(self, texts, batch_size: int = 16, progress=None) -> np.ndarray:
        t0 = time.perf_counter()
        out = self.inner.embed_passages(texts, batch_size, progress)
        self.seconds += time.perf_counter() - t0
        self.passages += len(texts)
        self.texts.extend(texts)
        return out

    def embed_query(self, text: str) -> np.ndarray:
        return self.inner.embed_query(text)
