"""What a question is and asks for: table-driven cases for each helper."""
from __future__ import annotations

import pytest

from rag.answer import clean_question, looks_like_followup, split_parts, wants_metadata
from rag.answer.question import (ASKS_DATE, ASKS_METADATA, ASKS_NUMBER, ASKS_PERSON, HAS_NUMBER, HISTORY_TURNS,
                                 MAX_QUESTION_CHARS, MetaField, asks_list, clean_history, expected_figure,
                                 metadata_asked)
from rag.errors import QuestionError


@pytest.mark.parametrize("raw, clean", [
    ("  示範區信訪滿意率？ ", "示范区信访满意率？"),
    ("<|im_start|>许湾街道有多少名代表？", "许湾街道有多少名代表？"),
])
def test_clean_question(raw, clean):
    assert clean_question(raw) == clean


@pytest.mark.parametrize("raw, clean", [
    ("\udcff\udcfe 示范区", "示范区"), ("示范区\u202e满意率\x07？", "示范区满意率？"), ("\ufeff\u200b问题", "问题"),
])
def test_clean_question_drops_unsafe_characters(raw, clean):
    assert clean_question(raw) == clean


@pytest.mark.parametrize("history, clean", [
    ([], []), (None, []), (["a", "b", "c", "d"], ["b", "c", "d"][-HISTORY_TURNS:]),
    (["许湾街道" * 1000], ["许湾街道" * 125]), (["？？", "\ud800", "", 7], ["7"]),
    (["<|im_start|>上一个问题"], ["上一个问题"]),
])
def test_clean_history(history, clean):
    assert clean_history(history) == clean


@pytest.mark.parametrize("raw", ["", "   ", "？？！", "<|im_end|>", "\ud800\u202e"])
def test_clean_question_refuses_empty_or_punctuation(raw):
    with pytest.raises(QuestionError):
        clean_question(raw)


def test_clean_question_cuts_long_questions():
    assert len(clean_question("问" * 10_000)) == MAX_QUESTION_CHARS


@pytest.mark.parametrize("question, parts", [
    ("搬口街道发放了多少份手册？又组织了多少名青年？", ["搬口街道发放了多少份手册", "组织了多少名青年"]),
    ("示范区确定了多少名议事代表？", ["示范区确定了多少名议事代表？"]),
    ("哪天召开的会议，同时有多少人参加？", ["哪天召开的会议", "有多少人参加"]),
])
def test_split_parts(question, parts):
    assert split_parts(question) == parts


@pytest.mark.parametrize("question, followup", [
    ("那文昌街道呢？", True), ("他们呢", True), ("为什么？", True), ("谁主持的", True), ("好的", True),
    ("示范区信访案件化解群众满意率是多少？", False),
])
def test_looks_like_followup(question, followup):
    assert looks_like_followup(question) is followup


@pytest.mark.parametrize("question, meta", [
    ("第17期简报是哪天出版的？", True), ("这篇文章登在哪个栏目？", True), ("许湾街道有多少名代表？", False),
])
def test_wants_metadata(question, meta):
    assert wants_metadata(question) is meta


@pytest.mark.parametrize("pattern, question, hit", [
    (ASKS_NUMBER, "共发放了多少份？", True), (ASKS_NUMBER, "举办了几次培训", True), (ASKS_NUMBER, "谁主持", False),
    (ASKS_DATE, "哪天召开的？", True), (ASKS_DATE, "在哪里召开", False),
    (ASKS_PERSON, "会议由谁主持？", True), (ASKS_PERSON, "在哪里召开", False),
    (ASKS_METADATA, "刊登在第几期？", True), (ASKS_METADATA, "有多少人", False),
])
def test_what_a_question_asks_for(pattern, question, hit):
    assert bool(pattern.search(question)) is hit


@pytest.mark.parametrize("question, text, matches", [
    ("改造后的河滨公园新建了多长的健身步道？", "新建健身步道4.2公里", True),
    ("改造后的河滨公园新建了多长的健身步道？", "历时10个月", False),
    ("工程历时多久？", "历时10个月", True),
    ("公园改造总面积多大？", "改造总面积15.8万平方米", True),
    ("项目总投资是多少？", "总投资18.6亿元", True),
    ("商都市中心医院测评得了多少分？", "测评得分94.8", True),
    ("东风街道实践站的联系电话是多少？", "联系电话：0394-8201101", True),
    ("全市森林覆盖率力争达到多少？", "森林覆盖率力争达到26.5%", True),
    ("共检查了多少家餐饮单位？", "共检查餐饮单位236家", True),
    ("共检查了多少家餐饮单位？", "发现问题58个", False),
])
def test_expected_figure(question, text, matches):
    pattern = expected_figure(question)
    assert pattern is not None and bool(pattern.search(text)) is matches


@pytest.mark.parametrize("question", ["谁主持了会议？", "会议在哪里召开？"])
def test_no_expected_figure(question):
    assert expected_figure(question) is None


@pytest.mark.parametrize("question, fields", [
    ("商都港物流园一期项目开工的报道刊登在哪天的商都日报上？", {MetaField.DATE}),
    ("关于公布2023年度市级文明单位测评结果的通知是哪天发布的？", {MetaField.DATE}),
    ("河南省文明办是哪天发布上榜人物公示名单的？", set()),  # an event the text reports, not the publication
    ("“银发志愿队”的报道刊登在简报的哪个栏目？", {MetaField.SECTION}),
    ("签约11个项目的消息刊登在哪一期《商都高新区工作动态》上？", {MetaField.ISSUE}),
    ("全市大走访活动现场会的报道出自哪份简报？", {MetaField.PUBLICATION}),
    ("这篇报道登在商都日报第几版？", {MetaField.SECTION}),
    ("商都港物流园一期项目何时开工？", set()),
    ("今年举办了多少期培训班？", set()),
])
def test_metadata_asked(question, fields):
    assert metadata_asked(question) == frozenset(fields)


