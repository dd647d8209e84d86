"""CJK character ranges, written once, and simplified-Chinese conversion."""
from __future__ import annotations

import logging
import re
import unicodedata

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


# compatibility characters that PDF producers (browsers, WPS) and full-width typing leave in text: full-width
# digits and Latin letters, Kangxi radicals (⽂ U+2F42 for 文), CJK radical supplements, compatibility ideographs
_COMPAT_RE = re.compile("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\u2e80-\u2eff\u2f00-\u2fdf\uf900-\ufaff]")
_GLYPH_NAME_RE = re.compile(r"/(?:uni|UNI)([0-9A-Fa-f]{4})")  # a glyph name a PDF extractor printed as text


def normalise_compat(text: str) -> str:
    """Compatibility characters to the ones everybody types (NFKC, but only for these: full-width
    punctuation such as ，（） stays Chinese), and glyph names such as ``/UNI7f51`` to their character. Applied
    before any metadata is parsed, so ``第９期`` is issue 9 and ``⽂明`` matches 文明 in search."""
    text = _GLYPH_NAME_RE.sub(lambda m: chr(int(m.group(1), 16)), text)
    return _COMPAT_RE.sub(lambda m: unicodedata.normalize("NFKC", m.group(0)), text)


_KEPT_CONTROLS = "\t\n\r"


def strip_invisible(text: str) -> str:
    """Remove what a user cannot see but a program can trip on: lone surrogates (undecodable bytes from a
    terminal), control characters other than tab and line breaks, and format characters (U+202E right-to-left
    override, zero-width spaces, byte-order marks)."""
    return "".join(ch for ch in text if ch in _KEPT_CONTROLS or unicodedata.category(ch) not in ("Cc", "Cf", "Cs"))


def to_simplified(text: str) -> str:
    """Traditional characters (示範區信訪…) to simplified, which is what the bulletins and BM25 use."""
    try:
        import zhconv
    except ImportError:  # pragma: no cover - a declared dependency
        log.warning("zhconv is not installed; traditional Chinese questions are not converted (pip install zhconv)")
        return text
    return zhconv.convert(text, "zh-cn")
