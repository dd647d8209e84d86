"""Question sets: rows of ``eval/questions.jsonl`` — ``{"id", "question", "facts": [[spelling, …], …],
"sources": [file…], "titles": [title…], "type", "history"?: [previous questions], "filters"?: {…}}``."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

SPLITS = ("dev", "test")
FILTER_KEYS = {"source", "issue", "section", "date_from", "date_to"}
TYPES = ("number", "date", "person", "place", "factoid", "metadata", "paraphrase", "multi", "followup", "list",
         "time_order", "unanswerable", "near_miss")


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
    filters: dict = field(default_factory=dict)  # {"source"|"issue"|"section": [...], "date_from"|"date_to": str}

    def search_filters(self):
        """The question's metadata filters as the retriever takes them (None when it has none)."""
        if not self.filters:
            return None
        from ..retrieval import Filters

        f = self.filters
        return Filters(date_from=f.get("date_from"), date_to=f.get("date_to"), sources=list(f.get("source", [])),
                       issues=[str(i) for i in f.get("issue", [])], sections=list(f.get("section", [])))

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
                         split=row.get("split"), filters=dict(row.get("filters") or {}))
            unknown = set(q.filters) - FILTER_KEYS
            if unknown:
                raise ValueError(f"unknown filter {sorted(unknown)[0]!r}; filters are {', '.join(sorted(FILTER_KEYS))}")
            if q.split not in (None, *SPLITS):
                raise ValueError(f"split must be one of {', '.join(SPLITS)}, not {q.split!r}")
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"{path}:{i}: not a valid question row ({exc})") from exc
        if q.id in seen:
            raise ValueError(f"{path}:{i}: duplicate id {q.id!r}")
        seen.add(q.id)
        out.append(q)
    return out
