"""Structure from the file's own headings, file names, 公文 and web headers, Markdown, Word styles."""
import pytest

from rag.ingest import parse_document, read_document
from rag.ingest.blocks import Block, BlockKind, LoadedDocument
from rag.ingest.outline import _last_lines, hints_from_filename, parse_loaded
from rag.ingest.structure import closing_date


@pytest.mark.parametrize("name, expected", [
    ("商都日报_20240318_第03版.pdf", ("商都日报", None, "2024-03-18", "第3版")),
    ("商都市文明办工作简报_第5期.docx", ("商都市文明办工作简报", "5", None, None)),
    ("2024-07-15 会议纪要.txt", (None, None, "2024-07-15", None)),
    ("003_de095c37571e801a.txt", (None, None, None, None)),  # a hash is not a date
    ("report_20241399.txt", (None, None, None, None)),  # month 13 is not a date
    ("周口精神文明建设简报2023年第17期.txt", ("周口精神文明建设简报", "17", None, None)),
])
def test_hints_from_filename(name, expected):
    """Paper, issue, date and page from a file name."""
    h = hints_from_filename(name)
    assert (h.publication, h.issue, h.date, h.section) == expected


def test_official_document_number_title_and_date():
    text = "\n".join(["商都市人民政府办公室文件", "商政办〔2024〕12号", "关于做好2024年防汛工作的", "通知",
                      "各县区人民政府，市政府各部门：", "为切实做好今年防汛工作，现将有关事项通知如下。",
                      "一、各单位要落实防汛责任制。", "商都市人民政府办公室", "2024年5月20日"])
    doc = parse_document(text, "notice.txt")
    assert doc.meta.issue == "商政办〔2024〕12号" and doc.meta.date == "2024-05-20"
    assert doc.meta.publisher == "商都市人民政府办公室"
    assert [a.title for a in doc.articles] == ["关于做好2024年防汛工作的通知"]
    assert doc.articles[0].text.startswith("各县区人民政府")


def test_web_header_and_page_chrome():
    text = "\n".join(["商都新闻网", "首页|时政|民生|经济|文化", "河滨公园提升改造工程完工",
                      "发布时间：2024-04-22 08:16 来源：商都新闻网 作者：韩梅", "4月20日，河滨公园提升改造工程完工。",
                      "改造总投资9600万元。", "责任编辑：吴涛", "网友评论（3）", "公园改得真漂亮。"])
    doc = parse_document(text, "page.txt")
    assert (doc.meta.date, doc.meta.bulletin) == ("2024-04-22", "商都新闻网")
    assert doc.articles[0].title == "河滨公园提升改造工程完工"
    assert "首页" not in doc.articles[0].text and "真漂亮" not in doc.articles[0].text
    assert "9600万元" in doc.articles[0].text
    # who wrote it is asked: the meta line's author stays, as the article's byline line
    assert doc.articles[0].text.startswith("作者：韩梅\n4月20日")


@pytest.mark.parametrize("info, first", [
    ("发布时间：2024-04-22 08:16 来源：商都新闻网 作者：韩梅", "作者：韩梅"),
    ("发布时间：2024-04-22 08:16 作者：韩梅来源：商都新闻网", "作者：韩梅"),  # the next field right after the name
    ("发布时间：2024-04-22 08:16 来源：商都新闻网 作者：市政府办公室", "4月20日"),  # a unit, not a person
    ("发布时间：2024-04-22 08:16 来源：商都新闻网 作者：本站", "4月20日"),  # no one
])
def test_web_header_author_is_kept_when_it_names_a_person(info, first):
    text = "\n".join(["商都新闻网", "河滨公园提升改造工程完工", info, "4月20日，河滨公园提升改造工程完工。"])
    assert parse_document(text, "page.txt").articles[0].text.startswith(first)


def test_bulletin_without_table_of_contents_or_markers_keeps_every_article():
    text = "\n".join(["商都高新区工作动态", "2024年第2期（总第31期）", "商都高新区党政办公室 2024年2月26日", "",
                      "高新区集中签约项目11个", "2月23日，高新区举行重点项目集中签约仪式，共签约项目11个。", "",
                      "高新区开展春风行动", "春节后，高新区走访企业138家，收集诉求71项。", "",
                      "送：管委会领导", "发：各局办、各园区", "（共印20份）"])
    doc = parse_document(text, "b.txt")
    assert (doc.meta.bulletin, doc.meta.issue, doc.meta.date) == ("商都高新区工作动态", "2", "2024-02-26")
    assert [a.title for a in doc.articles] == ["高新区集中签约项目11个", "高新区开展春风行动"]
    assert doc.meta.distribution.endswith("（共印20份）") and "共印" not in doc.articles[-1].text


