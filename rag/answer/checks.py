"""Checks of a model's answer against the passages it was shown: it must cite, its figures must be in a
cited passage about the question, a place, body or quoted name it gives must be in some passage, a person it
names must be in a cited one; a figure cited from the wrong
passage is re-pointed to the passage that holds it when that one is about the question."""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum

from ..text import content_tokens, person_names
from ..types import Hit
from .citations import CIRCLED, MARKER_RE, cited_numbers
from .context import idf_from_hits
from .question import (ASKS_DATE, ASKS_PERSON, ASKS_PLACE, GIVES_DATE, GIVES_TIME, HAS_NUMBER, asks_number,
                       measure_asked, place_kinds_asked, unit_asked)
from .tuning import TUNING

NUMBER_RE = re.compile(r"\d+(?:\.\d+)?")
# a count of things: "10余座", "九名" (what a sum, a length or a duration is not)
COUNT_RE = re.compile(r"(?<![\d.])(?:\d+(?:\.\d+)?|[一二三四五六七八九十百千两]+)\s*(?:多|余)?\s*(?:[万千百]\s*)?"
                      r"(?:多|余)?\s*[个名人位项次场座所家户条件台辆艘架只头棵株批支处份款](?!钟)")
# a web page's footnote references ("…的依据[15][16]。", Wikipedia and its copies) are no figures of the text
REFERENCE_RE = re.compile(r"\[\d{1,3}\]")
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
    NAME_NOT_SHOWN = "names a place, organisation or person that no passage contains"
    PERSON_NOT_CITED = "names a person no cited passage about the question mentions"
    NUMBER_MISSING = "gives no number although one was asked for"
    DATE_MISSING = "gives no date although one was asked for"
    PLACE_MISSING = "gives a time, not a place, although a place was asked for"
    PLACE_KIND_MISSING = "names no place of the kind asked for (哪个街道, 哪个村)"
    OTHER_MEASURE = "counts things where another kind of quantity was asked for"
    COUNT_FOR_LIST = "gives a count where the items were asked for"
    HEDGED = "guesses (推断, 可能是, 某个社区) in words no passage uses"


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
    texts = "".join(p.chunk.embed_text() for p in passages)
    shown = REFERENCE_RE.sub(" ", question + texts)
    cited = REFERENCE_RE.sub(" ", question + "".join(passages[n - 1].chunk.embed_text() for n in cited_numbers(text)
                                                     if 1 <= n <= len(passages)))
    for num in NUMBER_RE.findall(body):
        if not has_number(num, shown):
            return Problem(ProblemKind.FIGURE_NOT_SHOWN, f"model answer states {num}, which no passage contains")
        if not has_number(num, cited):
            return Problem(ProblemKind.FIGURE_NOT_CITED,
                           f"model answer states {num}, which the passage it cites does not contain")
    flat = re.sub(r"\s+", "", shown)
    if hedge := hedged(body, flat):
        return Problem(ProblemKind.HEDGED, f"model answer guesses ({hedge}), in words no passage uses")
    for name in proper_names(body) + quoted_names(body):
        if name not in question and not name_shown(name, flat):
            return Problem(ProblemKind.NAME_NOT_SHOWN, f"model answer names {name}, which no passage contains")
    if ASKS_PERSON.search(question):
        cited_hits = [passages[n - 1] for n in cited_numbers(text) if 1 <= n <= len(passages)]
        for name in person_names(body):
            if name not in question and not any(name in h.chunk.embed_text() and _coverage(question, h, passages)
                                                >= TUNING.cited_support for h in cited_hits):
                return Problem(ProblemKind.PERSON_NOT_CITED,
                               f"model answer names {name}, whom no cited passage about the question mentions")
    # the answer's own figures and dates count: the question's "2022年" repeated in "2022年春运…今天开售" is none;
    # a numbered list (①②) counts its items ("分几个阶段")
    if asks_number(question) and not (stated(HAS_NUMBER, body, question) or stated(NUMBER_RE, body, question)
                                      or CIRCLED[1] in body or gives_unit_asked(body, question)):
        return Problem(ProblemKind.NUMBER_MISSING, "a number was asked for and the model answer gives none")
    measure = measure_asked(question)
    if measure and stated(COUNT_RE, body, question) and not stated(measure, body, question):
        return Problem(ProblemKind.OTHER_MEASURE,
                       "a sum, length, duration or share was asked for and the model answer gives a count of things")
    if share_for_amount(body, question):
        return Problem(ProblemKind.OTHER_MEASURE,
                       "an amount was asked for and the model answer gives only a share or a rate")
    if only_a_count(body, question):
        return Problem(ProblemKind.COUNT_FOR_LIST, "the items were asked for and the model answer only counts them")
    if ASKS_DATE.search(question) and not stated(GIVES_DATE, body, question):
        return Problem(ProblemKind.DATE_MISSING, "a date was asked for and the model answer gives none")
    if ASKS_PLACE.search(question) and stated(GIVES_TIME, body, question) and not names_place(body, question):
        return Problem(ProblemKind.PLACE_MISSING, "a place was asked for and the model answer gives a time")
    if kind := place_kind_missing(body, question, re.sub(r"\s+", "", texts)):
        return Problem(ProblemKind.PLACE_KIND_MISSING, f"a {kind} was asked for and the model answer names none")
    return None


