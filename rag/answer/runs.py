"""Runs of items in one clause — "到七一路办事处周滨社区国槐街、小桥办事处高庄社区幸福巷和五星广场观摩" — where each item
carries its own places. Asked where one item is ("幸福巷属于哪个办事处的哪个社区？"), a small model gives the first
item's places ("七一路办事处周滨社区"). ``place_of_named_item`` finds such an answer and the item that names the thing
asked, whose own words answer it."""
from __future__ import annotations

import re

from ..text import content_tokens
from .checks import NUMBER_RE, figure_re, has_number
from .question import place_kinds_asked
from .subjects import KINDS, places

ITEM_SEPARATOR = re.compile(r"[、]")  # 和 / 及 also join names (和平路): an item may hold two things
# a run is a list of names inside one clause: "送去了防晒帽、防晒冰袖…，并在纺城社区…" holds two clauses, and the
# place of the second is nobody's item of the first
CLAUSE_END = re.compile(r"[，,：:；;。！!？?\n]")


def _runs(passages: list[str], *, singles: bool = False):
    """(passage number, 1-based; the clause's items) for every clause of the passages, spaces removed; clauses of a
    single item too when ``singles``."""
    for n, passage in enumerate(passages, 1):
        for clause in CLAUSE_END.split(re.sub(r"\s+", "", passage)):
            items = ITEM_SEPARATOR.split(clause)
            if singles or len(items) >= 2:
                yield n, items


def place_of_named_item(answer: str, question: str, passages: list[str]) -> tuple[str, str, str] | None:
    """(the thing asked about, the answer's place, the item of the run that names that thing) when a cited passage
    names the thing in one item of a run ("小桥办事处高庄社区幸福巷") and every place the answer gives (of its own,
    not the question's) only in other items of that run, while the thing's item names places of the same kind right
    before it. The thing is a word of the question the answer repeats (幸福巷): what the answer says the place is of.
    None when the answer names no such thing or place, gives the thing's own places too, the question names things
    of two items, or no run separates them."""
    given = [p for p in places(answer) if p.name not in question]
    things = sorted((t for t in content_tokens(question) if len(t) >= 2 and t in answer and t not in KINDS
                     and not any(t in p.name + p.kind or p.name in t for p in given)), key=len, reverse=True)
    if not given or not things:
        return None
    for _, items in _runs(passages):
        holding = [[i for i, item in enumerate(items) if t in item] for t in things]
        asked = {h[0] for h in holding if len(h) == 1}  # words of one item only (not 办事 of every 办事处)
        if len(asked) != 1:
            continue  # the question names things of two items ("幸福巷和国槐街分别…"), or none
        own = items[asked.pop()]
        if any(g.name + g.kind in own for g in given):
            return None  # the answer gives the thing's own places (and maybe a neighbour's as well)
        for thing in (t for t in things if t in own):
            before = own[:own.index(thing)]
            own_places = places(before)
            if not own_places or not before.endswith(own_places[-1].name + own_places[-1].kind):
                continue  # the item does not name places right before the thing ("幸福巷属高庄社区")
            for g in given:
                at = [i for i, item in enumerate(items) if g.name + g.kind in item]
                if at and any(p.kind == g.kind and p.name != g.name for p in own_places):
                    named = _named_item(own, thing, answer, own_places)
                    return named[named.index(thing):], g.name + g.kind, named
    return None


def _named_item(item: str, thing: str, answer: str, item_places) -> str:
    """The item from its first place to the thing, the thing as the answer spells it on ("幸福" of the question's
    words, "幸福巷" in both): "小桥办事处高庄社区幸福巷"."""
    end = item.index(thing) + len(thing)
    after = answer[answer.index(thing) + len(thing):]
    while end < len(item) and after and item[end] == after[0]:
        end, after = end + 1, after[1:]
    starts = [item.find(p.name + p.kind) for p in item_places if 0 <= item.find(p.name + p.kind) < end]
    return item[min(starts, default=0):end]


def figure_of_another_item(answer: str, question: str, passages: list[str]) -> tuple[str, str] | None:
    """(the answer's figure, the item of a run it belongs to) when wherever the cited passages give a figure of the
    answer's own, it is in one item of a run of places ("许湾街道58名、文昌街道57名、搬口街道50名") whose words share no
    character with the question beyond what the run's items share (搬口 of 搬口街道; 街道 and 名 are every item's;
    the words may follow the figure: "7436名本科生、5010名硕士生"): the figure
    of a neighbouring item given for a thing the passage never counts ("物业工作人员50名"). None otherwise."""
    figures = [n for n in NUMBER_RE.findall(answer) if not has_number(n, question)]
    found = None
    for num in figures:
        seen = False
        for _, items in _runs(passages, singles=True):
            for i, item in enumerate(items):
                for m in figure_re(num).finditer(item):
                    seen = True
                    name = item[:m.start()] + item[m.end():]  # "搬口街道50名", "7436名本科生": both sides
                    others = "".join(it for j, it in enumerate(items) if j != i)
                    own = {c for c in name if "\u4e00" <= c <= "\u9fff" and c not in others}
                    if len(items) < 2 or not own or own & set(question) or not all(places(it) for it in items):
                        return None  # not a run of places, or its item is named by the question
                    found = found or (num, item)
        if not seen:
            return None
    return found


# a kind asked (question.place_kinds_asked) as subjects.places names it: "哪个街道办事处" asks a 街道, "哪个村委会" a 村
_PLACE_KIND = {"街道办事处": "街道", "村委会": "村"}


def item_of_the_thing(question: str, passages: list[str]) -> tuple[str, int] | None:
    """(the item, its passage, 1-based) that answers where a thing of a run is: the question asks for places by kind
    (哪个社区) and names a thing that the passages name once, right after places of every kind asked in one item of
    a run ("…周滨社区国槐街、小桥办事处高庄社区幸福巷…" for 国槐街属于哪个社区): "川汇区七一路办事处周滨社区国槐街".
    None when no such item, or several, answer it."""
    kinds = {_PLACE_KIND.get(k, k) for k in place_kinds_asked(question)}
    if not kinds:
        return None
    flat = [re.sub(r"\s+", "", p) for p in passages]
    things = [t for t in content_tokens(question) if len(t) >= 2 and t not in KINDS
              and sum(p.count(t) for p in flat) == 1]
    found = set()
    for n, items in _runs(flat):
        for item in items:
            for thing in (t for t in things if t in item):
                before = item[:item.index(thing)]
                named = places(before)
                if named and before.endswith(named[-1].name + named[-1].kind) \
                        and all(any(p.kind == k for p in named) for k in kinds):
                    found.add((_named_item(item, thing, thing + re.split(r"[和及与]", item[item.index(thing) + len(thing):])[0],
                                           named), n))
    return found.pop() if len(found) == 1 else None
