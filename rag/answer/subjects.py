"""Whose fact is it? Named places in a question (淮阳区, 文昌街道, 郭庄村) and the clause of a passage an
answer took its figure or name from: when that clause names another place of the same kind (川汇区, 许湾街道)
and not the one asked, the answer gave a neighbouring place's fact — a near miss, not an answer. The same for
a larger unit's total given for a smaller one (``wider_scope``), a person whose sentence never says they did
what was asked (``role_not_stated``; a unit asked for as the builder or organiser: ``org_role_not_stated``), and
another year's fact (``other_year``; another ordinal's: ``which_one.other_ordinal``). A figure counted as another
thing than its passage counts it: ``counts.relabelled_count``; an article about another period: ``periods.other_period``.

Clauses are cut at ，。；、: in "川汇区新闻社区负责同志、淮阳区道德文明使者代表" the 社区 belongs to 川汇区."""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from ..text import content_tokens
from ..text.dates import chinese_number
from ..text.tokens import jieba_with_dictionary
from .checks import NUMBER_RE, figure_re, has_number
from .tuning import TUNING

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
SENTENCE_END = re.compile(r"[。；;！!？?\n]")


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


def source_clauses(answer: str, question: str, passage: str, split: re.Pattern = CLAUSE_SPLIT) -> list[str]:
    """The clauses (or, with ``split=SENTENCE_END``, sentences) of ``passage`` the answer's new content comes
    from: those holding its figures (not in the question), else those holding most of its words that the
    question does not have."""
    clauses = [c for c in split.split(passage) if c.strip()]
    figures = [n for n in NUMBER_RE.findall(answer) if not has_number(n, question)]
    if figures:
        return [c for c in clauses if any(has_number(f, c) for f in figures)]
    new = [t for t in content_tokens(answer) if len(t) >= 2 and t not in question.lower()]
    if not new:
        return []
    scored = [(sum(t in c.lower() for t in new), c) for c in clauses]
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


# a unit's size: a 村 or 社区 is inside a 街道, 镇 or 乡, inside a 区 or 县 (also the ranks of scope words, below)
SCOPE_RANK = {"国": 6, "省": 5, "市": 4, "县": 3, "区": 3, "镇": 2, "乡": 2, "街道": 2, "办事处": 2, "村": 1, "行政村": 1,
              "社区": 1}


# A scope word names the whole of a place: 全市 / 该区 / 本县 (a determiner and a kind). SCOPE_RANK orders the
# kinds by size; an organisation (a team, a centre) ranks below every place. A figure whose sentence is scoped by a
# larger unit than the one asked is that unit's total ("截至目前，该区已累计开展各类活动32000余场次" for a
# question about one volunteer team).
SCOPE_RE = re.compile(r"(?:全|该|本)(国|省|市|县|区|镇|乡|街道|办事处|村|社区)")
# words that end an organisation's name (jieba cuts "服务队", "服务中心"); departments (局, 办, 部) are left
# out: a city office's figure is often given for the whole city
ORG_ENDINGS = ("队", "中心", "站", "协会", "学校", "医院", "公司", "合作社", "小组")


@lru_cache(maxsize=4096)
def organisations(text: str) -> tuple[str, ...]:
    """Organisation words in ``text`` ("服务队", "服务中心"): nouns of two or more characters ending in
    ``ORG_ENDINGS``."""
    from jieba import posseg

    jieba_with_dictionary()
    return tuple(dict.fromkeys(p.word for p in posseg.lcut(text)
                               if len(p.word) >= 2 and p.word.endswith(ORG_ENDINGS) and p.flag.startswith("n")))


def _asked_rank(question: str) -> tuple[int, str] | None:
    """The smallest unit the question names: (rank, its words) — an organisation ranks 0."""
    orgs = organisations(question)
    if orgs:
        return 0, orgs[0]
    ranked = [(SCOPE_RANK.get(p.kind, 0), p.name) for p in places(question)]
    return min(ranked) if ranked else None


