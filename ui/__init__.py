"""UI: the Gradio chat app of 简报问答 (``rag ui``) — the chat tab with streamed, cited answers and a sources
panel (``app``, ``render``), the document tab (``documents``: upload, delete, re-index) and the shared
per-process state (``state``: the assistant, re-opened when a new index is published). ``cli`` holds the
`rag ui` command, registered through the ``rag.commands`` entry point."""
