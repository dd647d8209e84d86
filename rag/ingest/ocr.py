"""Offline OCR of scanned PDFs and images (rapidocr_onnxruntime + pypdfium2).

rapidocr_onnxruntime ships the PP-OCRv4 Chinese detection/recognition and the direction-classifier
ONNX models inside its wheel, so nothing is downloaded; pypdfium2 renders PDF pages to images.
Both are imported lazily, only when OCR actually runs.

The text is laid out the way a text-layer PDF extracts: one line per visual line, top to bottom,
boxes of a line left to right (no space between two Chinese characters), a blank line between
visually separated blocks, and on a two-column page the left column before the right one.
The PDF loader calls :func:`page_needs_ocr` on each page's text layer and :func:`ocr_pdf` only
for the pages that need it, so partly scanned PDFs work.
"""
from __future__ import annotations

import logging
import os
import statistics
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

from ..errors import LoadError
from ..text import FULLWIDTH_PUNCT, is_cjk

if TYPE_CHECKING:  # pragma: no cover
    from PIL.Image import Image

log = logging.getLogger(__name__)

# Render resolution for OCR, calibrated on 2 CPU cores with the A4 bulletin fixture of tests/ingest/test_ocr.py
# scanned at 200 dpi, blurred, noised and skewed 0.6 deg, body text 7.5-12 pt. Character accuracy is flat from
# 120 to 200 dpi for 9-12 pt (99.7-100%) and best at 120 for 7.5 pt (98.4%; 100 dpi: 97.0%, 200 dpi: 97.0%);
# on very noisy scans lower resolutions average the noise out (9 pt: 78% at 120 dpi, 73% at 150, 68% at 200).
# Recognition time depends on the amount of text, detection on the pixel count: 150 dpi costs ~1.3x and 200 dpi
# ~1.8x the CPU time of 120 dpi per page, for no accuracy gain.
OCR_DPI = 120
# Images above this many pixels (an A4 page at ~160 dpi; phone photos, 300 dpi scans) are shrunk to it first:
# detection time grows with the pixel count and calibration found no gain above ~150 dpi. A pixel budget,
# not a longest-side limit, so long strip screenshots (WeChat articles) keep readable text.
MAX_OCR_PIXELS = 2_500_000
ENGINE_MAX_SIDE = 10_000  # rapidocr's own longest-side limit (default 2000), raised: MAX_OCR_PIXELS rules
MAX_OCR_PAGES = 100  # a PDF needing OCR on more pages is refused (~1 min per 10-20 pages on 2 cores)
MIN_TEXT_LAYER_CHARS = 20  # letters/digits/汉字 below which a page's text layer counts as missing
MIN_SCORE = 0.5  # rapidocr's own default: recognitions scoring lower are dropped

# Layout: fractions of the median text-line height.
SAME_LINE_OVERLAP = 0.5  # vertical overlap (of the shorter box) for two boxes to share a line
BLOCK_GAP = 1.0  # a vertical gap wider than this between two lines starts a new block (blank line)
# Column detection: a gutter is an x position in the middle of the text that almost no box crosses.
GUTTER_MAX_CROSSING = 0.25  # share of boxes that may cross it (masthead, headings, footer over both columns)
MIN_COLUMN_BOXES = 3  # each column needs at least this many boxes
MIN_COLUMN_FILL = 0.6  # median box width in a column / the column's width (rules out tables, lists)


@dataclass
class OcrPage:
    """The recognised text of one page or image."""

    number: int  # 1-based page number
    text: str
    confidence: float  # mean recognition score 0..1; 0.0 when no text was found


@dataclass(frozen=True)
class Box:
    """One recognised text box, as an axis-aligned rectangle in pixels."""

    x0: float
    y0: float
    x1: float
    y1: float
    text: str
    score: float = 1.0

    @property
    def height(self) -> float:
        return self.y1 - self.y0

    @property
    def yc(self) -> float:
        return (self.y0 + self.y1) / 2


# ---------------------------------------------------------------------------------------------- layout

