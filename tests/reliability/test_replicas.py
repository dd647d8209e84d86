"""#16: two UI replicas answer the same question identically, and without an error, while updates are published.

Each replica is asked the same question over HTTP (/ask) again and again while a writer adds a bulletin, rebuilds
the index (a new generation folder, or a new Qdrant collection behind the moved alias) and removes the bulletin;
every answer must equal the one given before the first update, and each replica must have switched to the newly
published index meanwhile.

* folder index: two ``rag ui`` processes and ``rag index`` processes as the writer (generation folders are made
  for several readers and one writer);
* Qdrant server: the same processes with ``RAG_QDRANT_URL``, when a ``qdrant`` server binary is at hand
  (``QDRANT_BIN`` or on PATH); skipped otherwise. None could be obtained offline here (PyPI, Debian and npm ship
  no Qdrant server), so on this machine Qdrant replicas are tested in one process:
* Qdrant local mode: one folder admits one process, so the replicas are two Gradio apps in one process whose
  backends share the process's one ``QdrantClient``, and the writer runs in that process too.
"""
from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from bench.probes import free_port, port_open, stop_process_group
from rag.embeddings.fake import FakeEmbedder
from rag.index import update_index
from rag.settings import Settings

from ..conftest import ROOT, SAMPLE_CORPUS

pytestmark = pytest.mark.integration
log = logging.getLogger(__name__)
QUESTION = "搬口街道共发放征兵宣传手册多少份？"
FACT = "300余份"
NEW_DOC = "周口市植树活动简报.txt"
NEW_TEXT = "3月12日，太康县组织干部职工在城北林场开展义务植树活动，共栽植杨树2000余棵。\n"
SETTLE_S = 3.0  # after each publication: longer than ui.state.REFRESH_EVERY_S, so each replica notices it
START_TIMEOUT_S = 120


def _seen(reply: dict) -> dict:
    """What a user sees of an answer: its text, outcome and the cited passages (scores and timings aside)."""
    return {"answer": reply.get("answer"), "refused": reply.get("refused"), "outcome": reply.get("outcome"),
            "citations": [(c["n"], c["source"], c["article_no"], c["start"], c["end"], c["text"])
                          for c in reply.get("citations", [])]}


class Askers:
    """One thread per replica asking QUESTION over /ask until stopped; answers and errors are collected."""

    def __init__(self, urls: list[str]):
        from gradio_client import Client

        self.clients = [Client(u, verbose=False) for u in urls]
        self.answers: list[list[dict]] = [[] for _ in urls]
        self.errors: list[str] = []
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self._run, args=(i,), daemon=True) for i in range(len(urls))]

    def ask(self, i: int) -> dict:
        return json.loads(self.clients[i].predict(QUESTION, "[]", api_name="/ask"))

    def _run(self, i: int) -> None:
        while not self.stop.is_set():
            try:
                reply = self.ask(i)
                if "error" in reply:
                    self.errors.append(f"replica {i}: {reply['error']}")
                self.answers[i].append(_seen(reply))
            except Exception as exc:  # counted: the test fails on any
                self.errors.append(f"replica {i}: {type(exc).__name__}: {exc}")

    def __enter__(self) -> "Askers":
        [t.start() for t in self.threads]
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        [t.join(120) for t in self.threads]


def _check(askers: Askers, reference: dict) -> None:
    log.warning("replicas answered %s times (%d errors)", [len(a) for a in askers.answers], len(askers.errors))
    assert FACT in reference["answer"] and reference["citations"], reference
    assert not askers.errors, askers.errors[:3]
    for i, answers in enumerate(askers.answers):
        assert len(answers) >= 5, f"replica {i} answered only {len(answers)} times"
        different = [a for a in answers if a != reference]
        assert not different, f"replica {i}: {len(different)} of {len(answers)} answers differ: {different[0]}"


# --- processes: the folder index, or a Qdrant server ---------------------------------------------------
@pytest.fixture
def qdrant_server(tmp_path):
    """A Qdrant server on a loopback port with its storage in tmp_path (skipped without the binary)."""
    binary = os.environ.get("QDRANT_BIN") or shutil.which("qdrant")
    if not binary:
        pytest.skip("no Qdrant server binary (set QDRANT_BIN or put `qdrant` on PATH); none is obtainable offline "
                    "here (PyPI, Debian and npm ship none), so Qdrant replicas are tested in one process "
                    "(test_qdrant_local_replicas_share_one_client)")
    import httpx

    http, grpc = free_port(), free_port()
    env = {**os.environ, "QDRANT__SERVICE__HOST": "127.0.0.1", "QDRANT__SERVICE__HTTP_PORT": str(http),
           "QDRANT__SERVICE__GRPC_PORT": str(grpc), "QDRANT__STORAGE__STORAGE_PATH": str(tmp_path / "qdrant"),
           "QDRANT__STORAGE__SNAPSHOTS_PATH": str(tmp_path / "qdrant-snapshots"), "QDRANT__TELEMETRY_DISABLED": "true"}
    log = open(tmp_path / "qdrant.log", "w")
    proc = subprocess.Popen([binary], cwd=str(tmp_path), env=env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    url = f"http://127.0.0.1:{http}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(url, timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the Qdrant server did not start: {(tmp_path / 'qdrant.log').read_text()[-500:]}")
            time.sleep(0.3)
        yield url
    finally:
        stop_process_group(proc)
        log.close()


def _rag(env: dict, *args: str) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-c", "from rag.cli import main; main()", *args]
    return subprocess.run(cmd, cwd=str(ROOT), env=env, capture_output=True, text=True, timeout=300)


