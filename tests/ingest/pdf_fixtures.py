"""PDFs shaped like real bulletins and newspaper pages, drawn with reportlab for the PDF reader's tests:
a red masthead, running headers and page numbers, a ruled statistics table, a distribution block, and a
two-column page whose columns are written row by row (left line, right line, left line …)."""
from __future__ import annotations

from pathlib import Path

FONT = "STSong-Light"


def _canvas(path: Path):
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return canvas.Canvas(str(path), pagesize=A4), A4


def wrap(text: str, width: int) -> list[str]:
    """Hard-wrap Chinese text every ``width`` characters, as a PDF line does."""
    return [text[i:i + width] for i in range(0, len(text), width)]


def bulletin_pdf(path: Path, pages: list[list[str]], *, name: str = "商都市文明办工作简报", issue: str = "5",
                 date: str = "2024年7月15日", table: tuple[int, list[list[str]]] | None = None,
                 distribution: list[str] | None = None) -> Path:
    """A bulletin: masthead on page 1, running header "NAME 第N期" on later pages, "—N—" page numbers;
    ``pages`` are lists of lines (already wrapped); ``table`` = (page index, rows) draws a ruled table
    below that page's text; ``distribution`` lines close the last page."""
    c, (w, h) = _canvas(path)
    for p, lines in enumerate(pages):
        y = h - 60
        if p == 0:
            c.setFillColorRGB(0.85, 0.0, 0.0)
            c.setFont(FONT, 26)
            c.drawCentredString(w / 2, y - 20, name)
            c.setFont(FONT, 14)
            c.drawCentredString(w / 2, y - 55, f"第{issue}期")
            c.setFillColorRGB(0, 0, 0)
            c.setFont(FONT, 11)
            c.drawString(70, y - 85, "商都市文明办")
            c.drawRightString(w - 70, y - 85, date)
            c.setStrokeColorRGB(0.85, 0, 0)
            c.setLineWidth(2)
            c.line(60, y - 95, w - 60, y - 95)
            c.setStrokeColorRGB(0, 0, 0)
            c.setLineWidth(1)
            y -= 130
        else:
            c.setFont(FONT, 9)
            c.drawCentredString(w / 2, h - 40, f"{name} 第{issue}期")
            c.line(60, h - 45, w - 60, h - 45)
            y = h - 80
        c.setFont(FONT, 12)
        for line in lines:
            c.drawString(70, y, line)
            y -= 20
        if table and table[0] == p:
            y -= 10
            cols = len(table[1][0])
            col_w = (w - 140) / cols
            for r, row in enumerate(table[1]):
                for k, cell in enumerate(row):
                    c.drawString(75 + k * col_w, y - 15, cell)
                c.line(70, y, w - 70, y)
                y -= 22
            c.line(70, y, w - 70, y)
            top = y + 22 * len(table[1])
            for k in range(cols + 1):
                c.line(70 + k * col_w, top, 70 + k * col_w, y)
            y -= 20
        if distribution and p == len(pages) - 1:
            y -= 20
            c.line(60, y + 12, w - 60, y + 12)
            for line in distribution:
                c.drawString(70, y - 4, line)
                y -= 20
        c.setFont(FONT, 10)
        c.drawCentredString(w / 2, 35, f"—{p + 1}—")
        c.showPage()
    c.save()
    return path


def two_column_pdf(path: Path, banner: str, left: list[str], right: list[str], *, row_by_row: bool = True,
                   pages: int = 1) -> Path:
    """A newspaper page: a full-width page line, then two columns. With ``row_by_row`` the content stream
    alternates left and right lines, as some typesetting tools write them."""
    c, (w, h) = _canvas(path)
    for _ in range(pages):
        c.setFont(FONT, 10)
        c.drawString(50, h - 40, banner)
        c.line(50, h - 46, w - 50, h - 46)
        c.setFont(FONT, 11)
        y0 = h - 80
        xl, xr = 50, w / 2 + 15
        n = max(len(left), len(right))
        order = [(i, side) for i in range(n) for side in (0, 1)] if row_by_row else \
            [(i, 0) for i in range(n)] + [(i, 1) for i in range(n)]
        for i, side in order:
            col = left if side == 0 else right
            if i < len(col):
                c.drawString(xl if side == 0 else xr, y0 - 18 * i, col[i])
        c.showPage()
    c.save()
    return path
