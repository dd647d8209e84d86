"""Which period is a fact about? A question can name a year (2024年), a part of a year (第二季度, 二季度, 上半年,
前三季度, 全年, 春季) or both; an answer taken from another period's fact is a near miss (``other_period``):

* the sentence the answer's figure comes from names another part of the year before the figure, and not the asked
  one ("英特尔在2022年第四季度的总收入为140亿美元" for 全年营收);
* the sentences name no period of the asked kind, and the article's title names another — a statistics table's
  rows ("七一路街道：活动场次86场") carry no period, the table's title ("2024年第一季度各街道志愿服务统计表") does;
* the sentences and the title name no part of the year, and the rest of the cited passage names only another one
  ("…共发放征兵宣传手册300余份。接下来，该街道将持续开展2024年春季征兵宣传工作" for 2024年秋季). Only for parts of
  a year: an article of one year often names others in passing (较2022年增长), one of a season or quarter seldom.

A question's exact figures and codes (6月15日, 1500米, C919) must be written somewhere in an article the answer cites
(``missing_figures``): an article that has not one of them is about another day or thing; its year only where the
article writes another year and never that one.

A year named in the answer's sentences is left to ``subjects.other_year`` (a sentence's own year outranks its
article's title). "本季度", "今年" in the sentence are the article's own period, so its title's; "去年", "上季度" are
another by an offset, and give no opinion."""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..text.dates import chinese_number, chinese_numerals
from .checks import NUMBER_RE, figure_re, has_number
from .subjects import SENTENCE_END, YEAR_RE, full_year, source_clauses

YEAR, PART = "year", "part of the year"
# a quarter (第二季度, 二季度, 2季度), quarters to date (前三季度), half years (上半年) and the whole year (全年)
QUARTER_RE = re.compile(r"(?<![上下])(前)?第?\s*([一二三四1-4])\s*季度")  # not 上一季度 / 下一季度 (offsets)
HALF_RE = re.compile(r"([上下])半年")
WHOLE_YEAR_RE = re.compile(r"全年")
SEASON_RE = re.compile(r"([春夏秋冬]{1,2})季(?![奥运风学])")  # 春季, 秋冬季 (both); not 冬季奥运会, 夏季风, 秋季学期
SEASONS = {"春": "S1", "夏": "S2", "秋": "S3", "冬": "S4"}
# periods named from the text's own date: "本季度", "今年" are the article's own (its title's, when the title names
# one); "去年", "上季度" are another, by an offset this module does not resolve (no opinion)
OWN = {YEAR: re.compile(r"今年|本年|当年"), PART: re.compile(r"本季度|该季度|当季")}
OFFSET = {YEAR: re.compile(r"去年|上年|前年|明年|过去一年|上一年"),
          PART: re.compile(r"上季度|上一季度|下季度|下一季度")}
# the passage fallback compares a part of the year only with another of its size (a season with a season, a
# quarter with a quarter): 春季招聘会 inside a 上半年 total, or 全年任务 mentioned in passing, is no other period
SIZE = {"Q": "quarter", "H": "half", "S": "season"}


@dataclass(frozen=True)
class OtherPeriod:
    asked: str  # the period the question names: 第二季度
    given: str  # the period the answer's source is about: 第一季度
    title: str | None  # the title that names it, when the answer's sentences name none
    passage: bool = False  # named only elsewhere in the cited passage (neither the sentences nor the title)


def periods(text: str) -> dict[str, dict[str, str]]:
    """The periods ``text`` names, by kind, each as {normalised value: its wording}: "2024年第二季度" →
    {"year": {"2024": "2024年"}, "part of the year": {"Q2": "第二季度"}}."""
    out: dict[str, dict[str, str]] = {}
    for m in YEAR_RE.finditer(text):
        out.setdefault(YEAR, {}).setdefault(full_year(m.group(1)), m.group(1) + "年")
    for m in QUARTER_RE.finditer(text):
        n = int(m.group(2)) if m.group(2).isdigit() else chinese_number(m.group(2))
        key = f"{'前' if m.group(1) else ''}Q{n}"  # 前三季度 (three quarters' total) is not 第三季度
        out.setdefault(PART, {}).setdefault(key, re.sub(r"\s+", "", m.group(0)))
    for m in HALF_RE.finditer(text):
        out.setdefault(PART, {}).setdefault("H1" if m.group(1) == "上" else "H2", m.group(0))
    for m in WHOLE_YEAR_RE.finditer(text):
        out.setdefault(PART, {}).setdefault("Y", m.group(0))
    for m in SEASON_RE.finditer(text):
        for season in m.group(1):
            out.setdefault(PART, {}).setdefault(SEASONS[season], season + "季")
    return out


