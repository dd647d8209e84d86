"""OFD (GB/T 33190-2016, the e-government fixed-layout format) read into plain text in reading order.

An OFD is a zip of XML: ``OFD.xml`` → ``DocBody/DocRoot`` → ``Document.xml`` → ``Pages/Page/@BaseLoc`` →
``Content.xml`` with ``Layer/TextObject/TextCode``. Every ``TextCode`` carries its Unicode text, so fonts
(``PublicRes``) are not needed to read it; its characters are placed from ``X``/``Y`` (the baseline, inside
the object's ``Boundary``, through its ``CTM``) and ``DeltaX``/``DeltaY`` (``g N w`` = N advances of w).
Each character becomes a :class:`Glyph` in page millimetres; glyphs are grouped into visual lines by baseline
(tolerance relative to font size), read left to right, CJK joined without spaces (a space only for a wide
gap, or between Latin/digits), overprinted duplicates dropped. A page with a vertical gutter that most lines
respect and both sides filled with prose is read left column, then right. Template pages are read too
(their text is drawn on the page); annotations, signatures and page images are not (no OCR here).

Library choice (measured 2026-11 on the fixtures of tests/ingest/test_ofd.py, written by ofd_writer.py):
  * ``easyofd`` 20260427 (maintained): pulls PyMuPDF (AGPL; with pymupdf4llm/onnxruntime ~350 MB),
    reportlab, fontTools, loguru, xmltodict. It writes the file and every member to the working directory,
    returns raw ``TextCode`` strings with boxes in content-stream order (no lines, no reading order, no
    DocInfo) and fails (IndexError) on a file without the literal ``ofd:`` prefix. Pieces correct; 25 ms a
    one-page fixture, 325 ms for 50 pages (this module: 2 ms and 90 ms, with lines and order).
  * ``ofdparser`` 0.0.8 (2023, superseded by easyofd): import fails on Linux (registers Windows
    ``simsun.ttc``); dependencies undeclared. ``ofdreader`` 0.1.0: the wheel holds no code. ``pyofd``:
    an unrelated Russian fiscal-receipt client.
So a stdlib reader (zipfile + xml.etree): no dependency, nothing unpacked to disk, and the line grouping is
needed anyway. XML is scanned by expat with DOCTYPE/ENTITY declarations refused first (no entity
expansion; defusedxml is not installed), then parsed by ElementTree.
"""
from __future__ import annotations

import logging
import math
import posixpath
import re
import time
import unicodedata
import xml.etree.ElementTree as ET
import zipfile
import zlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from xml.parsers import expat

from ..errors import LoadError
from .blocks import DocHints, LoadedDocument
from .files import check_zip

log = logging.getLogger(__name__)

MAX_OFD_PAGES = 2000  # a 1,000-page bulletin collection is already extreme
MAX_OFD_XML_MB = 200  # all XML parsed for one file, templates counted once per page that uses them
PAGE_SEPARATOR = "\n\f\n"
LINE_TOLERANCE_EM = 0.4  # baselines closer than this (× the larger font size) are one visual line
WIDE_GAP_EM = 2.5  # between two CJK characters, a gap wider than this is written as a space
NARROW_GAP_EM = 0.2  # next to a Latin letter or digit, a gap wider than this is a space
COLUMN_MERGE_EM = 0.8  # glyph gaps narrower than this are not a gutter
COLUMN_MAX_CROSSING = 0.2  # share of lines that may cross a gutter (a full-width title or footer)
MIN_COLUMN_LINES = 3
_REPEAT_CAP = 100_000  # ``g N w`` expands to at most this many advances

_CJK = "\u2e80-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\U00020000-\U0003ffff"
_NUM_RE = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_TOKEN_RE = re.compile(r"\S+")
_DATE_RE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")


@dataclass(frozen=True)
class Glyph:
    """One placed character: ``x`` its left edge and ``y`` its baseline, in millimetres from the page's
    top-left corner; ``size`` the font size and ``width`` the advance (mm)."""

    ch: str
    x: float
    y: float
    size: float
    width: float


def is_wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F")


def parse_deltas(spec: str | None, limit: int) -> list[float]:
    """``DeltaX``/``DeltaY`` → at most ``limit`` advances; ``g N w`` stands for N times w."""
    out: list[float] = []
    tokens = _TOKEN_RE.findall(spec or "")
    i = 0
    while i < len(tokens) and len(out) < limit:
        tok = tokens[i]
        if tok == "g" and i + 2 < len(tokens):
            count, value = _number(tokens[i + 1]), _number(tokens[i + 2])
            out.extend([value] * max(0, min(int(count), limit - len(out), _REPEAT_CAP)))
            i += 3
            continue
        out.append(_number(tok))
        i += 1
    return out


