"""简报问答 (bulletin Q&A): offline Chinese retrieval-augmented question answering over work bulletins."""

__version__ = "0.1.0"