def wider_scope(answer: str, question: str, passages: list[str]) -> tuple[str, str] | None:
    """(what the question asks about, the scope word) when every sentence the answer took a figure from counts
    it for a larger unit than the one asked (its last scope word before the figure ranks higher and the sentence
    never names the asked unit) and the question uses no such scope itself; None otherwise."""
    asked = _asked_rank(question)
    figures = [n for n in NUMBER_RE.findall(answer) if not has_number(n, question)]
    if asked is None or not figures or SCOPE_RE.search(question):
        return None
    rank, words = asked
    found = None
    for passage in passages:
        for sentence in SENTENCE_END.split(passage):
            pos = [m.start() for f in figures for m in figure_re(f).finditer(sentence)]
            if not pos:
                continue
            scopes = [m for m in SCOPE_RE.finditer(sentence[:min(pos)])]
            if words in sentence or not scopes or SCOPE_RANK[scopes[-1].group(1)] <= rank:
                return None  # this sentence may well give the asked unit's figure
            found = found or (words, scopes[-1].group(0))
    return found


# What a person did at a meeting or visit (or in a film, show or song). A question asking who did one of these
# ("由哪位领导主持") is answered by a person only when the sentence naming that person says it:
# "王少青出席会议并代表市委表态发言" names who spoke, not who chaired.
# Each asked role word maps to the words that state it (a speech is 讲话, 致辞 or 发言 in different reports).
_SPEAK = ("讲话", "致辞", "发言", "作报告")
_ATTEND = ("出席", "参加", "参会", "陪同")
_TEACH = ("主讲", "宣讲", "授课", "讲授", "辅导", "讲座", "解读")
_SING = ("演唱", "献唱", "演绎", "唱", "歌")
ROLES: dict[str, tuple[str, ...]] = {
    "主持": ("主持",), "讲话": _SPEAK, "致辞": _SPEAK, "发言": _SPEAK, "作报告": _SPEAK,
    "出席": _ATTEND, "参加": _ATTEND, "主讲": _TEACH, "宣讲": _TEACH, "授课": _TEACH,
    "带队": ("带队", "带领", "率队", "率领"), "宣读": ("宣读",), "点评": ("点评",), "颁奖": ("颁奖", "颁发"),
    "揭牌": ("揭牌",),
    # who made a film, show or song ("《重生之门》的导演", "谁唱的"): the cast (演员) states a part in it
    "导演": ("导演", "执导"), "主演": ("主演", "出演", "饰演", "领衔", "主角", "演员"), "编剧": ("编剧",),
    "演唱": _SING, "唱": _SING, "旗手": ("旗手", "擎旗"),
}
# a question ending in the role asks for its holder without 谁: "《重生之门》的导演", "《心居》的主演有哪些"
ASKS_ROLE_HOLDER = re.compile(r"(导演|主演|编剧|旗手|演唱者)(?:是谁|有哪些|有谁|都有谁|是哪些人)?\s*[？?]?\s*$")


def states_roles(sentences: list[str], roles: tuple[str, ...], words: dict[str, tuple[str, ...]]) -> bool:
    """Some sentence states every asked role, each in one of its ``words``."""
    return any(all(any(w in s for w in words[r]) for r in roles) for s in sentences)


QUESTION_CLAUSE = re.compile(r"[，,；;：:]")  # a question's clauses (not 、: "主持、讲话" is one clause)


