"""A damaged index pointer never costs the generations behind it: `rag index` refuses with the remedy and
deletes nothing; `rag index --rebuild` recovers."""
from __future__ import annotations

import pytest

from rag.embeddings.fake import FakeEmbedder
from rag.errors import IndexMismatch
from rag.index import BulletinIndex, update_index


def _generations(index_dir):
    return sorted(p.name for p in index_dir.iterdir() if p.name.startswith("gen-"))


@pytest.mark.parametrize("pointer", [b"", b"\n", b"gen-999999\n", b"../../etc\n", b"\xff\xfe\x00garbage"])
def test_damaged_current_is_refused_and_nothing_is_pruned(settings, pointer):
    update_index(settings, embedder=FakeEmbedder(), show_progress=False)
    (settings.corpus_dir / "new.txt").write_text("新增一篇文章。内容足够长，用来生成第二代索引，保证有两代索引可供检查。", encoding="utf-8")
    update_index(settings, embedder=FakeEmbedder(), show_progress=False)
    before = _generations(settings.index_dir)
    assert len(before) == 2
    (settings.index_dir / "CURRENT").write_bytes(pointer)
    with pytest.raises(IndexMismatch, match="rag index --rebuild"):
        update_index(settings, embedder=FakeEmbedder(), show_progress=False)
    assert _generations(settings.index_dir) == before
    with pytest.raises(IndexMismatch, match="rag index --rebuild"):
        BulletinIndex.open(settings, embedder=FakeEmbedder())
    update_index(settings, rebuild=True, embedder=FakeEmbedder(), show_progress=False)
    idx = BulletinIndex.open(settings, embedder=FakeEmbedder())
    assert idx.status()["files"] == 6
    idx.close()


def _truncate(path):
    path.write_bytes(path.read_bytes()[:100])


def _garbage(path):
    path.write_bytes(b"\x00garbage\xff" * 50)


def _remove(path):
    import shutil

    shutil.rmtree(path) if path.is_dir() else path.unlink()


DAMAGE = [("chunks.sqlite", _truncate, "chunks.sqlite"), ("chunks.sqlite", _garbage, "chunks.sqlite"),
          ("chunks.sqlite", _remove, "chunks.sqlite"), ("vectors.faiss", _garbage, "vectors.faiss"),
          ("vectors.faiss", _remove, "vectors.faiss"), ("keyword", _remove, "keyword/"),
          ("keyword/vocab.json", _garbage, "keyword/"), ("keyword/tf.npy", _truncate, "keyword/")]


@pytest.mark.parametrize("part, damage, named", DAMAGE, ids=[f"{p}-{d.__name__[1:]}" for p, d, _ in DAMAGE])
def test_a_damaged_part_is_named_with_the_remedy(settings, part, damage, named):
    from click.testing import CliRunner

    from rag.cli import main
    from rag.errors import IndexDamaged
    from rag.index import current_generation

    update_index(settings, embedder=FakeEmbedder(), show_progress=False)
    folder = current_generation(settings.index_dir)
    damage(folder / part)
    for attempt in (lambda: BulletinIndex.open(settings, embedder=FakeEmbedder()),
                    lambda: update_index(settings, embedder=FakeEmbedder(), show_progress=False)):
        with pytest.raises(IndexDamaged, match=rf"(?s){named}.*rag index --rebuild"):
            attempt()
    env = {"RAG_EMBEDDER": "fake", "RAG_INDEX_DIR": str(settings.index_dir), "RAG_CORPUS_DIR": str(settings.corpus_dir)}
    for args in (["index", "--status"], ["ask", "--llm", "extractive", "示范区信访满意率是多少？"], ["index"]):
        r = CliRunner().invoke(main, args, env=env)
        assert r.exit_code == 2, (args, r.output)
        assert "Traceback" not in r.output and named in r.output and "rag index --rebuild" in r.output
        assert "still served" not in r.output
    r = CliRunner().invoke(main, ["index", "--rebuild"], env=env)
    assert r.exit_code == 0, r.output
    BulletinIndex.open(settings, embedder=FakeEmbedder()).close()
