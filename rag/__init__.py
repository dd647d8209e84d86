"""简报问答 (bulletin Q&A): offline Chinese retrieval-augmented question answering over work bulletins.

The data path, one sub-package per stage: ``ingest`` (file → articles → chunks) → ``embeddings`` → ``index``
(store, manifest, generations, reader, writer) → ``retrieval`` → ``answer`` (with ``llm``) → ``cli`` / the
``ui`` package; ``eval`` scores it. Shared: ``text`` (Chinese text helpers), ``types``, ``errors``,
``settings``, ``redact``. Nothing heavy is imported here.
"""

__version__ = "0.1.0"
