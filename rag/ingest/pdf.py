"""PDF pages read by position, not by content-stream order: text lines rebuilt from character boxes,
two-column pages read column by column (also when the typesetter wrote them row by row), ruled tables
rendered in place with each cell next to its row label and column header, and page furniture — running
headers, footers and page numbers — removed.

Why pdfplumber (pdfminer.six underneath): it exposes every character's box and finds ruled tables. pypdf's
``extract_text`` (kept here only to open, check and decrypt the file) follows the content stream, which on
the team's fixtures glued table rows into digit soup (``北城街道251410``), interleaved the columns of
row-by-row two-column pages and moved quotation marks set in another font. pdfplumber reads ~0.1-0.3 s per
page on 2 cores (see README, "Formats")."""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import LoadError
from ..text import is_cjk
from .blocks import LoadedDocument, table_lines

log = logging.getLogger(__name__)

MAX_PDF_PAGES = 2000  # a year of daily newspaper pages; more is not a document but an archive
MARGIN = 0.09  # top and bottom share of the page where running headers, footers and page numbers sit
GUTTER_SLACK = 6.0  # points a column line may overhang the gutter (justified CJK lines run a little long)
MIN_COLUMN_LINES = 3  # a two-column band holds at least this many line pieces on each side of the gutter
MASTHEAD_LINES = 5  # first lines of page 1 that a running header on later pages may repeat
PIECE_GAP = 1.6  # a horizontal gap wider than this many character widths splits a row into pieces

_PAGE_NO_RE = re.compile(r"^(?:[—\-－–~～\s]*\d{1,4}[—\-－–~～\s]*|第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?"
                         r"|\d+\s*/\s*\d+|page\s*\d+(?:\s*of\s*\d+)?|[-—]\s*[ivxlc]+\s*[-—])$", re.I)


@dataclass
class _Piece:
    """A run of characters on one row with no wide gap inside."""

    x0: float
    x1: float
    top: float
    bottom: float
    text: str
    row: int = 0


def is_page_number(text: str) -> bool:
    return bool(_PAGE_NO_RE.match(text.strip()))


def _join_chars(chars: list[dict]) -> str:
    out = ""
    prev = None
    for ch in chars:
        t = ch["text"]
        if prev is not None:
            gap = ch["x0"] - prev["x1"]
            size = max(1.0, min(ch.get("size", 10), prev.get("size", 10)))
            if gap > 0.25 * size and not (is_cjk(prev["text"][-1:]) and is_cjk(t[:1])) and not out.endswith(" "):
                out += " "
        out += t
        prev = ch
    return out.strip()


def _rows(chars: list[dict]) -> list[list[dict]]:
    """Characters grouped into rows by vertical overlap, top to bottom; each row left to right."""
    rows: list[list[dict]] = []
    for ch in sorted(chars, key=lambda c: (round(c["top"], 1), c["x0"])):
        if rows:
            last = rows[-1]
            top = min(c["top"] for c in last)
            bottom = max(c["bottom"] for c in last)
            height = max(1.0, bottom - top)
            overlap = min(bottom, ch["bottom"]) - max(top, ch["top"])
            if overlap > 0.5 * min(height, max(1.0, ch["bottom"] - ch["top"])):
                last.append(ch)
                continue
        rows.append([ch])
    return [sorted(r, key=lambda c: c["x0"]) for r in rows]


def _pieces(row: list[dict], number: int = 0) -> list[_Piece]:
    out: list[list[dict]] = [[row[0]]]
    for ch in row[1:]:
        prev = out[-1][-1]
        size = max(1.0, ch.get("size", 10))
        if ch["x0"] - prev["x1"] > PIECE_GAP * size:
            out.append([ch])
        else:
            out[-1].append(ch)
    return [_Piece(min(c["x0"] for c in p), max(c["x1"] for c in p), min(c["top"] for c in p),
                   max(c["bottom"] for c in p), _join_chars(p), number) for p in out]


def _side(p: _Piece, x: float) -> int:
    """1 right of the gutter at x (starts after it), -1 left of it (ends before it: a column line may overhang
    by ``GUTTER_SLACK`` points or a sixth of its width, justified lines with digits run long), 0 across it."""
    if p.x0 >= x - GUTTER_SLACK:
        return 1
    if p.x1 <= x + max(GUTTER_SLACK, (p.x1 - p.x0) / 6):
        return -1
    return 0


