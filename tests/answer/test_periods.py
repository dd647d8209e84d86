"""rag/answer/periods.py: the periods a text names, and an answer taken from an article about another period."""
import pytest

from rag.answer.periods import (PART, YEAR, missing_figures, other_period, periods,
                                question_figures)
from rag.text.dates import chinese_numerals

TABLE = "七一路街道：活动场次86场，参与人次2150人次。\n人民路街道：活动场次74场，参与人次1830人次。"
Q1_TABLE = "2024年第一季度各街道志愿服务统计表"
CAMPAIGN = ("截至目前，该街道共发放征兵宣传手册300余份，为50多名适龄青年讲解征兵政策。接下来，该街道将持续开展"
            "2024年春季征兵宣传工作。")
INTEL = "英特尔在2022年第四季度的总收入为140亿美元，同比下降32%。英特尔2022年全年营收为631亿美元。"


@pytest.mark.parametrize("text, expected", [
    ("2024年第二季度", {YEAR: {"2024"}, PART: {"Q2"}}),
    ("二季度", {PART: {"Q2"}}),
    ("第 3 季度", {PART: {"Q3"}}),
    ("前三季度", {PART: {"前Q3"}}),  # three quarters' total, not the third quarter
    ("上半年、下半年", {PART: {"H1", "H2"}}),
    ("2023年度文明单位", {YEAR: {"2023"}}),
    ("2000名志愿者", {}),  # a count, not a year
    ("全年营收", {PART: {"Y"}}),
    ("今年以来", {}),  # a year named from the text's own date is none of these
    ("2024年春季征兵", {YEAR: {"2024"}, PART: {"S1"}}),
    ("秋冬季大气污染防治", {PART: {"S3", "S4"}}),
    ("春节期间", {}),  # a holiday, not a season
    ("冬季奥运会、夏季风、秋季学期", {}),  # names, not seasons
    ("下一季度将继续开展", {}),  # an offset, not the first quarter
])
def test_periods(text, expected):
    assert {k: set(v) for k, v in periods(text).items()} == expected