# the kinds of place a question asks for by name (question.place_kinds_asked) → the words that name one in an
# answer: a 街道 is also called a 办事处 (七一路办事处 / 荷花路街道) and is a township-level unit like a 镇, a village's
# 居委会 or 村委会 names its village, a county-level unit may be a 县, a 区, a 市 or a 旗
_TOWNSHIP = ("乡", "镇", "街道", "办事处")
_VILLAGE = ("村", "居委会", "社区")
_COUNTY = ("县", "区", "市", "旗")
PLACE_KIND_WORDS = {"街道办事处": _TOWNSHIP, "街道": _TOWNSHIP, "办事处": _TOWNSHIP, "乡镇": _TOWNSHIP, "镇": _TOWNSHIP,
                    "乡": _TOWNSHIP, "社区": ("社区", "居委会", "小区", "村"), "行政村": _VILLAGE, "村委会": _VILLAGE,
                    "居委会": _VILLAGE, "村": _VILLAGE, "县": _COUNTY, "区": _COUNTY}


# words before a kind word that name no place of it: "深入分包社区", "所在街道", "3个社区", "该社区"; a one-character
# one (各, 该, 本, 其, 全) only where it opens a phrase, not at the end of a name (万全村, 保全村)
GENERIC_PLACE = re.compile(r"(?:分包|包联|联系|结对|共建|帮扶|所在|相关|辖区|所辖|周边|附近|当地|其他|其它|所属|这个|那个|"
                           r"每个|某个|[\d一二三四五六七八九十两几多]+个|"
                           r"(?:^|[^\u4e00-\u9fff]|[在到对向于把和与及的入遍])(?:各|该|本|此|其|全|某))$")


def place_kind_missing(body: str, question: str, passages: str = "") -> str | None:
    """The kind of place the question asks for by name (哪个街道) when the answer has no word of that kind beyond
    the question's own ("金笛是示范区党工委相关负责人推选的" for 哪个街道推选的) and no name that ``passages`` (their
    text, spaces removed) write before such a word (a bare "盛和" for 盛和社区, "荷花路" for 荷花路街道): the model gave
    something else than a place of the kind asked. None when no kind is asked, two are ("哪个区哪个街道"), or the
    answer names one."""
    kinds = place_kinds_asked(question)
    if len(kinds) != 1:
        return None
    kind = kinds.pop()
    words = PLACE_KIND_WORDS[kind]
    own = body
    for m in sorted(set(re.findall(r"[\u4e00-\u9fff]{2,}", question)), key=len, reverse=True):
        if len(m) >= 3:
            own = own.replace(m, " ")  # the question's words repeated ("…是哪个街道推选的") name no place
    if any(not GENERIC_PLACE.search(own[:m.start()]) for w in words for m in re.finditer(re.escape(w), own)):
        return None
    for w in words:  # a name the passages give that kind of place, written without its kind word
        for m in re.finditer(re.escape(w), passages):
            if GENERIC_PLACE.search(passages[:m.start()]):
                continue
            if any(passages[m.start() - k:m.start()] in own for k in (2, 3, 4) if m.start() >= k):
                return None
    return kind


