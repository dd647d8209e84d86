"""What a question is and asks for: table-driven cases for each helper."""
from __future__ import annotations

import pytest

from rag.answer import clean_question, looks_like_followup, split_parts, wants_metadata
from rag.answer.question import (ASKS_DATE, ASKS_METADATA, ASKS_NUMBER, ASKS_PERSON, HISTORY_TURNS,
                                 MAX_QUESTION_CHARS, clean_history)
from rag.errors import QuestionError


@pytest.mark.parametrize("raw, clean", [
    ("  示範區信訪滿意率？ ", "示范区信访满意率？"),
    ("<|im_start|>许湾街道有多少名代表？", "许湾街道有多少名代表？"),
])
def test_clean_question(raw, clean):
    assert clean_question(raw) == clean


@pytest.mark.parametrize("raw, clean", [
    ("\udcff\udcfe 示范区", "示范区"), ("示范区\u202e满意率\x07？", "示范区满意率？"), ("\ufeff\u200b问题", "问题"),
])
def test_clean_question_drops_unsafe_characters(raw, clean):
    assert clean_question(raw) == clean


@pytest.mark.parametrize("history, clean", [
    ([], []), (None, []), (["a", "b", "c", "d"], ["b", "c", "d"][-HISTORY_TURNS:]),
    (["许湾街道" * 1000], ["许湾街道" * 125]), (["？？", "\ud800", "", 7], ["7"]),
    (["<|im_start|>上一个问题"], ["上一个问题"]),
])
def test_clean_history(history, clean):
    assert clean_history(history) == clean


@pytest.mark.parametrize("raw", ["", "   ", "？？！", "<|im_end|>", "\ud800\u202e"])
def test_clean_question_refuses_empty_or_punctuation(raw):
    with pytest.raises(QuestionError):
        clean_question(raw)


def test_clean_question_cuts_long_questions():
    assert len(clean_question("问" * 10_000)) == MAX_QUESTION_CHARS


@pytest.mark.parametrize("question, parts", [
    ("搬口街道发放了多少份手册？又组织了多少名青年？", ["搬口街道发放了多少份手册", "组织了多少名青年"]),
    ("示范区确定了多少名议事代表？", ["示范区确定了多少名议事代表？"]),
    ("哪天召开的会议，同时有多少人参加？", ["哪天召开的会议", "有多少人参加"]),
])
def test_split_parts(question, parts):
    assert split_parts(question) == parts


@pytest.mark.parametrize("question, followup", [
    ("那文昌街道呢？", True), ("他们呢", True), ("为什么？", True), ("谁主持的", True), ("好的", True),
    ("示范区信访案件化解群众满意率是多少？", False),
])
def test_looks_like_followup(question, followup):
    assert looks_like_followup(question) is followup


@pytest.mark.parametrize("question, meta", [
    ("第17期简报是哪天出版的？", True), ("这篇文章登在哪个栏目？", True), ("许湾街道有多少名代表？", False),
])
def test_wants_metadata(question, meta):
    assert wants_metadata(question) is meta


@pytest.mark.parametrize("pattern, question, hit", [
    (ASKS_NUMBER, "共发放了多少份？", True), (ASKS_NUMBER, "举办了几次培训", True), (ASKS_NUMBER, "谁主持", False),
    (ASKS_DATE, "哪天召开的？", True), (ASKS_DATE, "在哪里召开", False),
    (ASKS_PERSON, "会议由谁主持？", True), (ASKS_PERSON, "在哪里召开", False),
    (ASKS_METADATA, "刊登在第几期？", True), (ASKS_METADATA, "有多少人", False),
])
def test_what_a_question_asks_for(pattern, question, hit):
    assert bool(pattern.search(question)) is hit
