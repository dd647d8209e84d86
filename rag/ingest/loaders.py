"""Load a file into text: .txt/.md (UTF-8, then GB18030, else a clear error), .pdf (text layer), .docx."""
from __future__ import annotations

import codecs
import logging
import zipfile
from pathlib import Path

from ..errors import LoadError

log = logging.getLogger(__name__)

SUPPORTED = {".txt", ".md", ".pdf", ".docx"}


def decode_text(data: bytes, path: Path | str = "<bytes>") -> str:
    """Decode bytes as UTF-8 (BOM allowed), UTF-16 with a BOM, or GB18030; anything else is an error."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise LoadError(path, f"has a UTF-16 byte-order mark but is not valid UTF-16 ({exc.reason})") from exc
    if b"\x00" in data[:4096]:
        raise LoadError(path, "looks like a binary file (contains NUL bytes), not text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise LoadError(path, "is neither UTF-8 nor GB18030/GBK text") from exc
    # GB18030 maps almost any byte soup to *something*; demand that the result is mostly readable.
    readable = sum(1 for ch in text if ch.isprintable() or ch in "\r\n\t")
    if readable < 0.95 * max(1, len(text)):
        raise LoadError(path, "decodes as GB18030 only to unreadable characters; not a text file")
    log.info("%s: decoded as GB18030", Path(str(path)).name)
    return text


def _load_pdf(path: Path) -> str:
    try:
        from pypdf import PdfReader
        from pypdf.errors import PdfReadError
    except ImportError as exc:  # pragma: no cover
        raise ImportError("PDF support needs pypdf: pip install pypdf") from exc
    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted:
            try:
                if not reader.decrypt(""):
                    raise LoadError(path, "is an encrypted PDF (password required)")
            except LoadError:
                raise
            except Exception as exc:
                raise LoadError(path, f"is an encrypted PDF that cannot be opened ({exc})") from exc
        pages = [page.extract_text() or "" for page in reader.pages]
    except LoadError:
        raise
    except (PdfReadError, OSError, ValueError, KeyError, TypeError) as exc:
        raise LoadError(path, f"is not a readable PDF ({type(exc).__name__}: {exc})") from exc
    text = "\n".join(pages)
    if not text.strip():
        raise LoadError(path, "PDF has no text layer (scanned image?); OCR it first")
    return text


def _load_docx(path: Path) -> str:
    try:
        import docx
    except ImportError as exc:  # pragma: no cover
        raise ImportError("Word support needs python-docx: pip install python-docx") from exc
    if not zipfile.is_zipfile(path):
        raise LoadError(path, "is not a valid .docx (not a zip archive)")
    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises several unrelated types for broken packages
        raise LoadError(path, f"is not a valid .docx ({type(exc).__name__}: {exc})") from exc
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append(" ".join(cell.text for cell in row.cells))
    return "\n".join(parts)


def load_text(path: Path) -> str:
    """Return the raw text of a supported file or raise :class:`LoadError`."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        raise LoadError(path, f"unsupported file type {suffix or '(none)'}; supported: {', '.join(sorted(SUPPORTED))}")
    try:
        if suffix == ".pdf":
            text = _load_pdf(path)
        elif suffix == ".docx":
            text = _load_docx(path)
        else:
            text = decode_text(path.read_bytes(), path)
    except OSError as exc:
        raise LoadError(path, f"cannot be read ({exc.strerror or exc})") from exc
    if not text.strip():
        raise LoadError(path, "is empty (no text)")
    return text
