"""Process-level probes: resident memory of a process tree, peak memory, and the idle `rag ui`."""
from __future__ import annotations

import logging
import os
import re
import resource
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

log = logging.getLogger(__name__)


def cpu_busy() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot, from /proc/stat."""
    vals = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    hz = os.sysconf("SC_CLK_TCK")
    idle = vals[3] + vals[4]
    return (sum(vals) - idle) / hz, sum(vals) / hz


def own_cpu() -> float:
    """CPU seconds used by this process and its finished children."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


class Contention:
    """Share of the machine's CPU that other processes used while a measurement ran."""

    def __init__(self):
        self.busy, self.total = cpu_busy()
        self.own = own_cpu()

    def other_share(self) -> float:
        busy, total = cpu_busy()
        other = (busy - self.busy) - (own_cpu() - self.own)
        return round(max(0.0, other) / max(total - self.total, 1e-9), 3)


def wait_for_idle(max_wait: float, threshold: float = 0.15, window: float = 5.0) -> float:
    """Wait until other processes use less than ``threshold`` of the CPUs over ``window`` seconds (at most
    ``max_wait`` seconds); returns the share seen last."""
    t0 = last_log = time.monotonic()
    while True:
        c = Contention()
        time.sleep(window)
        share = c.other_share()
        if share < threshold or time.monotonic() - t0 > max_wait:
            if share >= threshold:
                log.warning("machine still busy (%.0f%% CPU used by other processes); measuring anyway", 100 * share)
            return share
        if time.monotonic() - last_log > 60 or last_log == t0:
            log.warning("machine busy (%.0f%% CPU used by other processes); waiting", 100 * share)
            last_log = time.monotonic()


class quiet:
    """Context for one timed section inside a worker: waits (up to ``max_wait`` s) for a quiet machine
    first; afterwards ``redo`` tells whether other processes used more than ``limit`` of the CPUs."""

    def __init__(self, max_wait: float = 5.0, limit: float = 1.0):
        self.max_wait, self.limit, self.redo, self.other = max_wait, limit, False, 0.0

    def __enter__(self) -> "quiet":
        wait_for_idle(self.max_wait, window=2.0)
        self._c = Contention()
        return self

    def __exit__(self, *exc) -> None:
        self.other = self._c.other_share()
        self.redo = self.other > self.limit
        if self.redo:
            log.warning("other processes used %.0f%% of the CPUs during a timed section", 100 * self.other)


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (ru_maxrss is in KiB on Linux)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _status_kb(pid: int, field: str) -> int:
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    m = re.search(rf"^{field}:\s+(\d+) kB", text, re.M)
    return int(m.group(1)) if m else 0


def _children(pid: int) -> list[int]:
    kids = []
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            stat = (d / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == pid:
            kids.append(int(d.name))
    return kids


def tree_rss_mb(pid: int) -> float:
    """VmRSS of ``pid`` and all its descendants, in MiB."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        total += _status_kb(p, "VmRSS")
        todo.extend(_children(p))
    return round(total / 1024, 1)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


def stop_process_group(proc: subprocess.Popen) -> None:
    """Stop a process started in its own session (``start_new_session=True``) and its children: SIGTERM, then
    SIGKILL when it has not exited within 15 s."""
    for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
        if proc.poll() is not None:
            return
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(wait)
        except subprocess.TimeoutExpired:
            continue


def ui_idle_rss(index_dir: Path, corpus_dir: Path, llm: str = "extractive", timeout: float = 240.0) -> dict:
    """Start `rag ui`, wait until it serves and its warm-up (embedder, and LLM for ``local``) is done,
    let it settle, read the resident memory of its process tree, stop it."""
    port = free_port()
    root = Path(__file__).resolve().parent.parent  # the checkout whose `rag` package is measured
    # as the `rag` console script calls it (older checkouts lose their subcommands under `python -m rag.cli`)
    cmd = [sys.executable, "-c", "from rag.cli import main; main()", "-v", "--index-dir", str(index_dir), "--corpus-dir", str(corpus_dir),
           "ui", "--llm", llm, "--port", str(port)]
    env = {**os.environ, "RAG_EMBEDDER": "e5", "GRADIO_ANALYTICS_ENABLED": "False"}
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env,
                            cwd=str(root), start_new_session=True)
    warmed = threading.Event()
    tail: list[str] = []

    def read():
        for line in proc.stderr:
            tail.append(line.rstrip())
            del tail[:-20]
            if "warm-up done" in line or "warm-up failed" in line:
                warmed.set()

    threading.Thread(target=read, daemon=True).start()
    result: dict = {"llm": llm}
    try:
        while time.monotonic() - t0 < timeout and proc.poll() is None:
            if port_open(port) and warmed.is_set():
                break
            time.sleep(0.5)
        if proc.poll() is not None or not warmed.is_set():
            result["error"] = "ui did not come up: " + " | ".join(tail[-5:])
            return result
        result["ready_s"] = round(time.monotonic() - t0, 1)
        time.sleep(3.0)  # settle
        samples = []
        for _ in range(5):
            samples.append(tree_rss_mb(proc.pid))
            time.sleep(0.5)
        result["rss_mb"] = max(samples)
        result["peak_rss_mb"] = round(_status_kb(proc.pid, "VmHWM") / 1024, 1)
    finally:
        stop_process_group(proc)
    return result