def page_needs_ocr(text_layer: str) -> bool:
    """True when a page's text layer is empty or nearly so (fewer than MIN_TEXT_LAYER_CHARS letters,
    digits or Chinese characters; a scanned page often carries only a page number or a stamp)."""
    count = sum(1 for ch in text_layer if ch.isalnum())
    return count < MIN_TEXT_LAYER_CHARS


def _cjkish(ch: str) -> bool:
    return is_cjk(ch) or ch in FULLWIDTH_PUNCT or "\u3000" <= ch <= "\u303f" or "\uff00" <= ch <= "\uffef"


def join_boxes(boxes: Sequence[Box]) -> str:
    """Join the boxes of one line left to right: no space between two Chinese characters, else one."""
    out = ""
    for box in sorted(boxes, key=lambda b: b.x0):
        text = box.text.strip()
        if not text:
            continue
        if out and not (_cjkish(out[-1]) and _cjkish(text[0])):
            out += " "
        out += text
    return out


def group_lines(boxes: Sequence[Box]) -> list[list[Box]]:
    """Group boxes into lines (vertical overlap of at least SAME_LINE_OVERLAP of the shorter box),
    lines top to bottom, boxes of a line left to right."""
    lines: list[list[Box]] = []
    for box in sorted(boxes, key=lambda b: (b.yc, b.x0)):
        if lines:
            line = lines[-1]
            top = statistics.fmean(b.y0 for b in line)
            bottom = statistics.fmean(b.y1 for b in line)
            overlap = min(bottom, box.y1) - max(top, box.y0)
            if overlap >= SAME_LINE_OVERLAP * min(bottom - top, box.height):
                line.append(box)
                continue
        lines.append([box])
    return [sorted(line, key=lambda b: b.x0) for line in lines]


def find_gutter(boxes: Sequence[Box]) -> float | None:
    """The x position of a clear vertical gutter between two columns of text, or None.

    Candidates lie in the middle 40% of the text's width; those crossed by at most GUTTER_MAX_CROSSING of
    the boxes are allowed, and the gutter is the middle of the widest run of allowed positions. It counts
    if both sides hold MIN_COLUMN_BOXES boxes that overlap vertically and the boxes of each side fill their
    column (so a table or a list of short items is not taken for columns)."""
    if len(boxes) < 2 * MIN_COLUMN_BOXES:
        return None
    left_edge = min(b.x0 for b in boxes)
    right_edge = max(b.x1 for b in boxes)
    width = right_edge - left_edge
    if width <= 0:
        return None
    steps = 80
    xs = [left_edge + width * (0.3 + 0.4 * i / steps) for i in range(steps + 1)]
    allowed = [sum(1 for b in boxes if b.x0 < x < b.x1) <= GUTTER_MAX_CROSSING * len(boxes) for x in xs]
    runs: list[tuple[int, int]] = []  # (first, last) indices of runs of allowed positions
    for i, ok in enumerate(allowed):
        if ok and i and allowed[i - 1]:
            runs[-1] = (runs[-1][0], i)
        elif ok:
            runs.append((i, i))
    if not runs:
        return None
    first, last = max(runs, key=lambda r: (r[1] - r[0], -abs(r[0] + r[1] - steps)))
    gutter = (xs[first] + xs[last]) / 2
    left = [b for b in boxes if b.x1 <= gutter]
    right = [b for b in boxes if b.x0 >= gutter]
    if len(left) < MIN_COLUMN_BOXES or len(right) < MIN_COLUMN_BOXES:
        return None
    overlap = min(max(b.y1 for b in left), max(b.y1 for b in right)) - max(min(b.y0 for b in left),
                                                                           min(b.y0 for b in right))
    shorter = min(max(b.y1 for b in side) - min(b.y0 for b in side) for side in (left, right))
    if overlap < 0.5 * shorter:
        return None
    if (statistics.median(b.x1 - b.x0 for b in left) < MIN_COLUMN_FILL * (gutter - left_edge)
            or statistics.median(b.x1 - b.x0 for b in right) < MIN_COLUMN_FILL * (right_edge - gutter)):
        return None
    return gutter


