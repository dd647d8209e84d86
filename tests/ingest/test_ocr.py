"""OCR of scanned bulletins: layout logic with fake boxes (no engine) and, marked integration, the real
rapidocr engine on scans generated here (reportlab page -> pypdfium2 render -> image-only PDF)."""
from __future__ import annotations

import re

import pytest

from rag.errors import LoadError
from rag.ingest import ocr
from rag.ingest.ocr import Box, find_gutter, group_lines, join_boxes, layout_text, page_needs_ocr

# ------------------------------------------------------------------------------------------ fixtures

MASTHEAD = "某某市文明办工作简报"
ISSUE = "第7期"
DATE_LINE = ("某某市精神文明建设办公室编", "2024年6月18日")
HEADING = "我市扎实推进新时代文明实践志愿服务工作"
PARAGRAPHS = [
    "今年以来，我市坚持以习近平新时代中国特色社会主义思想为指导，围绕创建全国文明城市目标，"
    "全面推进新时代文明实践中心建设，全市已建成实践所25个、实践站312个，实现镇村全覆盖。",
    "一是壮大志愿服务队伍。全市新招募注册志愿者1410名，组建理论宣讲、文明交通、环境保护等"
    "专业志愿服务队86支，累计开展志愿服务活动368场，服务群众3.6万人次。",
    "二是创新活动载体。各实践所结合群众需求推出“点单、派单、接单、评单”服务模式，"
    "共收集群众需求1200余条，办结率达到96.8%，群众满意度明显提升。",
    "三是健全长效机制。市文明办制定志愿服务积分管理办法，对表现突出的42名志愿者和"
    "9个优秀项目进行通报表扬，下一步将持续深化志愿服务制度化、常态化建设。",
]
FOOTER = "报送：市委办公室、市政府办公室（本期共印30份）"
KEY_STRINGS = [MASTHEAD, ISSUE, "2024年6月18日", HEADING, "实践所25个", "实践站312个", "1410名", "86支",
               "368场", "3.6万人次", "1200余条", "96.8%", "42名志愿者", "9个优秀项目", "本期共印30份"]


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    lines, line = [], ""
    for ch in text:
        if stringWidth(line + ch, font, size) > width and ch not in "，。、；：）”%":  # punctuation hangs
            carry = re.search(r"[0-9.]*$", line).group()  # never break inside a number
            lines.append(line[:len(line) - len(carry)])
            line = carry
        line += ch
    return lines + [line] if line else lines


