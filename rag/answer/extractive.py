"""Answers without a model: the best evidence span of the passages (with its ``[n]``), the figure a
passage pairs with a name from the question, and publication metadata for questions about it."""
from __future__ import annotations

import re

from ..text import content_tokens, sanitise_passage
from ..types import Hit
from .context import best_window, idf_from_hits
from .question import ASKS_METADATA, ASKS_NUMBER, HAS_NUMBER, UNIT_ASKED


def extractive_answer(question: str, hits: list[Hit], budget: int = 90) -> tuple[str, list[int]]:
    """The best evidence span (whole clauses, at most ``budget`` characters) with its passage number:
    ``(text with an [n] marker, [n])``. Passage metadata answers metadata questions (期号, 日期)."""
    toks = content_tokens(question)
    idf = idf_from_hits(toks, hits)
    best = None
    for n, h in enumerate(hits, 1):
        s, e, score = best_window(toks, h.chunk.text, budget, idf, question)
        score -= 0.03 * (n - 1)
        if best is None or score > best[0]:
            best = (score, n, h.chunk.text[s:e].strip(), h)
    if best is None or not best[2]:
        return "", []
    score, n, text, hit = best
    if ASKS_NUMBER.search(question) and not HAS_NUMBER.search(text):
        return "", []  # a number was asked for and the best evidence holds none
    if re.search(r"(哪一?期|第几期|期号|哪天出|什么时候出|出版|印发)", question) and (hit.chunk.issue or hit.chunk.date):
        c = hit.chunk
        meta = "，".join(x for x in [c.bulletin, f"第{c.issue}期" if c.issue else None, c.date_label()] if x)
        return f"据{meta}《{c.title or '相关文章'}》：{_tidy(text)}[{n}]", [n]
    return f"{_tidy(text)}[{n}]", [n]


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


def metadata_answer(question: str, hits: list[Hit]) -> str:
    """A question about where an article was published (issue, publication date, section, bulletin) is
    answered from the passage metadata of the best passage that has it — no model needed."""
    if not ASKS_METADATA.search(question):
        return ""
    for n, h in enumerate(hits, 1):
        c = h.chunk
        if not (c.issue or c.date or c.section or c.bulletin):
            continue
        bits = []
        if c.bulletin or c.issue:
            bits.append(f"刊登在《{c.bulletin or '简报'}》" + (f"第{c.issue}期" if c.issue else ""))
        if c.date:
            bits.append(f"{c.date_label()}出刊")
        if c.section:
            bits.append(f"栏目为{c.section}")
        return f"《{c.title or '该文'}》" + "，".join(bits) + f"[{n}]。"
    return ""
