"""#15: a bounded fuzz pass. Random bytes and mutated real files of every supported format go through
`rag index`; random Unicode (lone surrogates, control and bidi characters, 10,000-character lines) goes through
`rag ask` and the assistant behind `/ask`. Zero tracebacks; every failure is one line naming its file; the
good documents stay indexed and the corpus files are never modified. Seeded, so a failure reproduces."""
from __future__ import annotations

import hashlib
import io
import json
import random
import time

import pytest
from click.testing import CliRunner

from rag.answer import Assistant
from rag.cli import main
from rag.errors import QuestionError
from rag.index import BulletinIndex
from rag.ingest import SUPPORTED
from rag.types import Answer

from ..conftest import SAMPLE_CORPUS
from .test_bad_files import _pdf

SEED = 20261123
BUDGET_S = 240  # the whole index part stays inside this (about 15 s on 2 cores before .doc/.wps/OCR were fuzzed)


def _docx_bytes(text: str) -> bytes:
    import docx

    d = docx.Document()
    d.add_heading("周口市文明办工作简报", 0)
    for line in text.splitlines():
        d.add_paragraph(line)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def _mutate(data: bytes, rng: random.Random) -> bytes:
    data = bytearray(data)
    how = rng.choice(["flip", "truncate", "splice", "zero"])
    if how == "flip" and data:
        for _ in range(rng.randint(1, 40)):
            data[rng.randrange(len(data))] = rng.randrange(256)
    elif how == "truncate":
        data = data[: rng.randrange(max(1, len(data)))]
    elif how == "splice" and data:
        at = rng.randrange(len(data))
        data[at:at] = rng.randbytes(rng.randint(1, 500))
    else:
        start = rng.randrange(max(1, len(data)))
        data[start:start + rng.randint(1, 2000)] = bytes(min(len(data) - start, 2000))
    return bytes(data)


HTML = ("<!DOCTYPE html><html><head><meta charset='{cs}'><title>周口市文明办关于开展志愿服务月活动的通知</title>"
        "</head><body><nav>首页 > 通知公告</nav><h1>周口市文明办关于开展志愿服务月活动的通知</h1>"
        "<p>发布时间：2024-03-01 来源：市文明办</p><p>{body}</p><table><tr><th>街道</th><th>人数</th></tr>"
        "<tr><td>许湾街道</td><td>165</td></tr></table></body></html>")


def _office_seeds(text: str, tmp) -> dict[str, bytes]:
    """.xlsx, .ofd, .doc/.wps (LibreOffice) and .png/.jpg (a rendered page) made from the sample text."""
    import importlib

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["周口市各街道志愿服务统计表"])
    ws.append(["街道", "志愿者人数", "服务时长（小时）"])
    ws.append(["许湾街道", 165, 2300.5])
    ws.append(["文昌街道", 98, 1200])
    buf = io.BytesIO()
    wb.save(buf)
    seeds = {".xlsx": buf.getvalue()}
    office = importlib.import_module("eval.formats.office")
    write_ofd = office._ofd_writer()  # tests/ingest/ofd_writer.py, loaded as the formats corpus loads it
    lines = [line for line in text.splitlines() if line.strip()][:12]
    page = [(line[:28], 27.0, 40.0 + 10 * i, 5.6) for i, line in enumerate(lines)]
    seeds[".ofd"] = write_ofd(tmp / "seed.ofd", [page], title=lines[0][:28]).read_bytes()
    docx_path = tmp / "seed.docx"
    docx_path.write_bytes(_docx_bytes(text[:1500]))
    scans = importlib.import_module("eval.formats.scans")
    seeds[".doc"] = office.word97([(docx_path, tmp / "seed.doc")])[0].read_bytes()
    seeds[".wps"] = seeds[".doc"]
    pdf_path = tmp / "seed.pdf"
    pdf_path.write_bytes(_pdf(["周口市少儿图书馆举办绘本节活动。", "活动共吸引小读者860人次参加。"]))
    image = scans.rasterise(pdf_path, 100)[0]
    for ext, kind in ((".png", "PNG"), (".jpg", "JPEG"), (".jpeg", "JPEG")):
        out = io.BytesIO()
        image.convert("RGB").save(out, kind)
        seeds[ext] = out.getvalue()
    return seeds


SLOW = {".doc", ".wps", ".png", ".jpg", ".jpeg"}  # LibreOffice or OCR per file: fewer variants


def _fuzz_files(rng: random.Random, tmp) -> dict[str, bytes]:
    text = sorted(SAMPLE_CORPUS.glob("*.txt"))[0].read_text(encoding="utf-8")
    body = text[200:900]
    seeds = {".txt": text.encode("utf-8"), ".md": text.encode("gb18030"),
             ".pdf": _pdf(["周口市少儿图书馆举办绘本节活动。", "活动共吸引小读者860人次参加。"]),
             ".docx": _docx_bytes(text[:3000]),
             ".html": HTML.format(cs="utf-8", body=body).encode("utf-8"),
             ".htm": HTML.format(cs="gbk", body=body).encode("gbk", "replace"),
             ".csv": "街道,志愿者人数\r\n许湾街道,165\r\n文昌街道,98\r\n".encode("gbk"),
             **_office_seeds(text, tmp)}
    assert set(seeds) == SUPPORTED, "every supported format is fuzzed"
    files = {}
    for ext, seed in seeds.items():
        for i in range(2 if ext in SLOW else 6):
            files[f"mutated-{i}{ext}"] = _mutate(seed, rng)
        files[f"random{ext}"] = rng.randbytes(rng.randint(0, 20000))
    return files


