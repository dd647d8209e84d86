"""Legacy Word (.doc) and Kingsoft WPS Writer (.wps) files become a temporary .docx, converted by LibreOffice
headless, so that the .docx reader (heading styles, lists, tables) reads them too.

Why LibreOffice: it is the only offline converter that keeps the structure the ingest needs. Heading styles
survive .doc → .docx by name ("Title", "Heading 1", "Heading 2"), tables stay tables, and it reads what offices
actually save under a .doc/.wps name: Word 97-2003 binaries, Kingsoft WPS .wps (an OLE compound file with a
Word-97 ``WordDocument`` stream plus ``WpsCustomData``; LibreOffice lists ``wps`` as a Word 97 extension and
sniffs the content, so no ``--infilter`` is forced — forcing "MS Word 97" would break real MS Works .wps), RTF
and HTML. ``antiword``/``catdoc`` (~0.6 MB each) only give flowing plain text: no heading styles, no tables,
no RTF/HTML; both read the two genuine WPS samples tried, and both refuse encrypted files.

Measured (Debian 12, LibreOffice 7.4.7, 2 cores shared with other jobs):
* ``apt-get install --no-install-recommends libreoffice-writer-nogui``: 50 packages, 85.9 MB download
  (3.5 s from the mirror), 263 MB installed, 29 s to install. ``libreoffice-writer`` (with GUI) is 53 packages,
  92.3 MB, 291 MB; ``libreoffice-core-nogui`` alone has no Writer and cannot open a .doc. No CJK fonts are
  needed: with only OpenSymbol (``fonts-opensymbol``, a dependency) the Chinese text converts intact; with no
  font at all soffice aborts ("No fonts could be found on the system").
* .doc → .docx, each call a fresh soffice with a fresh private profile: 1 page 1.7 s on the first call,
  1.2-1.4 s later; 49 pages 1.6-2.0 s; 481 pages 9.4 s (with the 2 cores busy, load ~8: 2.5-3.2 s, 3.1-3.7 s,
  12.5 s). Start-up dominates; ~0.02 s per page. Reusing a profile saved nothing measurable, so every call gets
  its own (parallel calls and a running desktop LibreOffice then never clash). Six 49-page files in one soffice
  call took 7.1 s against ~3 s each alone: batching is the next speed-up if whole folders of .doc arrive.
* ``CONVERT_TIMEOUT_S`` = 120 s: six times a 1,000-page document (~20 s), room for two conversions at once on
  a busy 2-core machine; then the whole process group is killed.

soffice exits 0 even when it converts nothing ("Error: source file could not be loaded" on stderr), so success
is "the .docx exists and is a zip", never the exit status. Content decides, not the extension
(:func:`magic_kind`): RTF and HTML saved as .doc go to LibreOffice under their real extension (HTML needs the
Writer HTML filter, otherwise "no export filter"); Word "single file web page" (MHT) saved as .doc has its HTML
part unpacked first (LibreOffice 7.4 reads MHT as plain text); a .docx saved as .wps/.doc is copied as is;
plain text is decoded (UTF-8/GB18030) and written with python-docx; a PDF is refused with the fix. Encrypted
Word files (FIB ``fEncrypted``/``fObfuscated``) and encrypted OOXML packages (``EncryptedPackage`` stream) are
refused before LibreOffice runs; headless LibreOffice would only say "could not be loaded"."""
from __future__ import annotations

import contextlib
import email
import logging
import os
import re
import shutil
import signal
import struct
import subprocess
import tempfile
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

from ..errors import LoadError

log = logging.getLogger(__name__)

CONVERTIBLE = {".doc", ".wps"}
CONVERT_TIMEOUT_S = 120.0
SOFFICE_NAMES = ("soffice", "libreoffice")
INSTALL_HINT = ("needs LibreOffice to read .doc/.wps files: install it with "
                "`apt-get install libreoffice-writer-nogui` (run.sh does this)")
