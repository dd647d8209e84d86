"""Split a cleaned document into articles with metadata.

Three layouts are recognised:

* **bulletin** (简报): optional masthead (title, 第 N 期, publisher, date), a table of contents, then
  sections marked ``【工作动态】`` … with articles; items of news-flash sections (``【文明时讯】``) are
  short articles whose bold first sentence is the title.
* **newspaper** page: headlines followed by ``本报讯（记者 …）`` / ``□记者 …`` bylines, photo captions.
* **plain** text: one article.

Unknown fields are ``None``; nothing is invented.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..text import CJK, ends_sentence, is_cjk
from ..types import Article, DocMeta
from .clean import (Line, RepeatFilter, build_paragraphs, drop_repeats, ends_paragraph, has_clause_punct,
                    normalise_for_match, split_lines)

_MARKER_RE = re.compile(r"^【([^】]{2,10})】$")
_ISSUE_RE = re.compile(r"^第\s*(\d+)\s*期$")
_DATE_RE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_EVENT_DATE_RE = re.compile(r"(?:(\d{4})\s*年\s*)?(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_BYLINE_RE = re.compile(r"^(本报讯|□\s*记者|记者\s+\S+)")
_CAPTION_CREDIT_RE = re.compile(r"(记者|通讯员|摄影)\s*\S+(\s+\S+)*\s*摄$")
_KICKER_RE = re.compile(rf"^[{CJK}]{{2,10}}(街道办事处|办事处|街道|乡|镇|县|区|村|社区)$")
FLASH_SECTIONS = ("时讯", "简讯", "快讯", "动态简讯", "信息")


@dataclass
class ParsedDocument:
    meta: DocMeta
    articles: list[Article] = field(default_factory=list)


def event_dates(text: str, year: str | None = None) -> list[str]:
    """Dates mentioned in the text, as ``yyyy-mm-dd`` when the year is known, else ``mm-dd``."""
    found: list[str] = []
    for y, m, d in _EVENT_DATE_RE.findall(text):
        if not (1 <= int(m) <= 12 and 1 <= int(d) <= 31):
            continue
        yy = y or year
        label = f"{yy}-{int(m):02d}-{int(d):02d}" if yy else f"{int(m):02d}-{int(d):02d}"
        if label not in found:
            found.append(label)
    return found


def _parse_masthead(lines: list[Line], meta: DocMeta) -> int:
    """Read title / issue / publisher / date from the first lines; return the index after the masthead."""
    head = lines[:12]
    issue_at = next((i for i, ln in enumerate(head) if _ISSUE_RE.match(ln.text.replace(" ", ""))), None)
    if issue_at is None:
        return 0
    meta.issue = _ISSUE_RE.match(head[issue_at].text.replace(" ", "")).group(1)
    title_parts = [ln.text.replace(" ", "") for ln in head[:issue_at]]
    if title_parts:
        meta.bulletin = "".join(title_parts)
    end = issue_at + 1
    for i in range(issue_at + 1, min(issue_at + 4, len(head))):
        text = head[i].text
        m = _DATE_RE.search(text)
        if m:
            meta.date = f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
            end = i + 1
            break
        if not has_clause_punct(text) and len(text) <= 20:
            meta.publisher = text.replace(" ", "")
            end = i + 1
    return end


def _article(meta: DocMeta, number: int, title: str | None, section: str | None,
             paragraphs: list[str]) -> Article:
    text = "\n".join(p for p in paragraphs if p)
    year = meta.date[:4] if meta.date else None
    return Article(source=meta.source, number=number, title=title, section=section, text=text,
                   bulletin=meta.bulletin, issue=meta.issue, date=meta.date,
                   event_dates=event_dates(text, year))


def _is_title_line(text: str) -> bool:
    return not has_clause_punct(text) and len(text) <= 40 and sum(is_cjk(c) for c in text) >= 4


def _parse_bulletin(lines: list[Line], meta: DocMeta) -> list[Article]:
    markers = [i for i, ln in enumerate(lines) if _MARKER_RE.match(ln.text)]
    bounds = markers + [len(lines)]
    body_markers = [m for k, m in enumerate(markers)
                    if any("。" in ln.text for ln in lines[m + 1:bounds[k + 1]])]
    first_body = body_markers[0] if body_markers else len(lines)
    toc = {normalise_for_match(ln.text): ln.text for ln in lines[:first_body]
           if not _MARKER_RE.match(ln.text) and _is_title_line(ln.text)}
    articles: list[Article] = []
    preface = [ln for ln in lines[:first_body] if "。" in ln.text]
    if preface:  # text before any section that is not a table of contents
        articles.append(_article(meta, 0, None, None, build_paragraphs(preface)))
    for k, m in enumerate(markers):
        if m not in body_markers:
            continue
        section = lines[m].text
        body = lines[m + 1:bounds[k + 1]]
        if any(s in section for s in FLASH_SECTIONS):
            found = _flash_items(body)
        else:
            found = _section_articles(body, toc)
        for title, paragraphs in found:
            articles.append(_article(meta, len(articles), title, section, paragraphs))
    return articles


def _match_title(body: list[Line], i: int, toc: dict[str, str]) -> tuple[str | None, int]:
    """Title starting at body[i] (one to three lines) that matches the table of contents."""
    key = ""
    for n in range(3):
        if i + n >= len(body) or not _is_title_line(body[i + n].text):
            break
        key += normalise_for_match(body[i + n].text)
        if key in toc:
            return toc[key], n + 1
    return None, 0


def _section_articles(body: list[Line], toc: dict[str, str]) -> list[tuple[str | None, list[str]]]:
    out: list[tuple[str | None, list[Line]]] = []
    i = 0
    while i < len(body):
        at_start = not out
        prev_done = at_start or (out[-1][1] and ends_sentence(out[-1][1][-1].text))
        title, used = (None, 0)
        if prev_done and _is_title_line(body[i].text):
            title, used = _match_title(body, i, toc)
            if not title and at_start:
                # first article of a section: its title is the run of title lines after the marker
                used = 0
                while i + used < len(body) and used < 3 and _is_title_line(body[i + used].text):
                    used += 1
                title = " ".join(ln.text for ln in body[i:i + used]) or None
        if title:
            out.append((title, []))
            i += used
            continue
        if not out:
            out.append((None, []))
        out[-1][1].append(body[i])
        i += 1
    return [(t, drop_repeats(build_paragraphs(ls))) for t, ls in out]


def _flash_items(body: list[Line]) -> list[tuple[str | None, list[str]]]:
    items: list[tuple[str | None, list[str]]] = []
    for para in build_paragraphs(body):
        first = re.split(r"(?<=[。！？])", para, maxsplit=1)[0]
        title = first.rstrip("。！？")
        if len(first) <= 45 and "，" not in first and ends_sentence(first):
            items.append((title, [para]))
        elif items:
            items[-1][1].append(para)
        else:
            items.append((None, [para]))
    return items


def _is_byline(text: str) -> bool:
    return bool(_BYLINE_RE.match(text)) and not text.endswith("摄")


def _split_headline(block: list[Line], at_doc_start: bool) -> tuple[str | None, list[str]]:
    """Choose the headline from the lines above a byline; return it and the other lines (kickers,
    sub-titles) that stay in the article text."""
    units: list[list[str]] = []
    extra: list[str] = []
    for ln in block:
        text = ln.text
        if _KICKER_RE.match(text) or text.startswith("——"):
            extra.append(text.lstrip("—"))
            continue
        if units and not ln.blank_before and len(units[-1]) < 2:
            units[-1].append(text)
        else:
            units.append([text])
    if at_doc_start and len(units) >= 2:
        units = units[1:]  # a page banner above the first headline
    if not units:
        return None, extra
    title = " ".join(units[0])
    extra = [" ".join(u) for u in units[1:]] + extra
    return title, extra


def _is_caption(paragraph: str) -> bool:
    return "图为" in paragraph or bool(_CAPTION_CREDIT_RE.search(paragraph))


def _parse_newspaper(lines: list[Line], meta: DocMeta) -> list[Article]:
    bylines = [i for i, ln in enumerate(lines) if _is_byline(ln.text)]
    starts: list[tuple[int, int]] = []  # (headline block start, byline index)
    for b in bylines:
        j = b
        while j > 0 and _is_title_line(lines[j - 1].text) and not ends_paragraph(lines[j - 1].text) \
                and b - j < 4 and (not starts or j - 1 >= starts[-1][1] + 1):
            j -= 1
        starts.append((j, b))
    articles: list[Article] = []
    pieces: list[tuple[str | None, str | None, list[str]]] = []
    if starts and starts[0][0] > 0:
        pre = lines[:starts[0][0]]
        if any(has_clause_punct(ln.text) for ln in pre):
            pieces.append((None, None, build_paragraphs(pre)))
    for k, (hs, b) in enumerate(starts):
        end = starts[k + 1][0] if k + 1 < len(starts) else len(lines)
        title, extra = _split_headline(lines[hs:b], at_doc_start=(hs == 0))
        paragraphs = extra + build_paragraphs(lines[b:end])
        body: list[str] = []
        captions: list[tuple[str | None, str | None, list[str]]] = []
        for p in paragraphs:
            if re.fullmatch(r"(记者|通讯员)\s*\S+(\s+\S+)*\s*摄", p) and captions:
                captions[-1][2].append(p)
            elif _is_caption(p):
                captions.append((None, "图片说明", [p]))
            else:
                body.append(p)
        pieces.append((title, None, body))
        pieces.extend(captions)
    repeats = RepeatFilter()
    for title, section, paragraphs in pieces:
        paragraphs = repeats(paragraphs)
        if paragraphs:
            articles.append(_article(meta, len(articles), title, section, paragraphs))
    return articles


def _parse_plain(lines: list[Line], meta: DocMeta) -> list[Article]:
    title = None
    if len(lines) > 1 and _is_title_line(lines[0].text) and not ends_sentence(lines[0].text):
        title, lines = lines[0].text, lines[1:]
    return [_article(meta, 0, title, None, drop_repeats(build_paragraphs(lines)))]


def parse_document(raw_text: str, source: str) -> ParsedDocument:
    """Clean ``raw_text`` and split it into articles with metadata."""
    lines = split_lines(raw_text)
    meta = DocMeta(source=source, kind="plain")
    start = _parse_masthead(lines, meta)
    lines = lines[start:]
    if any(_MARKER_RE.match(ln.text) for ln in lines):
        meta.kind = "bulletin"
        articles = _parse_bulletin(lines, meta)
    elif sum(1 for ln in lines if _is_byline(ln.text)) >= 1:
        meta.kind = "newspaper"
        articles = _parse_newspaper(lines, meta)
    else:
        articles = _parse_plain(lines, meta) if lines else []
    articles = [a for a in articles if a.text.strip()]
    for n, a in enumerate(articles):
        a.number = n
    return ParsedDocument(meta, articles)