def _before_figure(sentence: str, figures: list[str]) -> str:
    """The part of ``sentence`` before the answer's first figure in it (a figure's period comes before it:
    "第四季度的总收入为140亿美元，…全年…"), or all of it when it holds none."""
    pos = [m.start() for f in figures for m in figure_re(f).finditer(sentence)]
    return sentence[:min(pos)] if pos else sentence


def _passage_period(answer: str, question: str, title: str, text: str, kind: str,
                    wanted: dict[str, str]) -> OtherPeriod | None:
    """The other period of ``kind`` this cited passage's part of the answer is about; None when it names the
    asked one, names none, or its sentences disagree."""
    figures = [n for n in NUMBER_RE.findall(answer) if not has_number(n, question)]
    sentences = source_clauses(answer, question, text, SENTENCE_END)
    before = [_before_figure(s, figures) for s in sentences]
    if any(OFFSET[kind].search(b) for b in before):
        return None
    named = [{} if OWN[kind].search(b) else periods(b).get(kind, {}) for b in before]  # 本季度: the title's
    if any(n.keys() & wanted.keys() for n in named):
        return None
    if named and all(named) and kind == PART:  # a year in the sentence: subjects.other_year judges it
        return OtherPeriod(next(iter(wanted.values())), next(iter(named[0].values())), None)
    if any(named):
        return None
    in_title = periods(title or "").get(kind, {})
    if in_title:
        if in_title.keys() & wanted.keys():
            return None
        return OtherPeriod(next(iter(wanted.values())), next(iter(in_title.values())), title)
    return _elsewhere_in_passage(sentences, text, kind, wanted)


def _size(key: str) -> str | None:
    """A part of the year's size ("Q2" → quarter); None for quarters to date (前三季度) and the whole year."""
    return None if key.startswith("前") else SIZE.get(key[0])


def _elsewhere_in_passage(sentences: list[str], text: str, kind: str, wanted: dict[str, str]) -> OtherPeriod | None:
    """The one other part of the year, of the asked one's size, that the rest of the passage (without the
    answer's own ``sentences``) names — one season's campaign, one quarter's report; None for years, for a passage
    naming the asked one, several or none, or one dating by its own date or an offset (本季度, 去年春季)."""
    if kind != PART:
        return None
    rest = text
    for sentence in sentences:
        rest = rest.replace(sentence, "")
    if any(pattern.search(rest) for pattern in (*OWN.values(), *OFFSET.values())):
        return None
    named = periods(rest).get(kind, {})
    if named.keys() & wanted.keys():
        return None
    sizes = {_size(k) for k in wanted} - {None}
    same = {k: v for k, v in named.items() if _size(k) in sizes}
    if len(same) != 1:
        return None
    return OtherPeriod(next(iter(wanted.values())), next(iter(same.values())), None, passage=True)


def other_period(answer: str, question: str, cited: list[tuple[str, str]]) -> OtherPeriod | None:
    """The period asked and the one the answer's source is about, when the question names a period and every
    cited passage ((title, text) pairs) gives the answer from another period of that kind — in the sentence
    before the answer's figure, else in its title, else (a part of the year) in the rest of its passage. None when
    the question names no period or a cited passage names the asked one or none (no opinion)."""
    for kind, wanted in periods(question).items():
        found = [_passage_period(answer, question, title, text, kind, wanted) for title, text in cited]
        if found and all(found):
            return found[0]
    return None


# what names a thing exactly in a question: a figure, or a code with digits (2022, 6, 15, 1500, C919, MU5735, U14);
# not a Latin word alone: an acronym has a Chinese name too (GDP is 地区生产总值 in RGB query 230's passage); not a bound
# (超过1000万元, 前10, 50人以上: the fact's own figure is another)
QUESTION_FIGURE = re.compile(r"[A-Za-z]*[0-9]+(?:\.[0-9]+)?[A-Za-z0-9]*")
BOUND_BEFORE = re.compile(r"(?:超过|超|不少于|不低于|不超过|至少|多于|高于|低于|少于|不足|大于|小于|前|近|约)$")
BOUND_AFTER = re.compile(r"^[个名人位家项次天年月米元万亿吨户件份场座辆台]?(?:以上|以下|以内|之内|左右|余|多)")
# a question's year (2022年, 2021赛季, 2021-2022) is a 19xx/20xx not followed by a unit of an amount (2000万元, 2000余名)
YEAR_TOKEN = re.compile(r"(?:19|20)[0-9]{2}")
AMOUNT_AFTER = re.compile(r"^[万亿元名人个余多米吨户件次份家辆台座项场%％]")
# a year an article writes: 2023年, 2021赛季, 2021-2022 (not the 2000 of 2000余名)
WRITTEN_YEAR = re.compile(r"(?<![0-9.])(?:19|20)[0-9]{2}(?=年|赛季|[-－—])")
CN_NUMERAL = "零〇一二三四五六七八九十百千万两"
# an ordinal a question writes in Chinese numerals (第三艘, 第七届, 第六任): an article about that one writes its number
# after 第 whatever word follows (第六届 for 第六任), or with the question's word (三艘, 3艘; Q1 for 第一季度; 首艘 for
# the first). Not a rank (第一名 is written 冠军) nor a relative day (第二天). RGB zh_refine, the 9 questions with
# one: their positive passages write it 68 times of 73, their negative ones 75 of 189.
QUESTION_ORDINAL = re.compile(rf"第([{CN_NUMERAL}]+)([\u4e00-\u9fff])")
NOT_ORDINAL_WORD = frozenset("名天")


