"""Contract tests of the search-backend interface (#16): every test runs against the folder index and against
Qdrant (local mode in a temp folder), with the fake embedder; the last ones compare the two backends."""
from __future__ import annotations

import json
from dataclasses import replace

import pytest

from rag.embeddings.fake import FakeEmbedder
from rag.index import Facets, SearchBackend, open_index, published_generation, update_index
from rag.retrieval import Filters, HybridRetriever
from rag.settings import Settings

from ..conftest import ROOT, SAMPLE_CORPUS, SAMPLES

pytest.importorskip("qdrant_client", reason="the Qdrant contract runs where `pip install .[qdrant]` was done")

STORES = ("folder", "qdrant")
SRC_003 = "003_de095c37571e801a.txt"


def _release(s: Settings) -> None:
    from rag.index.qdrant import close_clients

    close_clients(s)  # a local Qdrant folder is released with its temp dir


@pytest.fixture(params=STORES)
def store_settings(request, settings):
    s = replace(settings, store=request.param)
    yield s
    _release(s)


def _open(s: Settings) -> SearchBackend:
    return open_index(s, FakeEmbedder())


def _sources(idx: SearchBackend) -> list[str]:
    return sorted(f["key"] for f in idx.files())


# --- writing ---------------------------------------------------------------------------------------
def test_add_change_delete_a_file(store_settings, corpus):
    s = store_settings
    first = update_index(s, paths=[corpus / SAMPLES[0], corpus / SAMPLES[1]], embedder=FakeEmbedder(),
                         show_progress=False)
    assert sorted(first.added) == SAMPLES[:2]
    idx = _open(s)
    assert isinstance(idx, SearchBackend) and _sources(idx) == SAMPLES[:2]
    assert idx.count() == first.chunks_total == len(idx.chunks())
    # add the others, then change one file and delete another
    added = update_index(s, embedder=FakeEmbedder(), show_progress=False)
    assert sorted(added.added) == SAMPLES[2:] and _sources(_open(s)) == SAMPLES
    target = corpus / SAMPLES[1]
    target.write_text(target.read_text(encoding="utf-8").replace("6月15日，商水县召开", "6月16日，商水县隆重召开"),
                      encoding="utf-8")
    (corpus / SAMPLES[3]).unlink()
    emb = FakeEmbedder()
    changed = update_index(s, embedder=emb, show_progress=False)
    assert (changed.changed, changed.removed) == ([SAMPLES[1]], [SAMPLES[3]])
    assert 1 <= changed.chunks_embedded <= 2  # unchanged chunks of the changed file reuse their vectors
    idx = _open(s)
    assert _sources(idx) == [x for x in SAMPLES if x != SAMPLES[3]]
    assert any("隆重召开" in c.text for c in idx.chunks(SAMPLES[1]))
    assert idx.chunks(SAMPLES[3]) == []
    assert idx.count() == len(idx.chunks()) == changed.chunks_total == idx.counts()["chunks"]
    for search in (idx.search_bm25, idx.search_dense):
        assert all(h.chunk.source != SAMPLES[3] for h in search("枫桥经验 信访案件 满意率", 50))
    nothing = update_index(s, embedder=FakeEmbedder(), show_progress=False)
    assert (nothing.added, nothing.changed, nothing.removed, nothing.chunks_embedded) == ([], [], [], 0)


# --- reading ---------------------------------------------------------------------------------------
@pytest.fixture(scope="module", params=STORES)
def built(request, tmp_path_factory):
    """The sample corpus indexed once per backend (read-only)."""
    root = tmp_path_factory.mktemp(f"contract-{request.param}")
    s = Settings.from_env(env={}, corpus_dir=SAMPLE_CORPUS, index_dir=root / "index", models_dir=root / "models",
                          embedder="fake", store=request.param)
    update_index(s, embedder=FakeEmbedder(), show_progress=False)
    yield _open(s)
    _release(s)


FILTERS = [
    Filters(sources=[SRC_003]),
    Filters(sources=[SAMPLES[0], SRC_003]),
    Filters(issues=["17"]),
    Filters(sections=["文明时讯"]),
    Filters(sections=["【文明时讯】"], issues=["17"]),
    Filters(date_from="2023-06-01", date_to="2023-06-30"),
    Filters(date_from="2023-06-20"),
    Filters(date_to="2023-06-20"),
    Filters(date_from="2030-01-01"),
    Filters(sources=["no such file.txt"]),
]


