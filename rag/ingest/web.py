"""Load a saved web page (.html/.htm) — a government notice, a news article, a 数字报 article page — as blocks.

Decode (BOM, strict UTF-8, ``<meta charset>`` with GB2312/GBK read as GB18030, else :func:`decode_text`) → lxml →
hints from the whole page (meta tags, ``<time>``, ``发布时间：…``, bylines, a 数字报 page's 版 label and masthead)
→ strip chrome (nav/header/footer/aside/forms, class or id names like ``nav``/``share``/``ad``, breadcrumb,
copyright and 上一篇 lines, link lists) → trafilatura picks the main text; its XML becomes blocks. Where it gives
up (nothing, or its "baseline" of the whole page as one paragraph, typical of pages that are mostly a list or a
table) or drops the page's table, the cleaned page is walked instead.

Measured on the six pages of ``tests/ingest/test_web.py`` (52 content lines or table rows found / 61 chrome
strings leaked): lxml ``text_content`` 52/58; justext 3.0.2 (empty stoplist: it has no Chinese one) 31/18, drops
short items and table rows; readability-lxml 0.9 45/6, tables flattened, name list keeps nav; trafilatura 2.3.1
alone 46/16, its baseline leaks nav/footer on list and table pages; pre-clean + walk without trafilatura 52/6,
keeps a text-rich 热门推荐 box; this loader 52/0 at ~20 ms a page.
"""
from __future__ import annotations

import codecs
import contextlib
import copy
import datetime as _dt
import logging
import re
from pathlib import Path

from ..errors import LoadError
from .blocks import Block, BlockKind, DocHints, LoadedDocument, block_lines
from .files import decode_text

log = logging.getLogger(__name__)

WEB_SUFFIXES = {".html", ".htm"}
MAX_HTML_MB = 20  # a saved article page is 50 KB-2 MB; trafilatura itself refuses past 20 MB
MAX_LAYOUT_CELL_CHARS = 300  # a table cell longer than this holds page layout, not data
_MARK = "\ue000"  # private-use character put before caption text; survives trafilatura
K = BlockKind

_SKIP = {"script", "style", "noscript", "iframe", "form", "select", "button", "input", "textarea", "svg", "nav",
         "aside", "object", "embed", "template", "map", "graphic", "img"}
_HEADS = {"h1", "h2", "h3", "h4", "h5", "h6", "head"}
_LISTS, _ITEMS, _TABLES = {"ul", "ol", "list", "dl"}, {"li", "item", "dt", "dd"}, {"table"}
_ROWS, _CELLS, _BREAKS = {"tr", "row"}, {"td", "th", "cell"}, {"br", "lb", "hr"}
_BLOCKS = {"p", "div", "section", "article", "main", "body", "doc", "blockquote", "quote", "pre", "center", "figure",
           "figcaption", "address", "header", "footer", "caption", "html", "tbody", "thead", "tfoot", "fieldset",
           "details", "summary", "founder-content"} | _HEADS | _ITEMS | _ROWS | _CELLS
_CJK = "\u3400-\u9fff\uf900-\ufaff"
_CJK_P = _CJK + "，。；：、“”（）《》！？"  # Chinese text and its punctuation
_CHROME_RE = re.compile(r"(?:^|[\s_-])(?:nav|navbar|menu|breadcrumbs?|crumbs?|footer|foot|copyright|share|bdshare\w*|"
                        r"sidebar|ads?|advert\w*|adv|guanggao|pager|prevnext|print|search|login|topbar|"
                        r"friendlinks?|yqlj|dqwz|location|position)(?:$|[\s_-])", re.I)
_BOILER_RE = re.compile(
    r"^(?:当前位置|您的位置|您现在的位置|所在位置|上一篇|下一篇|上一条|下一条|分享到|扫一扫|【?打印(?:本页|此页)?】?$|"
    rf"【?关闭(?:窗口|本页)?】?$|相关(?:链接|阅读|新闻)|字号[:：]|第\s*[A-Z]?\d{{1,3}}\s*版[:：]?\s*[{_CJK}·]{{0,12}}$|"
    r"\d{4}年\d{1,2}月\d{1,2}日\s*星期)|版权所有|ICP备|备案号|网站标识码|技术支持[:：]|主办单位[:：]|Copyright|"
    r"返回首页|往期回顾|上一版|下一版|PDF版|版面导航", re.I)
