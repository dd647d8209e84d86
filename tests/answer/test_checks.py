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