HTML_FILTER = "HTML (StarWriter)"  # Writer's HTML import; the default (Writer/Web) has no .docx export
MAGIC_BYTES = 8192  # how much of the head magic_kind reads

_OLE_MAGIC = bytes.fromhex("d0cf11e0a1b11ae1")
_OLE_END = 0xFFFFFFFE  # ENDOFCHAIN; any id >= 0xFFFFFFFA ends a chain
_FIB_IDENTS = {0xA5EC, 0xA5DC}  # Word 97-2003, Word 6/95
_FIB_ENCRYPTED, _FIB_OBFUSCATED = 0x0100, 0x8000
_XML_UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # python-docx refuses these


# ---------------------------------------------------------------------------------------------- content sniffing
def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    for encoding in ("utf-8", "gb18030"):
        for cut in range(4):  # the head may end inside a multi-byte character
            try:
                text = head[:len(head) - cut].decode(encoding)
            except UnicodeDecodeError:
                continue
            readable = sum(1 for ch in text if ch.isprintable() or ch in "\r\n\t\f")
            return readable >= 0.95 * max(1, len(text))
    return False


def magic_kind(path: Path | str) -> str:
    """What a file is by its first bytes, whatever its extension says: "ole" (Word 97-2003 .doc, WPS .wps,
    encrypted Office files), "zip" (.docx/.odt…), "rtf", "html", "mht" (MIME web archive, Word's single-file web
    page), "pdf", "text", or "unknown" (also for an empty file)."""
    with open(path, "rb") as fh:
        head = fh.read(MAGIC_BYTES)
    if head.startswith(_OLE_MAGIC):
        return "ole"
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "zip"
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 with BOM: sniff its text as UTF-8
        head = head.decode("utf-16", errors="ignore").encode("utf-8")
    stripped = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    lowered = stripped[:2048].lower()
    if stripped.startswith(b"{\\rtf"):
        return "rtf"
    if lowered.startswith((b"mime-version:", b"from:", b"content-type:")) and b"multipart/" in lowered:
        return "mht"
    if lowered.startswith(b"<") and any(tag in lowered for tag in (b"<html", b"<!doctype html", b"<body", b"<head")):
        return "html"
    if head and _looks_like_text(head):
        return "text"
    return "unknown"


def _ole_encryption(path: Path) -> str | None:
    """Why an OLE compound file cannot be read without a password, or None (also when its structure cannot be
    parsed: LibreOffice then decides). Reads the header, the FAT, the directory and the Word FIB only."""
    try:
        with open(path, "rb") as fh:
            header = fh.read(512)
            shift = struct.unpack_from("<H", header, 0x1E)[0]
            size = 1 << shift
            if size not in (512, 4096):
                return None
            n_sectors = os.fstat(fh.fileno()).st_size // size + 1

            def sector(sid: int) -> bytes:
                fh.seek((sid + 1) * size)
                return fh.read(size)

            fat_sids = [s for s in struct.unpack_from("<109I", header, 0x4C) if s < 0xFFFFFFFA]
            difat, n_difat = struct.unpack_from("<II", header, 0x44)
            for _ in range(min(n_difat, n_sectors)):
                if difat >= 0xFFFFFFFA:
                    break
                entries = struct.unpack(f"<{size // 4}I", sector(difat))
                fat_sids += [s for s in entries[:-1] if s < 0xFFFFFFFA]
                difat = entries[-1]
            fat: list[int] = []
            for sid in fat_sids[:n_sectors]:
                fat += struct.unpack(f"<{size // 4}I", sector(sid))

            sid, entries_seen = struct.unpack_from("<I", header, 0x30)[0], 0
            cutoff = struct.unpack_from("<I", header, 0x38)[0]
            while sid < 0xFFFFFFFA and sid < len(fat) and entries_seen < n_sectors:
                block = sector(sid)
                for off in range(0, len(block) - 127, 128):
                    name_len = struct.unpack_from("<H", block, off + 0x40)[0]
                    name = block[off:off + max(0, name_len - 2)].decode("utf-16-le", errors="replace")
                    start, length = struct.unpack_from("<II", block, off + 0x74)
                    if name == "EncryptedPackage":
                        return "is a password-protected (encrypted) Office document; save it without a password"
                    if name == "WordDocument" and length >= cutoff and start < 0xFFFFFFFA:
                        fib = sector(start)
                        ident, flags = struct.unpack_from("<H", fib, 0)[0], struct.unpack_from("<H", fib, 0x0A)[0]
                        if ident in _FIB_IDENTS and flags & (_FIB_ENCRYPTED | _FIB_OBFUSCATED):
                            return "is a password-protected (encrypted) Word document; save it without a password"
                sid, entries_seen = fat[sid], entries_seen + 1
    except (OSError, struct.error, IndexError, ValueError):
        return None
    return None


