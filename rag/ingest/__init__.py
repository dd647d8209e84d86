"""Ingest: a file becomes articles and chunks — load (file → text, and typed blocks for formats with structure),
clean (PDF repairs), structure (articles with bulletin, 期号, date, 栏目 and title), chunk (sentence-aware passages
with their spans)."""
from .blocks import Block, BlockKind, DocHints, LoadedDocument, table_lines
from .chunking import chunk_article, chunk_articles
from .loaders import SUPPORTED, decode_text, load_document, load_text
from .outline import parse_loaded, read_document
from .structure import ParsedDocument, event_dates, parse_document

__all__ = ["SUPPORTED", "Block", "BlockKind", "DocHints", "LoadedDocument", "ParsedDocument", "chunk_article",
           "chunk_articles", "decode_text", "event_dates", "load_document", "load_text", "parse_document",
           "parse_loaded", "read_document", "table_lines"]
