"""Image-only documents: a 4-page scanned bulletin (pages drawn with reportlab, rasterised with pypdfium2, then
degraded like a scan) and a phone photo of a paper notice (PNG)."""
from __future__ import annotations

import random
import tempfile
from pathlib import Path

from .pdfs import RED, Flow, draw


def rasterise(pdf: Path, dpi: int) -> list:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf))
    try:
        return [page.render(scale=dpi / 72).to_pil() for page in doc]
    finally:
        doc.close()


def _scan_look(img, seed: int):
    """Grey, slightly skewed, off-white paper with a little noise and blur."""
    from PIL import Image, ImageFilter

    rnd = random.Random(seed)
    grey = img.convert("L").point(lambda v: 236 if v > 235 else int(v * 0.95))
    grey = grey.rotate(rnd.uniform(-0.8, 0.8), resample=Image.BICUBIC, fillcolor=236)
    noise = Image.effect_noise(grey.size, 18).point(lambda v: v - 128 + 236)
    grey = Image.blend(grey, noise, 0.08)
    return grey.filter(ImageFilter.GaussianBlur(0.5))


def scanned_bulletin(path: Path, b: dict, *, dpi: int = 150, breaks: tuple = ()) -> Path:
    """An image-only PDF of a bulletin, one JPEG per page."""
    from .pdfs import bulletin_pdf

    with tempfile.TemporaryDirectory(prefix="formats-scan-") as tmp:
        src = bulletin_pdf(Path(tmp, "src.pdf"), b, size=15, leading=27, breaks=breaks)
        pages = [_scan_look(img, i) for i, img in enumerate(rasterise(src, dpi))]
    pages[0].save(path, "PDF", save_all=True, append_images=pages[1:], resolution=dpi, quality=80)
    return path


def notice_photo(path: Path, w: dict, *, dpi: int = 170) -> Path:
    """A phone photo of a notice taped to a wall: drawn page, rotated, on a textured background, PNG."""
    from PIL import Image, ImageDraw, ImageFilter
    from reportlab.lib.units import mm

    size = (148 * mm, 200 * mm)
    with tempfile.TemporaryDirectory(prefix="formats-photo-") as tmp:
        src = Path(tmp, "notice.pdf")
        f = Flow(src, size, [(16 * mm, size[0] - 32 * mm)], size[1] - 20 * mm, 15 * mm, lambda *a: None)
        c = f.c
        c.setStrokeColorRGB(*RED)
        c.setLineWidth(2)
        c.rect(8 * mm, 8 * mm, size[0] - 16 * mm, size[1] - 16 * mm)
        draw(c, size[0] / 2, size[1] - 35 * mm, w["title"], 30, bold=True, color=RED, align="center")
        f.y = size[1] - 45 * mm
        f.lines([w["body"][0]], 14, 26)
        for para in w["body"][1:-1]:
            f.para(para, 14, 26)
        f.y -= 10
        f.lines([w["body"][-1]], 14, 26)
        f.y -= 30
        for line in w["sign"]:
            f.y -= 26
            draw(c, size[0] - 20 * mm, f.y, line, 14, align="right")
        f.finish()
        page = rasterise(src, dpi)[0].convert("RGB")
    rnd = random.Random(7)
    page = page.point(lambda v: int(v * 0.93)).convert("RGBA")
    page = page.rotate(2.5, resample=Image.BICUBIC, expand=True, fillcolor=(0, 0, 0, 0))
    bg = Image.new("RGB", (page.width + 160, page.height + 200), (178, 168, 150))
    d = ImageDraw.Draw(bg)
    for _ in range(400):
        x, y = rnd.randrange(bg.width), rnd.randrange(bg.height)
        shade = rnd.randrange(150, 190)
        d.point((x, y), fill=(shade, shade - 8, shade - 20))
    bg.paste(page, (80, 90), page)
    bg = bg.filter(ImageFilter.GaussianBlur(0.7))
    bg.save(path, "PNG", optimize=True)
    return path
