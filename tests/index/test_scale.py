"""Scaling code paths (issue #7): IVF above a size threshold, incremental BM25 postings, the synthetic
corpus generator and the composed embedder of the benchmark. Fake embedder, small data, fast."""
import json
from dataclasses import replace

import numpy as np
import pytest

from rag.embeddings.fake import FakeEmbedder
from rag.index import BulletinIndex, current_generation, update_index
from rag.index.keyword import KeywordIndex
from rag.text import tokenize
from rag.index.vectors import VectorIndex

from ..conftest import SAMPLE_CORPUS, SAMPLES


def _unit(rng, n, d=32, centers=8):
    c = rng.standard_normal((centers, d))
    x = c[rng.integers(0, centers, n)] + 0.3 * rng.standard_normal((n, d))
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


# --- vectors ---------------------------------------------------------------------------------------
def test_fit_switches_to_ivf_and_back_keeping_every_vector():
    rng = np.random.default_rng(0)
    x = _unit(rng, 1200)
    ids = list(range(10, 1210))
    v = VectorIndex.empty(32, nprobe=8)
    v.add(ids, x)
    assert v.fit(1000) == "exact -> ivf" and v.kind == "ivf" and len(v) == 1200
    assert np.allclose(v.reconstruct(15), x[5])
    got_ids, got = v.contents()
    order = np.argsort(got_ids)
    assert (got_ids[order] == np.array(ids)).all() and np.allclose(got[order], x)
    # recall@10 against exact search
    exact = np.argsort(-(x[:50] @ x.T), axis=1)[:, :10] + 10
    recall = np.mean([len({i for i, _ in v.search(q, 10)} & set(e)) / 10 for q, e in zip(x[:50], exact)])
    assert recall >= 0.9
    assert v.remove(ids[:800]) == 800 and len(v) == 400
    assert v.fit(1000) == "ivf -> exact" and v.kind == "flat" and len(v) == 400
    assert np.allclose(v.reconstruct(1000), x[990])


def test_ivf_survives_save_load_and_filtered_search_sees_everything(tmp_path):
    rng = np.random.default_rng(1)
    x = _unit(rng, 600)
    v = VectorIndex.empty(32)
    v.add(list(range(600)), x)
    v.fit(500)
    v.save(tmp_path / "v.faiss")
    w = VectorIndex.load(tmp_path / "v.faiss", nprobe=4)
    assert w.kind == "ivf" and w.index.nprobe == 4 and len(w) == 600
    assert len(w.search(x[0], 600)) == 600  # asking for (almost) everything visits every cell
    assert w.search(x[3], 1)[0][0] == 3


def test_index_above_threshold_is_ivf_and_updates_stay_consistent(settings, corpus):
    s = replace(settings, faiss_ivf_threshold=40)
    update_index(s, embedder=FakeEmbedder())
    idx = BulletinIndex.open(s, FakeEmbedder())
    assert idx.vectors.kind == "ivf"
    assert idx.search_dense("枫桥经验 信访案件 满意率", 5)
    text = (corpus / SAMPLES[1]).read_text(encoding="utf-8")
    (corpus / SAMPLES[1]).write_text(text.replace("6月15日，商水县召开", "6月16日，商水县隆重召开"), encoding="utf-8")
    (corpus / SAMPLES[3]).unlink()
    summary = update_index(s, embedder=FakeEmbedder())
    assert summary.chunks_embedded <= 2  # vectors of unchanged chunks reconstructed from the IVF index
    idx = BulletinIndex.open(s, FakeEmbedder())
    store_ids = sorted(c.faiss_id for c in idx.chunks())
    assert len(idx.vectors) == len(store_ids) == len(idx.keywords)
    assert sorted(int(i) for i in idx.vectors.contents()[0]) == store_ids


# --- BM25 ------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def sample_tokens():
    from rag.ingest import chunk_articles
    from rag.ingest import load_text
    from rag.ingest import parse_document

    ids, toks = [], []
    for name in SAMPLES:
        doc = parse_document(load_text(SAMPLE_CORPUS / name), name)
        for c in chunk_articles(doc.articles, 300, 60):
            ids.append(c.faiss_id)
            toks.append(tokenize(c.embed_text()))
    return ids, toks


QUERIES = ["示范区信访案件化解群众满意率是多少", "搬口街道共发放征兵宣传手册多少份", "第17期简报 文明时讯", "商水县 商水县 表彰大会",
           "不存在的词语组合"]


def test_bm25_scores_match_bm25s(sample_tokens):
    import bm25s

    ids, toks = sample_tokens
    ref = bm25s.BM25()
    ref.index([t or ["∅"] for t in toks], show_progress=False)
    ours = KeywordIndex.build(ids, toks)
    for q in QUERIES:
        qt = tokenize(q)
        known = [t for t in qt if t in ref.vocab_dict]
        want = ref.get_scores(known) if known else np.zeros(len(ids))
        assert np.allclose(ours.scores(qt), want, rtol=1e-4, atol=1e-5), q


