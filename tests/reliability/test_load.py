"""#6 case 4: N parallel sessions against the running UI's /ask API over loopback. With the extractive
backend (CI): no errors, throughput and p95 latency reported. With the local LLM (slow): requests queue
and none fails. Results are written to test-artifacts/load-<backend>.json and logged."""
from __future__ import annotations

import json
import logging
import shutil
import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from rag.index import update_index
from rag.settings import Settings

from ..conftest import ROOT, SAMPLE_CORPUS, serve_ui

log = logging.getLogger(__name__)
ARTIFACTS = ROOT / "test-artifacts"
QUESTIONS = [
    ("示范区信访案件化解群众满意率是多少？", [], "99.01%"),
    ("搬口街道共发放征兵宣传手册多少份？", [], "300余份"),
    ("那文昌街道呢？", ["许湾街道确定了多少名议事代表？"], None),
    ("市税务局对接引导帮扶村建设了多少座温室大棚？", [], "36座"),
    ("2035年周口市的GDP目标是多少？", [], None),  # not in the bulletins: refused
]


def run_load(url: str, sessions: int, per_session: int, timeout: float) -> dict:
    """``sessions`` clients in parallel, each asking ``per_session`` questions in turn."""
    from gradio_client import Client

    def session(i: int) -> list[dict]:
        client = Client(url, verbose=False)
        out = []
        for j in range(per_session):
            q, history, fact = QUESTIONS[(i + j) % len(QUESTIONS)]
            t0 = time.monotonic()
            try:
                raw = client.predict(q, json.dumps(history, ensure_ascii=False), api_name="/ask")
                data = json.loads(raw)
                ok = "error" not in data and (fact is None or fact in data["answer"])
                err = None if ok else f"unexpected reply to {q}: {raw[:200]}"
            except Exception as exc:  # counted, reported
                err = f"{type(exc).__name__}: {exc}"
            out.append({"session": i, "question": q, "seconds": time.monotonic() - t0, "error": err})
        return out

    t0 = time.monotonic()
    with ThreadPoolExecutor(sessions) as pool:
        rows = [r for rs in pool.map(session, range(sessions), timeout=timeout) for r in rs]
    wall = time.monotonic() - t0
    lat = sorted(r["seconds"] for r in rows)
    return {"sessions": sessions, "requests": len(rows), "errors": [r["error"] for r in rows if r["error"]],
            "wall_s": round(wall, 2), "throughput_rps": round(len(rows) / wall, 2),
            "p50_s": round(statistics.median(lat), 3), "p95_s": round(lat[int(0.95 * (len(lat) - 1))], 3),
            "max_s": round(lat[-1], 3)}


def _serve(tmp_path, **kw):
    shutil.copytree(SAMPLE_CORPUS, tmp_path / "corpus")
    settings = Settings.from_env(env={}, corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "index", **kw)
    update_index(settings, show_progress=False)
    return serve_ui(settings)


def _report(name: str, result: dict) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"load-{name}.json").write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    log.warning("load test %s: %s", name, {k: v for k, v in result.items() if k != "errors"})


def test_parallel_sessions_extractive(tmp_path):
    demo, url = _serve(tmp_path, models_dir=tmp_path / "m", embedder="fake", llm="extractive")
    try:
        result = run_load(url, sessions=8, per_session=5, timeout=240)
    finally:
        demo.close()
    _report("extractive", result)
    assert result["requests"] == 40 and not result["errors"], result["errors"][:3]
    assert result["p95_s"] < 10, result


@pytest.mark.slow
@pytest.mark.integration
def test_parallel_sessions_local_llm_queue(tmp_path):
    """The real stack (e5 + local Qwen GGUF): 4 concurrent sessions × 3 questions queue behind a 2-slot worker
    pool; p50/p95 reported, and no request starves (the slowest waits for at most the others ahead of it)."""
    models = Path(Settings.from_env().models_dir)
    demo, url = _serve(tmp_path, models_dir=models, llm="local")
    try:
        from gradio_client import Client

        Client(url, verbose=False).predict("示范区信访案件化解群众满意率是多少？", "[]", api_name="/ask")  # warm
        result = run_load(url, sessions=4, per_session=3, timeout=900)
    finally:
        demo.close()
    _report("local", result)
    assert result["requests"] == 12 and not result["errors"], result["errors"][:3]
    assert result["max_s"] <= 4 * result["p50_s"], result  # FIFO: a request waits behind at most 3 others


