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


ITEM_START = re.compile(r"^(?:[一二三四五六七八九十]{1,3}、(?![一二三四五六七八九十两])|[（(][一二三四五六七八九十\d]{1,3}[)）]|\d{1,2}[.．、](?![\d.．、])|[①-⑳])")


def starts_item(text: str) -> bool:
    """A line that opens a numbered item or heading (一、 / （二） / 3. / ④): never the continuation of a
    wrapped line (a decimal such as ``1.5万`` or ``3、4月`` is not a marker)."""
    return bool(ITEM_START.match(text))
