"""Article split of the five sample documents, checked against what a reader sees in them."""
from pathlib import Path

import pytest

from rag.ingest import event_dates, load_text, parse_document

from ..conftest import SAMPLE_CORPUS


def parse(prefix: str):
    path = next(SAMPLE_CORPUS.glob(f"{prefix}_*.txt"))
    return parse_document(load_text(path), path.name)


def sections(doc):
    return [a.section for a in doc.articles]


def test_001_masthead_and_sections():
    doc = parse("001")
    assert doc.meta.kind == "bulletin"
    assert (doc.meta.bulletin, doc.meta.issue, doc.meta.date, doc.meta.publisher) == (
        "周口精神文明建设简报", "17", "2023-06-20", "周口市文明办")
    assert sections(doc).count("【工作动态】") == 2
    assert sections(doc).count("【文明时讯】") == 4
    assert [a.title for a in doc.articles] == [
        "全市大走访活动现场会暨“创文”“创卫”推进会召开",
        "市创文办举办创建全国文明城市“大排查、大整治、大提升”培训会",
        "我市组织开展2023年文明实践志愿服务项目展示交流活动",
        "我市开展“6·14信用记录关爱日”诚信主题教育宣传活动",
        "太康县举行“中国好人”系列宣传摄影展活动",
        "商水县召开精神文明建设工作暨先进典型表彰大会",
    ]
    assert all(a.issue == "17" and a.date == "2023-06-20" for a in doc.articles)
    assert doc.articles[0].event_dates == ["2023-06-12"]
    # the table of contents is not an article
    assert not any(a.text.startswith("【") for a in doc.articles)


def test_000_has_no_masthead():
    doc = parse("000")
    assert (doc.meta.bulletin, doc.meta.issue, doc.meta.date) == (None, None, None)
    assert [(a.section, a.title) for a in doc.articles] == [
        ("【工作动态】", "我市召开全域精神文明建设工作推进会"),
        ("【经验交流】", "城乡一体化示范区三项举措推动入户大走访活动走深走实"),
        ("【文明时讯】", "5人入选2023年上半年“河南好人榜”"),
        ("【文明时讯】", "市法院开展“道德文明使者·我们在行动”主题活动"),
        ("【文明时讯】", "市文化广电和旅游局举办庆“八一”文化志愿者演出活动"),
    ]
    assert "已走访27018户居民" in doc.articles[1].text


def test_002_two_line_titles_from_toc():
    doc = parse("002")
    assert [a.title for a in doc.articles][:3] == [
        "王少青带队调研全域创建工作",
        "市委组织部以常态促长效 巩固提升文明单位创建成果",
        "市税务局以文明单位创建为抓手 凝聚奋进新时代精神力量",
    ]
    assert sections(doc) == ["【工作动态】"] + ["【经验交流】"] * 2 + ["【文明时讯】"] * 4


def test_003_newspaper_headlines_bylines_captions():
    doc = parse("003")
    assert doc.meta.kind == "newspaper" and doc.meta.bulletin is None
    titles = [a.title for a in doc.articles if a.title != "图片说明"]
    assert titles == [
        "示范区：入户大走访 情暖千万家",
        "巩固拓展主题教育成果 推动示范区高质量发展",
        "新时代“枫桥经验”的生动实践",
        "填补制度空白 畅通基层民主渠道",
        "凝心聚力促发展 实干担当谱新篇",
        "“三廉”并举推进清廉机关建设",
        "开展征兵宣传 激发青年入伍热情",
    ]
    captions = [a.text for a in doc.articles if a.title == "图片说明"]
    assert captions == ["民兵为群众讲解征兵政策。记者 姬慧洋 摄",
                        "示范区“创文”办志愿者到文苑社区群众家中走访，听取群众对“创文”工作的意见和建议。记者 姬慧洋 摄"]
    fengqiao = doc.articles[2]
    assert "示范区信访案件化解群众满意率达到99.01%" in fengqiao.text
    assert fengqiao.text.startswith("示范区探索“全过程主动介入式”矛盾纠纷化解新路径")


def test_004_banner_kickers_and_repeat():
    doc = parse("004")
    titles = [a.title for a in doc.articles if a.title != "图片说明"]
    assert titles[0] == "深入推进“创文”“巩卫”不断提升城市品质"  # the page banner above it is not the title
    assert "开展入户大走访 搭建党群连心桥" in titles and "政协委员集中“充电”提升履职能力" in titles
    assert len(titles) == 9
    assert sum(1 for a in doc.articles if a.title == "图片说明") == 2
    text = "\n".join(a.text for a in doc.articles)
    assert text.count("牢固树立城市主人翁意识") == 1  # the repeated passage is gone
    assert "32000余场次" in text  # but the text around it is kept


def test_event_dates():
    assert event_dates("6月12日召开，2023年6月17日培训", "2023") == ["2023-06-12", "2023-06-17"]
    assert event_dates("8 月 2 日") == ["08-02"]


def test_plain_document_is_one_article():
    doc = parse_document("关于做好冬季安全工作的通知\n各单位：\n要加强值班值守，确保安全。", "notice.txt")
    assert doc.meta.kind == "plain"
    assert [a.title for a in doc.articles] == ["关于做好冬季安全工作的通知"]
    assert doc.articles[0].text == "各单位：要加强值班值守，确保安全。"


@pytest.mark.parametrize("name", sorted(p.name for p in SAMPLE_CORPUS.glob("*.txt")))
def test_article_text_is_clean(name):
    doc = parse_document(load_text(SAMPLE_CORPUS / name), name)
    for a in doc.articles:
        assert "\ufffd" not in a.text
        assert "民民兵兵" not in a.text and "示示范范" not in a.text
        assert Path(a.source).name == name


def test_full_width_digits_and_kangxi_radicals_are_normalised_before_the_masthead_is_read():
    """#13 case 6: a WPS/browser PDF masthead with full-width digits and Kangxi radicals."""
    raw = ("周口精神⽂明建设\n简报\n第 ９ 期\n周口市⽂明办\n２０２４ 年 ７ 月 １５ 日\n"
           "【工作动态】\n我市召开⽂明城市创建推进会\n７月１２日，我市召开⽂明城市创建推进会，部署下一阶段/UNI5de5作。\n")
    doc = parse_document(raw, "wps.txt")
    assert doc.meta.issue == "9" and doc.meta.date == "2024-07-15"
    text = "".join(a.text for a in doc.articles)
    assert "文明城市" in text and "工作" in text and "⽂" not in text and "/UNI" not in text
