import pytest

from rag.answer import best_window, extractive_answer, judge_relevance, metadata_answer
from rag.answer.extractive import list_items
from rag.text import content_tokens
from rag.types import Chunk, Hit


def hit(text, title="标题", dense=0.9, source="a.txt"):
    return Hit(Chunk(source=source, article_no=0, text=text, start=0, end=len(text), title=title), 1.0, dense=dense)


def test_content_tokens_drop_question_words():
    toks = content_tokens("示范区举行了多少次信访业务培训会？")
    assert "多少" not in toks and "了" not in toks
    assert "信访" in toks and "培训" in toks


def test_best_window_prefers_the_clause_with_the_number():
    text = ("近日，搬口办事处联合有关部门在贾寨村、梁寨村等开展“法治宣传进基层”活动。活动现场，普法志愿者围绕宪法、"
            "民法典、信访工作条例等法律法规，通过“摆摊设点”的方式向群众进行宣传解读，共发放宣传册500余份、解答法律问题30余条。")
    q = "搬口办事处“法治宣传进基层”活动发放了多少份宣传册？"
    s, e, _ = best_window(content_tokens(q), text, 100, question=q)
    assert "500余份" in text[s:e] and e - s <= 100


def test_relevance_gate():
    h = [hit("2023年，示范区信访案件化解群众满意率达到99.01%。")]
    assert judge_relevance("示范区信访案件化解群众满意率是多少？", h).relevant
    off = [hit("2023年，示范区信访案件化解群众满意率达到99.01%。", dense=0.80)]
    assert not judge_relevance("如何申请护照？", off).relevant
    rel = judge_relevance("2024年示范区信访案件化解群众满意率是多少？", h)
    assert not rel.relevant and rel.missing_numbers == ["2024"] and rel.lacking() == "no passage mentions 2024"
    assert judge_relevance("示范区信访案件化解群众满意率是多少？", h).lacking() is None
    assert not judge_relevance("随便问问", []).relevant


def test_extractive_answer_cites_its_passage():
    hits = [hit("会议要求，要统一思想。"), hit("据统计，2023年示范区共举行信访业务培训会15次，指导办理信访案件上百件。")]
    text, used = extractive_answer("示范区举行了多少次信访业务培训会？", hits)
    assert "15次" in text and text.endswith("[2]") and used == [2]


def test_extractive_refuses_a_number_it_cannot_give():
    hits = [hit("组织网格员深入背街小巷开展夜间巡逻活动。")]
    assert extractive_answer("有多少名网格员参加夜间巡逻？", hits) == ("", [])


def test_extractive_refuses_a_place_of_the_kind_it_cannot_name():
    hits = [hit("示范区招商引资服务局深入分包社区了解群众呼声，共走访群众622户。")]
    assert extractive_answer("示范区招商引资服务局分包的是哪个社区？", hits) == ("", [])
    hits = [hit("示范区招商引资服务局深入景园社区了解群众呼声，共走访群众622户。")]
    assert "景园社区" in extractive_answer("示范区招商引资服务局分包的是哪个社区？", hits)[0]


def test_extractive_does_not_quote_a_question_as_the_answer():
    hits = [hit("春节档十几部电影涵盖了喜剧、剧情、战争、动画等类型。2022年春节档票房冠军会是哪部电影？")]
    assert extractive_answer("2022年春节档票房冠军是哪部电影？", hits) == ("", [])
    hits = [hit("2022年春节档票房冠军是哪部电影？是《长津湖之水门桥》。")]
    assert "长津湖之水门桥" in extractive_answer("2022年春节档票房冠军是哪部电影？", hits)[0]
    # a question in quotes is a question too; a passage below it may still hold the answer
    hits = [hit("记者问：“2022年春节档票房冠军会是哪部电影？”"), hit("2022年春节档票房冠军是《长津湖之水门桥》。")]
    text, used = extractive_answer("2022年春节档票房冠军是哪部电影？", hits)
    assert "长津湖之水门桥" in text and used == [2]


def test_metadata_answer_from_passage_metadata():
    c = Chunk(source="001.txt", article_no=4, text="太康县举行“中国好人”系列宣传摄影展活动。", start=0, end=20,
              title="太康县举行“中国好人”系列宣传摄影展活动", section="【文明时讯】", bulletin="周口精神文明建设简报",
              issue="17", date="2023-06-20")
    out = metadata_answer("刊登太康县摄影展消息的那期简报是哪天出版的？", [hit("无关。"), Hit(c, 1.0)])
    assert "第17期" in out and "2023年6月20日出刊" in out and "【文明时讯】" in out and out.endswith("[2]。")
    assert metadata_answer("太康县摄影展在哪里举行？", [Hit(c, 1.0)]) == ""


