"""PDF writers (reportlab): bulletin with red masthead, two-column newspaper page, two-column journal paper and
a browser print-out. Text is drawn with the non-embedded CID font STSong-Light, as many office PDFs are."""
from __future__ import annotations

import io
from pathlib import Path

FONT = "STSong-Light"
RED = (0.8, 0.0, 0.0)
NO_LINE_START = set("，。、；：？！”’）》」』%")


def register() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def wrap(text: str, size: float, width: float, first_indent: float = 0.0) -> list[str]:
    """Break ``text`` into lines no wider than ``width`` points (the first line ``first_indent`` narrower);
    closing punctuation never starts a line."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    lines, cur, used, limit = [], "", 0.0, width - first_indent
    for ch in text:
        cw = stringWidth(ch, FONT, size)
        if cur and used + cw > limit and ch not in NO_LINE_START:
            lines.append(cur)
            cur, used, limit = "", 0.0, width
        cur += ch
        used += cw
    if cur:
        lines.append(cur)
    return lines


def draw(c, x: float, y: float, s: str, size: float, *, bold: bool = False, color=None, align: str = "left"):
    """One line of text; ``bold`` fakes a bold face with fill+stroke rendering, as office software does."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    width = stringWidth(s, FONT, size)
    x = {"left": x, "center": x - width / 2, "right": x - width}[align]
    c.saveState()
    if color:
        c.setFillColorRGB(*color)
        c.setStrokeColorRGB(*color)
    t = c.beginText(x, y)
    t.setFont(FONT, size)
    if bold:
        c.setLineWidth(size / 30)
        t.setTextRenderMode(2)
    t.textOut(s)
    c.drawText(t)
    c.restoreState()


class Flow:
    """Text flowing down ``columns`` [(x, width), ...] page after page; ``decorate(canvas, page_no, total)``
    draws running headers and footers when a page is finished (``total`` is known on the second pass)."""

    def __init__(self, target, pagesize, columns, top, bottom, decorate, total=None):
        from reportlab.pdfgen import canvas

        register()
        self.c = canvas.Canvas(str(target) if isinstance(target, Path) else target, pagesize=pagesize)
        self.w, self.h = pagesize
        self.columns, self.top, self.bottom = columns, top, bottom
        self.decorate, self.total = decorate, total
        self.page, self.col, self.y = 1, 0, top
        self.base_bottom, self.column_top = bottom, top

    @property
    def x(self) -> float:
        return self.columns[self.col][0]

    @property
    def width(self) -> float:
        return self.columns[self.col][1]

    def new_page(self):
        self.decorate(self.c, self.page, self.total)
        self.c.showPage()
        self.page, self.col, self.y = self.page + 1, 0, self.top
        self.bottom, self.column_top = self.base_bottom, self.top  # page 1 may have had its own frame

    def next_column(self):
        if self.col + 1 < len(self.columns):
            self.col, self.y = self.col + 1, self.column_top
        else:
            self.new_page()

    def need(self, height: float):
        if self.y - height < self.bottom:
            self.next_column()

    def lines(self, lines: list[str], size: float, leading: float, *, bold=False, align="left", indent=0.0):
        for i, line in enumerate(lines):
            self.need(leading)
            self.y -= leading
            if align == "center":
                draw(self.c, self.x + self.width / 2, self.y, line, size, bold=bold, align="center")
            else:
                draw(self.c, self.x + (indent if i == 0 else 0), self.y, line, size, bold=bold)

    def para(self, text: str, size: float, leading: float, *, indent: bool = True):
        ind = 2 * size if indent else 0.0
        self.lines(wrap(text, size, self.width, ind), size, leading, indent=ind)

    def table(self, rows: list[list[str]], size: float, row_h: float):
        """A ruled table with a wider first column; kept on one page."""
        self.need(row_h * len(rows) + 6)
        first = self.width * 0.28
        rest = (self.width - first) / (len(rows[0]) - 1)
        xs = [self.x, self.x + first] + [self.x + first + rest * i for i in range(1, len(rows[0]))]
        top = self.y - 6
        c = self.c
        c.setLineWidth(0.8)
        for r, row in enumerate(rows):
            y = top - row_h * (r + 1)
            for i, cell in enumerate(row):
                draw(c, (xs[i] + xs[i + 1]) / 2, y + row_h * 0.3, str(cell), size, bold=(r == 0), align="center")
        for r in range(len(rows) + 1):
            c.line(xs[0], top - row_h * r, xs[-1], top - row_h * r)
        for x in xs:
            c.line(x, top, x, top - row_h * len(rows))
        self.y = top - row_h * len(rows) - 8

    def finish(self):
        self.decorate(self.c, self.page, self.total)
        self.c.showPage()
        self.c.save()


def two_pass(render, path: Path) -> Path:
    """Run ``render(target, total)`` once to count pages, then again with the total known."""
    probe = render(io.BytesIO(), None)
    render(path, probe)
    return path


