import json
from pathlib import Path

import pytest

from rag.eval import (Question, all_facts, fact_present, load_questions, norm, percentile, reciprocal_rank,
                            summarise)
from rag.ingest import load_text, parse_document

from ..conftest import ROOT, SAMPLE_CORPUS


def test_norm_full_width_and_spaces():
    assert norm("１２３ 名") == "123名"
    assert fact_present(["99.01%"], "满意率达到 ９９.０１％。")
    assert fact_present(["“创文”"], '参与"创文"工作')
    assert not fact_present(["238名"], "选聘了网格员")


def test_all_facts_needs_every_fact():
    assert all_facts([["13个片区"], ["326个网格"]], "划分为13个片区、326个网格")
    assert not all_facts([["13个片区"], ["326个网格"]], "划分为13个片区")
    assert not all_facts([], "任何文本")


def test_rank_metrics():
    assert reciprocal_rank(["a", "b", "c"], ["c"]) == pytest.approx(1 / 3)
    assert reciprocal_rank(["a"], ["z"]) == 0.0
    assert percentile([3, 1, 2, None], 50) == 2 and percentile([], 50) is None


def test_summarise_hand_made_rows():
    rows = [
        {"type": "number", "answerable": True, "hit@1": 1.0, "hit@5": 1.0, "hit@10": 1.0, "mrr@10": 1.0,
         "evidence@5": 1.0, "fact_recall": 1.0, "correct_cited": 1.0, "citation_precision": 1.0, "no_citation": 0.0,
         "refused": False, "retrieve_ms": 10, "first_token_ms": 1000, "total_ms": 2000, "prompt_tokens": 300},
        {"type": "number", "answerable": True, "hit@1": 0.0, "hit@5": 1.0, "hit@10": 1.0, "mrr@10": 0.5,
         "evidence@5": 0.0, "fact_recall": 0.0, "correct_cited": 0.0, "citation_precision": 0.5, "no_citation": 1.0,
         "refused": False, "retrieve_ms": 20, "first_token_ms": 3000, "total_ms": 4000, "prompt_tokens": 400},
        {"type": "unanswerable", "answerable": False, "refused": True, "refused_correctly": 1.0, "retrieve_ms": 5,
         "first_token_ms": None, "total_ms": 6},
    ]
    s = summarise(rows, with_answers=True)
    o = s["overall"]
    assert o["hit@1"] == 0.5 and o["mrr@10"] == 0.75 and o["fact_recall"] == 0.5
    assert o["citation_precision"] == 0.75 and o["no_citation"] == 1
    assert o["refusal_recall"] == 1.0 and o["refusal_precision"] == 1.0
    assert s["by_type"]["number"]["n"] == 2


def test_time_by_outcome_splits_the_model_answer_from_what_follows_it():
    """Session 34: the report says where each outcome's time goes; a retry's second request shows after the
    model's first answer (answered_ms), not in it."""
    from rag.eval.report import format_table

    row = {"type": "number", "answerable": True, "hit@1": 1.0, "hit@5": 1.0, "hit@10": 1.0, "mrr@10": 1.0,
           "evidence@5": 1.0, "fact_recall": 1.0, "correct_cited": 1.0, "citation_precision": 1.0, "no_citation": 0.0,
           "refused": False, "retrieve_ms": 10, "prompt_tokens": 300}
    rows = [{**row, "outcome": "model", "first_token_ms": 2000, "answered_ms": 4000, "total_ms": 4010},
            {**row, "outcome": "model_retry", "first_token_ms": 2500, "answered_ms": 3000, "total_ms": 7000},
            {**row, "outcome": "timeline", "first_token_ms": None, "answered_ms": None, "total_ms": 80}]
    s = summarise(rows, with_answers=True)
    by = s["by_outcome"]
    assert by["model"]["after_ms_p50"] == 10 and by["model_retry"]["after_ms_p50"] == 4000
    assert by["model_retry"]["answered_ms_p50"] == 3000 and by["model_retry"]["total_ms_p50"] == 7000
    assert by["timeline"]["after_ms_p50"] is None and by["timeline"]["n"] == 1
    assert "by_outcome" not in summarise(rows, with_answers=False)
    table = format_table({"retrieval": {}, "answers": s})
    line = next(ln for ln in table.splitlines() if ln.startswith("model_retry"))
    assert line.split() == ["model_retry", "1", "2.50s", "3.00s", "4.00s", "4.00s", "7.00s", "7.00s"]


def test_load_questions_rejects_duplicates(tmp_path):
    p = tmp_path / "q.jsonl"
    p.write_text('{"id": "a", "question": "x", "facts": [], "sources": []}\n' * 2, encoding="utf-8")
    with pytest.raises(ValueError, match="duplicate id"):
        load_questions(p)


