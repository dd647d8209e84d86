"""The LangChain part: chat models for the local and OpenAI-compatible backends, the LCEL answer and
follow-up rewrite chains built from the prompt files, and a LangChain retriever over the hybrid search.

LangChain is imported only here (and only when a chain is built).
"""
from __future__ import annotations

import logging
import math
import re
from pathlib import Path

from ..settings import Settings
from ..types import Hit, TokenChoice
from .prompts import format_context, load_prompt

log = logging.getLogger(__name__)

FIRST_TOKEN_CHOICES = 20  # top_logprobs asked for: OpenAI allows at most 20


def _lc():
    try:
        from langchain_core.output_parsers import StrOutputParser
        from langchain_core.prompts import ChatPromptTemplate
    except ImportError as exc:  # pragma: no cover
        raise ImportError("the answer chain needs langchain-core: pip install langchain-core") from exc
    return ChatPromptTemplate, StrOutputParser


def make_chat_model(settings: Settings):
    """A LangChain chat model for ``settings.llm`` (``local`` or ``openai``); both speak the OpenAI API."""
    try:
        from langchain_openai import ChatOpenAI
    except ImportError as exc:  # pragma: no cover
        raise ImportError("LLM backends need langchain-openai: pip install langchain-openai") from exc
    if settings.llm == "local":
        from .local_server import get_local_server

        server = get_local_server(settings.models_dir, n_ctx=settings.llm_ctx, threads=settings.llm_threads,
                                  lookup_draft=settings.llm_lookup_draft)
        base_url, model, key = server.base_url, "local", "none"
    elif settings.llm == "openai":
        base_url, model, key = settings.llm_base_url, settings.llm_model or "default", settings.llm_api_key or "none"
    else:
        raise ValueError(f"backend {settings.llm!r} has no chat model")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpx2").setLevel(logging.WARNING)
    return ChatOpenAI(base_url=base_url, api_key=key, model=model, temperature=0, streaming=True,
                      max_tokens=settings.llm_max_tokens, stream_usage=True, timeout=120, max_retries=1)


class AnswerChain:
    """``prompt | chat model | string parser`` (LCEL), streamed; usage metadata is captured."""

    def __init__(self, chat_model, prompts_dir: Path | None = None, token_probs: bool = False):
        ChatPromptTemplate, StrOutputParser = _lc()
        system = load_prompt("system.txt", prompts_dir)
        human = load_prompt("answer.txt", prompts_dir)
        self.prompt = ChatPromptTemplate.from_messages([("system", system), ("human", human)])
        self.model = chat_model
        self.token_probs = token_probs  # the endpoint gives the first token's top choices (llama.cpp's server)
        self.chain = self.prompt | chat_model
        rewrite = load_prompt("rewrite.txt", prompts_dir)
        self.rewrite_chain = ChatPromptTemplate.from_messages([("human", rewrite)]) | chat_model | StrOutputParser()

    def stream(self, question: str, hits: list[Hit], with_meta: bool = False, usage: dict | None = None,
               banned: tuple[int, ...] = ()):
        """Yield text deltas of the answer; the request's token counts go into ``usage`` (per call, so that
        concurrent requests sharing this chain never see each other's). ``banned``: token ids the model may not
        generate anywhere in this answer (OpenAI's ``logit_bias``)."""
        chain = self.prompt | self.model.bind(logit_bias={str(t): -100 for t in banned}) if banned else self.chain
        for chunk in chain.stream({"context": format_context(hits, with_meta), "question": question}):
            if getattr(chunk, "usage_metadata", None) and usage is not None:
                usage.update(chunk.usage_metadata)
            if chunk.content:
                yield chunk.content

    def first_token(self, question: str, hits: list[Hit], with_meta: bool = False,
                    top: int = FIRST_TOKEN_CHOICES) -> list[TokenChoice] | None:
        """The model's most likely first tokens of the answer to this prompt, most likely first; None when this
        chain was not told its endpoint gives them (``token_probs``: the local llama.cpp server does) or the
        endpoint gave none (or none with token ids). Asked right after the same prompt was answered, llama.cpp
        reads it from its prompt cache: one generated token (~0.1 s on 2 cores)."""
        if not self.token_probs:
            return None
        model = self.model.bind(max_tokens=1, logprobs=True, top_logprobs=top)
        try:
            message = (self.prompt | model).invoke({"context": format_context(hits, with_meta), "question": question})
            first = message.response_metadata["logprobs"]["content"][0]["top_logprobs"]
            return [TokenChoice(int(c["id"]), c["token"], math.exp(c["logprob"])) for c in first]
        except Exception as exc:  # noqa: BLE001 - no probabilities from this endpoint: the caller decides without
            log.info("the model gave no token probabilities (%s)", type(exc).__name__)
            return None

    def rewrite(self, question: str, history: list[str]) -> str:
        text = self.rewrite_chain.invoke({"history": "\n".join(f"- {h}" for h in history[-3:]), "question": question})
        text = text.strip().splitlines()[0].strip() if text.strip() else ""
        text = re.sub(r"^(改写后的问题|问题)[:：]\s*", "", text)
        return text if 2 <= len(text) <= 200 else question


def langchain_retriever(retriever, k: int = 6, mode: str = "hybrid", filters=None):
    """The hybrid search as a LangChain ``BaseRetriever`` (documents carry the chunk metadata)."""
    from langchain_core.documents import Document
    from langchain_core.retrievers import BaseRetriever

    class BulletinRetriever(BaseRetriever):
        def _get_relevant_documents(self, query: str, *, run_manager=None) -> list[Document]:
            hits = retriever.retrieve(query, k=k, mode=mode, filters=filters)
            return [Document(page_content=h.chunk.text, id=h.chunk.id,
                             metadata={**h.chunk.to_dict(), "score": h.score, "rank": h.rank}) for h in hits]

    return BulletinRetriever()
