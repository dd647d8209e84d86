"""Cleaning of PDF-extracted Chinese text.

Line-level repairs (U+FFFD runs, doubled-character captions, ASCII punctuation between CJK characters,
stray spaces) and the paragraph rebuilder that joins hard-wrapped lines inside a sentence while keeping
sub-headings on their own line. Repeated passages are removed with :func:`drop_repeats`.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from ..text import CJK, FULLWIDTH_PUNCT, ends_sentence, is_cjk, normalise_compat, starts_item


@dataclass
class Line:
    text: str
    blank_before: bool = False  # an empty line preceded this one in the source


def collapse_doubled(text: str, min_pairs: int = 4) -> str:
    """Collapse runs of doubled characters from bold PDF captions (``民民兵兵为为群群`` → ``民兵为群``).

    Only runs of at least ``min_pairs`` consecutive doubled characters are collapsed, so real
    reduplications (常常, 天天, 高高兴兴) are left alone.
    """
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        j = i
        while j + 1 < n and text[j] == text[j + 1] and not text[j].isspace():
            j += 2
        pairs = (j - i) // 2
        if pairs >= min_pairs:
            out.append(text[i:j:2])
            i = j
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


_ASCII_TO_FULL = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"}


def normalise_punct(text: str) -> str:
    """ASCII punctuation next to CJK characters becomes full-width; spaces around full-width
    punctuation and between CJK characters and digits are dropped."""
    chars = list(text)
    for i, ch in enumerate(chars):
        if ch in _ASCII_TO_FULL:
            prev = next((c for c in reversed(chars[:i]) if c != " "), "")
            nxt = next((c for c in chars[i + 1:] if c != " "), "")
            near_cjk = is_cjk(prev) or is_cjk(nxt) or prev in FULLWIDTH_PUNCT or nxt in FULLWIDTH_PUNCT
            if ch == ":" and prev.isdigit() and nxt.isdigit():
                continue  # a time such as 10:30
            if ch == "," and prev.isdigit() and nxt.isdigit() and not (is_cjk(prev) or is_cjk(nxt)):
                continue  # a thousands separator
            if near_cjk:
                chars[i] = _ASCII_TO_FULL[ch]
    text = "".join(chars)
    punct = re.escape(FULLWIDTH_PUNCT)
    text = re.sub(rf"[ \t]+([{punct}])", r"\1", text)
    text = re.sub(rf"([{punct}])[ \t]+", r"\1", text)
    text = re.sub(rf"([{CJK}])[ \t]+(?=[0-9A-Za-z%])", r"\1", text)
    text = re.sub(rf"([0-9A-Za-z%.])[ \t]+(?=[{CJK}])", r"\1", text)
    text = re.sub(r"[ \t]{2,}", " ", text)
    return text


def clean_line(raw: str) -> str:
    """Repairs that need no context: NFC, compatibility characters (full-width digits, Kangxi radicals,
    glyph names), U+FFFD and control characters, doubled captions, punctuation."""
    text = normalise_compat(unicodedata.normalize("NFC", raw))
    text = text.replace("\u3000", " ").replace("\xa0", " ").replace("\t", " ")
    text = re.sub("\ufffd+", "", text)
    text = "".join(ch for ch in text if ch.isprintable() or ch == " ")
    text = collapse_doubled(text)
    text = normalise_punct(text)
    return text.strip()


def split_lines(raw_text: str) -> list[Line]:
    """Clean every line; blank lines disappear but are remembered as ``blank_before``."""
    lines: list[Line] = []
    blank = False
    for raw in re.split(r"\r\n|\r|\n|\f|\v|\u2028|\u2029", raw_text):
        text = clean_line(raw)
        if not text:
            blank = True
            continue
        lines.append(Line(text, blank))
        blank = False
    return lines


# a byline on a line of its own: role words and the names they sign (本报记者 杨帆 通讯员 孔令伟, 作者：韩梅); a body
# line that opens with 记者 ("记者昨日从市住建局获悉") has no name-shaped run after it
_NAMES = r"[\u4e00-\u9fff]{2,4}(?:[\s、]+[\u4e00-\u9fff]{2,4})*"
BYLINE_LINE = re.compile(rf"[□■◎●]?\s*(?:(?:本报|特约|见习)?(?:记者|通讯员|实习生)\s*{_NAMES}\s*)+|"
                         rf"(?:作者|撰稿)\s*[：:]\s*{_NAMES}")


def ends_paragraph(text: str) -> bool:
    """A sentence end, or a photo credit such as ``记者 姬慧洋 摄`` that closes a caption, or a byline."""
    if ends_sentence(text) or re.search(r"(记者|通讯员|摄影)\s*\S+(\s+\S+)*\s*摄$", text):
        return True
    return bool(re.fullmatch(r"□?(记者|通讯员)[^，。；！？]{1,24}", text) or BYLINE_LINE.fullmatch(text))


def has_clause_punct(text: str) -> bool:
    return any(p in text for p in "，。；！？")


def looks_like_subheading(text: str) -> bool:
    """A short line without sentence punctuation: 拓宽思路解难题, 穿针巧引线 破解“受理难”."""
    if has_clause_punct(text) or any(c in text for c in "、（）()") or len(text) > 22:
        return False
    if text.startswith(("本报讯", "□", "记者")) or text.endswith("摄"):
        return False
    if len(text) <= 9 and sum(is_cjk(c) for c in text) >= 4:
        return True
    # two headline halves separated by a space (CJK or a closing quote before it, CJK after it)
    return bool(re.search(rf"[{CJK}”》] +[{CJK}“《]", text)) and sum(is_cjk(c) for c in text) >= 8


_FIELD_RE = re.compile(rf"^[{CJK}]{{2,10}}[：:]")  # "填报单位：", "七一路街道：", "联系人：": one field a line
_SAYS_RE = re.compile(r"(指出|表示|强调|要求|认为|提出|明确|介绍|说|称|如下|包括|是)[：:]")  # "会议指出：…" is prose
_OPEN_ENDS = ("第", "其中", "和", "及", "与", "至", "或", "、")
FIELD_LINE_CHARS = 30  # a form line ("联系人：马晓东") is short; a longer one is prose that wraps


def _is_field(line: str) -> bool:
    """A whole line that is one ``名称：值`` field: short, a noun before the colon, no clause punctuation."""
    m = _FIELD_RE.match(line)
    return bool(m) and len(line) <= FIELD_LINE_CHARS and not _SAYS_RE.match(line[m.end() - 3:m.end()]) and \
        not _SAYS_RE.search(line[:m.end()]) and not has_clause_punct(line[m.end():])


def join_wrapped(left: str, right: str) -> str:
    """Join a hard-wrapped line to its continuation; a space survives only between two Latin words."""
    if left and right and left[-1].isascii() and left[-1].isalnum() and right[0].isascii() and right[0].isalpha():
        return f"{left} {right}"
    return left + right


def build_paragraphs(lines: list[Line]) -> list[str]:
    """Rebuild paragraphs from wrapped lines.

    A line continues the previous one unless the previous line ended a sentence or was a sub-heading,
    or the line opens a numbered item, or both lines are ``名称：…`` fields (form and table rows); a sub-heading is a short punctuation-free line that follows the
    end of a sentence (or another sub-heading) and is not the last line, or a short numbered item line
    without clause punctuation (``一、测评内容``, ``1. 组织领导和工作机制``).
    """
    paragraphs: list[str] = []
    current = ""
    prev_heading = False
    for i, line in enumerate(lines):
        text = line.text
        # a numbered item starts a paragraph, unless the text before breaks off mid-phrase ("…第" / "（三）项规定")
        item = starts_item(text) and not current.endswith(_OPEN_ENDS)
        fields = bool(current) and _is_field(lines[i - 1].text) and _FIELD_RE.match(text) is not None
        at_boundary = not current or ends_paragraph(current) or prev_heading or item or fields \
            or BYLINE_LINE.fullmatch(text) is not None  # a byline is a paragraph of its own
        nxt = lines[i + 1].text if i + 1 < len(lines) else None
        if at_boundary and nxt is not None and (looks_like_subheading(text) or (
                item and len(text) <= 22 and not has_clause_punct(text))):
            if current:
                paragraphs.append(current)
            paragraphs.append(text)
            current, prev_heading = "", True
            continue
        prev_heading = False
        if at_boundary:
            if current:
                paragraphs.append(current)
            current = text
        else:
            current = join_wrapped(current, text)
    if current:
        paragraphs.append(current)
    return [normalise_punct(p) for p in paragraphs]


class RepeatFilter:
    """Removes passages of at least ``min_len`` characters that repeat verbatim earlier in the document.

    Feed it the document's paragraphs in reading order (one or several calls, e.g. one per article).
    A k-gram index finds repeats that start in the middle of a sentence (a PDF extraction glitch),
    not just whole repeated paragraphs.
    """

    def __init__(self, min_len: int = 40, k: int = 24):
        self.min_len, self.k = min_len, k
        self.seen: set[str] = set()
        self.history = ""

    def __call__(self, paragraphs: list[str]) -> list[str]:
        k, out = self.k, []
        for para in paragraphs:
            base = len(self.history)
            text = self.history + "\n" + para
            start = base + 1
            repeated = [False] * len(para)
            i = start
            while i + k <= len(text):
                gram = text[i:i + k]
                if gram in self.seen:
                    first = self.history.find(gram) if gram in self.history else text.find(gram)
                    length = k
                    while i + length < len(text) and first + length < i and text[first + length] == text[i + length]:
                        length += 1
                    if length >= self.min_len:
                        for j in range(i, i + length):
                            repeated[j - start] = True
                        i += length
                        continue
                i += 1
            for j in range(start, len(text) - k + 1):
                self.seen.add(text[j:j + k])
            self.history = text
            kept = "".join(ch for ch, rep in zip(para, repeated) if not rep).strip()
            if kept and any(repeated) and not ends_sentence(kept):
                kept += "……"  # mark the cut instead of leaving a sentence hanging
            if kept:
                out.append(kept)
        return out


def drop_repeats(paragraphs: list[str], min_len: int = 40, k: int = 24) -> list[str]:
    """Remove passages that repeat verbatim earlier in the same list of paragraphs."""
    return RepeatFilter(min_len, k)(paragraphs)


def normalise_for_match(text: str) -> str:
    """Comparison key for titles: NFKC, no whitespace."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