def _number(tok: str) -> float:
    m = _NUM_RE.search(tok)
    value = float(m.group()) if m else 0.0
    return value if math.isfinite(value) else 0.0


def _numbers(text: str | None) -> list[float]:
    return [_number(t) for t in _NUM_RE.findall(text or "")]


def place_run(text: str, x: float, y: float, size: float, dx: list[float] | None = None,
              dy: list[float] | None = None, ctm: tuple[float, ...] = (1, 0, 0, 1, 0, 0),
              origin: tuple[float, float] = (0.0, 0.0)) -> tuple[list[Glyph], float, float]:
    """Place the characters of one ``TextCode``; returns the glyphs and the pen position after the run
    (object space) for a following ``TextCode`` without X/Y. Whitespace moves the pen but makes no glyph."""
    a, b, c, d, e, f = ctm
    scale = math.sqrt(abs(a * d - b * c)) or 1.0
    dx, dy = dx or [], dy or []
    glyphs: list[Glyph] = []
    for i, ch in enumerate(text):
        natural = size if is_wide(ch) else size * 0.5
        step = dx[i] if i < len(dx) else natural
        if not ch.isspace() and unicodedata.category(ch)[0] != "C":
            width = min(step, natural) if step > 0 else natural
            glyphs.append(Glyph(ch, origin[0] + a * x + c * y + e, origin[1] + b * x + d * y + f,
                                size * scale, width * abs(a or scale)))
        x += step
        y += dy[i] if i < len(dy) else 0.0
    return glyphs, x, y


def group_lines(glyphs: list[Glyph]) -> list[list[Glyph]]:
    """Glyphs → visual lines (top to bottom), each sorted left to right."""
    lines: list[list[Glyph]] = []
    base = size = 0.0
    for g in sorted(glyphs, key=lambda g: (g.y, g.x)):
        if lines and g.y - base <= LINE_TOLERANCE_EM * max(size, g.size):
            lines[-1].append(g)
            size = max(size, g.size)
        else:
            lines.append([g])
            base, size = g.y, g.size
    return [sorted(line, key=lambda g: g.x) for line in lines]


def line_text(line: list[Glyph]) -> str:
    """One line's glyphs (sorted by x) as text: CJK joined, spaces only where the gap calls for one."""
    out: list[str] = []
    prev: Glyph | None = None
    for g in line:
        if prev is not None:
            em = max(prev.size, g.size, 1e-6)
            if g.ch == prev.ch and abs(g.x - prev.x) < 0.3 * em and abs(g.y - prev.y) < 0.3 * em:
                continue  # overprinted (fake bold, duplicated layer)
            gap = g.x - (prev.x + prev.width)
            limit = WIDE_GAP_EM if is_wide(prev.ch) and is_wide(g.ch) else NARROW_GAP_EM
            if gap > limit * em:
                out.append(" ")
        out.append(g.ch)
        prev = g
    return "".join(out).strip()


def _segments(line: list[Glyph]) -> list[tuple[float, float]]:
    """The x intervals a line occupies, glyph boxes merged across gaps narrower than COLUMN_MERGE_EM."""
    segs: list[tuple[float, float]] = []
    for g in line:
        lo, hi = g.x, g.x + g.width
        if segs and lo - segs[-1][1] < COLUMN_MERGE_EM * g.size:
            segs[-1] = (segs[-1][0], max(segs[-1][1], hi))
        else:
            segs.append((lo, hi))
    return segs


def find_gutter(lines: list[list[Glyph]]) -> float | None:
    """The x of a column gutter most lines respect, with prose on both sides beside each other, or None."""
    if len(lines) < 2 * MIN_COLUMN_LINES:
        return None
    segs = [_segments(line) for line in lines]
    lo = min(s[0][0] for s in segs)
    hi = max(s[-1][1] for s in segs)
    allowed = max(1, int(COLUMN_MAX_CROSSING * len(lines)))
    x0, x1 = lo + 0.25 * (hi - lo), lo + 0.75 * (hi - lo)  # a gutter lies in the middle half
    events = sorted(e for ss in segs for a, b in ss if a < x1 and b > x0
                    for e in ((max(a, x0), 1), (min(b, x1), -1)))
    best, start, depth, cur = (x0, x0), None, 0, x0
    for pos, step in events + [(x1, 0)]:  # sweep: widest stretch crossed by at most ``allowed`` lines
        if pos > cur:
            if depth <= allowed:
                start = cur if start is None else start
                best = (start, pos) if pos - start > best[1] - best[0] else best
            else:
                start = None
            cur = pos
        depth += step
    if best[1] <= best[0]:
        return None
    gutter = (best[0] + best[1]) / 2
    halves = [_split(line, gutter) for line in lines if not _crosses(line, gutter)]
    left, right = [h[0] for h in halves if h[0]], [h[1] for h in halves if h[1]]
    if min(len(left), len(right)) < MIN_COLUMN_LINES or not (_is_prose(left) and _is_prose(right)):
        return None
    top = max(left[0][0].y, right[0][0].y)
    bottom = min(left[-1][0].y, right[-1][0].y)
    shorter = min(left[-1][0].y - left[0][0].y, right[-1][0].y - right[0][0].y)
    return gutter if bottom - top >= 0.5 * shorter else None  # the columns stand beside each other


