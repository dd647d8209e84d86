"""rag/answer/counts.py: an answer whose figure counts another thing than every place its passages give it."""
import pytest

from rag.answer.counts import count_of_another_kind, counted_with_another_figure, relabelled_count

SHOWCASE = ("活动现场，市图书馆、鹿邑县神鹰救援队等 25 支志愿服务队先后展示了新时代文明实践活动成果，"
            "还进行了优秀志愿服务项目评选。共走访群众200余家。")
STATIONS = "截至6月底，主城区5个街道共建成新时代文明实践站54个，注册志愿者15395名。"
FIRMS = "全市共有11家生产企业通过认证，其中食品企业6家。"


@pytest.mark.parametrize("answer, question, passage, expected", [
    # the count of teams given as the count of rated projects: another classifier and another noun
    ("评出了25个优秀志愿服务项目[1]。", "最后评出了多少个优秀志愿服务项目？", SHOWCASE, "25"),
    # the same thing counted with another classifier, or the same classifier: fine
    ("共有25个志愿服务队参加[1]。", "有多少支志愿服务队参加？", SHOWCASE, None),
    ("25支队伍[1]。", "有多少支队伍参加？", SHOWCASE, None),
    ("走访了200余户群众[1]。", "走访了多少户群众？", SHOWCASE, None),  # 户 and 家 count households alike
    # nothing named after the figure, or the figure is the question's own
    ("25个[1]。", "评出了多少个优秀志愿服务项目？", SHOWCASE, None),
    ("25支队伍里评出了优秀项目[1]。", "25支队伍里评出了什么？", SHOWCASE, None),
    # the same classifier, another noun, and the passage counts the answer's noun with another figure: 5 streets
    # given as one street's stations
    ("光明街道建成了5个新时代文明实践站[1]。", "光明街道建成了多少个新时代文明实践站？", STATIONS, "5"),
    ("主城区共建成新时代文明实践站54个[1]。", "主城区建成了多少个新时代文明实践站？", STATIONS, None),
    # the same classifier and another noun as jieba cuts it, but nothing else counted: no opinion
    ("有11家企业通过认证[1]。", "有多少家企业通过认证？", "全市有11家生产企业通过认证。", None),
    ("有6家食品企业[1]。", "有多少家食品企业？", FIRMS, None),
])
def test_relabelled_count(answer, question, passage, expected):
    got = relabelled_count(answer, question, [passage])
    assert (got and got[0]) == expected


def test_what_each_side_counts():
    # as jieba names it ("个项目" / "个服务项目", "支服务队")
    got = relabelled_count("评出了25个优秀志愿服务项目[1]。", "评出了多少个优秀志愿服务项目？", [SHOWCASE])
    assert got[1].startswith("个") and got[1].endswith("项目") and got[2] == "支服务队"


@pytest.mark.parametrize("noun, classifier, num, expected", [
    ("文明实践", "个", "5", "文明实践站54个"),  # the noun, then its figure
    ("文明实践", "项", "5", "文明实践站54个"),  # 个 and 项 count alike
    ("文明实践", "个", "54", None),  # the same figure
    ("文明实践", "名", "5", None),  # another kind of classifier
    ("志愿者", "名", "5", "志愿者15395名"),
])
def test_counted_with_another_figure(noun, classifier, num, expected):
    assert counted_with_another_figure(noun, classifier, num, [STATIONS]) == expected


LAW_DAY = ("近日，搬口办事处联合有关部门在贾寨村、梁寨村等开展“法治宣传进基层”活动。活动现场，普法志愿者向群众进行宣传解读，"
           "共发放宣传册500余份、解答法律问题30余条。")


