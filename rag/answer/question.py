"""What a question is and asks for: cleaning (empty, too long, traditional characters), follow-up
detection, its parts, and the patterns that say it asks for a number, a date, a person or publication
metadata (with the shapes of text that answer them)."""
from __future__ import annotations

import logging
import re

from ..errors import QuestionError
from ..text import has_word, normalise_compat, strip_invisible, strip_special_tokens, to_simplified, word_chars

log = logging.getLogger(__name__)
MAX_QUESTION_CHARS = 500
_RAW_LIMIT = 8 * MAX_QUESTION_CHARS  # cut before cleaning: a client may send megabytes, cleaning is per character
_FOLLOWUP_RE = re.compile(r"^(那|那么|那个|它|他|她|他们|它们|这|该|此|其|还有|另外|又|是|由|都|分别|具体|哪些|哪个|谁)"
                          r"|呢[？?]?$|^(为什么|怎么样)[？?]?$")
ASKS_NUMBER = re.compile(r"(多少|几[个名次人项份户条座期天支所家位]|比例|百分之|数量|几)")
ASKS_DATE = re.compile(r"(哪天|哪一天|何时|什么时候|几月几日|日期|哪日)")
HAS_NUMBER = re.compile(r"[\d一二三四五六七八九十百千万两]+\s*[个名次人项份户条座期天支所家位%余多万千百亿元吨场处件]")
HAS_DATE = re.compile(r"\d{1,2}月\d{1,2}日|\d{4}年")
ASKS_PERSON = re.compile(r"(谁|哪位|哪一位|何人|哪些人|哪个领导|哪名)")
UNIT_ASKED = re.compile(r"(?:多少|几)([个名次人项份户条座天支所家位场处件吨元万])")
ASKS_METADATA = re.compile(r"(哪一?期|第几期|期号|哪天出版|出版日期|什么时候出(?:版|刊)|哪天出刊|哪个栏目|什么栏目|哪一栏目|"
                            r"哪份简报|哪一份简报|出自哪)")


def wants_metadata(question: str) -> bool:
    """Questions about the bulletin itself (issue, publication date, section) get passage metadata."""
    return bool(re.search(r"(期|简报|出刊|出版|刊发|刊登|登在|栏目|版面|哪份|发布)", question))


def clean_question(question: str) -> str:
    """The question as retrieval and the model see it: lone surrogates (undecodable bytes from a terminal),
    control and bidirectional-override characters and chat-template tokens removed, at most
    ``MAX_QUESTION_CHARS`` characters, simplified characters. Raises :class:`QuestionError` when nothing
    askable is left."""
    q = strip_special_tokens(strip_invisible(str(question or "")[:_RAW_LIMIT])).strip()
    if not q:
        raise QuestionError("请输入问题。(The question is empty.)")
    if not has_word(q):
        raise QuestionError("问题只包含标点符号，请输入具体的问题。(The question has no words.)")
    if len(q) > MAX_QUESTION_CHARS:
        log.info("question of %d characters cut to %d", len(q), MAX_QUESTION_CHARS)
        q = q[:MAX_QUESTION_CHARS]
    return to_simplified(normalise_compat(q))


HISTORY_TURNS = 3  # earlier questions a follow-up is read with (the rewrite prompt shows the last three)


def clean_history(history) -> list[str]:
    """The conversation as a follow-up is read with: the last ``HISTORY_TURNS`` questions, each cleaned and
    cut like a question. A client-sent history can be anything (a megabyte of text, non-strings, lone
    surrogates); no more than this ever reaches retrieval or the model."""
    out = []
    for item in list(history or [])[-HISTORY_TURNS:]:
        text = strip_special_tokens(strip_invisible(str(item)[:_RAW_LIMIT])).strip()[:MAX_QUESTION_CHARS]
        if has_word(text):
            out.append(text)
    return out


def split_parts(question: str) -> list[str]:
    """The parts of a compound question: "…多少份？又组织了多少名…？" → two parts."""
    parts = [p.strip() for p in re.split(r"[？?；;]\s*(?:又|还|另外|并且|同时)?|，\s*(?:又|另外|同时)", question) if p.strip()]
    return parts if len(parts) >= 2 else [question]


def looks_like_followup(question: str) -> bool:
    q = question.strip()
    return bool(_FOLLOWUP_RE.search(q)) or len(word_chars(q)) <= 4
