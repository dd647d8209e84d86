"""Incremental, crash-safe indexing with the fake embedder."""
import os
import signal
import subprocess
import sys
import time
from dataclasses import replace

import numpy as np
import pytest

from rag.embeddings.fake import FakeEmbedder
from rag.errors import IndexBusy, IndexMismatch
from rag.index import BulletinIndex, current_generation, update_index

from ..conftest import ROOT, SAMPLES


def test_first_index_then_nothing_to_do(settings):
    s1 = update_index(settings, embedder=FakeEmbedder())
    assert sorted(s1.added) == SAMPLES and s1.failed == []
    assert s1.chunks_embedded == s1.chunks_total > 50
    emb = FakeEmbedder()
    s2 = update_index(settings, embedder=emb)
    assert (s2.added, s2.changed, s2.removed, s2.unchanged, s2.chunks_embedded) == ([], [], [], 5, 0)
    assert emb.embedded == 0
    idx = BulletinIndex.open(settings, FakeEmbedder())
    st = idx.status()
    assert st["files"] == 5 and st["chunks"] == len(idx.vectors) == len(idx.keywords) == s1.chunks_total


def test_touch_embeds_nothing_and_edit_embeds_only_that_file(settings, corpus):
    update_index(settings, embedder=FakeEmbedder())
    target = corpus / SAMPLES[1]
    os.utime(target, (time.time() + 100, time.time() + 100))
    emb = FakeEmbedder()
    assert update_index(settings, embedder=emb).chunks_embedded == 0
    text = target.read_text(encoding="utf-8")
    target.write_text(text.replace("6月15日，商水县召开", "6月16日，商水县隆重召开"), encoding="utf-8")
    emb = FakeEmbedder()
    s = update_index(settings, embedder=emb)
    assert s.changed == [SAMPLES[1]] and s.added == [] and s.unchanged == 4
    assert 1 <= s.chunks_embedded <= 2  # only the edited chunk(s); the file's other chunks reuse vectors
    idx = BulletinIndex.open(settings, FakeEmbedder())
    texts = [c.text for c in idx.chunks(SAMPLES[1])]
    assert any("隆重召开" in t for t in texts)


def test_delete_removes_from_faiss_and_bm25(settings, corpus):
    update_index(settings, embedder=FakeEmbedder())
    idx = BulletinIndex.open(settings, FakeEmbedder())
    gone = idx.chunks(SAMPLES[3])
    before = len(idx.vectors)
    (corpus / SAMPLES[3]).unlink()
    s = update_index(settings, embedder=FakeEmbedder())
    assert s.removed == [SAMPLES[3]]
    idx = BulletinIndex.open(settings, FakeEmbedder())
    assert len(idx.vectors) == len(idx.keywords) == before - len(gone)
    ids = {c.faiss_id for c in gone}
    assert not ids & set(int(i) for i in idx.keywords.ids)
    assert all(h.chunk.source != SAMPLES[3] for h in idx.search_bm25("枫桥经验 信访案件 满意率", 20))
    assert all(h.chunk.source != SAMPLES[3] for h in idx.search_dense("枫桥经验 信访案件 满意率", 20))


def test_bad_file_reported_good_files_indexed(settings, corpus):
    (corpus / "坏 文件.txt").write_bytes(b"\x00\x01\x02binary")
    (corpus / "copy of 001.txt").write_bytes((corpus / SAMPLES[1]).read_bytes())
    s = update_index(settings, embedder=FakeEmbedder())
    assert sorted(s.added) == SAMPLES
    assert [f["file"] for f in s.failed] == ["坏 文件.txt"] and "binary" in s.failed[0]["error"]
    assert s.duplicates == [{"file": SAMPLES[1], "duplicate_of": "copy of 001.txt"}] or \
        s.duplicates == [{"file": "copy of 001.txt", "duplicate_of": SAMPLES[1]}]


