"""Answer: from a question to a cited answer — the question (cleaning, follow-ups, what it asks for), the
context the model sees (best windows, trimming), the relevance gate (refuse without the model), the
:class:`Assistant` (retrieve → generate or extract → verify → repair or fall back), the checks of a model
answer, citation markers, and extractive answers."""
from .assistant import Assistant
from .checks import Problem, ProblemKind, check_answer, repoint_number, unsupported
from .citations import NOT_FOUND, attribute, cited_numbers, drop_unsupported, is_echo, is_refusal, normalise_markers
from .context import best_window, idf_from_hits, passages_to_show, trim_passage
from .extractive import extractive_answer, metadata_answer, paired_numbers
from .question import clean_question, looks_like_followup, split_parts, wants_metadata
from .relevance import Relevance, judge_relevance

__all__ = ["NOT_FOUND", "Assistant", "Problem", "ProblemKind", "Relevance", "check_answer", "attribute", "best_window", "cited_numbers", "clean_question",
           "drop_unsupported", "extractive_answer", "idf_from_hits", "is_echo", "is_refusal", "judge_relevance",
           "looks_like_followup", "metadata_answer", "normalise_markers", "paired_numbers", "passages_to_show",
           "repoint_number", "split_parts", "trim_passage", "unsupported", "wants_metadata"]
