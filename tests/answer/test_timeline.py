"""Reading time-order questions: which of two events came first, and a day relative to an event."""
import pytest

from rag.answer.question import analyse
from rag.answer.timeline import Comparison, Order, Relative, parse_timeline


@pytest.mark.parametrize("question, first_split, order", [
    ("市法院的道德文明使者进纺城社区，和市文广旅局为庆祝建军节办的那场演出，哪个在前？",
     ("市法院的道德文明使者进纺城社区", "市文广旅局为庆祝建军节办的那场演出"), Order.EARLIER),
    ("全市大走访活动现场会与诚信主题教育宣传活动哪个更早？", ("全市大走访活动现场会", "诚信主题教育宣传活动"), Order.EARLIER),
    ("商水县的表彰大会和太康县的摄影展，哪一个举办得更晚？", ("商水县的表彰大会", "太康县的摄影展"), Order.LATER),
    ("市委宣传部和市文明办的展示交流活动，与市创文办的培训会相比，哪个先举办的？",
     ("市委宣传部和市文明办的展示交流活动", "市创文办的培训会"), Order.EARLIER),
    ("市里的诚信宣传活动，和全市志愿服务项目展示交流活动，哪个先办？", ("市里的诚信宣传活动", "全市志愿服务项目展示交流活动"),
     Order.EARLIER),
    ("市创文办的培训会和太康县的摄影展哪个后开的？", ("市创文办的培训会", "太康县的摄影展"), Order.LATER),
    ("是先召开全域精神文明建设工作推进会还是先发布河南好人榜？",
     ("召开全域精神文明建设工作推进会", "发布河南好人榜"), Order.EARLIER),
    ("市创文办培训会在志愿服务项目展示交流活动之前还是之后？", ("市创文办培训会", "志愿服务项目展示交流活动"), Order.EARLIER),
])
def test_comparisons(question, first_split, order):
    t = parse_timeline(question)
    assert isinstance(t, Comparison) and t.order is order
    assert first_split in t.splits


def test_every_split_of_an_event_that_holds_a_connector_is_tried():
    t = parse_timeline("市委宣传部和市文明办举办的展示活动与市法院的活动哪个在前？")
    assert ("市委宣传部和市文明办举办的展示活动", "市法院的活动") in t.splits
    assert ("市委宣传部", "市文明办举办的展示活动与市法院的活动") in t.splits  # tried later: the search decides


@pytest.mark.parametrize("question, anchor, days, rest", [
    ("市创文办“大排查、大整治、大提升”培训会的前一天，市委宣传部和市文明办举办了什么活动？",
     "市创文办“大排查、大整治、大提升”培训会", (-1, -1), "市委宣传部和市文明办举办了什么活动？"),
    ("王少青带队调研全域创建工作两天后，哪个县召开了文明城市创建工作推进会？",
     "王少青带队调研全域创建工作", (2, 2), "哪个县召开了文明城市创建工作推进会？"),
    ("“河南好人榜”上半年公示名单发布前几天，我市召开了一个什么会？", "“河南好人榜”上半年公示名单发布", (-7, -1),
     "我市召开了一个什么会？"),
    ("全市大走访活动现场会的第二天，哪个单位开展了活动？", "全市大走访活动现场会", (1, 1), "哪个单位开展了活动？"),
    ("在诚信宣传活动的三天之后，太康县举办了什么展览？", "诚信宣传活动", (3, 3), "太康县举办了什么展览？"),
    ("哪个县在王少青带队调研两天后召开了推进会？", "王少青带队调研", (2, 2), "哪个县召开了推进会？"),
    ("6月16日当天，川汇区办了什么活动？", "6月16日", (0, 0), "川汇区办了什么活动？"),
])
def test_relative_days(question, anchor, days, rest):
    t = parse_timeline(question)
    assert isinstance(t, Relative)
    assert (t.anchor, (t.first, t.last), t.rest) == (anchor, days, rest)


