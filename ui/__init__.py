"""The Gradio chat UI of 简报问答 (``rag ui``)."""