# an amount a question asks for (a total of people, vehicles, money, output), and the words that ask for a share,
# a rate or a change instead; an answer whose own figures are all shares (34%) or rates (421公斤/亩, not an annual
# 30万吨/年) gives another kind of quantity ("宝马全球销量" answered with "占全球销量的近34%")
AMOUNT_ASKED = re.compile(r"销量|产量|人数|票房|营收|收入|总额|总量|数量|规模|多少(?:人|名|辆|吨|元|钱|万|亿|个|家|台|件|份)")
AMOUNT_ENDS = re.compile(rf"(?:{AMOUNT_ASKED.pattern})(?:是多少|有多少|多少)?\s*[？?]?\s*$")  # "2021年宝马全球销量？"
SHARE_ASKED = re.compile(r"率|比例|占比|比重|百分|增长|增速|增幅|增加|减少|提高|提升|降低|下降|降幅|上涨|涨|跌|幅度|份额|"
                         r"同比|环比|单产|人均|平均|每|多了|少了")
SHARE_OR_RATE = re.compile(r"\d+(?:\.\d+)?\s*(?:[%％‰]|[\u4e00-\u9fff]{0,3}/(?![年月日天时周])[\u4e00-\u9fff])")


def share_for_amount(body: str, question: str) -> bool:
    """The question asks for an amount (多少人, or ends with one: "…全球销量？") and not a share, rate or change,
    and every figure of the answer's own is a share or a rate."""
    if not AMOUNT_ASKED.search(question) or SHARE_ASKED.search(question):
        return False
    if not (asks_number(question) or AMOUNT_ENDS.search(question)):
        return False
    spans = [(r.start(), r.end()) for r in SHARE_OR_RATE.finditer(body)]
    own = [m for m in NUMBER_RE.finditer(body) if not has_number(m.group(0), question)]
    return bool(own) and all(any(a <= m.start() < b for a, b in spans) for m in own)


# what separates the items of a list, in a sentence or a numbered list
ITEM_SEPARATOR = re.compile(r"[、，,；;：:和及与①②\n]")
# the kind of thing a 哪些 question asks for: the noun after it (哪些国家, 哪几类对象)
ITEMS_ASKED = re.compile(r"哪(?:些|几)[个位类项种家所名条批]?([\u4e00-\u9fff]{1,4})")


def only_a_count(body: str, question: str) -> bool:
    """The answer counts the things the question asks for and names none of them: "RCEP具体包括15个成员国" for
    哪些国家 — no second item, nothing quoted, no proper noun the question does not name, no "X等15个". A count of
    something else ("获得12个一等奖" for 哪些成绩) is no opinion."""
    asked = ITEMS_ASKED.search(question)
    counts = [m for m in COUNT_RE.finditer(body) if not figure_re(m.group(0)).search(question)]
    if asked is None or not counts:
        return False
    counted = "".join(body[m.end():m.end() + 4] for m in counts)
    if not set(asked.group(1)) & set(counted) or any(body[:m.start()].rstrip().endswith("等") for m in counts):
        return False
    rest = COUNT_RE.sub("", body)
    return not (ITEM_SEPARATOR.search(rest) or quoted_names(rest)
                or any(n not in question for n in proper_names(rest)))


# jieba's tags of a proper noun: a place, a person, an organisation, another name
PROPER_FLAGS = ("ns", "nr", "nt", "nz")
# a kind word the model may add to a name the passage writes bare (周口 → 周口市, 德国 → 德国队)
NAME_KIND_END = re.compile(r"(?:省|市|县|区|镇|乡|村|国|州|队|人)$")


def proper_names(body: str) -> list[str]:
    """The proper nouns of an answer as jieba tags them (places, people, organisations), two characters or more."""
    from ..text.tokens import jieba_with_dictionary

    jieba_with_dictionary()
    import jieba.posseg

    return list(dict.fromkeys(w.word for w in jieba.posseg.cut(body)
                              if len(w.word) >= 2 and w.flag.startswith(PROPER_FLAGS)
                              and re.fullmatch(r"[\u4e00-\u9fff·]+", w.word)))


QUOTED_RE = re.compile(r"[“\"《]([^”\"《》]{2,20})[”\"》]")


def quoted_names(body: str) -> list[str]:
    """What an answer names in quotes or title marks (“冰墩墩”, 《心居》): a name it copied, or made up."""
    return [m for m in QUOTED_RE.findall(body) if not re.search(r"\s", m)]


# one-character verbs and prepositions jieba may glue onto the name after them ("归小乔街道办事处管" → 归小乔/nr,
# "王劲松和萨日娜" → 和萨日娜/nr). The rest counts only where the passages' own words start with it (小乔 of
# 川汇区/小乔/街道), not inside another name (平区 of 昌平区 for a made-up 和平区)
GLUED_LEAD = "归在由于到为属向从对和与及把被给将让是"