def test_fuzzed_files_through_rag_index(tmp_path):
    rng = random.Random(SEED)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for p in SAMPLE_CORPUS.glob("*.txt"):
        (corpus / p.name).write_bytes(p.read_bytes())
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    for name, data in _fuzz_files(rng, seeds).items():
        (corpus / name).write_bytes(data)
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in corpus.iterdir()}
    env = {"RAG_EMBEDDER": "fake", "RAG_CORPUS_DIR": str(corpus), "RAG_INDEX_DIR": str(tmp_path / "index"),
           "RAG_MODELS_DIR": str(tmp_path / "models")}
    t0 = time.monotonic()
    for _ in range(2):  # the second pass reads the index the first one wrote
        r = CliRunner().invoke(main, ["index", "--json"], env=env)
        assert r.exception is None or isinstance(r.exception, SystemExit), r.output
        assert r.exit_code in (0, 1) and "Traceback" not in r.output
        summary = json.loads(r.stdout.strip().splitlines()[-1])
        for failure in summary["failed"]:
            assert "\n" not in failure["error"] and failure["file"] in before, failure
            assert failure["file"].split(".")[0] in failure["error"], failure
    assert time.monotonic() - t0 < BUDGET_S
    accounted = {f["file"] for f in summary["failed"]} | {d["file"] for d in summary["duplicates"]}
    idx = BulletinIndex.open(_settings(env))
    indexed = {f["key"] for f in idx.store.files()}
    idx.close()
    assert {p.name for p in SAMPLE_CORPUS.glob("*.txt")} <= indexed
    assert set(before) <= indexed | accounted  # no file skipped without being reported
    assert before == {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in corpus.iterdir()}


def _settings(env: dict):
    from rag.settings import Settings

    return Settings.from_env(env=env)


def _random_question(rng: random.Random) -> str:
    pools = ["示范区信访案件化解群众满意率是多少", "许湾街道", "？", "\u202e", "\u200b", "\ufeff", "\x00", "\x07", "\x1b[31m",
             "<|im_start|>", "[1]", "![x](http://127.0.0.1:1/a.png)", "𠀀", "😀", "\ud800", "\udfff", "a" * 50, " ", "\n"]
    parts = [rng.choice(pools) for _ in range(rng.randint(0, 12))]
    if rng.random() < 0.1:
        parts.append("长" * 10_000)
    if rng.random() < 0.2:
        parts.append("".join(chr(rng.randint(0, 0x10FFFF)) for _ in range(rng.randint(1, 60))))
    return "".join(parts)


@pytest.fixture(scope="module")
def assistant(fake_index_settings):
    return Assistant(fake_index_settings, BulletinIndex.open(fake_index_settings))


def test_random_unicode_through_the_assistant(assistant):
    rng = random.Random(SEED)
    for _ in range(150):
        question = _random_question(rng)
        history = [_random_question(rng) for _ in range(rng.randint(0, 3))]
        try:
            answer = assistant.ask(question, history=history)
        except QuestionError as exc:
            assert "\n" not in str(exc)
            continue
        assert isinstance(answer, Answer) and isinstance(answer.answer, str)
        json.dumps(answer.to_dict(), ensure_ascii=False).encode("utf-8")  # what /ask sends must encode


def test_random_unicode_through_rag_ask(fake_index_settings):
    rng = random.Random(SEED + 1)
    env = {"RAG_EMBEDDER": "fake", "RAG_INDEX_DIR": str(fake_index_settings.index_dir), "RAG_LLM": "extractive"}
    for _ in range(25):
        question = _random_question(rng).replace("\x00", "")  # argv cannot carry NUL
        r = CliRunner().invoke(main, ["ask", "--json", question], env=env)
        assert r.exception is None or isinstance(r.exception, SystemExit), (repr(question[:80]), r.output[-500:])
        assert r.exit_code in (0, 2) and "Traceback" not in r.output


def test_random_unicode_through_the_ask_api_over_http(fake_index_settings):
    """The same random questions, and random histories, as raw HTTP bodies to the running UI's /ask (lone
    surrogates travel as JSON escapes): every reply is JSON with an answer or a one-line error, never a
    traceback or an exception name, and the server keeps answering."""
    import httpx

    from ..conftest import serve_ui

    rng = random.Random(SEED + 2)
    demo, url = serve_ui(fake_index_settings)
    try:
        with httpx.Client(timeout=60) as http:
            for _ in range(20):
                question = _random_question(rng)
                history = [_random_question(rng) for _ in range(rng.randint(0, 3))]
                body = json.dumps({"data": [question, json.dumps(history)]})  # ASCII JSON: surrogates escaped
                r = http.post(url + "gradio_api/call/ask", content=body, headers={"content-type": "application/json"})
                assert r.status_code == 200, r.text[:300]
                stream = http.get(url + f"gradio_api/call/ask/{r.json()['event_id']}").text
                assert "event: complete" in stream, (repr(question[:60]), stream[:300])
                payload = json.loads(stream.split("data:", 1)[1].strip())[0]
                reply = json.loads(payload)
                assert ("answer" in reply) != ("error" in reply), reply
                if "error" in reply:
                    assert "\n" not in reply["error"] and "Error" not in reply["error"], reply
            ok = http.post(url + "gradio_api/call/ask", json={"data": ["示范区信访案件化解群众满意率是多少？", "[]"]})
            final = http.get(url + f"gradio_api/call/ask/{ok.json()['event_id']}").text
            assert "99.01%" in final
    finally:
        demo.close()