def role_not_stated(answer: str, question: str, passages: list[str]) -> tuple[str, tuple[str, ...]] | None:
    """(the person the answer names, the roles asked) when the question asks who did something of ``ROLES`` and
    no sentence of ``passages`` names that person together with every role asked, or asks who holds a title
    and the person holds it only at the other rank (people.title_not_held); None otherwise (or when no sentence names the
    person at all: the citation checks judge that)."""
    from ..text import person_names
    from .people import title_not_held
    from .question import ASKS_PERSON

    if held := title_not_held(answer, question, passages):  # the deputy named for the head asked, or the reverse
        name, asked = held
        return name, (f"{asked}: only {'' if asked.deputy else '副'}{asked.title} is written",)
    if not (ASKS_PERSON.search(question) or ASKS_ROLE_HOLDER.search(question)):
        return None
    # a clause about a person the question names is not asked: "除了代表市委表态发言的王少青，还有哪位副市长参加
    # 了会议" asks who 参加, the 发言 is 王少青's ("谁主持了会议，并作了讲话" asks both)
    clauses = [c for c in QUESTION_CLAUSE.split(question)
               if ASKS_PERSON.search(c) or ASKS_ROLE_HOLDER.search(c) or not person_names(c)]
    named = [r for r in ROLES if any(r in c for c in clauses)]
    roles = tuple(r for r in named if not any(r != o and r in o for o in named))  # 演唱 asked, not 唱 as well
    if not roles:
        return None
    names = [n for n in person_names(answer) if n not in question]
    for name in names:
        sentences = [s for p in passages for s in SENTENCE_END.split(p) if name in s]
        if not sentences:
            return None
        if not states_roles(sentences, roles, ROLES):
            return name, roles
    return None


# Asked which organisation did what only some do (built, organised, designed a thing), the answer's organisation
# must be said to have done it: "市城市管理局启动公园提升改造工程" says who started the project, not who built it.
ORG_ROLES: dict[str, tuple[str, ...]] = {
    "承建": ("承建", "施工"), "施工": ("施工", "承建"), "主办": ("主办",), "承办": ("承办",), "协办": ("协办",),
    "设计": ("设计",), "监理": ("监理",), "运营": ("运营",), "赞助": ("赞助",), "捐建": ("捐建", "捐资"),
}
ASKS_ORGANISATION = re.compile(r"哪家|哪(?:一|个|些)(?:单位|部门|公司|企业|机构|组织)|什么(?:单位|部门|公司|企业|机构|组织)")


def org_role_not_stated(answer: str, question: str, passages: list[str]) -> tuple[str, tuple[str, ...]] | None:
    """(the answer's own words, the roles asked) when the question asks which organisation did something of
    ``ORG_ROLES`` and the sentences of ``passages`` that hold the answer's own words (those not in the question)
    never say it did that; None otherwise, or when no sentence holds them (the citation checks judge)."""
    roles = tuple(r for r in ORG_ROLES if re.search(r + "(?![师院图稿])", question))  # 设计师 is no role asked
    if not roles or not ASKS_ORGANISATION.search(question):
        return None
    own = [t for t in dict.fromkeys(content_tokens(answer))
           if len(t) >= 2 and not t.isdigit() and t not in question.lower()]
    # the sentences the answer drew on: those holding most of its own words (jieba also cuts "由市" from "由市城市…")
    sentences = [s for p in passages for s in SENTENCE_END.split(p)
                 if own and sum(t in s.lower() for t in own) >= TUNING.source_words_share * len(own)]
    if not sentences or states_roles(sentences, roles, ORG_ROLES):
        return None
    return "、".join(own), roles


# A year as a date: 2021年, 2021赛季, 2021届, 2021财年 (not the 2000 of "2000名"); a two-digit year only
# before a part of the year or a month (21年下半年, 22年3月: not the 21 years of "工作21年").
YEAR_RE = re.compile(r"(?<![\d.])((?:19|20)\d{2}(?=\s*(?:年|赛季|届|财年))"
                     r"|\d{2}(?=年(?:[上下]半年|前?第?[一二三四1-4]季度|\d{1,2}月)))")


def full_year(year: str) -> str:
    """A matched year as four digits: "21" (of 21年下半年) is 2021."""
    return year if len(year) == 4 else "20" + year


def years(text: str) -> set[str]:
    """The years ``text`` names as dates, four digits each."""
    return {full_year(y) for y in YEAR_RE.findall(text)}


