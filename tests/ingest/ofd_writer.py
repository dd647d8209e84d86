"""A small, self-contained writer of valid minimal OFD files (GB/T 33190-2016) for test fixtures.

Standard library only, so the format-corpus generator can copy or import it as is. The package it writes has
the layout real producers (数科, 福昕, WPS export) use::

    OFD.xml                      DocBody: DocInfo (DocID, Title, Author, Creator, CreationDate) + DocRoot
    Doc_0/Document.xml           CommonData (MaxUnitID, PageArea, PublicRes, DocumentRes) + Pages
    Doc_0/PublicRes.xml          Fonts
    Doc_0/DocumentRes.xml        (empty MultiMedias)
    Doc_0/Pages/Page_N/Content.xml   Area + Content/Layer/TextObject/TextCode

Every element carries the ``ofd:`` prefix bound to ``http://www.ofdspec.org/2016``. Each text item becomes
one ``TextObject`` whose ``Boundary`` encloses the run and one ``TextCode`` whose ``DeltaX`` places every
character (``g N w`` compression for repeated advances), as real files do. Positions are millimetres from the
page's top-left corner; ``y`` is the baseline. Output is byte-for-byte deterministic (fixed zip timestamps).

    write_ofd("gw.ofd", [[("某某市人民政府办公室文件", 30.0, 50.0, 10.0), ...], ...], title="…")
"""
from __future__ import annotations

import hashlib
import unicodedata
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

NS = "http://www.ofdspec.org/2016"
A4 = (210.0, 297.0)
_DATE_TIME = (2024, 1, 1, 0, 0, 0)

TextItem = tuple  # (text, x_mm, y_mm_baseline, font_size_mm) — or with a 5th element, a fill colour "r g b"


def _num(v: float) -> str:
    return f"{v:.3f}".rstrip("0").rstrip(".") or "0"


def char_advance(ch: str, size: float) -> float:
    """Nominal advance of one character: full em for wide (CJK) characters, half an em otherwise."""
    return size if unicodedata.east_asian_width(ch) in ("W", "F") else size * 0.5


def delta_x(advances: list[float]) -> str:
    """``DeltaX`` with the standard's ``g N value`` compression for runs of equal advances."""
    out: list[str] = []
    i = 0
    while i < len(advances):
        j = i
        while j < len(advances) and abs(advances[j] - advances[i]) < 1e-9:
            j += 1
        out.append(f"g {j - i} {_num(advances[i])}" if j - i > 1 else _num(advances[i]))
        i = j
    return " ".join(out)


def _text_object(oid: int, item: TextItem, tracking: float, font_id: int) -> str:
    text, x, y, size = item[0], float(item[1]), float(item[2]), float(item[3])
    colour = item[4] if len(item) > 4 else None
    advances = [char_advance(ch, size) + tracking for ch in text]
    width = sum(advances) or size
    # Boundary: top-left at one em above the baseline; TextCode X/Y are relative to it.
    boundary = f"{_num(x)} {_num(y - size)} {_num(width)} {_num(size * 1.25)}"
    dx = f" DeltaX={quoteattr(delta_x(advances[:-1]))}" if len(text) > 1 else ""
    fill = f"<ofd:FillColor Value={quoteattr(colour)}/>" if colour else ""
    return (f'<ofd:TextObject ID="{oid}" Boundary="{boundary}" Font="{font_id}" Size="{_num(size)}">{fill}'
            f'<ofd:TextCode X="0" Y="{_num(size)}"{dx}>{escape(text)}</ofd:TextCode></ofd:TextObject>')


def _xml(body: str) -> bytes:
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body).encode("utf-8")


