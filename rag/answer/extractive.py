"""Answers without a model: the best evidence span of the passages (with its ``[n]``), the figure a
passage pairs with a name from the question, and publication metadata for questions about it."""
from __future__ import annotations

import re

from ..text import ITEM_START, content_tokens, sanitise_passage
from ..types import Hit, issue_label
from .checks import place_kind_missing
from .context import best_window, idf_from_hits
from .question import (ASKS_DATE, GIVES_DATE, HAS_NUMBER, UNIT_ASKED, MetaField, asks_list, asks_number,
                       expected_figure, measure_asked, metadata_asked)
from .tuning import TUNING


QUESTION_END = re.compile(r"[？?][”’\"'）)]*\s*$")


def gives_figure(text: str, figure: re.Pattern | None) -> bool:
    """The text states a figure: the kind asked (``figure``: "54个" for 多少个) when the question names one, or any
    figure in digits; a Chinese numeral with a classifier counts only as the kind asked, for it is often part
    of a name ("精神文明建设一处", "“三同”")."""
    if figure is None:
        return bool(HAS_NUMBER.search(text))
    return bool(figure.search(text)) or any(re.search(r"\d", m.group(0)) for m in HAS_NUMBER.finditer(text))


def extractive_answer(question: str, hits: list[Hit], budget: int = 90) -> tuple[str, list[int]]:
    """The best evidence span (whole clauses, at most ``budget`` characters) with its passage number:
    ``(text with an [n] marker, [n])``. Passage metadata answers metadata questions (期号, 日期, 栏目); a
    list question gets the numbered items that follow the best span's lead-in."""
    if meta := metadata_answer(question, hits):
        return meta, [int(re.findall(r"\[(\d+)\]", meta)[-1])]
    toks = content_tokens(question)
    idf = idf_from_hits(toks, hits)
    best = None
    for n, h in enumerate(hits, 1):
        s, e, score = best_window(toks, h.chunk.text, budget, idf, question, h.chunk.title or "")
        if QUESTION_END.search(h.chunk.text[s:e]):
            continue  # the span that matches best is a question the passage asks ("票房冠军会是哪家？"): no answer
        score -= 0.03 * (n - 1)
        if best is None or score > best[0]:
            best = (score, n, h.chunk.text[s:e].strip(), h)
    if best is None or not best[2]:
        return "", []
    score, n, text, hit = best
    figure = expected_figure(question)
    listing = asks_list(question)
    if asks_number(question) and not listing and not gives_figure(text, figure):
        return "", []  # a number was asked for and the best evidence holds none
    measure = measure_asked(question)
    if measure and not listing and not measure.search(text):
        return "", []  # a sum (a length, a duration) was asked for and the best evidence gives only counts
    if ASKS_DATE.search(question) and not GIVES_DATE.search(text):
        return "", []  # a date was asked for and the best evidence gives none ("近日…")
    if place_kind_missing(text, question, re.sub(r"\s+", "", text)):
        return "", []  # 哪个社区 was asked and the best evidence names none ("深入分包社区…")
    if listing and (items := list_items(hit.chunk.text, text)):
        return f"{items}[{n}]", [n]
    return f"{_tidy(text)}[{n}]", [n]


# items one per line, or inline after a "；"/"。" (the item markers are the paragraph rebuilder's own)
_ITEM_SPLIT_RE = re.compile(rf"\n|(?<=[；;。])\s*(?={ITEM_START.pattern.removeprefix('^')})")


def list_items(passage: str, span: str) -> str:
    """For a list question: the lead-in clause of ``span`` that ends with "：" and the numbered items after it
    in ``passage`` (their heads when they have one): "运行主要有三个环节：1.服务存储；2.积分兑换；3.通存通兑".
    Empty when the span introduces no numbered list."""
    at = passage.find(span)
    if at < 0:
        return ""
    colon = passage.find("：", at, at + len(span))
    while colon >= 0:
        rest = passage[colon + 1:].lstrip()
        if ITEM_START.match(rest):
            break
        colon = passage.find("：", colon + 1, at + len(span))
    if colon < 0:
        return ""
    lead_start = max(passage.rfind(c, at, colon) for c in "。；\n") + 1
    lead = passage[max(lead_start, at):colon + 1].strip()
    items: list[str] = []
    style = None
    for line in _ITEM_SPLIT_RE.split(passage[colon + 1:]):
        line = line.strip()
        if not line:
            continue
        m = ITEM_START.match(line)
        if not m:
            break
        kind = _marker_style(m.group(0))
        if style is None:
            style = kind
        elif kind != style or _marker_restarts(m.group(0)):
            break  # the list is over: another level ("二、存在问题") or a new list starts at 1
        line = re.split(r"(?<=。)", line, maxsplit=1)[0]  # an inline list ends with its sentence
        colon_at = re.search(r"[：:]", line)
        head, rest = (line[:colon_at.start()], line[colon_at.end():]) if colon_at else (line, "")
        # the head alone when what follows it is a long explanation ("服务存储：会员每提供1小时服务…"); a short
        # value stays ("时间：6月1日")
        items.append(head if len(head) <= TUNING.item_head_chars and len(rest) > TUNING.item_value_chars else
                     _tidy(line.rstrip("；;。，")))
    return lead + "；".join(items) if len(items) >= 2 else ""


