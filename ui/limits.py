"""Request-size cap for the UI's HTTP server: a body larger than ``MAX_REQUEST_BYTES`` is answered 413 before
it is parsed, so no client can make the server read, decode and queue megabytes per request (#15: four clients
sending 1 MB histories slowed everybody's questions). File uploads are exempt here: Gradio's upload route
enforces ``max_file_size`` (``RAG_UPLOAD_MAX_MB``) itself.

A plain ASGI middleware (no body buffering): a declared Content-Length over the cap is refused at once; a
chunked body is counted as it arrives and refused when it crosses the cap."""
from __future__ import annotations

import json

# Calibration: a question is cut to 500 characters and the history to its last 3 turns × 500 characters, so an
# /ask call needs < 20 KB; the chat tab also sends the visible conversation (≈ 3 bytes per character in the
# browser's JSON): 1 MiB holds ~300k characters of conversation, far beyond a real session, while one 1 MB
# history sent by a script (6 MB as the Python client's escaped JSON) is refused.
MAX_REQUEST_BYTES = 1 << 20
EXEMPT_SUFFIXES = ("/upload",)  # Gradio's file upload route has its own limit
TOO_LARGE = "请求过大（超过 1 MB）：请清空对话或缩短问题后重试。"


class BodyLimit:
    """ASGI middleware refusing request bodies over ``max_bytes`` with 413 and a one-line JSON error."""

    def __init__(self, app, max_bytes: int = MAX_REQUEST_BYTES, exempt: tuple[str, ...] = EXEMPT_SUFFIXES):
        self.app = app
        self.max_bytes = max_bytes
        self.exempt = exempt

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope.get("path", "").rstrip("/").endswith(self.exempt):
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.max_bytes:
            await _refuse(send)
            return
        seen = 0
        refused = False
        started = False

        async def counting_receive():
            nonlocal seen, refused
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes and not refused:
                    refused = True
                    if not started:
                        await _refuse(send)
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message):
            nonlocal started
            if refused:
                return  # the 413 has been sent; whatever the app answers to a cut-off body is dropped
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, guarded_send)
        except Exception:
            if not refused:
                raise
            # the app saw its body cut off (Starlette raises ClientDisconnect): already answered with the 413


def _content_length(scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def _refuse(send) -> None:
    body = json.dumps({"error": TOO_LARGE}, ensure_ascii=False).encode("utf-8")
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json; charset=utf-8"),
                            (b"content-length", str(len(body)).encode()), (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})