_CAPTION_CLASS_RE = re.compile(r"caption|pic_?txt|pictext|img_?desc|imgtxt|photo_?desc|picdesc|tpsm", re.I)
_CAPTION_CREDIT_RE = re.compile(r"(?:记者|通讯员|摄影|图[/／]?)\s*[^\s，。]{0,12}(?:\s+[^\s，。]{1,12})*\s*摄[)）]?$")
_BYLINE_RE = re.compile(r"^(?=.{1,60}$)(?!.*[，。！？；])[□■◎●]?\s*(?:本报记者|本报通讯员|记者|通讯员|实习生|作者|撰稿|供稿|文\s*[/／|｜]|"
                        r"来源[:：]|责任编辑|编辑[:：]|审核[:：]|校对[:：])")
_FIELD_RE = re.compile(r"(来源|作者|记者|责任编辑|编辑|供稿)\s*[:：]\s*([^\s|｜:：]{1,30})")
_INFO_RE = re.compile(r"发布时间|发布日期|浏览次数|点击数|阅读次数|访问量|字号")
_ROLE_RE = re.compile(r"本报记者|本报通讯员|特约记者|记者|通讯员|实习生|作者|撰稿|供稿|[文图][/／|｜]|[□■◎●:：/／]")
_DATE = r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})"
_DATE_RE = re.compile(_DATE)
_LABELLED_DATE_RE = re.compile(r"(?:发布时间|发布日期|发文日期|成文日期|印发日期|更新时间|时间|日期)\s*[:：]\s*" + _DATE)
_SECTION_RE = re.compile(rf"第\s*([A-Z]?)0*(\d{{1,3}})\s*版\s*[:：]?\s*([{_CJK}·]{{0,12}})")
_CRUMB_RE = re.compile(r"(?:当前位置|您的位置|您现在的位置|所在位置)[:：]?\s*(.+)")
_PAPER_RE = re.compile(rf"[{_CJK}]{{2,8}}?(?:日报|晚报|早报|晨报|时报|商报|都市报|青年报|法制报|导报|周报)")
_TITLE_SEP_RE = re.compile(r"\s*(?:[_|｜]|\s-\s|—+|(?<!\d)-(?!\d))\s*")
_TITLE_CLASS_RE = re.compile(r"title|(?:^|\s)bt(?:$|\s)|font02", re.I)  # font01/02/03: 方正 数字报 引题/主题/副题
_OUTLINE_RE = re.compile(r"^(?:[一二三四五六七八九十]{1,3}、|（([一二三四五六七八九十]{1,3})）)")  # 公文 headings
_NUMBERED_RE = re.compile(r"^(?:[（(]?[0-9０-９一二三四五六七八九十]+[)）.、．]|[•·●○■□◆◇▪\-*—]|[①-⑳])")
_SENTENCE_END_RE = re.compile("[。！？]")
_DATE_METAS = ("article:published_time", "og:article:published_time", "pubdate", "publishdate", "publish_date",
               "pub_date", "dc.date", "dc.date.created", "dc.date.issued", "firstpublishedtime", "date")


def _tag(el) -> str:
    return el.tag.rsplit("}", 1)[-1].lower() if isinstance(el.tag, str) else ""


def _unwrap(text: str | None) -> str | None:
    """Drop source line wrapping next to Chinese text (``开展\\n   2024年`` → ``开展2024年``)."""
    return re.sub(rf"(?<=[{_CJK_P}])[ \t\u3000]*\r?\n\s*(?=\S)|(?<=\S)[ \t]*\r?\n\s*(?=[{_CJK_P}])", "", text) \
        if text and "\n" in text else text


def _norm(text: str | None) -> str:
    return re.sub(r"\s+", " ", (_unwrap(text) or "").replace("\xa0", " ").replace("\u3000", " ")).strip()


def _iso(m: re.Match | None) -> str | None:
    with contextlib.suppress(ValueError, AttributeError):
        return _dt.date(*(int(g) for g in m.groups()[-3:])).isoformat()
    return None


