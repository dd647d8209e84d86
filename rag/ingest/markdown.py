"""Markdown (.md) as blocks: ``#`` headings, paragraphs, ordered and bullet lists (their numbers kept),
tables and block quotes, parsed with markdown-it-py (CommonMark + tables; already a Gradio dependency) rather
than read as text, where ``#``, ``>`` and ``|`` would end up inside the answers."""
from __future__ import annotations

from pathlib import Path

from .blocks import Block, BlockKind, LoadedDocument, block_lines
from .files import decode_text


def markdown_blocks(text: str) -> list[Block]:
    try:
        from markdown_it import MarkdownIt
    except ImportError as exc:  # pragma: no cover
        raise ImportError("Markdown support needs markdown-it-py: pip install markdown-it-py") from exc
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    blocks: list[Block] = []
    lists: list[list] = []  # stack of [ordered, next number]
    heading: int | None = None
    item_prefix: str | None = None
    rows: list[list[str]] | None = None
    for t in tokens:
        if t.type == "heading_open":
            heading = int(t.tag[1])
        elif t.type == "heading_close":
            heading = None
        elif t.type in ("ordered_list_open", "bullet_list_open"):
            lists.append([t.type.startswith("ordered"), int(t.attrGet("start") or 1)])
        elif t.type in ("ordered_list_close", "bullet_list_close"):
            lists.pop()
        elif t.type == "list_item_open" and lists:
            ordered, number = lists[-1]
            item_prefix = f"{number}. " if ordered else "• "
            lists[-1][1] += 1
        elif t.type == "table_open":
            rows = []
        elif t.type == "table_close":
            blocks.append(Block(BlockKind.TABLE, rows=rows or []))
            rows = None
        elif t.type == "tr_open" and rows is not None:
            rows.append([])
        elif t.type == "inline":
            content = "".join(c.content for c in (t.children or []) if c.type in ("text", "code_inline")) \
                or t.content
            if rows is not None:
                rows[-1].append(content)
            elif heading == 1 and not blocks:
                blocks.append(Block(BlockKind.TITLE, content))
            elif heading is not None:
                blocks.append(Block(BlockKind.HEADING, content, level=heading))
            elif item_prefix is not None:
                blocks.append(Block(BlockKind.LIST_ITEM, item_prefix + content))
                item_prefix = None
            else:
                blocks.extend(Block(BlockKind.PARAGRAPH, line) for line in content.splitlines() if line.strip())
    return blocks


def load_markdown(path: Path) -> LoadedDocument:
    blocks = markdown_blocks(decode_text(Path(path).read_bytes(), path))
    return LoadedDocument(text="\n".join(block_lines(blocks)), blocks=blocks)