def _is_prose(lines: list[list[Glyph]]) -> bool:
    """Most lines of a text column fill it; the cells of a two-column table do not."""
    lo = min(line[0].x for line in lines)
    hi = max(line[-1].x + line[-1].width for line in lines)
    full = sum(1 for line in lines if line[-1].x + line[-1].width - line[0].x >= 0.6 * (hi - lo))
    return full >= len(lines) / 2


def _crosses(line: list[Glyph], gutter: float) -> bool:
    return any(a < gutter < b for a, b in _segments(line))


def _split(line: list[Glyph], gutter: float) -> tuple[list[Glyph], list[Glyph]]:
    return [g for g in line if g.x + g.width / 2 < gutter], [g for g in line if g.x + g.width / 2 >= gutter]


def page_lines(glyphs: list[Glyph]) -> list[str]:
    """A page's glyphs as text lines in reading order (two columns: spanning lines in place, columns of
    each stretch between them left then right)."""
    lines = group_lines(glyphs)
    gutter = find_gutter(lines)
    if gutter is None:
        return [t for t in (line_text(line) for line in lines) if t]
    log.debug("two columns, gutter at x=%.1f mm", gutter)
    out, left, right = [], [], []
    for line in lines + [None]:
        if line is None or _crosses(line, gutter):
            out.extend(left + right)
            left, right = [], []
            if line is not None:
                out.append(line_text(line))
            continue
        halves = _split(line, gutter)
        left.append(line_text(halves[0]))
        right.append(line_text(halves[1]))
    return [t for t in out if t]


class _Refused(Exception):
    pass


def _refuse(*_args: object) -> None:
    raise _Refused


class _Package:
    """The zip's members, looked up the way OFD paths are written (relative, absolute, any case), and parsed
    once each with DOCTYPE refused and a budget on XML bytes."""

    def __init__(self, path: Path, z: zipfile.ZipFile):
        self.path, self.z = path, z
        self.names = {n.lower(): n for n in z.namelist()}
        self.cache: dict[str, ET.Element] = {}
        self.budget = MAX_OFD_XML_MB * 2**20

    def resolve(self, base: str, loc: str) -> str | None:
        loc = loc.strip().replace("\\", "/")
        joined = loc.lstrip("/") if loc.startswith("/") else posixpath.join(posixpath.dirname(base), loc)
        for cand in (posixpath.normpath(joined), posixpath.normpath(loc.lstrip("/"))):
            if cand.lower() in self.names:
                return self.names[cand.lower()]
        return None

    def xml(self, name: str, keep: bool = False) -> ET.Element:
        """Parse a member; ``keep`` caches the tree (templates, drawn on many pages)."""
        if name in self.cache:
            return self.cache[name]
        try:
            data = self.z.read(name)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError) as exc:
            raise LoadError(self.path, f"is not a valid .ofd ({name} cannot be unpacked: {exc})") from exc
        self.budget -= len(data)
        if self.budget < 0:
            raise LoadError(self.path, f"holds over {MAX_OFD_XML_MB} MB of page XML (limit); not read")
        guard = expat.ParserCreate()
        guard.StartDoctypeDeclHandler = _refuse
        guard.EntityDeclHandler = _refuse
        try:
            guard.Parse(data, True)
            root = ET.fromstring(data)
        except _Refused:
            raise LoadError(self.path, f"{name} declares a DOCTYPE (refused: entity expansion risk); not read") \
                from None
        except (expat.ExpatError, ET.ParseError, ValueError, LookupError) as exc:  # LookupError: encoding=
            reason = re.sub(r"\s+", " ", str(exc)).strip()
            raise LoadError(self.path, f"is not a valid .ofd ({name} is malformed XML: {reason})") from exc
        if keep:
            self.cache[name] = root
        return root


def _local(tag: object) -> str:
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _children(el: ET.Element, name: str) -> list[ET.Element]:
    return [c for c in el.iter() if _local(c.tag) == name]