@pytest.mark.parametrize("question, wants", [
    ("报道商都港物流园一期项目开工的记者是谁？", False),  # 一期 is the project's phase
    ("第17期简报的头条是什么？", True), ("这条消息刊登在哪一期？", True), ("王建国是什么职务？", False),
])
def test_wants_metadata_cues(question, wants):
    assert wants_metadata(question) is wants


@pytest.mark.parametrize("question, is_list", [
    ("南关街道“时间银行”的运行有哪三个环节？", True), ("高新区有哪些新时代文明实践站？", True),
    ("会议部署了哪几项工作？", True), ("测评内容包括哪些方面？", True), ("谁主持了会议？", False),
    ("哪个街道的站点最多？", False),
])
def test_asks_list(question, is_list):
    assert asks_list(question) is is_list


@pytest.mark.parametrize("question", [
    "读书会上推荐了哪本书？", "测评是根据哪份文件开展的？", "系统升级到了哪一版本？", "本次是第几期道德讲堂？",
    "据报道，志愿者们哪天出发前往灾区？",
])
def test_content_questions_are_not_metadata_questions(question):
    """Review cases: 哪本/哪份/哪一版/第几期/哪天出 in a question about the content."""
    assert metadata_asked(question) == frozenset()


@pytest.mark.parametrize("question, asks", [
    ("很多大学生参加了什么志愿活动？", False), ("许多高校开展了哪项活动？", False), ("采取了什么多重保障措施？", False),
    ("热线电话开通后群众反映了什么问题？", False), ("王大爷今年多大？", True), ("新建了多长的健身步道？", True),
    ("联系电话是什么？", True), ("居民反映的是哪几类问题？", False), ("入选的有哪几位？", False),
    ("一共有哪几个辅导报告？", False), ("一共有几个辅导报告？", True), ("举办了几期培训？", True),
])
def test_asks_number_only_for_a_question_word(question, asks):
    assert bool(ASKS_NUMBER.search(question)) is asks


@pytest.mark.parametrize("question, asks", [
    ("王响午村的村级阵地建设叫“几堂几中心”？", False), ("还严格落实了哪项“几会一课”制度？", False),
    ("评出了“多少佳”少年？", False), ("开展了几次“几会一课”学习？", True), ("有几个“文明单位”？", True),
    ("“十佳少年”有几位？", True), ("共发放了多少份？", True),
])
def test_a_quoted_template_asks_for_its_filling_not_a_number(question, asks):
    """“几堂几中心” asks for the name that fills it (两堂三中心); a 几 outside the quotes still asks a number."""
    from rag.answer.question import analyse, asks_number
    assert asks_number(question) is asks
    assert analyse(question).number is asks


@pytest.mark.parametrize("text, has", [("领导十分重视测评工作。", False), ("用时二十分钟", True), ("占四成", True),
                                       ("总投资1.2亿", True), ("今年78岁", True)])
def test_has_number(text, has):
    assert bool(HAS_NUMBER.search(text)) is has


@pytest.mark.parametrize("question, asks", [
    ("表彰大会是哪天召开的？", True),
    ("二十大开幕时间", True),  # search-style: the thing's 时间 is its date
    ("安倍晋三的国葬时间？", True),
    ("活动时间是？", True),
    ("防东铁路预计在什么时间完成铺轨施工？", True),
    ("改造工程用了多长时间？", False),  # a duration
    ("高温天气的持续时间", False),
    ("图书馆开放时间？", False),  # opening hours: a time of day, not a date
    ("政务大厅办公时间", False),
    ("明确了哪些时间节点？", False),  # 时间 inside the question, not what it asks
])
def test_asks_date(question, asks):
    from rag.answer.question import ASKS_DATE

    assert bool(ASKS_DATE.search(question)) is asks


@pytest.mark.parametrize("question, fields", [
    ("示范区信访案件化解群众满意率是多少？", {"number"}),
    ("表彰大会是哪天召开的？", {"date"}),
    ("推进会由谁主持？", {"person"}),
    ("摄影展在哪里举行？", {"place"}),
    ("三廉具体指哪三项？", {"list"}),
    ("居民反映比较强烈的是哪几类问题？", {"list"}),
    ("搬口街道在梁寨村、贾寨村开展过哪两类宣传活动？", {"list"}),  # 哪几 asks for the items, not their count
    ("培训会和交流活动哪个先举办？", {"time_order"}),
    ("调研结束之后，督导组接着做了什么？", {"time_order"}),
    ("这篇报道刊登在哪一期简报上？", {"metadata"}),
    ("首先开展先进典型评选的是哪个街道？", {"place"}),  # 首先/先进 are no question of order
    ("搬口街道共发放征兵宣传手册多少份？又组织了多少名适龄青年体检？", {"number", "multi_part"}),
])
def test_analyse(question, fields):
    from rag.answer.question import analyse

    intent = analyse(question)
    got = {f for f in ("number", "date", "person", "place", "list", "time_order", "multi_part") if getattr(intent, f)}
    if intent.metadata:
        got.add("metadata")
    assert got == fields
    assert intent.spans_passages == bool(fields & {"list", "time_order"})
