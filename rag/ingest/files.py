"""Reading file bytes safely: text decoding (UTF-8, UTF-16 with a byte-order mark, GB18030) and the checks an
Office-style zip package (.docx, .xlsx, .ofd) passes before anything in it is unpacked. Every loader imports
these from here, so no loader depends on another."""
from __future__ import annotations

import codecs
import logging
import zipfile
from pathlib import Path

from ..errors import LoadError

log = logging.getLogger(__name__)

# Limits on what one document may cost to parse. Calibrated against real office files: a 300-page Word
# report unpacks to ~15 MB at a ratio of ~5-10 and holds ~10,000 paragraphs; the pathological uploads of
# #15 (45-63 KB .docx with 1-3 M empty paragraphs, 32-219 s to parse) unpack at ratios of ~200-600.
MAX_UNPACKED_MB = 200  # all members of an Office zip together
MAX_ZIP_RATIO = 100  # unpacked/packed size, for packages that unpack to more than ZIP_RATIO_FROM_MB
ZIP_RATIO_FROM_MB = 5
MAX_ZIP_MEMBERS = 5000


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


def check_zip(path: Path, kind: str) -> None:
    """Refuse, before anything is unpacked, an Office package that would cost more than any real document:
    too many members, too much unpacked data, or a compression ratio only a zip bomb has."""
    if not zipfile.is_zipfile(path):
        raise LoadError(path, f"is not a valid {kind} (not a zip archive)")
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise LoadError(path, f"is not a valid {kind} ({exc})") from exc
    unpacked = sum(i.file_size for i in infos)
    packed = max(1, sum(i.compress_size for i in infos))
    if len(infos) > MAX_ZIP_MEMBERS:
        raise LoadError(path, f"has {len(infos)} parts inside (limit {MAX_ZIP_MEMBERS}); not read")
    if unpacked > MAX_UNPACKED_MB * 2**20:
        raise LoadError(path, f"unpacks to {unpacked / 2**20:.0f} MB (limit {MAX_UNPACKED_MB} MB); not read")
    if unpacked > ZIP_RATIO_FROM_MB * 2**20 and unpacked / packed > MAX_ZIP_RATIO:
        raise LoadError(path, f"unpacks {unpacked / packed:.0f} times larger than the file (a zip bomb?); not read")


