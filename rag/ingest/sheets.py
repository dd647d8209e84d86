"""Load a spreadsheet (.xlsx with openpyxl read-only, .csv/.tsv with the stdlib) as blocks: per sheet a HEADING
with its name (not for a lone sheet named "Sheet1" or one with a title row), the title and note rows above the header, one TABLE, and
the 注/说明 rows under it.

Statistical tables from government offices have a title row merged across the table
(``2024年第一季度各街道志愿服务统计表``), sometimes a 填报单位/日期 row, a header row with units
(``站点数（个）``), often a two-row header (``志愿者（名）`` over ``注册``/``活跃``) and row labels merged down
several rows. The header is the first row whose filled cells are mostly not numbers; single-cell rows above it
are the title (the first one becomes ``hints.title`` and a TITLE block; a full date in it, ``hints.date``) or
notes. Merged ranges are read from the sheet XML (read-only openpyxl does not report them): a row label merged
down several rows is repeated in each, a label merged across columns of a row with other cells (``合计`` over
序号 and 街道) in each column; merged numbers are not repeated. A two-row header (a gap in the upper row over a filled lower
cell: a merged group header) is joined into one (``志愿者（名）`` + ``注册`` → ``志愿者注册（名）``) so that
:func:`table_lines` writes ``北城街道：站点数25个，志愿者注册1410名。``. Numbers are shown rounded as the cell
format shows them, without trailing zeros (``960.0`` → ``960``, 0.625 as ``0.0%`` → ``62.5%``); dates become
``yyyy-mm-dd``.
"""
from __future__ import annotations

import contextlib
import csv
import datetime as _dt
import io
import logging
import re
import warnings
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path

from ..errors import LoadError
from .blocks import Block, BlockKind, DocHints, LoadedDocument, block_lines
from .files import check_zip, decode_text

log = logging.getLogger(__name__)

SHEET_SUFFIXES = {".xlsx", ".csv", ".tsv"}
MAX_SHEET_ROWS = 50_000  # non-empty rows in the whole workbook; a yearly register of a district has ~10,000
MAX_SHEET_CELLS = 1_000_000  # non-empty cells in the whole workbook
MAX_EMPTY_ROW_RUN = 10_000  # stop reading a sheet after this many empty rows in a row (formatting to row 1 M)
MAX_CSV_MB = 50
HEADER_SEARCH_ROWS = 20  # the header row is looked for among this many first rows

_DEFAULT_SHEET_RE = re.compile(r"^(?:Sheet|工作表|Лист)\s*\d*$", re.I)
_NUMBER_RE = re.compile(r"^[-+]?(?:\d[\d,，]*(?:\.\d+)?|\.\d+)%?$")
_DATE_RE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_DATE_CELL_RE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:\s+0{1,2}:00(?::00)?)?$")
_DATED_NOTE_RE = re.compile(r"(?:填报日期|制表日期|统计日期|日期|截至|截止)\s*[:：]?\s*" + _DATE_RE.pattern)
_UNIT_RE = re.compile(r"^(.+?)\s*([（(][^（）()]{1,4}[)）])$")
_NOTE_RE = re.compile(r"^(?:注|备注|说明|附注|制表|填表|填报|审核|数据来源|资料来源|单位|计量单位|编制单位)")
_LABELLED_RE = re.compile(r"^[^：:]{1,10}[：:]\s*\S")  # 填报单位：商都市文明办
_MERGE_RE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]{1,3})(\d+):([A-Z]{1,3})(\d+)"')
_CSV_DELIMITERS = ("\t", "，", ",", ";", "|")
_CJK = "\u3400-\u9fff\uf900-\ufaff"


def _text(value: str) -> str:
    """One line: a line break inside Chinese text disappears, other whitespace runs become one space."""
    value = re.sub(rf"(?<=[{_CJK}，。；：、])\s*\n\s*|\s*\n\s*(?=[{_CJK}，。；：、])", "", str(value))
    return re.sub(r"\s+", " ", value.replace("\u3000", " ")).strip()


