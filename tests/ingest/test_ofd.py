"""OFD loader: line grouping (table-driven), a 公文 written by tests/ingest/ofd_writer.py read back in reading
order with its DocInfo, two pages, two columns, OFD variants real producers write (CTM scaling, per-character
TextCodes, absolute BaseLoc, template pages) and every broken file giving a one-line LoadError."""
from __future__ import annotations

import random
import zipfile
from pathlib import Path

import pytest

from rag.errors import LoadError
from rag.ingest import ofd
from rag.ingest.ofd import Glyph, line_text, load_ofd, page_lines, parse_deltas, place_run

from .ofd_writer import NS, ofd_members, write_ofd, zip_members

S = 5.6  # 三号 (16 pt) in mm, the 公文 body size


def run(text: str, x: float, y: float, size: float = 5.0, **kw) -> list[Glyph]:
    return place_run(text, x, y, size, **kw)[0]


def lines_of(*runs: list[Glyph]) -> list[str]:
    return page_lines([g for r in runs for g in r])


# ---------------------------------------------------------------------------------------------- line grouping
GROUPING = [
    ("runs out of x order join left to right", [run("世界", 40, 50), run("你好", 30, 50)], ["你好世界"]),
    ("baseline jitter within tolerance", [run("春季", 30, 50), run("农业", 40, 50.8)], ["春季农业"]),
    ("two lines given bottom first", [run("第二行", 30, 60), run("第一行", 30, 50)], ["第一行", "第二行"]),
    ("CJK next to digits: no space", [run("增长", 30, 50), run("5.2%", 40, 50)], ["增长5.2%"]),
    ("Latin words keep their space", [run("GB/T 33190", 30, 50)], ["GB/T 33190"]),
    ("separate Latin runs with a gap", [run("Hello", 30, 50), run("world", 45, 50)], ["Hello world"]),
    ("wide gap between CJK fields becomes one space",
     [run("某政办〔2024〕12号", 28, 50, S), run("签发人：张三", 140, 50, S)], ["某政办〔2024〕12号 签发人：张三"]),
    ("letter-spaced title via DeltaX", [run("通知", 90, 50, 7.8, dx=[15.6])], ["通知"]),
    ("full-width spaces between CJK dropped", [run("通　　知", 90, 50, 7.8)], ["通知"]),
    ("overprinted duplicate (fake bold) dropped", [run("决定", 90, 50), run("决定", 90.1, 50.05)], ["决定"]),
    ("superscript stays on its line", [run("注", 30, 50), run("1", 35, 48.5, 3.0)], ["注1"]),
    ("one TextCode per character", [run(ch, 30 + 5 * i, 50) for i, ch in enumerate("逐字定位")], ["逐字定位"]),
    ("DeltaX shorter than the text: rest at natural width", [run("abcd", 30, 50, dx=[2.5])], ["abcd"]),
    ("lines 1.2 em apart stay apart", [run("上一行", 30, 50), run("下一行", 30, 56)], ["上一行", "下一行"]),
]


@pytest.mark.parametrize("runs,expected", [g[1:] for g in GROUPING], ids=[g[0] for g in GROUPING])
def test_line_grouping(runs, expected):
    assert lines_of(*runs) == expected


@pytest.mark.parametrize("spec,limit,expected", [
    ("g 3 5.6", 10, [5.6, 5.6, 5.6]),
    ("1 2 g 2 3", 10, [1.0, 2.0, 3.0, 3.0]),
    ("g 1000000000 1", 4, [1.0] * 4),  # a huge repeat count expands only as far as the text needs
    ("", 5, []),
    ("g", 5, [0.0]),  # dangling marker: read as a number, never an error
    ("1.5e1 x", 5, [15.0, 0.0]),
])
def test_parse_deltas(spec, limit, expected):
    assert parse_deltas(spec, limit) == expected


def test_ctm_scales_positions_and_size():
    glyphs = run("文字", 0, 16, 16, ctm=(0.3528, 0, 0, 0.3528, 0, 0), origin=(30, 40))
    assert glyphs[0].x == pytest.approx(30) and glyphs[0].y == pytest.approx(40 + 16 * 0.3528)
    assert glyphs[0].size == pytest.approx(16 * 0.3528) and glyphs[1].x == pytest.approx(30 + 16 * 0.3528)
    assert line_text(glyphs) == "文字"


# ---------------------------------------------------------------------------------------------- fixtures
def centred(text: str, y: float, size: float, colour: str | None = None) -> tuple:
    width = sum(size if ofd.is_wide(ch) else size / 2 for ch in text)
    return (text, 105 - width / 2, y, size) + ((colour,) if colour else ())