def draw_bulletin(c, page_no: int = 1, columns: int = 1, size: float = 12) -> None:
    """Draw one A4 bulletin page on a reportlab canvas (masthead, issue, date line, heading, body)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    font, (width, height), margin = "STSong-Light", A4, 72
    c.setFillColorRGB(0.8, 0, 0)
    c.setFont(font, 28)
    c.drawCentredString(width / 2, height - 100, MASTHEAD)
    c.setFillColorRGB(0, 0, 0)
    c.setFont(font, 14)
    c.drawCentredString(width / 2, height - 130, ISSUE)
    c.setFont(font, 12)
    c.drawString(margin, height - 160, DATE_LINE[0])
    c.drawRightString(width - margin, height - 160, DATE_LINE[1])
    c.setStrokeColorRGB(0.8, 0, 0)
    c.setLineWidth(1.5)
    c.line(margin, height - 168, width - margin, height - 168)
    c.setFont(font, 16)
    heading = HEADING if page_no == 1 else f"{HEADING}（{page_no}）"
    c.drawCentredString(width / 2, height - 205, heading)
    leading = size * 1.75
    gap = 24 if columns == 2 else 0
    col_width = (width - 2 * margin - gap) / columns
    paragraphs = list(PARAGRAPHS)
    if page_no > 1:  # later pages of the multi-page scan carry their own number
        paragraphs[1] = paragraphs[1].replace("1410名", f"{1410 + page_no}名")
    per_column = -(-len(paragraphs) // columns)
    c.setFont(font, size)
    for col in range(columns):
        x, y = margin + col * (col_width + gap), height - 245
        for para in paragraphs[col * per_column:(col + 1) * per_column]:
            for i, line in enumerate(_wrap("\u3000\u3000" + para, font, size, col_width)):
                c.drawString(x, y, line.lstrip("\u3000") if i else line)
                y -= leading
            y -= 8
    c.setFont(font, 10.5)
    c.drawString(margin, 90, FOOTER)
    c.showPage()


def scan_pages(n_pages: int = 1, columns: int = 1, dpi: int = 200, size: float = 12):
    """Render bulletin pages like a scanner would: 200 dpi greyscale (slightly blurred) PIL images."""
    import io

    import pypdfium2 as pdfium
    from PIL import ImageFilter
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    for page_no in range(1, n_pages + 1):
        draw_bulletin(c, page_no, columns, size)
    c.save()
    pdf = pdfium.PdfDocument(buf.getvalue())
    images = [pdf[i].render(scale=dpi / 72, grayscale=True).to_pil().filter(ImageFilter.GaussianBlur(0.6))
              for i in range(n_pages)]
    pdf.close()
    masthead = images[0].crop((0, 70 * dpi // 72, images[0].width, 110 * dpi // 72))
    if sum(masthead.histogram()[:160]) < 500:  # pdfium substitutes a system font for STSong-Light
        pytest.skip("no CJK system font to render the fixture (apt-get install fonts-noto-cjk)")
    return images


def write_scanned_pdf(path, images, dpi: int = 200) -> None:
    """An image-only PDF (no text layer), as a scanner writes it (Pillow stores the pages as JPEG)."""
    images[0].save(path, "PDF", resolution=dpi, save_all=True, append_images=images[1:])


def char_accuracy(expected: str, got: str) -> float:
    """1 - (character edit distance / expected length), whitespace ignored."""
    a, b = re.sub(r"\s", "", expected), re.sub(r"\s", "", got)
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return 1 - previous[-1] / max(1, len(a))


EXPECTED_TEXT = "".join([MASTHEAD, ISSUE, *DATE_LINE, HEADING, *PARAGRAPHS, FOOTER])


def _found(text: str, keys=KEY_STRINGS) -> float:
    squashed = re.sub(r"\s", "", text)
    return sum(1 for k in keys if k in squashed) / len(keys)


def _assert_order(text: str) -> None:
    squashed = re.sub(r"\s", "", text)
    marks = ["文明办工作简报", "扎实推进", "实践站", "志愿服务队", "点单", "积分管理", "本期共印"]
    positions = [squashed.find(m) for m in marks]
    assert -1 not in positions, (marks, positions)
    assert positions == sorted(positions), (marks, positions)


# ------------------------------------------------------------------------------------ pure logic


def B(x0, y0, x1, y1, text, score=0.95):
    return Box(x0, y0, x1, y1, text, score)


@pytest.mark.parametrize("text, needs", [
    ("", True),
    ("   \n\n", True),
    ("- 3 -", True),
    ("内部资料 注意保存 第3页", True),
    ("（本期共印30份）报送：市委办公室", True),  # 17 characters: a stamp, not a page
    ("今年以来，我市坚持以新时代文明实践为抓手，全市已建成实践所25个。", False),
    ("Annual report of the city civilisation office", False),
])
def test_page_needs_ocr(text, needs):
    assert page_needs_ocr(text) is needs


@pytest.mark.parametrize("boxes, expected", [
    ([B(0, 0, 50, 20, "第7期")], "第7期"),
    ([B(60, 0, 100, 20, "简报"), B(0, 0, 50, 20, "工作")], "工作简报"),
    ([B(0, 0, 50, 20, "共有"), B(60, 0, 90, 20, "1410"), B(100, 0, 120, 20, "名")], "共有 1410 名"),
    ([B(0, 0, 50, 20, "Hello"), B(60, 0, 110, 20, "world")], "Hello world"),
    ([B(0, 0, 50, 20, "完成。"), B(60, 0, 110, 20, "“点单”")], "完成。“点单”"),
    ([B(0, 0, 50, 20, "  "), B(60, 0, 110, 20, "文明")], "文明"),
])
def test_join_boxes(boxes, expected):
    assert join_boxes(boxes) == expected


@pytest.mark.parametrize("boxes, expected", [
    # same baseline, given right to left
    ([B(300, 100, 500, 120, "2024年6月18日"), B(50, 101, 250, 121, "市文明办编")],
     [["市文明办编", "2024年6月18日"]]),
    # slightly skewed boxes still share a line; the next line is separate
    ([B(50, 100, 250, 120, "甲"), B(260, 106, 500, 126, "乙"), B(50, 140, 500, 160, "丙")],
     [["甲", "乙"], ["丙"]]),
    # given bottom to top
    ([B(50, 200, 500, 220, "三"), B(50, 100, 500, 120, "一"), B(50, 150, 500, 170, "二")],
     [["一"], ["二"], ["三"]]),
    # a tall masthead box and a small box beside it touching only its lower edge
    ([B(100, 0, 500, 60, "简报"), B(520, 52, 560, 72, "注")], [["简报"], ["注"]]),
    ([], []),
])
def test_group_lines(boxes, expected):
    assert [[b.text for b in line] for line in group_lines(boxes)] == expected


def _column_page(left_lines=6, right_lines=6, spanning=True):
    boxes = [B(100, 20, 500, 60, "标题横跨两栏")] if spanning else []
    boxes += [B(20, 100 + 30 * i, 280, 120 + 30 * i, f"左{i}") for i in range(left_lines)]
    boxes += [B(320, 100 + 30 * i, 580, 120 + 30 * i, f"右{i}") for i in range(right_lines)]
    return boxes


@pytest.mark.parametrize("boxes, has_gutter", [
    (_column_page(), True),
    (_column_page(spanning=False), True),
    (_column_page(right_lines=2), False),  # too few boxes on one side
    # one column of full-width lines
    ([B(20, 100 + 30 * i, 580, 120 + 30 * i, f"行{i}") for i in range(10)], False),
    # a table: short labels on the left, values on the right
    ([B(20, 100 + 30 * i, 80, 120 + 30 * i, f"项{i}") for i in range(6)]
     + [B(320, 100 + 30 * i, 580, 120 + 30 * i, f"值{i}") for i in range(6)], False),
    # left block above, right block below: not side by side
    ([B(20, 100 + 30 * i, 280, 120 + 30 * i, f"左{i}") for i in range(5)]
     + [B(320, 400 + 30 * i, 580, 420 + 30 * i, f"右{i}") for i in range(5)], False),
    ([], False),
])
def test_find_gutter(boxes, has_gutter):
    gutter = find_gutter(boxes)
    assert (gutter is not None) is has_gutter
    if has_gutter:
        assert 280 <= gutter <= 320


def test_layout_two_columns_left_then_right():
    boxes = _column_page(3, 3) + [B(20, 400, 580, 420, "页脚横跨")]
    assert layout_text(boxes) == "标题横跨两栏\n\n左0\n左1\n左2\n\n右0\n右1\n右2\n\n页脚横跨"


def test_layout_two_columns_short_footer_and_date_row():
    boxes = [B(100, 20, 500, 60, "某某市文明办工作简报"),
             B(20, 70, 200, 90, "市文明办编"), B(400, 70, 580, 90, "2024年6月18日"),
             B(150, 110, 450, 130, "我市推进志愿服务")]  # a heading over both columns
    boxes += [B(20, 160 + 30 * i, 280, 180 + 30 * i, f"左{i}") for i in range(4)]
    boxes += [B(320, 160 + 30 * i, 580 if i < 3 else 400, 180 + 30 * i, f"右{i}") for i in range(4)]
    boxes.append(B(20, 300, 310, 320, "报送：市委办公室"))  # ends inside the gutter: still spans it
    assert layout_text(boxes) == ("某某市文明办工作简报\n市文明办编 2024年6月18日\n我市推进志愿服务\n\n"
                                  "左0\n左1\n左2\n左3\n\n右0\n右1\n右2\n右3\n\n报送：市委办公室")


def test_layout_never_loses_or_repeats_a_box():
    import random

    rng = random.Random(7)
    for trial in range(200):
        boxes = []
        for i in range(rng.randint(0, 40)):
            x0, y0 = rng.uniform(0, 900), rng.uniform(0, 1400)
            w = rng.choice([rng.uniform(20, 120), rng.uniform(300, 450), rng.uniform(600, 1000)])
            boxes.append(B(x0, y0, x0 + w, y0 + rng.uniform(15, 40), f"<{i}>"))
        text = layout_text(boxes)
        for i in range(len(boxes)):
            assert text.count(f"<{i}>") == 1, (trial, i, text)


def test_layout_blank_line_between_blocks_only():
    boxes = [B(50, 0, 500, 40, "某某市文明办工作简报"),  # masthead, then a wide gap
             B(50, 100, 500, 120, "第一段第一行"), B(50, 128, 300, 148, "第一段末行"),
             B(50, 156, 500, 176, "第二段紧接着")]
    assert layout_text(boxes) == "某某市文明办工作简报\n\n第一段第一行\n第一段末行\n第二段紧接着"


def test_layout_empty():
    assert layout_text([]) == ""
    assert layout_text([B(0, 0, 10, 10, " ")]) == ""


# ------------------------------------------------------------------------- errors (engine not needed)


def test_corrupt_image_is_one_line_load_error(tmp_path):
    bad = tmp_path / "scan.png"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00garbage" * 50)
    with pytest.raises(LoadError, match=r"^scan\.png: is not a readable image") as err:
        ocr.ocr_image(bad)
    assert "\n" not in str(err.value)


def test_truncated_image_is_load_error(tmp_path):
    from PIL import Image

    good = tmp_path / "full.png"
    Image.new("L", (400, 300), 255).save(good)
    cut = tmp_path / "cut.png"
    cut.write_bytes(good.read_bytes()[:60])
    with pytest.raises(LoadError, match=r"^cut\.png: ") as err:
        ocr.ocr_image(cut)
    assert "\n" not in str(err.value)


def test_missing_and_corrupt_pdf(tmp_path):
    with pytest.raises(LoadError, match="nope.pdf: does not exist"):
        ocr.ocr_pdf(tmp_path / "nope.pdf")
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.4\n" + b"\x00junk" * 100)
    with pytest.raises(LoadError, match=r"^bad\.pdf: is not a readable PDF") as err:
        ocr.ocr_pdf(bad)
    assert "\n" not in str(err.value)
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.encrypt("secret")
    writer.write(tmp_path / "locked.pdf")
    with pytest.raises(LoadError, match=r"^locked\.pdf: is an encrypted PDF \(password required\)$"):
        ocr.ocr_pdf(tmp_path / "locked.pdf")


def test_missing_packages_are_named(tmp_path, monkeypatch):
    import sys

    monkeypatch.setattr(ocr, "_ENGINE", None)
    monkeypatch.setitem(sys.modules, "rapidocr_onnxruntime", None)
    with pytest.raises(ImportError, match="pip install rapidocr_onnxruntime"):
        ocr._engine()
    monkeypatch.setitem(sys.modules, "pypdfium2", None)
    with pytest.raises(ImportError, match="pip install pypdfium2"):
        ocr.ocr_pdf(tmp_path / "x.pdf")


def test_engine_created_once_across_threads(monkeypatch):
    import sys
    import threading
    import time
    import types

    made = []

    class FakeRapidOCR:
        def __init__(self, **kwargs):
            time.sleep(0.05)  # a slow load, so that racing threads would each make one
            made.append(kwargs)

    monkeypatch.setitem(sys.modules, "rapidocr_onnxruntime", types.SimpleNamespace(RapidOCR=FakeRapidOCR))
    monkeypatch.setattr(ocr, "_ENGINE", None)
    engines = []
    threads = [threading.Thread(target=lambda: engines.append(ocr._engine())) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(made) == 1 and len({id(e) for e in engines}) == 1


def test_prepare_flattens_transparency_and_caps_pixels():
    from PIL import Image

    clear = Image.new("RGBA", (200, 100), (0, 0, 0, 0))  # black but fully transparent
    assert ocr._prepare(clear).getpixel((10, 10)) == (255, 255, 255)
    photo = ocr._prepare(Image.new("L", (4000, 3000), 128))
    assert photo.mode == "RGB" and photo.width * photo.height <= ocr.MAX_OCR_PIXELS
    assert abs(photo.width / photo.height - 4 / 3) < 0.01
    strip = ocr._prepare(Image.new("RGB", (1080, 9000), "white"))  # a long screenshot keeps its width usable
    assert strip.width >= 500
    small = Image.new("RGB", (800, 600), "white")
    assert ocr._prepare(small).size == (800, 600)


def _blank_pdf(path, n_pages):
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path))
    for _ in range(n_pages):
        c.showPage()
    c.save()


def test_max_ocr_pages_refused_before_any_work(tmp_path, monkeypatch):
    p = tmp_path / "long.pdf"
    _blank_pdf(p, 5)
    monkeypatch.setattr(ocr, "MAX_OCR_PAGES", 3)
    monkeypatch.setattr(ocr, "_recognise", lambda *a: pytest.fail("OCR ran despite the page limit"))
    with pytest.raises(LoadError, match=r"long\.pdf: would need OCR on 5 pages \(limit 3\)"):
        ocr.ocr_pdf(p, progress=False)
    with pytest.raises(LoadError, match="no page index 7"):
        ocr.ocr_pdf(p, pages=[0, 7], progress=False)


def test_only_requested_pages_are_rendered(tmp_path, monkeypatch):
    p = tmp_path / "mixed.pdf"
    _blank_pdf(p, 5)
    seen = []
    monkeypatch.setattr(ocr, "_recognise", lambda image, number: seen.append(number) or
                        ocr.OcrPage(number, "", 0.0))
    pages = ocr.ocr_pdf(p, pages=[3, 1, 3], progress=False)
    assert seen == [2, 4] and [pg.number for pg in pages] == [2, 4]


def test_partly_scanned_pdf_selects_only_the_scanned_page(tmp_path, monkeypatch):
    """How the PDF loader uses the module: text layer per page, OCR only where page_needs_ocr says so."""
    from PIL import Image
    from pypdf import PdfReader, PdfWriter
    from reportlab.pdfgen import canvas

    text_pdf, scan_pdf, mixed = tmp_path / "text.pdf", tmp_path / "scan.pdf", tmp_path / "mixed.pdf"
    c = canvas.Canvas(str(text_pdf))
    draw_bulletin(c)
    c.save()
    Image.new("L", (1240, 1754), 255).save(scan_pdf, "PDF", resolution=150)
    writer = PdfWriter()
    for src in (text_pdf, scan_pdf, text_pdf):
        writer.append(str(src))
    writer.write(mixed)
    layers = [page.extract_text() or "" for page in PdfReader(mixed).pages]
    todo = [i for i, layer in enumerate(layers) if page_needs_ocr(layer)]
    assert todo == [1]
    sizes = []
    monkeypatch.setattr(ocr, "_recognise", lambda image, number: sizes.append(image.size) or
                        ocr.OcrPage(number, "OCR", 0.9))
    (page,) = ocr.ocr_pdf(mixed, pages=todo, progress=False)
    assert page.number == 2 and page.text == "OCR"
    width, height = sizes[0]  # A4 rendered at OCR_DPI
    assert abs(width - 8.27 * ocr.OCR_DPI) < 3 and abs(height - 11.69 * ocr.OCR_DPI) < 3


# --------------------------------------------------------------------------------- real engine


@pytest.fixture(scope="module")
def bulletin_images():
    return scan_pages(4)


@pytest.mark.integration
def test_ocr_image_bulletin(bulletin_images, tmp_path):
    path = tmp_path / "page.png"
    bulletin_images[0].save(path)
    page = ocr.ocr_image(path)
    assert page.number == 1
    assert page.confidence > 0.8
    assert _found(page.text) >= 0.9, page.text
    assert char_accuracy(EXPECTED_TEXT, page.text) >= 0.95
    _assert_order(page.text)
    lines = page.text.splitlines()
    assert lines[0] == MASTHEAD
    assert any(ln.startswith("2024年6月18日") or ln.endswith("2024年6月18日") for ln in lines)
    assert max(len(ln) for ln in lines) < 45  # one visual line per line, not whole paragraphs


@pytest.mark.integration
def test_ocr_scanned_pdf_four_pages(bulletin_images, tmp_path):
    path = tmp_path / "scan.pdf"
    write_scanned_pdf(path, bulletin_images)
    pages = ocr.ocr_pdf(path, progress=False)
    assert [p.number for p in pages] == [1, 2, 3, 4]
    for p in pages:
        assert p.confidence > 0.8
        keys = [k if p.number == 1 else k.replace("1410名", f"{1410 + p.number}名") for k in KEY_STRINGS]
        assert _found(p.text, keys) >= 0.9, p.text
        _assert_order(p.text)


@pytest.mark.integration
def test_ocr_two_column_scan():
    (image,) = scan_pages(1, columns=2)
    text = ocr.ocr_image(image).text
    _assert_order(text)  # the left column (paragraphs 1-2) is read before the right one (3-4)
    assert _found(text) >= 0.9, text


@pytest.mark.integration
def test_blank_page_has_no_text():
    from PIL import Image

    page = ocr.ocr_image(Image.new("RGB", (800, 600), "white"))
    assert (page.text, page.confidence) == ("", 0.0)