def bulletin_pdf(path: Path, b: dict, *, size: float = 12, leading: float = 20, breaks: tuple = ()) -> Path:
    """A bulletin: red masthead (name, issue, office + date, red rule), 【栏目】, bold centred article titles,
    indented paragraphs, ruled tables, running header from page 2, "—N—" page numbers, distribution block."""
    from reportlab.lib.pagesizes import A4

    w, h = A4
    left, right = 72, 72

    def decorate(c, n, total):
        if n > 1:
            draw(c, w / 2, h - 45, f"{b['name']} {b['issue']}", 9, align="center")
            c.setLineWidth(0.5)
            c.line(left, h - 50, w - right, h - 50)
        draw(c, w / 2, 40, f"—{n}—", 11, align="center")

    def render(target, total):
        f = Flow(target, A4, [(left, w - left - right)], h - 70, 75, decorate, total)
        c = f.c
        draw(c, w / 2, h - 105, b["name"], 30, color=RED, bold=True, align="center")
        draw(c, w / 2, h - 140, b["issue"], 14, align="center")
        draw(c, left, h - 172, b["office"], 12)
        draw(c, w - right, h - 172, b["date"], 12, align="right")
        c.setStrokeColorRGB(*RED)
        c.setLineWidth(2)
        c.line(left - 10, h - 182, w - right + 10, h - 182)
        c.setLineWidth(0.6)
        c.line(left - 10, h - 186, w - right + 10, h - 186)
        c.setStrokeColorRGB(0, 0, 0)
        f.y = h - 200
        for section, articles in b["sections"]:
            if section:
                f.need(3 * leading)
                f.y -= 10
                f.lines([f"【{section}】"], size + 2, leading + 4, bold=True)
            for art in articles:
                if art["title"] in breaks:
                    f.new_page()
                title = wrap(art["title"], size + 2, f.width - 40)
                f.need(len(title) * (leading + 4) + 2 * leading)
                f.y -= 6
                f.lines(title, size + 2, leading + 4, bold=True, align="center")
                f.y -= 4
                for block in art["body"]:
                    if isinstance(block, str):
                        f.para(block, size, leading)
                    elif block[0] == "table":
                        f.table(block[1], size - 1.5, leading + 2)
                    else:
                        for i, item in enumerate(block[1], 1):
                            f.para(f"{i}. {item}", size, leading)
        dist = b.get("distribution") or []
        if dist:
            f.need(len(dist) * leading + 30)
            f.y -= 14
            c.setLineWidth(0.8)
            c.line(f.x, f.y, f.x + f.width, f.y)
            for line in dist[:-1]:
                f.lines([line], size - 1, leading)
            f.y -= 6
            c.line(f.x, f.y, f.x + f.width, f.y)
            draw(c, f.x + f.width, f.y - leading, dist[-1], size - 1, align="right")
            f.y -= leading
        f.finish()
        return f.page

    return two_pass(render, path)


def newspaper_pdf(path: Path, d: dict) -> Path:
    """A broadsheet page (A3): top page line, double rule, two columns of articles with headlines and bylines,
    a photo with caption in the right column, an advert box across the foot of the page."""
    from reportlab.lib.pagesizes import A3

    w, h = A3
    margin, gap = 50, 30
    cw = (w - 2 * margin - gap) / 2
    advert_top = 250

    def decorate(c, n, total):
        draw(c, margin, 45, d["editor"], 9)

    f = Flow(path, A3, [(margin, cw), (margin + cw + gap, cw)], h - 110, advert_top + 20, decorate)
    c = f.c
    draw(c, margin, h - 60, d["top"], 13, bold=True)
    c.setLineWidth(2)
    c.line(margin, h - 72, w - margin, h - 72)
    c.setLineWidth(0.6)
    c.line(margin, h - 76, w - margin, h - 76)
    c.line(margin + cw + gap / 2, h - 100, margin + cw + gap / 2, advert_top + 20)
    f.column_top = h - 110
    for i, art in enumerate(d["articles"]):
        if i == 2:
            f.next_column()
        f.lines(wrap(art["title"], 22, f.width), 22, 30, bold=True)
        f.y -= 4
        f.lines([art["byline"]], 10.5, 18)
        for p in art["body"]:
            f.para(p, 12.5, 19)
        if art.get("caption"):
            f.need(190)
            c.setFillColorRGB(0.55, 0.58, 0.6)
            c.rect(f.x, f.y - 160, f.width, 150, stroke=0, fill=1)
            c.setFillColorRGB(0.35, 0.4, 0.45)
            c.circle(f.x + f.width * 0.3, f.y - 80, 35, stroke=0, fill=1)
            c.setFillColorRGB(0, 0, 0)
            f.y -= 166
            f.lines(wrap(art["caption"], 10, f.width), 10, 15)
        f.y -= 22
        c.setLineWidth(0.4)
        c.line(f.x, f.y + 10, f.x + f.width, f.y + 10)
    c.setLineWidth(1.5)
    c.rect(margin, 70, w - 2 * margin, advert_top - 70)
    for i, line in enumerate(d["advert"]):
        draw(c, w / 2, advert_top - 60 - i * 45, line, 26 if i == 0 else 18, bold=(i != 1), align="center",
             color=RED if i == 0 else None)
    f.finish()
    return path