@pytest.mark.parametrize("question, answer, cited, expected", [
    # a table row of the first quarter's table given for the second quarter
    ("2024年第二季度七一路街道开展了多少场志愿服务活动？", "七一路街道开展了86场志愿服务活动", [(Q1_TABLE, TABLE)],
     ("第二季度", "第一季度")),
    ("2024年第一季度七一路街道开展了多少场志愿服务活动？", "86场", [(Q1_TABLE, TABLE)], None),
    ("一季度七一路街道开展了多少场活动？", "86场", [(Q1_TABLE, TABLE)], None),  # 一季度 is 第一季度
    ("上半年七一路街道开展了多少场活动？", "86场", [(Q1_TABLE, TABLE)], ("上半年", "第一季度")),
    # another year's list in the title
    ("2022年度市级文明单位有哪些？", "市文明办、市税务局", [("关于公布2023年度市级文明单位测评结果的通知",
                                                "市文明办、市税务局获评市级文明单位。")], ("2022年", "2023年")),
    # the source sentence names its own period: the sentence rules judge it, not the title
    ("2024年第二季度七一路街道开展了多少场活动？", "120场", [(Q1_TABLE, "第二季度七一路街道开展活动120场。")], None),
    ("2023年全市GDP增长多少？", "5.2%", [("2024年政府工作报告", "去年全市GDP增长5.2%。")], None),  # 去年 says which
    # the figure's sentence names another part of the year before it: the fourth quarter's revenue for the year's
    ("2022年英特尔全年营收是多少？", "140亿美元", [("", INTEL)], ("全年", "第四季度")),
    ("2022年英特尔第四季度营收是多少？", "140亿美元", [("", INTEL)], None),
    ("2022年英特尔第四季度营收是多少？", "631亿美元", [("", INTEL)], ("第四季度", "全年")),
    ("2022年英特尔全年营收是多少？", "631亿美元", [("", INTEL)], None),
    # a period named from the article's own date: 本季度 is the title's quarter; 去年 is another year, by an offset
    ("2022年英特尔第四季度营收是多少？", "140亿美元", [("", "本季度总收入为140亿美元。")], None),
    ("2024年第二季度七一路街道开展了多少场活动？", "86场", [(Q1_TABLE, "本季度七一路街道活动场次86场。")],
     ("第二季度", "第一季度")),
    ("2024年第一季度七一路街道开展了多少场活动？", "86场", [(Q1_TABLE, "本季度七一路街道活动场次86场。")], None),
    # "同期" compares with another period; it does not name the figure's own
    ("2024年第二季度七一路街道开展了多少场活动？", "86场", [(Q1_TABLE, "与去年同期相比，活动场次86场。")],
     ("第二季度", "第一季度")),
    # a title naming no period, or the asked one: no opinion
    ("2024年第二季度七一路街道开展了多少场活动？", "86场", [("各街道志愿服务统计表", TABLE)], None),
    ("第二季度七一路街道开展了多少场活动？", "86场", [(Q1_TABLE, TABLE), ("2024年第二季度统计表", TABLE)], None),
    # the sentence and the title name no part of the year; the rest of the passage names only another one
    ("搬口街道2024年秋季征兵宣传发放了多少份手册？", "300余份", [("以征兵宣传激发参军热情", CAMPAIGN)],
     ("秋季", "春季")),
    ("搬口街道2024年春季征兵宣传发放了多少份手册？", "300余份", [("以征兵宣传激发参军热情", CAMPAIGN)], None),
    ("搬口街道秋季征兵宣传发放了多少份手册？", "300余份", [("", "共发放手册300余份。本季度征兵工作持续开展。")], None),
    ("2024年秋季搬口街道发放了多少份手册？", "300余份", [("", "共发放手册300余份。")], None),  # names none
    # … only the rest of the passage: a comparison in the answer's own sentence says nothing of its period
    ("第二季度搬口街道发放了多少份手册？", "300余份", [("", "共发放手册300余份，比第一季度增加50份。")], None),
    # … nor a period named by an offset, several periods, or one of another size
    ("秋季搬口街道发放了多少份手册？", "300余份", [("", "共发放手册300余份。较去年春季增加50份。")], None),
    ("秋季搬口街道发放了多少份手册？", "300余份", [("", "共发放手册300余份。春季和夏季分别发放100份。")], None),
    ("上半年共举办多少场招聘会？", "20场", [("", "共举办招聘会20场。其中春季招聘会8场。")], None),
    ("第二季度共举办多少场招聘会？", "20场", [("", "共举办招聘会20场。完成全年任务的一半。")], None),
    ("第二季度共举办多少场招聘会？", "20场", [("", "共举办招聘会20场。下一季度将继续开展。")], None),
    ("北京冬季奥运会共有多少名志愿者？", "1.8万名", [("", "北京冬奥会共有1.8万名志愿者。曾服务2008年夏季奥运会。")],
     None),
    # … not for years: an article of one year names others in passing
    ("2024年搬口街道发放了多少份手册？", "300余份", [("", "共发放手册300余份，较2023年增加50份。")], None),
    # a question naming no period
    ("七一路街道开展了多少场活动？", "86场", [(Q1_TABLE, TABLE)], None),
    ("七一路街道开展了多少场活动？", "86场", [], None),
])
def test_other_period(question, answer, cited, expected):
    found = other_period(answer, question, cited)
    assert (None if found is None else (found.asked, found.given)) == expected


@pytest.mark.parametrize("question, expected", [
    ("2022年WTT世界杯U14组男单冠军", ["2022", "u14"]),  # a code with digits; WTT alone is a word (and has a Chinese name)
    ("上海2021年的GDP是多少", ["2021"]),
    ("苹果M1芯片首席设计师", ["m1"]),
    ("6月15日刘德君到企业调研", ["6", "15"]),
    ("增长了5.1%", ["5.1"]),
    ("示范区开展了哪些活动？", []),
    # a bound is not the fact's own figure
    ("投资超过1000万元的项目有哪些？", []),
    ("50人以上的活动有几场？", []),
    ("排名前10的企业", []),
    ("近5年来", []),
    ("共有2000余名选手参加", []),
    # an ordinal in Chinese numerals; not a rank nor a relative day
    ("中国第三艘航母名字", ["第三艘"]),
    ("美团2022年第一季度营收", ["2022", "第一季"]),
    ("谁获得了第一名", []),
    ("会议开完后的第二天", []),
])
def test_question_figures(question, expected):
    assert question_figures(question) == expected


@pytest.mark.parametrize("question, expected", [
    ("2022年WTT世界杯U14组男单冠军", ["u14"]),
    ("2021-2022赛季欧冠冠军", []),
    ("2000万元的项目在哪一年开工？", ["2000"]),  # an amount, not a year
    ("6月15日刘德君到企业调研", ["6", "15"]),
])
def test_question_figures_without_years(question, expected):
    assert question_figures(question, years=False) == expected


