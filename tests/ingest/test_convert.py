"""Legacy .doc/.wps → .docx through LibreOffice (rag.ingest.convert).

Unit tests need no LibreOffice: a fake ``soffice`` script on PATH stands in for it. The ``integration`` tests run
the real one on fixtures made here (python-docx → .docx → soffice → .doc, copied to .wps); without soffice they
skip, except under CI (``CI`` set), where a missing LibreOffice is a failure."""
from __future__ import annotations

import base64
import os
import shutil
import stat
import struct
import subprocess
import threading
import time
from pathlib import Path

import docx
import pytest

from rag.errors import LoadError
from rag.ingest import convert
from rag.ingest.convert import INSTALL_HINT, converted_docx, convert_to_docx, magic_kind, soffice_path

TITLE = "关于2024年第三季度安全生产工作的通报"
H1 = "一、总体情况"
H2 = "（一）主要数据"
BODY = "本季度全市共检查企业1234家，发现隐患567处，整改率达到98.5%。"
CELLS = ["区县", "检查数", "隐患数", "东城区", "120", "35"]


def _ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


@pytest.fixture(scope="module")
def soffice() -> str:
    found = soffice_path()
    if found is None:
        message = "LibreOffice (soffice) is not installed: apt-get install libreoffice-writer-nogui"
        if _ci():
            pytest.fail(f"CI is set but {message}")
        pytest.skip(message)
    return found


