from rag.answer import best_window, extractive_answer, judge_relevance, metadata_answer
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
    assert not rel.relevant and rel.missing_numbers == ["2024"]
    assert not judge_relevance("随便问问", []).relevant


def test_extractive_answer_cites_its_passage():
    hits = [hit("会议要求，要统一思想。"), hit("据统计，2023年示范区共举行信访业务培训会15次，指导办理信访案件上百件。")]
    text, used = extractive_answer("示范区举行了多少次信访业务培训会？", hits)
    assert "15次" in text and text.endswith("[2]") and used == [2]


def test_extractive_refuses_a_number_it_cannot_give():
    hits = [hit("组织网格员深入背街小巷开展夜间巡逻活动。")]
    assert extractive_answer("有多少名网格员参加夜间巡逻？", hits) == ("", [])


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