def _lines_to_text(lines: Sequence[tuple[list[Box], bool]], line_height: float) -> str:
    """Render (line, starts_block) pairs; a blank line goes before a forced block start or a wide gap."""
    out: list[str] = []
    previous_bottom: float | None = None
    for line, starts_block in lines:
        text = join_boxes(line)
        if not text:
            continue
        gap = min(b.y0 for b in line) - previous_bottom if previous_bottom is not None else 0.0
        if out and (starts_block or gap > BLOCK_GAP * line_height):
            out.append("")
        out.append(text)
        previous_bottom = max(b.y1 for b in line)
    return "\n".join(out)


def layout_text(boxes: Sequence[Box]) -> str:
    """The text of one page in reading order (see the module docstring)."""
    boxes = [b for b in boxes if b.text.strip()]
    if not boxes:
        return ""
    line_height = statistics.median(b.height for b in boxes)
    gutter = find_gutter(boxes)
    if gutter is None:
        return _lines_to_text([(line, False) for line in group_lines(boxes)], line_height)
    # Lines crossing the gutter (masthead, a heading or footer over both columns) cut the page into bands;
    # a band is read left column, then right column (each starting a new block).
    spanning = group_lines([b for b in boxes if b.x0 < gutter < b.x1])
    columned = [b for b in boxes if not b.x0 < gutter < b.x1]
    ordered: list[tuple[list[Box], bool]] = []
    top = float("-inf")
    for line in [*spanning, None]:
        bottom = float("inf") if line is None else statistics.fmean(b.yc for b in line)
        band = [b for b in columned if top <= b.yc < bottom]
        left = [b for b in band if b.x1 <= gutter]
        right = [b for b in band if b.x0 >= gutter]
        in_columns = min(len(left), len(right)) >= MIN_COLUMN_BOXES  # not e.g. a lone date line
        if in_columns:
            for column in (left, right):
                ordered += [(ln, i == 0) for i, ln in enumerate(group_lines(column))]
        else:
            ordered += [(ln, False) for ln in group_lines(band)]
        if line is not None:
            ordered.append((line, in_columns))
            top = bottom
    return _lines_to_text(ordered, line_height)


# ---------------------------------------------------------------------------------------------- engine

_ENGINE: Any = None
_ENGINE_PID: int | None = None
_INIT_LOCK = threading.Lock()
_RUN_LOCK = threading.Lock()  # one recognition at a time: 2 cores, and bounded memory


def _engine() -> Any:
    """The process's rapidocr engine, created on first use (thread-safe; re-created after a fork)."""
    global _ENGINE, _ENGINE_PID
    if _ENGINE is not None and _ENGINE_PID == os.getpid():
        return _ENGINE
    with _INIT_LOCK:
        if _ENGINE is None or _ENGINE_PID != os.getpid():
            try:
                from rapidocr_onnxruntime import RapidOCR
            except ImportError as exc:
                raise ImportError(f"OCR needs rapidocr_onnxruntime (pip install rapidocr_onnxruntime): {exc}") \
                    from exc
            import time

            started = time.perf_counter()
            _ENGINE = RapidOCR(max_side_len=ENGINE_MAX_SIDE, text_score=MIN_SCORE)
            _ENGINE_PID = os.getpid()
            log.info("OCR models loaded in %.1f s", time.perf_counter() - started)
    return _ENGINE


def _prepare(image: Image) -> Image:
    """RGB on white (transparent PNGs), upright (EXIF orientation), at most MAX_OCR_PIXELS pixels."""
    from PIL import Image as PILImage
    from PIL import ImageOps

    image = ImageOps.exif_transpose(image)
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = PILImage.new("RGBA", rgba.size, "white")
        image = PILImage.alpha_composite(background, rgba)
    image = image.convert("RGB")
    pixels = image.width * image.height
    if pixels > MAX_OCR_PIXELS:
        factor = (MAX_OCR_PIXELS / pixels) ** 0.5
        size = (max(1, int(image.width * factor)), max(1, int(image.height * factor)))
        image = image.resize(size, PILImage.Resampling.LANCZOS)
    return image


