"""Runs of items in one clause — "到七一路办事处周滨社区国槐街、小桥办事处高庄社区幸福巷和五星广场观摩" — where each item
carries its own places. Asked where one item is ("幸福巷属于哪个办事处的哪个社区？"), a small model gives the first
item's places ("七一路办事处周滨社区"). ``place_of_named_item`` finds such an answer and the item that names the thing
asked, whose own words answer it."""
from __future__ import annotations

import re

from ..text import content_tokens
from .subjects import KINDS, places

ITEM_SEPARATOR = re.compile(r"[、]")  # 和 / 及 also join names (和平路): an item may hold two things
# a run is a list of names inside one clause: "送去了防晒帽、防晒冰袖…，并在纺城社区…" holds two clauses, and the
# place of the second is nobody's item of the first
CLAUSE_END = re.compile(r"[，,：:；;。！!？?\n]")


def place_of_named_item(answer: str, question: str, passages: list[str]) -> tuple[str, str, str] | None:
    """(the thing asked about, the answer's place, the item of the run that names that thing) when a cited passage
    names the thing in one item of a run ("小桥办事处高庄社区幸福巷") and every place the answer gives (of its own,
    not the question's) only in other items of that run, while the thing's item names a place of the same kind.
    The thing is a word of the question the answer repeats (幸福巷): what the answer says the place is of. None
    when the answer names no such thing or place, or no run separates them."""
    given = [p for p in places(answer) if p.name not in question]
    things = sorted((t for t in content_tokens(question) if len(t) >= 2 and t in answer and t not in KINDS
                     and not any(t in p.name + p.kind or p.name in t for p in given)), key=len, reverse=True)
    if not given or not things:
        return None
    for passage in passages:
        for clause in CLAUSE_END.split(re.sub(r"\s+", "", passage)):
            items = ITEM_SEPARATOR.split(clause)
            if len(items) < 2:
                continue
            for thing in things:
                holding = [i for i, item in enumerate(items) if thing in item]
                if len(holding) != 1:
                    continue
                own = items[holding[0]]
                own_places = places(own)
                for g in given:
                    at = [i for i, item in enumerate(items) if g.name + g.kind in item]
                    if at and holding[0] not in at and any(p.kind == g.kind and p.name != g.name for p in own_places):
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
