"""Embedders behind one interface: the real multilingual-e5-small and a deterministic fake."""
from __future__ import annotations

from ..settings import Settings
from .base import Embedder


def make_embedder(settings: Settings) -> Embedder:
    """The embedder named by ``settings.embedder``; nothing heavy is loaded until first use."""
    if settings.embedder == "fake":
        from .fake import FakeEmbedder

        return FakeEmbedder()
    from .e5 import E5Embedder

    return E5Embedder(settings.models_dir, batch_size=settings.batch_size)


__all__ = ["Embedder", "make_embedder"]
