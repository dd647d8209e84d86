"""The local LLM: llama.cpp's OpenAI-compatible server (``xllamacpp``) on 127.0.0.1, inside this process.

Started once per process on first use, warmed up, stopped at exit. Clients talk to it over HTTP exactly as
they would to any OpenAI-compatible endpoint.
"""
from __future__ import annotations

import atexit
import logging
import threading
import time
from pathlib import Path

from .assemble import ensure_gguf

log = logging.getLogger(__name__)

_lock = threading.Lock()
_server: "LocalServer | None" = None


class LocalServer:
    def __init__(self, model_path: Path, n_ctx: int = 4096, threads: int = 2, parallel: int = 1):
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


def get_local_server(models_dir: Path, n_ctx: int = 4096, threads: int = 2, parallel: int = 1) -> LocalServer:
    """The process-wide local server, started on first call."""
    global _server
    with _lock:
        if _server is None:
            _server = LocalServer(ensure_gguf(models_dir), n_ctx=n_ctx, threads=threads, parallel=parallel)
            atexit.register(stop_local_server)
        return _server


def stop_local_server() -> None:
    global _server
    with _lock:
        if _server is not None:
            _server.close()
            _server = None
