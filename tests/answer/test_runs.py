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
    # 、 inside one clause makes a run; the place of the next clause is no item of it
    ("活动是在川汇区荷花办事处纺城社区开展的，道德文明使者参加[1]。", "道德文明使者的活动在哪个社区开展？",
     "活动现场，道德文明使者为分包社区的环卫工人送去了防晒帽、防晒冰袖和矿泉水等爱心物资，并在纺城社区新时代文明实践站，"
     "围绕彩礼纠纷、民间借贷等纠纷进行普法宣传。", None),
])
def test_place_of_named_item(answer, question, passage, expected):
    assert place_of_named_item(answer, question, [passage]) == expected
