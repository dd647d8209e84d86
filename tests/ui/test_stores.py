"""The UI over each search backend (#16): its document table, filter choices, status line, a filtered question,
the citation's article view, an update published outside the UI, and a question over HTTP, with the folder
index and with RAG_STORE=qdrant (local mode in a temp folder). The UI reads the index only through
``rag.index.SearchBackend``."""
from __future__ import annotations

import json
import shutil
from dataclasses import replace
from html import escape

import pytest

from rag.embeddings.fake import FakeEmbedder
from rag.index import update_index
from rag.retrieval import Filters
from rag.settings import Settings
from ui.documents import documents_table
from ui.render import sources_html
from ui.state import AppState

from ..conftest import SAMPLE_CORPUS, SAMPLES, serve_ui

STORES = ("folder", "qdrant")
SRC_003 = "003_de095c37571e801a.txt"
ASK = "搬口街道共发放征兵宣传手册多少份？"


def _release(s: Settings) -> None:
    if s.store == "qdrant":
        from rag.index.qdrant import close_clients

        close_clients(s)  # the local Qdrant folder is free again for the next test


@pytest.fixture(params=STORES)
def store(request, tmp_path):
    if request.param == "qdrant":
        pytest.importorskip("qdrant_client", reason="RAG_STORE=qdrant needs `pip install .[qdrant]`")
    shutil.copytree(SAMPLE_CORPUS, tmp_path / "corpus")
    s = Settings.from_env(env={"RAG_STORE": request.param}, corpus_dir=tmp_path / "corpus",
                          index_dir=tmp_path / "index", models_dir=tmp_path / "models", embedder="fake",
                          llm="extractive")
    assert s.store == request.param
    update_index(s, embedder=FakeEmbedder(), show_progress=False)
    yield s
    _release(s)


def test_document_table_filters_and_status(store):
    state = AppState(store)
    assert state.error is None
    rows = documents_table(state)
    assert [r[0] for r in rows] == SAMPLES
    by_key = {r[0]: r for r in rows}
    assert by_key[SAMPLES[1]][1:5] == ["简报", "周口精神文明建设简报", "17", "2023-06-20"]
    assert by_key[SRC_003][1:3] == ["报纸", "示范区：入户大走访 情暖千万家"]  # no bulletin name: its first title
    assert [r[5:7] for r in rows] == [[5, 8], [6, 11], [7, 14], [9, 28], [11, 26]]
    files, sections, issues = state.index_choices()
    assert files == SAMPLES and "【文明时讯】" in sections and "17" in issues
    c = state.assistant.index.counts()
    assert f"{c['files']} 个文件 · {c['articles']} 篇文章 · {c['chunks']} 个段落" in state.status_markdown()
    assert state.document_keys() == SAMPLES


def test_filtered_question_and_article_view(store):
    state = AppState(store)
    a = state.assistant
    answer = a.ask(ASK, filters=Filters(sources=[SRC_003]))
    assert "300余份" in answer.answer and {c.source for c in answer.citations} == {SRC_003}
    assert a.ask(ASK, filters=Filters(date_from="2030-01-01")).refused  # nothing in range: refused
    html = sources_html(answer.citations, a.index.article)
    cited = answer.citations[0]
    article = a.index.article(cited.source, cited.article_no)
    assert article is not None and article.text[cited.start:cited.end] == cited.text
    # the card shows the cited span marked inside the text around it, read from the backend's article
    left = article.text[max(0, cited.start - 8):cited.start].split("\n")[-1]
    right = article.text[cited.end:cited.end + 8].split("\n")[0]
    assert left or right
    assert f"{escape(left)}<mark>{escape(cited.text)}</mark>{escape(right)}" in html


def test_an_update_published_outside_the_ui_is_picked_up(store):
    state = AppState(store)
    before = state.generation()
    listing = state.listing()
    (store.corpus_dir / "new.txt").write_text("周口市新建口袋公园8座，方便市民休闲健身。", encoding="utf-8")
    update_index(store, embedder=FakeEmbedder(), show_progress=False)  # as `rag index` would
    state._refresh_if_stale(every=0)
    assert state.generation() != before and state.listing() is not listing
    assert "new.txt" in [r[0] for r in documents_table(state)] and "new.txt" in state.index_choices()[0]
    assert "口袋公园" in state.assistant.ask("周口市新建了多少座口袋公园？").answer


def test_a_question_over_http(store):
    from gradio_client import Client

    demo, url = serve_ui(store)
    try:
        out = json.loads(Client(url, verbose=False).predict(ASK, "[]", api_name="/ask"))
    finally:
        demo.close()
    assert "300余份" in out["answer"] and out["citations"][0]["source"] == SRC_003


def test_two_backends_list_the_same(tmp_path):
    pytest.importorskip("qdrant_client", reason="RAG_STORE=qdrant needs `pip install .[qdrant]`")
    shutil.copytree(SAMPLE_CORPUS, tmp_path / "corpus")
    base = Settings.from_env(env={}, corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "index",
                             models_dir=tmp_path / "models", embedder="fake", llm="extractive")
    seen = []
    for name in STORES:
        s = replace(base, store=name)
        update_index(s, embedder=FakeEmbedder(), show_progress=False)
        state = AppState(s)
        seen.append(([r[:7] for r in documents_table(state)], state.index_choices()))  # all but indexed_at
        _release(s)
    assert seen[0] == seen[1]
