import pytest

from rag.ingest.clean import (Line, build_paragraphs, clean_line, collapse_doubled, drop_repeats, ends_sentence,
                              is_advert, is_page_credit, normalise_punct, split_lines)
from rag.text import starts_item


def test_collapse_doubled_caption():
    assert collapse_doubled("民民兵兵为为群群众众讲讲解解征征兵兵政政策策。。") == "民兵为群众讲解征兵政策。"


def test_real_repeats_untouched():
    for text in ["他常常去那里，天天如此。", "人人讲安全、个个会应急", "高高兴兴上学", "走深走实"]:
        assert collapse_doubled(text) == text


def test_fffd_runs_and_ascii_punct():
    assert clean_line("������本报讯(记者 韩志刚)近日,区委书记") == "本报讯（记者 韩志刚）近日，区委书记"


def test_numbers_keep_their_punctuation():
    assert normalise_punct("达到 99.01%， 为全区") == "达到99.01%，为全区"
    assert normalise_punct("10:30 开会, 共 1,200 人") == "10:30开会，共1,200人"


def test_hard_wraps_joined_blank_lines_ignored():
    lines = split_lines("8 月 2 日，我市召开全域精神文明建设工作推进会。省\n\n委宣传部精神文明建设一处考评组反馈\n\n问题。\n")
    assert build_paragraphs(lines) == ["8月2日，我市召开全域精神文明建设工作推进会。省委宣传部精神文明建设一处考评组反馈问题。"]


def test_subheadings_stay_on_their_own_line():
    lines = [Line("为群众营造舒适的生活环境。"), Line("拓宽思路解难题"), Line("共话文明暖人心"),
             Line("1月11日上午，文昌街道景园"), Line("社区广场上人头攒动。")]
    assert build_paragraphs(lines) == ["为群众营造舒适的生活环境。", "拓宽思路解难题", "共话文明暖人心",
                                       "1月11日上午，文昌街道景园社区广场上人头攒动。"]


def test_wrapped_line_after_sentence_end_is_not_a_heading():
    lines = [Line("现场秩序井然。"), Line("示范区纪委监察工委通过在"), Line("景园社区发放蔬菜，开展了一场活动。")]
    assert build_paragraphs(lines) == ["现场秩序井然。", "示范区纪委监察工委通过在景园社区发放蔬菜，开展了一场活动。"]


@pytest.mark.parametrize("line, item", [
    ("一、测评内容", True), ("（二）工作要求", True), ("(3)设立志愿岗", True), ("1. 组织领导和工作机制", True),
    ("12、发展助餐点", True), ("④通存通兑", True), ("四、2025年工作打算", True),
    ("1.5万人参加", False), ("3、4月份开展", False), ("一、二年级学生", False), ("2024年启动", False), ("一是加强领导", False), ("十分重要", False),
])
def test_item_markers(line, item):
    assert starts_item(line) is item


def test_numbered_items_and_headings_are_not_glued():
    """Web and Word lists arrive one item per line; a short numbered heading keeps its own paragraph."""
    lines = [Line("现将测评结果公布如下。"), Line("一、测评内容"), Line("1. 组织领导和工作机制"), Line("2. 思想道德建设"),
             Line("二、测评结果"), Line("本次共测评市直单位142家，其中优秀的"), Line("38家。")]
    assert build_paragraphs(lines) == ["现将测评结果公布如下。", "一、测评内容", "1.组织领导和工作机制", "2.思想道德建设",
                                       "二、测评结果", "本次共测评市直单位142家，其中优秀的38家。"]


def test_long_numbered_item_still_joins_its_wrapped_line():
    lines = [Line("会议提出三项任务："), Line("1.新建社区养老服务中心14个，实现街道"), Line("全覆盖；"),
             Line("2.发展老年助餐点85个。")]
    assert build_paragraphs(lines) == ["会议提出三项任务：", "1.新建社区养老服务中心14个，实现街道全覆盖；", "2.发展老年助餐点85个。"]


