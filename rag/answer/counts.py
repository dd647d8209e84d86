"""What does a figure count? The classifier after it ("25 支志愿服务队": 支) and the noun after that. A small model
relabels a count it found: "25个优秀志愿服务项目" from "25支志愿服务队 … 还进行了优秀志愿服务项目评选", or "光明街道建成了
5个新时代文明实践站" from "主城区5个街道共建成新时代文明实践站54个". ``relabelled_count`` finds such an answer: its
figure counts another thing in every place the cited passages give it. ``shared_count`` finds a figure counted for
several units together ("在贾寨村、梁寨村等开展…共发放宣传册500余份") given for one of them."""
from __future__ import annotations

import re
from functools import lru_cache

from ..text.tokens import jieba_with_dictionary
from .checks import COUNT_RE, NUMBER_RE, figure_re, has_number
from .citations import MARKER_RE
from .people import JOIN
from .question import UNIT_ASKED
from .subjects import KINDS, SENTENCE_END, places

# Classifiers in one group count the same kind of thing.
CLASSIFIER_GROUPS = (("名", "人", "位"), ("个", "项"), ("次", "场", "回"), ("户", "家"))
CLASSIFIERS = "名人位个项次场回户家支件条份所座处辆台批期篇部本张套间栋只头棵亩吨元"
_NUM = r"(\d+(?:\.\d+)?)\s*(?:[万亿千百]\s*)?(?:余|多)?\s*"
_COUNT_RE = r"(?<![\d.]){num}(?![\d]|\.\d)\s*(?:[万亿千百]\s*)?(?:余|多)?\s*([{cls}])([\u4e00-\u9fff]{{0,12}})"
# a noun counted after its name: "新时代文明实践站54个" (the head noun 文明实践 may be followed by 站, 点…)
_NOUN_TAIL = 2


def _same_class(a: str, b: str) -> bool:
    return a == b or any(a in g and b in g for g in CLASSIFIER_GROUPS)


@lru_cache(maxsize=4096)
def _head_noun(text: str) -> str:
    """The last noun of the noun phrase that opens ``text`` ("优秀/志愿/服务项目" → 服务项目; "" when it opens
    with no noun)."""
    from jieba import posseg

    jieba_with_dictionary()
    head = ""
    for p in posseg.lcut(text):
        if p.flag.startswith(("n", "vn")):
            head = p.word
        elif head or not p.flag.startswith(("a", "b", "m")):
            break
    return head


def counted_with_another_figure(noun: str, classifier: str, num: str, passages: list[str]) -> str | None:
    """Where the passages count ``noun`` with another figure than ``num`` and a classifier of the same kind
    ("文明实践站54个", "54个文明实践站"), as written; None when they never do."""
    after = re.compile(re.escape(noun) + rf"[\u4e00-\u9fff]{{0,{_NOUN_TAIL}}}\s*" + _NUM + f"([{CLASSIFIERS}])")
    before = re.compile(_NUM + f"([{CLASSIFIERS}])([\u4e00-\u9fff]{{0,12}})")
    for p in passages:
        for m in after.finditer(p):
            if m.group(1) != num and _same_class(m.group(2), classifier):
                return m.group(0)
        for m in before.finditer(p):
            if m.group(1) != num and _same_class(m.group(2), classifier) and _head_noun(m.group(3)) == noun:
                return m.group(0)
    return None


def relabelled_count(answer: str, question: str, passages: list[str]) -> tuple[str, str, str] | None:
    """(the figure, what the answer says it counts, what the passages say it counts) when every place the cited
    passages give the answer's figure counts another noun, and either with a classifier of another kind ("25个…
    项目" where they only have "25 支…服务队") or while they count the answer's noun with another figure ("5个…
    实践站" where they have "5个街道" and "实践站54个"); None otherwise. Another noun with the same classifier alone
    is not enough: jieba's head noun is rough, and on the sample and CRUD sets that alone refused two right
    answers."""
    for num in (n for n in NUMBER_RE.findall(answer) if not has_number(n, question)):
        pattern = re.compile(_COUNT_RE.format(num=re.escape(num), cls=CLASSIFIERS))
        said = pattern.search(answer)
        noun = _head_noun(said.group(2)) if said else ""
        if not noun:
            continue  # no classifier, or nothing named after it ("25个[1]")
        given = [(m.group(1), _head_noun(m.group(2))) for p in passages for m in pattern.finditer(p)]
        if not given or any(not n or n[-1] == noun[-1] for _, n in given):
            continue
        if all(not _same_class(said.group(1), c) for c, _ in given) \
                or counted_with_another_figure(noun, said.group(1), num, passages):
            return num, said.group(1) + noun, given[0][0] + given[0][1]
    return None


