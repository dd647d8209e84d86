"""Where a question's place must be written in the articles its answer cites (rag/answer/districts.py),
table-driven."""
import pytest

from rag.answer.districts import home_district, missing_places

@pytest.mark.parametrize("question, articles, expected", [
    # a smaller unit the cited article never names: another street's fact
    ("文昌街道办事处为入户大走访选聘了多少名网格员？", ["七一路街道办事处为入户大走访选聘了238名网格员"], ["文昌街道"]),
    ("文昌街道办事处为入户大走访选聘了多少名网格员？", ["文昌街道选聘网格员112名"], []),
    # written in another form: 办事处 for 街道, the kind word the question kept inside the name, a glued 和
    ("文昌街道为老人办了什么服务？", ["文昌办事处为老人办理高龄补贴"], []),
    ("川汇区七一路街道办事处有哪个社区获评？", ["七一路办事处国槐社区获评"], []),
    ("高庄社区迎来了现场会的与会人员和小乔街道组织的医务人员", ["高庄社区", "小乔街道组织医务人员"], []),
    # a district or county: missing only where the article names another one (a local paper leaves its own out)
    ("川汇区“创文”“巩卫”工作推进会是由谁主持召开的？", ["区委书记刘德君主持召开推进会，会前到小乔街道办事处富民社区"], []),
    ("商水县爱心粥屋团队每天为多少名环卫工人提供早餐？", ["川汇区爱心粥屋团队每天为380多名环卫工人提供早餐"], ["商水县"]),
    ("商水县爱心粥屋团队每天为多少名环卫工人提供早餐？", ["川汇区爱心粥屋", "商水县表彰大会"], []),  # another cited article
    ("示范区开展了哪些活动？", ["示范区开展了活动"], []),
    ("商水县的活动有多少人参加？", ["本报讯 区委书记主持召开推进会。" + "会议要求" * 40 + "学习川汇区经验"], []),  # in passing
    # a smaller place the question names is written: its district need not be (the event's place is another's)
    ("鹿邑县推进会的一周前，哪两家单位到淮阳区曹河乡魏桥村开展共建？", ["淮阳区曹河乡魏桥村结对共建"], []),
    ("小乔街道富民社区被命名为什么？", ["富民社区被命名为老年友好型社区"], []),  # nor its street
    ("曹河乡魏桥村与哪家单位结对共建？", ["到魏桥村开展结对共建"], []),
    ("曹河乡魏桥村与哪家单位结对共建？", ["到王庄村开展结对共建"], ["曹河乡", "魏桥村"]),  # none written
    # a zone, a visit to another district, or the article's own unnamed district (区委, 我区) in the opening
    ("川汇区开展了哪些招商活动？", ["本报讯 近日，刘德君到周口经济开发区对接项目"], []),
    ("川汇区党政考察团到哪里考察学习？", ["本报讯 近日，区委书记刘德君带领党政考察团到淮阳区考察学习"], []),
    ("川汇区与哪个县签订了合作协议？", ["本报讯 6月5日，我区与商水县签订合作协议"], []),
    # a long name by its short form; a surname-like preposition glued to a name
    ("城乡一体化示范区是如何推进清廉机关建设的？", ["示范区纪委监察工委推进清廉机关建设"], []),
    ("志愿者于向阳社区开展了什么活动？", ["志愿者走进向阳社区开展活动"], []),
    # two places of one level: a comparison, each part with its own article
    ("文昌街道和许湾街道分别选聘了多少名网格员？", ["文昌街道选聘网格员112名"], []),
])
def test_missing_places(question, articles, expected):
    assert missing_places(question, articles) == expected


CHUANHUI_PAPER = ("川汇报 本报讯 区委书记刘德君主持召开推进会。\n川汇区开展文明交通劝导。\n川汇区爱心粥屋为环卫工人送早餐。"
                  "\n川汇区政协举办培训班。\n川汇区召开表彰会。\n会上学习了商水县的经验。")
CITY_BULLETIN = "周口精神文明建设简报\n商水县召开表彰大会。\n太康县举办摄影展。\n川汇区开展志愿服务。\n鹿邑县召开推进会。"


@pytest.mark.parametrize("text, expected", [
    (CHUANHUI_PAPER, "川汇区"),  # its own district 4 of 5 mentions
    (CITY_BULLETIN, None),  # a city's bulletin names many
    ("川汇区开展志愿服务。区委书记主持会议。", None),  # named too seldom to say
    ("大湾区建设提速。大湾区规划出台。大湾区企业增多。", None),  # a region, not a district
    ("", None),
])
def test_home_district(text, expected):
    assert home_district(text) == expected


@pytest.mark.parametrize("question, home, expected", [
    # the cited article names no district but is in another district's paper: another district's fact
    ("商水县“创文”“巩卫”工作推进会是由哪位区委书记主持召开的？", "川汇区", ["商水县"]),
    ("川汇区“创文”“巩卫”工作推进会是由哪位区委书记主持召开的？", "川汇区", []),  # its own paper
    ("商水县“创文”“巩卫”工作推进会是由哪位区委书记主持召开的？", None, []),  # no paper's district known
    ("城乡一体化示范区的推进会由谁主持？", "示范区", []),  # a zone's own paper, by its short name
])
def test_missing_places_in_another_districts_paper(question, home, expected):
    assert missing_places(question, ["本报讯 区委书记刘德君主持召开推进会"], home=lambda i: home) == expected
