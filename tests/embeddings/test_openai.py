"""The served embedder (``RAG_EMBEDDER=openai``) against a loopback OpenAI-compatible server: batches, order,
normalisation, prefixes, the dimension, retries, and one-line errors that name the URL and never the key."""
from __future__ import annotations

import time

import numpy as np
import pytest

from rag.embeddings import make_embedder
from rag.embeddings.openai import E5_PREFIXES, OpenAIEmbedder, RetryPolicy, embeddings_url
from rag.errors import EmbedderUnavailable
from rag.settings import Settings

from .served import EmbeddingServer, closed_port_url, fake_vectors

KEY = "sk-embed-3c9a1f0e7d5b-SECRET"
FAST = RetryPolicy(retries=2, first_wait=0.01, max_wait=0.05)
TEXTS = ["示范区信访案件化解群众满意率达到99.01%。", "川汇区评选出“道德文明使者”。", "征兵宣传手册", "a",
         "搬口街道", "第17期简报", "文明时讯"]


def _embedder(url: str, **kw) -> OpenAIEmbedder:
    return OpenAIEmbedder(url, "served-e5", **{"api_key": KEY, "retry": FAST, **kw})


def test_batches_order_normalisation_and_prefixes():
    with EmbeddingServer() as server:
        e = _embedder(server.url, batch_size=3)
        assert e.known_dimension() is None and server.requests == []  # nothing asked before the first text
        out = e.embed_batch(TEXTS, "passage")
        q = e.embed_query("满意率是多少")
    assert out.dtype == np.float32 and out.shape == (7, 64) and e.known_dimension() == e.dimension == 64
    assert np.allclose(np.linalg.norm(out, axis=1), 1.0, atol=1e-6)
    expected = fake_vectors([f"passage: {t}" for t in TEXTS])  # the server answered in reverse order
    assert np.allclose(out, expected / np.linalg.norm(expected, axis=1, keepdims=True), atol=1e-6)
    assert [len(r["body"]["input"]) for r in server.requests] == [3, 3, 1, 1]  # batch_size texts per request
    assert server.texts()[-1] == "query: 满意率是多少" and q.shape == (64,)
    assert {r["body"]["model"] for r in server.requests} == {"served-e5"}
    assert {r["auth"] for r in server.requests} == {f"Bearer {KEY}"}
    assert {r["path"] for r in server.requests} == {"/v1/embeddings"}


def test_dimension_is_learned_from_one_probe_when_needed_first():
    with EmbeddingServer() as server:
        e = _embedder(server.url)
        assert e.dimension == 64 and len(server.requests) == 1
        e.embed_passages(TEXTS, batch_size=4)
    assert [len(r["body"]["input"]) for r in server.requests] == [1, 4, 3]


def test_model_id_names_the_served_model_and_prefixes_but_not_the_address():
    a = OpenAIEmbedder("http://10.0.0.5:8000/v1", "intfloat/multilingual-e5-small")
    b = OpenAIEmbedder("http://embed.internal/", "intfloat/multilingual-e5-small")
    assert a.model_id == b.model_id == "openai:intfloat/multilingual-e5-small"
    bare = OpenAIEmbedder("http://x/v1", "BAAI/bge-m3", prefixes=("", ""))
    assert bare.model_id == "openai:BAAI/bge-m3 [prefixes '' '']"
    assert embeddings_url("http://h:8000") == embeddings_url("http://h:8000/v1/") == "http://h:8000/v1/embeddings"
    assert embeddings_url("http://h/api/v1/embeddings") == "http://h/api/v1/embeddings"


@pytest.mark.parametrize("status, headers", [(503, {}), (429, {"Retry-After": "0"}), (500, {}), (502, {})])
def test_retries_on_5xx_and_429_then_succeeds(status, headers):
    script = [(status, headers, {"error": {"message": "busy"}})] * 2
    with EmbeddingServer(script=script) as server:
        out = _embedder(server.url).embed_batch(TEXTS[:2], "passage")
    assert out.shape == (2, 64) and len(server.requests) == 3


def test_gives_up_after_the_named_retries_with_one_line():
    with EmbeddingServer(script=[(503, {}, {"message": "overloaded"})] * 10) as server:
        with pytest.raises(EmbedderUnavailable) as err:
            _embedder(server.url).embed_query("问题")
    msg = str(err.value)
    assert len(server.requests) == FAST.retries + 1
    assert "\n" not in msg and server.url in msg and "HTTP 503 (overloaded)" in msg and "3 attempts" in msg


