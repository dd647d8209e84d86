"""ui/limits.BodyLimit: bodies over the cap are refused with 413 before the app reads them (declared or
chunked); smaller bodies, other routes' exemptions and non-HTTP scopes pass untouched."""
from __future__ import annotations

import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.responses import JSONResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from ui.limits import TOO_LARGE, BodyLimit

CAP = 1000
reads: list[int] = []


async def echo(request):
    body = await request.body()
    reads.append(len(body))
    return JSONResponse({"bytes": len(body)})


def _client() -> TestClient:
    app = Starlette(routes=[Route("/gradio_api/call/ask", echo, methods=["POST"]),
                            Route("/gradio_api/upload", echo, methods=["POST"])],
                    middleware=[Middleware(BodyLimit, max_bytes=CAP)])
    return TestClient(app)


def _chunks(total: int, size: int = 300):
    sent = 0
    while sent < total:
        n = min(size, total - sent)
        sent += n
        yield b"x" * n


@pytest.mark.parametrize("path, body, chunked, status", [
    ("/gradio_api/call/ask", CAP, False, 200),          # at the cap: served
    ("/gradio_api/call/ask", CAP + 1, False, 413),      # declared over the cap: refused unread
    ("/gradio_api/call/ask", 5 * CAP, True, 413),       # chunked, no Content-Length: refused when it crosses
    ("/gradio_api/call/ask", CAP - 100, True, 200),     # chunked under the cap: served
    ("/gradio_api/upload", 5 * CAP, False, 200),        # uploads have Gradio's own max_file_size
])
def test_body_limit(path, body, chunked, status):
    reads.clear()
    data = _chunks(body) if chunked else b"x" * body
    r = _client().post(path, content=data)
    assert r.status_code == status
    if status == 413:
        assert r.json() == {"error": TOO_LARGE}
        assert not reads or max(reads) <= CAP + 300  # the app never got the whole body
    else:
        assert r.json() == {"bytes": body}
