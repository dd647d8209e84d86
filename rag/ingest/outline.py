"""From a loaded file to articles with metadata.

Files whose format states their structure (Word heading styles, a web page's headings) are split by those
headings: with two or more heading levels the outer level is the 栏目 (section) and the next the article
title; with one level each heading is an article title, unless the headings are 【栏目】 markers, whose
articles are then found as in text. Everything else goes through the text parser
(:func:`~rag.ingest.structure.parse_document`). Metadata the file states outright (:class:`DocHints`: a web
page's date, a newspaper page line or file name) then fills only what the text itself did not say."""
from __future__ import annotations

import re
from pathlib import PurePosixPath

from ..types import DocMeta
from .blocks import Block, BlockKind, DocHints, LoadedDocument, block_lines
from ..text import starts_item
from .clean import Line, clean_line, split_lines
from .loaders import load_document
from .structure import (DATE_RE, MARKER_RE, ParsedDocument, article_of, closing_date, parse_document, parse_masthead,
                        section_articles)

_PAGE_NAME_RE = re.compile(r"第\s*([A-Za-z]?\d{1,3}|[一二三四五六七八九十]{1,3})\s*版")
_FILE_DATE_RE = re.compile(r"(?<!\d)((?:19|20)\d{2})[-_.年]?(0[1-9]|1[0-2])[-_.月]?(0[1-9]|[12]\d|3[01])(?!\d)")
_FILE_ISSUE_RE = re.compile(r"第\s*(\d{1,4})\s*期")
_FILE_NOISE_RE = re.compile(r"扫描件|副本|定稿|终稿|修改稿|最终版|\(\d\)|（\d）|新建.{0,20}文档|未命名|无标题|Untitled")
_FILE_PAPER_RE = re.compile(r"^([\u4e00-\u9fff]{2,12}(?:日报|晚报|时报|报|简报|快报|信息|通讯|动态))(?=[_\-\s第\d（(]|$)")


def hints_from_filename(source: str) -> DocHints:
    """``商都日报_20240318_第03版.pdf`` → paper, date and page; ``…简报_第5期.docx`` → issue."""
    stem = PurePosixPath(source).stem
    hints = DocHints()
    m = _FILE_DATE_RE.search(stem)
    if m:
        hints.date = f"{m.group(1)}-{m.group(2)}-{m.group(3)}"
    m = _FILE_ISSUE_RE.search(stem)
    if m:
        hints.issue = str(int(m.group(1)))
    m = _PAGE_NAME_RE.search(stem)
    if m:
        hints.section = page_label(m.group(1))
    m = _FILE_PAPER_RE.match(stem)
    if m:
        hints.publication = m.group(1)
    # what is left of the name once paper, date, issue and page are taken out: a title for a file that has
    # none of its own (a table, a list of sites); "扫描件"/"副本" and the like say nothing of the content
    rest = stem[len(hints.publication or ""):]
    for pattern in (_FILE_DATE_RE, _FILE_ISSUE_RE, _PAGE_NAME_RE, _FILE_NOISE_RE):
        rest = pattern.sub(" ", rest)
    rest = re.sub(r"(?:19|20)\d{2}年(?=\s|$)", " ", rest)
    rest = re.sub(r"[（(]\s*[)）]|[【\[]\s*[】\]]", " ", rest)  # brackets left empty ("简报（第3期）")
    rest = " ".join(re.split(r"[\s_]+|(?<!\d)[-.]|[-.](?!\d)", rest)).strip()
    if sum("\u4e00" <= ch <= "\u9fff" for ch in rest) >= 4:
        hints.title = rest
    return hints


def page_label(number: str, name: str | None = None) -> str:
    """``03`` → ``第3版``; with a page name ``第3版 综合新闻``."""
    number = number.lstrip("0") or number
    return f"第{number}版" + (f" {name}" if name else "")


def apply_hints(doc: ParsedDocument, *hints: DocHints) -> None:
    """Fill metadata the text did not give from ``hints`` (first hint wins), on the document and its articles."""
    meta = doc.meta
    for h in hints:
        meta.bulletin = meta.bulletin or h.publication
        meta.issue = meta.issue or h.issue
        meta.date = meta.date or h.date
        meta.distribution = meta.distribution or h.distribution
    section = next((h.section for h in hints if h.section), None)
    title = next((h.title for h in hints if h.title), None)
    for a in doc.articles:
        a.bulletin = a.bulletin or meta.bulletin
        a.issue = a.issue or meta.issue
        a.date = a.date or meta.date
        if section and not a.section:
            a.section = section
    if title and len(doc.articles) == 1 and not doc.articles[0].title:
        doc.articles[0].title = title


def _lines(blocks: list[Block]) -> list[str]:
    """Cleaned text lines of blocks; each block stays its own paragraph."""
    return [ln.text for ln in split_lines("\n".join(block_lines(blocks)))]


def _repeat_title(blocks: list[Block], title: str) -> list[Block]:
    """After every part heading (level 0) the document title again (level 1), so each part is an article."""
    out: list[Block] = []
    for b in blocks:
        out.append(b)
        if b.kind == BlockKind.HEADING and b.level == 0:
            out.append(Block(BlockKind.HEADING, title, level=1))
    return out


