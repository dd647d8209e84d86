"""#15: when every answer slot is busy, a question from the browser waits its turn in FIFO order and the chat
shows its queue position (Gradio's status tracker: "queue: 1/1"), then it is answered. Real chromium; the
slots are held by four /ask API clients whose (fake) model streams slowly."""
import json
import threading
import time
from pathlib import Path

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel

from ..conftest import ROOT, serve_ui

pytestmark = pytest.mark.integration
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"
ANSWER = "示范区信访案件化解的群众满意率达到99.01%[1]。"
SLOTS = 4  # ui/app.py: the "ask" events share concurrency_limit=4


def test_a_waiting_question_shows_its_queue_position(fake_index_settings):
    if not CHROMIUM.exists():
        pytest.fail("Debian chromium is required for the browser test: apt-get install chromium")
    from gradio_client import Client
    from playwright.sync_api import sync_playwright

    slow = FakeListChatModel(responses=[ANSWER], sleep=0.25)  # ~6 s per streamed answer
    demo, url = serve_ui(fake_index_settings, chat_model=slow)
    busy_done: list[float] = []

    def busy():
        Client(url, verbose=False).predict("示范区信访案件化解群众满意率是多少？", "[]", api_name="/ask")
        busy_done.append(time.monotonic())

    try:
        ARTIFACTS.mkdir(exist_ok=True)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                        args=["--no-sandbox", "--disable-gpu", "--no-first-run"])
            page = browser.new_page(viewport={"width": 1366, "height": 900})
            page.goto(url)
            page.wait_for_selector("#question textarea", timeout=60_000)
            threads = [threading.Thread(target=busy) for _ in range(SLOTS)]
            [t.start() for t in threads]
            time.sleep(2.0)  # the four API calls hold every slot
            page.fill("#question textarea", "示范区信访案件化解群众满意率是多少？")
            page.click("#send")
            page.wait_for_function("document.body.innerText.includes('queue: 1/')", timeout=10_000)
            page.screenshot(path=str(ARTIFACTS / "05-queued.png"), full_page=True)
            page.wait_for_function(
                "Array.from(document.querySelectorAll('#chat .message')).some(m => m.innerText.includes('99.01%'))",
                timeout=60_000)
            answered = time.monotonic()
            [t.join(60) for t in threads]
            browser.close()
    finally:
        demo.close()
    assert len(busy_done) == SLOTS
    assert answered >= min(busy_done)  # it waited for a slot (FIFO), and then it was answered
    (ARTIFACTS / "queue.json").write_text(json.dumps({"shown": "queue: 1/", "slots": SLOTS}), encoding="utf-8")
