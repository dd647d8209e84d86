"""eval/mutate.py: counterfactual near misses (another day, place or person) made from answerable questions."""
from __future__ import annotations

import importlib.util
import json
import random

import pytest

from ..conftest import ROOT

CORPUS = ("本报讯（记者 韩志刚）近日，七一路街道办事处为入户大走访选聘了238名网格员。6月12日，川汇区召开推进会。"
          "区委书记刘德君主持。记者 韩志刚。另讯，文昌街道开展征兵宣传，商水县召开表彰大会。商水县、川汇区。"
          "文昌街道办事处，七一路街道。区委书记刘德君出席。")


@pytest.fixture(scope="module")
def mutate():
    spec = importlib.util.spec_from_file_location("eval_mutate", ROOT / "eval" / "mutate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_gazetteer_names_places_and_people_the_corpus_writes_twice(mutate):
    names = mutate.gazetteer(CORPUS)
    assert names["street"] == sorted(["七一路", "文昌"])
    assert names["county"] == sorted(["川汇区", "商水县"])
    assert names["person"] == sorted(["刘德君", "韩志刚"])


@pytest.mark.parametrize("question, expected", [
    ("6月12日川汇区召开了什么会？", "6月13日川汇区召开了什么会？"),  # the next day, which no document writes
    ("川汇区召开了什么会？", None),  # no day
])
def test_moved_day(mutate, question, expected):
    made = mutate.moved_day({"id": "q1", "question": question, "split": "dev"}, CORPUS)
    assert (made and made["question"]) == expected
    if made:
        assert made["facts"] == [] and made["type"] == "near_miss" and made["split"] == "dev"


def test_swapped_takes_a_name_the_gold_source_does_not_write(mutate):
    names = {"street": ["七一路", "文昌"], "county": [], "person": []}
    q = {"id": "q7", "question": "七一路街道办事处选聘了多少名网格员？", "split": "test", "sources": ["a.txt"]}
    made = mutate.swapped(q, names, "七一路街道办事处选聘238名网格员", random.Random(1))
    assert made["question"] == "文昌街道办事处选聘了多少名网格员？" and made["split"] == "test" and made["id"] == "q7s"
    assert mutate.swapped(q, names, "七一路街道和文昌街道", random.Random(1)) is None  # the source names both


def test_main_writes_both_files_keeping_splits(mutate, tmp_path, monkeypatch):
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "a.txt").write_text("6月12日，七一路街道办事处选聘238名网格员。七一路街道。", encoding="utf-8")
    (tmp_path / "corpus" / "b.txt").write_text("近日，文昌街道开展征兵宣传。文昌街道办事处。", encoding="utf-8")
    questions = tmp_path / "q.jsonl"
    rows = [{"id": "q1", "question": "6月12日七一路街道选聘了多少名网格员？", "facts": [["238"]], "sources": ["a.txt"],
             "split": "dev", "type": "number"},
            {"id": "q2", "question": "6月12日和7月1日哪个先？", "facts": [["6月12日"]], "split": "test", "type": "time_order"}]
    questions.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    monkeypatch.setattr("sys.argv", ["mutate.py", "--questions", str(questions), "--corpus", str(tmp_path / "corpus"),
                                     "--out", str(tmp_path / "out")])
    mutate.main()
    day = [json.loads(line) for line in (tmp_path / "out" / "day.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [d["id"] for d in day] == ["q1d"]  # time order left out
    assert all(d["split"] == "dev" for d in day)
    swap = [json.loads(line) for line in (tmp_path / "out" / "swap.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(d["id"], d["question"], d["split"]) for d in swap] == [("q1s", "6月12日文昌街道选聘了多少名网格员？", "dev")]