@pytest.mark.parametrize("answer, question, passage, expected", [
    # the villages' joint figure given for one of them
    ("梁寨村共发放宣传册500余份[1]。", "搬口办事处的活动中，光在梁寨村一个村就发放了多少份宣传册？", LAW_DAY,
     ("梁寨村", "贾寨村、梁寨村")),
    ("500余份[1]。", "贾寨村发放了多少份宣传册？", LAW_DAY, ("贾寨村", "贾寨村、梁寨村")),
    ("300余人[1]。", "周滨社区有多少居民参加？", "在周滨社区和高庄社区开展义诊，服务居民300余人。", ("周滨社区", "周滨社区和高庄社区")),
    ("40人[1]。", "高庄社区有多少人参加？", "在高庄社区等地开展义诊，40人参加。", ("高庄社区", "高庄社区等")),
    # the question asks for the run itself, or no place
    ("500余份[1]。", "搬口办事处在梁寨村等地发放了多少份宣传册？", LAW_DAY, None),
    ("500余份[1]。", "贾寨村和梁寨村一共发放了多少份宣传册？", LAW_DAY, None),
    ("500余份[1]。", "搬口办事处发放了多少份宣传册？", LAW_DAY, None),
    # the place is named alone nearer the figure; a list of each unit's own figure; a figure shared out
    ("30名[1]。", "梁寨村组织了多少名志愿者？", "在贾寨村、梁寨村开展活动。梁寨村组织志愿者30名。", None),
    ("50名[1]。", "搬口街道有多少名议事代表？", "其中，许湾街道58名、文昌街道57名、搬口街道50名。", None),
    ("57名[1]。", "文昌街道有多少名议事代表？", "其中，许湾街道58名、文昌街道57名、搬口街道50名。", None),
    ("20人[1]。", "梁寨村有多少人参加？", "贾寨村、梁寨村分别有20人参加。", None),
    ("20人[1]。", "梁寨村有多少人参加？", "贾寨村、梁寨村开展活动，每个村有20人参加。", None),
    ("20人[1]。", "梁寨村有多少人参加？", "贾寨村、梁寨村各有20人参加。", None),
    ("3000亩[1]。", "梁寨村有多少亩耕地？", "梁寨村与贾寨村毗邻。该村现有耕地3000亩。", None),  # one village's
    ("6月5日[1]。", "梁寨村的普法活动是哪天？", "在贾寨村、梁寨村等开展普法活动，活动于6月5日举行。", None),  # a date
    ("500余份[1]。", "梁寨村发放了多少份宣传册？", "在梁寨村等地开展活动。现场有很多群众。共发放宣传册500余份。",
     None),  # named two sentences before the figure: too far to say
    ("500余份[1]。", "在一等奖评选中，梁寨村发放了多少份宣传册？", "在梁寨村等地开展活动。共发放宣传册500余份。",
     ("梁寨村", "梁寨村等")),  # the question's 等 is another word
])
def test_shared_count(answer, question, passage, expected):
    from rag.answer.counts import shared_count
    assert shared_count(answer, question, [passage]) == expected


@pytest.mark.parametrize("answer, question, expected", [
    ("2023年示范区信访部门共举行信访业务培训会15次[1]。", "2023年示范区信访部门一共培训了多少名信访专员？", ("名", "15次")),
    ("深圳大学2022年录取本科生覆盖31个省[1]。", "深圳大学2022年录取了多少名本科生？", ("名", "31个")),
    ("共有志愿者50名参加[1]。", "共举办了多少场培训？", ("场", "50名")),
    ("共培训信访专员300余人次[1]。", "一共培训了多少名信访专员？", None),  # 人次 counts people
    ("共有3个社区的120名志愿者参加[1]。", "有多少名志愿者参加？", None),  # one count of the kind asked
    ("共举行培训3场[1]。", "举办了几次培训？", None),  # 次 and 场 count the same
    ("提出建议127条[1]。", "提出了多少项建议？", None),  # 项 / 条: not judged
    ("培训会15次[1]。", "2023年培训了多少？", None),  # no classifier asked
    ("15[1]。", "培训了多少名专员？", None),  # no count with a classifier in the answer
    ("历时3个月[1]。", "有多少名专员参加？", None),  # a duration is no count of things
    ("走访群众622户、培训30人次[1]。", "走访了多少户群众？培训了多少人？", None),  # two kinds asked
    ("培训会15次[1]。", "2023年培训了15名专员吗？", None),  # the figure is the question's
    # review cases: a figure counted with a word the classifiers lack, "3个人", 人次, a longer duration
    ("共开展巡查3轮次，发现问题12个[1]。", "开展了几次巡查？", None),
    ("共举办培训班5期，培训学员600余人[1]。", "举办了几次培训班？", None),
    ("调解纠纷12起，涉及群众40人[1]。", "调解了几次纠纷？", None),
    ("共有3个人获奖[1]。", "共有几人获奖？", None),
    ("累计服务3000余次[1]。", "服务群众多少人次？", None),
    ("历时3个多月[1]。", "有多少名专员参加？", None),
])
def test_count_of_another_kind(answer, question, expected):
    assert count_of_another_kind(answer, question) == expected
