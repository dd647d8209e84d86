"""Question sets: rows of ``eval/questions.jsonl`` — ``{"id", "question", "facts": [[spelling, …], …],
"sources": [file…], "titles": [title…], "type", "history"?: [previous questions]}``."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

SPLITS = ("dev", "test")
TYPES = ("number", "date", "person", "place", "factoid", "metadata", "paraphrase", "multi", "followup", "unanswerable")


@dataclass
class Question:
    id: str
    question: str
    facts: list[list[str]]
    sources: list[str]
    titles: list[str] = field(default_factory=list)
    type: str = "factoid"
    history: list[str] = field(default_factory=list)
    split: str | None = None  # "dev" (tune on it) or "test" (report only); None: the set has no split

    @property
    def answerable(self) -> bool:
        return bool(self.facts)


def load_questions(path: Path) -> list[Question]:
    out, seen = [], set()
    for i, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            q = Question(id=str(row["id"]), question=row["question"], facts=[list(f) for f in row.get("facts", [])],
                         sources=list(row.get("sources", [])), titles=list(row.get("titles", [])),
                         type=row.get("type", "factoid"), history=list(row.get("history", [])),
                         split=row.get("split"))
            if q.split not in (None, *SPLITS):
                raise ValueError(f"split must be one of {', '.join(SPLITS)}, not {q.split!r}")
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"{path}:{i}: not a valid question row ({exc})") from exc
        if q.id in seen:
            raise ValueError(f"{path}:{i}: duplicate id {q.id!r}")
        seen.add(q.id)
        out.append(q)
    return out
