"""End to end in a real browser (Debian chromium driven by Playwright) against `rag ui` with the real
embedder and the local LLM: ask, read the streamed answer and its source card, upload a document, wait
for the re-index, ask what only that document answers. Screenshots go to test-artifacts/."""
import shutil
import time
from pathlib import Path

import pytest

from rag.embeddings.e5 import E5Embedder
from rag.index import update_index
from rag.settings import Settings

from ..conftest import ROOT, SAMPLE_CORPUS, serve_ui

pytestmark = pytest.mark.integration
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"
MODELS = Path(Settings.from_env().models_dir)
NEW_DOC = ("周口市图书馆开展全民阅读推广活动\n"
           "本报讯（记者 王明）2023年，周口市图书馆共接待读者12万人次，举办“书香周口”读书分享会36场，"
           "新增馆藏图书8000余册。<script>alert('x')</script>\n")


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    if not CHROMIUM.exists():
        pytest.fail("Debian chromium is required for the browser test: apt-get install chromium")

    root = tmp_path_factory.mktemp("ui")
    corpus = root / "corpus"
    shutil.copytree(SAMPLE_CORPUS, corpus)
    settings = Settings.from_env(env={}, corpus_dir=corpus, index_dir=root / "index", models_dir=MODELS, llm="local")
    update_index(settings, embedder=E5Embedder(MODELS), show_progress=False)
    demo, url = serve_ui(settings)
    yield url
    demo.close()


@pytest.fixture(scope="module")
def page(app_url):
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])
        pg = browser.new_page(viewport={"width": 1366, "height": 900})
        pg.console_errors = []
        pg.on("console", lambda m: pg.console_errors.append(m.text) if m.type == "error" else None)
        pg.goto(app_url)
        pg.wait_for_selector("#question textarea", timeout=60_000)
        # the local model loads in the background; the status line says when it is ready
        pg.wait_for_function("document.querySelector('#status-line').innerText.includes('就绪')", timeout=120_000)
        yield pg
        browser.close()


def _ask(page, question: str) -> dict:
    before = page.locator("#chat .message").count()
    page.fill("#question textarea", question)
    t0 = time.monotonic()
    page.click("#send")
    page.wait_for_function(
        """([n]) => { const m = document.querySelectorAll('#chat .message');
             return m.length >= n + 2 && m[m.length-1].innerText.replace('…','').trim().length > 0; }""",
        arg=[before], timeout=60_000)
    first = time.monotonic() - t0
    page.wait_for_function("document.querySelectorAll('#sources .source-card').length > 0 || "
                           "document.querySelector('#sources').innerText.includes('没有找到')", timeout=90_000)
    total = time.monotonic() - t0
    answer = page.locator("#chat .message").last.inner_text()
    cards = page.locator("#sources .source-card").all_inner_texts()
    return {"first": first, "total": total, "answer": answer, "cards": cards}


def test_ask_upload_ask(page):
    r = _ask(page, "示范区信访案件化解群众满意率是多少？")
    page.screenshot(path=str(ARTIFACTS / "01-answer.png"), full_page=True)
    print(f"\nbrowser: first streamed characters after {r['first']:.2f} s, complete after {r['total']:.2f} s")
    (ARTIFACTS / "timings.txt").write_text(f"first_chars_s={r['first']:.2f}\ntotal_s={r['total']:.2f}\n")
    assert "99.01%" in r["answer"]
    assert any("003_de095c37571e801a.txt" in c for c in r["cards"])
    assert page.locator("#sources mark").count() >= 1  # the cited span is highlighted
    assert page.locator("#chat a.cite").count() >= 1  # [n] markers link to the cards

    page.get_by_role("tab", name="文档管理").click()
    page.wait_for_selector("#documents")
    doc = ARTIFACTS / "图书馆 简讯.txt"
    doc.write_text(NEW_DOC, encoding="utf-8")
    page.locator("#upload input[type=file]").set_input_files(str(doc))
    page.wait_for_timeout(500)
    page.click("#upload-btn")
    page.wait_for_function("document.querySelector('#index-result').innerText.includes('已索引')", timeout=120_000)
    page.screenshot(path=str(ARTIFACTS / "02-uploaded.png"), full_page=True)
    assert "图书馆 简讯.txt" in page.locator("#index-result").inner_text()
    assert "图书馆 简讯.txt" in page.locator("#documents").inner_text()

    page.get_by_role("tab", name="问答").click()
    r = _ask(page, "2023年周口市图书馆共接待读者多少人次？")
    page.screenshot(path=str(ARTIFACTS / "03-new-document-answer.png"), full_page=True)
    assert "12万人次" in r["answer"]
    assert any("图书馆 简讯.txt" in c for c in r["cards"])
    assert page.evaluate("window.__xss === undefined")

    page.click("#clear")
    page.wait_for_function("document.querySelectorAll('#chat .message').length === 0", timeout=10_000)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(ARTIFACTS / "04-phone.png"), full_page=True)
    assert not [e for e in page.console_errors if "favicon" not in e], page.console_errors