def _start_ui(env: dict, log_path: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    log = open(log_path, "w")
    cmd = [sys.executable, "-c", "from rag.cli import main; main()", "-v", "ui", "--llm", "extractive", "--port",
           str(port)]
    proc = subprocess.Popen(cmd, cwd=str(ROOT), env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + START_TIMEOUT_S
    # ready: the embedder is warm (which can come before the server listens) and the port answers
    while "warm-up done" not in log_path.read_text(encoding="utf-8", errors="replace") or not port_open(port):
        if proc.poll() is not None or time.monotonic() > deadline:
            stop_process_group(proc)
            pytest.fail(f"`rag ui` did not start: {log_path.read_text(encoding='utf-8', errors='replace')[-800:]}")
        time.sleep(0.3)
    return proc, f"http://127.0.0.1:{port}/"


def _switches(log_path: Path) -> int:
    return log_path.read_text(encoding="utf-8", errors="replace").count("published outside the UI; switching to it")


@pytest.mark.parametrize("store", ["folder", "qdrant-server"])
def test_two_ui_processes_answer_alike_while_rag_index_publishes(store, tmp_path, request):
    corpus = tmp_path / "corpus"
    shutil.copytree(SAMPLE_CORPUS, corpus)
    env = {**os.environ, "RAG_EMBEDDER": "fake", "RAG_LLM": "extractive", "RAG_CORPUS_DIR": str(corpus),
           "RAG_INDEX_DIR": str(tmp_path / "index"), "RAG_MODELS_DIR": str(tmp_path / "models"),
           "GRADIO_ANALYTICS_ENABLED": "False", "RAG_STORE": "folder"}
    if store == "qdrant-server":
        env.update(RAG_STORE="qdrant", RAG_QDRANT_URL=request.getfixturevalue("qdrant_server"))
    built = _rag(env, "index")
    assert built.returncode == 0, built.stderr
    logs = [tmp_path / "ui-a.log", tmp_path / "ui-b.log"]
    procs = []
    try:
        for path in logs:
            procs.append(_start_ui(env, path))
        askers = Askers([url for _, url in procs])
        reference = _seen(askers.ask(0))
        assert _seen(askers.ask(1)) == reference
        with askers:
            steps = [("index",), ("index", "--rebuild"), ("index",)]
            for n, args in enumerate(steps):
                if n == 0:
                    (corpus / NEW_DOC).write_text(NEW_TEXT, encoding="utf-8")
                elif n == 2:
                    (corpus / NEW_DOC).unlink()
                done = _rag(env, *args)
                assert done.returncode == 0, done.stderr
                time.sleep(SETTLE_S)
        _check(askers, reference)
        switches = [_switches(p) for p in logs]
        log.warning("index switches per replica: %s", switches)
        assert all(n >= 2 for n in switches), f"index switches seen per replica: {switches}"
    finally:
        for proc, _ in procs:
            stop_process_group(proc)


# --- one process: Qdrant local mode ---------------------------------------------------------------------
def test_qdrant_local_replicas_share_one_client(tmp_path, caplog):
    pytest.importorskip("qdrant_client", reason="RAG_STORE=qdrant needs `pip install .[qdrant]`")
    from rag.index.qdrant import close_clients, served_collection
    from ui.app import build_app
    from ui.state import AppState

    shutil.copytree(SAMPLE_CORPUS, tmp_path / "corpus")
    s = Settings.from_env(env={"RAG_STORE": "qdrant"}, corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "index",
                          models_dir=tmp_path / "models", embedder="fake", llm="extractive")
    update_index(s, embedder=FakeEmbedder(), show_progress=False)
    states = [AppState(s), AppState(s)]
    assert states[0].assistant.index is not states[1].assistant.index
    assert states[0].assistant.index.client is states[1].assistant.index.client  # the process's one client
    client = states[0].assistant.index.client
    demos, urls = [], []
    caplog.set_level(logging.INFO, logger="ui.state")
    try:
        for state in states:
            demo = build_app(state)
            demo.queue(default_concurrency_limit=2, max_size=64)
            port = free_port()
            demo.launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True)
            demos.append(demo)
            urls.append(f"http://127.0.0.1:{port}/")
        askers = Askers(urls)
        reference = _seen(askers.ask(0))
        assert _seen(askers.ask(1)) == reference
        first = served_collection(client, s.qdrant_collection)
        generations = {st.generation() for st in states}
        with askers:
            (s.corpus_dir / NEW_DOC).write_text(NEW_TEXT, encoding="utf-8")
            update_index(s, embedder=FakeEmbedder(), show_progress=False)  # upserts into the served collection
            time.sleep(SETTLE_S)
            update_index(s, rebuild=True, embedder=FakeEmbedder(), show_progress=False)  # new collection, alias moved
            time.sleep(SETTLE_S)
            (s.corpus_dir / NEW_DOC).unlink()
            update_index(s, embedder=FakeEmbedder(), show_progress=False)
            time.sleep(SETTLE_S)
        assert served_collection(client, s.qdrant_collection) != first
        assert not {st.generation() for st in states} & generations  # both serve the last publication
        _check(askers, reference)
        switches = sum("switching to it" in r.getMessage() for r in caplog.records)
        log.warning("index switches of both replicas: %d", switches)
        assert switches >= 2 * len(states), f"index switches seen by both replicas: {switches}"
    finally:
        for demo in demos:
            demo.close()
        close_clients(s)
