"""Finding when events happened: an event's date from its sentence, two events put in order, a day relative to an
event resolved — on fake searches (table tests) and through the Assistant on a generated bulletin."""
import datetime as dt

import pytest

from rag.answer import Assistant
from rag.answer.dating import compare, date_event, resolve_relative
from rag.answer.timeline import parse_timeline
from rag.embeddings.fake import FakeEmbedder
from rag.index import BulletinIndex, update_index
from rag.settings import Settings
from rag.types import Article, Chunk, Hit, Outcome

TODAY = dt.date(2026, 11, 24)
ARTICLES = {
    ("b.txt", 0): ("市创文办举办文明城市培训会", "为提升创建水平，6 月 17 日下午，市创文办举办创建全国文明城市培训会。会议指出，"
                   "2023年是决战决胜之年。"),
    ("b.txt", 1): ("我市开展志愿服务项目展示交流活动", "6月16日，市委宣传部、市文明办举办志愿服务项目展示交流活动。"
                   "活动现场，各志愿服务队展示了项目成果。"),
    ("b.txt", 2): ("示范区召开两场会议", "1月10日，示范区党工委理论学习中心组召开集中学习研讨会议。会后，省委督导组进行测评。"
                   "1月12日，示范区各街道召开第一届议事代表会议第一次会议。"),
    ("b.txt", 3): ("商水县表彰先进典型", "会议表彰了一批先进集体和先进个人。"),  # no date at all
}


def _hit(key, score=1.0):
    title, text = ARTICLES[key]
    return Hit(Chunk(source=key[0], article_no=key[1], text=text, start=0, end=len(text), title=title,
                     date="2023-06-20"), score, dense=0.95)


def fake_search(query):
    """Articles ranked by how many of the query's characters their title and text share (no index needed)."""
    scored = sorted(ARTICLES, key=lambda k: -sum(ch in ARTICLES[k][0] + ARTICLES[k][1] for ch in set(query)))
    return [_hit(k) for k in scored]


def article_of(source, no):
    title, text = ARTICLES[(source, no)]
    return Article(source=source, number=no, title=title, section=None, text=text)


@pytest.mark.parametrize("phrase, date, cited", [
    ("市创文办举办的文明城市培训会", dt.date(2023, 6, 17), "6 月 17 日下午"),  # spaced date in the sentence
    ("志愿服务项目展示交流活动", dt.date(2023, 6, 16), "6月16日"),
    ("省委督导组进行测评", dt.date(2023, 1, 10), "1月10日"),  # no date in its sentence: the one before it
    ("议事代表会议第一次会议", dt.date(2023, 1, 12), "1月12日"),  # the second date of the article, by its sentence
    ("6月18日当天", dt.date(2023, 6, 18), None),  # the phrase is a date itself
])
def test_date_event(phrase, date, cited):
    e = date_event(phrase, fake_search, article_of, 60, dt.date(2023, 12, 1))
    assert e is not None and e.date == date
    if cited:
        assert cited in e.passage.chunk.text
        source, no = e.passage.chunk.source, e.passage.chunk.article_no
        c = e.passage.chunk
        assert article_of(source, no).text[c.start:c.end] == c.text  # the citation highlights exactly that span
    else:
        assert e.passage is None


def test_an_undated_or_unknown_event_has_no_date():
    assert date_event("商水县表彰先进典型", lambda q: [_hit(("b.txt", 3))], article_of, 60, TODAY) is None
    assert date_event("航天发射任务", lambda q: [], article_of, 60, TODAY) is None


def test_compare_orders_by_date_and_cites_both():
    t = parse_timeline("示范区各街道议事代表会议第一次会议，和理论学习中心组集中学习研讨会议，哪个在前？")
    got = compare(t, fake_search, article_of, 60, TODAY)
    assert got.text.startswith("理论学习中心组集中学习研讨会议（《示范区召开两场会议》，1月10日）[1]在前")
    assert "1月12日）[2]在后" in got.text
    assert "1月10日" in got.passages[0].chunk.text and "1月12日" in got.passages[1].chunk.text


def test_compare_asked_for_the_later_one_names_it_first():
    t = parse_timeline("志愿服务项目展示交流活动和市创文办文明城市培训会哪个更晚？")
    got = compare(t, fake_search, article_of, 60, TODAY)
    assert got.text.startswith("市创文办文明城市培训会（《市创文办举办文明城市培训会》，6月17日）[1]在后")


def test_compare_orders_three_events_and_cites_each():
    t = parse_timeline("志愿服务项目展示交流活动、市创文办文明城市培训会、议事代表会议第一次会议，这三件事哪件最早？")
    got = compare(t, fake_search, article_of, 60, TODAY)
    assert got.text.startswith("最早的是议事代表会议第一次会议（《示范区召开两场会议》，1月12日）[1]；其后依次是")
    assert "志愿服务项目展示交流活动（《我市开展志愿服务项目展示交流活动》，6月16日）[2]" in got.text
    assert got.text.endswith("6月17日）[3]。") and len(got.passages) == 3
    t = parse_timeline("志愿服务项目展示交流活动、市创文办文明城市培训会、议事代表会议第一次会议，哪件最晚？")
    got = compare(t, fake_search, article_of, 60, TODAY)
    assert got.text.startswith("最晚的是市创文办文明城市培训会") and "其前依次是" in got.text


