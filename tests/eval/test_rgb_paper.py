"""RGB by the paper's protocol (rag/eval/rgb_paper.py): the passages each noise rate gives, RGB's answer
check, the summary, and `rag eval --dataset rgb --protocol paper` end to end with the fake embedder."""
import json

import pytest
from click.testing import CliRunner

from rag.eval.rgb_paper import paper_passages, paper_table, rgb_correct, summarise_paper

ROW = {"id": 7, "query": "问", "answer": ["甲"], "positive": [f"p{i}" for i in range(6)],
       "negative": [f"n{i}" for i in range(6)]}


@pytest.mark.parametrize("noise, positives, negatives", [
    (0.0, 5, 0), (0.2, 4, 1), (0.4, 3, 2), (0.6, 2, 3), (0.8, 1, 4), (1.0, 0, 5),
])
def test_paper_passages_take_ceil_of_the_noise_rate_in_file_order(noise, positives, negatives):
    docs = paper_passages(ROW, noise)
    assert sorted(d for d in docs if d.startswith("p")) == [f"p{i}" for i in range(positives)]
    assert sorted(d for d in docs if d.startswith("n")) == [f"n{i}" for i in range(negatives)]
    assert docs == paper_passages(ROW, noise)  # seeded: the same order every run


def test_paper_passages_fill_from_the_other_side_when_one_runs_short():
    short = {**ROW, "positive": ["p0", "p1"], "negative": ["n0"]}
    assert sorted(paper_passages(short, 0.0)) == ["n0", "p0", "p1"]  # RGB: pos_num cut to 2, neg_num = 3 → 1 exists
    assert sorted(paper_passages(short, 0.6)) == ["n0", "p0", "p1"]  # neg_num cut to 1, pos_num = 4 → 2 exist


@pytest.mark.parametrize("answer, gold, ok", [
    ("死亡人数为12人。", ["12人"], True),
    ("死亡 12 人", ["12人"], True),  # spaces removed
    ("RCEP包括中国、日本", ["中国", "日本"], True),
    ("RCEP包括中国", ["中国", "日本"], False),  # every gold item is needed
    ("为8座", [["8座", "八座"]], True),  # a nested list: any spelling
    ("Apple发布", ["apple"], True),  # lower-cased
    ("信息不足", ["12人"], False),
    ("售价是98元[1]。", ["98元。"], True),  # our citation markers are not part of the answer
    ("[2]售价未公布", ["98元"], False),
])
def test_rgb_correct(answer, gold, ok):
    assert rgb_correct(answer, gold) is ok


def test_summary_and_table():
    rows = [{"id": "1", "noise": 0.0, "correct": True, "refused": False},
            {"id": "2", "noise": 0.0, "correct": False, "refused": True},
            {"id": "1", "noise": 1.0, "correct": False, "refused": True},
            {"id": "2", "noise": 1.0, "correct": False, "refused": False}]
    report = summarise_paper(rows)
    assert report["ours"]["0"] == {"n": 2, "accuracy": 50.0, "refused": 1}
    assert report["ours"]["rejection"] == {"n": 2, "rate": 50.0}
    table = paper_table(report)
    assert "| ours | 50.00 (n=2) | – |" in table and "| ChatGPT (paper) | 95.67 |" in table and "50.00 (n=2) |" in table


def test_rag_eval_rgb_paper_protocol(tmp_path, monkeypatch):
    from rag.cli import main
    from tests.conftest import ROOT

    monkeypatch.setenv("RAG_RGB_PATH", str(ROOT / "tests" / "data" / "rgb_tiny.json"))
    env = {"RAG_EMBEDDER": "fake", "RAG_MODELS_DIR": str(tmp_path / "m"), "RAG_INDEX_DIR": str(tmp_path / "i")}
    r = CliRunner().invoke(main, ["eval", "--dataset", "rgb", "--protocol", "paper", "--noise", "0,1",
                                  "--llm", "extractive", "--out", str(tmp_path / "out")], env=env)
    assert r.exit_code == 0, r.output
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert report["ours"]["0"]["n"] == 3 and report["ours"]["rejection"]["n"] == 3
    assert report["ours"]["0"]["accuracy"] >= 66.0  # the extractive answerer quotes the positive passage
    assert {row["noise"] for row in report["rows"]} == {0.0, 1.0}
    bad = CliRunner().invoke(main, ["eval", "--dataset", "rgb", "--protocol", "paper", "--noise", "0,2"], env=env)
    assert bad.exit_code == 2 and "--noise" in bad.output
