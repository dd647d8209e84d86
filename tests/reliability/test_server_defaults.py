"""#6 case 6: the UI binds 127.0.0.1 unless told otherwise, basic auth protects a shared server, uploads
are limited in size and type, and nothing is ever loaded from pickle."""
from __future__ import annotations

import re
import shutil
import urllib.error
import urllib.request

import pytest
from click.testing import CliRunner

from rag.cli import main
from rag.embeddings.fake import FakeEmbedder
from rag.index import update_index
from rag.settings import Settings

from ..conftest import ROOT, SAMPLE_CORPUS, serve_ui


@pytest.fixture
def captured_launch(monkeypatch, fake_index_settings):
    import ui.app

    calls = []
    monkeypatch.setattr(ui.app, "launch", lambda settings, **kw: calls.append(kw))
    for var in ("RAG_UI_HOST", "RAG_UI_PORT", "RAG_UI_AUTH"):
        monkeypatch.delenv(var, raising=False)
    env = {"RAG_EMBEDDER": "fake", "RAG_INDEX_DIR": str(fake_index_settings.index_dir), "RAG_LLM": "extractive"}
    return calls, env


def test_ui_defaults_loopback_no_share_no_auth(captured_launch):
    calls, env = captured_launch
    r = CliRunner().invoke(main, ["ui"], env=env)
    assert r.exit_code == 0, r.output
    assert calls == [{"host": "127.0.0.1", "port": 7860, "share": False, "auth": None, "block": True}]


def test_ui_auth_and_public_host_warning(captured_launch):
    calls, env = captured_launch
    r = CliRunner().invoke(main, ["ui", "--host", "0.0.0.0"], env=env)
    assert "reachable from other machines without a login" in r.output
    r = CliRunner().invoke(main, ["ui", "--host", "0.0.0.0"], env={**env, "RAG_UI_AUTH": "office:s3cret-pass"})
    assert calls[-1]["auth"] == ("office", "s3cret-pass") and "without a login" not in r.output
    assert "s3cret-pass" not in r.output
    r = CliRunner().invoke(main, ["ui", "--auth", "nopassword"], env=env)
    assert r.exit_code == 2 and "USER:PASSWORD" in r.output


@pytest.fixture(scope="module")
def protected_app(tmp_path_factory):
    root = tmp_path_factory.mktemp("auth")
    shutil.copytree(SAMPLE_CORPUS, root / "corpus")
    s = Settings.from_env(env={}, corpus_dir=root / "corpus", index_dir=root / "index", models_dir=root / "m",
                          embedder="fake", llm="extractive", upload_max_mb=1.0)
    update_index(s, embedder=FakeEmbedder(), show_progress=False)
    demo, url = serve_ui(s, auth=("office", "s3cret-pass"))
    yield url.rstrip("/")
    demo.close()


def _status(url: str, data: bytes | None = None, headers: dict | None = None) -> int:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=data, headers=headers or {}), timeout=30) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


def test_basic_auth_protects_the_api(protected_app):
    from gradio_client import Client

    with pytest.raises(Exception):
        Client(protected_app, verbose=False).predict("示范区信访案件化解群众满意率是多少？", "[]", api_name="/ask")
    client = Client(protected_app, auth=("office", "s3cret-pass"), verbose=False)
    out = client.predict("示范区信访案件化解群众满意率是多少？", "[]", api_name="/ask")
    assert "99.01%" in out
    assert _status(f"{protected_app}/gradio_api/info") in (401, 403)
    with pytest.raises(Exception):
        Client(protected_app, auth=("office", "wrong"), verbose=False)


def _multipart(name: str, payload: bytes) -> tuple[bytes, str]:
    boundary = "----ragtestboundary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{name}\"\r\n"
            f"Content-Type: text/plain\r\n\r\n").encode() + payload + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def test_upload_size_limit_enforced_by_the_server(protected_app):
    import http.cookiejar

    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    login = urllib.parse.urlencode({"username": "office", "password": "s3cret-pass"}).encode()
    opener.open(urllib.request.Request(f"{protected_app}/login", data=login), timeout=30)

    def upload(size: int) -> int:
        body, ctype = _multipart("big.txt", b"a" * size)
        try:
            with opener.open(urllib.request.Request(f"{protected_app}/gradio_api/upload", data=body,
                                                    headers={"Content-Type": ctype}), timeout=60) as r:
                return r.status
        except urllib.error.HTTPError as e:
            return e.code

    assert upload(10_000) == 200
    assert upload(3 * 2**20) == 413  # over upload_max_mb = 1


def test_nothing_is_loaded_from_pickle(fake_index_settings):
    """No pickle in the code, none in the index, and the converted model is safetensors only."""
    banned = re.compile(r"^\s*(import pickle|from pickle|import joblib|import dill)|allow_pickle\s*=\s*True|"
                        r"torch\.load\((?![^)]*weights_only\s*=\s*True)|pd\.read_pickle", re.M)
    for folder in ("rag", "ui", "bench"):
        for py in (ROOT / folder).rglob("*.py"):
            assert not banned.search(py.read_text(encoding="utf-8")), py
    index_files = [p for p in fake_index_settings.index_dir.rglob("*") if p.is_file()]
    assert index_files
    assert not [p for p in index_files if p.suffix in (".pkl", ".pickle", ".joblib", ".pt", ".bin")]
    for npy in [p for p in index_files if p.suffix in (".npy", ".npz")]:
        import numpy as np

        np.load(npy, allow_pickle=False)  # raises if an object array (pickle) is inside
    models = ROOT / "models" / "multilingual-e5-small"
    if models.exists():
        names = {p.name for p in models.rglob("*") if p.is_file()}
        assert "model.safetensors" in names and not names & {"pytorch_model.bin", "model.pkl"}


@pytest.mark.parametrize("auth", [":", "office:", ":secret", " :secret"])
def test_ui_refuses_an_empty_user_or_password(captured_launch, auth):
    calls, env = captured_launch
    r = CliRunner().invoke(main, ["ui", "--auth", auth], env=env)
    assert r.exit_code == 2 and "neither empty" in r.output and calls == []