def _recognise(image: Image, number: int) -> OcrPage:
    engine = _engine()
    image = _prepare(image)
    with _RUN_LOCK:
        result, _elapsed = engine(image)
    boxes = []
    for quad, text, score in result or ():
        xs = [float(p[0]) for p in quad]
        ys = [float(p[1]) for p in quad]
        boxes.append(Box(min(xs), min(ys), max(xs), max(ys), str(text), float(score)))
    boxes = [b for b in boxes if b.text.strip()]
    confidence = statistics.fmean(b.score for b in boxes) if boxes else 0.0
    return OcrPage(number=number, text=layout_text(boxes), confidence=confidence)


def _one_line(exc: BaseException) -> str:
    message = " ".join(str(exc).splitlines()).strip()
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


def ocr_image(path_or_pil_image: str | Path | Image) -> OcrPage:
    """OCR one image (a path to any format Pillow reads, or a PIL image); the page number is 1.

    Raises LoadError for a missing, unreadable or corrupt image file."""
    try:
        from PIL import Image as PILImage
        from PIL import UnidentifiedImageError
    except ImportError as exc:  # pragma: no cover
        raise ImportError(f"OCR needs Pillow (pip install pillow): {exc}") from exc
    if isinstance(path_or_pil_image, PILImage.Image):
        return _recognise(path_or_pil_image, 1)
    path = Path(path_or_pil_image)
    try:
        image = PILImage.open(path)
        image.load()  # decodes now, so that corrupt data fails here (the first frame of a TIFF/GIF)
    except UnidentifiedImageError as exc:
        raise LoadError(path, "is not a readable image (unknown or corrupt format)") from exc
    except PILImage.DecompressionBombError as exc:
        raise LoadError(path, f"is too large an image to read ({_one_line(exc)})") from exc
    except FileNotFoundError as exc:
        raise LoadError(path, "does not exist") from exc
    except (OSError, SyntaxError, ValueError) as exc:  # truncated data, broken headers
        raise LoadError(path, f"is not a readable image ({_one_line(exc)})") from exc
    return _recognise(image, 1)


def ocr_pdf(path: str | Path, pages: list[int] | None = None, progress: bool = True) -> list[OcrPage]:
    """OCR the given 0-based pages of a PDF (all when None), rendered at OCR_DPI, in page order.

    Raises LoadError for an unreadable, corrupt or password-protected PDF, a page index outside the
    document, or when more than MAX_OCR_PAGES pages would need OCR (checked before any work)."""
    try:
        import pypdfium2 as pdfium
    except ImportError as exc:
        raise ImportError(f"OCR of PDFs needs pypdfium2 (pip install pypdfium2): {exc}") from exc
    from tqdm import tqdm

    path = Path(path)
    if not path.is_file():
        raise LoadError(path, "does not exist")
    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise LoadError(path, "is an encrypted PDF (password required)") from exc
        raise LoadError(path, f"is not a readable PDF ({_one_line(exc)})") from exc
    try:
        total = len(pdf)
        wanted = list(range(total)) if pages is None else sorted(set(pages))
        outside = [i for i in wanted if not 0 <= i < total]
        if outside:
            raise LoadError(path, f"has {total} pages; no page index {outside[0]} to OCR")
        if len(wanted) > MAX_OCR_PAGES:
            raise LoadError(path, f"would need OCR on {len(wanted)} pages (limit {MAX_OCR_PAGES}); not read")
        results: list[OcrPage] = []
        for index in tqdm(wanted, desc=f"OCR {path.name}", unit="page", disable=not progress):
            try:
                page = pdf[index]
                try:
                    width, height = page.get_size()
                    scale = min(OCR_DPI / 72, (MAX_OCR_PIXELS / max(width * height, 1.0)) ** 0.5)
                    image = page.render(scale=scale, grayscale=True).to_pil()
                finally:
                    page.close()
            except pdfium.PdfiumError as exc:
                raise LoadError(path, f"page {index + 1} cannot be rendered ({_one_line(exc)})") from exc
            results.append(_recognise(image, index + 1))
            log.debug("%s: page %d OCR'd, confidence %.2f", path.name, index + 1, results[-1].confidence)
        return results
    finally:
        pdf.close()
