"""co_named: an answer naming one of several people a clause names together before the asked verb; asked_people
and missing_people: the people a question names, and those no cited article writes."""
import pytest

from rag.answer.people import asked_people, co_named, missing_people

BRIEFING = "会上，市委常委、宣传部长王少青、副市长刘颖通报创建工作中的突出问题，并安排具体整改工作。"
MEETING = "8月2日，我市召开推进会。市委书记张建国主持会议，市长李明和副市长刘颖出席会议。"


@pytest.mark.parametrize("answer, question, passage, expected", [
    # the first of two who reported: the second is added with her title
    ("通报突出问题的是市委常委、宣传部长王少青", "会上通报突出问题的是谁？", BRIEFING, ("王少青", "王少青、副市长刘颖")),
    # the second of two: the first is added after it (its own title stays its own)
    ("副市长刘颖通报了突出问题", "谁通报了创建工作中的突出问题？", BRIEFING, ("刘颖", "刘颖、王少青")),
    # both named already: nothing to add
    ("王少青、刘颖", "会上通报突出问题的是谁？", BRIEFING, None),
    # the verb asked (主持) follows one name alone: 李明 and 刘颖 attended, they did not chair
    ("张建国", "推进会由谁主持？", MEETING, None),
    # joined with 和 and the verb asked after both
    ("李明", "谁出席了推进会？", MEETING, ("李明", "李明和副市长刘颖")),
    # not a who-question
    ("王少青", "会上通报了哪些问题？", BRIEFING, None),
    # names on both sides of the verb: the ones after it are its object, not who did it
    ("王少青", "谁会见了刘颖？", "王少青会见了刘颖、张建国。", None),
    # the other name of the run is the one the question asks about ("与刘颖"): not left out
    ("王少青", "谁与刘颖共同通报了突出问题？", BRIEFING, None),
    # "分别" shares the verb out: each did their own part
    ("王少青", "谁通报了突出问题？", "王少青、刘颖分别通报了突出问题和整改情况。", None),
    # transliterated names are cut into pieces by jieba ("特鲁索/娃"): no completion from such a clause
    ("亚历山德拉·特鲁索", "花样滑冰女子单人滑金牌得主是谁？",
     "最后俄罗斯奥委会代表安娜·谢尔巴科娃与亚历山德拉·特鲁索娃取得金牌与银牌。", None),
    # the answer's name is only part of a longer name in the passage (李明 in 李明华): no run, no completion
    ("李明", "谁出席了推进会？", "李明华出席推进会。", None),
    ("张三", "谁主持了会议？", "张三丰主持了会议，李四参加。", None),
    # the answer names nobody the passage joins with others
    ("市委常委王少青", "谁出席了推进会？", MEETING, None),
])
def test_co_named(answer, question, passage, expected):
    found = co_named(answer, question, [passage])
    assert (None if found is None else (found.name, found.completed)) == expected


@pytest.mark.parametrize("question, expected", [
    ("刘颖1月10日在研讨会上要求在哪几个“以学”上下真功？", ["刘颖"]),
    ("王少青在城南街道王响午行政村了解的村级阵地建设叫什么？", ["王少青"]),
    # words the dictionary tags nr but counts as common (胡同 1762, 从军 not a surname's): nobody is named
    ("10月17日去村里调研时，对村里小胡同的道路提出了什么要求？", []),
    ("搬口街道的工作人员劝小伙子们从军时，把这段经历比作什么？", []),
    # a foreign name in one piece (安倍晋三: four characters, its parts are written alone)
    ("谁枪击了安倍晋三？", []),
    ("推进会由谁主持？", []),
])
def test_asked_people(question, expected):
    assert asked_people(question) == expected


@pytest.mark.parametrize("question, articles, expected", [
    # the cited speech is another person's: the one asked is never written
    ("刘颖1月10日要求在哪几个“以学”上下真功？", ["宋力在研讨会上要求，在以学铸魂、以学增智上下真功"], ["刘颖"]),
    # written, in the text or the byline (whitespace inside a name is the layout's)
    ("刘颖1月10日要求在哪几个“以学”上下真功？", ["副市长刘颖要求，在以学铸魂上下真功"], []),
    ("王少青写的那篇报道讲了什么？", ["记者 王 少青\n近日，我市召开推进会"], []),
    # one of the cited articles writes the person: enough
    ("姬慧洋6月15日去了哪个行政村？", ["王响午行政村", "区长姬慧洋到王响午行政村调研"], []),
    # nobody asked
    ("推进会由谁主持？", ["区委书记刘德君主持召开推进会"], []),
])
def test_missing_people(question, articles, expected):
    assert missing_people(question, articles) == expected
