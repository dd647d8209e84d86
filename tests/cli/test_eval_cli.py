"""`rag eval` end to end with the fake embedder and the extractive backend, and the RGB adapter."""
import json

from click.testing import CliRunner

from rag.cli import main
from rag.eval.rgb import load_rgb, prepare_rgb

from ..conftest import ROOT


def _env(settings, **extra):
    return {"RAG_EMBEDDER": "fake", "RAG_CORPUS_DIR": str(settings.corpus_dir), "RAG_INDEX_DIR": str(settings.index_dir),
            "RAG_MODELS_DIR": str(settings.models_dir), **extra}


def test_eval_extractive_on_a_10_question_slice(settings, tmp_path):
    runner = CliRunner()
    assert runner.invoke(main, ["index"], env=_env(settings)).exit_code == 0
    out = tmp_path / "report"
    r = runner.invoke(main, ["eval", "--llm", "extractive", "--limit", "10", "--out", str(out)], env=_env(settings),
                      catch_exceptions=False)
    assert r.exit_code == 0, r.output
    assert "hybrid" in r.stdout and "OVERALL" in r.stdout
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert len(report["rows"]) == 10 and report["run"]["backend"] == "extractive"
    assert set(report["retrieval"]) == {"hybrid", "dense", "bm25"}
    o = report["answers"]["overall"]
    assert o["n"] == 10 and 0 <= o["fact_recall"] <= 1 and o["hit@5"] > 0.5
    assert (out / "report.md").read_text(encoding="utf-8").startswith("# rag eval report")
    page = (out / "report.html").read_text(encoding="utf-8")
    assert page.startswith("<!doctype html>") and "<svg" in page and "q001" in page
    assert "<link" not in page and "<script" not in page  # self-contained
    # resume: a second run with the same --out scores nothing new
    r2 = runner.invoke(main, ["eval", "--llm", "extractive", "--limit", "10", "--out", str(out)], env=_env(settings))
    assert r2.exit_code == 0
    assert len((out / "rows.jsonl").read_text(encoding="utf-8").splitlines()) == 10
    # compare two reports
    r3 = runner.invoke(main, ["eval", "--compare", str(out / "report.json"), str(out / "report.json")], env=_env(settings))
    assert "answers.fact_recall" in r3.stdout and "+0.000" in r3.stdout


def test_rgb_adapter_on_a_tiny_fixture(settings, tmp_path):
    rows = load_rgb(ROOT / "tests" / "data" / "rgb_tiny.json", limit=3)
    corpus, questions = prepare_rgb(rows, tmp_path / "work")
    files = sorted(p.name for p in corpus.iterdir())
    assert len(files) == 7  # the repeated passage is written once
    assert questions[1].facts == [["8座", "八座"]] and questions[2].facts == [["逊母口镇"], ["老冢镇"]]
    assert questions[0].sources == ["rgb_0_p0.txt"]
    out = tmp_path / "rgb-report"
    env = _env(settings, RAG_RGB_PATH=str(ROOT / "tests" / "data" / "rgb_tiny.json"))
    r = CliRunner().invoke(main, ["eval", "--dataset", "rgb", "--llm", "extractive", "--limit", "3", "--out", str(out)],
                           env=env, catch_exceptions=False)
    assert r.exit_code == 0, r.output
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["run"]["dataset"] == "rgb" and len(report["rows"]) == 3
    assert report["retrieval"]["hybrid"]["overall"]["hit@5"] == 1.0
    assert report["answers"]["overall"]["fact_recall"] >= 2 / 3
