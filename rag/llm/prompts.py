"""The prompt texts (package data in ``rag/llm/prompts/``, or a folder of edited copies named by
``RAG_PROMPTS_DIR``) and the numbered passage block they are filled with. No LangChain here."""
from __future__ import annotations

from importlib import resources
from pathlib import Path

from ..text import sanitise_passage
from ..types import Hit, issue_label

PROMPT_NAMES = ("system.txt", "answer.txt", "rewrite.txt")


def load_prompt(name: str, prompts_dir: Path | None = None) -> str:
    """The text of prompt ``name``: from ``prompts_dir`` when given, else the copy shipped in the package."""
    if prompts_dir is not None:
        path = Path(prompts_dir) / name
        try:
            return path.read_text(encoding="utf-8").strip()
        except FileNotFoundError as exc:
            raise FileNotFoundError(f"prompt file {path} is missing (RAG_PROMPTS_DIR must hold "
                                    f"{', '.join(PROMPT_NAMES)})") from exc
    return resources.files(__package__).joinpath("prompts", name).read_text(encoding="utf-8").strip()


def passage_label(n: int, hit: Hit, with_meta: bool = False) -> str:
    """``[n]：text``; with ``with_meta`` also the article title, bulletin, issue, publication date and
    section (only for questions about them: a publication date next to the text is easily taken for the
    date of the event, a title for an answer, and every label costs prompt time)."""
    c = hit.chunk
    return label(n, c.text, with_meta, c.title, c.bulletin, c.issue, c.date_label() if c.date else None, c.section)


def label(n: int, text: str, with_meta: bool, title: str | None = None, bulletin: str | None = None,
          issue: str | None = None, date_label: str | None = None, section: str | None = None) -> str:
    """A passage as the prompt writes it (:func:`passage_label`); ``rag eval`` scores what the model read with it."""
    meta = ""
    if with_meta:
        bits = [bulletin, issue_label(issue), f"{date_label}出刊" if date_label else None, section]
        meta = "，".join(b for b in bits if b)
    shown_title = f"《{title}》" if title and with_meta else ""
    return f"[{n}]{shown_title}{'（' + meta + '）' if meta else ''}：{sanitise_passage(text)}"


def format_context(hits: list[Hit], with_meta: bool = False) -> str:
    return "\n".join(passage_label(n, h, with_meta) for n, h in enumerate(hits, 1))
