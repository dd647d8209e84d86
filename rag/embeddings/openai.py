"""Embeddings from a served model (``RAG_EMBEDDER=openai``): any OpenAI-compatible ``POST …/v1/embeddings``
endpoint (vLLM, TEI, Xinference, Ollama).

Each request carries at most ``batch_size`` texts; connection errors, timeouts, HTTP 408/429 and 5xx are tried
again with exponential backoff (:class:`RetryPolicy`), other answers fail at once. Vectors come back in input
order (by each item's ``index``) as L2-normalised float32; their size is learned from the first answer. Every
failure is one :class:`~rag.errors.EmbedderUnavailable` line naming the endpoint (without credentials), never
the key. Queries and passages get e5's ``query: ``/``passage: `` prefixes unless configured otherwise.

The model id that the index manifest records is ``openai:<model>`` (plus the prefixes when they are not e5's):
the served model's *name*, not its address (replicas may reach one server under different names, and moving the
server must not force a rebuild), and never the local e5's id. An index built with the local e5 is therefore
refused by a served model and the other way round, even for "the same" model: the served one runs other
weights (not the 4-bit conversion) and other kernels, and vectors of two stacks mixed in one index would
degrade ranking without an error. httpx is imported when the first request is made.
"""
from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..errors import EmbedderUnavailable
from ..redact import public_url, redact
from ..settings import Settings
from .base import Embedder

log = logging.getLogger(__name__)

E5_PREFIXES = ("query: ", "passage: ")
CONNECT_TIMEOUT_S = 10.0  # a server that does not accept the connection by then is down
DIMENSION_PROBE = "维度"  # embedded once when the vector size is needed before any other text
ERROR_CHARS = 160  # of a server's error message quoted in ours


@dataclass(frozen=True)
class RetryPolicy:
    """``retries`` further attempts after the first, waiting ``first_wait`` s and doubling up to ``max_wait`` s,
    each wait jittered to 50–100 % (replicas that failed together try again apart); a ``Retry-After``
    header (429/503) is honoured up to ``max_wait``."""

    retries: int = 3
    first_wait: float = 0.5
    max_wait: float = 8.0

    def wait(self, attempt: int, retry_after: float | None = None) -> float:
        if retry_after is not None:
            return min(self.max_wait, max(0.0, retry_after))
        return min(self.max_wait, self.first_wait * 2 ** attempt) * (0.5 + random.random() / 2)

    @staticmethod
    def retryable(status: int) -> bool:
        return status in (408, 429) or status >= 500


def embeddings_url(base_url: str) -> str:
    """The endpoint for a base URL given with or without ``/v1`` (as ``RAG_LLM_BASE_URL`` is) or in full."""
    base = base_url.strip().rstrip("/")
    if base.endswith("/embeddings"):
        return base
    return f"{base}/embeddings" if base.endswith("/v1") else f"{base}/v1/embeddings"