def test_down_endpoint_is_one_line_naming_the_url_without_credentials():
    url = closed_port_url()
    with_creds = url.replace("http://", "http://user:pw-secret@")
    t0 = time.monotonic()
    with pytest.raises(EmbedderUnavailable) as err:
        _embedder(with_creds).embed_query("问题")
    msg = str(err.value)
    assert time.monotonic() - t0 < 5
    assert f"{url}/embeddings" in msg and "cannot be reached" in msg and "ConnectError" in msg
    assert "pw-secret" not in msg and "user:" not in msg and KEY not in msg and "\n" not in msg


def test_a_rejected_key_is_not_retried_and_never_echoed():
    echo = {"error": {"message": f"Incorrect API key provided: {KEY}", "code": "invalid_api_key"}}
    with EmbeddingServer(script=[(401, {}, echo)]) as server:
        with pytest.raises(EmbedderUnavailable) as err:
            _embedder(server.url).embed_query("问题")
    msg = str(err.value)
    assert len(server.requests) == 1 and "HTTP 401" in msg and "RAG_EMBED_API_KEY" in msg
    assert KEY not in msg and "Incorrect API key provided: ***" in msg


@pytest.mark.parametrize("payload", [
    b"<html>gateway</html>",
    {"data": []},
    {"data": [{"index": 5, "embedding": [1.0, 0.0]}]},
    {"data": [{"index": 0, "embedding": [float("nan"), 1.0]}]},
    {"object": "list"},
])
def test_an_answer_that_is_not_embeddings_is_a_clear_error(payload):
    with EmbeddingServer(script=[(200, {}, payload)]) as server:  # json.dumps writes nan as NaN, as some servers do
        with pytest.raises(EmbedderUnavailable, match="not 1 embeddings") as err:
            _embedder(server.url).embed_query("问题")
    assert server.url in str(err.value) and len(server.requests) == 1


def test_a_changed_dimension_is_an_error():
    with EmbeddingServer() as server:
        e = _embedder(server.url)
        e.embed_query("一")
        server.embed = lambda texts: np.ones((len(texts), 32), dtype=np.float32)
        with pytest.raises(EmbedderUnavailable, match="32-d vectors after 64-d"):
            e.embed_query("二")


def test_retry_policy_waits():
    p = RetryPolicy(retries=3, first_wait=0.5, max_wait=8.0)
    assert all(0.25 <= p.wait(0) <= 0.5 for _ in range(20)) and all(4 <= p.wait(5) <= 8 for _ in range(20))
    assert p.wait(0, retry_after=3) == 3 and p.wait(0, retry_after=60) == 8
    assert p.retryable(429) and p.retryable(503) and not p.retryable(400) and not p.retryable(401)


# --- settings --------------------------------------------------------------------------------------------
def test_settings_for_a_served_embedder(tmp_path):
    env = {"RAG_EMBEDDER": "openai", "RAG_EMBED_BASE_URL": "http://10.0.0.5:8000/v1", "RAG_EMBED_MODEL": "e5",
           "RAG_EMBED_API_KEY": KEY, "RAG_EMBED_RETRIES": "0", "RAG_EMBED_TIMEOUT": "5", "RAG_BATCH_SIZE": "64",
           "RAG_INDEX_DIR": str(tmp_path)}
    s = Settings.from_env(env)
    assert (s.embed_model, s.embed_retries, s.embed_timeout, s.batch_size) == ("e5", 0, 5.0, 64)
    assert (s.embed_query_prefix, s.embed_passage_prefix) == E5_PREFIXES and KEY not in repr(s)
    e = make_embedder(s)
    assert isinstance(e, OpenAIEmbedder) and e.batch_size == 64 and e.retry.retries == 0
    assert KEY not in repr(e) and e.model_id == "openai:e5"
    bare = Settings.from_env({**env, "RAG_EMBED_QUERY_PREFIX": "", "RAG_EMBED_PASSAGE_PREFIX": ""})
    assert (bare.embed_query_prefix, bare.embed_passage_prefix) == ("", "")
    with pytest.raises(ValueError, match="RAG_EMBED_BASE_URL and RAG_EMBED_MODEL"):
        Settings.from_env({"RAG_EMBEDDER": "openai", "RAG_EMBED_MODEL": "e5"})
    with pytest.raises(ValueError, match="'e5', 'openai' or 'fake'"):
        Settings.from_env({"RAG_EMBEDDER": "bert"})
