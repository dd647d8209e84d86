"""One settings object, read from ``RAG_*`` environment variables and overridable from the CLI."""
from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

_CHECKOUT = Path(__file__).resolve().parent.parent  # the repository root when run from a checkout


def default_path(*parts: str) -> Path:
    """Where a data folder or file is by default: in the project checkout when the package runs from one
    (an editable install), else under the current directory (an installed wheel)."""
    base = _CHECKOUT if (_CHECKOUT / "pyproject.toml").is_file() and (_CHECKOUT / "rag").is_dir() else Path.cwd()
    return base.joinpath(*parts)


@dataclass(frozen=True)
class Settings:
    corpus_dir: Path
    index_dir: Path
    models_dir: Path
    embedder: str = "e5"  # "e5" (the real model), "openai" (a served model) or "fake" (deterministic, for tests)
    chunk_size: int = 300  # characters; e5 counts roughly one token per 1-1.5 Chinese characters
    chunk_overlap: int = 60  # characters carried over from the previous chunk (whole sentences)
    batch_size: int = 16  # texts per embedding batch (and per request to a served model)
    embed_base_url: str = ""  # for embedder=openai: an OpenAI-compatible server, e.g. http://10.0.0.5:8000/v1
    embed_model: str = ""  # for embedder=openai: the served model's name (recorded in the index manifest)
    embed_api_key: str = field(default="", repr=False)  # never printed or logged
    embed_query_prefix: str = "query: "  # for embedder=openai: e5's; "" (set but empty) for models without
    embed_passage_prefix: str = "passage: "
    embed_timeout: float = 60.0  # seconds one embedding request may take
    embed_retries: int = 3  # further attempts after a connection error, timeout, HTTP 429 or 5xx
    lock_timeout: float = 0.0  # seconds a second `rag index` waits for the first one
    llm: str = "local"  # "local" (GGUF via xllamacpp), "openai" (any compatible endpoint) or "extractive"
    llm_base_url: str = ""  # for llm=openai, e.g. https://api.deepseek.com/v1 or http://127.0.0.1:11434/v1
    llm_model: str = ""  # for llm=openai
    llm_api_key: str = field(default="", repr=False)  # never printed or logged
    llm_max_tokens: int = 160
    llm_threads: int = 2
    llm_ctx: int = 4096
    llm_lookup_draft: int = 8  # local model: tokens drafted from the prompt (llama.cpp's ngram-simple speculation)
    #                            and checked in one batch; answers copy names and figures from the question and
    #                            passages. 0: off. Session 33, 50 own questions, 2 cores: generation mean 3.8 → 1.8 s
    top_k: int = 6  # passages retrieved
    context_passages: int = 3  # passages shown to the LLM
    upload_max_mb: float = 50.0  # largest file the UI accepts
    max_file_mb: float = 50.0  # larger documents are reported and skipped by `rag index`
    passage_chars: int = 140  # characters per passage in the prompt (keeps the first token fast; 200 tried in
    #                           session 32: more facts shown, fewer right answers — TUNING.second_passage_window)
    faiss_ivf_threshold: int = 50000  # vectors from which FAISS search is IVF instead of exact (0: always exact)
    faiss_nprobe: int = 32  # IVF cells visited per query (recall@10 0.967 vs exact at 100k chunks, see bench/)
    prompts_dir: Path | None = None  # edited prompt files instead of the ones shipped in the package
    store: str = "folder"  # search backend: "folder" (SQLite + FAISS + BM25 in index_dir) or "qdrant"
    qdrant_url: str = ""  # for store=qdrant: a server (http://host:6333); empty: local mode in <index_dir>/qdrant
    qdrant_api_key: str = field(default="", repr=False)  # never printed or logged
    qdrant_collection: str = "bulletins"  # the alias readers search; each rebuild fills a new collection behind it
    qdrant_shards: int = 0  # shards of a new collection; 0: Qdrant's default (one per cluster node at creation)
    qdrant_replication: int = 1  # copies of each shard on different nodes (2: a cluster survives losing a node)

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None, **overrides) -> "Settings":
        env = dict(os.environ if env is None else env)
        values: dict = {
            "corpus_dir": Path(env.get("RAG_CORPUS_DIR") or default_path("corpus")),
            "index_dir": Path(env.get("RAG_INDEX_DIR") or default_path("index")),
            "models_dir": Path(env.get("RAG_MODELS_DIR") or default_path("models")),
            "prompts_dir": Path(env["RAG_PROMPTS_DIR"]) if env.get("RAG_PROMPTS_DIR") else None,
        }
        for name in ("embed_query_prefix", "embed_passage_prefix"):  # set but empty: no prefix
            if f"RAG_{name.upper()}" in env:
                values[name] = env[f"RAG_{name.upper()}"]
        casts = {f.name: f.type for f in fields(cls)}
        for name in ("embedder", "embed_base_url", "embed_model", "embed_api_key", "embed_timeout", "embed_retries",
                     "chunk_size", "chunk_overlap", "batch_size", "lock_timeout", "llm", "llm_base_url",
                     "llm_model", "llm_api_key", "llm_max_tokens", "llm_threads", "llm_ctx", "llm_lookup_draft",
                     "top_k", "context_passages", "passage_chars", "upload_max_mb", "max_file_mb",
                     "faiss_ivf_threshold", "faiss_nprobe", "store", "qdrant_url", "qdrant_api_key",
                     "qdrant_collection", "qdrant_shards", "qdrant_replication"):
            raw = env.get(f"RAG_{name.upper()}")
            if raw:
                try:
                    values[name] = {"int": int, "float": float}.get(casts[name], str)(raw)
                except ValueError as exc:
                    raise ValueError(f"RAG_{name.upper()}={raw!r} is not a valid {casts[name]}") from exc
        settings = cls(**values)
        clean = {k: v for k, v in overrides.items() if v is not None}
        if clean:
            settings = replace(settings, **{k: Path(v) if k.endswith("_dir") else v for k, v in clean.items()})
        settings.validate()
        return settings

    def validate(self) -> None:
        from .redact import register_secret

        register_secret(self.llm_api_key)
        register_secret(self.qdrant_api_key)
        register_secret(self.embed_api_key)
        if self.store not in ("folder", "qdrant"):
            raise ValueError(f"unknown store {self.store!r} (RAG_STORE); expected 'folder' or 'qdrant'")
        if self.chunk_size < 50:
            raise ValueError(f"chunk size {self.chunk_size} is too small (minimum 50 characters)")
        if not 0 <= self.chunk_overlap < self.chunk_size // 2:
            raise ValueError(f"chunk overlap {self.chunk_overlap} must be between 0 and half the chunk size")
        if self.embedder not in ("e5", "openai", "fake"):
            raise ValueError(f"unknown embedder {self.embedder!r}; expected 'e5', 'openai' or 'fake'")
        if self.embedder == "openai" and not (self.embed_base_url and self.embed_model):
            raise ValueError("RAG_EMBEDDER=openai needs RAG_EMBED_BASE_URL and RAG_EMBED_MODEL (and perhaps "
                             "RAG_EMBED_API_KEY)")
        if self.embed_timeout <= 0 or self.embed_retries < 0:
            raise ValueError("RAG_EMBED_TIMEOUT must be > 0 and RAG_EMBED_RETRIES >= 0")
        if self.llm not in ("local", "openai", "extractive"):
            raise ValueError(f"unknown LLM backend {self.llm!r}; expected 'local', 'openai' or 'extractive'")
        if self.llm == "openai" and not self.llm_base_url:
            raise ValueError("RAG_LLM=openai needs RAG_LLM_BASE_URL (and usually RAG_LLM_MODEL, RAG_LLM_API_KEY)")
        if self.top_k < 1 or self.context_passages < 1 or self.passage_chars < 40:
            raise ValueError("top_k and context_passages must be >= 1 and passage_chars >= 40")
        if self.batch_size < 1:
            raise ValueError("batch size must be at least 1")
        if not 0 <= self.llm_lookup_draft <= 64:
            raise ValueError(f"RAG_LLM_LOOKUP_DRAFT={self.llm_lookup_draft} must be between 0 (off) and 64 tokens")
        if self.qdrant_shards < 0 or self.qdrant_replication < 1:
            raise ValueError("RAG_QDRANT_SHARDS must be >= 0 (0: Qdrant's default) and RAG_QDRANT_REPLICATION >= 1")
        if self.faiss_nprobe < 1 or self.faiss_ivf_threshold < 0:
            raise ValueError("RAG_FAISS_NPROBE must be >= 1 and RAG_FAISS_IVF_THRESHOLD >= 0")