# ---------------------------------------------------------------------------------------------- LibreOffice
def soffice_path() -> str | None:
    """The LibreOffice executable on PATH (``soffice``, else ``libreoffice``), or None."""
    for name in SOFFICE_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def _error_line(stderr: str, work: Path) -> str:
    """The line of soffice's stderr worth showing: its own "Error: …", else the first line (a crash prints its
    cause, e.g. "No fonts could be found on the system.", before the stack); no javaldx noise, no temp paths."""
    lines = [ln.strip() for ln in stderr.splitlines() if ln.strip() and "javaldx" not in ln]
    errors = [ln for ln in lines if ln.startswith("Error")]
    line = (errors or lines or ["no message"])[0]
    return line.replace(f"{work}{os.sep}", "")[:200]


def _run_soffice(path: Path, src: Path, work: Path, timeout_s: float, infilter: str | None) -> Path:
    """Convert ``src`` (a private copy of ``path``) into ``work/out``; return the .docx or raise LoadError."""
    exe = soffice_path()
    if exe is None:
        raise LoadError(path, INSTALL_HINT)
    outdir = work / "out"
    outdir.mkdir()
    cmd = [exe, f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless", "--invisible", "--norestore",
           "--nolockcheck", "--nodefault", "--nologo"]
    if infilter:
        cmd.append(f"--infilter={infilter}")
    cmd += ["--convert-to", "docx", "--outdir", str(outdir), str(src)]
    (work / "tmp").mkdir()
    env = {**os.environ, "TMPDIR": str(work / "tmp")}  # what a killed or crashed soffice leaves goes with `work`
    started = time.monotonic()
    try:
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                cwd=work, env=env, start_new_session=True)  # own process group, killed as one
    except OSError as exc:
        raise LoadError(path, f"LibreOffice could not be started ({exc.strerror or exc}); {INSTALL_HINT}") from exc
    try:
        _, err = proc.communicate(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.communicate(timeout=10)
        log.warning("%s: conversion stopped after %.0f s", path.name, timeout_s)
        raise LoadError(path, f"LibreOffice did not finish converting it within {timeout_s:g} s "
                              "(CONVERT_TIMEOUT_S); stopped — the file may be damaged or huge") from None
    reason = _error_line(err.decode("utf-8", errors="replace"), work)
    produced = outdir / f"{src.stem}.docx"
    if not produced.is_file() or produced.stat().st_size == 0:
        if proc.returncode:
            problem = f"LibreOffice failed converting it (exit status {proc.returncode}: {reason})"
        else:
            problem = (f"LibreOffice converted nothing ({reason}); the file is damaged, password-protected "
                       "or not a word-processing document")
        raise LoadError(path, problem)
    if not zipfile.is_zipfile(produced):
        raise LoadError(path, "LibreOffice produced something that is not a .docx; not read")
    log.info("%s: converted to .docx by LibreOffice in %.1f s", path.name, time.monotonic() - started)
    return produced


def _mht_to_html(path: Path, dest: Path) -> None:
    """Write the first text/html part of a MIME web archive to ``dest`` (its own charset declaration kept)."""
    with open(path, "rb") as fh:
        message = email.message_from_binary_file(fh)
    for part in message.walk():
        if part.get_content_type() == "text/html":
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes) and payload.strip():
                charset = part.get_content_charset()
                if charset and b"charset" not in payload[:4096].lower():
                    payload = f'<meta charset="{charset}">\n'.encode("ascii") + payload
                dest.write_bytes(payload)
                return
    raise LoadError(path, "is a web archive (MHT) with no HTML part; not read")


