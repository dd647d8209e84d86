"""The evaluation runner: retrieval and answer metrics over a question set with gold facts and sources.

Rows of ``eval/questions.jsonl``: ``{"id", "question", "facts": [[spelling, …], …], "sources": [file…],
"titles": [title…], "type", "history"?: [previous questions]}``. An interrupted run resumes from the
per-question results already written to its output folder.
"""
from __future__ import annotations

import json
import logging
import re
import statistics
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

log = logging.getLogger(__name__)
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
                         type=row.get("type", "factoid"), history=list(row.get("history", [])))
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"{path}:{i}: not a valid question row ({exc})") from exc
        if q.id in seen:
            raise ValueError(f"{path}:{i}: duplicate id {q.id!r}")
        seen.add(q.id)
        out.append(q)
    return out


def norm(text: str) -> str:
    """Comparison form: NFKC (full-width digits/letters → ASCII), no whitespace, lower case, unified quotes."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    text = text.replace("“", '"').replace("”", '"').replace("‘", "'").replace("’", "'")
    return re.sub(r"\s+", "", text)


def fact_present(fact: list[str], text: str) -> bool:
    t = norm(text)
    return any(norm(s) in t for s in fact if s)


def all_facts(facts: list[list[str]], text: str) -> bool:
    return bool(facts) and all(fact_present(f, text) for f in facts)


def reciprocal_rank(ranked_sources: list[str], gold: list[str], k: int = 10) -> float:
    for i, s in enumerate(ranked_sources[:k], 1):
        if s in gold:
            return 1.0 / i
    return 0.0


def percentile(values: list[float], p: float) -> float | None:
    vals = sorted(v for v in values if v is not None)
    if not vals:
        return None
    idx = min(len(vals) - 1, max(0, round(p / 100 * (len(vals) - 1))))
    return vals[idx]


def score_retrieval(q: Question, hits) -> dict:
    sources = [h.chunk.source for h in hits]
    texts = [h.chunk.embed_text() for h in hits]
    row = {"rank_sources": sources[:10]}
    if q.answerable:
        for k in (1, 5, 10):
            row[f"hit@{k}"] = float(any(s in q.sources for s in sources[:k]))
        row["mrr@10"] = reciprocal_rank(sources, q.sources)
        row["evidence@5"] = float(all_facts(q.facts, "\n".join(texts[:5])))
    return row


def score_answer(q: Question, ans) -> dict:
    cited_sources = [c.source for c in ans.citations]
    row = {"answer": ans.answer, "refused": ans.refused, "citations": cited_sources,
           "fallback": ans.fallback, "prompt_tokens": ans.prompt_tokens, **{k: v for k, v in ans.timings.items()}}
    if q.answerable:
        row["fact_recall"] = float(all_facts(q.facts, ans.answer))
        row["cites_gold"] = float(any(s in q.sources for s in cited_sources))
        row["correct_cited"] = float(row["fact_recall"] and row["cites_gold"])
        good = [c for c in ans.citations if c.source in q.sources or any(fact_present(f, c.text) for f in q.facts)]
        row["citation_precision"] = len(good) / len(ans.citations) if ans.citations else None
        row["no_citation"] = float(not ans.citations and not ans.refused)
        row["false_refusal"] = float(ans.refused)
    else:
        row["refused_correctly"] = float(ans.refused)
    return row


def _mean(rows: list[dict], key: str) -> float | None:
    vals = [r[key] for r in rows if r.get(key) is not None]
    return round(sum(vals) / len(vals), 3) if vals else None


def summarise(rows: list[dict], with_answers: bool) -> dict:
    """Overall and per-type metrics from per-question rows."""
    def block(rs: list[dict]) -> dict:
        ans = [r for r in rs if r["answerable"]]
        una = [r for r in rs if not r["answerable"]]
        out = {"n": len(rs)}
        for k in ("hit@1", "hit@5", "hit@10", "mrr@10", "evidence@5"):
            out[k] = _mean(ans, k)
        if with_answers:
            for k in ("fact_recall", "correct_cited", "citation_precision"):
                out[k] = _mean(ans, k)
            out["no_citation"] = int(sum(r.get("no_citation") or 0 for r in ans))
            refused = [r for r in rs if r.get("refused")]
            out["refusal_recall"] = _mean(una, "refused_correctly")
            out["refusal_precision"] = (round(sum(1 for r in refused if not r["answerable"]) / len(refused), 3)
                                        if refused else None)
            for k in ("retrieve_ms", "first_token_ms", "total_ms"):
                vals = [r.get(k) for r in rs]
                out[f"{k}_p50"] = percentile(vals, 50)
                out[f"{k}_p95"] = percentile(vals, 95)
            out["prompt_tokens_p50"] = percentile([r.get("prompt_tokens") for r in rs], 50)
        return out

    types = sorted({r["type"] for r in rows}, key=lambda t: TYPES.index(t) if t in TYPES else 99)
    return {"overall": block(rows), "by_type": {t: block([r for r in rows if r["type"] == t]) for t in types}}


def run_eval(assistant, questions: list[Question], out_dir: Path, modes: list[str], answer: bool = True,
             show_progress: bool | None = None, run_info: dict | None = None) -> dict:
    """Score every question; per-question results go to ``out_dir/rows.jsonl`` as they finish, so an
    interrupted run resumes where it stopped (same out_dir)."""
    from .answer import clean_question

    out_dir.mkdir(parents=True, exist_ok=True)
    progress_file = out_dir / "rows.jsonl"
    done: dict[str, dict] = {}
    if progress_file.exists():
        for line in progress_file.read_text(encoding="utf-8").splitlines():
            try:
                row = json.loads(line)
                done[row["id"]] = row
            except (ValueError, KeyError):
                continue
        if done:
            log.warning("resuming: %d of %d questions already scored in %s", len(done), len(questions), progress_file)
    with open(progress_file, "a", encoding="utf-8") as fh:
        for q in tqdm(questions, desc="questions", unit="q", disable=None if show_progress is None else not show_progress):
            if q.id in done:
                continue
            row = {"id": q.id, "type": q.type, "question": q.question, "answerable": q.answerable,
                   "gold_sources": q.sources}
            standalone = assistant.standalone(clean_question(q.question), q.history)
            row["standalone"] = standalone
            for mode in modes:
                hits = assistant.retriever.retrieve(standalone, k=10, mode=mode)
                row[mode] = score_retrieval(q, hits)
            if answer:
                ans = assistant.ask(q.question, history=q.history)
                row.update(score_answer(q, ans))
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
            fh.flush()
            done[q.id] = row
    rows = [done[q.id] for q in questions if q.id in done]
    report = {"run": run_info or {}, "retrieval": {}, "rows": rows}
    for mode in modes:
        mode_rows = [{**{k: v for k, v in r.items() if k not in modes}, **r.get(mode, {})} for r in rows]
        report["retrieval"][mode] = summarise(mode_rows, with_answers=False)
    if answer:
        main_mode = modes[0]
        ans_rows = [{**r, **r.get(main_mode, {})} for r in rows]
        report["answers"] = summarise(ans_rows, with_answers=True)
    return report


def format_table(report: dict) -> str:
    lines = []
    lines.append("Retrieval (answerable questions; hit = gold source in top k, evidence@5 = gold facts in top 5)")
    lines.append(f"{'mode':8} {'n':>4} {'hit@1':>6} {'hit@5':>6} {'hit@10':>6} {'MRR@10':>7} {'evid@5':>7}")
    for mode, s in report["retrieval"].items():
        o = s["overall"]
        lines.append(f"{mode:8} {o['n']:>4} {_f(o['hit@1'])} {_f(o['hit@5'])} {_f(o['hit@10'])} {_f(o['mrr@10'], 7)} "
                     f"{_f(o['evidence@5'], 7)}")
    if "answers" in report:
        lines.append("")
        lines.append("Answers by type")
        lines.append(f"{'type':13} {'n':>3} {'facts':>6} {'corr+cit':>8} {'cit.prec':>8} {'no-cit':>6} {'refuse-R':>8} "
                     f"{'evid@5':>6} {'1st p50':>8} {'tot p50':>8} {'tot p95':>8}")
        a = report["answers"]
        for name, o in list(a["by_type"].items()) + [("OVERALL", a["overall"])]:
            lines.append(f"{name:13} {o['n']:>3} {_f(o['fact_recall'])} {_f(o['correct_cited'], 8)} "
                         f"{_f(o['citation_precision'], 8)} {o['no_citation']:>6} {_f(o['refusal_recall'], 8)} "
                         f"{_f(o['evidence@5'])} {_ms(o['first_token_ms_p50'])} {_ms(o['total_ms_p50'])} "
                         f"{_ms(o['total_ms_p95'])}")
        o = a["overall"]
        lines.append(f"refusal precision {o['refusal_precision']}, prompt tokens p50 {o['prompt_tokens_p50']}, "
                     f"retrieve p50 {o['retrieve_ms_p50']} ms")
    return "\n".join(lines)


def _f(v, w: int = 6) -> str:
    return f"{'-' if v is None else f'{v:.3f}':>{w}}"


def _ms(v, w: int = 8) -> str:
    return f"{'-' if v is None else f'{v / 1000:.2f}s':>{w}}"