def question_figures(question: str, years: bool = True) -> list[str]:
    """The figures and codes of ``question``, lower-cased, in order, bounds left out (and years, unless ``years``):
    "2022年WTT世界杯U14组" → ["2022", "u14"]."""
    out = []
    for m in QUESTION_FIGURE.finditer(question):
        before, after = question[:m.start()], question[m.end():]
        if BOUND_BEFORE.search(before) or BOUND_AFTER.search(after):
            continue
        if not years and is_year(m.group(0), after):
            continue
        out.append(m.group(0).lower())
    for m in QUESTION_ORDINAL.finditer(question):
        if m.group(2) not in NOT_ORDINAL_WORD and chinese_number(m.group(1)):
            out.append(m.group(0))
    return list(dict.fromkeys(out))


def is_year(token: str, after: str = "") -> bool:
    """``token`` of a question, followed by ``after``, is a year: 2022 of 2022年, not 2000 of 2000万元."""
    return bool(YEAR_TOKEN.fullmatch(token)) and not AMOUNT_AFTER.search(after)


def _written(token: str, flat: str) -> bool:
    """``token`` is in ``flat`` (lower-cased, no spaces) as a whole: 15 not inside 2015 or 15.5, a code not inside a
    longer Latin word; a hyphen or a space may part a code's letters from its digits (gpt4 in "GPT-4", c919 in
    "C 919"); a whole number also in Chinese numerals (40 in 第四十届, 2 in 两个)."""
    if token.startswith("第"):
        return _ordinal_re(token).search(flat) is not None
    if token.isdigit():
        if figure_re(token).search(flat):
            return True
        return any(re.search(rf"(?<![{CN_NUMERAL}]){cn}(?![{CN_NUMERAL}])", flat) for cn in chinese_numerals(int(token)))
    lead = r"(?<![0-9.])" if token[0].isdigit() else r"(?<![a-z])"
    tail = r"(?![0-9]|\.[0-9])" if token[-1].isdigit() else r"(?![a-z])"
    body = "[-－ ]?".join(re.escape(run) for run in re.findall(r"[a-z]+|[0-9.]+", token))
    return re.search(lead + body + tail, flat) is not None


def _ordinal_re(token: str) -> re.Pattern:
    """How an article writes the ordinal ``token`` of a question (第三艘): 第三…/第3…, 三艘/3艘, 首艘 (the first), q1
    (第一季度)."""
    m = QUESTION_ORDINAL.fullmatch(token)
    n, word = chinese_number(m.group(1)), m.group(2)
    number = "|".join(re.escape(f) for f in [str(n), *chinese_numerals(n)])
    other = f"|首{word}" if n == 1 else ""
    other += f"|q{n}" if word == "季" else ""
    return re.compile(rf"第(?:{number})(?![0-9{CN_NUMERAL}])|(?<![0-9{CN_NUMERAL}])(?:{number}){word}{other}")


def _flat(text: str) -> str:
    """``text`` lower-cased without spaces, but for one between two Latin letters or digits ("iphone se 3"), and
    without thousands separators (1,500 → 1500)."""
    text = re.sub(r"(?<=[0-9]),(?=[0-9]{3})", "", text.lower())
    return re.sub(r"(?<![a-z0-9]) | (?![a-z0-9])", "", re.sub(r"\s+", " ", text))


def missing_figures(question: str, articles: list[str], years: bool = True) -> list[str]:
    """The question's figures and codes that none of ``articles`` (their metadata lines and texts) writes. A year
    counts only with ``years``, and only when they write another year and never this one: news often leaves the
    year of its own date out ("第56届超级碗…" for 2022年超级碗; RGB, the answers of 62 questions at noise 0 and 0.8
    whose passages lack one of their question's figures: counting years refused 3 right answers, leaving them out
    none)."""
    flat = [_flat(a) for a in articles]
    written = {y for f in flat for y in WRITTEN_YEAR.findall(f)}
    asked_years = {m.group(0) for m in QUESTION_FIGURE.finditer(question) if is_year(m.group(0), question[m.end():])}
    missing = []
    for t in question_figures(question, years):
        if any(_written(t, f) for f in flat):
            continue
        if t in asked_years and not (written - {t}):
            continue  # a year (years were asked for): missing only where another is written
        missing.append(t)
    return missing
