"""Scoring: gold facts in an answer (normalised spellings), retrieval hit@k / MRR / evidence@k, answer
correctness, citation precision and refusals, and their summaries overall and by question type."""
from __future__ import annotations

import re
import unicodedata

from ..answer import wants_metadata
from ..llm.prompts import label
from ..types import iso_date_label
from .questions import TYPES, Question


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


def shown_text(passages, with_meta: bool) -> str:
    """What the model read of ``passages`` (citations), labelled as the prompt labels them: with their titles,
    bulletin, issue, date and section only when the question asks about the publication."""
    return "\n".join(label(c.n, c.text, with_meta, c.title, c.bulletin, c.issue, iso_date_label(c.date), c.section)
                     for c in passages)


def score_context(q: Question, text: str, passages: int) -> dict:
    """Were the gold facts in ``text``, the passage block the model read (``passages`` of them)? ``facts_shown``
    separates a miss of the context (the answer was never shown) from a miss of the model (shown, answered wrong
    or refused)."""
    row = {"context_chars": len(text), "passages_shown": passages}
    if q.answerable:
        row["facts_shown"] = float(all_facts(q.facts, text))
    return row


def score_answer(q: Question, ans) -> dict:
    cited_sources = [c.source for c in ans.citations]
    row = {"answer": ans.answer, "refused": ans.refused, "citations": cited_sources,
           "fallback": ans.fallback, "outcome": ans.outcome.value, "prompt_tokens": ans.prompt_tokens, **{k: v for k, v in ans.timings.items()}}
    shown = score_context(q, shown_text(ans.passages, wants_metadata(ans.standalone_question or ans.question)),
                          len(ans.passages))
    row["context_chars"] = shown["context_chars"]
    if q.answerable:
        row["facts_shown"] = shown["facts_shown"]
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
        if any("context_chars" in r or "facts_shown" in r for r in rs):  # answers and context-only runs
            out["facts_shown"] = _mean(ans, "facts_shown")
            out["context_chars_p50"] = percentile([r.get("context_chars") for r in rs], 50)
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
    out = {"overall": block(rows), "by_type": {t: block([r for r in rows if r["type"] == t]) for t in types}}
    if with_answers:
        outcomes = sorted({r["outcome"] for r in rows if r.get("outcome")})
        out["by_outcome"] = {o: latency([r for r in rows if r.get("outcome") == o]) for o in outcomes}
    return out


def latency(rows: list[dict]) -> dict:
    """Where the time of these answers went: to the first token, to the model's first answer complete, and after
    it (its checks, and a second request when one was made: a retry with one passage, an answer with the refusal
    banned). Outcomes differ most in the last part."""
    after = [r["total_ms"] - r["answered_ms"] for r in rows if r.get("total_ms") is not None
             and r.get("answered_ms") is not None]
    return {"n": len(rows), "first_token_ms_p50": percentile([r.get("first_token_ms") for r in rows], 50),
            "answered_ms_p50": percentile([r.get("answered_ms") for r in rows], 50),
            "after_ms_p50": percentile(after, 50), "after_ms_p95": percentile(after, 95),
            "total_ms_p50": percentile([r.get("total_ms") for r in rows], 50),
            "total_ms_p95": percentile([r.get("total_ms") for r in rows], 95)}