def test_incremental_postings_equal_a_fresh_build(sample_tokens, tmp_path):
    ids, toks = sample_tokens
    full = KeywordIndex.build(ids, toks)
    part = KeywordIndex.build(ids[:50], toks[:50])
    part.save(tmp_path / "kw")
    loaded = KeywordIndex.load(tmp_path / "kw")
    # drop ten of the first fifty, then add them back with the rest
    again = loaded.updated(ids[:10], ids[50:] + ids[:10], toks[50:] + toks[:10])
    assert sorted(again.ids.tolist()) == sorted(ids)
    for q in QUERIES:
        qt = tokenize(q)
        a = dict(full.search(qt, 200))
        b = dict(again.search(qt, 200))
        assert a.keys() == b.keys() and all(np.isclose(a[k], b[k], rtol=1e-5) for k in a), q


def test_updated_index_gives_the_same_bm25_as_a_rebuild(settings, corpus):
    update_index(settings, embedder=FakeEmbedder())
    (corpus / "extra.txt").write_text("周口市召开信访工作会议。会议部署了下一阶段的信访案件化解工作。", encoding="utf-8")
    (corpus / SAMPLES[2]).unlink()
    update_index(settings, embedder=FakeEmbedder())
    inc = BulletinIndex.open(settings, FakeEmbedder())
    fresh_settings = replace(settings, index_dir=settings.index_dir.parent / "fresh")
    update_index(fresh_settings, embedder=FakeEmbedder())
    fresh = BulletinIndex.open(fresh_settings, FakeEmbedder())
    for q in QUERIES[:4] + ["信访案件化解工作"]:
        a = dict(inc.keywords.search(tokenize(q), 50))
        b = dict(fresh.keywords.search(tokenize(q), 50))
        assert a.keys() == b.keys() and all(np.isclose(a[k], b[k], rtol=1e-5) for k in a), q


def test_old_bm25s_keyword_folder_is_read_and_converted(settings, corpus):
    import bm25s

    update_index(settings, embedder=FakeEmbedder())
    gen = current_generation(settings.index_dir)
    idx = BulletinIndex.open(settings, FakeEmbedder())
    ids, toks = idx.store.all_tokens()
    want = dict(idx.keywords.search(tokenize("商水县表彰大会"), 10))
    idx.close()
    # rewrite the keyword folder the way earlier versions saved it
    import shutil

    shutil.rmtree(gen / "keyword")
    (gen / "keyword").mkdir()
    np.save(gen / "keyword" / "ids.npy", np.asarray(ids, dtype=np.int64), allow_pickle=False)
    old = bm25s.BM25()
    old.index([t or ["∅"] for t in toks], show_progress=False)
    old.save(str(gen / "keyword" / "bm25"), allow_pickle=False, show_progress=False)
    manifest = json.loads((gen / "manifest.json").read_text(encoding="utf-8"))
    (gen / "manifest.json").write_text(json.dumps({**manifest, "format_version": 1}), encoding="utf-8")
    legacy = BulletinIndex.open(settings, FakeEmbedder())
    assert not legacy.keywords.incremental
    got = dict(legacy.keywords.search(tokenize("商水县表彰大会"), 10))
    assert got.keys() == want.keys()
    (corpus / "extra.txt").write_text("商水县召开表彰大会。会议表彰了先进典型。", encoding="utf-8")
    update_index(settings, embedder=FakeEmbedder())
    converted = BulletinIndex.open(settings, FakeEmbedder())
    assert converted.keywords.incremental and len(converted.keywords) == len(ids) + 1
    assert converted.manifest.format_version == 2


# --- benchmark helpers -----------------------------------------------------------------------------
def test_synthetic_corpus_is_deterministic(tmp_path):
    from bench.synth import build_corpus, count_chunks, load_pool, make_document
    from rag.ingest import parse_document

    pool = load_pool(SAMPLE_CORPUS)
    assert make_document(pool, 7, 3) == make_document(pool, 7, 3)
    assert make_document(pool, 7, 3) != make_document(pool, 7, 4)
    doc = parse_document(make_document(pool, 7, 3), "x.txt")
    assert doc.meta.kind == "bulletin" and doc.meta.issue and doc.meta.date and len(doc.articles) >= 5
    assert all(a.title and a.section for a in doc.articles)
    a = build_corpus(pool, 120, tmp_path / "a", show_progress=False)
    b = build_corpus(pool, 120, tmp_path / "b", show_progress=False)
    assert a == b and a["chunks"] >= 120
    files_a = sorted(p.name for p in (tmp_path / "a").glob("*.txt"))
    assert files_a == sorted(p.name for p in (tmp_path / "b").glob("*.txt")) and len(files_a) == a["docs"]
    assert sum(count_chunks(p.read_text(encoding="utf-8"), p.name, 300, 60)
               for p in (tmp_path / "a").glob("*.txt")) == a["chunks"]


