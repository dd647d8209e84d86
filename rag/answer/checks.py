"""Checks of a model's answer against the passages it was shown: it must cite, its figures must be in a
cited passage about the question, a person it names must be in one; a figure cited from the wrong
passage is re-pointed to the passage that holds it when that one is about the question."""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum

from ..text import content_tokens, person_names
from ..types import Hit
from .citations import MARKER_RE, cited_numbers
from .context import idf_from_hits
from .question import ASKS_DATE, ASKS_NUMBER, ASKS_PERSON, GIVES_DATE, HAS_NUMBER
from .tuning import TUNING

NUMBER_RE = re.compile(r"\d+(?:\.\d+)?")
# a small model at temperature 0 can fall into repeating one phrase until its token limit ("以大走访活动问计于民、
# 问需于民，以大走访活动问计于民、问需于民，…"): a run of 6+ characters three times in a row
LOOP_RE = re.compile(r"(.{6,60}?)\1\1", re.S)


def looped(text: str) -> bool:
    """The text repeats one phrase three times in a row: the model is looping, not answering."""
    return bool(LOOP_RE.search(text))


def until_loop(deltas: Iterator[str]) -> Iterator[str]:
    """The model's deltas until its text starts looping (the stream is closed then: the rest is the same
    phrase again, and generating it costs seconds)."""
    text = ""
    for delta in deltas:
        yield delta
        text += delta
        if looped(text[-200:]):
            return


class ProblemKind(Enum):
    NO_CITATION = "cites no passage"
    FIGURE_NOT_SHOWN = "states a figure that no passage contains"
    FIGURE_NOT_CITED = "states a figure that the passage it cites does not contain"
    PERSON_NOT_CITED = "names a person no cited passage about the question mentions"
    NUMBER_MISSING = "gives no number although one was asked for"
    DATE_MISSING = "gives no date although one was asked for"


@dataclass(frozen=True)
class Problem:
    """Why a model answer cannot be shown as it is: a typed kind (what the pipeline decides on) and a message
    (what logs and reports show)."""

    kind: ProblemKind
    message: str


def unsupported(text: str, question: str, passages: list[Hit]) -> str | None:
    """The message of :func:`check_answer`'s problem, or None."""
    problem = check_answer(text, question, passages)
    return problem.message if problem else None


def check_answer(text: str, question: str, passages: list[Hit]) -> Problem | None:
    """Why a model answer cannot be shown as it is, or None: it cites nothing, it states a number found
    in no passage (a hallucinated figure), or a number was asked for and it gives none."""
    if not cited_numbers(text):
        return Problem(ProblemKind.NO_CITATION, "model answer cites no passage")
    body = MARKER_RE.sub("", text)
    shown = question + "".join(p.chunk.embed_text() for p in passages)
    cited = question + "".join(passages[n - 1].chunk.embed_text() for n in cited_numbers(text)
                               if 1 <= n <= len(passages))
    for num in NUMBER_RE.findall(body):
        if not has_number(num, shown):
            return Problem(ProblemKind.FIGURE_NOT_SHOWN, f"model answer states {num}, which no passage contains")
        if not has_number(num, cited):
            return Problem(ProblemKind.FIGURE_NOT_CITED,
                           f"model answer states {num}, which the passage it cites does not contain")
    if ASKS_PERSON.search(question):
        cited_hits = [passages[n - 1] for n in cited_numbers(text) if 1 <= n <= len(passages)]
        for name in person_names(body):
            if name not in question and not any(name in h.chunk.embed_text() and _coverage(question, h, passages)
                                                >= TUNING.cited_support for h in cited_hits):
                return Problem(ProblemKind.PERSON_NOT_CITED,
                               f"model answer names {name}, whom no cited passage about the question mentions")
    if ASKS_NUMBER.search(question) and not HAS_NUMBER.search(body):
        return Problem(ProblemKind.NUMBER_MISSING, "a number was asked for and the model answer gives none")
    if ASKS_DATE.search(question) and not GIVES_DATE.search(body):
        return Problem(ProblemKind.DATE_MISSING, "a date was asked for and the model answer gives none")
    return None


def _coverage(question: str, hit: Hit, hits: list[Hit]) -> float:
    """IDF-weighted share of the question's words in ``hit`` (words that only some of ``hits`` contain,
    like the county in "鹿邑县…推进会", weigh most)."""
    toks = content_tokens(question)
    idf = idf_from_hits(toks, hits)
    text = hit.chunk.embed_text()
    total = sum(idf.values())
    return sum(w for t, w in idf.items() if t in text) / total if total else 0.0


def figure_re(num: str) -> re.Pattern:
    """``num`` as a whole figure (not the 20 of 2023 or of 20.5)."""
    return re.compile(rf"(?<![\d.]){re.escape(num)}(?![\d]|\.\d)")


def has_number(num: str, text: str) -> bool:
    return bool(figure_re(num).search(text))


def repoint_number(text: str, question: str, passages: list[Hit]) -> str | None:
    """An answer whose figure sits in another passage than the one it cites: cite that passage instead,
    but only if it is about the question (most of the question's words occur in it); else None — the
    model borrowed a figure from an unrelated passage."""
    toks = content_tokens(question)
    body = MARKER_RE.sub("", text)
    nums = [n for n in NUMBER_RE.findall(body) if not has_number(n, question)]
    holders = [i for i, p in enumerate(passages, 1) if nums and all(has_number(n, p.chunk.embed_text()) for n in nums)]
    for i in holders:
        emb = passages[i - 1].chunk.embed_text()
        if toks and sum(t in emb for t in toks) / len(toks) >= TUNING.cited_support:
            return MARKER_RE.sub(f"[{i}]", text)
    return None
