"""Word (.docx) documents as typed blocks, in document order: heading styles (Title, Heading 1–9 and their
Chinese names 标题/标题 1…, or a style's outline level) become TITLE/HEADING blocks, Word's automatic list
numbers are written back into the text ("1.", "（一）", "•") and tables stay where they are, as rows.

python-docx reads the package; the body is walked directly so that paragraphs and tables keep their order
(``Document.paragraphs`` and ``Document.tables`` are two separate lists) and numbering is counted the way
Word shows it (per list and level, restarting deeper levels)."""
from __future__ import annotations

import logging
import re
from pathlib import Path

from ..errors import LoadError
from ..text.dates import chinese_numerals
from .blocks import Block, BlockKind, LoadedDocument, block_lines

log = logging.getLogger(__name__)

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_HEADING_RE = re.compile(r"^(?:heading|标题)\s*(\d)$", re.I)

_TIANGAN = "甲乙丙丁戊己庚辛壬癸"


def _chinese_number(n: int) -> str:
    return chinese_numerals(n)[0] if 0 < n < 100 else str(n)


def _roman(n: int) -> str:
    vals = [(1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"), (40, "xl"),
            (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]
    out = ""
    for v, s in vals:
        while n >= v:
            out, n = out + s, n - v
    return out


def format_number(n: int, fmt: str) -> str:
    """One list counter in a Word ``numFmt``: decimal 3, chineseCounting 三, ideographTraditional 丙 …"""
    if fmt in ("decimal", "decimalZero", "decimalFullWidth", "decimalHalfWidth"):
        return f"{n:02d}" if fmt == "decimalZero" else str(n)
    if fmt in ("chineseCounting", "chineseCountingThousand", "chineseLegalSimplified", "ideographDigital",
               "taiwaneseCounting", "taiwaneseCountingThousand", "japaneseCounting"):
        return _chinese_number(n)
    if fmt in ("ideographTraditional",):
        return _TIANGAN[(n - 1) % 10]
    if fmt == "lowerLetter":
        return chr(ord("a") + (n - 1) % 26)
    if fmt == "upperLetter":
        return chr(ord("A") + (n - 1) % 26)
    if fmt == "lowerRoman":
        return _roman(n)
    if fmt == "upperRoman":
        return _roman(n).upper()
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese") and 1 <= n <= 20:
        return chr(0x2460 + n - 1)
    if fmt == "bullet":
        return "•"
    return str(n)


class _Numbering:
    """Word's list counters: ``numId`` → abstract definition (format and text per level), counted as shown."""

    def __init__(self, document) -> None:
        self.levels: dict[str, dict[int, tuple[str, str, int]]] = {}  # numId -> ilvl -> (fmt, lvlText, start)
        self.counters: dict[str, list[int]] = {}
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        abstract: dict[str, dict[int, tuple[str, str, int]]] = {}
        for an in root.iter(f"{_W}abstractNum"):
            lv: dict[int, tuple[str, str, int]] = {}
            for lvl in an.iter(f"{_W}lvl"):
                ilvl = int(lvl.get(f"{_W}ilvl", "0"))
                fmt = lvl.find(f"{_W}numFmt")
                text = lvl.find(f"{_W}lvlText")
                start = lvl.find(f"{_W}start")
                lv[ilvl] = (fmt.get(f"{_W}val") if fmt is not None else "decimal",
                            text.get(f"{_W}val") if text is not None else "%1.",
                            int(start.get(f"{_W}val")) if start is not None else 1)
            abstract[an.get(f"{_W}abstractNumId")] = lv
        for num in root.iter(f"{_W}num"):
            ref = num.find(f"{_W}abstractNumId")
            if ref is not None:
                self.levels[num.get(f"{_W}numId")] = abstract.get(ref.get(f"{_W}val"), {})

    def label(self, num_id: str, ilvl: int) -> str:
        levels = self.levels.get(num_id)
        if not levels or num_id == "0":
            return ""
        counts = self.counters.setdefault(num_id, [0] * 9)
        ilvl = max(0, min(ilvl, 8))
        counts[ilvl] += 1
        for deeper in range(ilvl + 1, 9):
            counts[deeper] = 0
        fmt, text, _ = levels.get(ilvl, ("decimal", f"%{ilvl + 1}.", 1))

        def one(m: re.Match) -> str:
            k = int(m.group(1)) - 1
            f, _, start = levels.get(k, ("decimal", "", 1))
            return format_number(counts[k] + start - 1 if k <= ilvl else start, f)

        if fmt == "bullet":
            return "•"
        return re.sub(r"%(\d)", one, text)


def _num_pr(paragraph) -> tuple[str, int] | None:
    """(numId, ilvl) from the paragraph or, failing that, from its style chain."""
    candidates = [paragraph._p.pPr]
    style = paragraph.style
    while style is not None:
        candidates.append(style.element.pPr)
        style = style.base_style
    for ppr in candidates:
        if ppr is None:
            continue
        num = ppr.find(f"{_W}numPr")
        if num is None:
            continue
        num_id = num.find(f"{_W}numId")
        ilvl = num.find(f"{_W}ilvl")
        if num_id is not None:
            return num_id.get(f"{_W}val"), int(ilvl.get(f"{_W}val")) if ilvl is not None else 0
    return None


def _outline_level(paragraph) -> int | None:
    """Heading level 1.. from the style name or an outline level set on the style or paragraph; 0 = Title."""
    style = paragraph.style
    name = (style.name or "") if style is not None else ""
    if name.strip().lower() in ("title", "标题"):
        return 0
    m = _HEADING_RE.match(name.strip())
    if m:
        return int(m.group(1))
    for ppr in (paragraph._p.pPr, style.element.pPr if style is not None else None):
        if ppr is not None:
            lvl = ppr.find(f"{_W}outlineLvl")
            if lvl is not None and lvl.get(f"{_W}val", "9").isdigit() and int(lvl.get(f"{_W}val")) < 9:
                return int(lvl.get(f"{_W}val")) + 1
    return None


def _table_rows(table) -> list[list[str]]:
    rows: list[list[str]] = []
    for row in table.rows:
        cells, seen = [], set()
        for cell in row.cells:
            if id(cell._tc) in seen:  # a horizontally merged cell is returned once per grid column
                continue
            seen.add(id(cell._tc))
            cells.append(cell.text.strip())
        rows.append(cells)
    return rows


def docx_blocks(document) -> list[Block]:
    """The body of a python-docx ``Document`` as blocks in reading order."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    numbering = _Numbering(document)
    blocks: list[Block] = []
    for child in document.element.body.iterchildren():
        if child.tag == f"{_W}tbl":
            rows = _table_rows(Table(child, document))
            if any(any(c for c in r) for r in rows):
                blocks.append(Block(BlockKind.TABLE, rows=rows))
            continue
        if child.tag != f"{_W}p":
            continue
        p = Paragraph(child, document)
        text = p.text.strip()
        if not text:
            continue
        level = _outline_level(p)
        num = _num_pr(p)
        label = numbering.label(*num) if num else ""
        if label and not text.startswith(label):
            text = f"{label}{'' if label.endswith(('.', '、', '）', ')')) else ' '}{text}"
        if level == 0:
            blocks.append(Block(BlockKind.TITLE, text))
        elif level is not None:
            blocks.append(Block(BlockKind.HEADING, text, level=level))
        elif label:
            blocks.append(Block(BlockKind.LIST_ITEM, text))
        else:
            blocks.append(Block(BlockKind.PARAGRAPH, text))
    return blocks


def load_docx_document(path: Path) -> LoadedDocument:
    """Read a .docx (already checked by the caller's zip and paragraph limits) into blocks and text."""
    try:
        import docx
    except ImportError as exc:  # pragma: no cover
        raise ImportError("Word support needs python-docx: pip install python-docx") from exc
    try:
        document = docx.Document(str(path))
        blocks = docx_blocks(document)
    except Exception as exc:  # python-docx raises several unrelated types for broken packages
        raise LoadError(path, f"is not a valid .docx ({type(exc).__name__}: {exc})") from exc
    return LoadedDocument(text="\n".join(block_lines(blocks)), blocks=blocks)