def paragraph(text: str, y: float, x0: float = 28.0, per_line: int = 28, indent: int = 2,
              pitch: float = 10.2) -> tuple[list[tuple], float]:
    """Wrap at ``per_line`` full-width cells (first line indented), as a 公文 body; returns items and next y."""
    items, pos, first = [], 0, True
    while pos < len(text):
        cells = per_line - (indent if first else 0)
        items.append((text[pos:pos + cells], x0 + (indent * S if first else 0), y, S))
        pos, y, first = pos + cells, y + pitch, False
    return items, y


TITLE = "某某市人民政府办公室关于做好2024年春季农业生产工作的通知"
BODY = [
    "为切实做好2024年春季农业生产工作，确保全年粮食播种面积稳定在120万亩以上，经市政府同意，现将有关事项通知如下。",
    "一、稳定粮食播种面积。各区县要将粮食生产目标任务分解落实到乡镇和村组，确保春播面积不低于45.6万亩。",
    "二、加强农资供应保障。市农业农村局要会同有关部门组织化肥3.2万吨、种子850吨调运储备，严厉打击假劣农资。",
    "三、做好技术指导服务。组织1200名农技人员深入田间地头，开展春耕技术培训不少于300场次。",
]


def gongwen_page() -> list[tuple]:
    items = [centred("某某市人民政府办公室文件", 55, 15, "255 0 0"), centred("某政办〔2024〕12号", 80, S)]
    items += [centred(TITLE[:19], 100, 7.8), centred(TITLE[19:], 112, 7.8)]
    items.append(("各区县人民政府，市政府各部门，各有关单位：", 28, 130, S))
    y = 140.2
    for text in BODY:
        para, y = paragraph(text, y)
        items += para
    items += [("某某市人民政府办公室", 112, y + 20, S), ("2024年3月18日", 125, y + 30.2, S)]
    random.Random(7).shuffle(items)  # content streams need not be in reading order
    return items


@pytest.fixture
def gongwen(tmp_path: Path) -> Path:
    return write_ofd(tmp_path / "gw.ofd", [gongwen_page()], title=TITLE, author="某某市人民政府办公室",
                     creation_date="2024-03-18")


def test_gongwen_reading_order_and_content(gongwen):
    doc = load_ofd(gongwen)
    lines = doc.text.splitlines()
    assert lines[:5] == ["某某市人民政府办公室文件", "某政办〔2024〕12号", TITLE[:19], TITLE[19:],
                         "各区县人民政府，市政府各部门，各有关单位："]
    assert lines[-2:] == ["某某市人民政府办公室", "2024年3月18日"]
    body = [item[0] for text in BODY for item in paragraph(text, 0)[0]]
    assert lines[5:-2] == body  # each visual line whole, in order, no stray spaces
    assert "".join(lines[5:-2]) == "".join(BODY) and lines[5].startswith("为切实做好2024年春季")
    assert doc.blocks is None and doc.pages == 1 and "\f" not in doc.text


def test_gongwen_docinfo_fills_hints(gongwen):
    hints = load_ofd(gongwen).hints
    assert (hints.title, hints.date, hints.author) == (TITLE, "2024-03-18", "某某市人民政府办公室")


def test_docinfo_absent_or_odd_leaves_hints_empty(tmp_path):
    doc = load_ofd(write_ofd(tmp_path / "a.ofd", [[("正文", 30, 50, S)]]))
    assert (doc.hints.title, doc.hints.date, doc.hints.author) == (None, None, None)
    doc = load_ofd(write_ofd(tmp_path / "b.ofd", [[("正文", 30, 50, S)]], creation_date="2024-02-30"))
    assert doc.hints.date is None
    doc = load_ofd(write_ofd(tmp_path / "c.ofd", [[("正文", 30, 50, S)]], creation_date="2024-03-18T09:30:00"))
    assert doc.hints.date == "2024-03-18"


def test_two_pages(tmp_path):
    path = write_ofd(tmp_path / "two.ofd", [[("第一页第一行", 28, 50, S), ("第一页第二行", 28, 60, S)],
                                            [("第二页内容", 28, 50, S)]])
    doc = load_ofd(path)
    assert doc.pages == 2
    assert doc.text == "第一页第一行\n第一页第二行\n\f\n第二页内容"


def two_column_page() -> list[tuple]:
    items = [centred("全市春耕生产工作简报（第3期）", 30, 7.8)]
    for i in range(8):  # 14 cells of 5 mm per column line: 20–90 and 110–180 mm
        items.append((f"左栏第{i + 1}行春耕备耕进展顺利各地抓紧落实"[:14], 20, 50 + 8 * i, 5.0))
        items.append((f"右栏第{i + 1}行农资储备充足价格总体平稳运行"[:14], 110, 50 + 8 * i, 5.0))
    items.append(centred("某某市农业农村局编印", 130, 5.0))
    return items