def test_weak_third_passage_is_left_out_of_the_prompt():
    from rag.answer import idf_from_hits, passages_to_show

    q = "许湾街道确定了多少名议事代表？"
    hits = [hit("此次示范区3个街道共确定议事代表165名，其中，许湾街道58名、文昌街道57名。"),
            hit("示范区党工委相关负责人说，该制度保障了基层群众的知情权。"),
            hit("区长胡友涛出席会议。会议指出，创文巩卫工作是当前的重点任务之一。")]
    toks = content_tokens(q)
    idf = idf_from_hits(toks, hits)
    shown = passages_to_show(toks, hits, 140, idf, q)
    assert shown == hits[:2]  # the second is always shown, the weak third is not
    assert passages_to_show(toks, hits, 140, idf, q, multi_part=True) == hits
    # a third passage that matches better than the first two is kept (the answer is there)
    strong = hit("许湾街道确定议事代表58名。")
    assert passages_to_show(toks, hits[:2] + [strong], 140, idf, q)[-1] is strong


_Q2 = "许湾街道确定了多少名议事代表？"
_FIRST = ("此次示范区3个街道共确定议事代表165名，其中，许湾街道58名、文昌街道57名。", "a.txt")


@pytest.mark.parametrize("second, metadata, shown", [
    # another article's passage that barely matches the question: its room goes to the first one's window
    (("区长胡友涛出席会议。会议指出，创文巩卫工作是当前的重点任务之一。", "b.txt"), False, False),
    # the same weak text continuing the first passage's article: kept (the article is the one asked about)
    (("区长胡友涛出席会议。会议指出，创文巩卫工作是当前的重点任务之一。", "a.txt"), False, True),
    # another article that matches well enough
    (("许湾街道召开议事代表会议，选举产生了议事代表。", "b.txt"), False, True),
    # a question about an issue's or a section's articles: their words need not match the question
    (("区长胡友涛出席会议。会议指出，创文巩卫工作是当前的重点任务之一。", "b.txt"), True, True),
])
def test_a_weak_second_passage_of_another_article_is_left_out(second, metadata, shown):
    from rag.answer import idf_from_hits, passages_to_show

    hits = [hit(_FIRST[0], source=_FIRST[1]), hit(second[0], source=second[1])]
    toks = content_tokens(_Q2)
    kept = passages_to_show(toks, hits, 140, idf_from_hits(toks, hits), _Q2, metadata=metadata)
    assert (kept == hits) is shown and kept[0] is hits[0]


def test_the_second_window_is_chosen_for_what_the_first_lacks():
    """The first window holds the event's name and date; the second is the one with the asked detail, though
    another window repeats the event's words more often."""
    from rag.answer.context import second_window

    text = ("6月17日下午，市创文办举办培训会议。市创文办、市文明办工作人员参加培训会议。"
            "会议指出，今年是决战决胜的关键一年，市创文办要加强培训，提高培训会议质量和水平。"
            "各县市区要压实工作责任，确保各项任务落到实处，推动工作取得实效。"
            "注重问题归集，全面梳理短板弱项，形成《问题反馈清单》。")
    q = "市创文办6月17日举办的培训会议，要把查出的短板弱项做成什么单子？"
    toks = content_tokens(q)
    first = best_window(toks, text, 40, question=q)
    assert "6月17日" in text[first[0]:first[1]]
    s, e, _ = second_window(toks, text, 40, first, question=q)
    assert "问题反馈清单" in text[s:e]


@pytest.mark.parametrize("window, shown, share", [
    ("全面梳理短板弱项，形成清单。", "市创文办举办培训会议。", 0.5),  # 短板, 清单 of 市创文办, 培训, 短板, 清单
    ("市创文办举办培训会议。", "市创文办举办培训会议。", 0.0),  # nothing new
    ("", "市创文办举办培训会议。", 0.0),
])
def test_novel_share_counts_the_question_words_only_the_window_holds(window, shown, share):
    from rag.answer.context import novel_share

    assert novel_share(["市创文办", "培训", "短板", "清单"], window, shown) == pytest.approx(share)