def find_gutter(pieces: list[_Piece], width: float) -> float | None:
    """The x of a column gutter in the middle of the page, or None for a one-column page.

    Lines that cross a candidate x cut the page into bands (a full-width title, an abstract, a headline over
    both columns); the x is a gutter when some band holds at least ``MIN_COLUMN_LINES`` line pieces on each
    side of it. On a one-column page nearly every line crosses the middle, so no band qualifies."""
    ordered = sorted(pieces, key=lambda p: (p.top, p.x0))
    best: tuple[int, float, float] | None = None
    for step in range(int(width * 0.3), int(width * 0.7), 2):
        x = float(step)
        most = left = right = 0
        for p in ordered:
            side = _side(p, x)
            if side == 0:
                left = right = 0
            elif side < 0:
                left += 1
            else:
                right += 1
            most = max(most, min(left, right))
        if most >= MIN_COLUMN_LINES:
            key = (most, -abs(x - width / 2), x)
            if best is None or key[:2] > best[:2]:
                best = key
    return best[2] if best else None


def _reading_order(pieces: list[_Piece], width: float) -> list[tuple[float, str]]:
    """(top, text) lines in reading order. On a two-column page, bands separated by full-width lines are
    read left column, then right column; pieces of one row on the same side are joined with a space."""
    gutter = find_gutter(pieces, width)
    rows: dict[int, list[_Piece]] = {}
    for p in sorted(pieces, key=lambda p: (p.row, p.x0)):
        rows.setdefault(p.row, []).append(p)
    lines: list[tuple[float, str]] = []
    if gutter is None:
        for ps in rows.values():
            lines.append((ps[0].top, " ".join(p.text for p in ps)))
        return lines
    left: list[tuple[float, str]] = []
    right: list[tuple[float, str]] = []

    def flush() -> None:
        lines.extend(left)
        lines.extend(right)
        left.clear()
        right.clear()

    for ps in rows.values():
        top = min(p.top for p in ps)
        if any(_side(p, gutter) == 0 for p in ps):
            flush()
            lines.append((top, " ".join(p.text for p in ps)))
            continue
        lt = [p.text for p in ps if _side(p, gutter) < 0]
        rt = [p.text for p in ps if _side(p, gutter) > 0]
        if lt:
            left.append((top, " ".join(lt)))
        if rt:
            right.append((top, " ".join(rt)))
    flush()
    return lines


def _page_lines(page) -> tuple[list[tuple[float, str]], float]:
    """(top, text) lines of one pdfplumber page in reading order, tables rendered in place."""
    tables = []
    try:
        for t in page.find_tables():
            rows = t.extract()
            if len(rows) >= 2 and max(len(r) for r in rows) >= 2:
                tables.append((t.bbox, rows))
    except Exception as exc:  # table finding is best effort: the text is still read
        log.debug("table detection failed on page %s: %s", page.page_number, exc)

    def outside(ch: dict) -> bool:
        return not any(x0 <= (ch["x0"] + ch["x1"]) / 2 <= x1 and top <= (ch["top"] + ch["bottom"]) / 2 <= bottom
                       for (x0, top, x1, bottom), _ in tables)

    chars = [c for c in page.chars if c.get("text", "").strip() and c.get("upright", True) and outside(c)]
    pieces = [p for k, row in enumerate(_rows(chars)) for p in _pieces(row, k)] if chars else []
    lines = _reading_order(pieces, float(page.width))
    for (x0, top, x1, bottom), rows in sorted(tables, key=lambda t: t[0][1]):
        at = max((i + 1 for i, tl in enumerate(lines) if tl[0] < top), default=0)
        lines[at:at] = [(top, line) for line in table_lines(rows)]
    return lines, float(page.height)


