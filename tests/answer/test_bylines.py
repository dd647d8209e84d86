"""Byline questions: who reported, corresponded or wrote an article, answered from its byline."""
import pytest

from rag.answer.bylines import read_byline, role_asked, who_signed
from rag.answer.verdicts import Action
from rag.types import Chunk, Hit, Outcome


def hit(text, start=0, title="新时代“枫桥经验”的生动实践"):
    return Hit(Chunk(source="a.txt", article_no=2, text=text, start=start, end=start + len(text), title=title), 1.0)


@pytest.mark.parametrize("text, roles", [
    ("示范区探索新路径\n□记者 姬慧洋 通讯员 罗阳阳\n基层是社会和谐稳定的基础。",
     (("记者", ("姬慧洋",)), ("通讯员", ("罗阳阳",)))),
    ("本报讯（记者王丽通讯员马骏）3月15日，我市春季义务植树活动举行。", (("记者", ("王丽",)), ("通讯员", ("马骏",)))),
    ("本报讯（记者 姬慧洋）1月12日，示范区召开会议。", (("记者", ("姬慧洋",)),)),
    ("既要“加得上”也要“用得好”\n本报记者 杨帆 通讯员 孔令伟\n记者昨日从市住建局获悉，", (("记者", ("杨帆",)), ("通讯员", ("孔令伟",)))),
    ("记者 姬慧洋\n连日来，示范区各单位纷纷开展入户大走访活动。", (("记者", ("姬慧洋",)),)),
    ("作者：韩梅\n4月20日，河滨公园提升改造工程完工。", (("作者", ("韩梅",)),)),
    ("本报记者 李华、张强\n近日，", (("记者", ("李华", "张强")),)),
    ("记者手记\n□记者 姬慧洋\n近日，", (("记者", ("姬慧洋",)),)),  # a kicker above the byline
])
def test_read_byline(text, roles):
    assert read_byline(text).roles == roles


@pytest.mark.parametrize("text", [
    "李文博周敏\n（1.商都行政学院公共管理教研部）",  # two names run together: not read
    "图为市民在阅览区阅读。（记者张三摄）",  # a photo credit
    "记者昨日从市住房和城乡建设局获悉，今年以来加装电梯96部。",  # a sentence that opens with 记者
    "6月15日，某县召开表彰大会。",
    "x" * 300 + "\n记者 姬慧洋",  # past the opening (TUNING.byline_opening)
    "记者调查\n6月15日，某县召开表彰大会。",  # a kicker
    "记者了解到\n今年以来加装电梯96部。",  # a wrapped sentence's opening
])
def test_no_byline(text):
    assert read_byline(text) is None


@pytest.mark.parametrize("question, role", [
    ("示范区探索新路径那篇报道，署名的通讯员是谁？", "通讯员"),
    ("报道物流园一期项目开工的记者是谁？", "记者"),
    ("商都晚报关于加装电梯的报道是哪位记者写的？", "记者"),
    ("《基层网格化治理》一文的作者是谁？", "作者"),
    ("河滨公园改造完工的稿件撰稿人是谁？", "作者"),
    ("这篇文章是谁写的？", ""),
    ("记者采访了谁？", None),  # the content, not the byline
    ("记者从哪里获悉了这一消息？", None),
    ("村里的通讯员是谁？", None),  # no article named
    ("那篇报道说谁主持了会议？", None),
    ("报道中，哪些通讯员被评为优秀通讯员？", None),  # people of the story (review cases)
    ("报道中哪位记者获得了表彰？", None),
    ("报道介绍了哪位记者的事迹？", None),
    ("文章中提到的《平凡的世界》的作者是谁？", None),
    ("报道里那首歌的词作者是谁？", None),
    ("这篇报道中被采访的实习生叫什么？", None),
])
def test_role_asked(question, role):
    assert role_asked(question) == role


OPENING = "示范区探索新路径\n□记者 姬慧洋 通讯员 罗阳阳\n基层是社会和谐稳定的基础。来访群众是考官。"


def _signed(question, shown, passages=None, opening=None):
    return who_signed(question, shown, passages or shown, opening or (lambda h: None), 140)


@pytest.mark.parametrize("question, text", [
    ("那篇报道署名的通讯员是谁？", "《新时代“枫桥经验”的生动实践》的通讯员是罗阳阳[1]。"),
    ("那篇报道的记者是谁？", "《新时代“枫桥经验”的生动实践》的记者是姬慧洋[1]。"),
    ("这篇报道是谁写的？", "《新时代“枫桥经验”的生动实践》的署名是记者姬慧洋、通讯员罗阳阳[1]。"),
])
def test_who_signed_answers_from_the_byline(question, text):
    v = _signed(question, [hit(OPENING)])
    assert (v.action, v.outcome, v.text, v.widened) == (Action.REPLACE, Outcome.METADATA, text, None)


def test_a_role_the_byline_does_not_name_is_refused():
    v = _signed("那篇报道的实习生是谁？", [hit(OPENING)])
    assert (v.action, v.outcome) == (Action.REFUSE, Outcome.REFUSED)
    assert "实习生" in v.reason


def test_no_opinion_without_a_byline_question_or_a_byline():
    assert _signed("那篇报道提到的满意率是多少？", [hit(OPENING)]) is None
    assert _signed("那篇报道的记者是谁？", [hit("6月15日，某县召开表彰大会。")]) is None
    assert _signed("那篇报道的记者是谁？", []) is None


def test_only_the_first_article_is_read():
    """A lower passage is another article: its reporter is not the one asked about."""
    assert _signed("那篇报道的记者是谁？", [hit("6月15日，某县召开表彰大会。"), hit(OPENING)]) is None


def test_the_cited_passage_is_widened_to_show_the_byline():
    full = hit(OPENING)
    shown = hit("来访群众是考官。", start=OPENING.index("来访"))
    v = _signed("那篇报道的通讯员是谁？", [full], [shown])
    n, wide = v.widened
    assert n == 1 and "罗阳阳" in wide.chunk.text and wide.chunk.start == 0


def test_a_chunk_inside_the_article_reads_the_article_opening():
    inner = hit("来访群众是考官。", start=200)
    v = _signed("那篇报道的通讯员是谁？", [inner], opening=lambda h: OPENING)
    assert v.text.endswith("罗阳阳[1]。") and "罗阳阳" in v.widened[1].chunk.text
