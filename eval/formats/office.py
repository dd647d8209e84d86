"""Office-format writers: Word .docx (heading styles, real numbered lists, tables), .doc/.wps through
LibreOffice, an .xlsx statistics workbook, a GBK .csv and an OFD 公文."""
from __future__ import annotations

import csv
import importlib.util
import io
import logging
import os
import re
import shutil
import subprocess
import tempfile
import unicodedata
import zipfile
from datetime import datetime
from pathlib import Path
from xml.sax.saxutils import escape

log = logging.getLogger(__name__)
ROOT = Path(__file__).resolve().parents[2]
SOFFICE_PACKAGE = "libreoffice-writer-nogui"


def bulletin_docx(path: Path, b: dict) -> Path:
    """A bulletin as Word writes it: Title = bulletin name, issue and office/date as plain centred paragraphs,
    Heading 1 = 【栏目】, Heading 2 = article titles, "List Number" lists (each list restarts at 1 through its
    own w:num), tables in the "Table Grid" style, the distribution lines at the end."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    d = docx.Document()
    normal = d.styles["Normal"]
    normal.font.name = "仿宋"
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), "仿宋")
    normal.font.size = Pt(14)
    title = d.add_paragraph(style="Title")
    run = title.add_run(b["name"])
    run.font.color.rgb = RGBColor(0xCC, 0, 0)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    d.add_paragraph(b["issue"]).alignment = WD_ALIGN_PARAGRAPH.CENTER
    d.add_paragraph(f"{b['office']}\t\t\t{b['date']}")
    numbering = d.part.numbering_part.element
    list_style = d.styles["List Number"].element
    abstract_id = numbering.num_having_numId(list_style.pPr.numPr.numId.val).abstractNumId.val
    for section, articles in b["sections"]:
        if section:
            d.add_heading(f"【{section}】", level=1)
        for art in articles:
            d.add_heading(art["title"], level=2)
            for block in art["body"]:
                if isinstance(block, str):
                    d.add_paragraph(block).paragraph_format.first_line_indent = Pt(28)
                elif block[0] == "table":
                    rows = block[1]
                    table = d.add_table(rows=len(rows), cols=len(rows[0]), style="Table Grid")
                    for r, row in enumerate(rows):
                        for i, cell in enumerate(row):
                            table.cell(r, i).text = str(cell)
                else:
                    num = numbering.add_num(abstract_id)
                    num.add_lvlOverride(ilvl=0).add_startOverride(1)
                    for item in block[1]:
                        p = d.add_paragraph(item, style="List Number")
                        num_pr = p._p.get_or_add_pPr().get_or_add_numPr()
                        num_pr.get_or_add_ilvl().val = 0
                        num_pr.get_or_add_numId().val = num.numId
    d.add_paragraph("")
    for line in b.get("distribution", []):
        d.add_paragraph(line)
    props = d.core_properties
    props.title, props.author, props.comments = b["name"], b["office"], ""
    y, m, day = (int(v) for v in re.findall(r"\d+", unicodedata.normalize("NFKC", b["date"]))[:3])
    props.created = props.modified = datetime(y, m, day, 9, 0, 0)
    props.last_modified_by = b["office"]
    d.save(path)
    return path


def soffice() -> str:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if not exe:
        raise RuntimeError("LibreOffice (soffice) is needed to write the .doc and .wps files: "
                           f"apt-get install -y --no-install-recommends {SOFFICE_PACKAGE}")
    return exe


def word97(jobs: list[tuple[Path, Path]]) -> list[Path]:
    """Convert (source .docx, target) pairs to Word 97 binaries with one headless LibreOffice run; a target
    ending in .wps is the same binary renamed, as Kingsoft WPS files usually are."""
    exe = soffice()
    with tempfile.TemporaryDirectory(prefix="formats-soffice-") as tmp:
        profile = Path(tmp, "profile").as_uri()
        outdir = Path(tmp, "out")
        cmd = [exe, f"-env:UserInstallation={profile}", "--headless", "--norestore", "--convert-to",
               "doc:MS Word 97", "--outdir", str(outdir), *(str(src) for src, _ in jobs)]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=180,
                              env={**os.environ, "HOME": tmp})
        out = []
        for src, target in jobs:
            made = outdir / (src.stem + ".doc")
            if not made.exists():
                raise RuntimeError(f"soffice did not convert {src.name}: {proc.stdout}{proc.stderr}".strip())
            shutil.move(str(made), target)
            out.append(target)
    return out


def stats_xlsx(path: Path, x: dict) -> Path:
    """A statistics workbook: merged title row, unit row, header row with units, data, a 合计 row."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side

    wb = Workbook()
    ws = wb.active
    ws.title = "统计表"
    ncol = len(x["header"])
    last = chr(ord("A") + ncol - 1)
    ws.append([x["title"]])
    ws.merge_cells(f"A1:{last}1")
    ws["A1"].font = Font(name="宋体", size=16, bold=True)
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[1].height = 32
    ws.append([x["unit"]])
    ws.merge_cells(f"A2:{last}2")
    ws.append(x["header"])
    for row in x["rows"]:
        ws.append(row)
    ws.append([x["total"][0], None, *x["total"][1:]])
    total_row = ws.max_row
    ws.merge_cells(f"A{total_row}:B{total_row}")
    thin = Side(style="thin")
    for row in ws.iter_rows(min_row=3, max_row=total_row):
        for cell in row:
            cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for cell in ws[3]:
        cell.font = Font(bold=True)
    ws.append([x["signers"]])
    ws.merge_cells(f"A{ws.max_row}:{last}{ws.max_row}")
    ws.append([x["note"]])
    ws.merge_cells(f"A{ws.max_row}:{last}{ws.max_row}")
    for col, width in zip("ABCDE", (8, 16, 16, 18, 18)):
        ws.column_dimensions[col].width = width
    wb.properties.creator = "商都市志愿服务联合会"
    wb.save(path)
    return path