def test_changed_file_that_breaks_keeps_old_version(settings, corpus):
    update_index(settings, embedder=FakeEmbedder())
    n = len(BulletinIndex.open(settings, FakeEmbedder()).chunks(SAMPLES[0]))
    (corpus / SAMPLES[0]).write_bytes(b"\x00\xff" * 100)
    s = update_index(settings, embedder=FakeEmbedder())
    assert [f["file"] for f in s.failed] == [SAMPLES[0]]
    assert len(BulletinIndex.open(settings, FakeEmbedder()).chunks(SAMPLES[0])) == n


def test_copy_of_a_failed_file_fails_too_and_a_copy_of_an_old_version_does_not(settings, corpus):
    (corpus / "空白.html").write_bytes(b"")
    (corpus / "空白.ofd").write_bytes(b"")  # same (empty) content as the failing .html
    s = update_index(settings, embedder=FakeEmbedder())
    assert {f["file"] for f in s.failed} == {"空白.html", "空白.ofd"} and s.duplicates == []
    # a file gets another's indexed content while that one turns bad: the copy is a duplicate, never "failed"
    old = (corpus / SAMPLES[0]).read_bytes()
    (corpus / "copy.txt").write_bytes(old)
    (corpus / SAMPLES[0]).write_bytes(b"\x00\xff" * 100)
    s = update_index(settings, embedder=FakeEmbedder())
    assert "copy.txt" not in {f["file"] for f in s.failed}
    assert s.duplicates == [{"file": "copy.txt", "duplicate_of": SAMPLES[0]}]


def test_other_model_or_chunking_is_a_clear_error(settings):
    update_index(settings, embedder=FakeEmbedder())

    class Other(FakeEmbedder):
        model_id = "another-model"

    with pytest.raises(IndexMismatch, match="another-model.*--rebuild"):
        BulletinIndex.open(settings, Other())
    with pytest.raises(IndexMismatch, match="chunk size"):
        update_index(replace(settings, chunk_size=200), embedder=FakeEmbedder())
    s = update_index(replace(settings, chunk_size=200), rebuild=True, embedder=FakeEmbedder())
    assert sorted(s.added) == SAMPLES


def test_second_writer_refused_while_locked(settings):
    from filelock import FileLock

    settings.index_dir.mkdir(parents=True)
    with FileLock(str(settings.index_dir / ".lock")):
        with pytest.raises(IndexBusy, match="Another `rag index`"):
            update_index(settings, embedder=FakeEmbedder())


def _rag(settings, *args, env_extra=None, **kw):
    env = dict(os.environ, RAG_EMBEDDER="fake", RAG_CORPUS_DIR=str(settings.corpus_dir),
               RAG_INDEX_DIR=str(settings.index_dir), RAG_MODELS_DIR=str(settings.models_dir), **(env_extra or {}))
    return subprocess.Popen([sys.executable, "-m", "rag.cli", *args], env=env, cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)


@pytest.mark.parametrize("delay_after_start", [0.0, 0.7, 1.6])
def test_sigkill_mid_update_leaves_old_index_usable(settings, corpus, delay_after_start):
    update_index(settings, paths=[corpus / SAMPLES[0], corpus / SAMPLES[1]], embedder=FakeEmbedder())
    old_gen = current_generation(settings.index_dir)
    proc = _rag(settings, "index", env_extra={"RAG_FAKE_EMBED_DELAY": "0.5"})
    deadline = time.monotonic() + 30
    while not any(p.name.startswith(".tmp-") for p in settings.index_dir.iterdir()):
        assert proc.poll() is None and time.monotonic() < deadline, "update never started"
        time.sleep(0.02)
    time.sleep(delay_after_start)  # the new generation is being written (embedding takes >= 2 s)
    assert proc.poll() is None
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert current_generation(settings.index_dir) == old_gen
    idx = BulletinIndex.open(settings, FakeEmbedder())
    assert idx.search_bm25("文明办", 3) and len(idx.vectors) == idx.status()["chunks"]
    assert {d["key"] for d in idx.status()["documents"]} == {SAMPLES[0], SAMPLES[1]}
    s = update_index(settings, embedder=FakeEmbedder())
    assert sorted(s.added) == SAMPLES[2:]
    assert not [p for p in settings.index_dir.iterdir() if p.name.startswith(".tmp-")]


