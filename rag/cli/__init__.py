"""CLI: the `rag` command — one module per command group (``index``: build/update/status/chunks; ``ask``:
ask/retrieve/chat; ``evaluate``: eval), all on the group in ``base``; `rag ui` comes from the ``ui`` package
through the ``rag.commands`` entry point."""
from . import ask, evaluate, index  # noqa: F401  (register their commands on the group)
from .base import main

__all__ = ["main"]