def _decode(data: bytes, path: Path) -> str:
    if data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return decode_text(data, path)
    with contextlib.suppress(UnicodeDecodeError):
        return data.decode("utf-8")  # a GBK page is never valid UTF-8; a mislabelled UTF-8 page often is
    m = re.search(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", data[:8192], re.I)
    declared = m.group(1).decode("ascii").lower() if m else ""
    with contextlib.suppress(LookupError, UnicodeDecodeError):  # GB18030 is a superset of GB2312 and GBK
        if declared:
            gb = re.sub(r"[-_]", "", declared) in ("gb2312", "gbk", "xgbk", "cp936", "gb231280", "gb18030")
            return data.decode("gb18030" if gb else declared)
    log.info("%s: no declared charset fits; guessing", path.name)
    return decode_text(data, path)


def _own(el, wanted: set[str], stop: set[str]):
    """Descendants of ``el`` with a tag in ``wanted``, not looking inside them or inside ``stop`` tags."""
    for child in el:
        tag = _tag(child)
        if tag in wanted:
            yield child
        elif tag and tag not in stop and tag not in _SKIP:
            yield from _own(child, wanted, stop)


def _inline_text(el) -> str:
    """The text of ``el`` without nested lists/tables and skipped elements; line breaks become spaces."""
    parts = [el.text or ""]
    for child in el:
        tag = _tag(child)
        parts += [" "] if tag in _BREAKS else [_inline_text(child), " " if tag in _BLOCKS else ""] \
            if tag and tag not in _SKIP | _LISTS | _TABLES else []
        parts.append(child.tail or "")
    return "".join(parts)


def _span(cell, name: str) -> int:
    value = cell.get(name) or ""
    return min(int(value), 100) if value.isdigit() and int(value) > 0 else 1


class _Walker:
    """Turns an HTML or trafilatura-XML subtree into blocks in reading order."""

    def __init__(self, el=None) -> None:
        self.out: list[Block] = []
        self.buf: list[str] = []
        if el is not None:
            self.walk(el)
            self.flush()

    def flush(self) -> None:
        text, self.buf = _norm("".join(self.buf)), []
        self.out += [Block(K.PARAGRAPH, text)] if text else []

    def walk(self, el, tail: bool = True) -> None:
        tag = _tag(el)
        if tag in _BREAKS | _HEADS | _LISTS | _TABLES:
            self.flush()
        if tag in _HEADS:
            level, text = el.get("rend", tag)[-1:], _norm(_inline_text(el))
            self.out += [Block(K.HEADING, text, int(level) if level.isdigit() else 2)] if text else []
        elif tag in _LISTS | _TABLES:
            self.list(el) if tag in _LISTS else self.table(el)
        elif tag and tag not in _SKIP | _BREAKS:
            self.flush() if tag in _BLOCKS else None
            self.buf.append(el.text or "")
            for child in el:
                self.walk(child)
            self.flush() if tag in _BLOCKS else None
        self.buf.append((el.tail or "") if tail else "")

    def list(self, el) -> None:
        ordered, n = _tag(el) == "ol" or el.get("rend") == "ol", _span(el, "start")
        for child in el:
            if _tag(child) not in _ITEMS:
                self.walk(child)
                continue
            if text := _norm(_inline_text(child)):
                if not _NUMBERED_RE.match(text) and _tag(child) in ("li", "item"):
                    text = f"{n}. {text}" if ordered else f"• {text}"
                self.out.append(Block(K.LIST_ITEM, text))
                n += 1
            for sub in _own(child, _LISTS | _TABLES, set()):
                self.walk(sub, tail=False)

    def table(self, el) -> None:
        cells = [list(_own(r, _CELLS, _TABLES)) for r in _own(el, _ROWS, _TABLES)]
        texts = [_norm(_inline_text(c)).replace(_MARK, "") for r in cells for c in r]
        prose = sum(len(t) >= 40 and bool(_SENTENCE_END_RE.search(t)) for t in texts)
        if len(cells) <= 1 or max(map(len, cells)) <= 1 or max(map(len, texts), default=0) > MAX_LAYOUT_CELL_CHARS \
                or prose > len(texts) / 2 or any(_tag(d) in _TABLES | _HEADS | _LISTS for d in el.iterdescendants()):
            for c in (c for r in cells for c in r):  # a layout table: read its cells as the page
                self.walk(c, tail=False)
            return
        self.out += [Block(K.CAPTION, _norm(_inline_text(c))) for c in el
                     if _tag(c) == "caption" and _norm(_inline_text(c))]
        grid, heads, carry = [], [], {}  # carry: column → (rows left, text) of a rowspan cell
        for r in cells:
            row: list[str] = []
            for c in [*r, None]:
                while len(row) in carry:
                    left, text = carry.pop(len(row))
                    carry.update({len(row): (left - 1, text)} if left > 1 else {})
                    row.append(text)
                if c is not None:
                    text, head = _norm(_inline_text(c)).replace(_MARK, ""), _tag(c) == "th" or c.get("role") == "head"
                    for i in range(_span(c, "colspan")):  # a header spanning columns heads each of them
                        carry.update({len(row): (_span(c, "rowspan") - 1, text)} if _span(c, "rowspan") > 1 else {})
                        row.append("" if i and not head else text)
            grid.append(row)
            heads.append(bool(r) and all(_tag(c) == "th" or c.get("role") == "head" for c in r))
        while len(grid) > 2 and len([c for c in grid[0] if c]) == 1 and max(map(len, grid)) > 2:
            self.out.append(Block(K.CAPTION, next(c for c in grid[0] if c)))  # a title row
            grid, heads = grid[1:], heads[1:]
        if any(any(r) for r in grid):
            header_rows = next((i for i, h in enumerate(heads) if not h), len(heads)) or 1
            self.out.append(Block(K.TABLE, rows=grid, header_rows=header_rows))


def _sizes(root) -> dict:
    """Per element: (chars, chars inside links, links), counted bottom-up in one pass."""
    sizes: dict = {}
    for el in reversed(list(root.iter())):
        chars, linked, links = (len(re.sub(r"\s+", "", el.text or "")) if _tag(el) not in _SKIP else 0), 0, 0
        for child in el:
            c, lc, n = sizes.get(child, (0, 0, 0))
            chars, linked, links = chars + c + len(re.sub(r"\s+", "", child.tail or "")), linked + lc, links + n
        sizes[el] = (chars, chars, links + 1) if _tag(el) == "a" else (chars, linked, links)
    return sizes


def _preclean(root) -> None:
    """Remove what is never main text (chrome by tag, class/id or text, link lists); mark captions; unwrap."""
    sizes, drop = _sizes(root), []
    for el in root.iter():
        tag, (chars, linked, links) = _tag(el), sizes.get(el, (0, 0, 0))
        el.text, el.tail = _unwrap(el.text), _unwrap(el.tail)
        names = f"{el.get('class', '')} {el.get('id', '')}" if tag else ""
        if tag in ("html", "body"):
            pass
        elif not tag or tag in _SKIP - {"img"} or (tag in ("header", "footer") and not any(
                _tag(a) in ("article", "main") for a in el.iterancestors())) or (_CHROME_RE.search(names) and (
                chars - linked <= 300 or "foot" in names.lower()) and el.find(".//h1") is None) or \
                (links >= 2 and linked > 0.7 * chars) or (chars <= 200 and _BOILER_RE.search(_norm(el.text_content()))):
            drop.append(el)
        elif tag == "figcaption" or (_CAPTION_CLASS_RE.search(names) and 0 < chars <= 200):
            el.tag, el.text = "p", _MARK + (el.text or "")
        elif tag == "figure":
            el.tag = "div"  # trafilatura drops a <figure>'s caption
    for el in (el for el in drop if el.getparent() is not None):
        el.drop_tree()


def _is_info(text: str) -> bool:
    """An info line: 发布时间/浏览次数…, or a date next to 来源/作者; no sentence in it."""
    return len(text) <= 120 and not _SENTENCE_END_RE.search(text) and \
        bool(_INFO_RE.search(text) or (_FIELD_RE.search(text) and _DATE_RE.search(text)))


def _hints(root) -> tuple[DocHints, str | None]:
    """Metadata the page states outright, read before any cleaning; and the byline line."""
    meta = {(m.get("name") or m.get("property") or m.get("itemprop") or "").strip().lower(): _norm(m.get("content"))
            for m in reversed(list(root.iter("meta"))) if _norm(m.get("content"))}  # the first of a name wins
    head_title = _norm(root.findtext(".//title"))
    body = root.find("body") if root.find("body") is not None else root
    sizes = _sizes(body)
    small = [(el, _norm(el.text_content())) for el in body.iter() if _tag(el) and 0 < sizes[el][0] <= 150]
    full, hints = _norm(body.text_content()), DocHints()
    stated = [meta.get(k, "") for k in _DATE_METAS] + [t.get("datetime") or "" for t in root.iter("time")]
    hints.date = next(filter(None, (_iso(_DATE_RE.search(v)) for v in stated)), None) or \
        _iso(_LABELLED_DATE_RE.search(full))
    # section: a 数字报 page's 版 label (the one that is not a link), a column meta tag, the breadcrumb's end
    labels = sorted((("a" in map(_tag, [x, *x.iterancestors()]) if x is not None else False, m) for el in body.iter()
                     for x, t in ((el, el.text), (el.getparent(), el.tail)) for m in _SECTION_RE.finditer(_norm(t))),
                    key=lambda x: x[0]) or [(False, m) for m in _SECTION_RE.finditer(head_title)]
    crumbs = [[c for c in re.split(r"\s*[>＞»›/]\s*", m.group(1)) if c not in ("", "正文", "详情")]
              for m in map(_CRUMB_RE.match, (t for _, t in small)) if m]
    if labels:
        m = labels[0][1]
        hints.section = f"第{m.group(1)}{int(m.group(2))}版 {m.group(3)}".strip()
        hints.date = hints.date or _iso(_DATE_RE.search(full))  # the masthead date of a newspaper page
    else:
        hints.section = meta.get("columnname") or meta.get("article:section") or \
            next((cs[-1] for cs in crumbs if len(cs) > 1), None)
    # publication: site-name meta, a newspaper masthead, the last part of <title>
    paper = _PAPER_RE.search(" ".join([head_title, *(_norm(i.get("alt")) for i in body.iter("img")), full[:200]]))
    parts = [p for p in _TITLE_SEP_RE.split(head_title) if p]
    pub = next(filter(None, map(meta.get, ("og:site_name", "sitename", "site_name", "application-name"))), None) or \
        (paper.group(0) if paper else None) or (parts[-1] if len(parts) > 1 and len(parts[-1]) <= 20 else None)
    hints.publication = re.sub(r"(?:数字报|电子版|数字版|电子报)$", "", pub) or None if pub else None
    # title: a meta tag, a heading whose text is part of <title>, the first <h1> or title-classed cell,
    # the longest part of <title> unless that is only the site or paper name
    heads = [t for el, t in small if len(t) >= 4 and (_tag(el) in ("h1", "h2", "h3") or
                                                      _TITLE_CLASS_RE.search(el.get("class") or ""))]
    parts = [p for p in parts if p != hints.publication and not _PAPER_RE.fullmatch(p)]
    hints.title = meta.get("articletitle") or meta.get("og:title") or next(
        (t for t in heads if t in head_title), None) or next(iter(heads), None) or max(parts, key=len, default=None)
    # byline: a 记者/作者/来源 line, or the fields of an info line (2024-03-18 来源：… 作者：… 浏览次数：…)
    info = next((t for _, t in small if _is_info(t) and _FIELD_RE.search(t)), "")
    hints.date = hints.date or _iso(_DATE_RE.search(info))
    source = f"来源：{meta['contentsource']}" if meta.get("contentsource") else None
    byline = next((t for _, t in small if _BYLINE_RE.match(t) and not _is_info(t) and not re.match("责任编辑|编辑|审核|校对", t)),
                  None) or " ".join(f"{k}：{v}" for k, v in _FIELD_RE.findall(info)) or source
    fields = dict(_FIELD_RE.findall(byline or ""))  # 作者/记者; the names of 本报记者 李华 通讯员 张强; 来源
    names = re.findall(rf"[{_CJK}·]{{2,6}}", _ROLE_RE.sub(" ", byline)) if byline and not fields else []
    hints.author = fields.get("作者") or fields.get("记者") or "、".join(names) or fields.get("来源")
    return hints, byline


def _trafilatura_blocks(tree, trafilatura, etree) -> list[Block]:
    config = copy.deepcopy(trafilatura.settings.DEFAULT_CONFIG)
    config.set("DEFAULT", "min_extracted_size", "100")  # 100 Chinese characters already make a notice
    config.set("DEFAULT", "extensive_date_search", "off")
    xml = trafilatura.extract(copy.deepcopy(tree), output_format="xml", include_tables=True, include_comments=False,
                              include_images=False, include_formatting=False, include_links=False, config=config)
    doc = etree.fromstring(xml.encode("utf-8")) if xml else None
    return [] if doc is None else _Walker(doc.find("main") if doc.find("main") is not None else doc).out


def _finish(blocks: list[Block], hints: DocHints, byline: str | None) -> list[Block]:
    """Captions, bylines and leftover chrome lines; the title first; heading levels from 1."""
    out: list[Block] = []
    for b in blocks:
        if b.kind != K.TABLE:
            caption, b.text = b.text.startswith(_MARK), _norm(b.text.replace(_MARK, ""))
            short, para = len(b.text) <= 120, b.kind == K.PARAGRAPH
            if not b.text or (short and _BOILER_RE.search(b.text)):
                continue
            if caption or (para and short and _CAPTION_CREDIT_RE.search(b.text)):
                b.kind = K.CAPTION
            elif para and _is_info(b.text):
                if not _FIELD_RE.search(b.text):
                    continue  # 发布时间：… 浏览次数：…
                b = Block(K.BYLINE, " ".join(f"{k}：{v}" for k, v in _FIELD_RE.findall(b.text)))
            elif para and _BYLINE_RE.match(b.text):
                b.kind = K.BYLINE
            elif para and len(b.text) <= 30 and (m := _OUTLINE_RE.match(b.text)) and not re.search("[。！？；]", b.text):
                b.kind, b.level = K.HEADING, 2 if m.group(1) else 1  # 一、… / （一）… on a line of its own
            if out and out[-1].kind == b.kind and out[-1].text == b.text:
                continue
        out.append(b)
    pos = 0
    if hints.title:
        idx = next((i for i, b in enumerate(out[:6]) if b.kind != K.TABLE and
                    re.sub(r"\s+", "", b.text) == re.sub(r"\s+", "", hints.title)), None)
        # 引题 above the headline stays, other lines above it are chrome; 副题 right under it stays
        kickers = [] if idx is None else [b for b in out[:idx] if b.kind == K.HEADING or
                                          (b.kind == K.PARAGRAPH and len(b.text) <= 30)]
        out = out if idx is None else out[idx + 1:]
        while idx is not None and out and out[0].kind == K.HEADING and len(out[0].text) <= 40 and \
                (len(out) == 1 or out[1].kind != K.HEADING):
            kickers.append(out.pop(0))
        for b in kickers:
            b.kind = K.PARAGRAPH
        out, pos = [Block(K.TITLE, hints.title), *kickers, *out], 1 + len(kickers)
    if byline and not any(b.kind == K.BYLINE and byline in b.text for b in out):
        out.insert(pos, Block(K.BYLINE, byline))
    top = min((b.level for b in out if b.kind == K.HEADING), default=1)
    for b in (b for b in out if b.kind == K.HEADING):
        b.level -= top - 1
    return out


def load_html(path: Path | str) -> LoadedDocument:
    """Load a saved web page as blocks in reading order with the hints the page states; or :class:`LoadError`."""
    try:
        import lxml.html
        import trafilatura.settings  # it brings lxml
        from lxml import etree
    except ImportError as exc:  # pragma: no cover
        raise ImportError("web page support needs trafilatura: pip install trafilatura") from exc
    path = Path(path)
    try:
        if (size := path.stat().st_size) > MAX_HTML_MB * 2**20:
            raise LoadError(path, f"is {size / 2**20:.0f} MB, over the {MAX_HTML_MB} MB limit for a web page; not read")
        text = re.sub(r"^\s*<\?xml[^>]*\?>", "", _decode(path.read_bytes(), path))
    except OSError as exc:
        raise LoadError(path, f"cannot be read ({exc.strerror or exc})") from exc
    if not text.strip():
        raise LoadError(path, "is empty (no text)")
    try:
        root = lxml.html.document_fromstring(text)
        etree.strip_elements(root, "script", "style", "noscript", etree.Comment, with_tail=False)
        hints, byline = _hints(root)
        _preclean(cleaned := copy.deepcopy(root))
        walked = _Walker(cleaned.find("body") if cleaned.find("body") is not None else cleaned).out
        found = _trafilatura_blocks(cleaned, trafilatura, etree)
        # trafilatura gave up (nothing, or its baseline: the page as one paragraph) or dropped the page's table/list
        structured = any(b.kind == K.TABLE for b in walked) or sum(b.kind == K.LIST_ITEM for b in walked) > 2
        if not found or (len(found) == 1 and len(walked) > 2) or (structured and sum(
                map(len, block_lines(found))) < 0.3 * sum(map(len, block_lines(walked)))):
            log.debug("%s: trafilatura found no usable main text; using the cleaned page", path.name)
            found = walked
        blocks = _finish(found, hints, byline)
    except Exception as exc:  # lxml and trafilatura raise many types on broken markup
        raise LoadError(path, f"is not a readable web page ({type(exc).__name__}: {_norm(str(exc))[:200]})") from exc
    if all(b.kind in (K.TITLE, K.BYLINE, K.CAPTION) for b in blocks):
        raise LoadError(path, "has no main text (only navigation, links or boilerplate)")
    return LoadedDocument(text="\n".join(block_lines(blocks)), blocks=blocks, hints=hints)