@pytest.mark.parametrize("window, earlier, copy", [
    ("澳大利亚军方一架MRH-90型直升机28日晚坠海，机上4人失踪。", "据报道，澳大利亚军方一架MRH-90型直升机28日晚坠海，机上4人失踪，演习已暂停。", True),
    # the same words with other punctuation and spacing: still a copy
    ("澳大利亚军方一架 MRH-90 型直升机28日晚坠海；机上4人失踪", "澳大利亚军方一架MRH-90型直升机28日晚坠海，机上4人失踪。", True),
    # a reprint that changed a word or two keeps ≥ 0.9 of its character pairs
    ("今年上半年，全市共发放创业担保贷款3.2亿元，扶持创业1200人。", "上半年，全市共发放创业担保贷款3.2亿元，扶持创业1200人，带动就业。", True),
    # another article on the same event: the topic words repeat, the facts do not
    ("澳防长证实坠海直升机上4名乘员已无生还希望，救援转为打捞。", "澳大利亚军方一架MRH-90型直升机28日晚坠海，机上4人失踪。", False),
    # the same section header in two issues, different news
    ("【工作动态】许湾街道召开议事代表会议，确定代表58名。", "【工作动态】文昌街道开展征兵宣传，发放资料300份。", False),
    ("", "任何文字", False),
])
def test_a_reprinted_passage_is_a_copy(window, earlier, copy):
    from rag.answer.context import repeats

    assert repeats(window, earlier) is copy


def test_copies_give_their_place_to_the_next_passage():
    from rag.answer.context import distinct

    news = "据报道，澳大利亚军方一架MRH-90型直升机28日晚坠海，机上4人失踪，演习已暂停。"
    hits = [hit(news, source="a.txt"), hit("转载：" + news, source="b.txt"), hit(news, source="c.txt"),
            hit("澳防长证实坠海直升机上4名乘员已无生还希望。", source="d.txt"), hit("另一篇。", source="e.txt")]
    windows = {h.chunk.id: (0, len(h.chunk.text), 1.0) for h in hits}
    assert [h.chunk.source for h in distinct(hits, windows, 3)] == ["a.txt", "d.txt", "e.txt"]
    assert [h.chunk.source for h in distinct(hits, windows, 1)] == ["a.txt"]


def test_title_words_do_not_pick_the_sentence():
    """Question words that are in the article title chose the article; inside it the others pick the span."""
    text = ("7月10日，全市创建全国文明城市工作推进会在市行政中心召开。市长王建国出席会议并讲话。"
            "会议指出，公益广告设置、农贸市场秩序、背街小巷环境仍是失分较多的薄弱环节。")
    q = "全市创建全国文明城市推进会指出哪些方面是失分较多的薄弱环节？"
    title = "全市创建全国文明城市推进会召开"
    toks = content_tokens(q)
    s, e, full = best_window(toks, text, 40, question=q, topic=title)
    assert "公益广告设置" in text[s:e]
    assert full == best_window(toks, text[s:e], 40, question=q)[2]  # the score weighs every word fully


@pytest.mark.parametrize("passage, span, answer", [
    ("“时间银行”的运行主要有三个环节：\n1.服务存储：会员每提供1小时服务，记1个时间积分；\n2.积分兑换：积分可在需要时兑换同等时长的服务；\n"
     "3.通存通兑：积分在全市各服务站之间通用。\n目前已有会员1140名。", "“时间银行”的运行主要有三个环节：",
     "“时间银行”的运行主要有三个环节：1.服务存储；2.积分兑换；3.通存通兑"),
    ("会议提出三项任务：1.新建社区养老服务中心14个；2.发展老年助餐点85个。其他工作。", "会议提出三项任务：",
     "会议提出三项任务：1.新建社区养老服务中心14个；2.发展老年助餐点85个"),
    ("运行有三个环节：服务存储、积分兑换。", "运行有三个环节：", ""),  # no numbered items
    ("会议指出，问题仍然突出。", "会议指出，问题仍然突出。", ""),  # no lead-in at all
    ("主要做法如下：\n1.建立台账\n2.定期督查\n3.巩固提升\n二、存在问题\n1.资金不足。", "主要做法如下：",
     "主要做法如下：1.建立台账；2.定期督查；3.巩固提升"),  # stops where the next part begins
    ("活动安排如下：\n1.时间：6月1日\n2.地点：人民广场\n3.参加人员：全体志愿者", "活动安排如下：",
     "活动安排如下：1.时间：6月1日；2.地点：人民广场；3.参加人员：全体志愿者"),  # short values are kept
])
def test_list_items(passage, span, answer):
    """A list question gets the lead-in and each numbered item (its head when it has one)."""
    assert list_items(passage, span) == answer