_CREDIT_RE = re.compile(r"^(?:本版|责任|美术|版式|图片|文字)?编辑[：:]|^(?:校对|审核|审校|监制|排版|组版)[：:]")
_ADVERT_CUES = ("招商", "热线", "广告", "优惠", "热销", "团购", "订购", "首选", "欢迎致电", "诚邀", "火爆")
_PHONE_RE = re.compile(r"\d{3,4}-?\d{7,8}|(?<!\d)1\d{10}(?!\d)|400-?\d{3}-?\d{4}")
CREDIT_MAX_CHARS = 40  # "本版编辑：周宁 美术编辑：高岩" is one short line


def is_page_credit(paragraph: str) -> bool:
    """A newspaper page's staff line (本版编辑 / 责任编辑 / 校对): page furniture, not article text."""
    return bool(_CREDIT_RE.match(paragraph)) and len(paragraph) <= CREDIT_MAX_CHARS and not ends_sentence(paragraph)


def is_advert(paragraph: str) -> bool:
    """An advertisement on a newspaper page: no sentence end, a phone number and at least two advertising
    words (招商热线 …), or a line that says 广告 first. One service number ("服务热线：…") is not an advert."""
    if any(p in paragraph for p in "。！？"):
        return False
    if paragraph.startswith(("广告", "【广告】")):
        return True
    return bool(_PHONE_RE.search(paragraph)) and sum(cue in paragraph for cue in _ADVERT_CUES) >= 2