# ----------------------------------------------------------------------------------------------------- fixtures
def _make_docx(dest: Path, sections: int = 1) -> Path:
    document = docx.Document()
    document.add_heading(TITLE, level=0)
    for i in range(sections):
        document.add_heading(H1, level=1)
        document.add_heading(H2, level=2)
        for j in range(3):
            document.add_paragraph(f"{BODY}第{i + 1}节第{j + 1}段。")
        table = document.add_table(rows=2, cols=3)
        for k, text in enumerate(CELLS):
            table.cell(k // 3, k % 3).text = text
        # a real .doc always has a paragraph after a table; a trailing table is lost on the way back from .doc
        document.add_paragraph("特此通报。")
    document.save(str(dest))
    return dest


def _soffice_convert(exe: str, src: Path, fmt: str, outdir: Path) -> Path:
    profile = outdir / "fixture-profile"
    subprocess.run([exe, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore", "--nolockcheck",
                    "--convert-to", fmt, "--outdir", str(outdir), str(src)],
                   check=True, capture_output=True, timeout=180)
    out = outdir / f"{src.stem}.{fmt}"
    assert out.is_file(), f"fixture conversion to {fmt} failed"
    return out


@pytest.fixture(scope="module")
def legacy(soffice, tmp_path_factory) -> dict[str, Path]:
    """A .doc made by LibreOffice from a python-docx document, and the same bytes as .wps."""
    root = tmp_path_factory.mktemp("legacy")
    doc = _soffice_convert(soffice, _make_docx(root / "bulletin.docx"), "doc", root)
    wps = root / "bulletin.wps"
    shutil.copyfile(doc, wps)
    return {"doc": doc, "wps": wps}


def _make_ole(streams: dict[str, bytes]) -> bytes:
    """A minimal OLE compound file (512-byte sectors: FAT, directory, then the streams, each >= 4096 bytes)."""
    entries = [("Root Entry", 5, 0xFFFFFFFE, 0)]
    fat, payloads, sid = [0xFFFFFFFD, 0xFFFFFFFE], [], 2
    for name, data in streams.items():
        data = data.ljust(max(4096, -(-len(data) // 512) * 512), b"\0")
        n = len(data) // 512
        entries.append((name, 2, sid, len(data)))
        fat += [sid + i + 1 for i in range(n - 1)] + [0xFFFFFFFE]
        payloads.append(data)
        sid += n
    assert len(entries) <= 4 and len(fat) <= 128
    fat += [0xFFFFFFFF] * (128 - len(fat))
    directory = b"".join(
        struct.pack("<64sHBBIII16sI8s8sIQ", name.encode("utf-16-le"), 2 * len(name) + 2, kind, 1,
                    0xFFFFFFFF, 0xFFFFFFFF, 1 if kind == 5 and len(entries) > 1 else 0xFFFFFFFF, b"", 0, b"", b"",
                    start, size)
        for name, kind, start, size in entries).ljust(512, b"\0")
    header = struct.pack("<8s16sHHHHH6sIIIIIIIII109I", bytes.fromhex("d0cf11e0a1b11ae1"), b"", 0x3E, 3, 0xFFFE, 9, 6,
                         b"", 0, 1, 1, 0, 4096, 0xFFFFFFFE, 0, 0xFFFFFFFE, 0, 0, *([0xFFFFFFFF] * 108))
    return header + struct.pack("<128I", *fat) + directory + b"".join(payloads)


def _fib(flags: int = 0) -> bytes:
    return struct.pack("<HHHHHH", 0xA5EC, 0xC1, 0, 0x0804, 0, flags)


def _fake_soffice(bin_dir: Path, body: str, name: str = "soffice") -> Path:
    bin_dir.mkdir(exist_ok=True)
    script = bin_dir / name
    script.write_text("#!/bin/sh\n" + body + "\n", encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return script


def _plain_doc(tmp_path: Path, name: str = "通报.doc") -> Path:
    path = tmp_path / name
    path.write_bytes(_make_ole({"WordDocument": _fib()}))
    return path


# ------------------------------------------------------------------------------------------------- magic_kind
RTF = (r"{\rtf1\ansi\ansicpg936\deff0{\fonttbl{\f0 SimSun;}}{\stylesheet{\s1 heading 1;}}"
       r"{\pard\s1 \u20851?\u20110?\u36890?\u25253?\par}{\pard \u26816?\u26597?1234\par}}").encode("ascii")
MHT = ("MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=\"----=_NextPart_01\"\r\n\r\n"
       "------=_NextPart_01\r\nContent-Location: file:///C:/x.htm\r\nContent-Transfer-Encoding: base64\r\n"
       "Content-Type: text/html; charset=\"gb2312\"\r\n\r\n").encode("ascii")


@pytest.mark.parametrize("data, kind", [
    (bytes.fromhex("d0cf11e0a1b11ae1") + b"\0" * 504, "ole"),
    (b"PK\x03\x04" + b"\0" * 30, "zip"),
    (b"PK\x05\x06" + b"\0" * 18, "zip"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "pdf"),
    (b"\r\n%PDF-1.4\n", "pdf"),
    (RTF, "rtf"),
    (b"\xef\xbb\xbf  \r\n{\\rtf1\\ansi hello}", "rtf"),
    ('<html xmlns:o="urn:schemas-microsoft-com:office:office"><body><p>通报</p></body></html>'.encode(), "html"),
    (b"<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 4.0//EN\">\n<HTML><BODY>x</BODY></HTML>", "html"),
    ("<html><body>通报</body></html>".encode("utf-16"), "html"),
    (MHT, "mht"),
    ("关于安全生产的通报\n本季度检查1234家。\n".encode("utf-8"), "text"),
    ("关于安全生产的通报\n本季度检查1234家。\n".encode("gb18030"), "text"),
    (("通报" * 3000).encode("utf-8")[:8190] + b"\xe9\x80", "text"),  # ends inside a character
    (b"\x00\x01\x02\x03binary\xff\xfe\x00", "unknown"),
    (bytes(range(256)) * 4, "unknown"),
    (b"", "unknown"),
])
def test_magic_kind(tmp_path, data, kind):
    path = tmp_path / "sample.doc"
    path.write_bytes(data)
    assert magic_kind(path) == kind


# ------------------------------------------------------------------------------- unit: no LibreOffice needed
def test_soffice_path_prefers_soffice_then_libreoffice(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    assert soffice_path() is None
    fallback = _fake_soffice(tmp_path / "bin", "exit 0", name="libreoffice")
    assert soffice_path() == str(fallback)
    preferred = _fake_soffice(tmp_path / "bin", "exit 0")
    assert soffice_path() == str(preferred)


def test_missing_converter_says_how_to_install(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    path = _plain_doc(tmp_path)
    with pytest.raises(LoadError) as info:
        with converted_docx(path):
            pass
    assert info.value.problem == INSTALL_HINT
    assert str(info.value) == f"通报.doc: {INSTALL_HINT}"
    assert "apt-get install libreoffice-writer-nogui" in str(info.value)


def test_timeout_kills_the_whole_process_group(tmp_path, monkeypatch):
    pid_file = tmp_path / "child.pid"
    _fake_soffice(tmp_path / "bin", f"sleep 60 &\necho $! > '{pid_file}'\nwait")
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}/usr/bin{os.pathsep}/bin")
    started = time.monotonic()
    with pytest.raises(LoadError, match=r"did not finish converting it within 1 s"):
        convert_to_docx(_plain_doc(tmp_path), timeout_s=1)
    assert time.monotonic() - started < 15
    child = int(pid_file.read_text().strip())
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:  # killed children are reaped by init; poll until gone or a zombie
        try:
            state = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].strip()[0]
        except (FileNotFoundError, ProcessLookupError):
            break
        if state == "Z":
            break
        time.sleep(0.1)
    else:
        pytest.fail("the fake soffice's child survived the timeout")


def test_exit_zero_without_output_is_an_error(tmp_path, monkeypatch):
    _fake_soffice(tmp_path / "bin", "echo 'Error: source file could not be loaded' >&2\nexit 0")
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}/usr/bin{os.pathsep}/bin")
    with pytest.raises(LoadError, match=r"^通报\.doc: LibreOffice converted nothing \(Error: source file could not "
                                        r"be loaded\)"):
        convert_to_docx(_plain_doc(tmp_path))


def test_nonzero_exit_is_an_error(tmp_path, monkeypatch):
    # what soffice prints when fontconfig finds no font at all
    _fake_soffice(tmp_path / "bin", "echo 'Warning: failed to launch javaldx' >&2\n"
                                    "printf 'No fonts could be found on the system.\\nFatal exception: Signal 6\\n"
                                    "Stack:\\n/usr/lib/libreoffice/program/libuno_sal.so.3(+0x37722)\\n' >&2\nexit 134")
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}/usr/bin{os.pathsep}/bin")
    with pytest.raises(LoadError, match=r"exit status 134: No fonts could be found on the system\.\)$"):
        convert_to_docx(_plain_doc(tmp_path))


@pytest.mark.parametrize("streams", [
    {"WordDocument": _fib(0x0100)},  # fEncrypted
    {"WordDocument": _fib(0x8000)},  # fObfuscated (XOR password)
    {"EncryptionInfo": b"\x04\x00\x04\x00", "EncryptedPackage": b"\x10" * 64},  # a password-protected .docx
])
def test_encrypted_files_are_refused_before_libreoffice(tmp_path, monkeypatch, streams):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))  # no converter: the password is the first problem
    path = tmp_path / "secret.doc"
    path.write_bytes(_make_ole(streams))
    with pytest.raises(LoadError, match=r"^secret\.doc: is a password-protected \(encrypted\)"):
        convert_to_docx(path)


def test_plain_word_ole_is_not_taken_for_encrypted(tmp_path):
    assert convert._ole_encryption(_plain_doc(tmp_path)) is None
    broken = tmp_path / "broken.doc"
    broken.write_bytes(_make_ole({"WordDocument": _fib()})[:700])
    assert convert._ole_encryption(broken) is None  # unparsable: left to LibreOffice


def test_pdf_and_empty_files_get_a_clear_error(tmp_path):
    pdf = tmp_path / "通报.doc"
    pdf.write_bytes(b"%PDF-1.7\n1 0 obj\n")
    with pytest.raises(LoadError, match=r"is really a PDF saved with a \.doc extension; rename it to \.pdf"):
        convert_to_docx(pdf)
    empty = tmp_path / "empty.wps"
    empty.write_bytes(b"")
    with pytest.raises(LoadError, match=r"^empty\.wps: is empty"):
        convert_to_docx(empty)
    with pytest.raises(LoadError, match=r"^missing\.doc: cannot be read"):
        convert_to_docx(tmp_path / "missing.doc")


def test_text_and_docx_under_a_word_name_need_no_libreoffice(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    text = tmp_path / "text.doc"
    text.write_bytes(f"{TITLE}\n{BODY}\x07\n".encode("gb18030"))  # BEL: python-docx refuses it
    with converted_docx(text) as out:
        assert [p.text for p in docx.Document(str(out)).paragraphs] == [TITLE, BODY]
        folder = out.parent
    assert not folder.exists()
    renamed = tmp_path / "bulletin.wps"
    shutil.copyfile(_make_docx(tmp_path / "bulletin.docx"), renamed)
    produced = convert_to_docx(renamed)
    try:
        assert docx.Document(str(produced)).paragraphs[0].text == TITLE
    finally:
        produced.unlink()


def test_mht_without_html_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    path = tmp_path / "page.doc"
    path.write_bytes(b"MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=\"b\"\r\n\r\n--b\r\n"
                     b"Content-Type: image/png\r\n\r\nxx\r\n--b--\r\n")
    with pytest.raises(LoadError, match=r"web archive \(MHT\) with no HTML part"):
        convert_to_docx(path)


# --------------------------------------------------------------------------------- integration: real LibreOffice
def _texts(path: Path) -> tuple[list[tuple[str, str]], list[str]]:
    document = docx.Document(str(path))
    paragraphs = [(p.style.name, p.text) for p in document.paragraphs if p.text.strip()]
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return paragraphs, cells


@pytest.mark.integration
@pytest.mark.parametrize("kind", ["doc", "wps"])
def test_doc_and_wps_keep_text_heading_styles_and_tables(legacy, kind):
    with converted_docx(legacy[kind]) as out:
        paragraphs, cells = _texts(out)
        folder = out.parent
    assert not folder.exists()
    assert paragraphs[:3] == [("Title", TITLE), ("Heading 1", H1), ("Heading 2", H2)]
    body = [text for _, text in paragraphs]
    assert f"{BODY}第1节第3段。" in body and "特此通报。" in body
    assert cells == CELLS


@pytest.mark.integration
def test_convert_to_docx_leaves_a_file_for_the_caller(legacy):
    produced = convert_to_docx(legacy["doc"])
    try:
        assert produced.suffix == ".docx" and produced.is_file()
        assert _texts(produced)[0][0] == ("Title", TITLE)
    finally:
        produced.unlink()


@pytest.mark.integration
def test_rtf_html_and_mht_saved_as_doc_are_converted(soffice, tmp_path):
    html = f"<html><head><title>x</title></head><body><h1>{TITLE}</h1><p>{BODY}</p></body></html>"
    declared = html.replace("<head>", '<head><meta charset="gb18030">')
    samples = {"rtf.doc": RTF, "html.doc": declared.encode("gb18030"),
               "mht.doc": MHT + base64.encodebytes(html.encode("gb2312")) + b"\r\n------=_NextPart_01--\r\n"}
    expected = {"rtf.doc": ("Heading 1", "关于通报"), "html.doc": ("Heading 1", TITLE),
                "mht.doc": ("Heading 1", TITLE)}
    for name, data in samples.items():
        path = tmp_path / name
        path.write_bytes(data)
        with converted_docx(path) as out:
            paragraphs, _ = _texts(out)
        assert paragraphs[0] == expected[name], name
        assert any("1234" in text for _, text in paragraphs), name


@pytest.mark.integration
def test_damaged_and_encrypted_word_files_give_one_line_errors(soffice, legacy, tmp_path):
    no_word = tmp_path / "damaged.doc"
    no_word.write_bytes(_make_ole({"Junk": b"\x01" * 5000}))
    with pytest.raises(LoadError, match=r"^damaged\.doc: LibreOffice converted nothing") as info:
        convert_to_docx(no_word)
    assert "\n" not in str(info.value)
    # the real .doc with the FIB's fEncrypted bit set: the FIB starts a sector, "EC A5" then nFib
    data = bytearray(legacy["doc"].read_bytes())
    fib = next(off for off in range(512, len(data), 512) if data[off:off + 2] == b"\xec\xa5")
    data[fib + 0x0B] |= 0x01  # flags word at 0x0A, fEncrypted = 0x0100
    locked = tmp_path / "locked.wps"
    locked.write_bytes(bytes(data))
    with pytest.raises(LoadError, match=r"^locked\.wps: is a password-protected"):
        convert_to_docx(locked)


@pytest.mark.integration
def test_parallel_conversions_do_not_clash(legacy):
    results: dict[str, object] = {}

    def work(kind: str) -> None:
        try:
            with converted_docx(legacy[kind]) as out:
                results[kind] = _texts(out)[0][0]
        except Exception as exc:  # reported below
            results[kind] = exc

    threads = [threading.Thread(target=work, args=(kind,)) for kind in ("doc", "wps")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert results == {"doc": ("Title", TITLE), "wps": ("Title", TITLE)}
