"""Secrets (the OpenAI-compatible API key) never reach logs, errors, reports or the UI: every such text
can be passed through :func:`redact`, and :class:`RedactingFilter` does it for log records."""
from __future__ import annotations

import logging

_SECRETS: set[str] = set()


def register_secret(value: str | None) -> None:
    """Remember a secret so that :func:`redact` masks it (short values are ignored: too many false hits)."""
    if value and len(value) >= 6 and value != "none":
        _SECRETS.add(value)


def redact(text: str) -> str:
    for secret in _SECRETS:
        if secret in text:
            text = text.replace(secret, "***")
    return text


class RedactingFilter(logging.Filter):
    """Masks registered secrets in a record's message and arguments."""

    def filter(self, record: logging.LogRecord) -> bool:
        if _SECRETS:
            message = record.getMessage()
            clean = redact(message)
            if clean != message:
                record.msg, record.args = clean, None
            if record.exc_info and record.exc_info[1] is not None:
                exc = record.exc_info[1]
                record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
                record.exc_info = None
                record.msg = f"{record.msg}\n{record.exc_text}" if exc else record.msg
                record.exc_text = None
        return True


def install_log_redaction() -> None:
    """Add the filter to every handler of the root logger (call after logging is configured)."""
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(RedactingFilter())
