"""#6 case 1: a folder of good and bad files. Good files are indexed, bad ones reported by name with the
reason, the exit code says something failed, duplicates are indexed once, and the index stays valid."""
from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import zipfile

import pytest

from rag.embeddings.fake import FakeEmbedder
from rag.index import BulletinIndex, update_index
from rag.settings import Settings

from ..conftest import ROOT, SAMPLE_CORPUS

GOOD_TEXT = ("周口市图书馆举办读书月活动\n"
             "为推进书香周口建设，市图书馆于4月举办读书月活动，共吸引读者3200人次参加，"
             "开展阅读分享会12场，向社区捐赠图书5000册。")


def _pdf(lines: list[str] | None, encrypt: str | None = None) -> bytes:
    """A real PDF made with reportlab: text lines, or (None) only a drawn rectangle — an 'image-only' page."""
    from pypdf import PdfReader, PdfWriter
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    if lines is None:
        c.rect(50, 400, 400, 300, fill=1)
    else:
        c.setFont("STSong-Light", 12)
        for i, line in enumerate(lines):
            c.drawString(40, 800 - 20 * i, line)
    c.save()
    if not encrypt:
        return buf.getvalue()
    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(buf.getvalue())))
    writer.encrypt(encrypt)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _junk_docx() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("junk.bin", os.urandom(2048))
        z.writestr("readme.txt", "not a word document")
    return buf.getvalue()


@pytest.fixture
def messy_folder(tmp_path):
    """Every kind of file an office produces, good and bad, with awkward names."""
    d = tmp_path / "corpus"
    d.mkdir()
    sample = sorted(SAMPLE_CORPUS.glob("*.txt"))[1]  # 001: a bulletin with a masthead
    good = {
        sample.name: sample.read_bytes(),
        "GBK 编码 简报.txt": GOOD_TEXT.replace("图书馆", "文化馆").encode("gbk"),
        "utf16 简报.txt": GOOD_TEXT.replace("图书馆", "博物馆").encode("utf-16"),
        "第18期..工作简报.md": GOOD_TEXT.replace("图书馆", "科技馆").encode("utf-8"),
        "读书月 活动.pdf": _pdf(["周口市少儿图书馆举办绘本节活动。", "活动共吸引小读者860人次参加。"]),
    }
    pdf = good["读书月 活动.pdf"]
    bad = {
        "empty.txt": (b"", "empty"),
        "binary.txt": (bytes(range(256)) * 64, "binary"),
        "truncated.pdf": (pdf[: len(pdf) // 2], "not a readable PDF"),
        "encrypted.pdf": (_pdf(["机密内容。"], encrypt="secret"), "encrypted PDF"),
        "scanned.pdf": (_pdf(None), "no text layer"),
        "broken.docx": (_junk_docx(), "not a valid .docx"),
        "only title.txt": ("周口市文明办工作简报\n".encode(), "only a title"),
        "huge.txt": (None, "over the 50 MB limit"),
    }
    for name, data in good.items():
        (d / name).write_bytes(data)
    for name, (data, _) in bad.items():
        if data is not None:
            (d / name).write_bytes(data)
    with open(d / "huge.txt", "wb") as f:  # 200 MB of real text
        block = (GOOD_TEXT + "\n").encode() * 1000
        while f.tell() < 200 * 2**20:
            f.write(block)
    (d / "副本 of 001.txt").write_bytes(sample.read_bytes())  # duplicate under a new name
    return d, good, {k: v[1] for k, v in bad.items()}, sample.name


def test_bad_files_reported_good_files_indexed(tmp_path, messy_folder):
    folder, good, bad, sample = messy_folder
    s = Settings.from_env(env={}, corpus_dir=folder, index_dir=tmp_path / "index", models_dir=tmp_path / "m",
                          embedder="fake")
    summary = update_index(s, embedder=FakeEmbedder(), show_progress=False)
    failed = {f["file"]: f["error"] for f in summary.failed}
    assert set(failed) == set(bad), failed
    for name, reason in bad.items():
        assert name in failed[name] and reason in failed[name], (name, failed[name])
    assert summary.duplicates == [{"file": "副本 of 001.txt", "duplicate_of": sample}]
    idx = BulletinIndex.open(s, FakeEmbedder())
    assert {d["key"] for d in idx.status()["documents"]} == set(good)
    assert len(idx.vectors) == idx.status()["chunks"] == len(idx.keywords)
    for word in ("文化馆", "博物馆", "科技馆", "绘本节"):
        assert any(word in h.chunk.text for h in idx.search_bm25(word, 3)), word


def test_bad_files_do_not_remove_what_is_indexed(tmp_path, messy_folder):
    """A good file that later turns bad (or too big) keeps its indexed version; nothing is lost."""
    folder, good, bad, sample = messy_folder
    s = Settings.from_env(env={}, corpus_dir=folder, index_dir=tmp_path / "index", models_dir=tmp_path / "m",
                          embedder="fake")
    update_index(s, embedder=FakeEmbedder(), show_progress=False)
    (folder / "GBK 编码 简报.txt").write_bytes(b"\x00\x01" * 100)  # now binary
    with open(folder / "第18期..工作简报.md", "ab") as f:  # now over the limit
        f.truncate(60 * 2**20)
    summary = update_index(s, embedder=FakeEmbedder(), show_progress=False)
    assert {"GBK 编码 简报.txt", "第18期..工作简报.md"} <= {f["file"] for f in summary.failed}
    assert summary.removed == []
    idx = BulletinIndex.open(s, FakeEmbedder())
    assert {d["key"] for d in idx.status()["documents"]} == set(good)
    assert any("文化馆" in h.chunk.text for h in idx.search_bm25("文化馆", 3))


def test_cli_exit_code_and_json_report(tmp_path, messy_folder):
    folder, good, bad, _ = messy_folder
    env = dict(os.environ, RAG_EMBEDDER="fake", RAG_CORPUS_DIR=str(folder), RAG_INDEX_DIR=str(tmp_path / "index"),
               RAG_MODELS_DIR=str(tmp_path / "m"))
    run = subprocess.run([sys.executable, "-m", "rag.cli", "index", "--json"], env=env, cwd=ROOT,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 1, run.stderr
    report = json.loads(run.stdout)
    assert {f["file"] for f in report["failed"]} == set(bad)
    assert "Traceback" not in run.stderr
    ok = subprocess.run([sys.executable, "-m", "rag.cli", "index", "--status", "--json"], env=env, cwd=ROOT,
                        capture_output=True, text=True, timeout=120)
    assert ok.returncode == 0 and {d["key"] for d in json.loads(ok.stdout)["documents"]} == set(good)