@pytest.mark.parametrize("n, expected", [
    (2, ["二", "两"]), (10, ["十"]), (19, ["十九"]), (40, ["四十"]), (105, ["一百零五"]), (110, ["一百一十"]),
    (1500, ["一千五百"]), (1010, ["一千零一十"]), (0, []), (10000, []),
])
def test_chinese_numerals(n, expected):
    assert chinese_numerals(n) == expected


@pytest.mark.parametrize("question, articles, years, expected", [
    # a day, a distance or a code the cited article never writes
    ("2022年8月我国汽车出口量", ["2022年1-7月，我国汽车出口量同比增长"], True, ["8"]),
    ("男子1500米速度滑冰比赛中谁获得了金牌？", ["短道速滑男子500米决赛"], True, ["1500"]),
    ("苹果M1芯片首席设计师去了哪家公司", ["苹果芯片设计师离职"], True, ["m1"]),
    # written as a whole somewhere: in the text or in the metadata line
    ("8月2日推进会提了哪些要求", ["周口精神文明建设简报 第20期 2023年8月5日\n8月2日，全市召开推进会"], True, []),
    ("第17期简报刊登了什么", ["周口精神文明建设简报 第17期 2023年6月20日\n正文"], True, []),
    ("6月20日出刊的简报刊登了什么", ["周口精神文明建设简报 第17期 2023年6月20日\n正文"], True, []),
    # a whole number in Chinese numerals, a figure with a thousands separator
    ("第40届国际志愿者日", ["第四十届国际志愿者日"], True, []),
    ("哪2个街道", ["两个街道"], True, []),
    ("第19届亚运会", ["第二十九届亚运会"], True, ["19"]),  # 十九 inside 二十九 is another number
    ("男子1500米", ["男子1,500米决赛"], True, []),
    ("6月15日刘德君调研", ["2015年6月，刘德君调研"], True, ["15"]),  # 15 of 2015 is no 15日
    ("增长了5%吗", ["增长了5.5%"], True, ["5"]),  # nor 5 of 5.5
    # codes written with a space or hyphen, or across two lines
    ("GPT4发布时间", ["OpenAI发布GPT-4"], True, []),
    ("C919首飞", ["国产大飞机C 919首飞成功"], True, []),
    ("iPhone SE 3的起售价", ["苹果发布iPhone SE 3，起售价3499元"], True, []),
    ("iPhone SE 3的起售价", ["苹果发布iPhone SE 2"], True, ["3"]),
    # a year only when the articles write another year and never this one, and only when years are asked for
    ("2022年一季度中国经济增长率", ["2021年一季度，国内生产总值同比增长"], True, ["2022"]),
    ("2022年一季度中国经济增长率", ["2021年一季度，国内生产总值同比增长"], False, []),
    ("2022年超级碗冠军是谁", ["第56届超级碗冠军是洛杉矶公羊队"], True, []),  # news leaves its own year out
    ("2022年超级碗冠军是谁", ["第56届超级碗", "2022年2月13日举行"], True, []),  # another cited article writes it
    ("示范区开展了哪些活动？", ["2021年示范区"], True, []),
    ("2022年参赛人数", ["2000余名选手参赛"], True, []),  # 2000余名 is no year the article writes
    ("2022年参赛人数", ["2021年2000余名选手参赛"], True, ["2022"]),
    # an ordinal: its number after 第 whatever word follows, or with the question's word; the first as 首
    ("中国第三艘航母名字", ["辽宁舰是中国第一艘航母"], True, ["第三艘"]),
    ("中国第三艘航母名字", ["福建舰是我国第3艘航空母舰"], True, []),
    ("中国第三艘航母名字", ["我国已有三艘航母"], True, []),
    ("香港第六任行政长官选举结果", ["第六届行政长官选举"], True, []),
    ("谁是第一棒火炬手", ["首棒火炬手是"], True, []),
    ("美团第一季度营收", ["美团Q1营收"], True, []),
    ("第十三届全运会", ["第三届全运会"], True, ["第十三届"]),
    ("第三届全运会", ["第十三届全运会"], True, ["第三届"]),
    ("市第一人民医院派了几名专家", ["市第一人民医院"], True, []),
])
def test_missing_figures(question, articles, years, expected):
    assert missing_figures(question, articles, years=years) == expected