def test_two_columns_read_left_then_right(tmp_path):
    lines = load_ofd(write_ofd(tmp_path / "cols.ofd", [two_column_page()])).text.splitlines()
    assert lines[0] == "全市春耕生产工作简报（第3期）" and lines[-1] == "某某市农业农村局编印"
    assert [ln[:4] for ln in lines[1:-1]] == [f"左栏第{i}" for i in range(1, 9)] + [f"右栏第{i}" for i in range(1, 9)]


def test_two_columns_with_unaligned_baselines(tmp_path):
    items = []
    for i in range(6):  # the right column's lines sit 3 mm lower: no line holds both columns
        items.append((f"左栏第{i + 1}行春耕备耕进展顺利各地抓紧落实"[:14], 20, 50 + 8 * i, 5.0))
        items.append((f"右栏第{i + 1}行农资储备充足价格总体平稳运行"[:14], 110, 53 + 8 * i, 5.0))
    lines = load_ofd(write_ofd(tmp_path / "cols.ofd", [items])).text.splitlines()
    assert [ln[:4] for ln in lines] == [f"左栏第{i}" for i in range(1, 7)] + [f"右栏第{i}" for i in range(1, 7)]


def test_two_column_table_and_gongwen_stay_row_by_row(tmp_path):
    table = []
    for i, (k, v) in enumerate([("北城街道", "25个"), ("南湖街道", "18个"), ("东港镇", "9个"), ("西山乡", "12个")]):
        table += [(k, 30, 50 + 8 * i, 5.0), (v, 130, 50 + 8 * i, 5.0)]
    lines = load_ofd(write_ofd(tmp_path / "t.ofd", [table])).text.splitlines()
    assert lines == ["北城街道 25个", "南湖街道 18个", "东港镇 9个", "西山乡 12个"]
    assert ofd.find_gutter(ofd.group_lines([g for it in gongwen_page() for g in run(*it[:4])])) is None


# ---------------------------------------------------------------------------------------------- OFD variants
def test_producer_variants(tmp_path):
    """CTM-scaled point sizes, a TextCode without X/Y continuing the previous one, absolute BaseLoc, a
    PageBlock, and a template page whose text is drawn on the page."""
    members = ofd_members([[("占位", 30, 50, S)]])
    members["Doc_0/Pages/Page_0/Content.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8"?><ofd:Page xmlns:ofd="{NS}"><ofd:Template TemplateID="9"/>'
        '<ofd:Content><ofd:Layer ID="3"><ofd:PageBlock ID="4">'
        '<ofd:TextObject ID="5" Boundary="28 60 160 8" CTM="0.3528 0 0 0.3528 0 0" Size="16" Font="1">'
        '<ofd:TextCode X="0" Y="16" DeltaX="g 3 16">春耕生产</ofd:TextCode><ofd:TextCode DeltaX="16">进展</ofd:TextCode>'
        "</ofd:TextObject></ofd:PageBlock></ofd:Layer></ofd:Content></ofd:Page>").encode()
    members["Doc_0/Tpls/Tpl_0/Content.xml"] = (
        f'<ofd:Page xmlns:ofd="{NS}"><ofd:Content><ofd:Layer ID="7"><ofd:TextObject ID="8" '
        'Boundary="90 20 40 6" Size="4"><ofd:TextCode X="0" Y="4">内部资料</ofd:TextCode></ofd:TextObject>'
        "</ofd:Layer></ofd:Content></ofd:Page>").encode()
    doc_xml = members["Doc_0/Document.xml"].decode()
    doc_xml = doc_xml.replace('BaseLoc="Pages/', 'BaseLoc="/Doc_0/Pages/').replace(
        "</ofd:CommonData>", '<ofd:TemplatePage ID="9" BaseLoc="Tpls/Tpl_0/Content.xml"/></ofd:CommonData>')
    members["Doc_0/Document.xml"] = doc_xml.encode()
    assert load_ofd(zip_members(tmp_path / "v.ofd", members)).text == "内部资料\n春耕生产进展"


def test_default_namespace_without_prefix(tmp_path, gongwen):
    """Some producers bind the OFD namespace as the default one (no ``ofd:`` prefix)."""
    with zipfile.ZipFile(gongwen) as z:
        members = {n: z.read(n).decode().replace("xmlns:ofd=", "xmlns=").replace("<ofd:", "<")
                   .replace("</ofd:", "</").encode() for n in z.namelist()}
    assert load_ofd(zip_members(tmp_path / "np.ofd", members)).text == load_ofd(gongwen).text


