"""#13 done-when: bad input of each new kind (corrupt, encrypted, empty, a zip bomb posing as .ofd/.xlsx, a
200-page scan, a broken .doc/.html/.png) gets a one-line reason naming the file; the good files of every new
kind are indexed; `rag index` exits 1; a file that turns bad later keeps what was indexed of it."""
from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from ..conftest import ROOT, SAMPLE_CORPUS
from ..ingest.test_ofd import gongwen_page
from ..ingest.ofd_writer import write_ofd

OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")  # the container of encrypted Office files and legacy .xls/.doc


def _bomb(inner: str) -> bytes:
    """A zip whose one member inflates to 300 MB of zeros (about 300 KB on disk)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        with z.open(inner, "w", force_zip64=True) as f:
            block = b"\0" * 2**20
            for _ in range(300):
                f.write(block)
    return buf.getvalue()


def _scan(pages: int) -> bytes:
    """An image-only PDF: every page a drawn rectangle and no text layer."""
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    for _ in range(pages):
        c.rect(50, 400, 400, 300, fill=1)
        c.showPage()
    c.save()
    return buf.getvalue()


def _xlsx() -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["2024年各街道文化站统计表"])
    ws.append(["街道", "文化站（个）"])
    ws.append(["青龙街道", 7])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


HTML = ("<html><head><title>白鹭湖湿地公园开园</title></head><body><div class='nav'><a href='/'>首页</a></div>"
        "<h1>白鹭湖湿地公园开园</h1><p>发布时间：2024-05-06 来源：某市园林局</p>"
        "<p>5月6日，白鹭湖湿地公园正式开园。公园占地860亩，建有环湖步道6.5公里，栽植水生植物12万株。</p>"
        "<p>湿地公园将每天开放至22时，市民可免费入园。</p></body></html>")


@pytest.fixture
def folder(tmp_path):
    d = tmp_path / "corpus"
    d.mkdir()
    sample = sorted(SAMPLE_CORPUS.glob("*.txt"))[1]
    (d / sample.name).write_bytes(sample.read_bytes())
    write_ofd(d / "公文.ofd", [gongwen_page()], title="关于做好防汛工作的通知")
    (d / "文化站统计表.xlsx").write_bytes(_xlsx())
    (d / "湿地公园.html").write_text(HTML, encoding="utf-8")
    good = {sample.name, "公文.ofd", "文化站统计表.xlsx", "湿地公园.html"}
    ofd = (d / "公文.ofd").read_bytes()
    bad = {
        "truncated.ofd": (ofd[: len(ofd) // 2], "not a valid .ofd"),
        "empty.ofd": (b"", "empty"),
        "bomb.ofd": (_bomb("Doc_0/Pages/Page_0/Content.xml"), "unpacks to 300 MB"),
        "truncated.xlsx": (_xlsx()[:300], "xlsx"),
        "encrypted.xlsx": (OLE_MAGIC + os.urandom(4096), "password-protected"),
        "bomb.xlsx": (_bomb("xl/worksheets/sheet1.xml"), "unpacks to 300 MB"),
        "empty.html": (b"", "empty"),
        "navigation only.html": ("<html><body><div class='nav'><a href='/'>首页</a></div></body></html>".encode(),
                                 "no main text"),
        "broken.png": (b"\x89PNG\r\n\x1a\n" + os.urandom(512), "not a readable image"),
        "200页扫描件.pdf": (_scan(200), "would need OCR on 200 pages"),
    }
    for name, (data, _) in bad.items():
        (d / name).write_bytes(data)
    return d, good, {k: v[1] for k, v in bad.items()}


def _index(folder: Path, index: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, RAG_EMBEDDER="fake", RAG_CORPUS_DIR=str(folder), RAG_INDEX_DIR=str(index),
               RAG_MODELS_DIR=str(index.parent / "m"))
    return subprocess.run([sys.executable, "-m", "rag.cli", "index", "--json"], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=600)


@pytest.mark.integration
def test_bad_files_of_new_kinds(tmp_path, folder):
    d, good, bad = folder
    run = _index(d, tmp_path / "index")
    assert run.returncode == 1, run.stderr[-2000:]
    report = json.loads(run.stdout)
    failed = {f["file"]: f["error"] for f in report["failed"]}
    assert set(failed) == set(bad), failed
    for name, reason in bad.items():
        message = failed[name]
        assert name in message and reason in message and "\n" not in message, (name, message)
    assert set(report["added"]) == good
    assert "Traceback" not in run.stderr

    # a good .ofd and .xlsx turn bad: their indexed versions stay, the others are unchanged
    (d / "公文.ofd").write_bytes(b"PK\x03\x04 broken")
    (d / "文化站统计表.xlsx").write_bytes(OLE_MAGIC + os.urandom(512))
    again = json.loads(_index(d, tmp_path / "index").stdout)
    assert {"公文.ofd", "文化站统计表.xlsx"} <= {f["file"] for f in again["failed"]}
    assert again["removed"] == []
    env = dict(os.environ, RAG_EMBEDDER="fake", RAG_CORPUS_DIR=str(d), RAG_INDEX_DIR=str(tmp_path / "index"),
               RAG_MODELS_DIR=str(tmp_path / "m"))
    status = subprocess.run([sys.executable, "-m", "rag.cli", "index", "--status", "--json"], env=env, cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert {doc["key"] for doc in json.loads(status.stdout)["documents"]} == good