@pytest.mark.parametrize("question", [
    "示范区信访案件化解群众满意率是多少？",
    "全市大走访活动现场会是哪天召开的？",
    "示范区党工委理论学习中心组的集中学习研讨会议结束后，省委督导组接着做了什么？",  # order inside one article
    "前几天市里开了什么会？",  # no event to count from
    "商水县表彰了哪些先进典型？",
    "市文明办和市委宣传部联合举办了什么活动？",
])
def test_other_questions_are_not_timelines(question):
    assert parse_timeline(question) is None


def test_intent_carries_the_timeline():
    intent = analyse("王少青带队调研全域创建工作两天后，哪个县召开了推进会？")
    assert isinstance(intent.timeline, Relative) and intent.time_order
    assert analyse("满意率是多少？").timeline is None


@pytest.mark.parametrize("question, first_split, order", [
    ("市医疗保险服务中心到魏桥村结对共建、王少青带队调研全域创建工作、鹿邑县开文明城市创建工作推进会，这三件事里哪件最早？是哪天？",
     ("市医疗保险服务中心到魏桥村结对共建", "王少青带队调研全域创建工作", "鹿邑县开文明城市创建工作推进会"), Order.EARLIER),
    # an event's own words may hold 和; a quoted name may hold 、
    ("刘德君督导调研重点项目和城乡融合发展、“安全生产月”宣传咨询日、小乔街道组织免费体检，这几件事哪件日期最晚？",
     ("刘德君督导调研重点项目和城乡融合发展", "“安全生产月”宣传咨询日", "小乔街道组织免费体检"), Order.LATER),
    ("诚信宣传活动、市创文办“大排查、大整治、大提升”培训会和太康县的摄影展，哪个最早？",
     ("诚信宣传活动", "市创文办“大排查、大整治、大提升”培训会", "太康县的摄影展"), Order.EARLIER),
    ("全市大走访活动现场会与诚信主题教育宣传活动，哪一件最先举办？", ("全市大走访活动现场会", "诚信主题教育宣传活动"), Order.EARLIER),
])
def test_three_or_more_events(question, first_split, order):
    t = parse_timeline(question)
    assert isinstance(t, Comparison) and t.order is order
    assert t.splits[0] == first_split
    assert all("、" not in e for split in t.splits for e in split if "“" not in e)  # no "A、B" taken as one event


def test_a_title_listed_with_a_comma_after_is_no_list_of_events():
    t = parse_timeline("市委常委、宣传部长王少青在推进会上表态发言，和他带队到许湾街道、华耀城街道调研，哪个在前？")
    assert t.splits[0] == ("市委常委、宣传部长王少青在推进会上表态发言", "他带队到许湾街道、华耀城街道调研")


@pytest.mark.parametrize("question, first_split", [
    # two events compared, a title or a place list inside one of them (review of session 28)
    ("市委宣传部、市文明办举办的志愿服务项目展示交流活动和市创文办文明城市培训会，哪个在前？",
     ("市委宣传部、市文明办举办的志愿服务项目展示交流活动", "市创文办文明城市培训会")),
    ("王少青到许湾街道、华耀城街道调研和刘德君督导重点项目，哪个在前？",
     ("王少青到许湾街道、华耀城街道调研", "刘德君督导重点项目")),
    # four events, the last joined by 和: four, not three
    ("志愿服务项目展示交流活动、市创文办文明城市培训会、议事代表会议第一次会议和理论学习中心组集中学习研讨会议，哪个最早？",
     ("志愿服务项目展示交流活动", "市创文办文明城市培训会", "议事代表会议第一次会议", "理论学习中心组集中学习研讨会议")),
])
def test_how_many_events_the_question_compares(question, first_split):
    assert parse_timeline(question).splits[0] == first_split


def test_a_day_asked_after_two_events_does_not_make_them_three():
    t = parse_timeline("市委宣传部、市文明办举办的展示交流活动和市创文办培训会，哪个更早？是几月几日？")
    assert t.splits[0] == ("市委宣传部、市文明办举办的展示交流活动", "市创文办培训会")
