"""#15 cases in the UI without a browser: odd upload names (case 9), a busy index undoes uploads and deletes
(case 8), uploaded temp copies removed (case 9), every session sees the served index's documents (case 5)."""
import pytest

from rag.errors import UploadError
from ui.documents import delete_documents, safe_filename, store_uploads


@pytest.mark.parametrize("raw, safe", [
    ("x..txt", "x.txt"),  # #15 case 9: was rejected as "no extension"
    ("report\u202etxt.exe.docx", "reporttxt.exe.docx"),  # the right-to-left override is dropped
    ("zero\u200bwidth.md", "zerowidth.md"),
    ("..", None), ("...txt", None),
])
def test_safe_filename_odd_names(raw, safe):
    if safe is None:
        with pytest.raises(UploadError):
            safe_filename(raw)
    else:
        assert safe_filename(raw) == safe


def test_a_busy_index_undoes_uploads_and_deletes(settings, corpus):
    """#15 case 8: while another `rag index` holds the lock, an upload or a delete is undone and the user is
    told to retry: the documents and the served index stay in step."""
    from filelock import FileLock

    from rag.embeddings.fake import FakeEmbedder
    from rag.index import BulletinIndex, update_index
    from ui.documents import BUSY, reindex_or_undo, restore_documents

    update_index(settings, embedder=FakeEmbedder(), show_progress=False)
    before = sorted(p.name for p in corpus.iterdir())
    lock = FileLock(str(settings.index_dir / ".lock"))
    lock.acquire()
    try:
        new = corpus / "new.txt"
        new.write_text("新上传的简报。内容足够长，可以被索引。", encoding="utf-8")
        assert reindex_or_undo(settings, lambda: new.unlink()) == ({}, BUSY)
        victim = before[0]
        hold = corpus / ".deleting-test"
        moved = delete_documents([victim], corpus, hold)
        assert moved == [victim] and not (corpus / victim).exists()
        assert reindex_or_undo(settings, lambda: restore_documents(moved, corpus, hold)) == ({}, BUSY)
    finally:
        lock.release()
    assert sorted(p.name for p in corpus.iterdir()) == before
    idx = BulletinIndex.open(settings, embedder=FakeEmbedder())
    assert sorted(f["key"] for f in idx.store.files()) == before
    idx.close()


def test_uploaded_temp_copies_are_removed(tmp_path):
    """#15 case 9: the server's cached upload (servable under /gradio_api/file=) does not outlive the document."""
    up = tmp_path / "gradio-cache"
    up.mkdir()
    good, bad = up / "good.txt", up / "bad.exe"
    good.write_text("简报正文。", encoding="utf-8")
    bad.write_bytes(b"MZ")
    stored, rejected = store_uploads([str(good), str(bad)], tmp_path / "corpus", 1, remove_sources=True)
    assert [p.name for p in stored] == ["good.txt"] and len(rejected) == 1
    assert not good.exists() and not bad.exists()


def test_every_session_sees_the_documents_of_the_served_index(settings, corpus):
    """#15 case 5: a new tab (page load) and an open tab (the 2 s tick) list a document uploaded by another
    session or indexed by `rag index`, and can delete it."""
    import time

    import gradio as gr

    from rag.embeddings.fake import FakeEmbedder
    from rag.index import update_index
    from ui.app import tick
    from ui.state import AppState

    update_index(settings, embedder=FakeEmbedder(), show_progress=False)
    state = AppState(settings)
    first = tick(state, None)  # page load: the full listing
    seen = first[-1]
    assert seen and "new.txt" not in first[5]["choices"]
    assert tick(state, seen)[4] == gr.skip()  # nothing new: the table is not sent again
    (corpus / "new.txt").write_text("另一个会话上传的简报。示范区召开议事会议，确定议事代表165名。", encoding="utf-8")
    update_index(settings, embedder=FakeEmbedder(), show_progress=False)  # another session / `rag index`
    time.sleep(2.1)  # the state notices a newly published generation within ~2 s
    later = tick(state, seen)
    assert later[-1] != seen and "new.txt" in later[5]["choices"]
    assert any(row[0] == "new.txt" for row in later[4])
    assert "new.txt" in tick(AppState(settings), None)[5]["choices"]  # a brand-new tab too
