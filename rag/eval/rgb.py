"""Adapter for the external RGB benchmark (zh_refine): build a temporary index of a subset's positive and
negative passages, then ask its queries and score them with its answer lists.

The data stays where it is (``../shared/bench/rgb/zh_refine.json`` by default, or ``RAG_RGB_PATH``); it is
evaluation data and is never copied into the project.
"""
from __future__ import annotations

import json
import logging
from dataclasses import replace
from pathlib import Path

from ..settings import Settings, default_path
from .questions import Question

log = logging.getLogger(__name__)
DEFAULT_RGB = default_path("..", "shared", "bench", "rgb", "zh_refine.json")


def rgb_path() -> Path:
    import os

    return Path(os.environ.get("RAG_RGB_PATH") or DEFAULT_RGB)


def load_rgb(path: Path, limit: int | None = None) -> list[dict]:
    if not path.is_file():
        raise FileNotFoundError(f"RGB benchmark not found at {path}; set RAG_RGB_PATH to zh_refine.json")
    rows = []
    with open(path, encoding="utf-8") as fh:
        for i, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                rows.append(json.loads(line))
            except ValueError as exc:
                raise ValueError(f"{path}:{i}: not JSON ({exc})") from exc
            if limit and len(rows) >= limit:
                break
    return rows


def _facts(answer) -> list[list[str]]:
    facts = []
    for a in answer if isinstance(answer, list) else [answer]:
        facts.append([str(x) for x in a] if isinstance(a, list) else [str(a)])
    return facts


def prepare_rgb(rows: list[dict], work_dir: Path) -> tuple[Path, list[Question]]:
    """Write each distinct passage as one text file under ``work_dir/corpus``; return it and the questions."""
    corpus = work_dir / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    names: dict[str, str] = {}
    questions = []
    for row in rows:
        qid = str(row["id"])
        gold = []
        for kind in ("positive", "negative"):
            for i, text in enumerate(row.get(kind, [])):
                text = str(text).strip()
                if not text:
                    continue
                name = names.get(text)
                if name is None:
                    name = f"rgb_{qid}_{kind[0]}{i}.txt"
                    (corpus / name).write_text(text + "\n", encoding="utf-8")
                    names[text] = name
                if kind == "positive":
                    gold.append(name)
        questions.append(Question(id=f"rgb{qid}", question=row["query"], facts=_facts(row["answer"]),
                                  sources=gold, type="rgb"))
    return corpus, questions


def rgb_settings(settings: Settings, work_dir: Path) -> Settings:
    return replace(settings, corpus_dir=work_dir / "corpus", index_dir=work_dir / "index")
