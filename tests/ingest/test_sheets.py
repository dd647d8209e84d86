"""load_sheet: .xlsx workbooks and .csv/.tsv files as HEADING + TABLE blocks, header detection under merged title
rows, two-row headers and merged row labels, number and date formatting, GBK CSV with tab or full-width comma
delimiters, and one-line :class:`LoadError` for corrupt, empty, old-format and oversized files."""
from __future__ import annotations

import datetime as dt
import zipfile

import pytest

import rag.ingest.sheets as sheets
from rag.errors import LoadError
from rag.ingest.blocks import BlockKind, block_lines, table_lines
from rag.ingest.sheets import _fmt, load_sheet

openpyxl = pytest.importorskip("openpyxl")

TITLE = "2024年第一季度各街道志愿服务统计表（截至2024年3月31日）"
STREET_LINES = [
    "北城街道：站点数25个，注册志愿者1410名，服务时长3560.5小时，活跃率62.5%，备注：试点，统计日期：2024-03-31。",
    "南城街道：站点数18个，注册志愿者960名，服务时长2210.25小时，活跃率50%，统计日期：2024-03-31。",
    "东城街道：站点数21个，注册志愿者1135名，服务时长2890小时，活跃率58%，备注：新增，统计日期：2024-03-31。",
]
DETAIL_LINES = [
    "北城街道：社区：东风社区，志愿者注册320名，志愿者活跃150名，服务时长800小时。",
    "北城街道：社区：西湖社区，志愿者注册280名，志愿者活跃120名，服务时长640小时。",
    "南城街道：社区：南关社区，志愿者注册300名，志愿者活跃110名，服务时长700小时。",
]