def test_compare_searches_each_event_once_across_its_splits():
    asked = []

    def counting(query):
        asked.append(query)
        return [_hit(("b.txt", 3))] if "商水" in query else fake_search(query)

    t = parse_timeline("志愿服务项目展示交流活动、市创文办文明城市培训会、议事代表会议第一次会议和商水县表彰先进典型，"
                       "这几件事哪件最早？")  # the undated 商水 event fails the four; the three share two of them
    assert len(t.splits) > 1
    compare(t, counting, article_of, 60, TODAY)
    assert len(asked) == len(set(asked))


def test_compare_gives_up_when_an_event_is_undated():
    t = parse_timeline("商水县表彰先进典型和志愿服务项目展示交流活动哪个在前？")
    assert compare(t, lambda q: [_hit(("b.txt", 3))] if "商水" in q else fake_search(q), article_of, 60, TODAY) is None


@pytest.mark.parametrize("question, resolved", [
    ("市创文办文明城市培训会的前一天，市委宣传部和市文明办举办了什么活动？", "6月16日，市委宣传部和市文明办举办了什么活动？"),
    ("集中学习研讨会议两天后，各街道召开了什么会议？", "1月12日，各街道召开了什么会议？"),
    ("市创文办文明城市培训会前几天，我市开展了什么活动？", "6月10日至6月16日期间，我市开展了什么活动？"),
    ("6月16日的第二天，市创文办举办了什么？", "6月17日，市创文办举办了什么？"),
])
def test_resolve_relative(question, resolved):
    assert resolve_relative(parse_timeline(question), fake_search, article_of, 60, TODAY).question == resolved


def test_a_day_the_question_names_itself_needs_no_resolving():
    assert resolve_relative(parse_timeline("6月16日当天，川汇区办了什么活动？"), fake_search, article_of, 60, TODAY) is None


BULLETIN = """周 口 精 神 文 明 建 设

简 报

第 21 期

周口市文明办

2023 年 8 月 20 日

【工作动态】

市图书馆举办少儿阅读季启动仪式
市气象局开展防汛应急演练
川汇区举办老年人防诈骗讲座

【工作动态】

市图书馆举办少儿阅读季启动仪式

8 月 3 日上午，市图书馆在少儿阅览室举办“书香润童心”少儿阅读季启动仪式，200余名小读者参加。

市气象局开展防汛应急演练

8月7日，市气象局组织开展防汛应急演练，检验了暴雨预警信息发布流程。

川汇区举办老年人防诈骗讲座

8 月 9 日，川汇区在陈州街道社区服务中心举办老年人防诈骗专题讲座，民警结合案例讲解了常见骗局。
"""


@pytest.fixture(scope="module")
def bulletin_assistant(tmp_path_factory):
    root = tmp_path_factory.mktemp("timeline")
    (root / "corpus").mkdir()
    (root / "corpus" / "jianbao21.txt").write_text(BULLETIN, encoding="utf-8")
    s = Settings.from_env(env={}, corpus_dir=root / "corpus", index_dir=root / "index", models_dir=root / "models",
                          embedder="fake", llm="extractive")
    update_index(s, embedder=FakeEmbedder(), show_progress=False)
    return Assistant(s, BulletinIndex.open(s))


def test_assistant_puts_two_events_in_order(bulletin_assistant):
    ans = bulletin_assistant.ask("川汇区老年人防诈骗讲座和市图书馆少儿阅读季启动仪式，哪个在前？")
    assert ans.outcome is Outcome.TIMELINE and not ans.refused
    assert ans.answer.startswith("市图书馆少儿阅读季启动仪式（《市图书馆举办少儿阅读季启动仪式》，8月3日）[1]在前")
    assert [c.n for c in ans.citations] == [1, 2]
    assert "8月3日" in ans.citations[0].text and "8月9日" in ans.citations[1].text  # ingest closes the spaces


def test_assistant_answers_a_relative_day_about_that_day(bulletin_assistant):
    ans = bulletin_assistant.ask("市气象局防汛应急演练两天后，川汇区举办了什么讲座？")
    assert ans.standalone_question == "8月9日，川汇区举办了什么讲座？"
    _, _, ctx = bulletin_assistant.prepare("市气象局防汛应急演练两天后，川汇区举办了什么讲座？", [])
    assert ctx.intent.computed_dates  # 8月9日 was computed: the rules do not ask an article to write it
    assert not ans.refused and "防诈骗" in ans.answer
    assert ans.citations and ans.citations[0].title == "川汇区举办老年人防诈骗讲座"