@pytest.mark.parametrize("passage, quoted", [
    ("城北街道对辖区坑塘进行整治，为行政村修建污水沉淀池10余座。", False),  # counts only: no sum to quote
    ("城北街道筹集资金12万元，为行政村修建污水沉淀池10余座。", True),
])
def test_extractive_quotes_only_evidence_of_the_measure_asked(passage, quoted):
    text, _ = extractive_answer("城北街道为行政村修建污水沉淀池筹集了多少资金？", [hit(passage)])
    assert bool(text) is quoted and (not quoted or "12万元" in text)


def test_extractive_list_answer_names_every_item():
    passage = ("“时间银行”的运行主要有三个环节：\n1.服务存储：会员每提供1小时服务，记1个时间积分；\n2.积分兑换：积分可在需要时兑换服务；\n"
               "3.通存通兑：积分在全市各服务站之间通用。")
    text, used = extractive_answer("南关街道“时间银行”的运行有哪三个环节？", [hit(passage, title="南关街道：“时间银行”激发活力")])
    assert used == [1] and all(x in text for x in ("服务存储", "积分兑换", "通存通兑")) and text.endswith("[1]")


def test_metadata_answer_of_an_official_document_and_a_missing_field():
    c = Chunk(source="通知.ofd", article_no=0, text="现将有关事项通知如下。", start=0, end=11, title="关于开展文明交通专项行动的通知",
              issue="商文明委〔2024〕6号", date="2024-07-26")
    out = metadata_answer("关于开展文明交通专项行动的通知是哪天印发的？", [Hit(c, 1.0)])
    assert "商文明委〔2024〕6号" in out and "第商" not in out and "2024年7月26日" in out and out.endswith("[1]。")
    assert metadata_answer("这份通知刊登在哪个栏目？", [Hit(c, 1.0)]) == ""  # no passage has a section


@pytest.mark.parametrize("answer, problem", [
    ("活动于6月20日开展[1]。", None),
    ("活动于2023年开展[1]。", None),
    ("该简报于2023-06-20出版[1]。", None),
    ("活动是近日开展的[1]。", "DATE_MISSING"),
    ("活动日前开展[1]。", "DATE_MISSING"),
])
def test_a_date_question_needs_a_date(answer, problem):
    from rag.answer.checks import check_answer

    passage = hit("近日，搬口办事处开展活动。6月20日，又开展了一次。2023年共开展5次。2023-06-20出版。")
    got = check_answer(answer, "搬口办事处开展活动是哪一天？", [passage])
    assert (got.kind.name if got else None) == problem


LONG_ARTICLE = ("为维护市场价格秩序稳定，市市场监管局近日对全市重点商超、农贸市场经营者开展“七不得”提醒告诫。"
                "会议要求各经营者严格落实明码标价制度，不得哄抬价格、不得串通涨价、不得捏造散布涨价信息。"
                "与会经营者表示，将自觉规范价格行为，共同营造良好的消费环境。"
                "据了解，当前正值汛期，蔬菜等民生商品价格易受天气影响出现波动，此次提醒告诫旨在稳定汛期市场价格。"
                "下一步，市场监管部门将加大巡查力度，对违法行为依法从严查处。")


@pytest.mark.parametrize("question, text, budget, wanted", [
    # the answer (汛期) sits a sentence away from the clauses that repeat the question's words
    ("“七不得”提醒告诫是为了维护什么时期的市场价格秩序稳定？", LONG_ARTICLE, 60, "汛期"),
    # a passage within the budget is shown whole: no second window
    ("“七不得”提醒告诫是为了维护什么时期的市场价格秩序稳定？", LONG_ARTICLE[:50], 60, None),
    # nothing else in the text matches the question: no second window
    ("示范区信访案件化解群众满意率是多少？",
     "2023年，示范区信访案件化解群众满意率达到99.01%。会议由区长主持。与会人员进行了交流发言。天气晴朗，气温适宜。",
     24, None),
])
def test_second_window_of_a_long_passage(question, text, budget, wanted):
    from rag.answer import idf_from_hits
    from rag.answer.context import second_window

    toks = content_tokens(question)
    idf = idf_from_hits(toks, [hit(text)])
    first = best_window(toks, text, budget, idf, question)
    got = second_window(toks, text, budget, first, idf, question)
    if wanted is None:
        assert got is None
        return
    s, e, score = got
    assert wanted in text[s:e] and wanted not in text[first[0]:first[1]]
    assert e - s <= budget and (e <= first[0] or s >= first[1])  # within the budget, apart from the first
    assert score >= 0.5 * first[2]


