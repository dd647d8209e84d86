"""Sentence and clause spans of Chinese text (offsets into the text, covering it without gaps)."""
from __future__ import annotations

import re

SENTENCE_END = "。！？"
CLOSERS = "”’」』）)"  # closing quotes/brackets that may follow a sentence end
_SENT_RE = re.compile(r"[^。！？；\n]*(?:[。！？；]+[”’」』）)]*|\n|$)")
_CLAUSE_RE = re.compile(r"[^，。！？；：\n]*(?:[，。！？；：]+[”’」』）)]*|\n|$)")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Spans of sentences (ending at 。！？； or a line end), covering the text without gaps."""
    return [(m.start(), m.end()) for m in _SENT_RE.finditer(text) if m.end() > m.start()]


def clauses(text: str) -> list[tuple[int, int]]:
    """Spans of clauses (split at ，。！？；： and line ends), covering the text."""
    return [(m.start(), m.end()) for m in _CLAUSE_RE.finditer(text) if m.end() > m.start()]


def ends_sentence(text: str) -> bool:
    """True when the text ends a sentence (。！？ possibly followed by a closing quote or bracket)."""
    t = text.rstrip()
    while t and t[-1] in CLOSERS:
        t = t[:-1]
    return bool(t) and (t[-1] in SENTENCE_END or t.endswith("……"))
