"""Named places in a text and the clause an answer drew on (rag/answer/subjects.py), table-driven."""
import pytest

from rag.answer.subjects import Place, other_place, places, source_clauses


@pytest.mark.parametrize("text, expected", [
    ("中心城区各区负责同志及川汇区新闻社区负责同志", [("川汇", "区"), ("新闻", "社区")]),  # 城区/各区 name nothing
    ("深入许湾街道尚楼行政村", [("许湾", "街道"), ("尚楼", "行政村")]),
    ("淮阳区道德文明使者代表", [("淮阳", "区")]),
    ("截至目前，该区已累计开展各类活动32000余场次", []),  # 该区 is a pointer, not a name
    ("“创文”示范片区打造情况", []),  # a common noun before a one-character kind word
    ("走进纺城社区开展活动", [("纺城", "社区")]),
    ("示范区社区服务中心组织入户大走访", [("示范", "区")]),  # 社区 qualifies an organisation here
    ("七一路街道办事处选聘网格员", [("七一路街道", "办事处")]),  # one word in the user dictionary
])
def test_places(text, expected):
    assert [(p.name, p.kind) for p in places(text)] == expected


@pytest.mark.parametrize("answer, question, passage, clauses", [
    ("文昌街道57名", "文昌街道确定了多少名议事代表？", "其中许湾街道58名、文昌街道57名", ["文昌街道57名"]),
    ("尚楼行政村", "去的是哪个行政村？", "深入许湾街道尚楼行政村、华耀城街道郭庄行政村", ["深入许湾街道尚楼行政村"]),
    ("开展了活动", "开展了什么活动？", "开展了活动。", []),  # nothing new in the answer: no source clause
])
def test_source_clauses(answer, question, passage, clauses):
    assert source_clauses(answer, question, passage) == clauses


def test_other_place_needs_a_rival_of_the_same_kind():
    visit = "深入许湾街道尚楼行政村、华耀城街道郭庄行政村"
    assert other_place("文昌街道尚楼行政村", "去的是文昌街道的哪个行政村？", [visit]) == (Place("文昌", "街道"), Place("许湾", "街道"))
    assert other_place("淮阳区尚楼行政村", "去的是淮阳区的哪个行政村？", [visit]) is None  # no other 区 in the clause
    assert other_place("尚楼行政村", "去的是哪个行政村？", [visit]) is None  # no place asked


TEAM_ARTICLE = ("大铁牛巾帼志愿服务队组织200余名“道德文明使者”开展文明交通劝导和护河行动，累计清运杂草1800余吨。"
                "截至目前，该区已累计开展各类活动32000余场次。")


@pytest.mark.parametrize("answer, question, passage, expected", [
    # a district's total given for one team: the sentence counts it for 该区 and never names the team
    ("累计开展各类活动32000余场次[1]。", "大铁牛巾帼志愿服务队截至目前累计开展了多少场次活动？", TEAM_ARTICLE,
     ("服务队", "该区")),
    # the team's own figure: its sentence names the team
    ("清运杂草1800余吨[1]。", "大铁牛巾帼志愿服务队累计清运了多少吨杂草？", TEAM_ARTICLE, None),
    # the district asked, the district's total given: 全区 is the unit asked
    ("排查隐患1200余处[1]。", "示范区今年排查了多少处隐患？", "今年以来，全区共排查隐患1200余处。", None),
    # a street asked, the city's total given
    ("共排查隐患5600处[1]。", "文昌街道今年排查了多少处隐患？", "会议通报，今年以来全市共排查隐患5600处。", ("文昌", "全市")),
    # the question itself asks for the whole city's figure
    ("共排查隐患5600处[1]。", "文昌街道所在的全市排查了多少处隐患？", "今年以来全市共排查隐患5600处。", None),
    # the scope word comes after the figure: not what counts it
    ("服务群众300余人次[1]。", "青年志愿服务队服务了多少人次？", "服务群众300余人次，受到全区好评。", None),
    # nothing asked about a particular unit
    ("共排查隐患5600处[1]。", "今年排查了多少处隐患？", "今年以来全市共排查隐患5600处。", None),
    # no figure in the answer
    ("由王少青主持[1]。", "志愿服务队的活动由谁主持？", "该区活动由王少青主持。", None),
])
def test_wider_scope(answer, question, passage, expected):
    from rag.answer.subjects import wider_scope

    assert wider_scope(answer, question, [passage]) == expected


FILM = "《重生之门》由张译、王俊凯主演，讲述了一桩离奇盗窃案。"
MEETING_ROLES = ("8月2日，我市召开全域精神文明建设工作推进会。市委常委、宣传部长王少青出席会议并代表市委表态发言。"
                 "副市长刘颖参加会议。")