ARTICLE = ("本报讯 近日，区委召开常委会会议，研究部署下一阶段重点工作。会议指出，要抓好安全生产。"
           "会议要求，各街道要压实责任。据了解，今年以来全区共排查隐患1200余处，整改率达98%。"
           "下一步，区应急管理局将开展专项检查，重点检查燃气、消防和建筑工地。")


@pytest.mark.parametrize("shown_span, chars, must_keep, must_grow_into", [
    # a window in the middle grows on both sides, forward first, and keeps what the model saw
    ("会议要求，各街道要压实责任。", 60, "会议要求，各街道要压实责任。", "据了解"),
    # the article's last clauses: only backwards is left
    ("重点检查燃气、消防和建筑工地。", 50, "重点检查燃气、消防和建筑工地。", "区应急管理局"),
    # the first clause: grows forward only
    ("本报讯 近日，区委召开常委会会议，", 40, "本报讯 近日，区委召开常委会会议，", "研究部署"),
])
def test_widen_passage_grows_around_what_was_shown(shown_span, chars, must_keep, must_grow_into):
    from rag.answer.context import cut_passage, widen_passage

    full = hit(ARTICLE)
    s = ARTICLE.index(shown_span)
    shown = cut_passage(full, s, s + len(shown_span))
    wide = widen_passage(full, shown, chars)
    assert must_keep in wide.chunk.text and must_grow_into in wide.chunk.text
    assert len(wide.chunk.text) <= chars
    assert ARTICLE[wide.chunk.start:wide.chunk.end] == wide.chunk.text  # the citation highlights the right span


def test_widen_passage_of_a_short_article_is_the_whole_article():
    from rag.answer.context import cut_passage, widen_passage

    full = hit(ARTICLE)
    assert widen_passage(full, cut_passage(full, 0, 20), len(ARTICLE) + 10).chunk.text == ARTICLE


@pytest.mark.parametrize("question, text", [
    ("2021年香港GDP增长了多少？", "2021年香港本地生产总值（GDP）同比增长6.4%。"),
    ("iPhone SE 3的起售价是多少？", "新款IPHONE SE 3起售价3499元。"),
    ("mu5735航班上有多少人？", "MU5735航班上共有132人。"),
])
def test_question_words_match_whatever_their_case(question, text):
    """Question tokens are lower-cased for search; a passage keeps its case: GDP, iPhone and MU5735 are in it."""
    from rag.answer.context import coverage, sentence_scores
    from rag.answer.relevance import missing_tokens

    toks = content_tokens(question)
    assert any(t.isascii() and any(c.isalpha() for c in t) for t in toks)
    assert missing_tokens(toks, [hit(text)]) == []
    assert coverage(toks, text) == 1.0
    assert max(s.score for s in sentence_scores(toks, text)) == 1.0


@pytest.mark.parametrize("question, texts, missing", [
    ("2023年上半年“河南好人榜”中，我市入选“见义勇为”类榜单的是谁？",
     ["2023年上半年“河南好人榜”名单公布，我市张某入选“敬业奉献”类。"], ["见义勇为"]),
    ("市法院“道德文明使者·我们在行动”活动在哪里举行？", ["市法院开展道德文明使者•我们在行动主题活动"], []),
    ("“创文”“创卫”推进会什么时候召开？", ["全市“创文”“创卫”推进会召开"], []),
    ("“创文”“创卫”推进会什么时候召开？", ["全市“创文”推进会召开"], ["创卫"]),
    ("\"iPhone\"发布会在哪天？", ["IPHONE 发布会于9月举行"], []),
    ("《李茂扮太子》是什么类型的电影？", ["该片是一部喜剧"], []),  # titles: an article says 该片
    ("示范区信访案件化解率是多少？", ["无关内容"], []),
    # a numbered shorthand stands for items the text lists without it: no name to find
    ("推进会要求对“创文”“创卫”工作坚持哪“三同”？", ["坚持对“创文”“创卫”工作同部署、同检查、同推进。"], []),
    ("“四个全面”是什么？", ["无关内容"], []),
    ("“十大文明行动”有哪些？", ["无关内容"], ["十大文明行动"]),  # longer: a name
    ("“十佳少年”是谁？", ["无关内容"], ["十佳少年"]),  # its items are not asked: a name
    # a template with question words is held by a text that fills it
    ("王响午村的村级阵地建设叫“几堂几中心”？", ["了解“两堂三中心”建设情况"], []),
    ("严格落实了哪项“几会一课”制度？", ["严格落实“第一议题”“三会一课”等制度"], []),
    ("严格落实了哪项“几会一课”制度？", ["严格落实“三会两课”制度"], ["几会一课"]),
    ("全市评出了“多少佳”少年？", ["评出“十佳”少年"], []),
    ("“几何小课堂”活动在哪里举办？", ["几何小课堂活动在市图书馆举办"], []),  # 几 as itself: a name
])
def test_missing_quoted(question, texts, missing):
    from rag.answer.relevance import missing_quoted
    assert missing_quoted(question, texts) == missing


