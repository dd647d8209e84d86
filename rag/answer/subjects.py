"""Whose fact is it? Named places in a question (淮阳区, 文昌街道, 郭庄村) and the clause of a passage an
answer took its figure or name from: when that clause names another place of the same kind (川汇区, 许湾街道)
and not the one asked, the answer gave a neighbouring place's fact — a near miss, not an answer.

Clauses are cut at ，。；、: in "川汇区新闻社区负责同志、淮阳区道德文明使者代表" the 社区 belongs to 川汇区."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..text import content_tokens
from ..text.tokens import jieba_with_dictionary
from .checks import NUMBER_RE, has_number

# kinds of named place, longest first (行政村 before 村); a name is the word before the kind word, or one word
# that ends with it
KINDS = ("行政村", "办事处", "街道", "社区", "县", "区", "镇", "乡", "村")
# a name must be a noun (jieba's part of speech): "走进/社区" names no place, "新闻/社区" does; before a
# one-character kind word it must be a proper noun ("淮阳/区" but not "示范片/区", "景/区"); names that are
# determiners (该区, 全县, 各乡) or one character (城区, 辖区) name none either
NAME_FLAGS = ("n", "j")
PROPER_FLAGS = ("ns", "nr", "nz", "nt")
DETERMINER = re.compile(r"^[该全本各每此其]")
CLAUSE_SPLIT = re.compile(r"[，,。；;、！!？?\n]")


@dataclass(frozen=True)
class Place:
    name: str  # the name without its kind word: 淮阳, 文昌, 华耀城
    kind: str  # 区, 街道, 村 …

    def named_in(self, text: str) -> bool:
        return self.name in text


def _kind(word: str) -> str | None:
    return next((k for k in KINDS if word.endswith(k)), None)


@lru_cache(maxsize=4096)
def places(text: str) -> tuple[Place, ...]:
    """The named places in ``text`` (jieba's precise cut: "华耀城/街道", "川汇区")."""
    from jieba import posseg

    jieba_with_dictionary()  # the user dictionary's place names (川汇区 ns) before the first cut
    words = [(p.word, p.flag) for p in posseg.lcut(text) if p.word.strip()]
    out: list[Place] = []
    for i, (w, flag) in enumerate(words):
        kind = _kind(w)
        if kind is None:
            continue
        if w in KINDS:  # a bare kind word: the name is the word before it, if that is a noun
            name, flag = words[i - 1] if i else ("", "")
            kind = w
            if _kind(name):  # "示范区/社区服务中心", "街道/办事处": the kind word qualifies a place already named
                continue
        else:
            name = w[: -len(kind)]
        if (len(name) < 2 or not re.fullmatch(r"[\u4e00-\u9fff]+", name) or DETERMINER.match(name)
                or not flag.startswith(PROPER_FLAGS if len(w) == 1 else NAME_FLAGS)):
            continue
        out.append(Place(name, kind))
    return tuple(dict.fromkeys(out))


def source_clauses(answer: str, question: str, passage: str) -> list[str]:
    """The clauses of ``passage`` the answer's new content comes from: those holding its figures (not in the
    question), else those holding most of its words that the question does not have."""
    clauses = [c for c in CLAUSE_SPLIT.split(passage) if c.strip()]
    figures = [n for n in NUMBER_RE.findall(answer) if not has_number(n, question)]
    if figures:
        return [c for c in clauses if any(has_number(f, c) for f in figures)]
    new = [t for t in content_tokens(answer) if len(t) >= 2 and t not in question]
    if not new:
        return []
    scored = [(sum(t in c for t in new), c) for c in clauses]
    best = max((s for s, _ in scored), default=0)
    return [c for s, c in scored if s == best] if best else []


def other_place(answer: str, question: str, passages: list[str]) -> tuple[Place, Place] | None:
    """(the place asked, the other place) when every clause the answer drew on names another place of the
    asked one's kind and not the asked one; None when the question names no place or the clauses agree."""
    asked = places(question)
    if not asked:
        return None
    found = None
    for passage in passages:
        for clause in source_clauses(answer, question, passage):
            if any(p.named_in(clause) for p in asked):
                return None  # the clause is about the place asked
            rivals = [(a, o) for o in places(clause) for a in asked if o.kind == a.kind and o.name != a.name]
            if not rivals:
                return None  # the clause names no other place of that kind: it may well be the asked one's
            found = found or rivals[0]
    return found
