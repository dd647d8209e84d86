"""What a question is and asks for: cleaning (empty, too long, traditional characters), follow-up
detection, its parts, and the patterns that say it asks for a number, a date, a person or publication
metadata (with the shapes of text that answer them)."""
from __future__ import annotations

import functools
import logging
import re
from dataclasses import dataclass
from enum import Enum

from ..errors import QuestionError
from ..text import has_word, normalise_compat, strip_invisible, strip_special_tokens, to_simplified, word_chars
from .timeline import Timeline, parse_timeline

log = logging.getLogger(__name__)
MAX_QUESTION_CHARS = 500
_RAW_LIMIT = 8 * MAX_QUESTION_CHARS  # cut before cleaning: a client may send megabytes, cleaning is per character
_FOLLOWUP_RE = re.compile(r"^(那|那么|那个|它|他|她|他们|它们|这|该|此|其|还有|另外|又|是|由|都|分别|具体|哪些|哪个|谁)"
                          r"|呢[？?]?$|^(为什么|怎么样)[？?]?$")
# "哪几类/哪几位" asks for a list, not a count ("几个" / "几位" do);
# 多长/多大/… only as the question word ("多长的步道", "今年多大？"), not inside 很多大学生 / 多重保障
ASKS_NUMBER = re.compile(r"(多少|(?<!哪)几[个名次人项份户条座期天支所家位]|比例|百分之|数量|(?<!哪)几(?![乎经度])|多[长大高远久重宽深](?=[的了？?，]|$)|"
                         r"(?:电话|号码)是?什么)")
# a quoted template (“几堂几中心”, “几会一课”) asks for the name that fills it ("两堂三中心"), not for a number
_QUOTED_TEMPLATE = re.compile(r"[“\"「『][^“”\"「」『』]{0,30}(?:几|多少)[^“”\"「」『』]{0,30}[”\"」』]")


def asks_number(question: str) -> bool:
    """The question asks for a number ("多少名", "几个", "比例"); a 几 inside a quoted name it asks to fill does not."""
    return bool(ASKS_NUMBER.search(_QUOTED_TEMPLATE.sub("“”", question)))


# a date question; search-style queries name it by 时间 ("开幕时间", "…的发布时间？", "在什么时间完成"), but not a
# duration ("多长时间", "持续时间") nor opening hours ("开放时间", "办公时间": a time of day, not a date)
ASKS_DATE = re.compile(r"(哪天|哪一天|何时|什么时候|什么时间|几月几日|日期|哪日|"
                       r"(?<!长)(?<!多少)(?<!持续|开放|营业|办公|工作|作息|服务|运营|办理|受理)时间\s*(?:是|为)?\s*[？?]?\s*$)")
HAS_NUMBER = re.compile(r"\d+\.\d+|\d{5,}|(?!十分|万分)[\d一二三四五六七八九十百千万两]+\s*(?:[个名次人项份户条座期天支所家位%余多万千百亿元吨场处件米亩分岁辆台株册栋套间张篇部批届成]"
                        r"|小时|公里|公顷|平方)")
HAS_DATE = re.compile(r"\d{1,2}月\d{1,2}日|\d{4}年")
# what answers a date question: a day, a month or a year ("近日", "日前" and "今年以来" do not)
GIVES_DATE = re.compile(r"\d{1,2}\s*月|\d{4}\s*年|\d{4}-\d{1,2}-\d{1,2}|[一二三四五六七八九十]{1,2}月|[上中下]旬")
# what says when, not where: a date or a time of day ("将在9月3日举行", "8月19日下午")
GIVES_TIME = re.compile(GIVES_DATE.pattern + r"|(?<![\d.])\d{1,2}\s*[日号时点](?!\d)|[上下]午|晚上|凌晨|"
                        r"(?<![\d.])\d{1,2}[:：]\d{2}")
ASKS_PERSON = re.compile(r"(谁|哪位|哪一位|何人|哪些人|哪个领导|哪名)")
_UNITS = "个名次人项份户条座天支所家位场处件"  # classifiers of a count that a figure pattern is built for
UNIT_ASKED = re.compile(rf"(?:多少|(?<!哪)几)([{_UNITS}吨元万])")
# "在哪几个“以学”上", "在哪些方面" ask for items, not a place; "在哪些城市", "在哪几个地方" still ask places
ASKS_PLACE = re.compile(r"(哪里|哪儿|何地|何处|什么地方|哪些地方|地点|"
                        r"在哪(?!一?[期版天日年月个份位])(?!(?:些|几个?)(?:方面|领域|环节|问题|工作|“|\"))|"
                        r"哪个(?:街道|乡镇|镇|村|社区|县|区|市|地方|单位))")