@pytest.mark.parametrize("answer, question, passage, expected", [
    # a role the text never gives: 王少青 spoke, nobody is said to have chaired
    ("由王少青主持[1]。", "推进会是由哪位领导主持的？", MEETING_ROLES, ("王少青", ("主持",))),
    # the role stated, in other words of the same kind (发言 for a speech)
    ("王少青[1]。", "推进会上代表市委讲话的是谁？", MEETING_ROLES, None),
    ("刘颖[1]。", "哪位副市长出席了推进会？", MEETING_ROLES, None),  # 参加 states attendance
    ("张建慧[1]。", "现场会由谁主持并讲话？", "市委书记张建慧主持会议并讲话。", None),
    # every role asked must be stated: chaired, but no speech
    ("张建慧[1]。", "现场会由谁主持并讲话？", "会议由市委书记张建慧主持。", ("张建慧", ("主持", "讲话"))),
    # no role asked, or no person asked for
    ("王少青[1]。", "推进会上的市委常委是谁？", MEETING_ROLES, None),
    ("8月2日[1]。", "推进会是哪天主持召开的？", MEETING_ROLES, None),
    # the person is in no sentence: left to the citation checks
    ("李明[1]。", "推进会是由哪位领导主持的？", MEETING_ROLES, None),
    # who made a film or sang a song, asked with 谁 or by the role the question ends with
    ("张译和王俊凯[1]。", "《重生之门》的导演", FILM, ("张译", ("导演",))),
    ("张译和王俊凯[1]。", "《重生之门》的主演有哪些？", FILM, None),
    ("张译[1]。", "谁主演了《重生之门》？", FILM, None),
    ("杨紫[1]。", "《沉香如屑》的主演？", "这部电视剧中，主要的演员有杨紫，成毅等人。", None),  # the cast: 演员
    ("蔡国庆[1]。", "《吉庆团圆》是谁唱的？", "中秋晚会上，蔡国庆张含韵用一首《吉庆团圆》介绍中秋习俗，让我们跟随歌声一起了解。", None),
    ("王少青[1]。", "《吉庆团圆》是谁演唱的？", MEETING_ROLES, ("王少青", ("演唱",))),
    ("张译[1]。", "《重生之门》的导演在发布会上说了什么？", FILM, None),  # asks for no one
    # the roles are those of the clause that asks: 发言 is said of 王少青, the question asks who 参加
    ("副市长刘颖参加了会议[1]。", "推进会上，除了代表市委表态发言的王少青，还有哪位副市长参加了会议？", MEETING_ROLES,
     None),
    ("刘颖[1]。", "推进会上，除了王少青，还有哪位领导作了表态发言？", MEETING_ROLES, ("刘颖", ("发言",))),
    ("刘颖[1]。", "谁主持了会议，并作了讲话？", MEETING_ROLES, ("刘颖", ("主持", "讲话"))),  # both asked
    # asked who holds a title, the answer names its deputy: a role never stated
    ("副总编辑刘彦章[1]。", "周口日报社的总编辑是谁？", "请周口日报社党委委员、副总编辑、首席记者刘彦章作辅导报告。",
     ("刘彦章", ("总编辑: only 副总编辑 is written",))),
    ("刘彦章[1]。", "周口日报社的副总编辑是谁？", "请周口日报社党委委员、副总编辑、首席记者刘彦章作辅导报告。", None),
    ("刘颖[1]。", "周口市的市长是谁？", MEETING_ROLES, ("刘颖", ("市长: only 副市长 is written",))),
    ("张三[1]。", "市长是谁？", "市长张三、副市长李四出席。", None),  # the title itself written
    ("李四[1]。", "市长是谁？", "市长张三、副市长李四出席。", None),  # both in one sentence: no opinion
    ("刘彦章[1]。", "谁是周口日报社的总编辑？", "周口日报社副总编辑刘彦章作报告。",
     ("刘彦章", ("总编辑: only 副总编辑 is written",))),
    ("李四[1]。", "公司的副总经理是谁？", "副总经理李四出席。", None),  # a deputy asked
    ("张三、李四[1]。", "市长是谁？", "会议由副市长李四主持。市长张三出席。", None),  # the holder named too
    # …or the head for the deputy asked
    ("宋力[1]。", "第四十八次会议参会的示范区领导里，谁是党工委副书记？", "市政协副主席、示范区党工委书记宋力主持会议并讲话。",
     ("宋力", ("副书记: only 书记 is written",))),
    ("宋力[1]。", "党工委副书记是谁？", "党工委副书记宋力主持会议。", None),
    ("王五[1]。", "党工委副书记是谁？", "党工委书记宋力、副书记王五出席。", None),  # both ranks in one sentence
    ("宋力[1]。", "谁是党工委书记？", "市政协副主席、示范区党工委书记宋力主持会议并讲话。", None),  # 副主席 is another title
    ("刘颖[1]。", "谁是市长热线负责人？", "副市长刘颖调研市长热线。", None),  # 市长 is not the title asked
])
def test_role_not_stated(answer, question, passage, expected):
    from rag.answer.subjects import role_not_stated

    assert role_not_stated(answer, question, [passage]) == expected