def name_shown(name: str, flat: str) -> bool:
    """``name`` is in the passages' text, or is with a kind word dropped (周口市 where they write 周口), or with a
    verb or preposition that jieba glued to its front dropped (归小乔 where they write 小乔街道办事处)."""
    if name in flat or (len(name) >= 3 and NAME_KIND_END.search(name) is not None and name[:-1] in flat):
        return True
    return len(name) >= 3 and name[0] in GLUED_LEAD and _starts_a_word(name[1:], flat)


def _starts_a_word(name: str, flat: str) -> bool:
    """``name`` is where one of jieba's words of ``flat`` begins (spaces removed)."""
    if name not in flat:
        return False
    from ..text.tokens import jieba_with_dictionary

    jieba_with_dictionary()
    import jieba

    return any(flat.startswith(name, s) for _, s, _ in jieba.tokenize(flat))


# how a model guesses where the passages are silent: it says it infers, or writes a placeholder (某个社区, 某位领导)
# for the name it does not have. Only these: 大概/估计/可能是 reword the passages' 大约/预计/初步判断 in right answers
# (review of session 28); a passage that writes the word itself makes it a copy, not a guess. Calibrated on a fresh
# batch's dev question (q503: "某个社区…可以推断出"); the own set's recorded answers hold none of these words
HEDGE_RE = re.compile(r"推断|推测|猜测|某[个位](?![\d])")


def hedged(body: str, flat: str) -> str | None:
    """The first guessing word of ``body`` that the passages' text ``flat`` does not use, or None."""
    return next((m.group(0) for m in HEDGE_RE.finditer(body) if m.group(0) not in flat), None)


# a count in the classifier asked; not inside a set phrase (新一轮, 进一步, 同一类, 上一级, 这一种, 第一期)
_COUNT_LEAD = r"(?<![第新进统同上下这那唯每逐单])"


def gives_unit_asked(body: str, question: str) -> bool:
    """The answer counts in the classifier the question asks in (几类 → "四类区域" or "五大类", 多少轮 → "3轮"),
    whatever that classifier is: HAS_NUMBER lists the common ones only."""
    unit = unit_asked(question)
    pattern = _COUNT_LEAD + r"[\d一二三四五六七八九十百千两]+\s*大?\s*" + re.escape(unit or "")
    return unit is not None and stated(re.compile(pattern), body, question)


def stated(pattern: re.Pattern, body: str, question: str) -> bool:
    """``body`` holds a match of ``pattern`` that the question does not: a figure or date of the answer's own
    (the 1 of an answer's "1月" is not the question's "2021年")."""
    return any(not figure_re(m.group(0)).search(question) for m in pattern.finditer(body))


# what a place is written with: jieba's place / person / organisation / proper-noun tags (foreign cities are
# often tagged as names: 柏林/nr) and nouns ending in a venue or an administrative kind word
PLACE_FLAGS = ("ns", "nr", "nt", "nz", "s")
PLACE_END = re.compile(r"(?:省|市|县|区|镇|乡|村|街道|社区|路|街|巷|楼|层|室|厅|堂|馆|场|园|院|宫|中心|广场|大厦|"
                       r"酒店|宾馆|道|港|站|岛|湾|山|湖|江|河|国|州|城|线上|网上)$")


def names_place(body: str, question: str) -> bool:
    """The answer names a place the question does not (a proper noun, a venue, an administrative unit)."""
    from ..text.tokens import jieba_with_dictionary

    jieba_with_dictionary()
    import jieba.posseg

    return any(w.word not in question and len(w.word) >= 2
               and (w.flag.startswith(PLACE_FLAGS) or PLACE_END.search(w.word)) for w in jieba.posseg.cut(body))


def _coverage(question: str, hit: Hit, hits: list[Hit]) -> float:
    """IDF-weighted share of the question's words in ``hit`` (words that only some of ``hits`` contain,
    like the county in "鹿邑县…推进会", weigh most)."""
    toks = content_tokens(question)
    idf = idf_from_hits(toks, hits)
    text = hit.chunk.embed_text().lower()
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
        emb = passages[i - 1].chunk.embed_text().lower()
        if toks and sum(t in emb for t in toks) / len(toks) >= TUNING.cited_support:
            return MARKER_RE.sub(f"[{i}]", text)
    return None
