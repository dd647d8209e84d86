"""Tables rendered row by row with each cell next to its row label and column header."""
import pytest

from rag.ingest.blocks import Block, BlockKind, block_lines, table_lines

HEADER = ["街道", "站点数（个）", "注册志愿者（名）", "备注"]


@pytest.mark.parametrize("rows, expected", [
    ([HEADER, ["北城街道", "25", "1410", "试点"]], ["北城街道：站点数25个，注册志愿者1410名，备注：试点。"]),
    ([HEADER, ["南湖街道", "18", "", ""]], ["南湖街道：站点数18个。"]),
    ([["项目", "完成率"], ["道路改造", "98.5%"]], ["道路改造：完成率98.5%。"]),
    ([["姓名", "单位"], ["王丽", "商都市图书馆"]], ["王丽：单位：商都市图书馆。"]),
    ([["唯一一行", "没有表头"]], ["唯一一行；没有表头。"]),  # one row: no header to use
    ([["甲"], ["乙"]], ["甲。", "乙。"]),  # one column: no header to pair with, every cell kept
    ([["", ""], ["北城街道", "25"]], ["北城街道；25。"]),  # empty header row: cells kept apart
    ([["街道", "这是一段很长的说明文字而不是列名它超过了三十个字符的限制所以不算表头"], ["北城", "是"]],
     ["街道；这是一段很长的说明文字而不是列名它超过了三十个字符的限制所以不算表头。", "北城；是。"]),
    ([[" 北城 街道 ", None]], ["北城 街道。"]),
    ([], []),
])
def test_table_lines(rows, expected):
    assert table_lines(rows) == expected


def test_two_header_rows_are_joined():
    rows = [["街道", "志愿者", "志愿者"], ["", "人数（名）", "时长（小时）"], ["北城", "1410", "5200"]]
    assert table_lines(rows, header_rows=2) == ["北城：志愿者人数1410名，志愿者时长5200小时。"]


def test_digits_of_neighbouring_cells_never_run_together():
    line = table_lines([HEADER, ["北城街道", "25", "1410", ""]])[0]
    assert "251410" not in line and "25个" in line and "1410名" in line


def test_block_lines_keep_tables_in_place():
    blocks = [Block(BlockKind.PARAGRAPH, "统计如下。"), Block(BlockKind.TABLE, rows=[HEADER[:2], ["北城街道", "25"]]),
              Block(BlockKind.PARAGRAPH, "下一段。")]
    assert block_lines(blocks) == ["统计如下。", "北城街道：站点数25个。", "下一段。"]
