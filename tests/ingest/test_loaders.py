import zipfile

import pytest

from rag.errors import LoadError

from rag.ingest import decode_text, load_text

TEXT = "周口市文明办召开会议，部署创建全国文明城市工作。"


def test_utf8_and_bom(tmp_path):
    p = tmp_path / "a.txt"
    p.write_bytes(b"\xef\xbb\xbf" + TEXT.encode())
    assert load_text(p) == TEXT


def test_gb18030(tmp_path):
    p = tmp_path / "gbk.txt"
    p.write_bytes(TEXT.encode("gbk"))
    assert load_text(p) == TEXT


def test_utf16_with_bom(tmp_path):
    p = tmp_path / "u16.txt"
    p.write_bytes(TEXT.encode("utf-16"))
    assert load_text(p) == TEXT


def test_binary_renamed_txt_is_a_clear_error(tmp_path):
    p = tmp_path / "photo.txt"
    p.write_bytes(bytes(range(256)) * 20)
    with pytest.raises(LoadError, match="photo.txt"):
        load_text(p)


def test_garbage_that_is_not_gb18030(tmp_path):
    with pytest.raises(LoadError, match="neither UTF-8 nor GB18030"):
        decode_text(b"\x81\x20\xff\xfe\x80" * 10, tmp_path / "x.txt")


def test_empty_file(tmp_path):
    p = tmp_path / "empty.md"
    p.write_text("  \n\n")
    with pytest.raises(LoadError, match="empty.md: is empty"):
        load_text(p)


def test_unsupported_type(tmp_path):
    p = tmp_path / "slides.pptx"
    p.write_bytes(b"x")
    with pytest.raises(LoadError, match="unsupported file type .pptx"):
        load_text(p)


def test_docx_roundtrip_and_junk(tmp_path):
    import docx

    d = docx.Document()
    d.add_paragraph("【工作动态】")
    d.add_paragraph(TEXT)
    p = tmp_path / "good.docx"
    d.save(p)
    assert TEXT in load_text(p)
    junk = tmp_path / "junk.docx"
    with zipfile.ZipFile(junk, "w") as z:
        z.writestr("hello.txt", "not a word document")
    with pytest.raises(LoadError, match="junk.docx: is not a valid .docx"):
        load_text(junk)
    notzip = tmp_path / "fake.docx"
    notzip.write_text("plain text")
    with pytest.raises(LoadError, match="not a zip"):
        load_text(notzip)


def _make_pdf(path, text=None):
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(path), pagesize=A4)
    if text:
        c.setFont("STSong-Light", 12)
        c.drawString(50, 800, text)
    c.showPage()
    c.save()


def test_pdf_text_layer(tmp_path):
    p = tmp_path / "b.pdf"
    _make_pdf(p, TEXT)
    assert "文明城市" in load_text(p)


def test_pdf_without_text_and_truncated(tmp_path):
    p = tmp_path / "scan.pdf"
    _make_pdf(p)
    with pytest.raises(LoadError, match="scan.pdf: PDF has no text layer"):
        load_text(p)
    good = tmp_path / "c.pdf"
    _make_pdf(good, TEXT)
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(good.read_bytes()[:200])
    with pytest.raises(LoadError, match="broken.pdf"):
        load_text(broken)
