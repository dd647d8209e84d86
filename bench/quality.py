"""Retrieval quality of an index on the project's question set (hit@k, evidence@5), as the bench reports it
beside its timings; shared by the size runs (``worker``) and the embedding variants (``embed_bench``)."""
from __future__ import annotations

import tempfile
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def questions(limit: int | None = None):
    from rag.eval import load_questions

    qs = load_questions(ROOT / "eval" / "questions.jsonl")
    return qs[:limit] if limit else qs


def retrieval_quality(settings, idx) -> dict:
    from rag.answer import Assistant
    from rag.eval import run_eval

    assistant = Assistant(replace(settings, llm="extractive"), idx)
    with tempfile.TemporaryDirectory() as tmp:
        rep = run_eval(assistant, questions(), Path(tmp), ["hybrid", "dense", "bm25"], answer=False,
                       show_progress=False)
    return {m: {k: v for k, v in s["overall"].items() if k in ("hit@1", "hit@5", "hit@10", "evidence@5")}
            for m, s in rep["retrieval"].items()}
