"""A run of items in one sentence: the places of one item are not another's."""
import pytest

from rag.answer.runs import place_of_named_item

VISIT = ("会前，与会同志到川汇区七一路办事处周滨社区国槐街、小桥办事处高庄社区幸福巷和五星广场、高庄社区党群服务中心"
         "实地观摩大走访活动。")
ASKED = "现场会前观摩的幸福巷，属于哪个办事处的哪个社区？"


@pytest.mark.parametrize("answer, question, passage, expected", [
    ("幸福巷，属于川汇区七一路办事处周滨社区[2]。", ASKED, VISIT, ("幸福巷", "周滨社区", "小桥办事处高庄社区幸福巷")),
    ("国槐街属于小桥办事处高庄社区[1]。", "观摩的国槐街属于哪个办事处的哪个社区？", VISIT,
     ("国槐街", "高庄社区", "川汇区七一路办事处周滨社区国槐街")),
    ("幸福巷属于小桥办事处高庄社区[1]。", ASKED, VISIT, None),  # its own item's places
    ("小桥办事处高庄社区[1]。", ASKED, VISIT, None),  # the thing is not repeated: nothing to anchor on
    ("幸福巷属于七一路办事处周滨社区[1]。", ASKED, "七一路办事处周滨社区幸福巷开展活动。", None),  # no run
    ("幸福巷属于七一路办事处周滨社区[1]。", ASKED,  # the thing's item names no place of that kind
     "到七一路办事处周滨社区国槐街、幸福巷观摩。", None),
    ("幸福巷属于文昌街道[1]。", ASKED, VISIT, None),  # the answer's place is in no item of the run
    ("幸福巷属于高庄社区，国槐街属于周滨社区。", "幸福巷和国槐街分别属于哪个社区？", VISIT, None),  # two things asked
    ("幸福巷位于小桥办事处高庄社区，毗邻周滨社区。", "幸福巷在哪里？", VISIT, None),  # its own places given too
    ("幸福巷属于周滨社区。", "幸福巷属于哪个社区？", "国槐街属周滨社区、幸福巷属高庄社区。", None),  # no places before it
    # 、 inside one clause makes a run; the place of the next clause is no item of it
    ("活动是在川汇区荷花办事处纺城社区开展的，道德文明使者参加[1]。", "道德文明使者的活动在哪个社区开展？",
     "活动现场，道德文明使者为分包社区的环卫工人送去了防晒帽、防晒冰袖和矿泉水等爱心物资，并在纺城社区新时代文明实践站，"
     "围绕彩礼纠纷、民间借贷等纠纷进行普法宣传。", None),
])
def test_place_of_named_item(answer, question, passage, expected):
    assert place_of_named_item(answer, question, [passage]) == expected


DELEGATES = "此次示范区3个街道共确定议事代表165名，其中，许湾街道58名、文昌街道57名、搬口街道50名。"
ADMITTED = "2022年深圳大学共录取新生12691名，其中包括7436名本科生、5010名硕士生、245名博士生。"


@pytest.mark.parametrize("answer, question, passage, expected", [
    ("物业工作人员50名。", "示范区3个街道确定的165名议事代表中，物业工作人员有多少名？", DELEGATES, ("50", "搬口街道50名")),
    ("搬口街道确定了50名。", "搬口街道确定了多少名议事代表？", DELEGATES, None),  # the item asked
    ("共确定议事代表165名。", "示范区3个街道共确定了多少名议事代表？", DELEGATES, None),  # no run
    ("录取了7436名本科生。", "深圳大学2022年录取了多少名本科生？", ADMITTED, None),  # words after the figure
    ("录取了245名。", "深圳大学2022年录取了多少名留学生？", ADMITTED, None),  # not a run of places: not judged
    ("农村地区3400名。", "农村地区培训了多少名网格员？", "城区1200名、乡镇3400名。", None),  # 乡镇 paraphrased
    ("造成至少12人死亡。", "踩踏事故死亡人数是多少？", "事故造成至少12人死亡、14人受伤。", None),
    ("送去300瓶。", "送去多少瓶水？", "送去防晒帽200顶、矿泉水300瓶。", None),  # 水 names the item
    ("物业工作人员50名。", "物业工作人员有多少名？", DELEGATES + "另有物业工作人员50名列席。", None),  # also alone
])
def test_figure_of_another_item(answer, question, passage, expected):
    from rag.answer.runs import figure_of_another_item
    assert figure_of_another_item(answer, question, [passage]) == expected


@pytest.mark.parametrize("question, passage, expected", [
    ("大家去实地看的那条国槐街属于哪个社区？", VISIT, ("川汇区七一路办事处周滨社区国槐街", 1)),
    (ASKED, VISIT, ("小桥办事处高庄社区幸福巷", 1)),  # up to 和: the item names two things
    ("幸福巷属于哪个县？", VISIT, None),  # the item names no 县
    ("幸福巷在哪里？", VISIT, None),  # no kind of place asked by name
    ("国槐街属于哪个社区？", VISIT + "国槐街全长800米。", None),  # named twice: which mention is it?
    ("国槐街属于哪个社区？", "七一路办事处周滨社区国槐街开展活动。", None),  # no list
    ("五星广场属于哪个社区？", VISIT, None),  # not right after the places (幸福巷和五星广场)
])
def test_item_of_the_thing(question, passage, expected):
    from rag.answer.runs import item_of_the_thing
    assert item_of_the_thing(question, [passage]) == expected