def _stats_workbook(path):
    """A district office's quarterly table: merged title, a 填报单位 row, an empty row and an empty column, units
    in the header, floats, percentages, dates, a footnote; a second sheet with a two-row header and a row label
    merged down two rows; a hidden lookup sheet."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "一季度"
    ws["A1"] = TITLE
    ws.merge_cells("A1:H1")
    ws["A2"] = "填报单位：商都市文明办"
    ws["F2"] = "单位：个、名、小时"
    ws.append([])
    ws.append(["街道", "站点数（个）", None, "注册志愿者（名）", "服务时长（小时）", "活跃率", "备注", "统计日期"])
    for name, sites, volunteers, hours, rate, remark, day in [
            ("北城街道", 25, 1410.0, 3560.5, 0.625, "试点", dt.datetime(2024, 3, 31)),
            ("南城街道", 18, 960.0, 2210.25, 0.5, None, dt.datetime(2024, 3, 31)),
            ("东城街道", 21, 1135, 2890.0, 0.58, "新增", dt.date(2024, 3, 31))]:
        ws.append([name, sites, None, volunteers, hours, rate, remark, day])
        ws.cell(ws.max_row, 6).number_format = "0.0%"
    ws.append([])
    ws.append(["注：服务时长以全国志愿服务信息系统记录为准。"])
    detail = wb.create_sheet("明细")
    detail.append(["街道", "社区", "志愿者（名）", None, "服务时长（小时）"])
    detail.append([None, None, "注册", "活跃", None])
    for cells in ("A1:A2", "B1:B2", "C1:D1", "E1:E2"):
        detail.merge_cells(cells)
    detail.append(["北城街道", "东风社区", 320, 150, 800])
    detail.append([None, "西湖社区", 280, 120, 640])
    detail.merge_cells("A3:A4")
    detail.append(["南城街道", "南关社区", 300, 110, 700])
    hidden = wb.create_sheet("参数")
    hidden.append(["系数", 1.5])
    hidden.sheet_state = "hidden"
    wb.save(path)
    return path


def test_workbook_blocks_text_and_hints(tmp_path):
    doc = load_sheet(_stats_workbook(tmp_path / "stats.xlsx"))
    kinds = [(b.kind, b.text) for b in doc.blocks if b.kind != BlockKind.TABLE]
    assert kinds == [(BlockKind.TITLE, TITLE), (BlockKind.HEADING, "一季度"),
                     (BlockKind.PARAGRAPH, "填报单位：商都市文明办；单位：个、名、小时"),
                     (BlockKind.PARAGRAPH, "注：服务时长以全国志愿服务信息系统记录为准。"), (BlockKind.HEADING, "明细")]
    assert [b.kind for b in doc.blocks].count(BlockKind.TABLE) == 2
    assert (doc.hints.title, doc.hints.date) == (TITLE, "2024-03-31")
    lines = doc.text.split("\n")
    assert lines[3:6] == STREET_LINES and lines[-3:] == DETAIL_LINES
    assert doc.text == "\n".join(block_lines(doc.blocks))
    assert "系数" not in doc.text and doc.notes == ["skipped hidden sheet 参数"]


def test_header_row_and_dropped_empty_column(tmp_path):
    table = next(b for b in load_sheet(_stats_workbook(tmp_path / "s.xlsx")).blocks if b.kind == BlockKind.TABLE)
    assert table.header_rows == 1
    assert table.rows[0] == ["街道", "站点数（个）", "注册志愿者（名）", "服务时长（小时）", "活跃率", "备注", "统计日期"]
    assert table.rows[1] == ["北城街道", "25", "1410", "3560.5", "62.5%", "试点", "2024-03-31"]
    assert table_lines(table.rows, table.header_rows)[0] == STREET_LINES[0]


def test_single_default_sheet_has_no_heading(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.append(["街道", "站点数（个）", "注册志愿者（名）"])
    wb.active.append(["北城街道", 25, 1410])
    wb.save(tmp_path / "one.xlsx")
    doc = load_sheet(tmp_path / "one.xlsx")
    assert [b.kind for b in doc.blocks] == [BlockKind.TABLE]
    assert doc.text == "北城街道：站点数25个，注册志愿者1410名。"
    assert doc.hints.title is None


def test_formatting_rows_far_below_the_data_are_not_read(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.append(["街道", "站点数（个）"])
    wb.active.append(["北城街道", 25])
    wb.active.cell(row=sheets.MAX_EMPTY_ROW_RUN + 50, column=1).number_format = "0.00"
    wb.active.cell(row=sheets.MAX_EMPTY_ROW_RUN + 60, column=1, value="远处的值")
    wb.save(tmp_path / "styled.xlsx")
    doc = load_sheet(tmp_path / "styled.xlsx")
    assert doc.text == "北城街道：站点数25个。" and "stopped after" in doc.notes[0]


@pytest.mark.parametrize("value,number_format,shown", [
    (25, "General", "25"), (960.0, "General", "960"), (3560.5, "General", "3560.5"),
    (0.1 + 0.2, "General", "0.3"), (78.456, "0.00", "78.46"), (76.0, "0.0", "76"), (2.5, "0", "3"),
    (1234567.0, "#,##0", "1234567"), (0.625, "0.0%", "62.5%"), (0.5, "0%", "50%"), (-3.0, "General", "-3"),
    (dt.datetime(2024, 3, 18), "yyyy-mm-dd", "2024-03-18"), (dt.datetime(2024, 3, 18, 9, 30), "General",
                                                              "2024-03-18 09:30"),
    (dt.date(2024, 3, 18), "General", "2024-03-18"), (dt.time(9, 30), "h:mm", "09:30"), (True, "General", "TRUE"),
    (None, "General", ""), ("  北城\n街道 ", "General", "北城街道"), ("2024/3/18", "@", "2024-03-18"),
    ("1410.0", "@", "1410"), ("2024/2/30", "@", "2024/2/30"),
])
def test_cell_formatting(value, number_format, shown):
    assert _fmt(value, number_format) == shown


CSV_ROWS = ["2024年第一季度各街道志愿服务统计表", "街道{d}站点数（个）{d}注册志愿者（名）{d}备注",
            "北城街道{d}25{d}1410{d}试点", "南城街道{d}18{d}960.0{d}", "东城街道{d}21{d}1135{d}{q}新增，含2个社区{q}"]


@pytest.mark.parametrize("name,delimiter,quote,encoding", [
    ("fullwidth.csv", "，", '"', "gbk"), ("tab.csv", "\t", "", "gbk"), ("tab.tsv", "\t", "", "gb18030"),
    ("comma.csv", ",", '"', "utf-8-sig"), ("semicolon.csv", ";", "", "utf-8"),
])
def test_csv_delimiters_and_encodings(tmp_path, name, delimiter, quote, encoding):
    path = tmp_path / name
    path.write_bytes("\r\n".join(r.format(d=delimiter, q=quote) for r in CSV_ROWS).encode(encoding))
    doc = load_sheet(path)
    assert [b.kind for b in doc.blocks] == [BlockKind.TITLE, BlockKind.TABLE]
    assert doc.hints.title == "2024年第一季度各街道志愿服务统计表"
    assert doc.text.split("\n")[1:] == ["北城街道：站点数25个，注册志愿者1410名，备注：试点。",
                                        "南城街道：站点数18个，注册志愿者960名。",
                                        "东城街道：站点数21个，注册志愿者1135名，备注：新增，含2个社区。"]


def test_csv_of_numbers_only_has_no_header(tmp_path):
    (tmp_path / "n.csv").write_text("1,2,3\n4,5,6\n", encoding="utf-8")
    table = load_sheet(tmp_path / "n.csv").blocks[0]
    assert table.header_rows == 0 and table.rows == [["1", "2", "3"], ["4", "5", "6"]]


def _corrupt_zip(p):
    _stats_workbook(p)
    data = p.read_bytes()
    p.write_bytes(data[: len(data) // 2])


def _zip_without_workbook(p):
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("hello.txt", "不是工作簿")


def _empty_workbook(p):
    openpyxl.Workbook().save(p)


@pytest.mark.parametrize("name,make,problem", [
    ("random.xlsx", lambda p: p.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 10), "is not a valid .xlsx"),
    ("cut.xlsx", _corrupt_zip, ".xlsx"),
    ("nobook.xlsx", _zip_without_workbook, "is not a readable .xlsx file"),
    ("old.xlsx", lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0" + b"\x00" * 500), "old-format (.xls) or password"),
    ("blank.xlsx", _empty_workbook, "has no data"),
    ("empty.csv", lambda p: p.write_bytes(b""), "has no data"),
    ("binary.csv", lambda p: p.write_bytes(bytes(range(256)) * 20), "binary"),
    ("table.xls", lambda p: p.write_bytes(b"x"), "unsupported spreadsheet type .xls"),
    ("missing.csv", lambda p: None, "cannot be read"),
])
def test_refused_files(tmp_path, name, make, problem):
    path = tmp_path / name
    make(path)
    with pytest.raises(LoadError) as info:
        load_sheet(path)
    message = str(info.value)
    assert message.startswith(f"{name}: ") and problem in message and "\n" not in message


@pytest.mark.parametrize("limit,value,problem", [("MAX_SHEET_ROWS", 3, "rows of data"),
                                                 ("MAX_SHEET_CELLS", 10, "filled cells")])
def test_size_limits(tmp_path, monkeypatch, limit, value, problem):
    monkeypatch.setattr(sheets, limit, value)
    for path in (_stats_workbook(tmp_path / "big.xlsx"), tmp_path / "big.csv"):
        if path.suffix == ".csv":
            path.write_text("\n".join(f"街道{i},{i}" for i in range(20)), encoding="utf-8")
        with pytest.raises(LoadError, match=f"^big{path.suffix}: has over .* {problem}"):
            load_sheet(path)


def test_large_csv_file_refused_before_reading(tmp_path, monkeypatch):
    monkeypatch.setattr(sheets, "MAX_CSV_MB", 0)
    (tmp_path / "a.csv").write_text("街道,站点数\n北城街道,25\n", encoding="utf-8")
    with pytest.raises(LoadError, match=r"^a.csv: is over the 0 MB limit"):
        load_sheet(tmp_path / "a.csv")


def test_group_header_row_and_note_row_in_csv(tmp_path):
    """No merge information in a CSV: the group header row (fewer than half its cells filled) is recognised by
    the row under it, and the 填报单位/填报日期 row is a note that gives the date, not the header."""
    (tmp_path / "g.csv").write_text("\n".join([
        "2024年各街道志愿者统计", "填报单位：商都市文明办,,,填报日期：2024年4月5日,,,",
        "街道,志愿者（名）,,,,服务时长（小时）,", ",注册,活跃,骨干,新增,累计,年均",
        "北城街道,1410,620,80,35,3560.5,12.6"]), encoding="utf-8")
    doc = load_sheet(tmp_path / "g.csv")
    assert (doc.hints.title, doc.hints.date) == ("2024年各街道志愿者统计", "2024-04-05")
    assert doc.text.split("\n") == [
        "2024年各街道志愿者统计", "填报单位：商都市文明办；填报日期：2024年4月5日",
        "北城街道：志愿者注册1410名，志愿者活跃620名，志愿者骨干80名，志愿者新增35名，服务时长累计3560.5小时，"
        "服务时长年均12.6小时。"]


def test_total_row_label_merged_over_the_serial_column(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in (["序号", "街道", "活动场次（场）"], [1, "七一路街道", 86], [2, "人民路街道", 74], ["合计", None, 160]):
        ws.append(row)
    ws.merge_cells("A4:B4")
    wb.save(tmp_path / "total.xlsx")
    table = load_sheet(tmp_path / "total.xlsx").blocks[0]
    assert table.rows[-1] == ["合计", "合计", "160"]
    assert table_lines(table.rows, table.header_rows)[-1].startswith("合计：")


def test_lone_sheet_with_a_title_row_gets_no_heading(tmp_path):
    """A single sheet's name (统计表) says less than the title row above the table: no 栏目 from it."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "统计表"
    ws.append(["2024年第一季度各街道志愿服务统计表"])
    ws.append(["街道", "活动场次（场）"])
    ws.append(["七一路街道", 86])
    path = tmp_path / "表.xlsx"
    wb.save(path)
    doc = load_sheet(path)
    assert [b.kind for b in doc.blocks] == [BlockKind.TITLE, BlockKind.TABLE]
    assert "七一路街道：活动场次86场。" in doc.text
