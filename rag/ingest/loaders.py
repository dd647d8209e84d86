"""Load a file: one loader per file type (``LOADERS``), each giving a :class:`LoadedDocument` — text always,
blocks and hints where the format has them — or a :class:`LoadError` with a one-line reason. Text files are
UTF-8, UTF-16 with a byte-order mark, or GB18030; Office packages are checked before they are unpacked."""
from __future__ import annotations

import logging
import zipfile
from pathlib import Path
from typing import Callable

from ..errors import LoadError
from .blocks import LoadedDocument
from .files import check_zip, decode_text

log = logging.getLogger(__name__)


MAX_DOCX_PARAGRAPHS = 100_000  # a 1,000-page document has ~30,000


def _count_paragraphs(path: Path, limit: int) -> int:
    """``<w:p>`` elements in the body, counted while streaming (stops past ``limit``)."""
    count, tail = 0, b""
    with zipfile.ZipFile(path) as z, z.open("word/document.xml") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            data = tail + block
            count += data.count(b"<w:p>") + data.count(b"<w:p ") + data.count(b"<w:p/>")
            tail = data[-5:]
            count -= tail.count(b"<w:p>") + tail.count(b"<w:p ") + tail.count(b"<w:p/>")
            if count > limit:
                break
    return count


def _load_docx(path: Path) -> LoadedDocument:
    check_zip(path, ".docx")
    try:
        paragraphs = _count_paragraphs(path, MAX_DOCX_PARAGRAPHS)
    except KeyError as exc:
        raise LoadError(path, "is not a valid .docx (no word/document.xml)") from exc
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise LoadError(path, f"is not a valid .docx ({type(exc).__name__}: {exc})") from exc
    if paragraphs > MAX_DOCX_PARAGRAPHS:
        raise LoadError(path, f"has over {MAX_DOCX_PARAGRAPHS:,} paragraphs (a real document has far fewer); not read")
    from .word import load_docx_document

    return load_docx_document(path)


def _load_pdf(path: Path) -> LoadedDocument:
    from .pdf import load_pdf

    return load_pdf(path)


def _load_ofd(path: Path) -> LoadedDocument:
    from .ofd import load_ofd

    return load_ofd(path)


def _load_legacy_word(path: Path) -> LoadedDocument:
    """.doc and Kingsoft .wps: converted to .docx by LibreOffice, then read like any .docx."""
    from .convert import converted_docx

    with converted_docx(path) as docx_path:
        try:
            return _load_docx(docx_path)
        except LoadError as exc:  # name the user's file, not the temporary one
            raise LoadError(path, exc.problem) from exc


def _load_html(path: Path) -> LoadedDocument:
    from .web import load_html

    return load_html(path)


def _load_sheet(path: Path) -> LoadedDocument:
    from .sheets import load_sheet

    return load_sheet(path)


def _load_image(path: Path) -> LoadedDocument:
    """A photo or scan of a page, read by OCR."""
    from .ocr import ocr_image

    page = ocr_image(path)
    if not page.text.strip():
        raise LoadError(path, "OCR found no text in the image")
    return LoadedDocument(text=page.text, pages=1, ocr_confidence=[page.confidence],
                          notes=[f"read by OCR (confidence {page.confidence:.2f})"])


def _load_markdown(path: Path) -> LoadedDocument:
    from .markdown import load_markdown

    return load_markdown(path)


def _load_plain(path: Path) -> LoadedDocument:
    return LoadedDocument(decode_text(path.read_bytes(), path))


# suffix -> loader; each returns a LoadedDocument or raises LoadError with a one-line reason
LOADERS: dict[str, Callable[[Path], LoadedDocument]] = {
    ".txt": _load_plain, ".md": _load_markdown, ".pdf": _load_pdf, ".docx": _load_docx, ".ofd": _load_ofd,
    ".doc": _load_legacy_word, ".wps": _load_legacy_word, ".html": _load_html, ".htm": _load_html,
    ".xlsx": _load_sheet, ".csv": _load_sheet, ".png": _load_image, ".jpg": _load_image, ".jpeg": _load_image,
}
SUPPORTED = set(LOADERS)


def load_document(path: Path) -> LoadedDocument:
    """Load a supported file (text, blocks and hints) or raise :class:`LoadError`."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in LOADERS:
        raise LoadError(path, f"unsupported file type {suffix or '(none)'}; supported: {', '.join(sorted(SUPPORTED))}")
    try:
        loaded = LOADERS[suffix](path)
    except OSError as exc:
        raise LoadError(path, f"cannot be read ({exc.strerror or exc})") from exc
    if not loaded.text.strip():
        raise LoadError(path, "is empty (no text)")
    return loaded


def load_text(path: Path) -> str:
    """The plain text of a supported file (see :func:`load_document`)."""
    return load_document(path).text