def _first_text(el: ET.Element, name: str) -> str:
    found = _children(el, name)
    return (found[0].text or "").strip() if found else ""


def _page_glyphs(root: ET.Element) -> list[Glyph]:
    glyphs: list[Glyph] = []
    for obj in _children(root, "TextObject"):
        bx, by = (_numbers(obj.get("Boundary")) + [0.0, 0.0])[:2]
        ctm_vals = _numbers(obj.get("CTM"))
        ctm = tuple(ctm_vals) if len(ctm_vals) == 6 else (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
        size = _number(obj.get("Size", "")) or 3.5
        pen_x = pen_y = 0.0
        for code in _children(obj, "TextCode"):
            text = code.text or ""
            pen_x = _number(code.get("X")) if code.get("X") is not None else pen_x
            pen_y = _number(code.get("Y")) if code.get("Y") is not None else pen_y
            run, pen_x, pen_y = place_run(text, pen_x, pen_y, size, parse_deltas(code.get("DeltaX"), len(text)),
                                          parse_deltas(code.get("DeltaY"), len(text)), ctm, (bx, by))
            glyphs.extend(run)
    return glyphs


def _iso_date(text: str) -> str | None:
    m = _DATE_RE.search(text)
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat() if m else None
    except ValueError:
        return None


def _read(path: Path, pkg: _Package) -> tuple[list[list[str]], DocHints]:
    if "ofd.xml" not in pkg.names:
        raise LoadError(path, "is not a valid .ofd (no OFD.xml)")
    root_name = pkg.names["ofd.xml"]
    ofd = pkg.xml(root_name)
    bodies = _children(ofd, "DocBody")
    if not bodies:
        raise LoadError(path, "is not a valid .ofd (OFD.xml has no DocBody)")
    hints = DocHints()
    info = _children(bodies[0], "DocInfo")
    if info:
        hints.title = _first_text(info[0], "Title") or None
        hints.author = _first_text(info[0], "Author") or None
        hints.date = _iso_date(_first_text(info[0], "CreationDate"))
    pages: list[list[str]] = []
    for body in bodies:
        doc_loc = _first_text(body, "DocRoot")
        if not doc_loc:
            raise LoadError(path, "is not a valid .ofd (OFD.xml names no DocRoot)")
        doc_name = pkg.resolve(root_name, doc_loc)
        if doc_name is None:
            raise LoadError(path, f"is not a valid .ofd (Document.xml {doc_loc!r} named by OFD.xml is missing)")
        doc = pkg.xml(doc_name)
        templates = {t.get("ID", ""): t.get("BaseLoc", "") for t in _children(doc, "TemplatePage")}
        refs = [p for p in _children(doc, "Page") if p.get("BaseLoc")]
        if len(pages) + len(refs) > MAX_OFD_PAGES:
            raise LoadError(path, f"has {len(pages) + len(refs)} pages (limit MAX_OFD_PAGES={MAX_OFD_PAGES}); "
                                  "not read")
        for ref in refs:
            name = pkg.resolve(doc_name, ref.get("BaseLoc", ""))
            if name is None:
                raise LoadError(path, f"is not a valid .ofd (page {ref.get('BaseLoc')!r} is missing)")
            page = pkg.xml(name)
            glyphs = _page_glyphs(page)
            for use in _children(page, "Template"):
                tpl = pkg.resolve(doc_name, templates.get(use.get("TemplateID", ""), "") or "")
                if tpl:
                    glyphs.extend(_page_glyphs(pkg.xml(tpl, keep=True)))
            pages.append(page_lines(glyphs))
    return pages, hints


def load_ofd(path: Path | str) -> LoadedDocument:
    """Read an ``.ofd`` file's text layer (one line per visual line, pages separated by a form feed) and
    its DocInfo (title, author, creation date) or raise :class:`LoadError` with a one-line reason."""
    path = Path(path)
    start = time.perf_counter()
    check_zip(path, ".ofd")
    try:
        with zipfile.ZipFile(path) as z:
            pages, hints = _read(path, _Package(path, z))
    except LoadError:
        raise
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise LoadError(path, f"is not a valid .ofd ({type(exc).__name__}: {exc})") from exc
    text = PAGE_SEPARATOR.join("\n".join(lines) for lines in pages)
    if not text.strip():
        raise LoadError(path, f"has no text layer (scanned?) in {len(pages)} page(s); OCR of OFD page images "
                              "is not supported")
    log.info("%s: %d OFD page(s), %d characters in %.0f ms", path.name, len(pages), len(text),
             (time.perf_counter() - start) * 1000)
    return LoadedDocument(text=text, blocks=None, hints=hints, pages=len(pages))