@pytest.mark.parametrize("f", FILTERS, ids=lambda f: json.dumps(f.key(), ensure_ascii=False))
def test_filters_select_what_filters_match_accepts(built, f):
    every = built.chunks()
    want = {c.id for c in every if f.match(c)}
    assert built.count(f) == len(want)
    dense = built.search_dense("会议 文明城市创建", len(every), f)
    assert {h.chunk.id for h in dense} == want
    bm25 = built.search_bm25("会议 工作", len(every), f)
    assert {h.chunk.id for h in bm25} <= want and all(f.match(h.chunk) for h in bm25)
    if want:
        assert bm25


@pytest.mark.parametrize("query, fact", [
    ("示范区信访案件化解群众满意率是多少？", "99.01%"),
    ("搬口街道发放征兵宣传手册", "征兵"),
])
def test_keyword_ranking(built, query, fact):
    hits = built.search_bm25(query, 5)
    assert fact in hits[0].chunk.text
    assert [h.rank for h in hits] == [1, 2, 3, 4, 5]
    assert all(a.score >= b.score > 0 for a, b in zip(hits, hits[1:]))


def test_dense_ranking_finds_a_chunk_by_its_own_text(built):
    for c in built.chunks()[::10]:
        hits = built.search_dense(c.embed_text(), 3)
        assert hits[0].chunk.id == c.id and hits[0].score == pytest.approx(1.0, abs=1e-4)


def test_article_lookup_counts_and_status(built):
    c = built.chunks(SRC_003)[0]
    a = built.article(c.source, c.article_no)
    assert a is not None and c.text in a.text and a.title == c.title
    assert built.article(c.source, 999) is None
    counts = built.counts()
    assert counts["files"] == len(SAMPLES) and counts["chunks"] == built.count() > 50 and counts["articles"] > 20
    st = built.status()
    assert st["store"] in STORES and st["embedding_model"] == FakeEmbedder.model_id
    assert {d["key"] for d in st["documents"]} == set(SAMPLES) and st["chunks"] == counts["chunks"]


def test_facets_and_file_titles(built):
    facets = built.facets()
    assert isinstance(facets, Facets) and "【文明时讯】" in facets.sections and "17" in facets.issues
    assert facets.sections == sorted(set(facets.sections)) and "" not in facets.sections + facets.issues
    every = built.chunks()
    assert set(facets.issues) == {c.issue for c in every if c.issue}
    assert set(facets.sections) == {c.section for c in every if c.section}
    rows = {f["key"]: f for f in built.files()}
    for key, row in rows.items():
        first = next((built.article(key, n) for n in range(row["n_articles"]) if built.article(key, n).title), None)
        assert row["title"] == (first.title if first else None), key
    assert {"bulletin", "issue", "date", "kind", "n_articles", "n_chunks", "indexed_at"} <= set(rows[SRC_003])


def test_an_update_publishes_a_new_generation(store_settings, corpus):
    s = store_settings
    assert published_generation(s) is None
    update_index(s, paths=[corpus / SAMPLES[0]], embedder=FakeEmbedder(), show_progress=False)
    first = _open(s)
    assert first.generation == published_generation(s)
    assert published_generation(s) == published_generation(s)  # reading it changes nothing
    update_index(s, embedder=FakeEmbedder(), show_progress=False)  # in place (Qdrant) or a new folder
    assert published_generation(s) != first.generation
    again = _open(s)
    assert again.generation == published_generation(s) and again.manifest.files.keys() == set(SAMPLES)
    update_index(s, rebuild=True, embedder=FakeEmbedder(), show_progress=False)  # a new collection or folder
    assert published_generation(s) not in (first.generation, again.generation)


# --- publishing ------------------------------------------------------------------------------------
class _Broken(FakeEmbedder):
    """Fails on its second batch: an update that dies midway."""

    def embed_batch(self, texts, kind):
        if self.calls >= 1:
            raise RuntimeError("embedding failed midway")
        return super().embed_batch(texts, kind)