# the classifier a count question asks in: 几类 → 类, 多少名 → 名 (not 多少钱 / 几月: no count); UNIT_ASKED's
# classifiers of a count and the ones a figure pattern is not built for (类, 种, 轮, 级 …)
_UNIT_OF_COUNT = re.compile(rf"(?:多少|(?<!哪)几)([{_UNITS}类种轮批届期级组队步间栋辆台株棵])")
# a place asked for by its kind ("是哪个街道推选的", "属于哪一个村"): the kind must end a word — 哪个村民 / 县长 / 村干部 /
# 镇党委 / 区委 / 社区工作者 / 乡村 / 区域 ask a person or a region, not a place of that kind
PLACE_KIND_ASKED = re.compile(r"哪(?:一)?个?(街道办事处|街道|办事处|社区|行政村|村委会|居委会|村|乡镇|镇|乡|县|区)"
                              r"(?![民长干委党工域级书主领居村内外里])")


def unit_asked(question: str) -> str | None:
    """The classifier a number question counts in (``要求各区对几类区域`` → 类), or None."""
    m = _UNIT_OF_COUNT.search(_QUOTED_TEMPLATE.sub("“”", question))
    return m.group(1) if m else None


def place_kinds_asked(question: str) -> set[str]:
    """The kinds of place the question asks for by name: {"街道"} for "金笛是哪个街道推选的"."""
    return set(PLACE_KIND_ASKED.findall(question))


# which came first / what happened before or after: two events are needed, not one fact
ASKS_ORDER = re.compile(r"((?:哪个|哪一?项|哪件事?|哪一个|谁)(?:先|更早|更晚|在前|在后|最早|最晚)|先.{1,16}还是|"
                        r"先后|顺序|之前|之后|以前|以后|最早|最晚|早于|晚于)")
# 哪 + a count + a classifier asks for that many items: 哪三项 / 哪两类 / 哪两个村 / 哪四个方面
ASKS_LIST = re.compile(r"(哪些|哪几|哪[两二三四五六七八九十]+\s*(?:个|项|类|种|位|名|家|所|条|点|次|场|件|处|支|座|批|方面)|"
                       r"包括什么|包括哪)")

# The kind of figure a number question expects, by what it asks ("多长" → a length): evidence with such a
# figure ranks first. Units are the common ones of bulletins; calibrated on the dev splits of
# eval/questions.jsonl and eval/formats.jsonl (a length, score, phone number or sum was the missed kind).
_FIGURE = r"(?:\d+(?:\.\d+)?|(?!十分|万分)[一二三四五六七八九十百千两]+)\s*(?:多|余)?\s*(?:万|亿)?\s*"
_EXPECTED_FIGURES: list[tuple[re.Pattern, str]] = [
    (re.compile(r"多长时间|多久|几年|几个月|多少年|多少个月|时长|历时"), _FIGURE + r"(?:年|个月|天|日|小时|分钟|周)"),
    (re.compile(r"多长|多远|长度|里程"), _FIGURE + r"(?:公里|千米|米|km)"),
    (re.compile(r"多大|面积|占地"), _FIGURE + r"(?:平方米|平方公里|亩|公顷)"),
    (re.compile(r"多高|高度"), _FIGURE + r"米"),
    (re.compile(r"多重|重量"), _FIGURE + r"(?:吨|公斤|千克|斤)"),
    (re.compile(r"多少钱|投资|资金|金额|经费|费用|多少元"),
     _FIGURE + r"(?:(?:[美欧日港澳台韩]|人民币|新台)?元|英镑|卢布)"),
    (re.compile(r"得分|多少分|几分|分数"), r"\d+\.\d+|" + _FIGURE + r"分"),
    (re.compile(r"比例|占比|百分之|[^效]率"), r"\d+(?:\.\d+)?\s*[%％]|百分之"),
    (re.compile(r"电话|号码|热线"), r"\d{3,4}-?\d{7,8}|\d{5,}"),
]