def gbk_csv(path: Path, c: dict) -> Path:
    """A CSV as Excel on a Chinese Windows saves it: GBK, CRLF, quoted where needed."""
    buf = io.StringIO()
    csv.writer(buf).writerows([c["header"], *c["rows"]])
    path.write_bytes(buf.getvalue().encode("gbk"))
    return path


def _ofd_writer():
    src = ROOT / "tests" / "ingest" / "ofd_writer.py"
    if not src.exists():
        return None
    spec = importlib.util.spec_from_file_location("formats_ofd_writer", src)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.write_ofd


def _wrap_chars(text: str, first: int, rest: int) -> list[str]:
    lines, cur, limit = [], "", first
    for ch in text:
        if len(cur) >= limit and ch not in "，。、；：？！”）》%":
            lines.append(cur)
            cur, limit = "", rest
        cur += ch
    return lines + [cur] if cur else lines


def ofd_pages(o: dict) -> list[list[tuple]]:
    """Lay a 公文 out on A4 in millimetres: red head, 文号, title, 28 characters a line, signature block."""
    size, left, step, per_line = 5.6, 27.0, 10.0, 28
    page: list[tuple] = [(o["red_head"], 105 - len(o["red_head"]) * 5.5, 50.0, 11.0, "204 0 0"),
                         (o["number"], 105 - len(o["number"]) * size / 2, 75.0, size)]
    pages, y = [page], 95.0
    for line in _wrap_chars(o["title"], 20, 20):
        page.append((line, 105 - len(line) * 3.5, y, 7.0))
        y += 12
    y += 4

    def put(text: str, x: float):
        nonlocal page, y
        if y > 262:
            page = []
            pages.append(page)
            y = 37.0
        page.append((text, x, y, size))
        y += step

    for i, para in enumerate(o["body"]):
        indent = 0 if i == 0 else 2
        for j, line in enumerate(_wrap_chars(para, per_line - indent, per_line)):
            put(line, left + (indent * size if j == 0 else 0))
    y += step
    for line in o["sign"]:
        put(line, 183 - len(line) * size)
    put(o["public"], left + 2 * size)
    return pages


def ofd_document(path: Path, o: dict) -> Path:
    pages = ofd_pages(o)
    write = _ofd_writer()
    if write is not None:
        return write(path, pages, title=o["title"], author="商都市精神文明建设委员会", creation_date="2024-07-26")
    return _minimal_ofd(path, pages, o["title"])


def _minimal_ofd(path: Path, pages: list[list[tuple]], title: str) -> Path:
    """Fallback when tests/ingest/ofd_writer.py is absent: OFD.xml, Document.xml, one Content.xml a page."""
    ns = "http://www.ofdspec.org/2016"
    head = '<?xml version="1.0" encoding="UTF-8"?>\n'
    members = {"OFD.xml": f'{head}<ofd:OFD xmlns:ofd="{ns}" Version="1.0" DocType="OFD"><ofd:DocBody><ofd:DocInfo>'
                          f"<ofd:DocID>formats</ofd:DocID><ofd:Title>{escape(title)}</ofd:Title></ofd:DocInfo>"
                          "<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>"}
    refs, oid = [], 10
    for n, items in enumerate(pages):
        objs = []
        for text, x, y, size, *_ in items:
            oid += 1
            objs.append(f'<ofd:TextObject ID="{oid}" Boundary="{x} {y - size} {len(text) * size} {size * 1.25}" '
                        f'Font="1" Size="{size}"><ofd:TextCode X="0" Y="{size}">{escape(text)}</ofd:TextCode>'
                        "</ofd:TextObject>")
        members[f"Doc_0/Pages/Page_{n}/Content.xml"] = (
            f'{head}<ofd:Page xmlns:ofd="{ns}"><ofd:Content><ofd:Layer ID="{n + 2}">{"".join(objs)}'
            "</ofd:Layer></ofd:Content></ofd:Page>")
        refs.append(f'<ofd:Page ID="{n + 100}" BaseLoc="Pages/Page_{n}/Content.xml"/>')
    members["Doc_0/Document.xml"] = (
        f'{head}<ofd:Document xmlns:ofd="{ns}"><ofd:CommonData><ofd:MaxUnitID>{oid}</ofd:MaxUnitID><ofd:PageArea>'
        f'<ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox></ofd:PageArea></ofd:CommonData><ofd:Pages>{"".join(refs)}'
        "</ofd:Pages></ofd:Document>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data.encode("utf-8"))
    return path
