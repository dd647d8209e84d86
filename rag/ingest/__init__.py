"""Ingest: a file becomes articles and chunks — load (file → text), clean (PDF repairs), structure
(articles with bulletin, 期号, date, 栏目 and title), chunk (sentence-aware passages with their spans)."""
from .chunking import chunk_article, chunk_articles
from .loaders import SUPPORTED, decode_text, load_text
from .structure import ParsedDocument, event_dates, parse_document

__all__ = ["SUPPORTED", "ParsedDocument", "chunk_article", "chunk_articles", "decode_text", "event_dates",
           "load_text", "parse_document"]
