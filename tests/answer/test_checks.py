"""Checks of a model's text that need no passages: a model falling into a loop."""
import pytest

from rag.answer.checks import looped, until_loop

LOOP = "会议强调，以大走访活动问计于民、问需于民，以大走访活动问计于民、问需于民，以大走访活动问计于民、问需于民，以大走访"


@pytest.mark.parametrize("text, expected", [
    (LOOP, True),
    ("哈哈哈哈哈哈哈哈哈哈哈哈哈哈哈哈哈哈", True),
    ("示范区信访案件化解群众满意率达到99.01%[1]。", False),
    ("参加培训的有市创文办、市文明办、市创文办和县（市、区）创文办负责同志[1]。", False),  # a name twice is no loop
    ("共投入资金1000000000元[1]。", False),
    ("一是抓学习，二是抓落实，三是抓督导[2]。", False),
])
def test_looped(text, expected):
    assert looped(text) is expected


def test_until_loop_stops_reading_the_stream():
    pulled = []

    def deltas():
        for piece in ["会议强调，", *["以大走访活动问计于民、问需于民，"] * 50]:
            pulled.append(piece)
            yield piece

    out = "".join(until_loop(deltas()))
    assert looped(out) and len(pulled) == 4  # the fourth piece completes the third copy; nothing after is read
    assert "".join(until_loop(iter(["满意率", "达到99.01%", "[1]。"]))) == "满意率达到99.01%[1]。"


def _hit(text):
    from rag.types import Chunk, Hit

    return Hit(Chunk(source="a.txt", article_no=0, text=text, start=0, end=len(text), title="标题"), 1.0, dense=0.9)


FUNERAL = "戈尔巴乔夫的葬礼将于9月3日下午在莫斯科工会大厦圆柱大厅举行。"
FUND = "城北街道筹集资金12万元，为行政村修建污水沉淀池10余座。"
SALES = "2022年春运首日的火车票今天正式开售。1月3日起可购买春运首日车票。"
FIVE_G = "2022世界5G大会在哈尔滨开幕，大会为期三天。"
MASCOT = "北京冬残奥会吉祥物“雪容融”以灯笼为原型进行设计。"
DELEGATES = "许湾街道58名、文昌街道57名。周口金锐物业有限公司总经理金笛说。示范区党工委相关负责人说。"
WIKI = "第七届立法会共有90个议席。议员的投票取态可视为分类的依据[15][16]。"


