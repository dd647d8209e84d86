"""PDF pages read by position: furniture removed, tables in place, two columns in order."""
import pytest

from rag.errors import LoadError
from rag.ingest import read_document
from rag.ingest.pdf import _Piece, find_gutter, is_page_number, load_pdf, strip_furniture

from .pdf_fixtures import bulletin_pdf, two_column_pdf, wrap

ROWS = [["街道", "站点数（个）", "注册志愿者（名）"], ["北城街道", "25", "1410"], ["南湖街道", "18", "960"],
        ["合计", "43", "2370"]]
P1 = ["【工作动态】", "商都市开展志愿服务月活动"] + wrap(
    "7月1日至31日，商都市在全市范围内开展志愿服务月活动，各街道共组织志愿服务活动120场，参与群众达到5600人次。", 34)
P2 = ["北城街道打造志愿服务站点"] + wrap("北城街道依托社区党群服务中心建设志愿服务站点，统计情况如下表。", 34)
P3 = ["南湖街道开展文明交通劝导"] + wrap("南湖街道组织志愿者在主要路口开展文明交通劝导，累计劝导不文明行为300余次。", 34)
DIST = ["报：市委宣传部，市文明委各成员单位", "送：各县区文明办", "（共印30份）"]


@pytest.mark.parametrize("text, expected", [
    ("—1—", True), ("- 12 -", True), ("第3页 共8页", True), ("2/5", True), ("Page 4 of 9", True), ("7", True),
    ("第5期", False), ("商都市文明办工作简报", False), ("2024年7月15日", False), ("北城街道251410", False),
])
def test_page_numbers(text, expected):
    assert is_page_number(text) is expected


def test_furniture_repeated_in_margins_goes_body_stays():
    page = lambda n: ([(20.0, "商都日报 电子版"), (400.0, f"正文第{n}页的内容。"), (820.0, f"第{n}页")], 842.0)
    assert strip_furniture([page(1), page(2), page(3)]) == [["正文第1页的内容。"], ["正文第2页的内容。"],
                                                          ["正文第3页的内容。"]]
    # a body line that repeats is not furniture; one page alone keeps its top line
    body = ([(400.0, "同一句话。")], 842.0)
    assert strip_furniture([body, body]) == [["同一句话。"], ["同一句话。"]]
    assert strip_furniture([page(1)]) == [["商都日报 电子版", "正文第1页的内容。"]]


def test_gutter_found_only_on_two_column_pages():
    two = [_Piece(50, 280, 100 + 18 * i, 110 + 18 * i, "左") for i in range(6)] + \
          [_Piece(312, 545, 100 + 18 * i, 110 + 18 * i, "右") for i in range(6)] + [_Piece(50, 545, 40, 50, "通栏")]
    one = [_Piece(70, 520, 100 + 18 * i, 110 + 18 * i, "正文") for i in range(10)]
    assert 280 <= find_gutter(two, 595) <= 312
    assert find_gutter(one, 595) is None


def test_bulletin_pdf_layout(tmp_path):
    path = bulletin_pdf(tmp_path / "商都市文明办工作简报_第5期.pdf", [P1, P2, P3], table=(1, ROWS),
                        distribution=DIST)
    text = load_pdf(path).text
    assert "—1—" not in text and "—3—" not in text
    assert text.count("商都市文明办工作简报") == 1  # the masthead; the running header on page 2 is gone
    assert "北城街道：站点数25个，注册志愿者1410名。" in text and "251410" not in text
    assert text.index("统计情况如下表") < text.index("北城街道：站点数") < text.index("合计：站点数43个")
    doc = read_document(path, path.name)
    assert (doc.meta.bulletin, doc.meta.issue, doc.meta.date) == ("商都市文明办工作简报", "5", "2024-07-15")
    assert doc.meta.distribution.startswith("报：市委宣传部") and "共印30份" in doc.meta.distribution
    titles = [a.title for a in doc.articles]
    assert titles == ["商都市开展志愿服务月活动", "北城街道打造志愿服务站点", "南湖街道开展文明交通劝导"]
    assert all("共印" not in a.text and "报：" not in a.text for a in doc.articles)
    assert "1410名" in doc.articles[1].text and all(a.section == "【工作动态】" for a in doc.articles)


@pytest.mark.parametrize("row_by_row", [True, False])
def test_two_column_newspaper_page(tmp_path, row_by_row):
    left = ["本报讯（记者 王丽）3月17日，商都市第一届", "读书节在市图书馆开幕，活动持续一个月。",
            "据介绍，本届读书节共安排各类活动46项。"]
    right = ["本报讯（记者 李强）近日，商都市南湖公园", "改造工程完工，新增绿地面积3.2万平方米。",
             "公园内新建健身步道2.5公里，供市民晨练。"]
    path = two_column_pdf(tmp_path / "page.pdf", "商都日报  2024年3月18日 星期一  第3版：综合新闻", left, right,
                          row_by_row=row_by_row)
    doc = read_document(path, path.name)
    assert (doc.meta.bulletin, doc.meta.date) == ("商都日报", "2024-03-18")
    assert [a.section for a in doc.articles] == ["第3版 综合新闻"] * 2
    assert "商都市第一届读书节在市图书馆开幕，活动持续一个月。\n据介绍" in doc.articles[0].text
    assert "南湖公园改造工程完工" in doc.articles[1].text and "南湖" not in doc.articles[0].text


def test_newspaper_metadata_from_the_file_name(tmp_path):
    path = two_column_pdf(tmp_path / "商都日报_20240318_第03版.pdf", "综合新闻",
                          ["本报讯（记者 王丽）3月17日，商都市第一届", "读书节在市图书馆开幕。", "活动持续一个月。"],
                          ["图书馆新增图书两万册，", "全部向市民免费开放。", "借阅时间延长至晚上九点。"])
    doc = read_document(path, path.name)
    assert (doc.meta.bulletin, doc.meta.date) == ("商都日报", "2024-03-18")
    assert doc.articles[0].section == "第3版" and doc.articles[0].date == "2024-03-18"


def test_broken_pdf_is_one_line(tmp_path):
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF")
    with pytest.raises(LoadError) as err:
        load_pdf(path)
    assert "broken.pdf" in str(err.value) and "\n" not in str(err.value)
