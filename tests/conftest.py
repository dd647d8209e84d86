"""Shared fixtures: temp folders, settings with the fake embedder, and no network for unit tests."""
from __future__ import annotations

import shutil
import socket
from pathlib import Path

import pytest

from rag.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_CORPUS = ROOT / "corpus"
SAMPLES = sorted(p.name for p in SAMPLE_CORPUS.glob("*.txt"))


@pytest.fixture(autouse=True)
def _no_network(request, monkeypatch):
    """Unit tests may only talk to loopback; integration tests are trusted to stay offline too."""
    real_connect = socket.socket.connect

    def guarded(self, address):
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and not (host.startswith("127.") or host in ("localhost", "::1")) \
                and self.family in (socket.AF_INET, socket.AF_INET6):
            raise RuntimeError(f"network access to {address} attempted in a test")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture
def corpus(tmp_path) -> Path:
    """A private copy of the sample corpus."""
    dest = tmp_path / "corpus"
    shutil.copytree(SAMPLE_CORPUS, dest)
    return dest


@pytest.fixture
def settings(tmp_path, corpus) -> Settings:
    return Settings.from_env(env={}, corpus_dir=corpus, index_dir=tmp_path / "index",
                             models_dir=tmp_path / "models", embedder="fake")


@pytest.fixture(scope="session")
def fake_index_settings(tmp_path_factory) -> Settings:
    """The sample corpus indexed once with the fake embedder (read-only for the tests that use it)."""
    from rag.embeddings.fake import FakeEmbedder
    from rag.index import update_index

    root = tmp_path_factory.mktemp("shared-index")
    s = Settings.from_env(env={}, corpus_dir=SAMPLE_CORPUS, index_dir=root / "index", models_dir=root / "models",
                          embedder="fake", llm="extractive")
    update_index(s, embedder=FakeEmbedder(), show_progress=False)
    return s


def serve_ui(settings: Settings, **launch_kw):
    """Start the Gradio UI on a free loopback port without blocking: ``(demo, url)``; ``demo.close()`` stops it."""
    from ui.app import launch

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    demo, _ = launch(settings, port=port, block=False, **launch_kw)
    return demo, f"http://127.0.0.1:{port}/"
