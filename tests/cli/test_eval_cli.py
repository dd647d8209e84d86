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
    assert "hybrid" in r.stdout and "OVERALL" in r.stdout and "shown" in r.stdout
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert len(report["rows"]) == 10 and report["run"]["backend"] == "extractive"
    assert set(report["retrieval"]) == {"hybrid", "dense", "bm25"}
    o = report["answers"]["overall"]
    assert o["n"] == 10 and 0 <= o["fact_recall"] <= 1 and o["hit@5"] > 0.5
    assert o["fact_recall"] <= o["facts_shown"] <= 1 and o["context_chars_p50"] > 0  # a fact answered was shown
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


def test_eval_reports_the_dev_and_test_parts(settings, tmp_path):
    """#14: every run shows both parts of the question set; `--split dev` runs only the part to tune on."""
    runner = CliRunner()
    assert runner.invoke(main, ["index"], env=_env(settings)).exit_code == 0
    out = tmp_path / "both"
    r = runner.invoke(main, ["eval", "--llm", "extractive", "--limit", "12", "--out", str(out)], env=_env(settings),
                      catch_exceptions=False)
    assert r.exit_code == 0 and "DEV part" in r.stdout and "TEST part" in r.stdout, r.output
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert set(report["splits"]) == {"dev", "test"}
    assert report["splits"]["dev"]["n"] + report["splits"]["test"]["n"] == 12
    cmp = runner.invoke(main, ["eval", "--compare", str(out / "report.json"), str(out / "report.json")],
                        env=_env(settings))
    assert "answers.dev.correct_cited" in cmp.stdout and "answers.test.correct_cited" in cmp.stdout
    dev = tmp_path / "dev"
    r = runner.invoke(main, ["eval", "--llm", "extractive", "--split", "dev", "--limit", "5", "--out", str(dev)],
                      env=_env(settings))
    rows = json.loads((dev / "report.json").read_text(encoding="utf-8"))["rows"]
    assert r.exit_code == 0 and len(rows) == 5 and {row["split"] for row in rows} == {"dev"}


def test_the_question_set_is_split_evenly_by_type():
    from collections import Counter

    from rag.eval import load_questions

    qs = load_questions(ROOT / "eval" / "questions.jsonl")
    assert all(q.split in ("dev", "test") for q in qs)
    for t, n in Counter(q.type for q in qs).items():
        dev = sum(1 for q in qs if q.type == t and q.split == "dev")
        assert dev - (n - dev) in (0, 1), t


def test_context_only_scores_what_the_model_would_read(settings, tmp_path):
    """`--context-only`: the context of every question scored without generating (a model backend's context:
    its windows, not the extractive answerer's), both parts shown; its facts_shown matches what an answering run
    of the same backend reports for the same questions."""
    runner = CliRunner()
    assert runner.invoke(main, ["index"], env=_env(settings)).exit_code == 0
    out = tmp_path / "ctx"
    r = runner.invoke(main, ["eval", "--llm", "local", "--context-only", "--limit", "12", "--out", str(out)],
                      env=_env(settings), catch_exceptions=False)
    assert r.exit_code == 0, r.output
    assert "Context the model would read" in r.stdout and "DEV part" in r.stdout and "Answers" not in r.stdout
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["run"]["context_only"] is True and "answers" not in report
    rows = report["rows"]
    assert len(rows) == 12 and all("answer" not in row for row in rows)
    answerable = [row for row in rows if row["answerable"]]
    assert answerable and all(row["facts_shown"] in (0.0, 1.0) and row["context_chars"] > 0 for row in answerable)
    assert 0.5 <= report["context"]["overall"]["facts_shown"] <= 1.0
    assert "facts_shown" not in report["retrieval"]["dense"]["overall"]  # the context came from hybrid only
    cmp = runner.invoke(main, ["eval", "--compare", str(out / "report.json"), str(out / "report.json")],
                        env=_env(settings))
    assert "shown.facts_shown" in cmp.stdout and "shown.dev.facts_shown" in cmp.stdout
    again = runner.invoke(main, ["eval", "--llm", "extractive", "--limit", "12", "--out", str(out)], env=_env(settings))
    assert again.exit_code != 0 and "not a answers run" in again.output  # no answers mixed into a context run
    bad = runner.invoke(main, ["eval", "--context-only", "--retrieval-only", "--out", str(tmp_path / "x")],
                        env=_env(settings))
    assert bad.exit_code != 0 and "--context-only" in bad.output


def test_context_only_leaves_follow_ups_out(settings, tmp_path):
    """A follow-up's stand-alone question is the model's rewrite: a context-only run leaves it out, and says so."""
    rows = [{"id": "a1", "question": "示范区3个街道一共确定了多少名议事代表？", "facts": [["1"]], "sources": [], "split": "dev"},
            {"id": "a2", "question": "其中许湾街道有多少名？", "history": ["示范区3个街道一共确定了多少名议事代表？"],
             "facts": [["1"]], "sources": [], "type": "followup", "split": "test"}]
    qfile = tmp_path / "q.jsonl"
    qfile.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(main, ["index"], env=_env(settings)).exit_code == 0
    out = tmp_path / "ctx"
    r = runner.invoke(main, ["eval", "--llm", "local", "--context-only", "--questions", str(qfile), "--out", str(out)],
                      env=_env(settings), catch_exceptions=False)
    assert r.exit_code == 0, r.output
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert [row["id"] for row in report["rows"]] == ["a1"] and report["rows"][0]["kind"] == "context"
