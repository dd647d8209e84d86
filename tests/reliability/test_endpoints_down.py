"""#16: a served embedding model or a Qdrant server that is down, unreachable or answering errors is one line
naming its URL (never its key) in `rag index`, `rag ask`, `rag index --status` and the UI's answer path, with no
traceback; with the folder store nothing of Qdrant is imported or contacted. The servers are loopback ones the
tests start, or closed loopback ports."""
from __future__ import annotations

import json
import subprocess
import sys
import threading
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from click.testing import CliRunner

from rag.cli import main
from rag.errors import StoreUnavailable
from rag.index import update_index
from rag.settings import Settings

from ..conftest import ROOT
from ..embeddings.served import EmbeddingServer, closed_port_url

KEY = "sk-down-7e1f2a9c4b6d-SECRET"
QUESTION = "示范区信访案件化解群众满意率是多少？"


def _cli(env: dict, *args):
    return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)


def _one_line_error(result, url: str) -> str:
    """The result is exit 2 with one ``Error:`` line naming ``url``; no traceback, no key anywhere."""
    text = result.output + (result.stderr if result.stderr_bytes is not None else "")
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert result.exit_code == 2, text
    assert len(errors) == 1 and url in errors[0], text
    assert "Traceback" not in text and KEY not in text
    return errors[0]


# --- the served embedding model -----------------------------------------------------------------------
@pytest.fixture
def served_index(settings):
    """The sample corpus indexed through a served model; yields (env of that setup, URL) after the server stopped."""
    with EmbeddingServer() as server:
        env = {"RAG_EMBEDDER": "openai", "RAG_EMBED_BASE_URL": server.url, "RAG_EMBED_MODEL": "served-e5",
               "RAG_EMBED_API_KEY": KEY, "RAG_EMBED_RETRIES": "1", "RAG_LLM": "extractive",
               "RAG_CORPUS_DIR": str(settings.corpus_dir), "RAG_INDEX_DIR": str(settings.index_dir),
               "RAG_MODELS_DIR": str(settings.models_dir)}
        update_index(Settings.from_env(env), show_progress=False)
        assert _cli(env, "ask", QUESTION).exit_code == 0
    return env, f"{server.url}/embeddings"


def test_embedding_endpoint_down_in_the_cli(served_index, corpus):
    env, url = served_index
    line = _one_line_error(_cli(env, "ask", QUESTION), url)
    assert "cannot be reached" in line and "2 attempts" in line
    _one_line_error(_cli(env, "ask", "--json", QUESTION), url)
    _one_line_error(_cli(env, "retrieve", QUESTION), url)
    (corpus / "新简报.txt").write_text("周口市图书馆接待读者12万人次。", encoding="utf-8")
    _one_line_error(_cli(env, "index"), url)
    status = _cli(env, "index", "--status")  # what is indexed needs no embedding: shown as usual
    assert status.exit_code == 0 and "openai:served-e5 (64-d)" in status.stdout and KEY not in status.output


def test_embedding_endpoint_errors_in_the_cli(settings):
    echo = {"error": {"message": f"Incorrect API key provided: {KEY}"}}
    with EmbeddingServer(script=[(401, {}, echo)] + [(500, {}, {"message": "CUDA out of memory"})] * 9) as server:
        env = {"RAG_EMBEDDER": "openai", "RAG_EMBED_BASE_URL": server.url, "RAG_EMBED_MODEL": "served-e5",
               "RAG_EMBED_API_KEY": KEY, "RAG_EMBED_RETRIES": "1", "RAG_CORPUS_DIR": str(settings.corpus_dir),
               "RAG_INDEX_DIR": str(settings.index_dir)}
        assert "HTTP 401" in _one_line_error(_cli(env, "index"), server.url)
        assert "HTTP 500 (CUDA out of memory)" in _one_line_error(_cli(env, "index"), server.url)
    assert not (settings.index_dir / "CURRENT").exists()  # nothing half-built was published


def test_embedding_endpoint_down_in_the_ui(served_index):
    from ui.app import build_app
    from ui.state import AppState

    env, url = served_index
    state = AppState(Settings.from_env(env))  # opening the index asks the endpoint nothing
    assert state.error is None
    demo = build_app(state)
    fns = {f.fn.__name__: f.fn for f in demo.fns.values() if getattr(f, "fn", None)}
    *_, (chat, _, sources, _) = fns["respond"](QUESTION, [], [], "", "", [], [], [])
    reply = chat[-1]["content"]
    assert "检索服务不可用" in reply and url in reply and KEY not in reply and "Traceback" not in reply
    api = json.loads(fns["api_ask"](QUESTION))
    assert "检索服务不可用" in api["error"] and url in api["error"] and KEY not in api["error"]