# the kinds of count a question can ask for by its classifier whose answer must count the same kind: people
# (多少名信访专员) are not answered by a count of meetings ("培训会15次"), nor events (几次) by a count of people.
# Other classifiers are left alone: 项 / 条 / 件 / 个 count the same items in different words ("多少项建议": "127条")
COUNT_KINDS = ("名人位", "次场回届轮")


def count_of_another_kind(answer: str, question: str, passages: list[str] | None = None) -> tuple[str, str] | None:
    """(the classifier asked, the answer's count) when the question asks how many people (多少名, 几位) or events
    (几次, 多少场) and every count the answer gives of its own counts something else ("培训会15次" for 多少名信访专员):
    the figure of a neighbouring fact. None when the answer gives no count with a classifier, or one of the kind
    asked ("300余人次" for 多少名), or the question asks another kind. ``passages`` are not read."""
    asked = [m.group(1) for m in UNIT_ASKED.finditer(question)]
    kind = next((k for k in COUNT_KINDS if asked and all(a in k for a in asked)), None)
    if kind is None or "人次" in question:  # no count asked, another kind, two kinds (a question in two parts),
        return None  # or 人次 (people and events at once)
    answer = MARKER_RE.sub("", answer)  # citation markers are no figures
    matches = [c for c in COUNT_RE.finditer(answer)
               if not any(has_number(n, question) for n in NUMBER_RE.findall(c.group(0)))]
    own = [n for n in NUMBER_RE.finditer(answer) if not has_number(n.group(0), question)]
    if any(not any(c.start() <= n.start() < c.end() for c in matches) for n in own):
        return None  # a figure counted with a word the classifiers lack (5期, 12起, 3轮次): no opinion
    counts = [c.group(0) for c in matches
              if not answer.startswith(("月", "多月", "季度", "星期", "小时", "工作日"), c.end())]  # durations
    if not counts or any(_count_classifier(c) in kind or answer.startswith("人", answer.index(c) + len(c))
                         for c in counts):  # "3个人" counts people
        return None
    return asked[0], counts[0]


def _count_classifier(count: str) -> str:
    return re.sub(r"\s", "", count)[-1]


# a sentence that shares its figures out per unit ("分别", "各有", "均建成", "每个社区") gives each unit's own
_UNIT = "|".join(KINDS)
SHARED_OUT = re.compile(rf"分别|各自|各有|均|都|各(?:{_UNIT}|单位)|每")
# a sentence about one unit ("该村现有耕地3000亩") counts for that one
ONE_UNIT = re.compile(rf"该(?:{_UNIT})")
_RUN_REACH = 15  # characters around a place searched for the other places of its run
_DATE_PART = re.compile(r"\s*[年月日时点号]")  # a figure that is part of a date or a time counts nothing


def _run_of_places(before: str, place: str, after: str, kind: str) -> tuple[str, str | None] | None:
    """(the run, the other unit named in it) when ``place`` (its name; ``after`` starts with its kind word) is
    named in one run with another place of its kind ("贾寨村、" + 梁寨 + "村"), or followed by 等 (other unit None);
    None otherwise."""
    if not after.startswith(kind):
        return None
    if before[-1:] and JOIN.match(before[-1]):
        left = before[-_RUN_REACH:-1]
        named = [p.name + p.kind for p in places(left) if p.kind == kind]
        if named and left.endswith(named[-1]):
            return f"{named[-1]}{before[-1]}{place}{kind}", named[-1]
    rest = after[len(kind):]
    if rest.startswith("等"):
        return f"{place}{kind}等", None
    if rest[:1] and JOIN.match(rest[0]):
        named = [p.name + p.kind for p in places(rest[1:_RUN_REACH]) if p.kind == kind]
        if named and rest[1:].startswith(named[0]):
            return f"{place}{kind}{rest[0]}{named[0]}", named[0]
    return None