@pytest.mark.parametrize("answer, question, passage, expected", [
    # the 2020 figure given for 2021
    ("2021年中国城镇新增就业1186万人。", "2021年中国城镇新增就业了多少人？", "2020年，全国城镇新增就业1186万人，完成目标的131.8%。",
     ("2021", "2020")),
    # the asked year's sentence, even when it names another year too
    ("1269万人。", "2021年中国城镇新增就业了多少人？", "2021年全国城镇新增就业1269万人，比2020年多83万人。", None),
    # a name from another season's sentence
    ("卫冕冠军江苏苏宁。", "2021赛季中超冠军是谁？", "2020赛季中超联赛，江苏苏宁获得冠军。", ("2021", "2020")),
    # no year asked; no year in the source sentence (no opinion); 2000 is a count, not a year
    ("1186万人。", "中国城镇新增就业了多少人？", "2020年，全国城镇新增就业1186万人。", None),
    ("1186万人。", "2021年城镇新增就业多少人？", "全国城镇新增就业1186万人。", None),
    ("560名。", "2023年有多少名志愿者参加？", "共有2000名志愿者报名，560名参加。", None),
    # a two-digit year before a part of the year or a month is a year; the 21 years of "工作21年" are not
    ("8月15日。", "2022年下半年征兵报名截止时间是什么时候？", "21年下半年征兵报名时间截至8月15日。", ("2022", "2021")),
    ("8月15日。", "2022年下半年征兵报名截止时间是什么时候？", "22年下半年征兵报名时间截至8月15日。", None),
    ("15人。", "2022年该队有多少人？", "该队成立21年，现有队员15人。", None),
    # a year after the figure is a comparison; the figure's year is in the sentence before
    ("43214.85亿元。", "上海2021年的GDP是多少？",
     "2021年，上海经济总量实现突破。地区生产总值（GDP）43214.85亿元，上海全市GDP规模自2017年突破3万亿元以来，首次突破4万亿元。",
     None),
])
def test_other_year(answer, question, passage, expected):
    from rag.answer.subjects import other_year

    assert other_year(answer, question, [passage]) == expected


@pytest.mark.parametrize("text, expected", [
    ("示范区招商引资服务局走访时，记录了哪些问题？", ("招商引资服务局",)),  # the nouns of its name, not the place
    ("市医疗保险服务中心在魏桥村结对共建", ("医疗保险服务中心",)),
    ("市委组织部全国文明单位创建工作领导小组下设什么机构？", ("组织部", "领导小组")),
    ("市创文办培训会上讲了什么？", ("创文办",)),  # 培训会 is an event
    ("给年轻干部办的读书活动叫什么？", ()),  # people, not an office
    ("王少青带队调研全域创建工作", ()),  # 带队 is what he did
    ("示范区纪委监察工委推进清廉机关建设", ()),  # 工委 alone is too short to tell units apart
])
def test_named_subjects(text, expected):
    from rag.answer.subjects import named_subjects

    assert named_subjects(text) == expected


@pytest.mark.parametrize("cited, others, expected", [
    (["示范区社区服务中心对群众反映的车辆停放问题进行记录"], ["示范区招商引资服务局对群众反映的停车问题进行记录"],
     ("招商引资服务局", 0)),
    (["示范区招商引资服务局对群众反映的停车问题进行记录"], ["示范区社区服务中心记录车辆停放问题"], None),  # cited names it
    (["示范区社区服务中心记录车辆停放问题"], ["许湾街道召开会议"], None),  # no passage names it: not this rule's
])
def test_subject_elsewhere(cited, others, expected):
    from rag.answer.subjects import subject_elsewhere

    assert subject_elsewhere("示范区招商引资服务局走访时，记录了群众反映的哪些方面的问题？", cited, others) == expected


PARK = ("2023年6月，市城市管理局启动公园提升改造工程。据介绍，此次改造总投资9600万元。"
        "工程由市政建设集团承建，2024年4月完工。")


@pytest.mark.parametrize("answer, question, passage, expected", [
    # the office that started the project is not said to have built it
    ("河滨公园提升改造工程由市城市管理局承建[1]。", "河滨公园提升改造工程由哪家施工单位承建？", PARK.split("据介绍")[0],
     ("城市、管理局", ("承建", "施工"))),
    # the builder's own sentence says so
    ("市政建设集团[1]。", "河滨公园提升改造工程由哪家单位承建？", PARK, None),
    # 施工 states the same role as 承建
    ("市政建设集团[1]。", "公园工程由哪家单位承建？", "市政建设集团负责公园工程施工。", None),
    # no role of the list asked (启动 is not one), or no organisation asked for
    ("市城市管理局[1]。", "公园提升改造工程由哪个部门启动？", PARK, None),
    ("苹果公司[1]。", "M1芯片首席设计师去了哪家公司？", "M1芯片首席设计师离开苹果公司，加入英特尔。", None),  # a job, not a role
    ("2024年4月[1]。", "公园工程是哪天由市政建设集团承建完工的？", PARK, None),
    # the answer's words are in no sentence: left to the citation checks
    ("市园林局[1]。", "公园工程由哪家单位承建？", PARK, None),
])
def test_org_role_not_stated(answer, question, passage, expected):
    from rag.answer.subjects import org_role_not_stated

    got = org_role_not_stated(answer, question, [passage])
    assert (got if got is None else (bool(got[0]), got[1])) == (expected if expected is None else (True, expected[1]))