def test_two_heading_levels_are_sections_and_titles():
    blocks = [Block(BlockKind.PARAGRAPH, "商都市民政工作简报"), Block(BlockKind.PARAGRAPH, "第8期"),
              Block(BlockKind.PARAGRAPH, "2024年6月28日"), Block(BlockKind.HEADING, "工作动态", 1),
              Block(BlockKind.HEADING, "养老服务现场会召开", 2), Block(BlockKind.PARAGRAPH, "6月20日，现场会召开。"),
              Block(BlockKind.TABLE, rows=[["类别", "人数（人）"], ["城市低保", "8621"]]),
              Block(BlockKind.HEADING, "社会救助稳步推进", 2), Block(BlockKind.LIST_ITEM, "1. 低保提标。"),
              Block(BlockKind.HEADING, "经验交流", 1), Block(BlockKind.HEADING, "时间银行", 2),
              Block(BlockKind.PARAGRAPH, "注册会员1140名。")]
    doc = parse_loaded(LoadedDocument("", blocks), "b.docx")
    assert (doc.meta.bulletin, doc.meta.issue, doc.meta.date) == ("商都市民政工作简报", "8", "2024-06-28")
    assert [(a.section, a.title) for a in doc.articles] == [("工作动态", "养老服务现场会召开"),
                                                          ("工作动态", "社会救助稳步推进"), ("经验交流", "时间银行")]
    assert doc.articles[0].text == "6月20日，现场会召开。\n城市低保：人数8621人。"


def test_numbered_report_parts_stay_one_article_under_the_title(tmp_path):
    md = tmp_path / "总结.md"
    md.write_text("# 商都市图书馆工作总结\n\n> 商都市图书馆 2024年12月20日\n\n## 一、基本情况\n\n全年举办活动412场。\n\n"
                  "## 二、主要做法\n\n1. **打造城市书房。** 新建8个。\n2. 办好读书节。\n\n| 书房 | 藏书（册） |\n|---|---|\n"
                  "| 颍河书房 | 12000 |\n", encoding="utf-8")
    doc = read_document(md, md.name)
    assert doc.meta.date == "2024-12-20"
    assert [(a.section, a.title) for a in doc.articles] == [(None, "商都市图书馆工作总结")]
    text = doc.articles[0].text
    assert text.index("一、基本情况") < text.index("全年举办活动412场。") < text.index("二、主要做法")
    assert "1.打造城市书房。新建8个。" in text and "颍河书房：藏书12000册。" in text
    assert "#" not in text


def test_unnumbered_headings_under_a_title_become_parts(tmp_path):
    md = tmp_path / "简报.md"
    md.write_text("# 商都市民政工作通讯\n\n## 工作动态\n\n全市召开养老服务现场会。\n\n## 经验交流\n\n南关街道建立时间银行。\n",
                  encoding="utf-8")
    doc = read_document(md, md.name)
    assert [(a.section, a.title) for a in doc.articles] == [("工作动态", "商都市民政工作通讯"),
                                                          ("经验交流", "商都市民政工作通讯")]


@pytest.mark.parametrize("text, date", [
    ("停水通知\n因施工暂停供水。\n商都市自来水公司\n2024年6月23日\n", "2024-06-23"),
    ("通知\n请准时参加。\n2024 年 5 月 9 日\n附件：名单\n", "2024-05-09"),
    ("2024年6月23日\n第一段。\n第二段。\n第三段。\n第四段。\n", None),  # not at the end: not a signature
    ("会议于2024年6月23日召开。\n", None),  # a date inside a sentence
])
def test_closing_date(text, date):
    """A notice's signature date is its date."""
    assert closing_date(_last_lines(text)) == date


def test_word_heading_styles_numbered_lists_and_tables_in_place(tmp_path):
    import docx

    d = docx.Document()
    d.add_paragraph("商都市文明办工作简报")
    d.add_paragraph("第5期")
    d.add_paragraph("2024年7月15日")
    d.add_heading("工作动态", level=1)
    d.add_heading("志愿服务站点建设推进", level=2)
    d.add_paragraph("各街道建设站点情况如下。")
    t = d.add_table(rows=2, cols=3)
    for i, v in enumerate(["街道", "站点数（个）", "注册志愿者（名）"]):
        t.rows[0].cells[i].text = v
    for i, v in enumerate(["北城街道", "25", "1410"]):
        t.rows[1].cells[i].text = v
    d.add_paragraph("下一步将继续推进。")
    d.add_heading("文明餐桌专项督查", level=2)
    d.add_paragraph("督查餐饮单位。", style="List Number")
    d.add_paragraph("通报问题。", style="List Number")
    path = tmp_path / "b.docx"
    d.save(path)
    doc = read_document(path, path.name)
    assert (doc.meta.bulletin, doc.meta.issue, doc.meta.date) == ("商都市文明办工作简报", "5", "2024-07-15")
    assert [(a.section, a.title) for a in doc.articles] == [("工作动态", "志愿服务站点建设推进"),
                                                          ("工作动态", "文明餐桌专项督查")]
    assert doc.articles[0].text == "各街道建设站点情况如下。\n北城街道：站点数25个，注册志愿者1410名。\n下一步将继续推进。"
    assert doc.articles[1].text == "1.督查餐饮单位。\n2.通报问题。"


@pytest.mark.parametrize("name, title", [
    ("商都市新时代文明实践站点名录.csv", "商都市新时代文明实践站点名录"),
    ("商都晚报_20240612_第02版_老旧小区加装电梯.html", "老旧小区加装电梯"),
    ("商都市志愿服务工作简报_第9期_扫描件.pdf", None),  # only paper, issue and "scan" in the name
    ("商都日报_20240318_第03版.pdf", None),
    ("001.txt", None),
    ("文明城市创建工作简报（第3期）.doc", None),  # paper and issue only
    ("商都市2024年1-6月经济运行情况.docx", "商都市2024年1-6月经济运行情况"),
    ("新建 Microsoft Word 文档.docx", None),
])
def test_title_from_filename(name, title):
    """What is left of a file name besides paper/date/issue/page titles a file that has no title of its own."""
    assert hints_from_filename(name).title == title