# ---------------------------------------------------------------------------------------------- broken files
def _zip(path: Path, members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", method) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return path


BILLION_LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                  b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><lolz>&lol2;</lolz>')


def _broken(tmp_path: Path, case: str) -> Path:
    good = ofd_members([[("正文", 30, 50, S)]])
    page = "Doc_0/Pages/Page_0/Content.xml"
    if case == "not a zip":
        (tmp_path / "x.ofd").write_bytes(b"%PDF-1.7 not an ofd")
        return tmp_path / "x.ofd"
    if case == "zip bomb":
        return _zip(tmp_path / "x.ofd", {**good, "Doc_0/Res/big.xml": b"\0" * (8 * 2**20)})
    if case == "no OFD.xml":
        return _zip(tmp_path / "x.ofd", {k: v for k, v in good.items() if k != "OFD.xml"})
    if case == "missing":
        return _zip(tmp_path / "x.ofd", {k: v for k, v in good.items() if k != "Doc_0/Document.xml"})
    if case == "names no DocRoot":
        return _zip(tmp_path / "x.ofd", {**good, "OFD.xml": good["OFD.xml"].replace(b"Doc_0/Document.xml", b"")})
    if case == "malformed XML":
        return _zip(tmp_path / "x.ofd", {**good, page: good[page][:-20]})
    if case == "DOCTYPE":
        return _zip(tmp_path / "x.ofd", {**good, page: BILLION_LAUGHS})
    if case == "no text layer (scanned?)":
        image_only = (f'<ofd:Page xmlns:ofd="{NS}"><ofd:Content><ofd:Layer ID="3"><ofd:ImageObject ID="4" '
                      'ResourceID="9" Boundary="0 0 210 297" CTM="210 0 0 297 0 0"/></ofd:Layer></ofd:Content>'
                      "</ofd:Page>").encode()
        return _zip(tmp_path / "x.ofd", {**good, page: image_only})
    if case == "not a valid .ofd (Doc_0":  # a member the zip directory lists but whose data is damaged
        path = zip_members(tmp_path / "x.ofd", good)
        data = bytearray(path.read_bytes())
        at = data.find(b"Doc_0/Pages/Page_0/Content.xml") + len(page) + 5  # first local header's data
        data[at:at + 8] = b"\xff" * 8
        path.write_bytes(bytes(data))
        return path
    raise AssertionError(case)


@pytest.mark.parametrize("case", ["not a zip", "zip bomb", "no OFD.xml", "missing", "names no DocRoot",
                                  "malformed XML", "DOCTYPE",
                                  "no text layer (scanned?)", "not a valid .ofd (Doc_0"])
def test_broken_files_give_one_line_load_error(tmp_path, case):
    with pytest.raises(LoadError) as info:
        load_ofd(_broken(tmp_path, case))
    message = str(info.value)
    assert case in message and "\n" not in message and message.startswith("x.ofd: ")


def test_unknown_xml_encoding_is_malformed(tmp_path):
    members = ofd_members([[("正文", 30, 50, S)]])
    members["OFD.xml"] = members["OFD.xml"].replace(b'encoding="UTF-8"', b'encoding="UT0F-8"')
    with pytest.raises(LoadError, match="OFD.xml is malformed XML"):
        load_ofd(zip_members(tmp_path / "x.ofd", members))


def test_too_many_pages(tmp_path, monkeypatch):
    monkeypatch.setattr(ofd, "MAX_OFD_PAGES", 3)
    path = write_ofd(tmp_path / "x.ofd", [[("页", 30, 50, S)]] * 4)
    with pytest.raises(LoadError, match=r"has 4 pages \(limit MAX_OFD_PAGES=3\)"):
        load_ofd(path)


def test_random_damage_never_escapes_as_a_traceback(tmp_path, gongwen):
    data = gongwen.read_bytes()
    rng = random.Random(20240318)
    for i in range(60):
        damaged = bytearray(data)
        for _ in range(rng.randint(1, 8)):
            damaged[rng.randrange(len(damaged))] = rng.randrange(256)
        if i % 3 == 0:
            damaged = damaged[:rng.randrange(len(damaged))]
        path = tmp_path / f"d{i}.ofd"
        path.write_bytes(bytes(damaged))
        try:
            load_ofd(path)
        except LoadError as exc:
            assert "\n" not in str(exc)


# ---------------------------------------------------------------------------------------------- realism
def test_writer_output_opens_in_easyofd(gongwen, monkeypatch, tmp_path):
    """A third-party reader (easyofd, when installed) finds the same text pieces in the writer's output."""
    easyofd = pytest.importorskip("easyofd")
    monkeypatch.chdir(tmp_path)  # easyofd unpacks into the working directory
    reader = easyofd.OFD()
    reader.read(str(gongwen), fmt="path")
    pieces = [t["text"] for page in reader.data[0]["page_info"].values() for t in page["text_list"]]
    assert "某政办〔2024〕12号" in pieces and "2024年3月18日" in pieces
