"""bf16 autocast of the e5 embedder and its bf16 query copy (issue #7) keep the float32 vectors (marked integration)."""
from pathlib import Path

import numpy as np
import pytest

from rag.embeddings.e5 import E5Embedder
from rag.settings import Settings

pytestmark = pytest.mark.integration
MODELS = Path(Settings.from_env().models_dir)
TEXTS = ["2023年，示范区信访案件化解群众满意率达到99.01%，为全区经济社会发展创造了良好环境。",
         "周口精神文明建设简报 第17期 2023年6月20日 【工作动态】\n6月12日，全市大走访活动现场会暨“创文”“创卫”推进会召开。",
         "太康县举行“中国好人”系列宣传摄影展活动。"]


def test_bf16_vectors_match_float32(monkeypatch):
    monkeypatch.setenv("RAG_EMBED_BF16", "0")
    fp32 = E5Embedder(MODELS)
    ref = fp32.embed_batch(TEXTS, "passage")
    q_ref = fp32.embed_query("示范区信访案件化解群众满意率是多少")
    assert fp32.bf16 is False
    monkeypatch.setenv("RAG_EMBED_BF16", "1")
    bf16 = E5Embedder(MODELS)
    bf16._model = fp32._model  # same weights, other precision
    bf16.bf16 = True
    got = bf16.embed_batch(TEXTS, "passage")
    assert np.sum(ref * got, axis=1).min() >= 0.9999
    for q in ("示范区信访案件化解群众满意率是多少", "第17期简报的【文明时讯】报道了哪些活动？"):
        assert float(fp32.embed_query(q) @ bf16.embed_query(q)) >= 0.9999
    # the bf16 query copy holds only the transformer layers: the 250k-word table stays shared, in float32
    copy_params = sum(p.numel() for p in bf16._query_model.parameters())
    assert copy_params < 25_000_000 and next(bf16._query_model.parameters()).dtype.is_floating_point
    assert all(p.data_ptr() != bf16._model[0].auto_model.embeddings.word_embeddings.weight.data_ptr()
               for p in bf16._query_model.parameters())
    fp32_word = fp32._model[0].auto_model.embeddings.word_embeddings.weight
    assert fp32_word.dtype.is_floating_point and fp32_word.element_size() == 4  # the float32 model is unchanged
