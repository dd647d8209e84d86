"""The UI's pieces without a browser: safe uploads, escaping, the API through gradio_client."""
import json
import shutil

import pytest

from rag.embeddings.fake import FakeEmbedder
from rag.index import update_index
from rag.settings import Settings
from rag.errors import UploadError
from ui.documents import delete_documents, safe_filename, store_uploads
from ui.render import answer_html, sources_html

from ..conftest import SAMPLE_CORPUS, serve_ui


@pytest.mark.parametrize("raw, safe", [
    ("../../etc/passwd.txt", "passwd.txt"),
    ("..\\..\\win.txt", "win.txt"),
    ("周口 简报 第18期.docx", "周口 简报 第18期.docx"),
    (".hidden.md", "hidden.md"),
    ("a..b.pdf", "a_b.pdf"),
    ('bad<>:"|?*.txt', "bad_______.txt"),
])
def test_safe_filename(raw, safe):
    assert safe_filename(raw) == safe


def test_unsupported_upload_type():
    with pytest.raises(UploadError, match="不支持的文件类型 .exe"):
        safe_filename("setup.exe")


def test_store_uploads_limits_and_no_clobbering(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("旧文件", encoding="utf-8")
    up = tmp_path / "up"
    up.mkdir()
    (up / "a.txt").write_text("新文件。", encoding="utf-8")
    (up / "big.txt").write_bytes("大".encode() * 600_000)
    (up / "empty.txt").write_bytes(b"")
    stored, rejected = store_uploads([str(up / "a.txt"), str(up / "big.txt"), str(up / "empty.txt")], corpus, 1)
    assert [p.name for p in stored] == ["a-1.txt"]
    assert (corpus / "a.txt").read_text(encoding="utf-8") == "旧文件"
    assert {r["file"] for r in rejected} == {"big.txt", "empty.txt"}
    assert "文件过大" in next(r["error"] for r in rejected if r["file"] == "big.txt")


def test_delete_stays_inside_corpus(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "x.txt").write_text("x")
    outside = tmp_path / "keep.txt"
    outside.write_text("keep")
    assert delete_documents(["x.txt", "../keep.txt"], corpus) == ["x.txt"]
    assert outside.exists()


def test_html_in_answers_and_sources_is_text():
    html = answer_html("<img src=x onerror=alert(1)>答案[1]")
    assert "<img" not in html and "&lt;img" in html and 'href="#src-1"' in html

    class C:
        n, source, bulletin, issue, date, section, title = 1, "a<b>.txt", None, "17", "2023-06-20", "【工作动态】", "<script>x</script>"
        text, start, end, article_no = "<b>粗</b>", 0, 8, 0

    out = sources_html([C()])
    assert "<script>" not in out and "&lt;script&gt;" in out and "第17期" in out and "<b>粗" not in out


@pytest.fixture(scope="module")
def running_app(tmp_path_factory):
    root = tmp_path_factory.mktemp("uiapp")
    shutil.copytree(SAMPLE_CORPUS, root / "corpus")
    settings = Settings.from_env(env={}, corpus_dir=root / "corpus", index_dir=root / "index",
                                 models_dir=root / "models", embedder="fake", llm="extractive")
    update_index(settings, embedder=FakeEmbedder(), show_progress=False)
    demo, url = serve_ui(settings)
    yield url, settings
    demo.close()


def test_gradio_client_api(running_app):
    from gradio_client import Client

    url, _ = running_app
    client = Client(url, verbose=False)
    out = json.loads(client.predict("搬口街道共发放征兵宣传手册多少份？", "[]", api_name="/ask"))
    assert "300余份" in out["answer"] and out["citations"][0]["source"] == "003_de095c37571e801a.txt"
    bad = json.loads(client.predict("   ", "[]", api_name="/ask"))
    assert "error" in bad
    follow = json.loads(client.predict("那文昌街道呢？", json.dumps(["许湾街道确定了多少名议事代表？"]), api_name="/ask"))
    assert follow["citations"]


def test_ui_binds_loopback_only(running_app):
    url, _ = running_app
    assert url.startswith("http://127.0.0.1:")


def test_reload_after_reindex_reuses_the_loaded_embedder(tmp_path):
    from ui.state import AppState

    shutil.copytree(SAMPLE_CORPUS, tmp_path / "corpus")
    settings = Settings.from_env(env={}, corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "index",
                                 models_dir=tmp_path / "models", embedder="fake", llm="extractive")
    update_index(settings, embedder=FakeEmbedder(), show_progress=False)
    state = AppState(settings)
    before = state.assistant
    (tmp_path / "corpus" / "new.txt").write_text("周口市新建口袋公园8座。", encoding="utf-8")
    update_index(settings, embedder=FakeEmbedder(), show_progress=False)
    state.reload()
    assert state.assistant is not before
    assert state.assistant.index.embedder is before.index.embedder
    assert state.assistant.index.counts()["files"] == 6
