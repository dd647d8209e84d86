"""Which one was asked: ordinals, numbered names and titled works (rag/answer/which_one.py)."""
import pytest


@pytest.mark.parametrize("text, expected", [
    ("神舟十三号飞船的成员有哪些", {(13, "神舟"): "神舟十三号"}),
    ("2022广州网球巡回赛U14组男单冠军", {(14, "u"): "U14"}),
    ("iPhone SE 3的起售价", {(3, "se"): "SE 3"}),
    ("北京地铁19号线一期", {(19, "号线"): "19号线"}),
    ("F-16战斗机", {(16, "f"): "F-16"}),
    ("第七届立法会", {(7, "届"): "第七届"}),
    # a date's 号, a 5G, a figure with its unit are no numbered names
    ("5月3号开幕", {}), ("三月三号", {}), ("2022世界5G大会", {}), ("全长22.4km", {}),
])
def test_ordinals(text, expected):
    from rag.answer.which_one import ordinals

    assert ordinals(text) == expected


@pytest.mark.parametrize("answer, question, passage, expected", [
    # the first submarine's date given for the third's
    ("2018年10月。", "印度第三艘“歼敌者”级核潜艇下水的时间？", "2018年10月，印度的第一艘“歼敌者”级潜艇开展首次威慑巡逻。",
     ("第三艘", "第一艘")),
    ("1月10日。", "中心组第四次集中学习研讨是哪天召开的？", "1月10日，中心组召开第5次集中学习研讨。", ("第四次", "第5次")),
    # the asked one's sentence; no ordinal of that count in it (no opinion); no ordinal asked
    ("2021年11月23日。", "第三艘核潜艇下水的时间？", "2021年11月23日，第三艘核潜艇下水，第一艘正在巡逻。", None),
    ("2021年11月23日。", "第三艘核潜艇下水的时间？", "2021年11月23日，第二届航展开幕。", None),
    ("2018年10月。", "核潜艇下水的时间？", "2018年10月，第一艘潜艇开展巡逻。", None),
    # Chinese numerals and digits are the same ordinal
    ("90个议席。", "第七届立法会有多少个议席？", "第7届立法会共90个议席。", None),
    # a name with a number: another of the same name is a neighbour; the sentence before may name the asked one
    ("梁皓凯。", "U14组男单冠军是谁？", "梁皓凯赢得U12男子单打冠军。", ("U14", "U12")),
    ("陈冬、刘洋。", "神舟十四号乘组有谁？", "神舟十四号于6月5日发射。陈冬、刘洋组成乘组，将与神舟十五号乘组轮换。", None),
    ("3000元。", "iPhone SE 3的起售价是多少？", "iPhone SE2的起售价为3000元。", ("SE 3", "SE2")),
    ("郭丹丹。", "谁是第一棒火炬手？", "第二棒火炬手是郭丹丹。", ("第一棒", "第二棒")),
    # a sentence naming none of the kind belongs to its article: one that names only another is about that one
    ("3000元。", "iPhone SE 3的起售价是多少？", "回顾iPhone SE2的表现。苹果利用3000元档的售价细化了市场。", ("SE 3", "SE2")),
    ("3000元。", "iPhone SE 3的起售价是多少？", "iPhone SE 3比SE2更快。苹果利用3000元档的售价细化了市场。", None),
    ("3000元。", "iPhone SE 3的起售价是多少？", "苹果利用3000元档的售价细化了市场。", None),
])
def test_other_ordinal(answer, question, passage, expected):
    from rag.answer.which_one import other_ordinal

    assert other_ordinal(answer, question, [("", passage)]) == expected


@pytest.mark.parametrize("answer, question, passages, expected", [
    # the singers of another song of the gala
    ("阿云嘎、萨顶顶。", "《吉庆团圆》是谁唱的？", [("节目单", "歌曲《念奴娇·中秋》演唱：阿云嘎、萨顶顶。")],
     ("《吉庆团圆》", "《念奴娇·中秋》")),
    # the title named in the sentence, the sentence before, the article's title, or a short form of it
    ("阿云嘎。", "《吉庆团圆》是谁唱的？", [("节目单", "《吉庆团圆》由阿云嘎演唱，《念奴娇》由萨顶顶演唱。")], None),
    ("张三。", "《吉庆团圆》是谁唱的？", [("节目单", "晚会节目《吉庆团圆》广受好评。演唱者张三曾唱过《望星辰》。")], None),
    ("张三。", "《吉庆团圆》是谁唱的？", [("《吉庆团圆》幕后", "演唱者张三曾唱过《望星辰》。")], None),
    ("第五条。", "《中华人民共和国民法典》第几条规定了平等原则？", [("", "《民法典》第五条规定了自愿原则。")], None),
    # no title asked; the sentence names no work
    ("张三。", "晚会的主持人是谁？", [("", "《望星辰》由张三主持。")], None),
    ("张三。", "《吉庆团圆》是谁唱的？", [("", "演唱者是张三。")], None),
])
def test_other_title(answer, question, passages, expected):
    from rag.answer.which_one import other_title

    assert other_title(answer, question, passages) == expected
