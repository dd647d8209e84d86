"""Who did it, all of them: reports name several people as the subject of one verb ("会上，市委常委、宣传部长
王少青、副市长刘颖通报创建工作中的突出问题"), and a small model asked "谁通报…" names the first and stops. The
names a clause joins with 、/和/与/及 before the asked verb did it together; an answer naming one of them is
completed with the others (``co_named``). And who holds a title: a deputy (副总编辑) named for the title asked
(总编辑), or the head for the deputy asked, is a near miss (``title_not_held``); so is an answer whose article
never names the person asked (``missing_people``)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..text import content_tokens, person_names
from .question import ASKS_PERSON
from .tuning import TUNING

CLAUSE = re.compile(r"[，,。；;！!？?\n]")  # not 、: it joins the names of one run
JOIN = re.compile(r"[、和与及]")
TRANSLITERATED = re.compile(r"[\u4e00-\u9fff][·•・][\u4e00-\u9fff]")


@dataclass(frozen=True)
class CoNamed:
    name: str  # the person the answer names
    completed: str  # what replaces that name in the answer: the name with the others of its run
    missing: tuple[str, ...]  # the names the answer left out


def _joined(clause: str, end: int, start: int, asked: list[str]) -> bool:
    """The text between two names joins them (a separator, maybe a title) rather than saying something of
    the first (a verb of the question)."""
    gap = clause[end:start]
    return len(gap) <= TUNING.co_name_gap and bool(JOIN.search(gap)) and not any(t in gap for t in asked)


def _run(clause: str, name: str, asked: list[str]) -> list[tuple[int, int, str]]:
    """The names joined with ``name`` in ``clause``, in order, as (start, end, name)."""
    found = sorted((m.start(), m.end(), m.group(0)) for n in dict.fromkeys(person_names(clause))
                   for m in re.finditer(re.escape(n), clause))
    i = next((k for k, f in enumerate(found) if f[2] == name), None)
    if i is None:
        return []
    lo = hi = i
    while hi + 1 < len(found) and _joined(clause, found[hi][1], found[hi + 1][0], asked):
        hi += 1
    while lo > 0 and _joined(clause, found[lo - 1][1], found[lo][0], asked):
        lo -= 1
    return found[lo:hi + 1]


def co_named(answer: str, question: str, passages: list[str]) -> CoNamed | None:
    """The answer to a who-question names one person of a run of names that a clause of ``passages`` (those it
    cites) puts before the asked verb, and leaves the others out: how to complete it. None when the question asks
    for no person, the answer names nobody new, or no such clause leaves anyone out."""
    if not ASKS_PERSON.search(question):
        return None
    names = [n for n in dict.fromkeys(person_names(answer)) if n not in question]
    asked = [t for t in content_tokens(question) if len(t) >= 2]
    for clause in (c for p in passages for c in CLAUSE.split(p)):
        for name in (n for n in names if n in clause):
            run = _run(clause, name, asked)
            missing = tuple(dict.fromkeys(f[2] for f in run if f[2] not in answer and f[2] not in question))
            # the asked verb must follow the run: the names are its subject, not its object; "分别" after it
            # shares the verb out (A与B分别获得金牌与银牌); a transliterated name (安娜·谢尔巴科娃) is cut into
            # pieces by jieba, so its run is not trusted
            if not missing:
                continue
            after = clause[run[-1][1]:]
            if not any(t in after for t in asked) or "分别" in after or TRANSLITERATED.search(clause):
                continue
            if run[0][2] == name:  # the others follow it, with their titles ("王少青、副市长刘颖")
                completed = clause[run[0][0]:run[-1][1]]
            else:  # the answer's own title belongs to it alone: the others are added after it
                completed = "、".join((name, *missing))
            return CoNamed(name, completed, missing)
    return None


# Asked who holds a title ("周口日报社的总编辑是谁", "谁是党工委副书记"), the answer names the one the text gives the
# other rank: the deputy for the head ("副总编辑刘彦章") or the head for the deputy ("党工委书记宋力") — a role the
# text never gives that person, the near miss small models make with titles
_TITLE = (r"(?:总)?(?:编辑|主任|书记|市长|县长|区长|局长|部长|主席|院长|校长|社长|经理|董事长|队长|组长|站长|所长|厅长|"
          r"省长|镇长|乡长|村长|会长|秘书长|总监|处长|科长|馆长|行长|团长)")
TITLE_ASKED = re.compile(rf"(?<![副总正])(副)?({_TITLE})(?:是谁|叫什么|是哪一?位|姓什么|为何人)"
                         rf"|谁是(?:[^，,？?]{{0,12}}?)(?<![总正])(副)?({_TITLE})(?=[？?，,。\s]|$)")


@dataclass(frozen=True)
class TitleAsked:
    title: str  # as written without 副: 总编辑, 书记
    deputy: bool  # the question asks for the deputy (副书记)

    def __str__(self) -> str:
        return ("副" if self.deputy else "") + self.title


def title_asked(question: str) -> TitleAsked | None:
    """The title whose holder the question asks for, or None."""
    m = TITLE_ASKED.search(question)
    if not m:
        return None
    return TitleAsked(m.group(2) or m.group(4), bool(m.group(1) or m.group(3)))


def written_as_deputy(text: str, start: int) -> bool:
    """The title beginning at ``start`` of ``text`` is a deputy's (副市长, 副总编辑)."""
    return text[:start].endswith("副")


