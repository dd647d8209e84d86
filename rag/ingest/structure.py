"""Split a cleaned document into articles with metadata.

Three layouts are recognised:

* **bulletin** (简报): optional masthead (title, 第 N 期, publisher, date), a table of contents, then
  sections marked ``【工作动态】`` … with articles; items of news-flash sections (``【文明时讯】``) are
  short articles whose bold first sentence is the title.
* **newspaper** page: headlines followed by ``本报讯（记者 …）`` / ``□记者 …`` bylines, photo captions.
* **plain** text: one article.

Unknown fields are ``None``; nothing is invented.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..text import CJK, ends_sentence, is_cjk
from ..text.dates import find_dates
from ..types import Article, DocMeta
from .journal import read_journal_header
from .clean import (Line, RepeatFilter, build_paragraphs, drop_repeats, ends_paragraph, has_clause_punct, is_advert,
                    is_page_credit, normalise_for_match, split_lines)

MARKER_RE = re.compile(r"^【([^】]{2,10})】$")
_ISSUE_RE = re.compile(r"^(?:\d{4}年)?第(\d+)期(?:[（(]总第\d+期[)）])?(?=$|\D)")
DATE_RE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_BYLINE_RE = re.compile(r"^(本报讯|□\s*记者|记者\s+\S+)")
_CAPTION_CREDIT_RE = re.compile(r"(记者|通讯员|摄影)\s*\S+(\s+\S+)*\s*摄$")
_KICKER_RE = re.compile(rf"^[{CJK}]{{2,10}}(街道办事处|办事处|街道|乡|镇|县|区|村|社区)$")
FLASH_SECTIONS = ("时讯", "简讯", "快讯", "动态简讯", "信息")
_DIST_START_RE = re.compile(r"^(?:主送|抄送|抄报|分送|报|送|发)\s*[：:]")
_DIST_OTHER_RE = re.compile(r"^[（(]?\s*共印\s*\d+\s*份\s*[)）]?$|^(?:编辑|责任编辑|审核|签发|校对|印发|联系电话)\s*[：:]|印发$")
DIST_WINDOW = 15  # the distribution block is within the last lines of a bulletin
_PAGE_LINE_RE = re.compile(r"第\s*([A-Za-z]?\d{1,3})\s*版")
_PAPER_RE = re.compile(r"([\u4e00-\u9fff]{2,12}(?:日报|晚报|时报|商报|法制报|报))")
_PAGE_NAME_RE = re.compile(r"第\s*[A-Za-z]?\d{1,3}\s*版\s*[：:]?\s*([\u4e00-\u9fff·]{2,10})")


@dataclass
class ParsedDocument:
    meta: DocMeta
    articles: list[Article] = field(default_factory=list)


def event_dates(text: str, year: str | None = None) -> list[str]:
    """Dates mentioned in the text, as ``yyyy-mm-dd`` when the year is known, else ``mm-dd``."""
    found: list[str] = []
    for m in find_dates(text):
        yy = m.year or year
        label = f"{yy}-{m.month:02d}-{m.day:02d}" if yy else f"{m.month:02d}-{m.day:02d}"
        if label not in found:
            found.append(label)
    return found


def split_distribution(lines: list[Line]) -> tuple[list[Line], str | None]:
    """Cut the closing 报/送/发/共印 block of a bulletin off the text; return the rest and the block."""
    window = range(max(0, len(lines) - DIST_WINDOW), len(lines))
    for k in window:
        if not (_DIST_START_RE.match(lines[k].text) or _DIST_OTHER_RE.match(lines[k].text)):
            continue
        tail = lines[k:]
        if not any(_DIST_START_RE.match(ln.text) for ln in tail):
            continue
        if all(_DIST_START_RE.match(ln.text) or _DIST_OTHER_RE.match(ln.text)
               or (len(ln.text) <= 60 and not ends_sentence(ln.text)) for ln in tail):
            return lines[:k], "\n".join(ln.text for ln in tail)
    return lines, None


_DOC_NO_RE = re.compile(r"^[\u4e00-\u9fff]{1,12}[〔\[［(（]\s*(?:19|20)\d{2}\s*[〕\]］)）]\s*\d{1,4}\s*号$")
_DOC_TITLE_END = ("通知", "通报", "意见", "决定", "办法", "方案", "报告", "请示", "批复", "函", "公告", "通告", "纪要",
                  "规定", "细则", "要点", "计划", "总结")
_WEB_META_RE = re.compile(r"(发布时间|发布日期|时间|日期)\s*[：:]|来源\s*[：:]|作者\s*[：:]")
_ISODATE_RE = re.compile(r"((?:19|20)\d{2})[-/.](\d{1,2})[-/.](\d{1,2})")
_SOURCE_RE = re.compile(r"来源\s*[：:]\s*([\u4e00-\u9fff]{2,16}?)(?=作者|编辑|责任|\s|$|[|｜])")
# a person named in a meta line's 作者 field: 2–4 characters ending at a space, a separator or the next field (韩梅来源：…);
# a longer name is a unit (市政府办公室), and 本站 / 佚名 / 管理员 name no one
_AUTHOR_FIELD_RE = re.compile(r"(作者|记者|通讯员|撰稿)\s*[：:]\s*(?!本站|佚名|管理员|编辑部)"
                              r"([\u4e00-\u9fff]{2,4}?(?:[、，,][\u4e00-\u9fff]{2,4}?)*)"
                              r"(?=\s|$|来源|编辑|责任|发布|时间|日期|浏览|[|｜【\[(（])")
_NAV_RE = re.compile(r"^(?:[^|｜，。]{1,8}[|｜]){2,}[^|｜，。]{0,12}$")
WEB_TAIL_MARKS = ("责任编辑", "网友评论", "相关新闻", "相关阅读", "延伸阅读", "推荐阅读", "扫一扫", "分享到", "【打印】", "【关闭】")


def read_official_document(lines: list[Line], meta: DocMeta) -> tuple[int, str | None]:
    """A 公文 (GB/T 9704): issuing-authority line, 文号 ``商文明委〔2024〕6号``, then the title (one to three lines
    ending in 通知/意见/…). Fills the 文号 as the issue and the closing date as the date; returns the index
    after the title and the title."""
    at = next((i for i, ln in enumerate(lines[:8]) if _DOC_NO_RE.match(ln.text.replace(" ", ""))), None)
    if at is None:
        return 0, None
    parts: list[str] = []
    for ln in lines[at + 1:at + 4]:
        if has_clause_punct(ln.text) or ln.text.endswith(("：", ":")):
            break
        parts.append(ln.text)
        if ln.text.endswith(_DOC_TITLE_END):
            break
    if not parts or not parts[-1].endswith(_DOC_TITLE_END):
        return 0, None
    meta.issue = lines[at].text.replace(" ", "")
    if at > 0:
        meta.publisher = lines[at - 1].text.replace(" ", "").removesuffix("文件") or None
    meta.date = closing_date([ln.text for ln in lines[-6:]]) or meta.date
    return at + 1 + len(parts), "".join(parts)


def closing_date(lines: list[str]) -> str | None:
    """The date a document is signed with (落款): the last of ``lines`` (its final few) that holds only a full
    date (``商都市自来水公司`` / ``2024年6月23日``), as ISO; else None."""
    for line in reversed(lines):
        m = DATE_RE.fullmatch(line.replace(" ", ""))
        if m and 1 <= int(m.group(2)) <= 12 and 1 <= int(m.group(3)) <= 31:
            return f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
    return None


def read_web_header(lines: list[Line], meta: DocMeta) -> tuple[int, str | None]:
    """A web article (saved or printed page): a ``发布时间：… 来源：…`` line near the top under the headline.
    Fills date and source, drops navigation above the headline; returns the index after the meta line and
    the headline — or the meta line's own index when it names an author (``作者：韩梅``): it is then replaced by
    that byline, kept as the article's first line."""
    for i, ln in enumerate(lines[:8]):
        if not _WEB_META_RE.search(ln.text) or has_clause_punct(ln.text.replace("，", "")) or i == 0:
            continue
        m = _ISODATE_RE.search(ln.text) or DATE_RE.search(ln.text)
        if not m:
            continue
        meta.date = f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
        src = _SOURCE_RE.search(ln.text)
        title = lines[i - 1].text
        if src:
            meta.bulletin = src.group(1)
        signed = _AUTHOR_FIELD_RE.findall(ln.text)
        if signed:  # who wrote it is asked: the meta line's 作者 stays as the article's byline line
            lines[i] = Line(" ".join(f"{role}：{names}" for role, names in signed))
            return i, title
        return i + 1, title
    return 0, None


