import pytest

from rag.index import BulletinIndex
from rag.retrieval import Filters, HybridRetriever

SRC_001 = "001_eb6c7646fcb03bb7.txt"
SRC_003 = "003_de095c37571e801a.txt"


@pytest.fixture(scope="module")
def retriever(fake_index_settings):
    return HybridRetriever(BulletinIndex.open(fake_index_settings))


def test_bm25_and_hybrid_find_the_fact(retriever):
    for mode in ("bm25", "hybrid"):
        hits = retriever.retrieve("示范区信访案件化解群众满意率是多少？", k=5, mode=mode)
        assert any("99.01%" in h.chunk.text for h in hits), mode
        assert [h.rank for h in hits] == list(range(1, len(hits) + 1))


def test_issue_in_question_reaches_that_bulletin(retriever):
    hits = retriever.retrieve("第17期简报有哪些内容", k=5)
    assert all(h.chunk.source == SRC_001 for h in hits)


def test_filters(retriever):
    hits = retriever.retrieve("会议", k=8, filters=Filters(issues=["17"], sections=["文明时讯"]))
    assert hits and all(h.chunk.issue == "17" and h.chunk.section == "【文明时讯】" for h in hits)
    hits = retriever.retrieve("会议", k=8, filters=Filters(sources=[SRC_003]))
    assert hits and all(h.chunk.source == SRC_003 for h in hits)
    hits = retriever.retrieve("会议", k=8, filters=Filters(date_from="2023-06-01", date_to="2023-06-30"))
    assert hits and all(h.chunk.date == "2023-06-20" for h in hits)
    assert retriever.retrieve("会议", k=8, filters=Filters(date_from="2030-01-01")) == []


def test_no_overlapping_passages_of_one_article(retriever):
    hits = retriever.retrieve("道德文明使者 川汇区 活动", k=8)
    for i, a in enumerate(hits):
        for b in hits[i + 1:]:
            if (a.chunk.source, a.chunk.article_no) == (b.chunk.source, b.chunk.article_no):
                assert a.chunk.end <= b.chunk.start or b.chunk.end <= a.chunk.start
    texts = [h.chunk.text for h in hits]
    assert len(texts) == len(set(texts))


def test_bad_mode_and_empty_query(retriever):
    with pytest.raises(ValueError, match="unknown retrieval mode"):
        retriever.retrieve("x", mode="magic")
    assert retriever.retrieve("   ") == []


def test_langchain_retriever(retriever):
    from rag.llm.chain import langchain_retriever

    docs = langchain_retriever(retriever, k=3).invoke("搬口街道发放征兵宣传手册")
    assert len(docs) == 3 and docs[0].metadata["source"] and docs[0].page_content


@pytest.mark.parametrize("query, chunk, boosted", [
    ("签约消息刊登在哪一期《商都高新区工作动态》上？", dict(bulletin="商都高新区工作动态"), True),
    # the section 【工作动态】 of another bulletin is not named by《商都高新区工作动态》
    ("签约消息刊登在哪一期《商都高新区工作动态》上？", dict(bulletin="商都市志愿服务工作简报", section="【工作动态】"), False),
    ("工作动态栏目有哪些报道？", dict(bulletin="商都市志愿服务工作简报", section="【工作动态】"), True),
    # the bulletin's own name holding its section's name is not a mention of the section
    ("商都高新区工作动态第5期有什么？", dict(bulletin="商都高新区工作动态", section="【工作动态】", issue="2"), True),
    # a section's name inside a longer word is no mention of the section ("征兵工作动态" is news of the draft)
    ("搬口街道通过哪些渠道发布征兵工作动态？", dict(section="【工作动态】"), False),
    ("第17期简报的【工作动态】栏目报道了哪些会议？", dict(section="【工作动态】"), True),
    ("文明时讯里报道了哪两个县的活动？", dict(section="【文明时讯】"), True),
    ("简报的工作动态中有哪些会议？", dict(section="【工作动态】"), True),
    ("第17期简报有哪些内容", dict(issue="17"), True),
    ("第17期简报有哪些内容", dict(issue="5"), False),
])
def test_metadata_boost(query, chunk, boosted):
    from rag.retrieval.hybrid import _metadata_boost
    from rag.types import Chunk

    c = Chunk(source="a.txt", article_no=0, text="正文。", start=0, end=3, **chunk)
    assert (_metadata_boost(query, c) > 0) is boosted


@pytest.mark.parametrize("query, day", [
    ("6月16日，市委宣传部和市文明办举办了什么活动？", "6月16日"),
    ("6月10日至6月13日期间，全市召开了什么会？", "6月12日"),  # a span of days reaches the day inside it
])
def test_a_day_in_the_question_reaches_the_passage_that_states_it(retriever, query, day):
    hits = retriever.retrieve(query, k=5)
    assert day in hits[0].chunk.text


def test_the_day_boost_counts_only_the_days_named():
    from rag.retrieval.hybrid import DAY_BOOST, _metadata_boost
    from rag.types import Chunk
    said = Chunk(source="a", article_no=0, text="6月16日，市委宣传部举办活动。", start=0, end=15)
    other = Chunk(source="a", article_no=1, text="6月17日下午，市创文办举办培训会。", start=0, end=17)
    assert _metadata_boost("6月16日举办了什么活动？", said) == DAY_BOOST
    assert _metadata_boost("6月16日举办了什么活动？", other) == 0.0
    assert _metadata_boost("市委宣传部举办了什么活动？", said) == 0.0