def other_year(answer: str, question: str, passages: list[str]) -> tuple[str, str] | None:
    """(the year asked, the year given) when the question names a year and every sentence the answer drew on
    names other years and not that one — before the answer's figure, for a figure: another year's fact ("2021年…
    新增就业" answered from "2020年，全国城镇新增就业1186万人"). None when the question names no year or a source
    sentence names none (no opinion)."""
    asked = years(question)
    if not asked:
        return None
    figures = [n for n in NUMBER_RE.findall(answer) if not has_number(n, question)]
    found = None
    for passage in passages:
        for sentence in source_clauses(answer, question, passage, SENTENCE_END):
            # a figure's year comes before it: "…43214.85亿元，…自2017年突破3万亿元以来" names 2017 as a
            # comparison, and the year of the figure sits in the sentence before
            pos = [m.start() for f in figures for m in figure_re(f).finditer(sentence)]
            named = years(sentence[:min(pos)] if pos else sentence)
            if not named or named & asked:
                return None
            found = found or (min(asked), min(named))
    return found


def moved_place(answer: str, question: str, passages: list[str]) -> tuple[str, str, str] | None:
    """(the inner place, the place the answer puts it in, the place its passage puts it in) when the answer names
    a place inside another ("淮阳区新闻社区") that no passage has, and a passage has that inner place right after
    another place of the same kind ("川汇区新闻社区"): the answer moved a neighbouring place's fact to the place
    asked. None otherwise."""
    flat = [re.sub(r"\s+", "", p) for p in passages]
    named = places(answer)
    for outer in named:
        for inner in named:
            whole, inner_name = outer.name + outer.kind + inner.name + inner.kind, inner.name + inner.kind
            if inner == outer or whole not in answer or any(whole in p for p in flat):
                continue
            for p in flat:
                for m in re.finditer(re.escape(inner_name), p):
                    before = p[max(0, m.start() - 12):m.start()]
                    rivals = [o for o in places(before) if o.kind == outer.kind and o.name != outer.name
                              and before.endswith(o.name + o.kind)]
                    if rivals:
                        return inner_name, outer.name + outer.kind, rivals[0].name + rivals[0].kind
    return None


# what ends the name of an office or organisation a question asks about (招商引资服务局, 组织部, 创文办, 服务中心);
# 会 is left out: 推进会 / 培训会 are events, not subjects
SUBJECT_ENDINGS = ORG_ENDINGS + ("局", "委", "办", "部", "院", "所", "馆", "团", "厅", "处", "科")
SUBJECT_MIN_CHARS = 3  # 工委 / 中心 alone name no one in particular
NOT_SUBJECTS = ("干部", "带队")  # people (党员干部) and a verb (王少青带队) with those endings


@lru_cache(maxsize=4096)
def named_subjects(text: str) -> tuple[str, ...]:
    """Offices and organisations ``text`` names, with the nouns of their names before them ("招商引资/服务局" →
    招商引资服务局) but without the place they belong to (示范区), which other units share."""
    from jieba import posseg

    jieba_with_dictionary()
    words = [(p.word, p.flag) for p in posseg.lcut(text) if p.word.strip()]
    out = []
    for i, (w, flag) in enumerate(words):
        if not (w.endswith(SUBJECT_ENDINGS) and flag.startswith(NAME_FLAGS)) or w.endswith(NOT_SUBJECTS) \
                or (w != "办事处" and _kind(w)):
            continue
        j = i
        while j > 0 and words[j - 1][1].startswith(NAME_FLAGS) and len(words[j - 1][0]) >= 2 \
                and not _kind(words[j - 1][0]) and not words[j - 1][0].endswith(SUBJECT_ENDINGS):
            j -= 1
        name = "".join(x for x, _ in words[j:i + 1])
        if len(name) >= SUBJECT_MIN_CHARS:
            out.append(name)
    return tuple(dict.fromkeys(out))


def subject_elsewhere(question: str, cited: list[str], others: list[str]) -> tuple[str, int] | None:
    """(the office or organisation asked, the index in ``others`` of the first passage naming it) when no cited
    passage names it and another shown passage does: the answer is likely another unit's fact from the passage
    beside it (社区服务中心's problems for a question about 招商引资服务局). None otherwise."""
    for name in named_subjects(question):
        if any(name in c for c in cited):
            continue
        for i, other in enumerate(others):
            if name in other:
                return name, i
    return None
