"""A folder index built through ``RAG_EMBEDDER=openai`` (a loopback server with deterministic vectors) answers a
question, and the manifest refuses to serve it with another embedder (and an index of another embedder with it)."""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from rag.answer import Assistant
from rag.embeddings import make_embedder
from rag.embeddings.fake import FakeEmbedder
from rag.errors import IndexMismatch
from rag.index import BulletinIndex, open_index, update_index
from rag.settings import Settings

from ..conftest import SAMPLES
from ..embeddings.served import EmbeddingServer

QUESTION = "示范区信访案件化解群众满意率是多少？"


def _served(settings: Settings, url: str, model: str = "served-e5") -> Settings:
    env = {"RAG_EMBEDDER": "openai", "RAG_EMBED_BASE_URL": url, "RAG_EMBED_MODEL": model, "RAG_EMBED_RETRIES": "0",
           "RAG_LLM": "extractive"}
    return Settings.from_env(env, corpus_dir=settings.corpus_dir, index_dir=settings.index_dir,
                             models_dir=settings.models_dir)


def test_build_answer_and_refuse_another_embedder(settings):
    with EmbeddingServer() as server:
        s = _served(settings, server.url)
        summary = update_index(s, show_progress=False)
        assert sorted(summary.added) == SAMPLES and summary.chunks_embedded == summary.chunks_total > 0
        assert {len(r["body"]["input"]) for r in server.requests[1:]} <= set(range(1, s.batch_size + 1))
        assert all(t.startswith("passage: ") for t in server.texts()[1:])  # after the one dimension probe
        idx = BulletinIndex.open(s)
        assert (idx.manifest.embedding_model, idx.manifest.dimension) == ("openai:served-e5", 64)
        answer = Assistant(s, idx).ask(QUESTION)
        assert "99.01%" in answer.answer and answer.citations
        assert server.texts()[-1].startswith("query: ")
        again = update_index(s, show_progress=False)  # nothing changed: nothing embedded
        assert again.chunks_embedded == 0

        # the same index under another embedder: refused when opened, before any question
        for other in (replace(s, embedder="fake"), _served(settings, server.url, model="bge-m3")):
            with pytest.raises(IndexMismatch, match="openai:served-e5 .64-d.*rag index --rebuild"):
                open_index(other)
            with pytest.raises(IndexMismatch):
                update_index(other, show_progress=False)
        # the served model changed its vector size behind the same name: refused on the first query
        server.embed = lambda texts: np.ones((len(texts), 32), dtype=np.float32)
        fresh = BulletinIndex.open(s)  # opening asks the server nothing
        with pytest.raises(IndexMismatch, match="64-d vectors of openai:served-e5.*32-d"):
            fresh.search_dense(QUESTION)


def test_an_index_of_another_embedder_is_refused_by_the_served_one(settings):
    update_index(settings, embedder=FakeEmbedder(), show_progress=False)  # 64-d, like the served fake vectors
    with EmbeddingServer() as server:
        s = _served(settings, server.url)
        with pytest.raises(IndexMismatch, match="fake-char-bigram-v1 .64-d.*configured model is openai:served-e5"):
            open_index(s)
        with pytest.raises(IndexMismatch):
            update_index(s, show_progress=False)
        assert server.texts() == ["query: 维度"]  # the update learned the size, then stopped before embedding
        rebuilt = update_index(s, rebuild=True, show_progress=False)
        assert rebuilt.chunks_embedded == rebuilt.chunks_total
        assert open_index(s).manifest.embedding_model == make_embedder(s).model_id == "openai:served-e5"