def _iso(m: re.Match | None) -> str | None:
    """``yyyy-mm-dd`` of a date match, if it is a real date."""
    with contextlib.suppress(ValueError, AttributeError):
        return _dt.date(*(int(g) for g in m.groups()[-3:])).isoformat()
    return None


def _number(value: float, number_format: str) -> str:
    """``960.0`` → ``960``; rounded half-up to the decimals of a ``0.00``-style format, else to 12 digits."""
    m = re.search(r"0\.(0+)", number_format)
    decimals = len(m.group(1)) if m else (0 if re.search(r"[0#]", number_format) else None)
    try:
        d = Decimal(format(value, ".12g")) if decimals is None else \
            Decimal(repr(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
        return format(d.normalize(), "f")
    except InvalidOperation:
        return repr(value)


def _fmt(value, number_format: str = "General") -> str:
    """A cell value as the sheet shows it, minus trailing zeros; dates ``yyyy-mm-dd``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, _dt.datetime):
        return value.strftime("%Y-%m-%d") if value.time() == _dt.time() else value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, (_dt.date, _dt.time)):
        return value.isoformat()[:10] if isinstance(value, _dt.date) else value.strftime("%H:%M")
    if isinstance(value, (int, float)):
        number_format = number_format or "General"
        if "%" in number_format:
            return _number(value * 100, number_format.replace("%", "")) + "%"
        return _number(value, number_format)
    text = _text(value)
    if _DATE_CELL_RE.match(text):
        return _iso(_DATE_CELL_RE.match(text)) or text
    return re.sub(r"^([-+]?\d+)\.0+$", r"\1", text)


def _column(letters: bytes) -> int:
    """``b"A"`` → 1, ``b"AB"`` → 28."""
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def _merges(ws) -> list[tuple[int, int, int, int]]:
    """Merged ranges (first row, first col, last row, last col), scanned from the sheet XML; [] if unknown."""
    archive, member = getattr(ws.parent, "_archive", None), getattr(ws, "_worksheet_path", None)
    if archive is None or member is None:
        return []
    found, tail = set(), b""
    with archive.open(member) as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            data = tail + chunk
            found.update((int(r1), _column(c1), int(r2), _column(c2)) for c1, r1, c2, r2 in _MERGE_RE.findall(data))
            tail = data[-200:]  # a tag cut at the chunk's end is found whole next time
    return sorted(found)


class _Budget:
    """Counts rows and cells over the whole workbook against the limits."""

    def __init__(self, path: Path) -> None:
        self.path, self.rows, self.cells = path, 0, 0

    def take(self, row: list[str]) -> None:
        self.rows += 1
        self.cells += sum(1 for c in row if c)
        if self.rows > MAX_SHEET_ROWS:
            raise LoadError(self.path, f"has over {MAX_SHEET_ROWS:,} rows of data (the limit); split it to load it")
        if self.cells > MAX_SHEET_CELLS:
            raise LoadError(self.path, f"has over {MAX_SHEET_CELLS:,} filled cells (the limit); split it to load it")


def _read_xlsx(path: Path, budget: _Budget, notes: list[str]) -> list[tuple[str, list[list[str]]]]:
    try:
        import openpyxl
    except ImportError as exc:  # pragma: no cover
        raise ImportError("Excel support needs openpyxl: pip install openpyxl") from exc
    with open(path, "rb") as fh:
        if fh.read(4) == b"\xd0\xcf\x11\xe0":
            raise LoadError(path, "is an old-format (.xls) or password-protected workbook; save it as a plain .xlsx")
    check_zip(path, ".xlsx")
    sheets = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl warns about styles, data validation, unknown extensions
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:
            for ws in wb.worksheets:
                if ws.sheet_state != "visible":
                    notes.append(f"skipped hidden sheet {ws.title}")
                    continue
                sheets.append((ws.title, _sheet_rows(ws, budget, notes)))
        finally:
            wb.close()
    return sheets


def _sheet_rows(ws, budget: _Budget, notes: list[str]) -> list[list[str]]:
    merges = _merges(ws)
    ws.reset_dimensions()  # a wrong <dimension> would pad every row to it
    rows: list[list[str]] = []
    empty_run = 0
    for cells in ws.iter_rows():
        row = [_fmt(getattr(c, "value", None), getattr(c, "number_format", "General")) for c in cells]
        while row and not row[-1]:
            row.pop()
        empty_run = 0 if row else empty_run + 1
        if empty_run > MAX_EMPTY_ROW_RUN:
            notes.append(f"sheet {ws.title}: stopped after {MAX_EMPTY_ROW_RUN:,} empty rows")
            break
        rows.append(row)
        if row:
            budget.take(row)
    while rows and not rows[-1]:
        rows.pop()
    for r1, c1, r2, c2 in merges:  # a merged number is not repeated (it would be counted twice)
        value = rows[r1 - 1][c1 - 1] if r1 <= len(rows) and c1 <= len(rows[r1 - 1]) else ""
        if not value or _NUMBER_RE.match(value) or (r1 < r2 and c1 < c2):
            continue
        if r1 < r2:  # a row label merged down rows: each row gets it
            for row in rows[r1:r2]:
                row += [""] * (c1 - len(row))
                row[c1 - 1] = row[c1 - 1] or value
        elif any(v for j, v in enumerate(rows[r1 - 1]) if not c1 - 1 <= j < c2):  # a label or header across
            row = rows[r1 - 1]  # columns of a row that has other cells (not a title row): each column gets it
            row += [""] * (c2 - len(row))
            row[c1 - 1:c2] = [v or value for v in row[c1 - 1:c2]]
    return rows


def _read_csv(path: Path, budget: _Budget) -> list[tuple[str, list[list[str]]]]:
    if path.stat().st_size > MAX_CSV_MB * 2**20:
        raise LoadError(path, f"is over the {MAX_CSV_MB} MB limit for a CSV file; not read")
    text = decode_text(path.read_bytes(), path)
    sample = [line for line in text[:200_000].splitlines() if line.strip()][:50]

    def consistency(delimiter: str) -> tuple[float, int]:
        widths = [len(r) for r in csv.reader(sample, delimiter=delimiter)]
        mode = max(set(widths), key=widths.count) if widths else 1
        return (widths.count(mode) / len(widths) if mode > 1 else 0.0), mode

    delimiter = "\t" if path.suffix.lower() == ".tsv" else max(_CSV_DELIMITERS, key=consistency)
    log.debug("%s: CSV delimiter %r", path.name, delimiter)
    rows = []
    try:
        for record in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            row = [_fmt(c) for c in record]
            while row and not row[-1]:
                row.pop()
            if row:
                budget.take(row)
            rows.append(row)
    except csv.Error as exc:
        raise LoadError(path, f"is not a readable CSV file ({exc})") from exc
    return [("", rows)]


def _header_index(rows: list[list[str]]) -> int | None:
    """The first row whose filled cells are mostly words, not numbers and not ``填报单位：…`` notes: two or more
    cells, at least half the width unless the next row continues it (a row of group headers)."""
    width = max(map(len, rows))
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        filled = [c for c in row if c]
        words = [c for c in filled if not _NUMBER_RE.match(c) and not _LABELLED_RE.match(c)]
        wide = len(filled) >= width / 2 or (i + 1 < len(rows) and _continues_header(row, rows[i + 1]))
        if len(filled) >= min(2, width) and wide and len(words) > len(filled) / 2:
            return i
    return None


def _continues_header(top: list[str], below: list[str]) -> bool:
    """The row under the header is its second row: it fills a gap of the header (under a group header merged
    across columns) and is mostly words."""
    filled = [c for c in below if c]
    return any(below[j] and (not c or (j and c == top[j - 1])) for j, c in enumerate(top)) and \
        sum(1 for c in filled if not _NUMBER_RE.match(c)) > len(filled) / 2


def _join_header(top: str, below: str) -> str:
    """``志愿者（名）`` over ``注册`` → ``志愿者注册（名）``; ``服务`` over ``时长（小时）`` → ``服务时长（小时）``."""
    if not top or not below or below.startswith(top):
        return below or top
    m = _UNIT_RE.match(top)
    return f"{m.group(1)}{below}{m.group(2)}" if m and not _UNIT_RE.match(below) else f"{top}{below}"


def _sheet_blocks(rows: list[list[str]], first: bool, hints: DocHints) -> list[Block]:
    """Title/note rows, the table, and its footnotes; fills ``hints.title``/``date`` from the first title."""
    rows = [r for r in rows if any(r)]
    if not rows:
        return []
    width = max(map(len, rows))
    rows = [r + [""] * (width - len(r)) for r in rows]
    keep = [j for j in range(width) if any(r[j] for r in rows)]
    rows = [[r[j] for j in keep] for r in rows]
    head = _header_index(rows)
    above, body = (rows[:head], rows[head:]) if head is not None else ([], rows)
    blocks: list[Block] = []
    for r in above:
        line = "；".join(dict.fromkeys(c for c in r if c))
        title = len({c for c in r if c}) == 1 and first and hints.title is None and not _NOTE_RE.match(line)
        blocks.append(Block(BlockKind.TITLE if title else BlockKind.PARAGRAPH, line))
        hints.title = line if title else hints.title
        hints.date = hints.date or _iso((_DATE_RE if title else _DATED_NOTE_RE).search(line))
    footnotes = []
    while len(body) > 2 and len({c for c in body[-1] if c}) == 1 and _NOTE_RE.match(next(c for c in body[-1] if c)):
        footnotes.insert(0, Block(BlockKind.PARAGRAPH, next(c for c in body.pop() if c)))
        hints.date = hints.date or _iso(_DATED_NOTE_RE.search(footnotes[0].text))  # 填报日期：… under the table
    header_rows = 0 if head is None else 1
    if head is not None and len(body) > 2 and len(rows[0]) > 1 and _continues_header(body[0], body[1]):
        top, below = body[0], body[1]
        for j in range(1, len(top)):  # a group header merged across columns heads each of them
            top[j] = top[j] or (top[j - 1] if below[j] else "")
        body = [[_join_header(t, b) for t, b in zip(top, below)], *body[2:]]
    blocks.append(Block(BlockKind.TABLE, rows=body, header_rows=header_rows))
    return blocks + footnotes


def load_sheet(path: Path | str) -> LoadedDocument:
    """Load an .xlsx workbook or a .csv/.tsv file as blocks; or raise :class:`LoadError` (one line)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SHEET_SUFFIXES:
        raise LoadError(path, f"unsupported spreadsheet type {suffix or '(none)'}; supported: "
                              f"{', '.join(sorted(SHEET_SUFFIXES))}")
    budget, notes = _Budget(path), []
    try:
        sheets = _read_xlsx(path, budget, notes) if suffix == ".xlsx" else _read_csv(path, budget)
    except (LoadError, ImportError):
        raise
    except OSError as exc:
        raise LoadError(path, f"cannot be read ({exc.strerror or exc})") from exc
    except Exception as exc:  # openpyxl raises many unrelated types for broken packages
        problem = re.sub(r"\s+", " ", str(exc))[:200]
        raise LoadError(path, f"is not a readable {suffix} file ({type(exc).__name__}: {problem})") from exc
    hints, blocks = DocHints(), []
    named = len(sheets) > 1 or (sheets and sheets[0][0] and not _DEFAULT_SHEET_RE.match(sheets[0][0]))
    for name, rows in sheets:
        sheet_blocks = _sheet_blocks(rows, not blocks, hints)
        if sheet_blocks and named:
            blocks.append(Block(BlockKind.HEADING, name, level=1))
        blocks += sheet_blocks
    if not any(b.kind == BlockKind.TABLE for b in blocks):
        raise LoadError(path, "has no data (every sheet is empty)")
    if len(sheets) == 1 and any(b.kind == BlockKind.TITLE for b in blocks):
        blocks = [b for b in blocks if b.kind != BlockKind.HEADING]  # a lone sheet's name says less than its title
    first_title = next((i for i, b in enumerate(blocks) if b.kind == BlockKind.TITLE), None)
    if first_title:  # the document title goes first, before the first sheet's name
        blocks.insert(0, blocks.pop(first_title))
    return LoadedDocument(text="\n".join(block_lines(blocks)), blocks=blocks, hints=hints, notes=notes)
