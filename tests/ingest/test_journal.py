"""The head of a journal article: title, column and where the body starts."""
import pytest

from rag.ingest import parse_document
from rag.ingest.clean import Line
from rag.ingest.journal import read_journal_header
from rag.types import DocMeta

HEAD = ["商都行政学院学报 2024年第2期（总第58期）", "公共管理", "基层网格化治理的实践困境与优化路径——以商都市南",
        "关街道为例", "李文博周敏", "（1.商都行政学院公共管理教研部，商都466000；2.商都市南关街道办事处，商都466001）",
        "摘要：网格化治理是推进基层治理现代化的重要手段。", "关键词：网格化治理；基层治理", "一、问题的提出", "正文。"]


@pytest.mark.parametrize("lines, expected", [
    (HEAD, (4, "基层网格化治理的实践困境与优化路径——以商都市南关街道为例", "公共管理")),
    # authors with separators, no column, bracketed abstract label
    (["城市治理研究 2023年第4期", "社区议事协商的运行机制研究", "张明，王芳", "（某某大学公共管理学院，北京100000）",
      "[摘要] 本文研究议事协商。", "[关键词] 议事协商", "正文。"], (2, "社区议事协商的运行机制研究", None)),
    # no 关键词 under the abstract: not a journal article
    (["工作总结", "摘要：全年工作如下。", "一、基本情况"], (0, None, None)),
    # a bulletin whose text says 摘要 deep inside: not a journal head
    (["商都市文明办工作简报"] + ["第5期"] + ["正文。"] * 12 + ["摘要：", "关键词："], (0, None, None)),
])
def test_read_journal_header(lines, expected):
    assert read_journal_header([Line(t) for t in lines], DocMeta(source="x", kind="plain")) == expected


def test_journal_article_metadata():
    doc = parse_document("\n".join(HEAD), "学报.pdf")
    assert doc.meta.bulletin == "商都行政学院学报" and doc.meta.issue == "2"
    [a] = doc.articles
    assert (a.section, a.title) == ("公共管理", "基层网格化治理的实践困境与优化路径——以商都市南关街道为例")
    assert a.text.startswith("李文博周敏") and "摘要：网格化治理" in a.text


def test_masthead_with_a_volume_line():
    meta = DocMeta(source="x", kind="plain")
    lines = ["第38卷第3期 商都行政学院学报 2024年6月", "基层治理现代化的路径探索", "张明", "（某某大学，北京100000）",
             "摘要：本文研究。", "关键词：治理"]
    assert read_journal_header([Line(t) for t in lines], meta) == (2, "基层治理现代化的路径探索", None)
    assert (meta.bulletin, meta.issue) == ("商都行政学院学报", "3")
