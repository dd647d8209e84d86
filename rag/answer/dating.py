"""Finding when events happened, for the questions :mod:`rag.answer.timeline` reads: an event's passage, the
sentence of its article that describes it and the date stated there; two events put in order; a day relative to
an event turned into a calendar day. Searching is passed in as a function, so this module does not know the index."""
from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace

from ..text import clauses, content_tokens
from ..text.dates import DateMention, date_label, event_year, find_dates
from ..types import Article, Hit
from .context import cut_passage, grow, idf_from_hits, sentence_scores
from .relevance import judge_relevance
from .timeline import Comparison, Order, Relative, Timeline


@dataclass(frozen=True)
class DatedEvent:
    """An event found in the documents: its date, and the passage (cut around the sentence that dates it)."""

    phrase: str
    date: dt.date
    passage: Hit | None  # None: the phrase names its date itself ("6月16日当天")
    year_known: bool = True  # False: neither the text nor the publication gives the year (today's is assumed)

    def in_year(self, year: int) -> DatedEvent:
        """The same event assumed to fall in ``year`` (29 February becomes 28 February in a common year)."""
        try:
            return replace(self, date=self.date.replace(year=year))
        except ValueError:
            return replace(self, date=self.date.replace(year=year, day=28))

    @property
    def where(self) -> tuple[str, int, int] | None:
        c = self.passage.chunk if self.passage else None
        return (c.source, c.article_no, c.start) if c else None


Search = Callable[[str], list[Hit]]
ArticleOf = Callable[[str, int], Article | None]


def date_event(phrase: str, search: Search, article_of: ArticleOf, chars: int, today: dt.date) -> DatedEvent | None:
    """The date of the event ``phrase`` describes: the first passage found for it (when relevant at all), the
    sentence of its article that matches the phrase best, and the date stated in that sentence — else the last
    date before it, else the article's first date (bulletins lead with "10月17日上午，…"). None when the phrase
    matches nothing or its article gives no date."""
    own = find_dates(phrase)
    if own:  # the event is a date itself ("6月16日当天")
        date = own[0].on(own[0].year or today.year)
        return DatedEvent(phrase, date, None, own[0].year is not None) if date else None
    hits = search(phrase)
    if not hits or not judge_relevance(phrase, hits).relevant:
        return None
    top = hits[0]
    article = article_of(top.chunk.source, top.chunk.article_no)
    text, base = (article.text, 0) if article else (top.chunk.text, top.chunk.start)
    mentions = find_dates(text)
    if not mentions:
        return None
    toks = content_tokens(phrase)
    scored = sentence_scores(toks, text, idf_from_hits(toks, hits))
    best = max(scored, key=lambda s: s.score) if scored else None
    mention = mentions[0]
    if best is not None and best.score > 0:
        inside = [m for m in mentions if best.start <= m.start < best.end]
        before = [m for m in mentions if m.start < best.start]
        mention = inside[0] if inside else before[-1] if before else mentions[0]
    known = mention.year is not None or bool(top.chunk.date)
    date = mention.on(event_year(mention.month, top.chunk.date, today.year))
    if date is None:
        return None
    return DatedEvent(phrase, date, _cut_around(top, text, base, mention, chars), known)


def _cut_around(hit: Hit, text: str, base: int, mention: DateMention, chars: int) -> Hit:
    """The hit as the clauses around ``mention`` of ``text`` (its article's text, from offset ``base``)."""
    spans = clauses(text)
    at = next((i for i, (s, e) in enumerate(spans) if s <= mention.start < e), 0)
    lo, hi = grow(spans, at, at, chars)
    whole = Hit(replace(hit.chunk, text=text, start=base, end=base + len(text)), hit.score, hit.rank, hit.dense)
    return cut_passage(whole, spans[lo][0], spans[hi][1])


@dataclass(frozen=True)
class Compared:
    """The answer to a comparison: the text (citing [1], [2], …) and the passages it cites."""

    text: str
    passages: list[Hit]


