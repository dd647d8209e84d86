"""Choosing the context a model sees: sentence and clause scores against the question's content words,
the best window of a passage within a character budget, trimming, and which passages are worth the
prompt's time."""
from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass, replace

from ..text import clauses, split_sentences, word_chars
from ..text.dates import chinese_number
from ..types import Hit
from .citations import bigram_share
from .question import ASKS_DATE, HAS_DATE, HAS_NUMBER, asks_number, expected_figure
from .tuning import TUNING


@dataclass
class Scored:
    start: int  # offsets inside the hit's chunk text
    end: int
    score: float


def word_weights(question_tokens: list[str], idf: dict[str, float] | None = None) -> dict[str, float]:
    """Each question word's weight: its IDF among the retrieved passages (:func:`idf_from_hits`), else 1."""
    return {t: (idf or {}).get(t, 1.0) for t in question_tokens}


def sentence_scores(question_tokens: list[str], text: str, idf: dict[str, float] | None = None) -> list[Scored]:
    """IDF-weighted share of the question's content tokens found in each sentence."""
    weights = word_weights(question_tokens, idf)
    total = sum(weights.values()) or 1.0
    out = []
    for s, e in split_sentences(text):
        sent = text[s:e].lower()  # question tokens are lower-cased (GDP → gdp)
        got = sum(w for t, w in weights.items() if t in sent)
        out.append(Scored(s, e, got / total))
    return out


def coverage(question_tokens: list[str], text: str) -> float:
    if not question_tokens:
        return 0.0
    low = text.lower()  # question tokens are lower-cased (iPhone → iphone)
    return sum(1 for t in question_tokens if t in low) / len(question_tokens)


def idf_from_hits(question_tokens: list[str], hits: list[Hit]) -> dict[str, float]:
    """A rough IDF from the retrieved passages: tokens found everywhere count less."""
    n = max(1, len(hits))
    return {t: math.log(1 + n / (1 + sum(1 for h in hits if t in h.chunk.text.lower()))) + 0.1 for t in question_tokens}




# the word a list question quotes right after asking for its items ("哪三个“注重”", "哪几个“以学”"): each item
# repeats it; "“双减”政策有哪些要求" quotes a name, not an item word
_ITEM_WORD = re.compile(r"哪(?P<n>[两二三四五六七八九十]+|几|些)?[个项条种点大类]*[“\"](?P<w>[\u4e00-\u9fff]{1,4})[”\"]")


@functools.lru_cache(maxsize=256)
def items_asked(question: str) -> tuple[str, int] | None:
    """The quoted word a list question names its items by, and how many it asks (哪三个 → 3; 哪几个 / 哪些 → 3)."""
    m = _ITEM_WORD.search(question)
    if not m:
        return None
    n = m.group("n") or ""
    return m.group("w"), (chinese_number(n.replace("两", "二")) or 3) if n not in ("", "几", "些") else 3


def items_bonus(question: str, text: str) -> float:
    """A list question's items are the passage's repeats of the quoted word it asks by: a window holding more of
    them (up to the number asked) is chosen over one that cuts after the first one or two."""
    asked = items_asked(question)
    return TUNING.item_bonus * min(text.count(asked[0]), asked[1]) / asked[1] if asked else 0.0


def answer_shape_bonus(question: str, text: str) -> float:
    """Evidence that has the kind of thing the question asks for (a number, a date; better, a figure of the
    kind asked: a length for 多长, a score for 得分) ranks higher."""
    bonus = 0.0
    if asks_number(question) and HAS_NUMBER.search(text):
        bonus += TUNING.figure_bonus
        figure = expected_figure(question)
        if figure is not None and figure.search(text):
            bonus += TUNING.expected_figure_bonus
    if ASKS_DATE.search(question) and HAS_DATE.search(text):
        bonus += TUNING.figure_bonus
    return bonus


def grow(spans: list[tuple[int, int]], lo: int, hi: int, budget: int) -> tuple[int, int]:
    """Clauses ``lo..hi`` grown by whole neighbouring clauses, forward first, while they fit ``budget``."""
    while True:
        grown = False
        if hi + 1 < len(spans) and spans[hi + 1][1] - spans[lo][0] <= budget:
            hi, grown = hi + 1, True
        if lo > 0 and spans[hi][1] - spans[lo - 1][0] <= budget:
            lo, grown = lo - 1, True
        if not grown:
            return lo, hi


