"""The benchmark command: synthetic corpora at the requested sizes plus the sample corpus, each measured
in its own process; results in ``<out>/bench.json`` and ``<out>/bench.md``.

    .venv/bin/python -m bench --sizes sample,1000,10000,100000 --out reports/bench-after
    .venv/bin/python -m bench compare reports/bench-before/bench.json reports/bench-after/bench.json
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

from .probes import Contention, wait_for_idle
from .report import compare, render

log = logging.getLogger("bench")
ROOT = Path(__file__).resolve().parent.parent


def _worker(args: list[str], out: Path, timeout: float, wait_idle: float, root: Path = ROOT,
            retries: int = 0) -> dict:
    """Run one measurement process of the checkout ``root`` (after waiting up to ``wait_idle`` s for a
    quiet machine)."""
    cmd = [sys.executable, "-m", "bench.worker", *args, "--out", str(out)]
    for attempt in range(1 + retries):  # measured again when other processes took the CPUs meanwhile
        before = wait_for_idle(wait_idle)
        log.warning("running %s", " ".join(shlex.quote(c) for c in cmd[2:]))
        t0 = time.monotonic()
        contention = Contention()
        proc = subprocess.run(cmd, cwd=str(root), timeout=timeout, env={**os.environ, "TQDM_DISABLE": "1"})
        other = contention.other_share()
        if other <= 0.1 or proc.returncode != 0:
            break
        log.warning("other processes used %.0f%% of the CPUs during this measurement%s", 100 * other,
                    "; measuring again" if attempt < retries else "")
    if proc.returncode != 0 or not out.is_file():
        return {"error": f"worker exited with {proc.returncode}", "seconds": round(time.monotonic() - t0, 1)}
    result = json.loads(out.read_text(encoding="utf-8"))
    result["worker_s"] = round(time.monotonic() - t0, 1)
    result["other_cpu_share"] = other  # CPU used by other processes during the worker (0 = quiet machine)
    result["other_cpu_share_before"] = before
    return result


def _pool_vectors(cache: Path, models_dir: Path, timeout: float, wait_idle: float) -> Path:
    from .synth import load_pool

    path = cache / f"pool-{load_pool(ROOT / 'corpus').fingerprint()}.npz"
    if not path.is_file():
        cache.mkdir(parents=True, exist_ok=True)
        res = _worker(["pool", "--pool-vectors", str(path), "--models-dir", str(models_dir)],
                      cache / "pool.json", timeout, wait_idle)
        if "error" in res:
            raise RuntimeError(f"embedding the sentence pool failed: {res['error']}")
    return path


def _corpus(size: str, work: Path, cache: Path) -> Path:
    dest = work / "corpus"
    if dest.exists():
        shutil.rmtree(dest)
    if size == "sample":
        shutil.copytree(ROOT / "corpus", dest)
        return dest
    from .synth import build_corpus, load_pool

    src = cache / f"corpus-{size}"
    build_corpus(load_pool(ROOT / "corpus"), int(size), src)
    shutil.copytree(src, dest, ignore=shutil.ignore_patterns(".synth.json"))
    return dest


def run_stores(a, report: dict, out: Path, cache: Path, sizes: list[str]) -> dict:
    """``--stores``: every size built into every store, side by side (``bench.stores``), in ``report["stores"]``."""
    from .stores import parse_stores

    report["stores"] = {}
    for size in sizes:
        report["stores"][size] = {}
        for store in parse_stores(a.stores):
            work = out / "work" / "stores" / size / store
            corpus = _corpus(size, work, cache)
            args = ["store", "--store", store, "--name", size, "--corpus", str(corpus.resolve()),
                    "--index", str((work / "index").resolve()), "--models-dir", str(a.models_dir)]
            if a.qdrant_url:
                args += ["--qdrant-url", a.qdrant_url]
            report["stores"][size][store] = _worker(args, (work / "result.json").resolve(), a.timeout, a.wait_idle)
            _save(report, out)
            if not a.keep:
                shutil.rmtree(work, ignore_errors=True)
    report["finished"] = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())
    _save(report, out)
    return report


def run(a) -> dict:
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    cache = Path(a.cache)
    sizes = [s.strip() for s in a.sizes.split(",") if s.strip()]
    report: dict = {"label": a.label, "command": " ".join(shlex.quote(x) for x in sys.argv),
                    "started": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()),
                    "machine": {"cpus": os.cpu_count(), "cpu": _cpu_name(), "python": platform.python_version()},
                    "real_embed_max": a.real_max, "sizes": {}}
    if a.stores:  # the search backends side by side, instead of the e5 measurements
        return run_stores(a, report, out, cache, sizes)
    if not a.skip_embed:
        report["embedding"] = _worker(["embed", "--models-dir", str(a.models_dir), "--sample", str(a.embed_sample),
                                       *(["--quality"] if a.embed_quality else []),
                                       *(["--skip-reduced"] if a.skip_reduced else [])],
                                      out / "embed.json", a.timeout, a.wait_idle)
        peak = report["embedding"].get("peak", {}).get("gflops", 0.0)
    else:
        from .compute import matmul_peak

        wait_for_idle(a.wait_idle)
        probe = matmul_peak()
        peak = probe.gflops
        report["embedding"] = {"peak": probe.__dict__}
    _save(report, out)
    before = None
    if a.baseline_root:  # the same measurements of another checkout, size by size, just before ours
        before = {**report, "label": f"before ({a.baseline_root})", "sizes": {}}
    pool_vectors = None
    for size in sizes:
        real = size == "sample" or int(size) <= a.real_max
        if not real and pool_vectors is None:
            pool_vectors = _pool_vectors(cache, a.models_dir, a.timeout, a.wait_idle)
        for target, root, sub in ((before, a.baseline_root, "before"), (report, ROOT, "after")):
            if target is None:
                continue
            work = out / "work" / (sub if before is not None else "") / size
            corpus = _corpus(size, work, cache)
            args = ["size", "--name", size, "--corpus", str(corpus.resolve()), "--index", str((work / "index").resolve()),
                    "--models-dir", str(a.models_dir), "--embedder", "real" if real else "composed",
                    "--peak-gflops", str(peak)]
            if pool_vectors and not real:
                args += ["--pool-vectors", str(pool_vectors.resolve())]
            args += [f for f, on in (("--skip-ui", a.skip_ui), ("--skip-update", a.skip_update),
                                     ("--quality", size == "sample")) if on]
            target["sizes"][size] = _worker(args, (work / "result.json").resolve(), a.timeout, a.wait_idle,
                                            Path(root))
            if before is not None:
                _save(before, out / "before")
                _save(report, out / "after")
                (out / "compare.md").write_text(compare(before, report), encoding="utf-8")
            _save(report, out)
            if not a.keep:
                shutil.rmtree(work / "index", ignore_errors=True)
                shutil.rmtree(corpus, ignore_errors=True)
    if a.answer_questions:
        work = out / "work" / "answer"
        corpus = _corpus("sample", work, cache)
        from rag.index import update_index
        from rag.settings import Settings

        update_index(Settings.from_env(env={}, corpus_dir=corpus, index_dir=work / "index", models_dir=a.models_dir,
                                       embedder="e5"), show_progress=False)
        report["answer"] = _worker(["answer", "--corpus", str(corpus), "--index", str(work / "index"),
                                    "--models-dir", str(a.models_dir), "--limit", str(a.answer_questions)],
                                   work / "answer.json", a.timeout, a.wait_idle)
    if a.answer_report:
        rep = json.loads(Path(a.answer_report).read_text(encoding="utf-8"))
        o = rep.get("answers", {}).get("overall", {})
        report["answer_report"] = {"path": str(a.answer_report), "questions": o.get("n"),
                                   **{k: o.get(k) for k in ("first_token_ms_p50", "first_token_ms_p95", "total_ms_p50",
                                                            "total_ms_p95", "prompt_tokens_p50", "retrieve_ms_p50")}}
    report["finished"] = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())
    _save(report, out)
    return report


def _cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def _save(report: dict, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "bench.json").write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    (out / "bench.md").write_text(render(report), encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s: %(message)s")
    if argv and argv[0] == "compare":
        p = argparse.ArgumentParser(prog="python -m bench compare")
        p.add_argument("before", type=Path)
        p.add_argument("after", type=Path)
        p.add_argument("--out", type=Path, help="also write the Markdown here")
        a = p.parse_args(argv[1:])
        text = compare(*(json.loads(x.read_text(encoding="utf-8")) for x in (a.before, a.after)))
        if a.out:
            a.out.write_text(text, encoding="utf-8")
        print(text)
        return
    p = argparse.ArgumentParser(prog="python -m bench", description="Performance benchmark (see bench/README.md).")
    p.add_argument("--sizes", default="sample,1000,10000,100000",
                   help="comma-separated: 'sample' (the sample corpus) and synthetic chunk counts")
    p.add_argument("--real-max", type=int, default=1000,
                   help="synthetic sizes up to this many chunks are embedded with e5; larger ones get composed vectors")
    p.add_argument("--out", default=f"reports/bench-{time.strftime('%Y%m%d-%H%M%S')}")
    p.add_argument("--cache", default="reports/bench-cache", help="synthetic corpora and pool vectors, reused")
    p.add_argument("--models-dir", type=Path, default=ROOT / "models")
    p.add_argument("--label", default="", help="free text stored in the report (e.g. 'before', 'after')")
    p.add_argument("--skip-ui", action="store_true", help="do not measure the idle `rag ui`")
    p.add_argument("--skip-update", action="store_true", help="do not time incremental updates")
    p.add_argument("--skip-embed", action="store_true", help="no embedding throughput benchmark")
    p.add_argument("--skip-reduced", action="store_true", help="embedding benchmark without bf16/int8 variants")
    p.add_argument("--embed-sample", type=int, default=192, help="chunks in the embedding benchmark")
    p.add_argument("--embed-quality", action="store_true", help="hit@5 on the eval set for bf16/int8 variants")
    p.add_argument("--answer-questions", type=int, default=0, help="time the local model on the first N questions")
    p.add_argument("--answer-report", type=Path, help="take answer timings from a `rag eval` report.json")
    p.add_argument("--keep", action="store_true", help="keep the built corpora copies and indexes under <out>/work")
    p.add_argument("--timeout", type=float, default=3600, help="seconds per worker")
    p.add_argument("--baseline-root", type=Path,
                   help="another checkout (e.g. the code before a change) measured size by size just before this one; "
                        "writes <out>/before, <out>/after and <out>/compare.md")
    p.add_argument("--wait-idle", type=float, default=120,
                   help="seconds each measurement waits for other processes to leave the CPUs")
    p.add_argument("--stores", default="",
                   help="compare search backends instead (e.g. folder,qdrant): build, add one bulletin and query "
                        "every size in each, with a hash embedder (no e5); see bench/stores.py")
    p.add_argument("--qdrant-url", default="", help="with --stores: a Qdrant server instead of local mode")
    a = p.parse_args(argv)
    if a.stores:
        from .stores import parse_stores

        try:
            parse_stores(a.stores)
        except ValueError as exc:
            p.error(str(exc))
    report = run(a)
    print(render(report))
    print(f"\nwritten: {Path(a.out) / 'bench.json'}, {Path(a.out) / 'bench.md'}", file=sys.stderr)