def test_an_interrupted_rebuild_leaves_the_old_index_served(store_settings, corpus):
    s = store_settings
    update_index(s, paths=[corpus / SAMPLES[0]], embedder=FakeEmbedder(), show_progress=False)
    before = _open(s)
    old = (before.counts(), _sources(before))
    with pytest.raises(RuntimeError, match="midway"):
        update_index(s, rebuild=True, embedder=_Broken(), show_progress=False)
    after = _open(s)
    assert (after.counts(), _sources(after)) == old and after.search_bm25("文明办", 3)
    if s.store == "qdrant":
        from rag.index.qdrant import client_for
        from rag.index.qdrant_writer import _generations

        assert len(_generations(client_for(s), s.qdrant_collection)) == 1  # the half-built one is gone
    done = update_index(s, rebuild=True, embedder=FakeEmbedder(), show_progress=False)
    assert sorted(done.added) == SAMPLES and _open(s).counts()["files"] == len(SAMPLES)


# --- the two backends agree ------------------------------------------------------------------------
@pytest.fixture(scope="module")
def both(tmp_path_factory):
    out, made = {}, []
    for store in STORES:
        root = tmp_path_factory.mktemp(f"agree-{store}")
        s = Settings.from_env(env={}, corpus_dir=SAMPLE_CORPUS, index_dir=root / "index",
                              models_dir=root / "models", embedder="fake", store=store)
        update_index(s, embedder=FakeEmbedder(), show_progress=False)
        out[store] = _open(s)
        made.append(s)
    yield out
    for s in made:
        _release(s)


def _questions(n: int) -> list[str]:
    rows = [json.loads(line) for line in (ROOT / "eval" / "questions.jsonl").read_text(encoding="utf-8").splitlines()]
    return [r["question"] for r in rows if r.get("sources")][:n]


def test_bm25_and_dense_agree_between_backends(both):
    for q in _questions(20):
        for mode in ("bm25", "dense"):
            a, b = (getattr(both[s], f"search_{mode}")(q, 10) for s in STORES)
            assert [h.chunk.id for h in a] == [h.chunk.id for h in b] or \
                [round(h.score, 4) for h in a] == [round(h.score, 4) for h in b], (mode, q)  # ties may swap
            assert [h.score for h in a] == pytest.approx([h.score for h in b], rel=1e-5, abs=1e-5), (mode, q)


def test_listings_agree_between_backends(both):
    a, b = (both[s] for s in STORES)
    assert a.facets() == b.facets() and a.counts() == b.counts()
    drop = ("indexed_at",)
    assert [{k: v for k, v in f.items() if k not in drop} for f in a.files()] == \
        [{k: v for k, v in f.items() if k not in drop} for f in b.files()]


def test_hybrid_top5_sources_agree_between_backends(both):
    for q in _questions(12):
        a, b = (HybridRetriever(both[s]).retrieve(q, k=5) for s in STORES)
        assert [h.chunk.source for h in a] == [h.chunk.source for h in b], q


# --- choosing the store ----------------------------------------------------------------------------
@pytest.mark.parametrize("env, store, url", [
    ({}, "folder", ""),
    ({"RAG_STORE": "qdrant"}, "qdrant", ""),
    ({"RAG_STORE": "qdrant", "RAG_QDRANT_URL": "http://127.0.0.1:6333"}, "qdrant", "http://127.0.0.1:6333"),
])
def test_store_settings_from_env(env, store, url):
    s = Settings.from_env(env={**env, "RAG_QDRANT_API_KEY": "secret-key-123"})
    assert (s.store, s.qdrant_url) == (store, url) and "secret-key-123" not in repr(s)


def test_unknown_store_is_refused():
    with pytest.raises(ValueError, match="unknown store 'milvus'"):
        Settings.from_env(env={"RAG_STORE": "milvus"})


def test_missing_qdrant_client_is_one_line_naming_the_extra(settings, monkeypatch):
    import sys

    from rag.errors import StoreUnavailable

    for name in [m for m in sys.modules if m.startswith("qdrant_client")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "qdrant_client", None)  # `import qdrant_client` now fails
    with pytest.raises(StoreUnavailable, match=r"pip install \.\[qdrant\]"):
        open_index(replace(settings, store="qdrant"), FakeEmbedder())


def test_an_empty_qdrant_store_says_how_to_build_it(settings):
    from rag.errors import IndexMissing

    s = replace(settings, store="qdrant")
    with pytest.raises(IndexMissing, match="rag index"):
        open_index(s, FakeEmbedder())
    _release(s)
