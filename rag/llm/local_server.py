"""The local LLM: llama.cpp's OpenAI-compatible server (``xllamacpp``) on 127.0.0.1, inside this process.

Started once per process on first use, warmed up, stopped at exit. Clients talk to it over HTTP exactly as
they would to any OpenAI-compatible endpoint.

Generation drafts tokens from the prompt (llama.cpp's ``ngram-simple`` speculation, no draft model): an answer
copies the question's subject and the passage's names and figures, and two cores check a draft of several tokens
in one batch in about the time one token takes to generate. Greedy decoding keeps the model's choices; the batch's
arithmetic can flip a near tie (4 of 50 own answers worded differently in session 33's A/B).
"""
from __future__ import annotations

import atexit
import logging
import threading
import time
from pathlib import Path

from .assemble import ensure_gguf

log = logging.getLogger(__name__)

# tokens of the answer so far that must recur in the prompt for the tokens after them to be drafted. Session 33,
# 50 own questions on 2 cores, generation mean (first token to last): off 3.7-3.8 s, 3 tokens with 16 drafted 2.6 s,
# 2 tokens with 8 drafted 1.8 s
LOOKUP_NGRAM = 2

_lock = threading.Lock()
_server: "LocalServer | None" = None


class LocalServer:
    def __init__(self, model_path: Path, n_ctx: int = 4096, threads: int = 2, parallel: int = 1,
                 lookup_draft: int = 0):
        try:
            import xllamacpp
        except ImportError as exc:  # pragma: no cover
            raise ImportError("the local LLM needs xllamacpp: pip install xllamacpp==2026.10.11549") from exc
        from .cpu_build import check_build, loaded_build

        self.build = loaded_build()
        check_build(self.build)  # a build for another CPU would die with SIGILL on the first prompt
        p = xllamacpp.CommonParams()
        p.model.path = str(model_path)
        p.n_ctx = n_ctx
        p.cpuparams.n_threads = threads
        p.cpuparams_batch.n_threads = threads
        p.n_parallel = parallel
        p.cache_prompt = True
        p.verbosity = -1
        p.endpoint_metrics = False
        p.hostnames = ["127.0.0.1"]
        p.port = 0
        if lookup_draft:
            p.speculative.types = [xllamacpp.common_speculative_type.COMMON_SPECULATIVE_TYPE_NGRAM_SIMPLE]
            p.speculative.ngram_simple.size_n = LOOKUP_NGRAM
            p.speculative.ngram_simple.size_m = lookup_draft
            p.speculative.draft.n_max = lookup_draft
            p.speculative.draft.n_min = 0
        t0 = time.monotonic()
        self._server = xllamacpp.Server(p)
        self.base_url = self._server.listening_address.rstrip("/") + "/v1"
        self.load_seconds = time.monotonic() - t0
        log.info("local LLM ready at %s in %.1f s; llama.cpp %s", self.base_url, self.load_seconds,
                 self.build.describe())

    def chat(self, body: dict) -> dict:
        """One OpenAI-style chat completion in-process, without HTTP (the smoke test's two tokens)."""
        return self._server.handle_chat_completions(body)

    def close(self) -> None:
        self._server = None


def get_local_server(models_dir: Path, n_ctx: int = 4096, threads: int = 2, parallel: int = 1,
                     lookup_draft: int = 0) -> LocalServer:
    """The process-wide local server, started on first call."""
    global _server
    with _lock:
        if _server is None:
            _server = LocalServer(ensure_gguf(models_dir), n_ctx=n_ctx, threads=threads, parallel=parallel,
                                  lookup_draft=lookup_draft)
            atexit.register(stop_local_server)
        return _server


def stop_local_server() -> None:
    global _server
    with _lock:
        if _server is not None:
            _server.close()
            _server = None