@functools.lru_cache(maxsize=256)
def measure_asked(question: str) -> re.Pattern | None:
    """The kind of quantity a number question's wording asks for (``多长`` → a length, ``多少资金`` → a sum,
    ``被判多少年`` → a duration); None when it asks for no number, names a classifier itself (``多少个``) or its
    wording names no kind."""
    if not asks_number(question) or UNIT_ASKED.search(question):
        return None
    alts = [pat for cue, pat in _EXPECTED_FIGURES if cue.search(question)]
    return re.compile("|".join(f"(?:{a})" for a in alts)) if alts else None


@functools.lru_cache(maxsize=256)
def expected_figure(question: str) -> re.Pattern | None:
    """A pattern for the figure a number question asks for (``多长的健身步道`` → ``4.2公里``), or None."""
    alts = [pat for cue, pat in _EXPECTED_FIGURES if cue.search(question)]
    m = UNIT_ASKED.search(question)
    if m:
        alts.append(_FIGURE + re.escape(m.group(1)))
    return re.compile("|".join(f"(?:{a})" for a in alts)) if alts else None


def asks_time_order(question: str) -> bool:
    """The question is about the order of events (哪个先 / 之后 / 最早)."""
    return bool(ASKS_ORDER.search(question))


def asks_list(question: str) -> bool:
    """The question wants several items (哪些 / 哪三个环节 / 包括哪)."""
    return bool(ASKS_LIST.search(question))


class MetaField(Enum):
    """Publication metadata a question can ask for."""
    ISSUE = "issue"
    DATE = "date"
    SECTION = "section"
    PUBLICATION = "publication"


_PUBLISHED = r"(刊登|刊发|登在|登载|发表|出刊|出版|发布|印发|发出|下发|刊载)"
# "发布/印发" is publication only when the question is about a document ("通知是哪天发布的"); "文明办是哪天发布
# 名单的" asks for an event the text reports. 刊登/出刊 and the like always mean the publication.
_ALWAYS_PUBLISHED = re.compile(r"刊登|刊发|登在|登载|出刊|出版|刊载")
_DOCUMENT_NOUN = re.compile(r"(?<!据)报道|消息|文章|通知|简报|文件|公告|通报|稿件|这篇|该文|本文|此文")
_META_CUES: list[tuple[MetaField, re.Pattern]] = [
    (MetaField.ISSUE, re.compile(r"哪一?期|第几期|期号")),
    (MetaField.SECTION, re.compile(r"(哪个|什么|哪一)(栏目|版面)|栏目是|哪一?版(?!本)|第几版")),
    (MetaField.DATE, re.compile(rf"(哪天|哪一天|什么时候|何时|几月几日|哪日)[^，。？]{{0,12}}{_PUBLISHED}|"
                                rf"{_PUBLISHED}[^，。？]{{0,6}}(哪天|哪一天|什么时候|何时|几月几日|日期)|"
                                r"(出版|出刊|发布|印发|成文)日期|哪天出(?:版|刊)")),
    (MetaField.PUBLICATION, re.compile(r"哪一?份(?:简报|报纸|报|刊物|期刊|杂志)|哪家报|哪个报|哪种刊物|出自哪|哪个简报|"
                                       r"哪本(?:刊物|期刊|杂志)")),
]


def metadata_asked(question: str) -> frozenset[MetaField]:
    """The publication metadata a question asks for: "刊登在哪天的商都日报上" → {DATE};
    "刊登在哪一期" → {ISSUE}. Empty for questions about the content (an event's date is not asked here)."""
    asked = {f for f, cue in _META_CUES if cue.search(question)}
    about_publication = bool(_ALWAYS_PUBLISHED.search(question) or _DOCUMENT_NOUN.search(question))
    for field in (MetaField.DATE, MetaField.ISSUE):  # "第几期道德讲堂" is an event's number, not the bulletin's
        if field in asked and not about_publication:
            asked.discard(field)
    return frozenset(asked)


ASKS_METADATA = re.compile("|".join(cue.pattern for _, cue in _META_CUES))


def wants_metadata(question: str) -> bool:
    """Questions about the bulletin itself (issue, publication date, section) get passage metadata."""
    return _wants_metadata(question, metadata_asked(question))


