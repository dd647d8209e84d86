"""What the UI process shares between sessions: the settings and the current Assistant, swapped for a new
one when a re-index completes (requests in flight keep the one they started with), and the listing of the
index it serves. The index is read through ``rag.index.SearchBackend`` only, whichever store serves it."""
from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from rag.answer import Assistant
from rag.index import Facets, SearchBackend, open_index, published_generation
from rag.settings import Settings

from .render import as_text

log = logging.getLogger(__name__)
REFRESH_EVERY_S = 2.0  # how often a request checks whether `rag index` published a newer index


@dataclass(frozen=True)
class Listing:
    """What the UI shows of one opened index (status line, filter choices, document table), read once."""

    generation: str
    files: list[dict]  # SearchBackend.files() rows
    failed: dict[str, dict]  # key -> {"sha256", "error"}: files that could not be indexed
    facets: Facets
    counts: dict[str, int]
    built_at: str

    @classmethod
    def read(cls, index: SearchBackend) -> "Listing":
        return cls(generation=index.generation, files=index.files(), failed=dict(index.manifest.failed),
                   facets=index.facets(), counts=index.counts(), built_at=index.manifest.built_at)


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
        self._listing: Listing | None = None
        self._listing_lock = threading.Lock()
        self.error: str | None = None
        self.llm_state = "extractive" if settings.llm == "extractive" else "loading"
        self.llm_error: str | None = None
        self._open()

    def _open(self) -> bool:
        old = self._assistant
        try:
            # a re-index must not reload the embedding model: the new index reuses the loaded embedder
            embedder = old.index.embedder if old is not None else None
            index = open_index(self.settings, embedder)
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

    def _refresh_if_stale(self, every: float = REFRESH_EVERY_S) -> None:
        now = time.monotonic()
        if now - self._checked_at < every or self.index_lock.locked() or not self._refreshing.acquire(blocking=False):
            return
        try:
            self._checked_at = now
            try:
                current = published_generation(self.settings)
            except Exception as exc:  # a damaged CURRENT file, Qdrant unreachable: keep serving what is loaded
                log.warning("cannot read the published index generation: %s", exc)
                return
            with self._lock:
                served = self._assistant.index.generation if self._assistant is not None else None
            if current is not None and current not in (served, self._unopenable):
                log.info("index generation %s published outside the UI; switching to it", current)
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
        listing = self.listing()
        if listing is None:
            return f"**回答方式：** {llm} · {as_text(state)}"
        c, built = listing.counts, listing.built_at.replace("T", " ")[:16]
        return (f"**回答方式：** {llm} · {state}  \n**索引：** {c['files']} 个文件 · {c['articles']} 篇文章 · "
                f"{c['chunks']} 个段落 · 更新于 {built} (UTC)")

    def generation(self) -> str | None:
        """The index generation being served (changes whenever an update is published)."""
        a = self.assistant
        return a.index.generation if a is not None else None

    def listing(self) -> Listing | None:
        """The listing of the index being served, read once per generation (None: no index)."""
        a = self.assistant
        if a is None:
            return None
        with self._listing_lock:
            if self._listing is None or self._listing.generation != a.index.generation:
                try:
                    self._listing = Listing.read(a.index)
                except Exception as exc:  # a store that stopped answering: the last listing, if any, stays
                    log.warning("cannot list the index %s: %s", a.index.generation, exc)
            return self._listing

    def document_keys(self) -> list[str]:
        """Every document the corpus holds as the index knows it: indexed files, then files that failed."""
        listing = self.listing()
        if listing is None:
            return []
        return [f["key"] for f in listing.files] + sorted(listing.failed)

    def public_error(self, message: str | None = None) -> str:
        """An error as a browser may see it: the server's folders named by their last part, not their path."""
        text = str(self.error if message is None else message or "")
        for folder in (self.settings.index_dir, self.settings.corpus_dir, self.settings.models_dir):
            for form in {str(Path(folder).resolve()), str(folder)}:
                if len(form) > 1:
                    text = text.replace(form, Path(folder).name or "folder")
        return text

    def index_choices(self) -> tuple[list[str], list[str], list[str]]:
        """The choices of the file, section and issue filters."""
        listing = self.listing()
        if listing is None:
            return [], [], []
        return [f["key"] for f in listing.files], listing.facets.sections, listing.facets.issues