class OpenAIEmbedder(Embedder):
    """Embeds through a served model; cheap to make (no request until the first text or :attr:`dimension`)."""

    def __init__(self, base_url: str, model: str, api_key: str = "", batch_size: int = 16, timeout: float = 60.0,
                 retry: RetryPolicy = RetryPolicy(), prefixes: tuple[str, str] = E5_PREFIXES):
        if not base_url or not model:
            raise ValueError("the served embedder needs a base URL and a model name")
        self.url = embeddings_url(base_url)
        self.model = model
        self.batch_size = max(1, batch_size)
        self.timeout = timeout
        self.retry = retry
        self.prefixes = {"query": prefixes[0], "passage": prefixes[1]}
        suffix = "" if tuple(prefixes) == E5_PREFIXES else f" [prefixes {prefixes[0]!r} {prefixes[1]!r}]"
        self.model_id = f"openai:{model}{suffix}"
        self._api_key = api_key
        self._dimension: int | None = None
        self._client = None
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Settings) -> "OpenAIEmbedder":
        return cls(settings.embed_base_url, settings.embed_model, settings.embed_api_key, settings.batch_size,
                   settings.embed_timeout, RetryPolicy(retries=settings.embed_retries),
                   (settings.embed_query_prefix, settings.embed_passage_prefix))

    def __repr__(self) -> str:
        return f"OpenAIEmbedder({self.where!r}, model={self.model!r})"

    @property
    def where(self) -> str:
        """The endpoint as messages show it: no credentials."""
        return public_url(self.url)

    @property
    def dimension(self) -> int:
        """The vector size; asks the server once (one short text) when no answer has told it yet."""
        if self._dimension is None:
            self.embed_batch([DIMENSION_PROBE], "query")
        return self._dimension

    def known_dimension(self) -> int | None:
        return self._dimension

    def embed_batch(self, texts: Sequence[str], kind: str) -> np.ndarray:
        if kind not in self.prefixes:
            raise ValueError(f"kind must be 'query' or 'passage', not {kind!r}")
        inputs = [self.prefixes[kind] + t for t in texts]
        if not inputs:
            return np.zeros((0, self._dimension or 0), dtype=np.float32)
        return np.vstack([self._request(inputs[i:i + self.batch_size])
                          for i in range(0, len(inputs), self.batch_size)])

    def close(self) -> None:
        with self._lock:
            if self._client is not None:
                self._client.close()
                self._client = None

    # --- one request ------------------------------------------------------------------------------------
    def _http(self):
        with self._lock:
            if self._client is None:
                try:
                    import httpx
                except ImportError as exc:  # pragma: no cover - httpx comes with gradio and langchain-openai
                    raise ImportError("RAG_EMBEDDER=openai needs httpx: pip install httpx") from exc
                logging.getLogger("httpx").setLevel(logging.WARNING)  # its INFO lines name every request URL
                headers = {"Authorization": f"Bearer {self._api_key}"} if self._api_key else {}
                self._client = httpx.Client(headers=headers, timeout=httpx.Timeout(
                    self.timeout, connect=min(self.timeout, CONNECT_TIMEOUT_S)))
            return self._client

    def _request(self, inputs: list[str]) -> np.ndarray:
        client = self._http()
        import httpx

        body = {"model": self.model, "input": inputs, "encoding_format": "float"}
        for attempt in range(self.retry.retries + 1):
            retry_after = None
            try:
                resp = client.post(self.url, json=body)
            except httpx.TransportError as exc:  # refused, reset, timed out, DNS
                problem = f"cannot be reached ({type(exc).__name__}: {self._quote(str(exc))})"
            else:
                if resp.status_code == 200:
                    return self._vectors(resp, len(inputs))
                problem = f"answered HTTP {resp.status_code} ({self._error_text(resp)})"
                if not self.retry.retryable(resp.status_code):
                    raise self._unavailable(problem, resp.status_code)
                retry_after = _seconds(resp.headers.get("retry-after"))
            if attempt == self.retry.retries:
                break
            wait = self.retry.wait(attempt, retry_after)
            log.warning("the embedding endpoint %s %s; trying again in %.1f s (%d of %d)", self.where, problem, wait,
                        attempt + 1, self.retry.retries)
            time.sleep(wait)
        tries = self.retry.retries + 1
        raise self._unavailable(f"{problem}{f', {tries} attempts' if tries > 1 else ''}")

    def _vectors(self, resp, n: int) -> np.ndarray:
        """The answer's vectors in input order, L2-normalised float32; anything else is an error."""
        try:
            items = resp.json()["data"]
            by_index = {int(item.get("index", i)): item for i, item in enumerate(items)}
            if len(items) != n or sorted(by_index) != list(range(n)):
                raise ValueError(f"{len(items)} embeddings with indexes {sorted(by_index)[:8]} for {n} texts")
            vectors = np.asarray([by_index[i]["embedding"] for i in range(n)], dtype=np.float32)
            if vectors.ndim != 2 or not vectors.shape[1]:
                raise ValueError(f"vectors of shape {vectors.shape}")
            if not np.isfinite(vectors).all():
                raise ValueError("a vector holds NaN or infinity")
        except (ValueError, KeyError, TypeError, AttributeError, IndexError) as exc:
            raise self._unavailable(f"answered with something that is not {n} embeddings "
                                    f"({type(exc).__name__}: {self._quote(str(exc))})") from None
        if self._dimension is None:
            self._dimension = int(vectors.shape[1])
            log.info("the embedding endpoint %s serves %s with %d-d vectors", self.where, self.model, self._dimension)
        elif vectors.shape[1] != self._dimension:
            raise self._unavailable(f"answered with {vectors.shape[1]}-d vectors after {self._dimension}-d ones "
                                    "(was the served model changed?)")
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return np.divide(vectors, norms, out=np.zeros_like(vectors), where=norms > 0)

    def _error_text(self, resp) -> str:
        """The server's own message (OpenAI/vLLM ``error.message``, vLLM ``message``, TEI ``error``) or its text."""
        try:
            data = resp.json()
            err = data.get("error", data.get("message", data)) if isinstance(data, dict) else data
            text = err.get("message", err) if isinstance(err, dict) else err
        except ValueError:
            text = resp.text
        return self._quote(str(text or resp.reason_phrase))

    def _quote(self, text: str) -> str:
        """A server's text as ours may quote it: one line, short, without the key (an error body may echo it)."""
        if self._api_key:
            text = text.replace(self._api_key, "***")
        line = " ".join(text.split())
        return redact(line[:ERROR_CHARS] + ("…" if len(line) > ERROR_CHARS else ""))

    def _unavailable(self, problem: str, status: int | None = None) -> EmbedderUnavailable:
        hint = {401: "check RAG_EMBED_API_KEY", 403: "check RAG_EMBED_API_KEY",
                404: "check RAG_EMBED_BASE_URL and RAG_EMBED_MODEL"}.get(status or 0,
                                                                         "check RAG_EMBED_BASE_URL and the server")
        return EmbedderUnavailable(f"the embedding endpoint {self.where} (model {self.model}) {problem}; {hint}")


def _seconds(value: str | None) -> float | None:
    try:
        return float(value) if value else None
    except ValueError:  # an HTTP date: back off as usual
        return None
