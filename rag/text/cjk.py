"""CJK character ranges, written once, and simplified-Chinese conversion."""
from __future__ import annotations

import logging
import re

log = logging.getLogger(__name__)

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # ext. A, unified ideographs, compatibility ideographs
CJK_RE = re.compile(f"[{CJK}]")
FULLWIDTH_PUNCT = "，。、；：？！“”‘’（）《》【】「」『』—…·"
_WORD_RE = re.compile(rf"[\w{CJK}]")
_NON_WORD_RE = re.compile(rf"[^\w{CJK}]")


def is_cjk(ch: str) -> bool:
    return bool(ch) and bool(CJK_RE.match(ch))


def has_word(text: str) -> bool:
    """True when the text has a letter, digit or Chinese character (not only punctuation/space)."""
    return bool(_WORD_RE.search(text))


def word_chars(text: str) -> str:
    """The text without punctuation and whitespace."""
    return _NON_WORD_RE.sub("", text)


def to_simplified(text: str) -> str:
    """Traditional characters (示範區信訪…) to simplified, which is what the bulletins and BM25 use."""
    try:
        import zhconv
    except ImportError:  # pragma: no cover - a declared dependency
        log.warning("zhconv is not installed; traditional Chinese questions are not converted (pip install zhconv)")
        return text
    return zhconv.convert(text, "zh-cn")