@pytest.mark.parametrize("question, answer, passage, kind", [
    # the answer must give the kind of thing asked, and give it itself: the question's year repeated is no date
    ("2022年春运首日火车票什么时候开售？", "2022年春运首日火车票今天正式开售[1]。", SALES, "DATE_MISSING"),
    ("2022年春运首日火车票什么时候开售？", "2022年1月3日开售[1]。", SALES, None),
    ("2022年春运首日有多少张火车票？", "2022年春运首日火车票今天正式开售[1]。", SALES, "NUMBER_MISSING"),
    ("筹集了多少个村的资金？", "筹集资金的村有20个[1]。", "筹集资金的村有20个。", None),  # a figure of its own
    # a numbered list counts its items; 几乎 asks no number
    ("工作分几个阶段？", "分为：①动员部署[1] ②组织实施[1]", "工作分为动员部署、组织实施两个阶段。", None),
    ("哪个街道几乎每天都巡查？", "文昌街道[1]。", "文昌街道每天开展巡查。", None),
    # a count in the classifier the question asks in, whatever it is (几类 → 四类, 多少轮 → 3轮)
    ("要求各区对几类区域进行排查？", "对城乡接合部、背街小巷等四类区域进行排查[1]。", "对城乡接合部、背街小巷等四类区域进行排查。", None),
    ("一共开展了多少轮督导？", "开展了3轮督导[1]。", "开展了3轮督导。", None),
    ("要求各区对几类区域进行排查？", "对城乡接合部进行排查[1]。", "对城乡接合部进行排查。", "NUMBER_MISSING"),
    ("要求对哪几类区域排查？", "城乡接合部、背街小巷[1]。", "对城乡接合部、背街小巷排查。", None),  # 哪几类 asks the items
    ("对几类区域进行排查？", "对五大类区域进行排查[1]。", "对五大类区域进行排查。", None),
    # a set phrase is no count: 新一轮, 进一步, 一种 … 同一类
    ("开展了几轮巡察？", "示范区启动新一轮巡察[1]。", "示范区启动新一轮巡察。", "NUMBER_MISSING"),
    ("改革分几步实施？", "要进一步推进改革[1]。", "要进一步推进改革。", "NUMBER_MISSING"),
    ("对几类问题进行整改？", "对同一类问题进行整改[1]。", "对同一类问题进行整改。", "NUMBER_MISSING"),
    # a place question answered with a time
    ("戈尔巴乔夫的葬礼将在哪里举行？", "戈尔巴乔夫的葬礼将在9月3日举行[1]。", FUNERAL, "PLACE_MISSING"),
    ("戈尔巴乔夫的葬礼将在哪里举行？", "将于9月3日在莫斯科工会大厦举行[1]。", FUNERAL, None),
    ("戈尔巴乔夫的葬礼将在哪里举行？", "在莫斯科举行[1]。", FUNERAL, None),
    ("港湾街道文明实践站的地址在哪里？", "港湾大道201号[1]。", "港湾街道文明实践站地址：港湾大道201号。", None),  # 号 of a street
    # a place asked by its kind (哪个街道): the answer must name one of that kind; a 街道 is also a 办事处
    ("金笛是哪个街道推选的议事代表？", "金笛是示范区党工委相关负责人推选的议事代表[1]。", DELEGATES, "PLACE_KIND_MISSING"),
    ("金笛是哪个街道推选的议事代表？", "金笛是许湾街道推选的议事代表[1]。", DELEGATES, None),
    ("周滨社区属于哪个街道？", "七一路办事处[1]。", "七一路办事处周滨社区国槐街。", None),
    ("王汉芝是宋河镇哪个居委会的村民？", "宋河镇[1]。", "王汉芝，鹿邑县宋河镇枣集居委会村民。", "PLACE_KIND_MISSING"),
    ("王汉芝是宋河镇哪个居委会的村民？", "枣集居委会[1]。", "王汉芝，鹿邑县宋河镇枣集居委会村民。", None),
    ("招商引资服务局分包的是哪个社区？", "它深入分包社区走访了622户[1]。", "招商引资服务局深入分包社区走访群众622户。",
     "PLACE_KIND_MISSING"),  # 分包社区 / 该社区 / 所在街道 name no place of the kind
    ("招商引资服务局走访了哪个社区？", "深入3个社区走访[1]。", "深入3个社区走访群众。", "PLACE_KIND_MISSING"),
    ("扶贫车间建在哪个村？", "建在万全村[1]。", "扶贫车间建在万全村。", None),  # 全 ends a name here
    ("该项目位于哪个镇？", "位于十全镇[1]。", "该项目位于十全镇。", None),
    ("前王营社区归哪个区的哪个街道管？", "荷花路[1]。", "川汇区荷花路街道前王营社区。", None),  # two kinds: no opinion
    ("该村属于哪个县？", "属于川汇区[1]。", "川汇区许湾街道尚楼村。", None),  # a county-level 区 answers 哪个县
    # a bare name the passages give that kind of place (盛和社区 → 盛和), a township-level 街道/镇, a 旗
    ("这项政策是在哪个社区讲解的？", "盛和[1]。", "在盛和社区讲解“赋分制”定兵政策。", None),
    ("前王营社区归哪个街道办事处管？", "荷花路[1]。", "荷花路街道前王营社区被命名为老年友好型社区。", None),
    ("该社区隶属于哪个乡镇？", "隶属于城关街道[1]。", "该社区隶属于城关街道。", None),
    ("东关社区属于哪个街道？", "属于城关镇[1]。", "东关社区属于城关镇。", None),
    ("张庄位于哪个县？", "位于鄂托克旗[1]。", "张庄位于鄂托克旗。", None),
    # the kind word opening a longer word asks a person or a region, not a place of that kind
    ("是哪个村民最先发现火情的？", "张建国最先发现火情[1]。", "村民张建国最先发现火情。", None),
    ("哪个县长出席了会议？", "王伟出席了会议[1]。", "县长王伟出席会议。", None),
    ("哪个镇党委书记被通报？", "李强被通报[1]。", "镇党委书记李强被通报。", None),
    ("扶贫车间设在哪个乡村？", "设在李庄[1]。", "扶贫车间设在李庄。", None),
    # 在哪几个 / 在哪些方面 ask for items, not a place: an answer that repeats the question's date is no time given
    ("宋力1月10日要求在哪几个“以学”上下真功？", "宋力1月10日要求在以学铸魂、以学增智上下真功[1]。",
     "要在以学铸魂、以学增智上下真功见实效。", None),
    ("会议要求在哪些方面下功夫？", "会议要求8月在机制建设上下功夫[1]。", "会议要求8月在机制建设上下功夫。", None),
    ("宣讲会8月在哪些地方举办？", "8月5日举办[1]。", "宣讲会8月5日在文昌社区举办。", "PLACE_MISSING"),
    ("宣讲团在哪些城市进行了巡回宣讲？", "宣讲团8月进行了巡回宣讲[1]。", "宣讲团8月在郑州、洛阳巡回宣讲。", "PLACE_MISSING"),
    ("哪个区域的空气质量最好？", "城南片[1]。", "城南片空气质量最好。", None),
    # a sum asked, a count of things given
    ("城北街道修建污水沉淀池筹集了多少资金？", "筹集了资金10余座[1]。", FUND, "OTHER_MEASURE"),
    ("城北街道修建污水沉淀池筹集了多少资金？", "筹集资金12万元，修建10余座[1]。", FUND, None),
    ("城北街道修建了多少座污水沉淀池？", "10余座[1]。", FUND, None),  # the count is what was asked
    ("唐山烧烤店打人案主犯被判多少年？", "九名犯罪嫌疑人逃离现场[1]。", "九名犯罪嫌疑人逃离现场。", "OTHER_MEASURE"),
    ("微软花了多少钱收购动视暴雪？", "687亿美元[1]。", "微软以687亿美元收购动视暴雪。", None),  # a sum in dollars
    # an amount asked, a share or a rate given
    ("2021年宝马全球销量？", "2021年宝马集团在中国市场的销量已占全球销量的近34%[1]。", "宝马集团在中国市场的销量已占全球销量的近34%。",
     "OTHER_MEASURE"),
    ("2021年全国粮食产量是多少？", "2021年全国粮食产量421公斤/亩[1]。", "2021年，全国谷物单产421公斤/亩。", "OTHER_MEASURE"),
    ("2021年全国粮食产量是多少？", "13657亿斤，比上年增长2%[1]。", "全国粮食总产量13657亿斤，比上年增长2%。", None),
    ("2021年宝马全球销量增长了多少？", "增长8.4%[1]。", "宝马全球销量增长8.4%。", None),  # a change asked
    ("示范区群众满意率是多少？", "99.01%[1]。", "群众满意率达到99.01%。", None),  # a share asked
    ("旅游收入比上年增加了多少？", "同比增加15.3%[1]。", "旅游收入同比增加15.3%。", None),  # a change asked
    ("项目建成后年产量是多少？", "30万吨/年[1]。", "项目建成后产能30万吨/年。", None),  # an annual amount
    ("村民收入主要来自哪些产业？", "食用菌种植，占全村收入的60%[1]。", "食用菌种植占全村收入的60%。", None),  # no number
    # the items asked, a count given
    ("RCEP具体包括哪些国家？", "RCEP具体包括15个成员国[1]。", "RCEP共有15个成员国，包括东盟十国和中国、日本。", "COUNT_FOR_LIST"),
    ("RCEP具体包括哪些国家？", "包括中国、日本等15个国家[1]。", "RCEP共有15个成员国，包括东盟十国和中国、日本等15个国家。", None),
    ("RCEP具体包括哪些国家？", "共15个：东盟十国和中国[1]。", "RCEP共有15个成员国：东盟十国和中国。", None),
    ("首批有哪些企业入选？", "海尔集团等3家企业入选[1]。", "海尔集团等3家企业入选首批名单。", None),  # one named
    ("表彰了哪些先进典型？", "表彰了先进典型[1]。", "表彰了先进典型。", None),  # no count: nothing to say
    ("代表队取得了哪些成绩？", "获得12个一等奖[1]。", "代表队获得12个一等奖。", None),  # a count of something else
    ("哪些学校入选？", "市一高等3所学校入选[1]。", "市一高等3所学校入选。", None),  # one named before 等
    # a web page's footnote references are no figures of the text
    ("第七届立法会选举有多少个议席？", "有15个议席[1]。", WIKI, "FIGURE_NOT_SHOWN"),
    ("第七届立法会选举有多少个议席？", "有90个议席[1]。", WIKI, None),
    # a place, body or quoted name that no passage holds is made up, like a figure no passage holds
    ("2022世界5G大会举办的地点是哪里？", "2022世界5G大会在德国柏林举行[1]。", FIVE_G, "NAME_NOT_SHOWN"),
    ("2022世界5G大会举办的地点是哪里？", "在哈尔滨举行[1]。", FIVE_G, None),
    ("2022世界5G大会在哪个市举办？", "在哈尔滨市举行[1]。", FIVE_G, None),  # a kind word the passage leaves out
    # a verb or preposition jieba glues onto the name after it (归小乔/nr) is not part of the name
    ("富民社区归哪个街道办事处管？", "富民社区归小乔街道办事处管[1]。", "川汇区小乔街道办事处富民社区被命名。", None),
    ("富民社区归哪个街道办事处管？", "富民社区归大桥街道办事处管[1]。", "川汇区小乔街道办事处富民社区被命名。", "NAME_NOT_SHOWN"),
    ("该活动在哪个区举行？", "在和平区举行[1]。", "活动在昌平区举行。", "NAME_NOT_SHOWN"),  # 平区 is inside 昌平区
    ("北京冬残奥会吉祥物是谁？", "北京冬残奥会吉祥物是“冰墩墩”[1]。", MASCOT, "NAME_NOT_SHOWN"),
    ("北京冬残奥会吉祥物是谁？", "是“雪容融”[1]。", MASCOT, None),
    # a guess in words no passage uses (an inference, a placeholder for the missing name); copied words are no guess
    ("招商引资服务局分包的是哪个社区？", "它分包的是某个社区，可以推断出是该局的分包社区[1]。", "招商引资服务局走访了622户群众。",
     "HEDGED"),
    ("事故原因是什么？", "原因可能是线路老化[1]。", "经初步调查，事故原因可能是线路老化。", None),
    ("会议由谁主持？", "由某位领导主持[1]。", "会议在市委召开。", "HEDGED"),
    # rewordings of the passage's own 预计 / 大约 / 初步判断 are no guesses
    ("春运有多少人次出行？", "估计将有10万人次出行[1]。", "预计将有10万人次出行。", None),
    ("有多少人参加活动？", "大概300人参加[1]。", "大约300人参加活动。", None),
])
def test_an_answer_gives_what_was_asked(question, answer, passage, kind):
    from rag.answer.checks import check_answer

    got = check_answer(answer, question, [_hit(passage)])
    assert (got.kind.name if got else None) == kind
