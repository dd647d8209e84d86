import json

import pytest
from click.testing import CliRunner

from rag.cli import main

from ..conftest import SAMPLES


def run(settings, *args):
    env = {"RAG_EMBEDDER": "fake", "RAG_CORPUS_DIR": str(settings.corpus_dir), "RAG_INDEX_DIR": str(settings.index_dir),
           "RAG_MODELS_DIR": str(settings.models_dir), "RAG_STORE": settings.store}
    return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)


def test_index_json_status_and_chunks(settings, corpus):
    r = run(settings, "index", "--json")
    assert r.exit_code == 0, r.output
    summary = json.loads(r.stdout)
    assert set(summary) >= {"added", "changed", "removed", "unchanged", "failed", "chunks_embedded", "chunks_total",
                            "seconds"}
    assert sorted(summary["added"]) == SAMPLES
    r = run(settings, "index", "--json")
    assert json.loads(r.stdout)["chunks_embedded"] == 0
    r = run(settings, "index", "--status")
    assert "周口精神文明建设简报 第17期 2023-06-20" in r.stdout and "5 files" in r.stdout
    r = run(settings, "chunks", "--source", SAMPLES[1], "--json")
    rows = [json.loads(line) for line in r.stdout.splitlines()]
    assert rows and set(rows[0]) == {"id", "source", "bulletin", "issue", "date", "section", "title", "text",
                                     "start", "end"}
    assert all(row["issue"] == "17" and row["date"] == "2023-06-20" for row in rows)


@pytest.mark.parametrize("store", ["folder", "qdrant"])
def test_status_through_the_backend(settings, corpus, store):
    """`rag index --status` reads either store through the backend interface: documents, generation, failures."""
    from dataclasses import replace

    if store == "qdrant":
        pytest.importorskip("qdrant_client", reason="RAG_STORE=qdrant needs `pip install .[qdrant]`")
    s = replace(settings, store=store)
    (corpus / "bad.txt").write_bytes(b"\x00" * 10)
    try:
        assert run(s, "index").exit_code == 1
        r = run(s, "index", "--status")
        status = json.loads(run(s, "index", "--status", "--json").stdout)
    finally:
        if store == "qdrant":
            from rag.index.qdrant import close_clients

            close_clients(s)
    assert r.exit_code == 0 and f"({store})" in r.stdout and "5 files, 38 articles, 87 chunks" in r.stdout
    assert "周口精神文明建设简报 第17期 2023-06-20  6 articles, 11 chunks" in r.stdout
    assert "bad.txt  NOT INDEXED:" in r.stdout and list(status["failed"]) == ["bad.txt"]
    assert f"Generation: {status['generation']}" in r.stdout
    assert status["generation"].startswith("gen-" if store == "folder" else "bulletins_000001@")


def test_failed_file_sets_exit_code(settings, corpus):
    (corpus / "bad.txt").write_bytes(b"\x00" * 10)
    r = run(settings, "index", "--json")
    assert r.exit_code == 1
    out = json.loads(r.stdout)
    assert out["failed"][0]["file"] == "bad.txt" and len(out["added"]) == 5


def test_status_without_index_is_a_clear_error(settings):
    r = run(settings, "index", "--status")
    assert r.exit_code == 2 and "build it with `rag index`" in r.stderr


def test_unknown_source(settings):
    run(settings, "index")
    r = run(settings, "chunks", "--source", "nope.txt")
    assert r.exit_code == 2 and "nope.txt" in r.stderr
