"""What the UI process shares between sessions: the settings and the current Assistant, swapped for a new
one when a re-index completes (requests in flight keep the one they started with)."""
from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

from rag.answer import Assistant
from rag.index import BulletinIndex, current_generation
from rag.settings import Settings

from .render import as_text

log = logging.getLogger(__name__)


class AppState:
    def __init__(self, settings: Settings, chat_model=None):
        self.settings = settings
        self._chat_model = chat_model
        self._lock = threading.Lock()
        self.index_lock = threading.Lock()  # one re-index at a time from the UI
        self._assistant: Assistant | None = None
        self._checked_at = time.monotonic()
        self._refreshing = threading.Lock()  # one request checks for a newer generation at a time
        self._unopenable = None  # a published generation that failed to open: not retried every 2 s
        self.error: str | None = None
        self.llm_state = "extractive" if settings.llm == "extractive" else "loading"
        self.llm_error: str | None = None
        self._open()

    def _open(self) -> bool:
        old = self._assistant
        try:
            # a re-index must not reload the embedding model: the new index reuses the loaded embedder
            embedder = old.index.embedder if old is not None else None
            index = BulletinIndex.open(self.settings, embedder)
            assistant = Assistant(self.settings, index, chat_model=self._chat_model)
        except Exception as exc:  # shown in the UI instead of a crash
            self.error = str(exc)
            log.warning("index not available: %s", exc)
            return False
        if old is not None and old._chain is not None:
            assistant._chain = old._chain
        with self._lock:
            self._assistant = assistant
            self.error = None
        return True

    @property
    def assistant(self) -> Assistant | None:
        """The Assistant new questions use; picks up an index that `rag index` (CLI) published meanwhile."""
        self._refresh_if_stale()
        with self._lock:
            return self._assistant

    def _refresh_if_stale(self, every: float = 2.0) -> None:
        now = time.monotonic()
        if now - self._checked_at < every or self.index_lock.locked() or not self._refreshing.acquire(blocking=False):
            return
        try:
            self._checked_at = now
            try:
                current = current_generation(self.settings.index_dir)
            except Exception as exc:  # a damaged CURRENT file: keep serving what is loaded
                log.warning("cannot read the published index generation: %s", exc)
                return
            with self._lock:
                served = self._assistant.index.folder if self._assistant is not None else None
            if current is not None and current not in (served, self._unopenable):
                log.info("index generation %s published outside the UI; switching to it", current.name)
                self._unopenable = None if self._open() else current
        finally:
            self._refreshing.release()

    def reload(self) -> None:
        """Open the newly published index generation and make it the one new questions use."""
        self._open()

    def warm_up_async(self) -> None:
        """Load the embedder and (for the local backend) the LLM in the background."""
        def run():
            t0 = time.monotonic()
            try:
                a = self.assistant
                if a is not None:
                    a.warm_up()
                self.llm_state = "extractive" if self.settings.llm == "extractive" else "ready"
                log.info("warm-up done in %.1f s", time.monotonic() - t0)
            except Exception as exc:
                self.llm_state = "error"
                self.llm_error = f"{type(exc).__name__}: {exc}"
                log.warning("LLM warm-up failed: %s", self.llm_error)
        threading.Thread(target=run, name="warm-up", daemon=True).start()

    def status_markdown(self) -> str:
        llm = {"local": "本地模型 Qwen2.5-1.5B", "openai": f"OpenAI 兼容接口（{self.settings.llm_model or '默认模型'}）",
               "extractive": "原文摘录（不使用大模型）"}[self.settings.llm]
        state = {"loading": "模型加载中…（加载完成前提问会稍慢）", "ready": "就绪", "extractive": "就绪",
                 "error": f"模型不可用：{self.public_error(self.llm_error)}"}[self.llm_state]
        if self.error:
            return f"**回答方式：** {llm} · {as_text(state)}  \n**索引：** {as_text(self.public_error())}"
        a = self.assistant
        c = a.index.store.counts()
        built = a.index.manifest.built_at.replace("T", " ")[:16]
        return (f"**回答方式：** {llm} · {state}  \n**索引：** {c['files']} 个文件 · {c['articles']} 篇文章 · "
                f"{c['chunks']} 个段落 · 更新于 {built} (UTC)")

    def generation(self) -> str | None:
        """The name of the index generation being served (changes whenever an update is published)."""
        a = self.assistant
        return a.index.folder.name if a is not None else None

    def document_keys(self) -> list[str]:
        """Every document the corpus holds as the index knows it: indexed files, then files that failed."""
        a = self.assistant
        if a is None:
            return []
        return [f["key"] for f in a.index.store.files()] + sorted(a.index.manifest.failed)

    def public_error(self, message: str | None = None) -> str:
        """An error as a browser may see it: the server's folders named by their last part, not their path."""
        text = str(self.error if message is None else message or "")
        for folder in (self.settings.index_dir, self.settings.corpus_dir, self.settings.models_dir):
            for form in {str(Path(folder).resolve()), str(folder)}:
                if len(form) > 1:
                    text = text.replace(form, Path(folder).name or "folder")
        return text

    def index_choices(self) -> tuple[list[str], list[str], list[str]]:
        a = self.assistant
        if a is None:
            return [], [], []
        files = [f["key"] for f in a.index.store.files()]
        rows = a.index.store.db.execute("SELECT DISTINCT section FROM articles WHERE section IS NOT NULL").fetchall()
        issues = a.index.store.db.execute("SELECT DISTINCT issue FROM articles WHERE issue IS NOT NULL").fetchall()
        return files, sorted(r[0] for r in rows), sorted(r[0] for r in issues)