def compare(c: Comparison, search: Search, article_of: ArticleOf, chars: int, today: dt.date) -> Compared | None:
    """The events of the first split whose parts are all found and dated in different places, in the order asked
    (the earliest first, or the latest); None when no split is (the question goes to the model as usual)."""
    dated: dict[str, DatedEvent | None] = {}  # an event is in several splits: searched and dated once
    for split in c.splits:
        events: list[DatedEvent] = []
        for phrase in split:
            if phrase not in dated:
                dated[phrase] = date_event(phrase, search, article_of, chars, today)
            e = dated[phrase]
            if e is None or e.passage is None:
                break
            events.append(e)
        if len(events) < len(split):
            continue
        if len({e.where for e in events}) < len(events):  # two parts found the same sentence: one was not found
            continue
        known = [e.date.year for e in events if e.year_known]
        if known and len(known) < len(events):  # an unknown year: compare within the year most events know
            year = Counter(known).most_common(1)[0][0]
            events = [e if e.year_known else e.in_year(year) for e in events]
        events.sort(key=lambda e: e.date)
        if c.order is Order.LATER:  # the last first (two on one day: the later-named first, as before)
            events.reverse()
        return Compared(_order_text(events, c.order), [e.passage for e in events])
    return None


def _order_text(events: list[DatedEvent], order: Order) -> str:
    """"A（《title》，6月16日）[1]在前，B（…）[2]在后。" — the end of the order that was asked about first; three or
    more: "最早的是A（…）[1]；其后依次是B（…）[2]、C（…）[3]。" """
    years = len({e.date.year for e in events}) > 1

    def named(e: DatedEvent, n: int) -> str:
        title = e.passage.chunk.title if e.passage else None
        return f"{e.phrase}（{'《' + title + '》，' if title else ''}{date_label(e.date, with_year=years)}）[{n}]"

    first, *rest = events
    if len(events) > 2:
        ties = [e for e in rest if e.date == first.date]
        lead = "最晚" if order is Order.LATER else "最早"
        head = f"{lead}的是{named(first, 1)}" + (f"，同一天还有{'、'.join(named(e, events.index(e) + 1) for e in ties)}"
                                                 if ties else "")
        others = [(n, e) for n, e in enumerate(events[1:], 2) if e not in ties]
        tail = ("其前依次是" if order is Order.LATER else "其后依次是") + "、".join(named(e, n) for n, e in others)
        return f"{head}；{tail}。" if others else f"{head}。"
    second = rest[0]
    if first.date == second.date:
        return f"两件事在同一天（{date_label(first.date)}）：{named(first, 1)}；{named(second, 2)}。"
    if order is Order.LATER:
        return f"{named(first, 1)}在后，{named(second, 2)}在前。"
    return f"{named(first, 1)}在前，{named(second, 2)}在后。"


@dataclass(frozen=True)
class Resolved:
    """A relative date turned into calendar days: the question to answer instead, and how it was read."""

    question: str
    anchor: DatedEvent


def resolve_relative(r: Relative, search: Search, article_of: ArticleOf, chars: int, today: dt.date) -> Resolved | None:
    """"A两天后，哪个县…？" → "10月19日，哪个县…？" when A is found and dated; "前几天" → a span of days."""
    anchor = date_event(r.anchor, search, article_of, chars, today)
    if anchor is None or (r.first == r.last == 0 and anchor.passage is None):
        return None  # not found, or "6月16日当天": the question names its day already
    lo, hi = anchor.date + dt.timedelta(days=r.first), anchor.date + dt.timedelta(days=r.last)
    when = date_label(lo) if lo == hi else f"{date_label(lo)}至{date_label(hi)}期间"
    return Resolved(f"{when}，{r.rest}", anchor)


def answer_in_time(t: Timeline, search: Search, article_of: ArticleOf, chars: int,
                   today: dt.date) -> Compared | Resolved | None:
    """A comparison put in order, or a relative day resolved; None when an event is not found or undated."""
    if isinstance(t, Comparison):
        return compare(t, search, article_of, chars, today)
    return resolve_relative(t, search, article_of, chars, today)
