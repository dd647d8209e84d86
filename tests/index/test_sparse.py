"""BM25 as sparse vectors (rag/index/sparse.py): weights × IDF summed over a query equal the folder index's
BM25 scores, without any store."""
import numpy as np
import pytest

from rag.index.keyword import EMPTY, KeywordIndex
from rag.index.sparse import document_weights, query_weights, term_index

DOCS = [["示范区", "信访", "案件", "信访"], ["文明", "城市", "创建", "示范区"], [], ["志愿", "服务", "文明", "文明", "实践"]]


@pytest.mark.parametrize("query", [["信访"], ["文明", "示范区"], ["文明", "文明"], ["没有"], ["示范区", "服务", "创建"]])
def test_weights_times_idf_are_the_keyword_index_scores(query):
    avgdl = float(np.mean([len(d) or 1 for d in DOCS]))
    n = len(DOCS)
    df: dict[int, int] = {}
    vectors = [document_weights(d, avgdl) for d in DOCS]
    for v in vectors:
        for i in v.indices:
            df[i] = df.get(i, 0) + 1
    q = query_weights(query)
    got = [sum(qv * np.log(1 + (n - df.get(i, 0) + 0.5) / (df.get(i, 0) + 0.5)) * dict(zip(v.indices, v.values)).get(i, 0)
               for i, qv in zip(q.indices, q.values)) for v in vectors]
    want = KeywordIndex.build(list(range(n)), DOCS).scores(query)
    assert got == pytest.approx(want.tolist(), abs=1e-5)


def test_a_chunk_without_tokens_holds_the_empty_token():
    assert document_weights([], 3.0).indices == [term_index(EMPTY)]
    assert query_weights([]).indices == []