def journal_pdf(path: Path, j: dict) -> Path:
    """A journal paper: running head, column label, title, authors, affiliation, abstract block across the page,
    footnote block on page 1, then a two-column body; page numbers "·45·" at the top outer corner."""
    from reportlab.lib.pagesizes import A4

    w, h = A4
    margin, gap = 56, 20
    cw = (w - 2 * margin - gap) / 2

    def decorate(c, n, total):
        draw(c, margin, h - 40, j["running"], 9)
        draw(c, w - margin, h - 40, f"·{44 + n}·", 9, align="right")
        c.setLineWidth(0.5)
        c.line(margin, h - 45, w - margin, h - 45)

    f = Flow(path, A4, [(margin, cw), (margin + cw + gap, cw)], h - 60, 60, decorate)
    c = f.c
    full = Flow.__new__(Flow)  # the full-width head of page 1 shares the canvas
    full.__dict__.update(f.__dict__)
    full.columns, full.col, full.y = [(margin, w - 2 * margin)], 0, h - 70
    full.lines([j["column"]], 10, 16)
    full.y -= 10
    full.lines(wrap(j["title"], 17, w - 2 * margin - 60), 17, 26, bold=True, align="center")
    full.y -= 6
    full.lines([j["authors"]], 12, 20, align="center")
    full.lines(wrap(j["affiliation"], 9, w - 2 * margin), 9, 14, align="center")
    full.y -= 8
    for block in (j["abstract"], j["keywords"], j["codes"]):
        full.lines(wrap(block, 9.5, w - 2 * margin - 40), 9.5, 15, indent=0)
    c.setLineWidth(0.5)
    c.line(margin, full.y - 10, w - margin, full.y - 10)
    # footnotes at the foot of page 1; the body stops above them
    notes = [ln for n in j["notes"] for ln in wrap(n, 8.5, w - 2 * margin)]
    for i, line in enumerate(notes):
        draw(c, margin, 60 + 13 * (len(notes) - 1 - i), line, 8.5)
    c.line(margin, 60 + 13 * len(notes), margin + 120, 60 + 13 * len(notes))
    f.bottom = 60 + 13 * len(notes) + 10
    f.y = f.column_top = full.y - 20
    for head, paras in j["body"]:
        f.need(3 * 17)
        f.y -= 6
        f.lines([head], 11, 20, bold=True)
        for p in paras:
            f.para(p, 10.5, 17)
    f.y -= 8
    for ref in j["references"]:
        f.lines(wrap(ref, 9, f.width), 9, 14)
    f.finish()
    return path


def browser_pdf(path: Path, b: dict) -> Path:
    """A web page printed from a browser: date/time and page title at the top, URL and "n/N" at the bottom."""
    from reportlab.lib.pagesizes import A4

    w, h = A4
    margin = 40

    def decorate(c, n, total):
        draw(c, margin, h - 22, b["stamp"], 8)
        draw(c, w / 2 + 40, h - 22, b["page_title"], 8, align="center")
        draw(c, margin, 20, b["url"], 8)
        draw(c, w - margin, 20, f"{n}/{total or '?'}", 8, align="right")

    def render(target, total):
        f = Flow(target, A4, [(margin + 20, w - 2 * margin - 40)], h - 50, 50, decorate, total)
        c = f.c
        c.setFillColorRGB(0.1, 0.3, 0.6)
        c.rect(margin, h - 100, w - 2 * margin, 50, stroke=0, fill=1)
        draw(c, margin + 15, h - 82, "商都新闻网", 20, bold=True, color=(1, 1, 1))
        f.y = h - 120
        f.lines([b["nav"]], 10, 16)
        f.y -= 16
        f.lines(wrap(b["title"], 18, f.width), 18, 28, bold=True, align="center")
        c.setFillColorRGB(0.4, 0.4, 0.4)
        f.lines([b["info"]], 9, 18, align="center")
        c.setFillColorRGB(0, 0, 0)
        f.y -= 10
        for i, p in enumerate(b["body"]):
            f.para(p, 12, 22)
            if i in (0, 3):  # the article's photos
                f.need(300)
                c.setFillColorRGB(0.45, 0.6, 0.45)
                c.rect(f.x + 40, f.y - 290, f.width - 80, 280, stroke=0, fill=1)
                c.setFillColorRGB(0, 0, 0)
                f.y -= 300
        f.y -= 16
        for line in b["tail"]:
            f.lines(wrap(line, 10, f.width), 10, 18)
        f.finish()
        return f.page

    return two_pass(render, path)