def best_window(question_tokens: list[str], text: str, budget: int, idf: dict[str, float] | None = None,
                question: str = "", topic: str = "", seen: str = "") -> tuple[int, int, float]:
    """The span of at most ``budget`` characters, made of whole clauses, that holds the most question
    content (IDF-weighted, plus a bonus when it has the number/date asked for); then grown to use the
    rest of the budget, forward first. Words found in ``topic`` (the article title) count
    ``TUNING.topic_weight`` when the span is chosen, and words found in ``seen`` (a window already shown)
    ``TUNING.seen_word_weight``; the returned score weighs every word fully, so it compares across passages."""
    spans = clauses(text)
    if not spans:
        return 0, len(text), 0.0
    weights = word_weights(question_tokens, idf)
    total = sum(weights.values()) or 1.0
    topic, seen = topic.lower(), seen.lower()
    choose = {t: w * (TUNING.topic_weight if topic and t in topic else 1.0)
              * (TUNING.seen_word_weight if seen and t in seen else 1.0) for t, w in weights.items()}

    def score(lo: int, hi: int, w: dict[str, float] = weights, choosing: bool = False) -> float:
        window = text[spans[lo][0]:spans[hi][1]]
        low = window.lower()
        got = sum(v for t, v in w.items() if t in low) / total + answer_shape_bonus(question, window)
        return got + items_bonus(question, window) if choosing else got

    best = (-1.0, 0, 0)
    for lo in range(len(spans)):
        for hi in range(lo, len(spans)):
            if hi > lo and spans[hi][1] - spans[lo][0] > budget:
                break
            sc = score(lo, hi, choose, choosing=True) - 0.001 * (hi - lo)
            if sc > best[0]:
                best = (sc, lo, hi)
    lo, hi = grow(spans, best[1], best[2], budget)
    s, e = spans[lo][0], spans[hi][1]
    if e - s > budget:
        e = s + budget
    return s, e, score(lo, hi)


def second_window(question_tokens: list[str], text: str, budget: int, first: tuple[int, int, float],
                  idf: dict[str, float] | None = None, question: str = "", topic: str = "") -> tuple[int, int, float] | None:
    """The best window of ``text`` outside ``first`` (a :func:`best_window`), chosen for the question words the
    first window lacks: a long article's answer is often a sentence or two away from the words the question
    repeats (the event's name and date open the article, the asked detail comes later). Shown when it scores at
    least ``TUNING.second_window_share`` of the first, or holds ``TUNING.novel_window`` of the question's words
    (IDF-weighted) that the first lacks. Offsets are in ``text``; None when the text fits the budget or nothing
    else matches."""
    s, e, score = first
    if len(text) <= budget or score <= 0:
        return None
    best = None
    for lo, hi in ((0, s), (e, len(text))):  # the text before the first window, and after it
        if hi - lo < 8:
            continue
        ws, we, sc = best_window(question_tokens, text[lo:hi], budget, idf, question, topic, seen=text[s:e])
        if sc > 0 and (best is None or sc > best[2]):
            best = (lo + ws, lo + we, sc)
    if best is None:
        return None
    if best[2] >= TUNING.second_window_share * score:
        return best
    return best if novel_share(question_tokens, text[best[0]:best[1]], text[s:e], idf) >= TUNING.novel_window else None


def novel_share(question_tokens: list[str], window: str, shown: str, idf: dict[str, float] | None = None) -> float:
    """The IDF-weighted share of the question's words that ``window`` holds and ``shown`` does not."""
    weights = word_weights(question_tokens, idf)
    window, shown = window.lower(), shown.lower()
    return sum(w for t, w in weights.items() if t in window and t not in shown) / (sum(weights.values()) or 1.0)


def trim_passage(hit: Hit, question_tokens: list[str], budget: int, idf: dict[str, float] | None = None,
                 question: str = "", window: tuple[int, int, float] | None = None) -> Hit:
    """Narrow a passage to its most relevant clauses (at most ``budget`` characters) so the prompt stays
    small; the hit's start/end follow the kept span (the citation highlights it). ``window``: the
    passage's :func:`best_window` for these arguments, when the caller has it already."""
    c = hit.chunk
    if len(c.text) <= budget:
        return hit
    s, e, _ = window or best_window(question_tokens, c.text, budget, idf, question, c.title or "")
    return cut_passage(hit, s, e)