def test_vectors_match_store_after_many_updates(settings, corpus):
    update_index(settings, embedder=FakeEmbedder())
    for i in range(3):
        (corpus / f"extra{i}.txt").write_text(f"临时文件{i}。周口市召开第{i}次会议，部署工作。", encoding="utf-8")
        update_index(settings, embedder=FakeEmbedder())
    (corpus / "extra1.txt").unlink()
    update_index(settings, embedder=FakeEmbedder())
    idx = BulletinIndex.open(settings, FakeEmbedder())
    store_ids = sorted(c.faiss_id for c in idx.chunks())
    assert sorted(int(i) for i in idx.keywords.ids) == store_ids
    for fid in store_ids[:5]:
        assert np.isclose(np.linalg.norm(idx.vectors.reconstruct(fid)), 1.0, atol=1e-4)
    gens = [p.name for p in settings.index_dir.iterdir() if p.name.startswith("gen-")]
    assert len(gens) <= 2


def test_every_file_under_a_scanned_folder_is_accounted_for(settings, corpus):
    """#13 case 1: unsupported types and hidden entries are listed, not skipped in silence."""
    import json

    from click.testing import CliRunner

    from rag.cli import main

    (corpus / "page.epub").write_bytes(b"PK\x03\x04")
    (corpus / "notes").mkdir()
    (corpus / "notes" / "old.wpd").write_bytes(b"\xffWPC")
    (corpus / "notes" / ".DS_Store").write_bytes(b"x")
    (corpus / ".git" / "objects").mkdir(parents=True)
    (corpus / ".git" / "objects" / "ab").write_bytes(b"x")
    (corpus / "README").write_text("说明", encoding="utf-8")
    env = {"RAG_EMBEDDER": "fake", "RAG_CORPUS_DIR": str(corpus), "RAG_INDEX_DIR": str(settings.index_dir)}
    r = CliRunner().invoke(main, ["index", "--json"], env=env)
    assert r.exit_code == 0, r.output
    s = json.loads(r.stdout)
    assert sorted(u["file"] for u in s["unsupported"]) == ["README", "notes/old.wpd", "page.epub"]
    assert all("supported: " in u["error"] and ".docx" in u["error"] and ".ofd" in u["error"] for u in s["unsupported"])
    assert sorted(s["hidden"]) == [".git/", "notes/.DS_Store"]
    every = {p.relative_to(corpus).as_posix() for p in corpus.rglob("*") if p.is_file()}
    listed = set(s["added"]) | {u["file"] for u in s["unsupported"]} | {f["file"] for f in s["failed"]}
    assert every - listed == {".git/objects/ab", "notes/.DS_Store"}  # inside hidden entries, listed above
    r = CliRunner().invoke(main, ["index"], env=env)
    assert "NOT INDEXED: page.epub: .epub is not a supported type" in r.output
    assert "hidden, not indexed (2)" in r.output
    assert json.loads(CliRunner().invoke(main, ["index", "--json"], env=env).stdout)["unchanged_files"] == \
        sorted(s["added"])


def test_an_index_of_an_older_text_pipeline_is_refused_then_rebuilt_by_the_next_update(settings):
    """Chunks made by another cleaning/chunking version are never mixed with new ones: questions are refused
    with the remedy, and the next `rag index` (no flag needed after an upgrade) reads every document again."""
    import json

    update_index(settings, embedder=FakeEmbedder(), show_progress=False)
    manifest = current_generation(settings.index_dir) / "manifest.json"
    data = json.loads(manifest.read_text(encoding="utf-8"))
    data["pipeline_version"] -= 1
    manifest.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(IndexMismatch, match=r"text pipeline v\d+.*rag index --rebuild"):
        BulletinIndex.open(settings, embedder=FakeEmbedder())
    summary = update_index(settings, embedder=FakeEmbedder(), show_progress=False)
    assert len(summary.added) == len(SAMPLES) and summary.unchanged == 0
    BulletinIndex.open(settings, embedder=FakeEmbedder()).close()