def test_composed_embedder_uses_pool_vectors():
    from bench.compute import ComposedEmbedder

    fake = FakeEmbedder()
    pool = ["第一句话在这里。", "第二句话也在这里。"]
    emb = ComposedEmbedder(fake, pool, fake.embed_batch(pool, "passage"))
    v = emb.embed_batch(["标题行\n第一句话在这里。第二句话也在这里。"], "passage")[0]
    want = fake.embed_batch(pool, "passage").mean(axis=0)
    assert np.allclose(v, want / np.linalg.norm(want), atol=1e-6) and emb.misses == 0
    assert np.allclose(emb.embed_query("问题"), fake.embed_query("问题"))


# --- filtered search -------------------------------------------------------------------------------
def _same_ranking(got, want):
    """Same scores in the same order; the same ids except among ties at the cut-off (the sample corpus
    repeats passages, so equal scores are common)."""
    assert len(got) == len(want)
    assert np.allclose([s for _, s in got], [s for _, s in want], atol=1e-5)
    if want:
        last = want[-1][1]
        assert {i for i, s in got if s > last + 1e-5} == {i for i, s in want if s > last + 1e-5}


@pytest.mark.parametrize("ivf", [False, True])
def test_vector_search_restricted_to_allowed_ids_is_exact(ivf):
    rng = np.random.default_rng(2)
    x = _unit(rng, 800)
    v = VectorIndex.empty(32, nprobe=1)  # one cell per query: unfiltered IVF search would miss most
    v.add(list(range(800)), x)
    if ivf:
        assert v.fit(500) == "exact -> ivf"
    allowed = np.arange(0, 800, 7)
    for q in x[:20]:
        got = [i for i, _ in v.search(q, 5, allowed)]
        want = allowed[np.argsort(-(x[allowed] @ q))[:5]]
        assert got == list(want)
    assert v.search(x[0], 5, np.array([], dtype=np.int64)) == []


def test_bm25_search_restricted_to_allowed_ids(sample_tokens):
    ids, toks = sample_tokens
    kw = KeywordIndex.build(ids, toks)
    query = tokenize("文明城市创建工作会议")
    full = kw.search(query, len(ids))
    allowed = np.asarray(ids[::3], dtype=np.int64)
    got = kw.search(query, 5, allowed)
    assert got and all(i in set(allowed.tolist()) for i, _ in got)
    _same_ranking(got, [(i, s) for i, s in full if i in set(allowed.tolist())][:5])


def test_filtered_retrieval_equals_filtering_the_whole_ranking(settings, corpus):
    """The store picks the matching chunks and only they are searched; the result is what ranking the
    whole index and dropping the rest gives."""
    from rag.retrieval import Filters, HybridRetriever

    update_index(settings, embedder=FakeEmbedder(), show_progress=False)
    idx = BulletinIndex.open(settings, FakeEmbedder())
    r = HybridRetriever(idx)
    every = len(idx.vectors)
    for f in (Filters(issues=["17"], sections=["【文明时讯】"]), Filters(date_from="2023-06-01", date_to="2023-06-30"),
              Filters(sources=[sorted(x["key"] for x in idx.store.files())[0]])):
        allowed = idx.ids_where(sources=f.sources, issues=f.issues, sections=f.sections, date_from=f.date_from,
                                date_to=f.date_to)
        assert len(allowed) and len(allowed) < every
        assert {h.chunk.id for h in idx._hits([(int(i), 0.0) for i in allowed])} == \
            {c.id for c in idx.chunks() if f.match(c)}
        for q in ("会议", "文明城市创建", "志愿服务活动"):
            for mode in ("dense", "bm25"):
                whole = [(h.chunk.id, h.score) for h in getattr(idx, f"search_{mode}")(q, every) if f.match(h.chunk)]
                got = [(h.chunk.id, h.score) for h in getattr(idx, f"search_{mode}")(q, 10, f)]
                _same_ranking(got, whole[:10])
            assert all(f.match(h.chunk) for h in r.retrieve(q, k=6, filters=f))
    # the filters read SQLite indexes, not every row (at 100k chunks: ~4 ms instead of ~160 ms)
    db, seen = idx.store.db, []
    db.set_trace_callback(seen.append)  # the statements with their values filled in
    for conditions, index in (({"date_from": "2023-06-01"}, "chunks_date"), ({"sections": ["【文明时讯】"]}, "chunks_section"),
                              ({"issues": ["17"]}, "chunks_issue"), ({"sources": ["x.txt"]}, "chunks_source")):
        seen.clear()
        idx.ids_where(**conditions)
        db.set_trace_callback(None)
        plan = " ".join(str(row) for row in db.execute("EXPLAIN QUERY PLAN " + seen[-1]))
        db.set_trace_callback(seen.append)
        assert index in plan, (seen[-1], plan)
    db.set_trace_callback(None)
    idx.close()