def _text_to_docx(path: Path, dest: Path) -> None:
    """A text file under a Word name becomes a .docx with one paragraph per line."""
    import docx

    from .files import decode_text

    document = docx.Document()
    for line in decode_text(path.read_bytes(), path).splitlines():
        document.add_paragraph(_XML_UNSAFE.sub("", line))
    document.save(str(dest))


@contextlib.contextmanager
def converted_docx(path: Path | str, timeout_s: float = CONVERT_TIMEOUT_S) -> Iterator[Path]:
    """Yield a .docx with the content of ``path`` (.doc, .wps, or anything :func:`magic_kind` recognises);
    the temporary folder holding it (and LibreOffice's private profile) is removed afterwards.
    Every problem is a :class:`~rag.errors.LoadError` naming the file."""
    path = Path(path)
    try:
        size = path.stat().st_size
        kind = magic_kind(path)
    except OSError as exc:
        raise LoadError(path, f"cannot be read ({exc.strerror or exc})") from exc
    if size == 0:
        raise LoadError(path, "is empty (0 bytes)")
    suffix = path.suffix.lower() or ".doc"
    if kind == "pdf":
        raise LoadError(path, f"is really a PDF saved with a {suffix} extension; rename it to .pdf")
    if kind == "ole" and (problem := _ole_encryption(path)):
        raise LoadError(path, problem)
    with tempfile.TemporaryDirectory(prefix="rag-convert-") as tmp:
        work = Path(tmp)
        try:
            if kind == "zip" and _is_docx_package(path):
                log.info("%s: is a .docx package under a %s name; read as is", path.name, suffix)
                out = work / "document.docx"
                shutil.copyfile(path, out)
            elif kind == "text":
                log.info("%s: is plain text under a %s name", path.name, suffix)
                out = work / "document.docx"
                _text_to_docx(path, out)
            else:
                (work / "in").mkdir()
                infilter = None
                if kind in ("html", "mht"):
                    src, infilter = work / "in" / "document.html", HTML_FILTER
                    if kind == "mht":
                        _mht_to_html(path, src)
                    else:
                        shutil.copyfile(path, src)
                else:
                    src = work / "in" / f"document{'.rtf' if kind == 'rtf' else suffix}"
                    shutil.copyfile(path, src)
                if kind in ("rtf", "html", "mht"):
                    log.info("%s: is %s under a %s name; converting it as %s", path.name, kind, suffix, kind)
                out = _run_soffice(path, src, work, timeout_s, infilter)
        except OSError as exc:
            raise LoadError(path, f"could not be prepared for conversion ({exc.strerror or exc})") from exc
        yield out


def _is_docx_package(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as z:
            return "word/document.xml" in z.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False


def convert_to_docx(path: Path | str, timeout_s: float = CONVERT_TIMEOUT_S) -> Path:
    """Like :func:`converted_docx`, but return the path of a temporary .docx that the caller deletes."""
    with converted_docx(path, timeout_s) as produced:
        fd, name = tempfile.mkstemp(prefix=f"{Path(path).stem[:40]}-", suffix=".docx")
        os.close(fd)
        try:
            shutil.copyfile(produced, name)
        except OSError as exc:
            Path(name).unlink(missing_ok=True)
            raise LoadError(path, f"converted copy could not be written ({exc.strerror or exc})") from exc
        return Path(name)