def title_not_held(answer: str, question: str, passages: list[str]) -> tuple[str, TitleAsked] | None:
    """(person, title asked) when the question asks who holds a title and every sentence of ``passages`` naming
    the answer's person writes that title only at the other rank (only 副总编辑 for 总编辑; only 书记 for 副书记),
    and no other person the answer names holds it as asked; None otherwise."""
    asked = title_asked(question)
    if asked is None:
        return None
    others, holders = [], []
    for name in (n for n in person_names(answer) if n not in question):
        spans = [s for p in passages for s in re.split(r"[。！？!?\n]", p) if name in s and asked.title in s]
        if spans:
            other = all(written_as_deputy(s, i) != asked.deputy for s in spans for i in _starts(s, asked.title))
            (others if other else holders).append(name)
    return (others[0], asked) if others and not holders else None


# a title the question names ("推进会上，市长提出了哪些要求"), not a deputy's, and not the end of another word
# followed by its own ("城市长效", "合作社长年", "学校长期", "农村长远")
TITLE_NAMED = re.compile(rf"(?<![副总正])({_TITLE})(?![效期年廊者久远])")


def deputy_only_titles(question: str, texts: list[str]) -> list[str]:
    """Titles the question names (市长) that ``texts`` write, but only as a deputy's (副市长): the holder the
    question is about is in no passage. Not a title the question gives a name beside ("市长张三": the name
    decides), nor one the texts never write (another wording may name the holder)."""
    named = list(TITLE_NAMED.finditer(question))
    if not named:  # most questions: no jieba cut on the gate's path
        return []
    names = person_names(question)
    found = []
    for m in named:
        title = m.group(1)
        if any(n in question[max(0, m.start() - 4):m.end() + 4] for n in names):
            continue
        starts = [(t, i) for t in texts for i in _starts(t, title)]
        if starts and all(written_as_deputy(t, i) for t, i in starts):
            found.append(title)
    return list(dict.fromkeys(found))


def _starts(text: str, word: str) -> list[int]:
    """Where ``word`` begins in ``text``, every time."""
    return [m.start() for m in re.finditer(re.escape(word), text)]


# the surnames a person the question names opens with (the most common ones, covering most of China's people):
# jieba also tags words nr (从军, 盖房子, 世锦赛), and a foreign name is written in parts (安倍 for 安倍晋三)
SURNAMES = frozenset("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任"
                     "沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴"
                     "莫孔向汤姬常康牛洪邢施傅齐尚")


def asked_people(question: str) -> list[str]:
    """The people a question names: jieba's nr of two or three characters opening with a common surname, and not
    a word its dictionary counts as common (胡同 and 文明 are tagged nr there)."""
    return list(_asked_people(question))


@lru_cache(maxsize=1024)
def _asked_people(question: str) -> tuple[str, ...]:  # the rule asks first whether anyone is named, then who
    import jieba

    return tuple(n for n in dict.fromkeys(person_names(question)) if 2 <= len(n) <= 3 and n[0] in SURNAMES
                 and jieba.dt.FREQ.get(n, 0) < TUNING.common_word_freq)


def missing_people(question: str, articles: list[str]) -> list[str]:
    """The people the question names (刘颖, 王少青) that none of ``articles`` (metadata line and text) writes: the
    answer is another person's fact, taken from a neighbouring report ("刘颖1月10日讲…" answered from 宋力's
    speech)."""
    names = asked_people(question)
    if not names:
        return []
    flat = [re.sub(r"\s+", "", a) for a in articles]
    return [n for n in names if not any(n in a for a in flat)]