def _parse_outline(blocks: list[Block], source: str) -> ParsedDocument:
    meta = DocMeta(source=source, kind="plain")
    first = next(i for i, b in enumerate(blocks) if b.kind == BlockKind.HEADING)
    lead = split_lines("\n".join(block_lines(blocks[:first])))
    start = parse_masthead(lead, meta)
    titles = [b.text.strip() for b in blocks[:first] if b.kind == BlockKind.TITLE]
    doc_title = None
    if meta.issue:
        meta.kind = "bulletin"
    elif titles:
        doc_title = titles[0]
        cleaned = " ".join(ln.text for ln in split_lines(doc_title))
        lead = [ln for ln in lead if ln.text != cleaned]  # the title is not part of the masthead
        start = 0
    heads = [b for b in blocks if b.kind == BlockKind.HEADING]
    levels = sorted({b.level for b in heads})
    if not meta.date:
        m = next((DATE_RE.search(ln.text) for ln in lead if len(ln.text) <= 40 and DATE_RE.search(ln.text)), None)
        if m:
            meta.date = f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
    if doc_title and len(levels) == 1 and all(starts_item(b.text.strip()) for b in heads):
        # numbered parts ("一、基本情况", "二、测评结果") under the document's own title are one text with
        # sub-headings, not 栏目: a notice or a report stays one article
        preface = [ln.text for ln in lead[start:] if any(p in ln.text for p in "。！？")]
        paragraphs = preface + _lines([b if b.kind != BlockKind.HEADING else Block(BlockKind.PARAGRAPH, b.text)
                                       for b in blocks[first:] if b.kind != BlockKind.TITLE])
        return ParsedDocument(meta, [article_of(meta, 0, doc_title, None, paragraphs)] if paragraphs else [])
    if doc_title and len(levels) == 1:
        # a document under its own title with unnumbered headings (sheet names, "工作动态"): the headings
        # are its parts (栏目), the document title names every article
        blocks = blocks[:first] + [b if b.kind != BlockKind.HEADING else
                                   Block(BlockKind.HEADING, b.text, level=0) for b in blocks[first:]]
        blocks = _repeat_title(blocks[first:], doc_title)
        first = 0
        heads = [b for b in blocks if b.kind == BlockKind.HEADING]
    levels = sorted({b.level for b in heads})
    markers = all(MARKER_RE.match(b.text.strip()) for b in heads)
    section_level = levels[0] if len(levels) >= 2 or markers else None
    title_level = levels[1] if len(levels) >= 2 else (None if markers else levels[0])
    articles = []
    preface = [ln for ln in lead[start:] if any(p in ln.text for p in "。！？")]
    if preface:
        articles.append(article_of(meta, 0, doc_title, None,
                                   [ln.text for ln in preface]))
    section: str | None = None
    title: str | None = None
    body: list[Block] = []

    def flush() -> None:
        if title_level is None:  # 【栏目】 markers only: find the articles inside the section as in text
            lines = [Line(t) for t in _lines(body)]
            for t, paragraphs in section_articles(lines, {}):
                articles.append(article_of(meta, len(articles), t, section, paragraphs))
        elif body:
            paragraphs = _lines(body)
            if paragraphs:
                articles.append(article_of(meta, len(articles), title, section, paragraphs))
        body.clear()

    for b in blocks[first:]:
        if b.kind == BlockKind.HEADING and b.level == section_level:
            flush()
            section, title = b.text.strip(), None
        elif b.kind == BlockKind.HEADING and b.level == title_level:
            flush()
            title = " ".join(ln.text for ln in split_lines(b.text)) or None
        elif b.kind == BlockKind.HEADING:  # a deeper heading stays in the article as a sub-heading line
            body.append(Block(BlockKind.PARAGRAPH, b.text))
        elif b.kind != BlockKind.TITLE:
            body.append(b)
    flush()
    articles = [a for a in articles if a.text.strip()]
    for n, a in enumerate(articles):
        a.number = n
    return ParsedDocument(meta, articles)


def parse_loaded(loaded: LoadedDocument, source: str) -> ParsedDocument:
    """Articles of a loaded file: by its headings when it has them, else by the text parser; then the file's
    own hints and its name fill what is missing."""
    if loaded.blocks and any(b.kind == BlockKind.HEADING for b in loaded.blocks):
        doc = _parse_outline(loaded.blocks, source)
    else:
        doc = parse_document(loaded.text, source)
        titles = [b.text for b in loaded.blocks or [] if b.kind == BlockKind.TITLE]
        if titles and not loaded.hints.title:
            loaded.hints.title = titles[0]
    apply_hints(doc, loaded.hints, hints_from_filename(source))
    if not doc.meta.date and (closing := closing_date(_last_lines(loaded.text))):
        apply_hints(doc, DocHints(date=closing))
    return doc


CLOSING_LINES = 3  # a notice, letter or report is dated below its signature: the last few lines


def _last_lines(text: str, n: int = CLOSING_LINES) -> list[str]:
    """The last ``n`` non-empty lines of a document, cleaned (only those: a 200-page text is not cleaned twice)."""
    out: list[str] = []
    for raw in reversed(text.splitlines()):
        if line := clean_line(raw):
            out.insert(0, line)
            if len(out) == n:
                break
    return out


def read_document(path, source: str) -> ParsedDocument:
    """Load a file and split it into articles (the whole ingest step before chunking)."""
    return parse_loaded(load_document(path), source)


__all__ = ["read_document", "apply_hints", "hints_from_filename", "page_label", "parse_loaded"]