def ofd_members(pages: list[list[TextItem]], title: str | None = None, *, author: str | None = None,
                creation_date: str | None = None, creator: str = "ofd_writer", page_size: tuple[float, float] = A4,
                font_name: str = "宋体", tracking: float = 0.0) -> dict[str, bytes]:
    """The package's members (name → bytes), for callers that want to alter one before zipping."""
    w, h = page_size
    box = f"0 0 {_num(w)} {_num(h)}"
    font_id, next_id = 1, 2
    page_refs: list[str] = []
    members: dict[str, bytes] = {}
    for n, items in enumerate(pages):
        page_id, layer_id = next_id, next_id + 1
        next_id += 2
        objects = []
        for item in items:
            objects.append(_text_object(next_id, item, tracking, font_id))
            next_id += 1
        members[f"Doc_0/Pages/Page_{n}/Content.xml"] = _xml(
            f'<ofd:Page xmlns:ofd="{NS}"><ofd:Area><ofd:PhysicalBox>{box}</ofd:PhysicalBox></ofd:Area>'
            f'<ofd:Content><ofd:Layer ID="{layer_id}" Type="Body">{"".join(objects)}</ofd:Layer></ofd:Content>'
            f"</ofd:Page>")
        page_refs.append(f'<ofd:Page ID="{page_id}" BaseLoc="Pages/Page_{n}/Content.xml"/>')
    members["Doc_0/Document.xml"] = _xml(
        f'<ofd:Document xmlns:ofd="{NS}"><ofd:CommonData><ofd:MaxUnitID>{next_id - 1}</ofd:MaxUnitID>'
        f"<ofd:PageArea><ofd:PhysicalBox>{box}</ofd:PhysicalBox></ofd:PageArea>"
        f"<ofd:PublicRes>PublicRes.xml</ofd:PublicRes><ofd:DocumentRes>DocumentRes.xml</ofd:DocumentRes>"
        f'</ofd:CommonData><ofd:Pages>{"".join(page_refs)}</ofd:Pages></ofd:Document>')
    members["Doc_0/PublicRes.xml"] = _xml(
        f'<ofd:Res xmlns:ofd="{NS}" BaseLoc="Res"><ofd:Fonts><ofd:Font ID="{font_id}" '
        f"FontName={quoteattr(font_name)} FamilyName={quoteattr(font_name)}/></ofd:Fonts></ofd:Res>")
    members["Doc_0/DocumentRes.xml"] = _xml(f'<ofd:Res xmlns:ofd="{NS}" BaseLoc="Res"><ofd:MultiMedias/></ofd:Res>')
    seed = "|".join([title or "", author or "", creation_date or ""] + [str(p) for p in pages])
    info = [f"<ofd:DocID>{hashlib.md5(seed.encode('utf-8')).hexdigest()}</ofd:DocID>"]
    if title is not None:
        info.append(f"<ofd:Title>{escape(title)}</ofd:Title>")
    if author is not None:
        info.append(f"<ofd:Author>{escape(author)}</ofd:Author>")
    if creation_date is not None:
        info.append(f"<ofd:CreationDate>{escape(creation_date)}</ofd:CreationDate>")
    info.append(f"<ofd:Creator>{escape(creator)}</ofd:Creator>")
    members["OFD.xml"] = _xml(
        f'<ofd:OFD xmlns:ofd="{NS}" Version="1.0" DocType="OFD"><ofd:DocBody><ofd:DocInfo>{"".join(info)}'
        f"</ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>")
    return members


def zip_members(path: str | Path, members: dict[str, bytes]) -> Path:
    """Write ``members`` as a deflated zip with fixed timestamps (OFD.xml first, as producers do)."""
    path = Path(path)
    order = sorted(members, key=lambda name: (name != "OFD.xml", name))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name in order:
            info = zipfile.ZipInfo(name, date_time=_DATE_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, members[name])
    return path


def write_ofd(path: str | Path, pages: list[list[TextItem]], title: str | None = None, *,
              author: str | None = None, creation_date: str | None = None, creator: str = "ofd_writer",
              page_size: tuple[float, float] = A4, font_name: str = "宋体", tracking: float = 0.0) -> Path:
    """Write an OFD with one page per entry of ``pages``; each item is ``(text, x_mm, y_mm, font_size_mm)``
    (``y`` the baseline, from the page top), optionally with a 5th element, a fill colour such as
    ``"255 0 0"`` for a 红头. ``tracking`` adds letter spacing (mm) to every advance. DocInfo gets ``title``,
    ``author`` and ``creation_date`` (``yyyy-mm-dd``) only when given."""
    return zip_members(path, ofd_members(pages, title, author=author, creation_date=creation_date,
                                         creator=creator, page_size=page_size, font_name=font_name,
                                         tracking=tracking))