def _marker_style(marker: str) -> str:
    if marker[0] in "（(":
        return "paren"
    if marker[0].isdigit():
        return "digit"
    return "circled" if "①" <= marker[0] <= "⑳" else "chinese"


def _marker_restarts(marker: str) -> bool:
    """A later item whose number is 1 (1. / 一、 / （1） / ①) starts another list."""
    core = marker.strip("（()）.．、 ")
    return core in ("1", "一", "①")


def _tidy(text: str) -> str:
    """A quoted span as shown in an answer: markers or template tokens inside the document become
    plain text (a "[3]" in the source must not read as a citation of passage 3)."""
    text = sanitise_passage(text).strip()
    if text and text[-1] in "，；：、":
        text = text[:-1] + "……"
    return text


def paired_numbers(question: str, hits: list[Hit]) -> list[tuple[str, int]]:
    """Numbers that a passage states right after a specific name from the question, with the unit the
    question asks for (``文昌街道57名`` for "文昌街道确定了多少名…"): ``[(clause text, passage n), …]``.

    Lists such as "许湾街道58名、文昌街道57名、搬口街道50名" are where a small model most often picks
    the wrong figure; this pairing is the check."""
    m = UNIT_ASKED.search(question)
    if not m:
        return []
    unit = m.group(1)
    names = [t for t in content_tokens(question) if len(t) >= 3 and not t.isdigit()]
    out: list[tuple[str, int]] = []
    for n, h in enumerate(hits, 1):
        text = h.chunk.text
        for name in names:
            for hit_at in re.finditer(re.escape(name), text):
                tail = text[hit_at.end():hit_at.end() + 10]
                mm = re.match(rf"[^，。；、\d]{{0,4}}?(\d+(?:\.\d+)?(?:余|多)?{unit})", tail)
                if mm:
                    start = max(text.rfind(c, 0, hit_at.start()) for c in "，。；、：\n") + 1
                    clause = _tidy(text[start:hit_at.end() + mm.end()])
                    if (clause, n) not in out:
                        out.append((clause, n))
    return out


_FIELD_OF = {MetaField.ISSUE: "issue", MetaField.DATE: "date", MetaField.SECTION: "section",
             MetaField.PUBLICATION: "bulletin"}


def metadata_answer(question: str, hits: list[Hit]) -> str:
    """A question about where an article was published (issue, publication date, section, bulletin) is
    answered from the metadata of the best passage that has every field asked — a lower one only when it holds
    at least ``TUNING.meta_match`` of the question's words (another article's issue is no answer). Empty when the
    question asks none, or no passage qualifies."""
    asked = metadata_asked(question)
    if not asked:
        return ""
    toks = content_tokens(question)
    for n, h in enumerate(hits, 1):
        c = h.chunk
        if not all(getattr(c, _FIELD_OF[f]) for f in asked):
            continue
        text = c.embed_text().lower()
        if n > 1 and (not toks or sum(t in text for t in toks) / len(toks) < TUNING.meta_match):
            continue  # a lower passage answers only when it is about what the question names

        bits = []
        if c.bulletin or c.issue:
            bits.append(f"刊登在《{c.bulletin or '简报'}》" + (issue_label(c.issue) or ""))
        if c.date:
            bits.append(f"{c.date_label()}出刊" if c.issue and c.issue.isdigit() else f"日期为{c.date_label()}")
        if c.section:
            bits.append(f"栏目为{c.section}")
        return f"《{c.title or '该文'}》" + "，".join(bits) + f"[{n}]。"
    return ""
