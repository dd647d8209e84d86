"""The benchmark's search-backend comparison (``python -m bench --stores folder,qdrant``): the option is checked,
one worker measures the sample corpus in each store (few questions, no waiting for a quiet machine) and the
report shows them side by side. Fast; no model."""
from __future__ import annotations

import argparse
import contextlib
import shutil

import pytest

from bench import stores
from bench.report import render
from bench.run import main

from ..conftest import SAMPLE_CORPUS


@pytest.mark.parametrize("text, want", [("folder,qdrant", ["folder", "qdrant"]), (" qdrant ", ["qdrant"])])
def test_stores_option(text, want):
    assert stores.parse_stores(text) == want


def test_unknown_store_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--stores", "folder,milvus", "--sizes", "sample"])
    assert exc.value.code == 2 and "expected a comma-separated list of folder, qdrant" in capsys.readouterr().err


class _NoWait(contextlib.AbstractContextManager):
    redo, other = False, 0.0

    def __init__(self, **_):
        pass

    def __exit__(self, *exc):
        return None


def test_each_store_is_built_queried_updated_and_reported(tmp_path, monkeypatch):
    pytest.importorskip("qdrant_client", reason="the Qdrant column needs `pip install .[qdrant]`")
    monkeypatch.setattr(stores, "quiet", _NoWait)
    few = stores.questions(6)
    monkeypatch.setattr(stores, "questions", lambda limit=None: few)
    results = {}
    for store in stores.STORES:
        corpus = tmp_path / store / "corpus"
        shutil.copytree(SAMPLE_CORPUS, corpus)
        a = argparse.Namespace(store=store, name="sample", corpus=corpus, index=tmp_path / store / "index",
                               models_dir=tmp_path / "models", qdrant_url="")
        results[store] = stores.cmd_store(a)
    for store, r in results.items():
        assert r["build"]["chunks"] == 87 and r["build"]["files"] == 5, store
        assert r["update"]["add1_median_s"] > 0 and [u["added"] for u in r["update"]["add1"]] == [1, 1]
        assert all(r["query"][m]["p50_ms"] > 0 for m in ("dense", "bm25", "hybrid")) and r["disk_mb"] > 0
    text = render({"command": "python -m bench --stores folder,qdrant", "stores": {"sample": results}})
    rows = [line for line in text.splitlines() if line.startswith("| sample |")]
    assert [r.split("|")[2].strip() for r in rows] == ["folder", "qdrant (local mode)"]
    assert "| 87 |" in rows[0] and "| 87 |" in rows[1] and "not a target" in text
