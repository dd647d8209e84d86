"""The head of a journal article (学报, 期刊 papers as offices keep them): a masthead line with the journal and
issue, an optional column label (``公共管理``), the title (often wrapped over two lines), the authors, their
affiliations in brackets, then ``摘要：`` and ``关键词：``. Journal name, issue, title and column are read from
those lines."""
from __future__ import annotations

import re

from ..types import DocMeta
from .clean import Line, has_clause_punct, join_wrapped

ABSTRACT_WITHIN = 12  # lines from the top in which 摘要 must start for the file to read as a journal article
_ABSTRACT_RE = re.compile(r"^[\[【〔]?\s*(摘\s*要|内容提要|提\s*要)\s*[\]】〕]?\s*[：:]?")
_KEYWORDS_RE = re.compile(r"^[\[【〔]?\s*关键词")
_AFFILIATION_RE = re.compile(r"^[（(].*[)）]$|\d{6}|大学|学院|研究所|研究院|教研部|办事处|委员会")
_AUTHORS_RE = re.compile(r"^[\u4e00-\u9fff]{2,4}(?:\s*\d?[，,、\s]\s*[\u4e00-\u9fff]{2,4}){0,5}\s*\d?$")
_NAMES_RUN_RE = re.compile(r"^[\u4e00-\u9fff\d\s，,、*]{2,16}$")
_JOURNAL_RE = re.compile(r"([\u4e00-\u9fff]{2,20}(?:学报|杂志|期刊|学刊|月刊|季刊|半月刊|周刊|论坛|研究))")
_ISSUE_LINE_RE = re.compile(r"第\d{1,3}[期卷]|(?:19|20)\d{2}年")  # a masthead line names an issue, volume or year
COLUMN_MAX_CHARS = 8  # a column label (公共管理, 理论探索) is a short line of its own


def read_journal_header(lines: list[Line], meta: DocMeta) -> tuple[int, str | None, str | None]:
    """``(index of the first line after the title, title, column)`` for a journal article, else
    ``(0, None, None)``; authors and affiliations stay in the article text (who wrote it is asked).

    The lines above 摘要 are, bottom up: affiliations (in brackets, with postcodes or institution names),
    the author line (two to four names), the title; above the title a short label line is the column, and
    the first line (journal name and issue) is the masthead. A line of the masthead is never the title.
    """
    at = next((i for i, ln in enumerate(lines[:ABSTRACT_WITHIN]) if _ABSTRACT_RE.match(ln.text)), None)
    if at is None or not any(_KEYWORDS_RE.match(ln.text) for ln in lines[at:at + 8]):
        return 0, None, None
    head = [ln.text for ln in lines[:at]]
    body_at = at
    affiliations = 0
    while head and _AFFILIATION_RE.search(head[-1]) and (head[-1].startswith(("（", "(")) or not has_clause_punct(head[-1])):
        head.pop()
        affiliations += 1
        body_at -= 1
    # the authors: names with separators, or (a PDF drops the spaces) a short run of characters right above
    # the affiliations
    if head and (_AUTHORS_RE.match(head[-1]) or (affiliations and _NAMES_RUN_RE.match(head[-1]))):
        head.pop()
        body_at -= 1
    masthead = False
    while len(head) > 1 and _ISSUE_LINE_RE.search(head[0].replace(" ", "")):
        line = head.pop(0).replace(" ", "")  # masthead lines: the journal's name, volume, issue, year
        masthead = True
        if m := _JOURNAL_RE.search(re.sub(r"第\d{1,3}[期卷]|(?:19|20)\d{2}年(?:\d{1,2}月)?|[（(][^）)]*[)）]", " ", line)):
            meta.bulletin = meta.bulletin or m.group(1)
        if m := re.search(r"第(\d{1,3})期", line):
            meta.issue = meta.issue or str(int(m.group(1)))
    column = None
    if masthead and len(head) >= 2 and len(head[0]) <= COLUMN_MAX_CHARS and not has_clause_punct(head[0]):
        column, head = head[0], head[1:]
    if not head or any(has_clause_punct(t) and not t.endswith(("？", "?")) for t in head if "——" not in t):
        return 0, None, None
    title = head[0]
    for t in head[1:]:
        title = join_wrapped(title, t)
    return body_at, title, column
