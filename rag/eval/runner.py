"""The evaluation runner: retrieval and answer metrics over a question set with gold facts and sources.
An interrupted run resumes from the per-question results already written to its output folder."""
from __future__ import annotations

import json
import logging
from pathlib import Path

from tqdm import tqdm

from ..answer import clean_question
from ..llm.prompts import format_context
from .questions import SPLITS, Question
from .scoring import score_answer, score_context, score_retrieval, summarise

log = logging.getLogger(__name__)
CONTEXT_KEYS = ("facts_shown", "context_chars", "passages_shown")


def run_eval(assistant, questions: list[Question], out_dir: Path, modes: list[str], answer: bool = True,
             show_progress: bool | None = None, run_info: dict | None = None, context_only: bool = False) -> dict:
    """Score every question; per-question results go to ``out_dir/rows.jsonl`` as they finish, so an
    interrupted run resumes where it stopped (same out_dir). ``context_only``: instead of answers, score the
    context the model would read (gold facts shown, characters) without generating: seconds, not minutes, to
    measure a change to retrieval or passage choice. A follow-up still needs the model to rewrite it, so
    follow-ups are left out of such a run (logged)."""
    if context_only:
        followups = [q.id for q in questions if q.history]
        if followups:
            log.warning("context only: %d follow-up question(s) left out (their rewrite needs the model): %s",
                        len(followups), " ".join(followups))
        questions = [q for q in questions if not q.history]
    out_dir.mkdir(parents=True, exist_ok=True)
    progress_file = out_dir / "rows.jsonl"
    kind = "context" if context_only else "answers" if answer else "retrieval"
    done: dict[str, dict] = {}
    if progress_file.exists():
        for line in progress_file.read_text(encoding="utf-8").splitlines():
            try:
                row = json.loads(line)
                done[row["id"]] = row
            except (ValueError, KeyError):
                continue
        kinds = {r.get("kind") or ("answers" if "answer" in r else "retrieval") for r in done.values()}
        if kinds - {kind}:  # resuming another kind of run would mix its rows into this one's summary
            raise ValueError(f"{out_dir} holds a {'/'.join(sorted(kinds))} run, not a {kind} run: use another --out")
        if done:
            log.warning("resuming: %d of %d questions already scored in %s", len(done), len(questions), progress_file)
    with open(progress_file, "a", encoding="utf-8") as fh:
        for q in tqdm(questions, desc="questions", unit="q", disable=None if show_progress is None else not show_progress):
            if q.id in done:
                continue
            row = {"id": q.id, "kind": kind, "type": q.type, "question": q.question, "answerable": q.answerable,
                   "gold_sources": q.sources, "split": q.split}
            standalone = assistant.standalone(clean_question(q.question), q.history)
            row["standalone"] = standalone
            for mode in modes:
                hits = assistant.retriever.retrieve(standalone, k=10, mode=mode, filters=q.search_filters())
                row[mode] = score_retrieval(q, hits)
            if context_only:
                _, _, ctx = assistant.prepare(clean_question(q.question), [], q.search_filters(), mode=modes[0])
                row.update(score_context(q, format_context(ctx.passages, ctx.intent.with_meta), len(ctx.passages)))
            elif answer:
                ans = assistant.ask(q.question, history=q.history, filters=q.search_filters(), mode=modes[0])
                row.update(score_answer(q, ans))
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
            fh.flush()
            done[q.id] = row
    rows = [done[q.id] for q in questions if q.id in done]
    report = {"run": run_info or {}, "retrieval": {}, "rows": rows}
    for mode in modes:
        mode_rows = [{**{k: v for k, v in r.items() if k not in modes and k not in CONTEXT_KEYS}, **r.get(mode, {})}
                     for r in rows]  # the context was chosen from the main mode's passages only
        report["retrieval"][mode] = summarise(mode_rows, with_answers=False)
    if context_only:
        ctx_rows = [{**r, **r.get(modes[0], {})} for r in rows]
        report["context"] = summarise(ctx_rows, with_answers=False)
        report["splits"] = {split: summarise([r for r in ctx_rows if r.get("split") == split], with_answers=False)
                            ["overall"] for split in SPLITS if any(r.get("split") == split for r in ctx_rows)}
    elif answer:
        main_mode = modes[0]
        ans_rows = [{**r, **r.get(main_mode, {})} for r in rows]
        report["answers"] = summarise(ans_rows, with_answers=True)
        # the dev part is for tuning, the test part only for reporting: both are always shown
        report["splits"] = {split: summarise([r for r in ans_rows if r.get("split") == split], with_answers=True)
                            ["overall"] for split in SPLITS if any(r.get("split") == split for r in ans_rows)}
    return report