FLOOD = """
import json, os, sys, threading, time
import httpx
os.nice(19)  # the flooding clients stand for other machines: their own CPU is not the server's to spend
url, seconds = sys.argv[1], float(sys.argv[2])
history = json.dumps(["许湾街道" * 250_000], ensure_ascii=False)  # 1 MB of characters
body = json.dumps({"data": ["那文昌街道呢？", history]}, ensure_ascii=False).encode("utf-8")  # encoded once
answered, refused, end = [], [], time.monotonic() + seconds
def flood():
    with httpx.Client(timeout=60) as c:
        while time.monotonic() < end:
            try:
                r = c.post(url + "gradio_api/call/ask", content=body, headers={"content-type": "application/json"})
                (answered if r.status_code == 200 else refused).append(r.status_code)
            except httpx.HTTPError as exc:  # the server may close before the whole body is sent
                refused.append(type(exc).__name__)
threads = [threading.Thread(target=flood) for _ in range(4)]
[t.start() for t in threads]
[t.join() for t in threads]
print(json.dumps({"answered": len(answered), "refused": len(refused)}))
"""


def test_huge_histories_do_not_stall_other_clients(tmp_path):
    """#15 case 1: four clients (another process) keep sending 1 MB histories; a normal question's latency
    stays within 2× of its latency on an idle server (before the history was cut, 1.05 s became 92.5 s)."""
    import subprocess
    import sys

    from gradio_client import Client

    demo, url = _serve(tmp_path, models_dir=tmp_path / "m", embedder="fake", llm="extractive")
    try:
        client = Client(url, verbose=False)

        def timed(n: int) -> float:
            times = []
            for _ in range(n):
                t0 = time.monotonic()
                out = client.predict("示范区信访案件化解群众满意率是多少？", "[]", api_name="/ask")
                assert "99.01%" in json.loads(out)["answer"]
                times.append(time.monotonic() - t0)
            return statistics.median(times)

        timed(2)  # warm
        idle = timed(11)
        flood = subprocess.Popen([sys.executable, "-c", FLOOD, url, "8"], stdout=subprocess.PIPE, text=True)
        time.sleep(2.0)
        loaded = timed(11)
        out, _ = flood.communicate(timeout=180)
    finally:
        demo.close()
    flooded = json.loads(out.strip().splitlines()[-1])
    result = {"idle_p50_s": round(idle, 3), "loaded_p50_s": round(loaded, 3), "huge_answered": flooded["answered"],
              "huge_refused": flooded["refused"]}
    _report("huge-history", result)
    # every 1 MB request is refused (413 before its body is read: ui/limits.py), and there were many of them
    assert flooded["refused"] >= 20 and not flooded["answered"], result
    # without the cap: 0.19–0.30 s loaded vs 0.08–0.10 s idle (and 92 s before the history was cut). The flood
    # runs at the lowest CPU priority: on a 2-core test machine its own JSON encoding would otherwise compete
    # with the server (3,000–5,000 requests in 8 s), which says nothing about what the server spends on them
    assert loaded <= 2 * idle, result


def test_twenty_sessions_during_reindexing(tmp_path):
    """#15 load: 20 sessions × 5 questions (extractive) while the index is re-built again and again beside
    them (a document added and removed, each update published): no errors; p50/p95 reported."""
    import threading

    from rag.embeddings.fake import FakeEmbedder

    shutil.copytree(SAMPLE_CORPUS, tmp_path / "corpus")
    settings = Settings.from_env(env={}, corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "index",
                                 models_dir=tmp_path / "m", embedder="fake", llm="extractive")
    update_index(settings, show_progress=False)
    demo, url = serve_ui(settings)
    stop, published = threading.Event(), []

    def reindex_loop():
        extra = settings.corpus_dir / "extra.txt"
        while not stop.is_set():
            if extra.exists():
                extra.unlink()
            else:
                extra.write_text("临时简报：示范区开展志愿服务活动，参与群众300余人。", encoding="utf-8")
            update_index(settings, embedder=FakeEmbedder(), show_progress=False)
            published.append(time.monotonic())

    worker = threading.Thread(target=reindex_loop, daemon=True)
    worker.start()
    try:
        result = run_load(url, sessions=20, per_session=5, timeout=600)
    finally:
        stop.set()
        worker.join(timeout=120)
        demo.close()
    result["generations_published_meanwhile"] = len(published)
    _report("extractive-during-reindex", result)
    assert result["requests"] == 100 and not result["errors"], result["errors"][:3]
    assert len(published) >= 2, result
