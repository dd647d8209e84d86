"""eval/crud/prepare.py (the CRUD-RAG substitute set): finding an item's source news by its key facts, and the
verbatim facts a question is scored on. CRUD itself is not here (not committed), so the corpus is made up."""
from __future__ import annotations

import importlib.util

import pytest

from ..conftest import ROOT


@pytest.fixture(scope="module")
def prepare():
    spec = importlib.util.spec_from_file_location("crud_prepare", ROOT / "eval" / "crud" / "prepare.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


DOCS = ["市场监管局开展“七不得”提醒告诫，维护汛期市场价格秩序稳定。",
        "引江济淮工程航道江淮沟通段于2023年8月16日开始试运行，标志着工程进入新阶段。",
        "另一则新闻：汛期到来，各地加强防汛值守。"]


def test_an_item_is_found_by_its_key_facts_and_a_weak_match_is_dropped(prepare):
    finder = prepare.Finder(DOCS)
    item = {"key_info": ["七不得", "提醒告诫"], "answers": ["汛期"]}
    best, rivals, cov = prepare.locate(item, finder, DOCS, 0.35)
    assert best == 0 and cov == 1.0 and rivals == []
    weak = {"key_info": ["完全无关的内容", "根本不存在"], "answers": ["汛期"]}
    assert prepare.locate(weak, finder, DOCS, 0.35) is None  # 2 of 14 characters found: not this corpus


@pytest.mark.parametrize("answer, doc, question, facts", [
    ("汛期", DOCS[0], "提醒告诫是为了维护什么时期的市场价格秩序稳定？", ["汛期"]),
    ("2023年8月16日。", DOCS[1], "试运行开始于哪一天？", ["2023年8月16日"]),
    ("江淮沟通段、2023年8月16日", DOCS[1], "哪一段何时开始试运行？", ["江淮沟通段", "2023年8月16日"]),  # a long
    # answer is cut at its list marks and each part found verbatim is a fact
    ("七不得、汛期", DOCS[0], "提醒告诫叫什么？", []),  # a short one is one fact, and this one is not verbatim
    ("秋季", DOCS[0], "什么时期？", []),  # not in the source: no fact, the question is not used
    ("汛期", DOCS[0], "汛期市场价格秩序由谁维护？", []),  # the answer is in the question itself
])
def test_facts_are_verbatim_parts_of_the_answer_found_in_the_source(prepare, answer, doc, question, facts):
    assert prepare.facts_for(answer, doc, question) == facts
