"""What a loader hands to the structure parser: the plain text of a file and, for formats that state their
structure (Word heading styles and lists, web pages, OFD, spreadsheets), the document as typed blocks, plus
metadata the file states outright (a web page's date, a newspaper file name's paper, date and 版次).

Tables are kept as rows and rendered in place by :func:`table_lines`: each data row becomes one line in which
every cell stays with its row label and column header (``北城街道：站点数25个，注册志愿者1410名。``), so a
question about one cell is answered with that cell and never with digits glued from its neighbours.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum


class BlockKind(str, Enum):
    TITLE = "title"  # the document's own title (Word "Title" style, a web page's headline)
    HEADING = "heading"  # a section or article heading; ``level`` 1 is the outermost
    PARAGRAPH = "paragraph"
    LIST_ITEM = "list_item"  # its text already starts with its number or bullet ("1.", "（一）", "•")
    TABLE = "table"  # ``rows``; the first row is the header unless ``header_rows`` says otherwise
    CAPTION = "caption"  # a photo or figure caption
    BYLINE = "byline"  # 记者/作者/来源 line of a news item


@dataclass
class Block:
    kind: BlockKind
    text: str = ""
    level: int = 0
    rows: list[list[str]] | None = None
    header_rows: int = 1


@dataclass
class DocHints:
    """Metadata a file states outright; it fills only what the text itself does not say."""

    title: str | None = None  # the document's title (becomes the article title of a one-article document)
    publication: str | None = None  # bulletin or newspaper name
    issue: str | None = None
    date: str | None = None  # ISO yyyy-mm-dd
    section: str | None = None  # 栏目, or a newspaper page: "第3版 综合新闻"
    author: str | None = None
    distribution: str | None = None  # the 报/送/发 block of a bulletin: kept as metadata, never as article text


@dataclass
class LoadedDocument:
    """A loaded file: ``text`` always (what the text parser reads), ``blocks`` when the format has structure."""

    text: str
    blocks: list[Block] | None = None
    hints: DocHints = field(default_factory=DocHints)
    pages: int | None = None
    ocr_confidence: list[float] | None = None  # per OCR-read page, mean recognition confidence 0..1
    notes: list[str] = field(default_factory=list)  # what the loader did that a user should know (OCR, converter)


_UNIT_RE = re.compile(r"^(.{1,20}?)\s*[（(]\s*([^（）()]{1,4})\s*[)）]$")
_NUMBER_RE = re.compile(r"^[-+]?\d[\d,，.]*%?$")
SERIAL_HEADERS = ("序号", "编号", "序", "No.", "No", "#")
MAX_TABLE_HEADER_CHARS = 30  # a header cell longer than this is text, not a column name


def _cell(text: str | None) -> str:
    return re.sub(r"\s+", " ", str(text or "")).strip()


def _with_header(header: str, value: str) -> str:
    """``站点数（个）`` + ``25`` → ``站点数25个``; ``备注`` + ``试点`` → ``备注：试点``."""
    m = _UNIT_RE.match(header)
    if m and _NUMBER_RE.match(value):
        return f"{m.group(1)}{value}{m.group(2)}"
    if _NUMBER_RE.match(value):
        return f"{header}{value}"
    return f"{header}：{value}"


def table_lines(rows: list[list[str]], header_rows: int = 1) -> list[str]:
    """One line per data row, each cell next to its column header; the row's first cell is its label.

    A table without a usable header (one row, or header cells that are long text) is written row by row
    with cells separated by ``；`` so that neighbouring cells never run together."""
    rows = [[_cell(c) for c in r] for r in rows if any(_cell(c) for c in r)]
    if not rows:
        return []
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    header_rows = max(0, min(header_rows, len(rows) - 1))
    headers = [""] * width
    for r in rows[:header_rows]:
        headers = [f"{h}{c}" if c and c not in h else h for h, c in zip(headers, r)]
    body = rows[header_rows:]
    if width > 2 and header_rows and (headers[0] in SERIAL_HEADERS or
                                      [r[0] for r in body] == [str(n) for n in range(1, len(body) + 1)]):
        # a 序号 column numbers the rows; the row is named by the next column
        rows = [r[1:] for r in rows]
        headers, width = headers[1:], width - 1
    usable = header_rows > 0 and width > 1 and all(len(h) <= MAX_TABLE_HEADER_CHARS for h in headers) \
        and sum(1 for h in headers[1:] if h) >= (width - 1) / 2
    out: list[str] = []
    for r in rows[header_rows if usable else 0:]:
        if width == 1 or not usable:
            cells = [c for c in r if c]
            line = "；".join(cells)
        else:
            label, values = r[0], r[1:]
            parts = [_with_header(h, v) if h else v for h, v in zip(headers[1:], values) if v]
            if not parts:
                line = label
            elif label:
                line = f"{label}：{'，'.join(parts)}"
            else:
                line = "，".join(parts)
        if line and line[-1] not in "。！？；":
            line += "。"
        if line:
            out.append(line)
    return out


def block_lines(blocks: list[Block]) -> list[str]:
    """The blocks as text lines in reading order (tables rendered by :func:`table_lines`)."""
    out: list[str] = []
    for b in blocks:
        if b.kind == BlockKind.TABLE:
            out.extend(table_lines(b.rows or [], b.header_rows))
        elif b.text.strip():
            out.append(b.text.strip())
    return out