def cut_passage(hit: Hit, s: int, e: int) -> Hit:
    """The hit narrowed to ``[s, e)`` of its text (stripped); start/end follow, so the citation highlights it."""
    c = hit.chunk
    raw = c.text[s:e]
    text = raw.strip()
    lead = len(raw) - len(raw.lstrip())
    return Hit(replace(c, text=text, start=c.start + s + lead, end=c.start + s + lead + len(text), id=c.id),
               hit.score, hit.rank)


def widen_passage(full: Hit, shown: Hit, chars: int) -> Hit:
    """``shown`` (a window cut from ``full`` by :func:`cut_passage`) grown by whole clauses of ``full``, forward
    first, to at most ``chars`` characters: more room around what the model saw, wherever in the article that
    was (the first passage's second window lies elsewhere than its best window)."""
    c = full.chunk
    if len(c.text) <= chars:
        return full
    s0, e0 = shown.chunk.start - c.start, shown.chunk.end - c.start
    spans = clauses(c.text)
    inside = [i for i, (a, b) in enumerate(spans) if b > s0 and a < e0]
    if not (0 <= s0 < e0 <= len(c.text)) or not inside:
        return shown
    lo, hi = grow(spans, inside[0], inside[-1], chars)
    s, e = min(spans[lo][0], s0), max(spans[hi][1], e0)
    return cut_passage(full, s, min(e, s + max(chars, e0 - s)))


def repeats(window: str, earlier: str) -> bool:
    """The window's words are (nearly) all in an earlier passage's text: the same news reprinted by another site,
    a notice forwarded by another office. Showing it again costs prompt time and adds nothing; a copy of the
    best passage also pulls a small model's answer towards it. Compared without punctuation and spaces, by
    the share of the window's character bigrams found in ``earlier`` (``TUNING.repeat_share``)."""
    w, e = word_chars(window), word_chars(earlier)
    return len(w) >= 2 and bigram_share(w, e) >= TUNING.repeat_share


def distinct(hits: list[Hit], windows: dict[str, tuple[int, int, float]], limit: int) -> list[Hit]:
    """The first ``limit`` hits whose best window (``windows``, by chunk id) does not :func:`repeat <repeats>`
    a hit kept before it; the later copy's place goes to the next passage."""
    kept: list[Hit] = []
    for h in hits:
        s, e, _ = windows[h.chunk.id]
        if not any(repeats(h.chunk.text[s:e], k.chunk.text) for k in kept):
            kept.append(h)
        if len(kept) == limit:
            break
    return kept


def passages_to_show(question_tokens: list[str], hits: list[Hit], budget: int, idf: dict[str, float] | None,
                     question: str, multi_part: bool = False, scores: list[float] | None = None,
                     metadata: bool = False) -> list[Hit]:
    """The passages worth the prompt's time. The first always; the second when it matches the question at least
    ``TUNING.second_passage_window``, continues the first passage's article, or the question is about publication
    metadata (an issue's or a section's articles: their words need not match); each later one only for a question
    in several parts, or when it matches the question strongly (``TUNING.strong_window``) or better than every
    passage before it (``scores``: their best-window scores, when the caller has them). Prompt reading dominates
    the first token on a 2-core CPU (~9 ms a character): a weak passage of another article costs the room a
    wider window of the right one needs."""
    kept = []
    best = 0.0
    for n, h in enumerate(hits):
        score = scores[n] if scores is not None else best_window(question_tokens, h.chunk.text, budget, idf, question,
                                                                               h.chunk.title or "")[2]
        if n == 0 or multi_part or score >= TUNING.strong_window:
            kept.append(h)
        elif n == 1 and (metadata or score >= TUNING.second_passage_window
                         or (h.chunk.source, h.chunk.article_no) == (hits[0].chunk.source, hits[0].chunk.article_no)):
            kept.append(h)
        elif n > 1 and score > best:
            kept.append(h)
        best = max(best, score)
    return kept
