"""Questions about when events happened relative to each other, answered from the dates the documents give:

* a **comparison** — "A，和B，哪个在前？", "是先A还是先B？", "A在B之前还是之后？", "A、B、C这三件事哪件最早？" — finds
  each event's passage and the date it states, and answers with every date and citation (a small model compares
  dates badly; the calendar does not);
* a **relative date** — "A的前一天，…什么？", "A两天后，哪个县…？", "A前几天，…" — finds A's date and asks the rest
  of the question about that calendar day (or days), which retrieval then matches against the dates in the text.

This module reads the question (:func:`parse_timeline`, once, into its :class:`~rag.answer.question.Intent`);
:mod:`rag.answer.dating` finds the events and their dates."""
from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from ..text.dates import chinese_number


class Order(Enum):
    EARLIER = "earlier"  # 哪个在前 / 更早 / 先
    LATER = "later"  # 哪个在后 / 更晚


@dataclass(frozen=True)
class Comparison:
    """Which of two or more events came first (or last). ``splits``: the ways the question divides into events,
    most likely first (an event's own words can hold 和: "市委宣传部和市文明办举办的活动与…")."""

    splits: tuple[tuple[str, ...], ...]
    order: Order


@dataclass(frozen=True)
class Relative:
    """The rest of the question is asked about the days ``first..last`` after (negative: before) the anchor event."""

    anchor: str
    first: int
    last: int
    relation: str  # the question's words for it ("前一天", "两天后")
    rest: str


Timeline = Comparison | Relative

_CONNECTORS = ("，和", "，与", "，跟", "，同", "，还是", "和", "与", "跟", "同", "及")
_WHICH = r"(?:是)?(?:哪个|哪一个|哪一项|哪项|哪一?件事?|哪一?次|哪一?场|哪一?天|谁)(?:活动|会议?|事情?)?"
# how an event is held, formally or plainly ("哪个先办", "哪个先开的")
_HELD = r"(?:举办|召开|开展|举行|发生|进行|办|开|搞)"
_LATER = ("最晚", "最迟", "最后", "在后", "更晚", "较晚", "后", "晚")
_WHEN = rf"{_HELD}?(?:得|的)?(?:时间|日期)?(?P<when>最早|最先|最晚|最迟|最后|在先|在前|更早|较早|先|早|在后|更晚|较晚|后|晚)"
# the events named again before the question word: "两者", "这三件事里", "以上几项活动中"
_THESE = (r"(?P<these>两者|二者|(?:这|以上|上述)?[两二三四五六七八九几]?(?:件事|个活动|项活动|场活动|个会|件|项|个)"
          r"(?:里|中|当中|之中)?)")
# those words count three or more events ("这三件事", "这几项活动", "以上") — not a "几月几日" asked after them
_MANY = re.compile(r"[三四五六七八九几]|以上|上述")
# a date asked after it: "……哪件最早？是哪天？"
_WHICH_DAY = r"(?:[，,？?]?\s*(?:是|在)?(?:哪天|哪一天|什么时候|几月几日)[？?。]?)?"
_TAIL = (rf"[，,]?\s*(?:相比[，,]?\s*|{_THESE}[，,]?)?{_WHICH}{_WHEN}(?:一些|一点|些)?{_HELD}?(?:的)?(?:呢)?[？?。]?"
         rf"{_WHICH_DAY}$")
_COMPARE_RE = re.compile(rf"^(?P<body>.{{8,}}?){_TAIL}")
_FIRST_OR_RE = re.compile(r"^(?P<pre>[^，,]{0,12}?)(?:是)?先(?P<a>.{3,}?)[，,]?\s*还是(?:先)?(?P<b>.{3,}?)[？?。]?$")
_BEFORE_OR_RE = re.compile(r"^(?P<a>.{3,}?)(?:是)?在(?P<b>.{3,}?)(?:之前|以前|前)还是(?:之后|以后|后)[？?。]?$")

_N = r"[\d一二两三四五六七八九十]{1,3}"
_RELATION = (rf"(?P<rel>前一天|前一日|前两天|前三天|前几天|前一周|后一天|后一日|次日|第二天|翌日|当天|当日|同一天|同一日|同日|"
             rf"{_N}天(?:后|前|之后|之前|以后|以前)|{_N}日(?:后|之后|以后))")
_RELATIVE_RE = re.compile(rf"^(?:在)?(?P<anchor>[^，,？?]{{4,}}?)(?:的)?{_RELATION}[，,]?\s*(?P<rest>.{{4,}})$")
_RELATIVE_AFTER_RE = re.compile(rf"^(?P<lead>.{{2,}}?)(?:是)?在(?P<anchor>[^，,？?]{{4,}}?)(?:的)?{_RELATION}(?P<tail>.*)$")
_ASKING = re.compile(r"哪|谁|什么|多少|几[个名次项]")  # an anchor event is stated, not asked
_FEW_DAYS = 7  # "前几天": up to a week before


