"""Build the multi-format evaluation corpus: invented 简报, newspaper pages, web pages, 公文 and tables about
the fictional 商都市, one file per real-world shape (text PDF, two-column PDF, browser print, scan, PNG photo,
.docx/.doc/.wps, HTML in UTF-8 and GBK, OFD, .xlsx, GBK .csv, GBK/UTF-16/CRLF .txt, .md).

    python eval/formats/build.py OUTDIR        # writes the files, prints their paths

``build(outdir, texts)`` returns the written paths and, when ``texts`` is a dict, fills it with
{file name relative to OUTDIR: the text drawn into that file}, against which eval/formats.jsonl's gold facts
are checked (tests/eval/test_formats_corpus.py). Needs reportlab, python-docx, openpyxl, pypdfium2, Pillow,
LibreOffice (``soffice``, for .doc/.wps) and a CJK system font (for the rasterised scan and photo).
"""
from __future__ import annotations

import argparse
import importlib
import logging
import shutil
import subprocess
import sys
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make "eval.formats" importable and this module part of it
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    importlib.import_module("eval.formats")
    __package__ = "eval.formats"

from . import content_bulletins as cb  # noqa: E402
from . import content_misc as cm  # noqa: E402
from . import content_news as cn  # noqa: E402
from . import office, pdfs, scans, web  # noqa: E402

log = logging.getLogger("formats.build")
HERE = Path(__file__).resolve().parent
SCAN_BREAKS = ("第二届商都市志愿服务项目大赛结果揭晓", "志愿者李想：三年服务时长超2000小时",
               "“爱心妈妈”团队结对关爱留守儿童")
TEXT_FILES = [(cm.NANCHENG_7, "gbk", "\n"), (cm.CHUANGWEI_4, "utf-16", "\n"), (cm.GAOXIN_2, "utf-8", "\r\n"),
              (cm.GONGHUI_15, "utf-8", "\n")]


def check_cjk_font() -> None:
    """pdfium draws the non-embedded STSong-Light with a system CJK font; without one the scans are blank."""
    if shutil.which("fc-list"):
        found = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True).stdout.strip()
        if not found:
            raise RuntimeError("no CJK font for rasterising the scanned pages: "
                               "apt-get install -y --no-install-recommends fonts-noto-cjk")


def build(outdir: Path, texts: dict | None = None) -> list[Path]:
    """Write every corpus file into ``outdir``; fill ``texts`` (if given) with each file's drawn text."""
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    office.soffice()  # fail before writing anything when LibreOffice is missing
    check_cjk_font()
    written: dict[Path, str] = {}

    def step(name: str, make, text: str) -> None:
        t0 = time.perf_counter()
        path = make(outdir / name)
        written[path] = text
        log.info("%-50s %6.2f s", name, time.perf_counter() - t0)

    bt = cb.bulletin_text
    step(cb.WENMING_5["file"], lambda p: pdfs.bulletin_pdf(p, cb.WENMING_5), bt(cb.WENMING_5))
    step(cb.DONGCHENG_12["file"], lambda p: pdfs.bulletin_pdf(p, cb.DONGCHENG_12), bt(cb.DONGCHENG_12))
    step(cn.DAILY["file"], lambda p: pdfs.newspaper_pdf(p, cn.DAILY), cn.daily_text())
    step(cn.JOURNAL["file"], lambda p: pdfs.journal_pdf(p, cn.JOURNAL), cn.journal_text())
    step(cn.BROWSER["file"], lambda p: pdfs.browser_pdf(p, cn.BROWSER), cn.browser_text())
    step(cb.ZHIYUAN_9["file"], lambda p: scans.scanned_bulletin(p, cb.ZHIYUAN_9, breaks=SCAN_BREAKS),
         bt(cb.ZHIYUAN_9))
    step(cn.WATER_NOTICE["file"], lambda p: scans.notice_photo(p, cn.WATER_NOTICE), cn.water_text())
    step(cb.MINZHENG_8["file"], lambda p: office.bulletin_docx(p, cb.MINZHENG_8), bt(cb.MINZHENG_8))

    t0 = time.perf_counter()
    sources = []
    for b in (cb.XICHENG_3, cb.BEICHENG_6):
        src = outdir / f".{Path(b['file']).stem}.src.docx"
        sources.append((office.bulletin_docx(src, b), outdir / b["file"], b))
    try:
        office.word97([(src, target) for src, target, _ in sources])
    finally:
        for src, _, _ in sources:
            src.unlink(missing_ok=True)
    for _, target, b in sources:
        written[target] = bt(b)
    log.info("%-50s %6.2f s", ".doc + .wps (LibreOffice)", time.perf_counter() - t0)

    step(cn.NOTICE_HTML["file"], lambda p: web.notice_html(p, cn.NOTICE_HTML), cn.notice_html_text())
    step(cn.EVENING["file"], lambda p: web.epaper_html(p, cn.EVENING), cn.evening_text())
    step(cn.OFD_NOTICE["file"], lambda p: office.ofd_document(p, cn.OFD_NOTICE), cn.ofd_text())
    step(cm.XLSX["file"], lambda p: office.stats_xlsx(p, cm.XLSX), cm.xlsx_text())
    step(cm.CSV["file"], lambda p: office.gbk_csv(p, cm.CSV), cm.csv_text())
    written.update(web.text_files(outdir, TEXT_FILES))

    def write_md(p: Path) -> Path:
        p.write_text(cm.LIBRARY_MD, encoding="utf-8")
        return p

    step(cm.LIBRARY_FILE, write_md, cm.LIBRARY_MD)
    if texts is not None:
        texts.update({p.relative_to(outdir).as_posix(): t for p, t in written.items()})
    return list(written)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("outdir", type=Path)
    ap.add_argument("-v", "--verbose", action="store_true", help="log the time each file took")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(message)s")
    t0 = time.perf_counter()
    try:
        paths = build(args.outdir)
    except RuntimeError as exc:
        log.error("error: %s", exc)
        return 2
    for p in paths:
        print(p)
    log.info("%d files in %.1f s", len(paths), time.perf_counter() - t0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
