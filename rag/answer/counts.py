"""What does a figure count? The classifier after it ("25 支志愿服务队": 支) and the noun after that. A small model
relabels a count it found: "25个优秀志愿服务项目" from "25支志愿服务队 … 还进行了优秀志愿服务项目评选", or "光明街道建成了
5个新时代文明实践站" from "主城区5个街道共建成新时代文明实践站54个". ``relabelled_count`` finds such an answer: its
figure counts another thing in every place the cited passages give it."""
from __future__ import annotations

import re
from functools import lru_cache

from ..text.tokens import jieba_with_dictionary
from .checks import NUMBER_RE, has_number

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
