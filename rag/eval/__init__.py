"""Evaluation: question sets with gold facts and sources, scoring (retrieval hit@k/MRR/evidence@k, answer
correctness, citations, refusals, latency), the resumable runner, reports (table, JSON, Markdown, HTML,
comparison) and the RGB benchmark adapter."""
from .questions import TYPES, Question, load_questions
from .report import compare, format_table, write_reports
from .runner import run_eval
from .scoring import (all_facts, fact_present, norm, percentile, reciprocal_rank, score_answer, score_retrieval,
                      summarise)

__all__ = ["TYPES", "Question", "all_facts", "compare", "fact_present", "format_table", "load_questions", "norm",
           "percentile", "reciprocal_rank", "run_eval", "score_answer", "score_retrieval", "summarise",
           "write_reports"]