def test_relevance_gate_needs_the_quoted_name():
    h = [hit("2023年上半年“河南好人榜”名单公布，我市张爱梅入选“敬业奉献”类。")]
    rel = judge_relevance("2023年上半年“河南好人榜”中，我市入选“见义勇为”类榜单的是谁？", h)
    assert not rel.relevant and rel.missing_quoted == ["见义勇为"]
    assert rel.lacking() == "no passage mentions “见义勇为”"
    assert judge_relevance("2023年上半年“河南好人榜”中，我市入选“敬业奉献”类榜单的是谁？", h).relevant


@pytest.mark.parametrize("question, texts, titles", [
    # the passages write the title only for a deputy: what the 市长 did is in none of them
    ("推进会上，市长提出了哪些要求？", ["会上，市委常委、宣传部长王少青、副市长刘颖通报问题。", "市委书记张建慧主持会议。"], ["市长"]),
    ("推进会上，市长提出了哪些要求？", ["市委副书记、市长王五讲话。"], []),  # a holder is written
    ("推进会上，哪位副市长通报了问题？", ["副市长刘颖通报问题。"], []),  # a deputy asked
    ("市长刘颖提出了哪些要求？", ["副市长刘颖讲话。"], []),  # the name decides
    ("推进会上，区长提出了哪些要求？", ["区委书记讲话。"], []),  # never written: another wording may name them
    ("书记强调了什么？", ["习近平总书记指出。"], []),  # 总书记 is no deputy
    # a title's characters ending another word: 合作社长年, 城市长效
    ("该合作社长年带动多少户增收？", ["合作社副社长李某介绍，合作社常年带动120户。"], []),
    ("城市长效管理机制是什么？", ["副市长刘颖调研城市管理。"], []),
])
def test_deputy_only_titles(question, texts, titles):
    from rag.answer.people import deputy_only_titles
    assert deputy_only_titles(question, texts) == titles


def test_relevance_gate_needs_the_title_holder():
    h = [hit("6月12日，全市大走访活动现场会召开。副市长刘颖通报创建工作中的突出问题。")]
    rel = judge_relevance("6月12日全市大走访活动现场会上，市长提出了哪些要求？", h)
    assert not rel.relevant and rel.deputy_only == ["市长"]
    assert rel.lacking() == "no passage mentions the 市长 (only a 副市长)"
    assert judge_relevance("6月12日全市大走访活动现场会上，副市长通报了什么？", h).relevant


@pytest.mark.parametrize("question, asked", [
    ("会议提出了哪三个“注重”？", ("注重", 3)),
    ("要求在哪几个“以学”上下真功？", ("以学", 3)),
    ("提出了哪十二个“坚持”？", ("坚持", 12)),
    ("“双减”政策有哪些要求？", None),  # a quoted name, not the items' word
    ("提出了哪些要求？", None),
])
def test_items_asked(question, asked):
    from rag.answer.context import items_asked

    assert items_asked(question) == asked


def test_a_list_window_holds_the_items_of_its_quoted_word():
    from rag.answer.context import best_window

    text = ("6月12日，全市大走访活动现场会召开，观摩先进典型，通报工作成效，交流工作经验，对下一阶段工作进行安排部署。"
            "会议指出，要深刻理解工作的本质要求。注重工作做在平时，注重考虑群众切身感受，注重问需于民和群众参与，推进创建工作常态化。")
    question = "6月12日全市大走访活动现场会讲工作的本质要求时，提出了哪三个“注重”？"
    toks = ["6月12日", "全市", "大走访", "活动", "现场会", "工作", "本质", "要求", "注重"]
    s, e, _ = best_window(toks, text, 60, None, question)
    assert text[s:e].count("注重") == 3