def _wants_metadata(question: str, asked: frozenset[MetaField]) -> bool:
    return bool(asked) or bool(_WANTS_META_RE.search(question))


# a bare "期" is no cue ("一期项目" is a project's phase); an issue is "第5期", "哪一期", "期号"
_WANTS_META_RE = re.compile(r"第\s*[\d一二三四五六七八九十]+\s*期|期号|简报|出刊|出版|刊发|刊登|登在|栏目|版面|哪份|发布")


def clean_question(question: str) -> str:
    """The question as retrieval and the model see it: lone surrogates (undecodable bytes from a terminal),
    control and bidirectional-override characters and chat-template tokens removed, at most
    ``MAX_QUESTION_CHARS`` characters, simplified characters. Raises :class:`QuestionError` when nothing
    askable is left."""
    q = strip_special_tokens(strip_invisible(str(question or "")[:_RAW_LIMIT])).strip()
    if not q:
        raise QuestionError("请输入问题。(The question is empty.)")
    if not has_word(q):
        raise QuestionError("问题只包含标点符号，请输入具体的问题。(The question has no words.)")
    if len(q) > MAX_QUESTION_CHARS:
        log.info("question of %d characters cut to %d", len(q), MAX_QUESTION_CHARS)
        q = q[:MAX_QUESTION_CHARS]
    return to_simplified(normalise_compat(q))


HISTORY_TURNS = 3  # earlier questions a follow-up is read with (the rewrite prompt shows the last three)


def clean_history(history) -> list[str]:
    """The conversation as a follow-up is read with: the last ``HISTORY_TURNS`` questions, each cleaned and
    cut like a question. A client-sent history can be anything (a megabyte of text, non-strings, lone
    surrogates); no more than this ever reaches retrieval or the model."""
    out = []
    for item in list(history or [])[-HISTORY_TURNS:]:
        text = strip_special_tokens(strip_invisible(str(item)[:_RAW_LIMIT])).strip()[:MAX_QUESTION_CHARS]
        if has_word(text):
            out.append(text)
    return out


def split_parts(question: str) -> list[str]:
    """The parts of a compound question: "…多少份？又组织了多少名…？" → two parts."""
    parts = [p.strip() for p in re.split(r"[？?；;]\s*(?:又|还|另外|并且|同时)?|，\s*(?:又|另外|同时)", question) if p.strip()]
    return parts if len(parts) >= 2 else [question]


def looks_like_followup(question: str) -> bool:
    q = question.strip()
    return bool(_FOLLOWUP_RE.search(q)) or len(word_chars(q)) <= 4


@dataclass(frozen=True)
class Intent:
    """What a (stand-alone) question asks for, read once per question; every later stage decides on these
    fields, never on the question's wording again."""

    question: str
    number: bool
    date: bool
    person: bool
    place: bool
    list: bool
    time_order: bool
    metadata: frozenset[MetaField]
    with_meta: bool  # the prompt shows each passage's bulletin / 期号 / date / 栏目
    parts: tuple[str, ...]  # a compound question's parts (one part: the question)
    followup: bool  # it was read with the conversation before it
    timeline: Timeline | None = None  # two events to put in order, or a day relative to an event
    computed_dates: bool = False  # its dates were computed from an event's ("A两天后" → "6月14日…"), not asked as written

    @property
    def multi_part(self) -> bool:
        return len([p for p in self.parts if len(p) >= 6]) >= 2

    @property
    def spans_passages(self) -> bool:
        """The answer needs several facts (a list, an order of events): passages get more room."""
        return self.list or self.time_order


def analyse(question: str, followup: bool = False) -> Intent:
    """The typed intent of a stand-alone question."""
    metadata = metadata_asked(question)
    timeline = parse_timeline(question)
    return Intent(question=question, number=asks_number(question),
                  date=bool(ASKS_DATE.search(question)), person=bool(ASKS_PERSON.search(question)),
                  place=bool(ASKS_PLACE.search(question)), list=asks_list(question),
                  time_order=asks_time_order(question) or timeline is not None, metadata=metadata,
                  with_meta=_wants_metadata(question, metadata), parts=tuple(split_parts(question)), followup=followup,
                  timeline=timeline)
