"""A loopback OpenAI-compatible ``POST /v1/embeddings`` server that a test starts (http.server in a thread),
and a closed loopback port for "down"."""
from __future__ import annotations

import json
import socket
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np

from rag.embeddings.fake import FakeEmbedder


def fake_vectors(texts: list[str]) -> np.ndarray:
    """Deterministic vectors of the texts as sent (prefixes included), scaled by 3: the client must normalise."""
    return 3.0 * FakeEmbedder().embed_batch(texts, "passage")


def closed_port_url(path: str = "/v1") -> str:
    """A loopback URL where nothing listens (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}{path}"


class EmbeddingServer:
    """Answers with ``embed(inputs)`` in *reverse* order of ``index`` (the client must put them back). Each entry
    of ``script`` — ``(status, headers, body)`` — answers one request before the normal answers start; every
    request's JSON body and ``Authorization`` header are kept in ``requests``."""

    def __init__(self, embed: Callable[[list[str]], np.ndarray] = fake_vectors, script: list | None = None):
        self.embed = embed
        self.script = list(script or [])
        self.requests: list[dict] = []
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
                with server._lock:
                    server.requests.append({"path": self.path, "body": body,
                                            "auth": self.headers.get("Authorization", "")})
                    scripted = server.script.pop(0) if server.script else None
                if scripted is None and self.path != "/v1/embeddings":
                    scripted = (404, {}, {"error": {"message": f"no route {self.path}"}})
                if scripted is not None:
                    return self._send(*scripted)
                vectors = server.embed(list(body["input"]))
                data = [{"object": "embedding", "index": i, "embedding": [float(x) for x in v]}
                        for i, v in enumerate(vectors)]
                self._send(200, {}, {"object": "list", "model": body.get("model"), "data": data[::-1],
                                     "usage": {"prompt_tokens": 1, "total_tokens": 1}})

            def _send(self, status, headers, payload):
                raw = payload if isinstance(payload, bytes) else json.dumps(payload, ensure_ascii=False).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                for k, v in headers.items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(raw)

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,), daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/v1"

    def texts(self) -> list[str]:
        return [t for r in self.requests for t in r["body"].get("input", [])]

    def __enter__(self) -> "EmbeddingServer":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