def _doc_text(name: str) -> str:
    doc = parse_document(load_text(SAMPLE_CORPUS / name), name)
    m = doc.meta
    meta = f"{m.bulletin or ''}第{m.issue}期{m.date or ''}" if m.issue else ""
    if m.date:
        y, mo, d = m.date.split("-")
        meta += f"{int(y)}年{int(mo)}月{int(d)}日"
    return "\n".join([meta] + [f"{a.section or ''}{a.title or ''}\n{a.text}" for a in doc.articles])


def test_eval_set_gold_facts_occur_in_gold_sources():
    questions = load_questions(ROOT / "eval" / "questions.jsonl")
    assert len(questions) >= 80
    types = {q.type for q in questions}
    assert {"number", "date", "person", "metadata", "paraphrase", "multi", "followup", "unanswerable"} <= types
    assert sum(not q.answerable for q in questions) >= 0.08 * len(questions)
    texts = {p.name: _doc_text(p.name) for p in SAMPLE_CORPUS.glob("*.txt")}
    for q in questions:
        for fact in q.facts:
            assert any(fact_present([s], texts[src]) for src in q.sources for s in fact), (q.id, fact)
        for src in q.sources:
            assert src in texts, (q.id, src)
        if q.type == "followup":
            assert q.history, q.id


def test_load_questions_rejects_an_unknown_split(tmp_path):
    p = tmp_path / "q.jsonl"
    p.write_text('{"id": "a", "question": "问？", "facts": [], "sources": [], "split": "train"}\n', encoding="utf-8")
    with pytest.raises(ValueError, match="split"):
        load_questions(p)


def _cited(text, title="某局开展志愿活动", issue="17", date="2023-06-20"):
    from rag.types import Citation

    return Citation(1, "a.txt", "周口精神文明建设简报", issue, date, None, title, text, 0, len(text), 1.0)


@pytest.mark.parametrize("facts, passages, with_meta, shown", [
    ([["500余份"]], [_cited("共发放宣传册500余份")], False, 1.0),
    ([["500余份"], ["30余条"]], [_cited("共发放宣传册500余份")], False, 0.0),  # every fact, as fact_recall
    ([["500余份"], ["30余条"]], [_cited("共发放宣传册500余份"), _cited("解答法律问题30余条")], False, 1.0),
    ([["志愿活动"]], [_cited("共发放宣传册500余份")], False, 0.0),  # the title is not in the prompt…
    ([["志愿活动"]], [_cited("共发放宣传册500余份")], True, 1.0),  # …unless the question asks about the publication
    ([["第17期"]], [_cited("共发放宣传册500余份")], True, 1.0),
    ([["2023年6月20日"]], [_cited("共发放宣传册500余份")], True, 1.0),
    ([["500余份"]], [], False, 0.0),
])
def test_score_context_facts_shown(facts, passages, with_meta, shown):
    from rag.eval.scoring import score_context, shown_text

    q = Question(id="x", question="发放了多少份？", facts=facts, sources=["a.txt"], titles=[], type="number")
    row = score_context(q, shown_text(passages, with_meta), len(passages))
    assert row["facts_shown"] == shown and row["passages_shown"] == len(passages)


def test_score_context_unanswerable_has_no_facts_shown():
    from rag.eval.scoring import score_context, shown_text

    q = Question(id="x", question="有多少名网格员？", facts=[], sources=[], titles=[], type="unanswerable")
    assert "facts_shown" not in score_context(q, shown_text([_cited("组织网格员开展夜间巡逻")], False), 1)


@pytest.mark.parametrize("with_meta", [False, True])
def test_shown_text_is_the_prompt_s_passage_block(with_meta):
    """What ``facts_shown`` reads is the prompt's own passage block (labels, metadata, sanitised text)."""
    from rag.eval.scoring import shown_text
    from rag.llm.prompts import format_context
    from rag.types import Chunk, Citation, Hit

    chunks = [Chunk(source="a.txt", article_no=1, text="共发放宣传册500余份[3]。", start=0, end=15, title="某局开展志愿活动",
                    bulletin="周口精神文明建设简报", issue="17", date="2023-06-20", section="工作动态"),
              Chunk(source="b.txt", article_no=2, text="解答法律问题30余条。", start=0, end=11)]
    hits = [Hit(c, 1.0, n) for n, c in enumerate(chunks, 1)]
    cited = [Citation.from_hit(n, h) for n, h in enumerate(hits, 1)]
    assert shown_text(cited, with_meta) == format_context(hits, with_meta)