def _furniture_key(text: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", text))


def _echoes(text: str, masthead: set[str]) -> bool:
    """The line is made of lines of the first page's masthead (in any order): ``商都市文明办工作简报 第5期``."""
    key = _furniture_key(text)
    parts = [m for m in masthead if m]
    can = [True] + [False] * len(key)  # can[i]: key[:i] is a concatenation of masthead lines
    for i in range(1, len(key) + 1):
        can[i] = any(can[i - len(m)] and key[i - len(m):i] == m for m in parts if len(m) <= i)
    return bool(key) and can[len(key)]


def strip_furniture(pages: list[tuple[list[tuple[float, str]], float]]) -> list[list[str]]:
    """Drop page numbers in the top and bottom margins, and margin lines repeated on at least half of the
    pages (at least two): running headers such as ``商都市文明办工作简报 第5期`` and footers."""
    counts: dict[str, int] = {}
    for lines, height in pages:
        keys = {_furniture_key(t) for top, t in lines if top < MARGIN * height or top > (1 - MARGIN) * height}
        for k in keys:
            counts[k] = counts.get(k, 0) + 1
    repeated = {k for k, n in counts.items() if len(pages) >= 2 and n >= max(2, len(pages) / 2)}
    masthead = {_furniture_key(t) for _, t in pages[0][0][:MASTHEAD_LINES]} if pages else set()
    out: list[list[str]] = []
    for page_no, (lines, height) in enumerate(pages):
        kept = []
        for top, text in lines:
            in_margin = top < MARGIN * height or top > (1 - MARGIN) * height
            if in_margin and (is_page_number(text) or _furniture_key(text) in repeated):
                continue
            if page_no > 0 and top < MARGIN * height and _echoes(text, masthead):
                continue  # a running header that repeats the masthead: "商都市文明办工作简报 第5期"
            kept.append(text)
        out.append(kept)
    return out


def _open_checked(path: Path) -> int:
    """Open with pypdf to refuse broken or password-protected files with a clear reason; return the page count."""
    try:
        from pypdf import PdfReader
        from pypdf.errors import PdfReadError
    except ImportError as exc:  # pragma: no cover
        raise ImportError("PDF support needs pypdf: pip install pypdf") from exc
    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted:
            try:
                if not reader.decrypt(""):
                    raise LoadError(path, "is an encrypted PDF (password required)")
            except LoadError:
                raise
            except Exception as exc:
                raise LoadError(path, f"is an encrypted PDF that cannot be opened ({exc})") from exc
        return len(reader.pages)
    except LoadError:
        raise
    except (PdfReadError, OSError, ValueError, KeyError, TypeError) as exc:
        raise LoadError(path, f"is not a readable PDF ({type(exc).__name__}: {exc})") from exc


def read_pdf_pages(path: Path) -> list[list[str]]:
    """Lines of every page in reading order, furniture removed (an empty list for a page without text)."""
    n = _open_checked(path)
    if n > MAX_PDF_PAGES:
        raise LoadError(path, f"has {n} pages (limit {MAX_PDF_PAGES}); split it first")
    try:
        import pdfplumber
    except ImportError as exc:  # pragma: no cover
        raise ImportError("PDF layout support needs pdfplumber: pip install pdfplumber") from exc
    pages = []
    try:
        with pdfplumber.open(str(path), password="") as pdf:
            for page in pdf.pages:
                pages.append(_page_lines(page))
                page.close()  # frees the page's parsed objects: memory stays flat on long files
    except LoadError:
        raise
    except Exception as exc:  # pdfminer raises many types on malformed content
        raise LoadError(path, f"is not a readable PDF ({type(exc).__name__}: {exc})") from exc
    return strip_furniture(pages)


def load_pdf(path: Path, ocr: bool = True) -> LoadedDocument:
    """Text of every page; pages without a text layer (scans) are read by OCR when ``ocr`` is on."""
    pages = read_pdf_pages(path)
    notes: list[str] = []
    confidence: list[float] | None = None
    if ocr:
        from .ocr import ocr_pdf, page_needs_ocr

        scanned = [i for i, p in enumerate(pages) if page_needs_ocr("\n".join(p))]
        if scanned:
            read = ocr_pdf(path, scanned, progress=log.isEnabledFor(logging.INFO))
            for page in read:
                pages[page.number - 1] = page.text.splitlines()
            confidence = [page.confidence for page in read]
            # OCR lines have no positions: the first and last line of a page stand in its margins
            pages = strip_furniture([([((k + 0.5) / len(p) * 1000, t) for k, t in enumerate(p)], 1000.0)
                                     for p in pages])
            notes.append(f"{len(read)} of {len(pages)} page(s) read by OCR (mean confidence "
                         f"{sum(confidence) / max(1, len(confidence)):.2f})")
            log.info("%s: %s", path.name, notes[-1])
    text = "\n".join("\n".join(p) for p in pages)
    if not text.strip():
        raise LoadError(path, "PDF has no text layer, and OCR found no text on its pages" if ocr else
                        "PDF has no text layer (scanned image?); OCR is off")
    return LoadedDocument(text=text, pages=len(pages), ocr_confidence=confidence, notes=notes)