def test_repeated_passage_dropped_even_mid_sentence():
    first = "举行“传承道德风尚、争做文明使者”专题培训会，各级“道德文明使者”牢固树立城市主人翁意识，凝聚道德力量。"
    second = "老兵马绍领义务承担道德风尚、争做文明使者”专题培训会，各级“道德文明使者”牢固树立城市主人翁意识，凝聚道德力量。"
    out = drop_repeats([first, second, "主题文化一条街。"])
    assert out[0] == first
    assert out[1] == "老兵马绍领义务承担……"
    assert out[2] == "主题文化一条街。"


def test_short_repeats_kept():
    paras = ["会议强调，要加强领导。", "会议强调，要加强领导。"]
    assert drop_repeats(paras) == paras


def test_ends_sentence():
    assert ends_sentence("好的基础。”")
    assert not ends_sentence("宣传“创文”")


def test_field_lines_stay_apart():
    """Form and table-row lines ("名称：…") without a sentence end are not one wrapped line."""
    lines = [Line("填报单位：商都市志愿服务联合会"), Line("七一路街道：活动场次86场，参与人次2150人次。"),
             Line("联系人：马晓东"), Line("电话：0394-8260517")]
    assert build_paragraphs(lines) == ["填报单位：商都市志愿服务联合会", "七一路街道：活动场次86场，参与人次2150人次。",
                                       "联系人：马晓东", "电话：0394-8260517"]


@pytest.mark.parametrize("lines, joined", [
    (["今年秋季学期起全市推行课后服务，其中小学", "一、二年级学生实行弹性离校制度。"],
     ["今年秋季学期起全市推行课后服务，其中小学一、二年级学生实行弹性离校制度。"]),
    (["对违规单位，本办法依据管理条例第十二条第", "（三）项规定办理。"], ["对违规单位，本办法依据管理条例第十二条第（三）项规定办理。"]),
    (["会议指出：各单位要认真落实以下", "三项措施：一是压实责任。"], ["会议指出：各单位要认真落实以下三项措施：一是压实责任。"]),
])
def test_wrapped_lines_that_look_like_items_or_fields_still_join(lines, joined):
    """Review cases: a numeral list or a "…：" inside a wrapped sentence is not a new paragraph."""
    assert build_paragraphs([Line(t) for t in lines]) == joined


@pytest.mark.parametrize("text, advert, credit", [
    ("商都新区投资兴业首选地区位优越政策优惠服务高效招商热线：0394-8123456", True, False),
    ("广告 某某楼盘火爆认购中", True, False),
    ("服务热线：0394-8235566", False, False),  # one service number in an article
    ("招商热线开通后，已接到咨询电话200余个。", False, False),  # a sentence
    ("本版编辑：周宁美术编辑：高岩", False, True), ("责任编辑：王芳", False, True), ("校对：李明", False, True),
    ("编辑部召开会议，研究部署下半年工作。", False, False),
])
def test_adverts_and_page_credits(text, advert, credit):
    assert (is_advert(text), is_page_credit(text)) == (advert, credit)


@pytest.mark.parametrize("lines, paragraphs", [
    (["既要“加得上”也要“用得好”", "本报记者 杨帆 通讯员 孔令伟", "记者昨日从市住建局获悉，今年以来，", "我市加装电梯96部。"],
     ["既要“加得上”也要“用得好”", "本报记者 杨帆 通讯员 孔令伟", "记者昨日从市住建局获悉，今年以来，我市加装电梯96部。"]),
    (["作者：韩梅", "4月20日，公园完工。"], ["作者：韩梅", "4月20日，公园完工。"]),
    (["记者王丽通讯员马骏", "3月15日，植树活动举行。"], ["记者王丽通讯员马骏", "3月15日，植树活动举行。"]),
    # a wrapped body line that opens with 记者 is no byline: it continues its sentence
    (["据悉，", "记者昨日从市住建局获悉", "加装电梯96部。"], ["据悉，记者昨日从市住建局获悉加装电梯96部。"]),
])
def test_a_byline_is_a_paragraph_of_its_own(lines, paragraphs):
    """A byline between a subtitle and the body (an HTML page, a printed web page) is read as who signed it."""
    assert build_paragraphs([Line(t) for t in lines]) == paragraphs