def test_an_upload_is_undone_when_the_embedding_endpoint_is_down(served_index, corpus):
    from ui.documents import reindex_or_undo

    env, url = served_index
    upload = corpus / "新简报.txt"
    upload.write_text("周口市图书馆接待读者12万人次。", encoding="utf-8")
    summary, problem = reindex_or_undo(Settings.from_env(env), lambda: upload.unlink())
    assert summary == {} and "索引更新失败，本次更改已撤销" in problem and url in problem and KEY not in problem
    assert not upload.exists()  # the corpus folder and the served index stay in step


# --- Qdrant --------------------------------------------------------------------------------------------
class _Failing(BaseHTTPRequestHandler):
    """Every request: HTTP 500 with a Qdrant-shaped error body."""

    def log_message(self, *args):
        pass

    def _fail(self):
        body = json.dumps({"status": {"error": "Service internal error: disk full"}, "time": 0.0}).encode()
        self.send_response(500)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _fail


@pytest.fixture(params=["closed-port", "http-500"])
def qdrant_url(request):
    pytest.importorskip("qdrant_client", reason="the Qdrant store needs `pip install .[qdrant]`")
    if request.param == "closed-port":
        yield closed_port_url(""), "cannot be reached (ConnectError"
        return
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Failing)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", "answered HTTP 500"
    server.shutdown()
    server.server_close()


def test_qdrant_down_in_the_cli(settings, qdrant_url):
    from rag.index.qdrant import close_clients

    url, problem = qdrant_url
    env = {"RAG_EMBEDDER": "fake", "RAG_STORE": "qdrant", "RAG_QDRANT_URL": url, "RAG_QDRANT_API_KEY": KEY,
           "RAG_LLM": "extractive", "RAG_CORPUS_DIR": str(settings.corpus_dir),
           "RAG_INDEX_DIR": str(settings.index_dir)}
    try:
        for args in (["index"], ["index", "--status"], ["ask", QUESTION], ["chunks"]):
            assert problem in _one_line_error(_cli(env, *args), url), args
    finally:
        close_clients(Settings.from_env(env))


def test_qdrant_going_down_under_an_open_index(settings):
    """A server lost after the index was opened: the question is a one-line StoreUnavailable, not a client error."""
    pytest.importorskip("qdrant_client")
    from rag.answer import Assistant
    from rag.embeddings.fake import FakeEmbedder
    from rag.index.manifest import Manifest
    from rag.index.qdrant import QdrantBackend, client_for, close_clients

    s = replace(settings, store="qdrant", qdrant_url=closed_port_url(""), qdrant_api_key=KEY, llm="extractive")
    try:
        backend = QdrantBackend(client_for(s), s.qdrant_collection, s.qdrant_url,
                                Manifest(FakeEmbedder.model_id, 64, s.chunk_size, s.chunk_overlap), FakeEmbedder())
        with pytest.raises(StoreUnavailable) as err:
            Assistant(s, backend).ask(QUESTION)
    finally:
        close_clients(s)
    assert s.qdrant_url in str(err.value) and KEY not in str(err.value) and "\n" not in str(err.value)


def test_the_folder_store_never_imports_or_contacts_qdrant(settings):
    """RAG_STORE=folder with a Qdrant URL that goes nowhere: indexing and answering work, qdrant_client unloaded."""
    code = ("import sys; from rag.cli import main\n"
            "for args in (['index'], ['ask', '示范区信访案件化解群众满意率是多少？'], ['index', '--status']):\n"
            "    try: main(args, standalone_mode=False)\n"
            "    except SystemExit as e: assert not e.code, e.code\n"
            "print('QDRANT LOADED' if 'qdrant_client' in sys.modules else 'NO QDRANT')\n")
    env = {"PATH": "/usr/bin:/bin", "RAG_EMBEDDER": "fake", "RAG_STORE": "folder", "RAG_LLM": "extractive",
           "RAG_QDRANT_URL": closed_port_url(""), "RAG_QDRANT_API_KEY": KEY, "HOME": str(settings.index_dir.parent),
           "RAG_CORPUS_DIR": str(settings.corpus_dir), "RAG_INDEX_DIR": str(settings.index_dir)}
    r = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]
    assert "99.01%" in r.stdout and r.stdout.strip().endswith("NO QDRANT") and KEY not in r.stdout + r.stderr