def shared_count(answer: str, question: str, passages: list[str]) -> tuple[str, str] | None:
    """(the place asked, the run it is named in) when the answer's figure is counted for several places together:
    wherever the cited passages give it, the asked place's last mention in its sentence or the one before names it
    in a run with others of its kind ("贾寨村、梁寨村等开展…活动。活动现场，…共发放宣传册500余份"), and the figure's
    sentence neither shares it out (分别, 各有) nor speaks of one unit (该村). None otherwise — also when no
    passage mentions the place near the figure, or the question itself names the run (梁寨村等, 贾寨村和梁寨村)."""
    figures = [n for n in NUMBER_RE.findall(answer) if not has_number(n, question)]
    asked = [p for p in places(question) if not re.search(rf"{re.escape(p.name + p.kind)}(?:等|{JOIN.pattern})", question)]
    if not figures or not asked:
        return None
    found = None
    for passage in passages:
        ends = [0] + [m.end() for m in SENTENCE_END.finditer(passage)] + [len(passage)]
        for m in (m for f in figures for m in figure_re(f).finditer(passage)):
            if _DATE_PART.match(passage, m.end()):
                continue
            k = max(i for i, e in enumerate(ends) if e <= m.start())  # the figure's sentence: ends[k]..ends[k+1]
            sentence = passage[ends[k]:ends[k + 1]]
            if SHARED_OUT.search(sentence) or ONE_UNIT.search(sentence):
                return None
            reach = ends[max(0, k - 1)]  # its sentence and the one before
            for place in asked:
                pos = passage.rfind(place.name, reach, m.start())
                if pos < 0:
                    continue
                run = _run_of_places(passage[:pos], place.name, passage[pos + len(place.name):], place.kind)
                if run is None or (run[1] is not None and run[1] in question):
                    return None  # the place is named alone before the figure: it may well be its own
                found = found or (place.name + place.kind, run[0])
    return found


_CN_DIGITS = "一二三四五六七八九十两"
# a count asked of the noun the question ends with: "…一共归纳了几项举措？" → 项, 举措 ("哪几个" asks the items)
COUNT_OF_NOUN_ASKED = re.compile(rf"(?:(?<!哪)几|多少)\s*([{CLASSIFIERS}])([\u4e00-\u9fff]{{1,8}})\s*[？?。]?\s*$")
# …as a total: a text's count of the noun may be a total while the question asks one unit's ("许湾街道确定了多少名议事
# 代表" beside "共确定165名议事代表")
TOTAL_ASKED = re.compile(r"一共|总共|共计|总计|合计|共有|总数|累计")
# a part, a share or a count per unit is no total: "其中几项", "分别有几个", "每个社区几名"
PART_ASKED = re.compile(r"其中|分别|各自|各有|每|第")


def _count_value(text: str) -> int | None:
    from ..text.dates import chinese_number

    return chinese_number(text.replace("两", "二"))  # digits too: "3" → 3


def stated_count(answer: str, question: str, passages: list[str]) -> tuple[str, int] | None:
    """(the count as the passage writes it, its passage, 1-based) when the question asks how many of a noun it ends
    with, in all ("一共归纳了几项举措？"), the passages count that noun with one figure only ("三项举措", in the headline) and
    the answer counts it with another ("两项": the model counted the items its window showed, 一是…二是…). None
    when the question asks a part or a count per unit, the passages count the noun differently or not at all, or
    the answer gives no count of that classifier."""
    m = COUNT_OF_NOUN_ASKED.search(question)
    if not m or not TOTAL_ASKED.search(question) or PART_ASKED.search(question):
        return None
    cls, noun = m.group(1), m.group(2)
    # a numeral's tail ("六十五" of 一百六十五) or an ordinal ("第二项") is no count
    number = rf"(?<![\d.{_CN_DIGITS}百千万亿零〇第])(\d+|[{_CN_DIGITS}]+)\s*(?:余|多)?\s*"
    flat = [re.sub(r"\s+", "", p) for p in passages]
    stated: dict[int, tuple[str, int]] = {}
    for n, p in enumerate(flat, 1):
        for s in re.finditer(number + re.escape(cls) + re.escape(noun), p):
            value = _count_value(s.group(1))
            if value is not None:
                stated.setdefault(value, (s.group(0), n))
    if len(stated) != 1:
        return None
    value, (phrase, n) = next(iter(stated.items()))
    given = {_count_value(g) for g in re.findall(number + re.escape(cls), MARKER_RE.sub("", answer))} - {None}
    if not given or value in given:
        return None
    counted = {_count_value(c) for p in flat for c in re.findall(number + re.escape(cls), p)}
    if given & counted:
        return None  # the answer's count is the passage's too ("共选出165名…，其中许湾街道选出58名代表"): a total
    return phrase, n  # beside a part's count of the noun
