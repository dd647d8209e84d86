"""Which one was asked: an ordinal (第三艘, 第七届), a name that carries a number (神舟十三号, iPhone SE 3, U14,
19号线), a titled work (《吉庆团圆》). A question that names one is not answered by a sentence about its
neighbour: the first submarine's date for the third's, 神舟十二号's crew for 神舟十三号's, the U12 champion for the
U14 one (``other_ordinal``), the singers of another song of the same gala (``other_title``)."""
from __future__ import annotations

import re

from ..text.dates import chinese_number
from .subjects import SENTENCE_END, source_clauses

# An ordinal and what it counts: 第三艘, 第七届, 第 2 批, 第一棒 (the classifier is the character after the number).
ORDINAL_RE = re.compile(r"第\s*(\d{1,3}|[一二三四五六七八九十百两]{1,4})\s*([艘届次期批轮季场任号架座辆位名个项棒代集条版站局])")
# A name with a number: Latin letters and digits (iPhone SE 3, SE2, U14, M1, C919, F-16) — the letters are
# the name, the digits which one; two Chinese characters and a numeral before 号 (神舟十三号, 长征五号); a
# numbered line (19号线). Not a date's 号 (5月3号, 三月三号) nor an ordinal's (第3号: ORDINAL_RE).
CODE_RE = re.compile(r"(?<![A-Za-z])([A-Za-z]{1,10})[ \-]?(\d{1,4})(?![\d.A-Za-z])")
CN_NUMBERED_RE = re.compile(r"([\u4e00-\u9fff]{2})(\d{1,3}|[一二三四五六七八九十百零〇两]{1,4})号(?!线)")
LINE_RE = re.compile(r"(?<![\d.])(\d{1,3})号线")
NOT_STEMS = re.compile(r"[月日第]$")


def _number(text: str) -> int | None:
    return int(text) if text.isdigit() else chinese_number(text.replace("两", "二"))


def ordinals(text: str) -> dict[tuple[int, str], str]:
    """The ordinals and numbered names of ``text`` by (number, what it numbers), each with its wording:
    {(3, "艘"): "第三艘", (13, "神舟"): "神舟十三号", (14, "u"): "U14"}."""
    out: dict[tuple[int, str], str] = {}
    for m in ORDINAL_RE.finditer(text):
        n = _number(m.group(1))
        if n is not None:
            out.setdefault((n, m.group(2)), re.sub(r"\s+", "", m.group(0)))
    for m in CODE_RE.finditer(text):
        out.setdefault((int(m.group(2)), m.group(1).lower()), m.group(0))
    for m in CN_NUMBERED_RE.finditer(text):
        n = _number(m.group(2))
        if n is not None and not NOT_STEMS.search(m.group(1)):
            out.setdefault((n, m.group(1)), m.group(0))
    for m in LINE_RE.finditer(text):
        out.setdefault((int(m.group(1)), "号线"), m.group(0))
    return out


def with_sentence_before(sentences: list[str], passage: str) -> list[tuple[str, str]]:
    """Each source sentence with the sentence before it in ``passage`` ("" for the first): a sentence about the
    one asked may name it only in the sentence before ("神舟十四号于6月5日发射。陈冬、刘洋…组成乘组，将与神舟十五号
    乘组轮换")."""
    parts = [p for p in SENTENCE_END.split(passage) if p.strip()]
    return [(s, parts[parts.index(s) - 1] if s in parts and parts.index(s) > 0 else "") for s in sentences]


def other_ordinal(answer: str, question: str, passages: list[tuple[str, str]]) -> tuple[str, str] | None:
    """(the one asked, the one given) when the question names an ordinal or a numbered name (第三艘, 神舟十三号)
    and every sentence the answer drew on names another of the same kind (第一艘, 神舟十二号) and not that one:
    the first submarine's date given for the third's — or, when the sentence names none of that kind, its
    article (``passages`` are (title, text)) names only others. None when the question names none, or a source
    sentence or its article names the asked one or none of its kind (no opinion)."""
    asked = ordinals(question)
    if not asked:
        return None
    found = None
    for title, passage in passages:
        whole = ordinals(title + "\n" + passage)
        for sentence, before in with_sentence_before(source_clauses(answer, question, passage, SENTENCE_END), passage):
            named = ordinals(sentence)
            if named.keys() & asked.keys() or ordinals(before).keys() & asked.keys():
                return None
            # a sentence naming none of the kind belongs to what its article names: iPhone SE2's review
            # ("…利用3000~4000元档的售价…") is no answer about SE 3 when it never names SE 3
            rivals = _rivals(asked, named) or ([] if whole.keys() & asked.keys() else _rivals(asked, whole))
            if not rivals:
                return None
            found = found or rivals[0]
    return found


def _rivals(asked: dict, named: dict) -> list[tuple[str, str]]:
    return [(asked[a], named[o]) for a in asked for o in named if o[1] == a[1] and o != a]


TITLE_RE = re.compile(r"《([^《》]{1,40})》")


def _plain(text: str) -> str:
    return re.sub(r"[\s·・\-—:：]", "", text)


def same_title(asked: str, text: str) -> bool:
    """The work asked is named in ``text`` — whole, or a short form of it that ``text`` names in 《》 (《民法典》
    for 《中华人民共和国民法典》)."""
    return asked in text or any(len(t) >= 2 and (t in asked or asked in t) for t in map(_plain, TITLE_RE.findall(text)))


def other_title(answer: str, question: str, passages: list[tuple[str, str]]) -> tuple[str, str] | None:
    """(the title asked, the title given) when the question names a work in 《》 and every sentence the answer
    drew on names another work in 《》 and not that one — neither in the sentence (with or without its
    brackets) nor in its article's title: the singers of 《念奴娇·中秋》 given for 《吉庆团圆》. ``passages`` are
    (article title, text). None when the question names no work or a source sentence names none."""
    asked = [_plain(t) for t in TITLE_RE.findall(question)]
    if not asked:
        return None
    found = None
    for title, text in passages:
        if any(same_title(t, _plain(title)) for t in asked):
            return None
        for sentence, before in with_sentence_before(source_clauses(answer, question, text, SENTENCE_END), text):
            if any(same_title(t, _plain(sentence + before)) for t in asked):
                return None
            named = [w for w in TITLE_RE.findall(sentence) if not any(t in _plain(w) or _plain(w) in t for t in asked)]
            if not named:
                return None
            found = found or (f"《{TITLE_RE.findall(question)[0]}》", f"《{named[0]}》")
    return found
