"""The typed values the verification rules pass around: the draft they judge, the evidence they read, the
verdict they return and its action. Kept apart from the rules so the rule modules (rules.py, near_misses.py)
share them without importing each other."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum

from ..types import Hit, Outcome, TokenChoice
from .checks import Problem
from .question import Intent
from .relevance import Relevance
from .tuning import TUNING, Tuning


class Action(Enum):
    KEEP = "keep"  # show the draft
    REPLACE = "replace"  # show ``Verdict.text`` instead
    REFUSE = "refuse"  # the documents do not hold the answer


@dataclass(frozen=True)
class Verdict:
    rule: str
    action: Action
    outcome: Outcome
    text: str = ""
    reason: str | None = None  # shown as Answer.fallback (why the model's answer was not shown as it was)
    widened: tuple[int, Hit] | None = None  # passage n was widened for a retry: cite the wider one


@dataclass
class Evidence:
    """What the rules look at: the question's intent and the passages shown to the model."""

    intent: Intent
    passages: list[Hit]
    tokens: list[str]
    relevance: Relevance
    window_scores: list[float]  # each passage's best-window score
    retry: Callable[[int], tuple[str, Hit] | None] = lambda n: None  # ask again with passage n alone
    first_token: Callable[[], list[TokenChoice] | None] = lambda: None  # the model's likeliest first tokens
    regenerate: Callable[[tuple[int, ...]], "Draft | None"] = lambda banned: None  # answer again, these tokens banned
    article: Callable[[int], str] = lambda n: ""  # the metadata line and full text of passage n's article
    home: Callable[[int], str | None] = lambda n: None  # the district whose paper passage n's file is, if any
    tuning: Tuning = TUNING

    def article_text(self, n: int) -> str:
        """What the article of passage ``n`` writes, its metadata line included (the passage's own text when the
        index keeps no articles)."""
        return self.article(n) or self.passages[n - 1].chunk.embed_text()


@dataclass
class Draft:
    """The model's answer after its citations were normalised, attributed and unsupported sentences dropped."""

    text: str
    refused: bool
    problem: Problem | None = None
    extra: dict = field(default_factory=dict)
