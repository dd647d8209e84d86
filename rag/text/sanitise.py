"""Text from documents and questions is data: chat-template tokens, citation-like markers and the
prompt's own delimiters inside it are neutralised before a model sees it."""
from __future__ import annotations

import re

_FAKE_MARKER = re.compile(r"[\[【［]\s*(\d{1,2})\s*[\]】］]")
_SPECIAL_TOKEN = re.compile(r"<\|[A-Za-z_\-]{1,30}\|>|</?(?:system|assistant|user)>", re.I)


def strip_special_tokens(text: str) -> str:
    """Chat-template tokens (<|im_start|>, <|endoftext|> …) in a document or a question would be parsed
    as real turn boundaries by the server: drop them."""
    return _SPECIAL_TOKEN.sub(" ", text)


def sanitise_passage(text: str) -> str:
    """Passage text is data: neutralise citation-like markers, chat-template tokens and our own
    delimiters inside it."""
    text = _FAKE_MARKER.sub(r"(\1)", strip_special_tokens(text))
    return text.replace("<资料>", "《资料》").replace("</资料>", "《/资料》")
