"""Secrets (the API keys of the LLM, embedding and Qdrant servers) never reach logs, errors, reports or the UI:
every such text can be passed through :func:`redact`, :class:`RedactingFilter` does it for log records, and
:func:`public_url` shows a server's address without the credentials a URL can carry."""
from __future__ import annotations

import logging
import re
from urllib.parse import urlsplit, urlunsplit

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


def public_url(url: str) -> str:
    """``url`` as errors and logs may show it: scheme, host, port and path, without the user name, password,
    query or fragment (where credentials hide)."""
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname or ""
        port = parts.port
    except ValueError:  # not a URL (a bad port, unbalanced brackets): shown without what precedes an "@"
        return redact(re.sub(r"//[^/]*@", "//", url.strip()))
    if ":" in host:
        host = f"[{host}]"
    netloc = f"{host}:{port}" if port else host
    return redact(urlunsplit((parts.scheme, netloc, parts.path, "", "")))


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