def _offsets(rel: str) -> tuple[int, int]:
    """The days a relation word covers: "前一天" → (-1, -1), "两天后" → (2, 2), "前几天" → (-7, -1)."""
    fixed = {"前一天": -1, "前一日": -1, "前两天": -2, "前三天": -3, "后一天": 1, "后一日": 1, "次日": 1, "第二天": 1,
             "翌日": 1, "当天": 0, "当日": 0, "同一天": 0, "同一日": 0, "同日": 0}
    if rel in fixed:
        return fixed[rel], fixed[rel]
    if rel in ("前几天", "前一周"):
        return -_FEW_DAYS, -1
    m = re.match(rf"({_N})[天日](.*)$", rel)
    n = chinese_number(m.group(1).replace("两", "二")) or 0
    return (-n, -n) if m.group(2) in ("前", "之前", "以前") else (n, n)


def _event(text: str) -> str:
    return text.strip(" ，,、。？?").removeprefix("是").removesuffix("的").strip()


def _top_level(body: str, sep: str) -> list[int]:
    """Offsets of ``sep`` in ``body`` outside quotes and title marks (“大排查、大整治” is one name)."""
    depth, out = 0, []
    for i, ch in enumerate(body):
        if ch in "“《「『（(":
            depth += 1
        elif ch in "”》」』）)":
            depth = max(0, depth - 1)
        elif depth == 0 and body.startswith(sep, i):
            out.append(i)
    return out


def _listed(body: str) -> list[tuple[str, ...]]:
    """Three or more events listed with 、 ("A、B和C": the last 和 too; without it as a second reading, since an
    event's own words may hold it)."""
    cuts = _top_level(body, "、")
    if not cuts:
        return []
    out = []
    last_and = tuple(i for i in _top_level(body, "和") + _top_level(body, "与") if i > cuts[-1])[-1:]
    for extra in (last_and, ()):  # "A、B、C和D" is four events first; "C和D" one event only if that fails
        bounds = sorted(cuts + list(extra))
        parts = [_event(body[a + 1:b]) for a, b in zip([-1, *bounds], [*bounds, len(body)])]
        # an item of a 、-list holds no comma: "市委常委、宣传部长王少青…，和他带队…" lists a title, not events
        if len(parts) >= 3 and all(len(p) >= 4 and not _top_level(p, "，") for p in parts) and tuple(parts) not in out:
            out.append(tuple(parts))
    return out


def parse_timeline(question: str) -> Timeline | None:
    """The comparison or relative date a question asks about, or None (most questions)."""
    q = question.strip()
    m = _COMPARE_RE.match(q)
    if m:
        body = m.group("body").strip(" ，,")
        order = Order.LATER if m.group("when") in _LATER else Order.EARLIER
        pairs = []
        for conn in _CONNECTORS:
            for hit in re.finditer(re.escape(conn), body):
                a, b = _event(body[:hit.start()]), _event(body[hit.end():])
                if len(a) >= 4 and len(b) >= 4 and (a, b) not in pairs:
                    pairs.append((a, b))
        listed = _listed(body)
        many = _MANY.search(m.group("these") or "") or m.group("when").startswith("最")  # 最早 of three or more
        if many and listed:  # "这三件事…", "A、B和C哪个最早": the list first; "A、B" is then no one event
            splits = listed + [p for p in pairs if not any(_top_level(e, "、") for e in p)]
        else:  # "…和…哪个在前": two events, whose own words may list titles or places with 、
            splits = pairs + listed
        if splits:
            return Comparison(tuple(splits[:4]), order)
    for pattern in (_FIRST_OR_RE, _BEFORE_OR_RE):
        m = pattern.match(q)
        if m:
            pre = _event(m.groupdict().get("pre") or "")
            a, b = _event(m.group("a")), _event(m.group("b"))
            if len(a) >= 3 and len(b) >= 3:
                return Comparison(((pre + a, pre + b),), Order.EARLIER)
    m = _RELATIVE_RE.match(q)
    if m and not _ASKING.search(m.group("anchor")):
        first, last = _offsets(m.group("rel"))
        return Relative(_event(m.group("anchor")), first, last, m.group("rel"), m.group("rest").strip())
    m = _RELATIVE_AFTER_RE.match(q)
    if m and m.group("tail").strip(" ？?。"):
        first, last = _offsets(m.group("rel"))
        rest = m.group("lead").removesuffix("是").strip() + m.group("tail").strip()
        return Relative(_event(m.group("anchor")), first, last, m.group("rel"), rest)
    return None