def cut_web_tail(lines: list[Line]) -> list[Line]:
    """Drop navigation rows (``首页|时政|民生``) and the page chrome after the article (comments, related
    news, share buttons) when it starts in the second half of the text."""
    lines = [ln for ln in lines if not _NAV_RE.match(ln.text)]
    for k in range(len(lines) // 2, len(lines)):
        if lines[k].text.startswith(WEB_TAIL_MARKS):
            return lines[:k]
    return lines


def read_page_line(lines: list[Line], meta: DocMeta) -> tuple[int, str | None]:
    """A newspaper page line in the first lines (``商都日报 2024年3月18日 星期一 第3版：综合新闻``): fill the
    paper and date, return the index after it and the page label (``第3版 综合新闻``) for the 栏目."""
    for i, ln in enumerate(lines[:3]):
        text = ln.text
        page = _PAGE_LINE_RE.search(text)
        date = DATE_RE.search(text)
        if not page or not date or len(text) > 50 or any(p in text for p in "，。；！？"):
            continue
        paper = _PAPER_RE.search(text[:date.start()] or text)
        if paper:
            meta.bulletin = meta.bulletin or paper.group(1)
        meta.date = meta.date or f"{date.group(1)}-{int(date.group(2)):02d}-{int(date.group(3)):02d}"
        name = _PAGE_NAME_RE.search(text)
        number = page.group(1).lstrip("0") or page.group(1)
        return i + 1, f"第{number}版" + (f" {name.group(1)}" if name else "")
    return 0, None


def parse_masthead(lines: list[Line], meta: DocMeta) -> int:
    """Read title / issue / publisher / date from the first lines; return the index after the masthead."""
    head = lines[:12]
    issue_at = next((i for i, ln in enumerate(head)
                     if _ISSUE_RE.match(ln.text.replace(" ", "")) and not has_clause_punct(ln.text)), None)
    if issue_at is None:
        return 0
    issue = _ISSUE_RE.match(head[issue_at].text.replace(" ", ""))
    meta.issue = issue.group(1)
    title_parts = [ln.text.replace(" ", "") for ln in head[:issue_at]]
    if title_parts:
        meta.bulletin = "".join(title_parts)
    rest = head[issue_at].text.replace(" ", "")[issue.end():]
    m = DATE_RE.search(rest)
    if m:  # "第5期 商都市文明办 2024年7月15日" on one line
        meta.date = f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
        meta.publisher = rest[:m.start()].strip("　 ") or None
        return issue_at + 1
    end = issue_at + 1
    for i in range(issue_at + 1, min(issue_at + 4, len(head))):
        text = head[i].text
        m = DATE_RE.search(text)
        if m:
            meta.date = f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
            end = i + 1
            break
        if not has_clause_punct(text) and len(text) <= 20:
            meta.publisher = text.replace(" ", "")
            end = i + 1
    return end


def article_of(meta: DocMeta, number: int, title: str | None, section: str | None,
             paragraphs: list[str]) -> Article:
    text = "\n".join(p for p in paragraphs if p)
    year = meta.date[:4] if meta.date else None
    return Article(source=meta.source, number=number, title=title, section=section, text=text,
                   bulletin=meta.bulletin, issue=meta.issue, date=meta.date,
                   event_dates=event_dates(text, year))


def is_title_line(text: str) -> bool:
    return not has_clause_punct(text) and len(text) <= 40 and sum(is_cjk(c) for c in text) >= 4


def _parse_bulletin(lines: list[Line], meta: DocMeta) -> list[Article]:
    markers = [i for i, ln in enumerate(lines) if MARKER_RE.match(ln.text)]
    bounds = markers + [len(lines)]
    body_markers = [m for k, m in enumerate(markers)
                    if any("。" in ln.text for ln in lines[m + 1:bounds[k + 1]])]
    first_body = body_markers[0] if body_markers else len(lines)
    toc = {normalise_for_match(ln.text): ln.text for ln in lines[:first_body]
           if not MARKER_RE.match(ln.text) and is_title_line(ln.text)}
    articles: list[Article] = []
    preface = [ln for ln in lines[:first_body] if "。" in ln.text]
    if preface:  # text before any section that is not a table of contents
        articles.append(article_of(meta, 0, None, None, build_paragraphs(preface)))
    for k, m in enumerate(markers):
        if m not in body_markers:
            continue
        section = lines[m].text
        body = lines[m + 1:bounds[k + 1]]
        if any(s in section for s in FLASH_SECTIONS):
            found = _flash_items(body)
        else:
            found = section_articles(body, toc)
        for title, paragraphs in found:
            articles.append(article_of(meta, len(articles), title, section, paragraphs))
    return articles


def _match_title(body: list[Line], i: int, toc: dict[str, str]) -> tuple[str | None, int]:
    """Title starting at body[i] (one to three lines) that matches the table of contents."""
    key = ""
    for n in range(3):
        if i + n >= len(body) or not is_title_line(body[i + n].text):
            break
        key += normalise_for_match(body[i + n].text)
        if key in toc:
            return toc[key], n + 1
    return None, 0


def section_articles(body: list[Line], toc: dict[str, str]) -> list[tuple[str | None, list[str]]]:
    out: list[tuple[str | None, list[Line]]] = []
    wrap_width = max((len(ln.text) for ln in body), default=0)  # lines this long are hard-wrapped text
    i = 0
    while i < len(body):
        at_start = not out
        prev_done = at_start or (out[-1][1] and ends_sentence(out[-1][1][-1].text))
        title, used = (None, 0)
        if prev_done and is_title_line(body[i].text):
            title, used = _match_title(body, i, toc)
            if not title and not toc and not at_start and i + 1 < len(body) \
                    and not is_title_line(body[i + 1].text) and len(body[i].text) < wrap_width - 2:
                title, used = body[i].text, 1  # no table of contents: a title line between two articles
            if not title and at_start:
                # first article of a section: its title is the run of title lines after the marker
                used = 0
                while i + used < len(body) and used < 3 and is_title_line(body[i + used].text):
                    used += 1
                title = " ".join(ln.text for ln in body[i:i + used]) or None
        if title:
            out.append((title, []))
            i += used
            continue
        if not out:
            out.append((None, []))
        out[-1][1].append(body[i])
        i += 1
    return [(t, drop_repeats(build_paragraphs(ls))) for t, ls in out]


def _flash_items(body: list[Line]) -> list[tuple[str | None, list[str]]]:
    items: list[tuple[str | None, list[str]]] = []
    for para in build_paragraphs(body):
        first = re.split(r"(?<=[。！？])", para, maxsplit=1)[0]
        title = first.rstrip("。！？")
        if len(first) <= 45 and "，" not in first and ends_sentence(first):
            items.append((title, [para]))
        elif items:
            items[-1][1].append(para)
        else:
            items.append((None, [para]))
    return items


def _is_byline(text: str) -> bool:
    return bool(_BYLINE_RE.match(text)) and not text.endswith("摄")


def _split_headline(block: list[Line], at_doc_start: bool) -> tuple[str | None, list[str]]:
    """Choose the headline from the lines above a byline; return it and the other lines (kickers,
    sub-titles) that stay in the article text."""
    units: list[list[str]] = []
    extra: list[str] = []
    for ln in block:
        text = ln.text
        if _KICKER_RE.match(text) or text.startswith("——"):
            extra.append(text.lstrip("—"))
            continue
        if units and not ln.blank_before and len(units[-1]) < 2:
            units[-1].append(text)
        else:
            units.append([text])
    if at_doc_start and len(units) >= 2:
        units = units[1:]  # a page banner above the first headline
    if not units:
        return None, extra
    title = " ".join(units[0])
    extra = [" ".join(u) for u in units[1:]] + extra
    return title, extra


CAPTION_TITLE = "图片说明"  # the title given to a photo caption of a newspaper page
ADVERT_TITLE = "广告"  # … and to an advertisement


def _is_caption(paragraph: str) -> bool:
    return "图为" in paragraph or bool(_CAPTION_CREDIT_RE.search(paragraph))


def _parse_newspaper(lines: list[Line], meta: DocMeta) -> list[Article]:
    bylines = [i for i, ln in enumerate(lines) if _is_byline(ln.text)]
    starts: list[tuple[int, int]] = []  # (headline block start, byline index)
    for b in bylines:
        j = b
        while j > 0 and is_title_line(lines[j - 1].text) and not ends_paragraph(lines[j - 1].text) \
                and b - j < 4 and (not starts or j - 1 >= starts[-1][1] + 1):
            j -= 1
        starts.append((j, b))
    articles: list[Article] = []
    pieces: list[tuple[str | None, str | None, list[str]]] = []
    if starts and starts[0][0] > 0:
        pre = lines[:starts[0][0]]
        if any(has_clause_punct(ln.text) for ln in pre):
            pieces.append((None, None, build_paragraphs(pre)))
    for k, (hs, b) in enumerate(starts):
        end = starts[k + 1][0] if k + 1 < len(starts) else len(lines)
        title, extra = _split_headline(lines[hs:b], at_doc_start=(hs == 0))
        paragraphs = extra + build_paragraphs(lines[b:end])
        body: list[str] = []
        captions: list[tuple[str | None, str | None, list[str]]] = []
        for p in paragraphs:
            if re.fullmatch(r"(记者|通讯员)\s*\S+(\s+\S+)*\s*摄", p) and captions:
                captions[-1][2].append(p)
            elif _is_caption(p):
                captions.append((CAPTION_TITLE, None, [p]))  # in the page's section, under a title of its own
            elif is_advert(p):
                captions.append((ADVERT_TITLE, None, [p]))  # told apart from the article it follows
            elif not is_page_credit(p):  # 本版编辑/校对 lines are page furniture
                body.append(p)
        pieces.append((title, None, body))
        pieces.extend(captions)
    repeats = RepeatFilter()
    for title, section, paragraphs in pieces:
        paragraphs = repeats(paragraphs)
        if paragraphs:
            articles.append(article_of(meta, len(articles), title, section, paragraphs))
    return articles


def _parse_plain(lines: list[Line], meta: DocMeta) -> list[Article]:
    title = None
    if len(lines) > 1 and is_title_line(lines[0].text) and not ends_sentence(lines[0].text):
        title, lines = lines[0].text, lines[1:]
    return [article_of(meta, 0, title, None, drop_repeats(build_paragraphs(lines)))]


def parse_document(raw_text: str, source: str) -> ParsedDocument:
    """Clean ``raw_text`` and split it into articles with metadata."""
    lines = split_lines(raw_text)
    meta = DocMeta(source=source, kind="plain")
    lines, meta.distribution = split_distribution(lines)
    start, page = read_page_line(lines, meta)
    title = None
    if not start:
        start, title = read_official_document(lines, meta)
    if not start:
        start, title = read_web_header(lines, meta)
        if start:
            lines = lines[:start] + cut_web_tail(lines[start:])
    column = None
    if not start:
        at, journal_title, column = read_journal_header(lines, meta)
        if at:
            start, title = at, journal_title
    start = start or parse_masthead(lines, meta)
    lines = lines[start:]
    if title:  # a 公文, a web or a journal article: one article under its own title
        articles = [article_of(meta, 0, title, column, drop_repeats(build_paragraphs(lines)))]
    elif any(MARKER_RE.match(ln.text) for ln in lines):
        meta.kind = "bulletin"
        articles = _parse_bulletin(lines, meta)
    elif sum(1 for ln in lines if _is_byline(ln.text)) >= 1:
        meta.kind = "newspaper"
        articles = _parse_newspaper(lines, meta)
    elif meta.issue:  # a bulletin without 【栏目】 markers: articles under their title lines
        meta.kind = "bulletin"
        articles = [article_of(meta, n, t, None, ps) for n, (t, ps) in enumerate(section_articles(lines, {}))]
    else:
        articles = _parse_plain(lines, meta) if lines else []
    articles = [a for a in articles if a.text.strip()]
    for n, a in enumerate(articles):
        a.number = n
        a.section = a.section or page
    return ParsedDocument(meta, articles)
