"""#15 case 3: a small .docx that unpacks to millions of paragraphs costs one quick refusal, is never parsed
again while unchanged, and stays visible (and removable) as a failed document."""
from __future__ import annotations

import time
import zipfile

import pytest

from rag.embeddings.fake import FakeEmbedder
from rag.errors import LoadError
from rag.index import BulletinIndex, update_index
from rag.ingest import load_text
from rag.ingest.loaders import MAX_DOCX_PARAGRAPHS

CT = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/'
      'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
      'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/'
      'document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
      '</Types>')
RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats'
        '.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>')


def _docx(path, paragraphs):
    body = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.'
            'openxmlformats.org/wordprocessingml/2006/main"><w:body>' + "".join(paragraphs) + "</w:body></w:document>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", CT)
        z.writestr("_rels/.rels", RELS)
        z.writestr("word/document.xml", body)
    return path


def _empty_paragraphs(path, n=1_000_000):
    return _docx(path, ["<w:p/>"] * n)


def _many_paragraphs(path):  # varied text: compresses like a real document, so only the count gives it away
    import random

    rng = random.Random(7)
    words = "示范区 信访 街道 社区 议事 代表 活动 群众 服务 志愿 文明 创建 工作 会议".split()
    return _docx(path, [f"<w:p><w:r><w:t>{rng.choice(words)}{rng.randint(0, 10**9)}</w:t></w:r></w:p>"
                        for _ in range(MAX_DOCX_PARAGRAPHS + 5000)])


@pytest.mark.parametrize("make, reason", [(_empty_paragraphs, "zip bomb"), (_many_paragraphs, "paragraphs")])
def test_refused_quickly_with_a_reason(tmp_path, make, reason):
    path = make(tmp_path / "bad.docx")
    t0 = time.monotonic()
    with pytest.raises(LoadError, match=rf"bad\.docx: .*{reason}"):
        load_text(path)
    assert time.monotonic() - t0 < 5


def test_a_real_docx_is_still_read(tmp_path):
    path = _docx(tmp_path / "ok.docx", [f"<w:p><w:r><w:t>第{i}段：示范区召开议事会议。</w:t></w:r></w:p>" for i in range(3000)])
    assert "第2999段" in load_text(path)


def test_failed_once_costs_once_and_stays_visible(settings, corpus, monkeypatch):
    from ui.documents import documents_table
    from ui.state import AppState

    _empty_paragraphs(corpus / "upload.docx")
    first = update_index(settings, embedder=FakeEmbedder(), show_progress=False)
    assert [f["file"] for f in first.failed] == ["upload.docx"]

    calls = []
    import rag.index.plan as writer

    real = writer.read_document
    monkeypatch.setattr(writer, "read_document", lambda p, key: calls.append(p.name) or real(p, key))
    second = update_index(settings, embedder=FakeEmbedder(), show_progress=False)
    assert [f["file"] for f in second.failed] == ["upload.docx"] and "not read again" in second.failed[0]["error"]
    assert "upload.docx" not in calls  # not parsed again while unchanged

    state = AppState(settings)
    assert "upload.docx" in state.document_keys()
    assert any(row[0] == "upload.docx" and "zip bomb" in row[2] for row in documents_table(state))

    _docx(corpus / "upload.docx", ["<w:p><w:r><w:t>修好的文件：示范区召开议事会议，确定议事代表165名。</w:t></w:r></w:p>"])
    third = update_index(settings, embedder=FakeEmbedder(), show_progress=False)
    assert "upload.docx" in third.added and not third.failed  # a changed file is tried again
    (corpus / "upload.docx").unlink()
    update_index(settings, embedder=FakeEmbedder(), show_progress=False)
    idx = BulletinIndex.open(settings, embedder=FakeEmbedder())
    assert idx.manifest.failed == {} and "upload.docx" not in [f["key"] for f in idx.store.files()]
    idx.close()
