"""The relevance gate: can the retrieved passages possibly answer the question? If not, the answer is a
refusal without asking the model."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..text import content_tokens, word_chars
from ..types import Hit
from .context import coverage, idf_from_hits, sentence_scores
from .people import deputy_only_titles
from .tuning import TUNING


@dataclass
class Relevance:
    coverage: float  # best share of question content tokens found in one passage (with its metadata)
    sentence: float  # best IDF-weighted sentence score
    dense: float  # best cosine between the question and a passage
    missing_numbers: list[str]
    relevant: bool
    missing_quoted: list[str] = field(default_factory=list)  # quoted names of the question no passage holds
    deputy_only: list[str] = field(default_factory=list)  # titles of the question the passages give only a deputy

    def lacking(self) -> str | None:
        """Why the gate refused, when it is a number, a quoted name or a title holder of the question that no
        passage holds."""
        names = self.missing_numbers + [f"“{q}”" for q in self.missing_quoted] + \
            [f"the {t} (only a 副{t})" for t in self.deputy_only]
        return f"no passage mentions {'、'.join(names)}" if names else None


_NUM_RE = re.compile(r"\d+(?:\.\d+)?")
# a name the question puts in quotation marks (a category, a campaign, a slogan: “见义勇为”类, “我们在行动”活动) is
# copied from a document, so the documents that answer it hold it. Not 《》: an article about a film or a book
# calls it 该片 / 该书 as often as by its title (RGB query 17's one positive passage never names 《李茂扮太子》). The
# answer checks' ``checks.QUOTED_RE`` reads 《》 too: a title an answer gives must be in a passage, whatever the question
QUESTION_QUOTE_RE = re.compile(r"[“\"「『]([^“”\"「」『』]{2,30})[”\"」』]")
# a numbered shorthand (“三同”, “五老”, “四个全面”) stands for items a text may list without the shorthand
# itself ("坚持同部署、同检查、同推进"): not a name the passages must write
NUMBERED_SHORTHAND = re.compile(r"[一二两三四五六七八九十]个?[\u4e00-\u9fff]{1,3}")
# …when the question asks for its items: 哪“三同”, “三廉”具体指 / 是什么 / 包括 / 有哪些 (“十佳少年”是谁 asks no items)
ITEMS_ASKED_AFTER = re.compile(r".{0,2}(?:是什么|是哪|指什么|指哪|具体|包括|有哪|内容)")


def _items_asked(question: str, quote: re.Match) -> bool:
    """The quoted numbered shorthand's items are what the question asks for."""
    return (NUMBERED_SHORTHAND.fullmatch(quote.group(1)) is not None
            and (question[:quote.start()].endswith(("哪", "哪些"))
                 or ITEMS_ASKED_AFTER.match(question, quote.end()) is not None))


# a quoted name with a question word in it is a template the question asks to fill: “几堂几中心” is answered by a
# text's “两堂三中心”, “几会一课” by “三会一课”. 几 / 多少 stand for a number — or for themselves: “几何小课堂” is a name
_SLOTS = {"几": r"(?:几|[0-9一二两三四五六七八九十百千]{1,4})", "多少": r"(?:多少|[0-9一二两三四五六七八九十百千万]{1,6})"}
_SLOT_RE = re.compile("|".join(_SLOTS))


def quoted_pattern(quote: str) -> re.Pattern:
    """What a quoted name matches in a flattened text (no punctuation or spaces, lower case): itself, or — for a
    template with question words (“几堂几中心”) — any filling of its slots ("两堂三中心")."""
    w = word_chars(quote).lower()
    parts = _SLOT_RE.split(w)
    slots = [_SLOTS[s] for s in _SLOT_RE.findall(w)]
    return re.compile("".join(re.escape(p) + (slots[i] if i < len(slots) else "") for i, p in enumerate(parts)))


def missing_quoted(question: str, texts: list[str]) -> list[str]:
    """The question's quoted names that none of ``texts`` holds (compared without punctuation, spaces or case:
    “道德文明使者·我们在行动” matches 道德文明使者•我们在行动); a numbered shorthand whose items are asked is no name;
    a template (“几会一课”) is held by any text that fills it (三会一课)."""
    quoted = [m.group(1) for m in QUESTION_QUOTE_RE.finditer(question) if not _items_asked(question, m)]
    if not quoted:  # most questions: no need to flatten every passage
        return []
    flat = [word_chars(t).lower() for t in texts]
    return [q for q in quoted if word_chars(q) and not any(quoted_pattern(q).search(f) for f in flat)]


def judge_relevance(question: str, hits: list[Hit], min_coverage: float = TUNING.min_coverage,
                    min_dense: float = TUNING.min_dense) -> Relevance:
    """Decide whether the passages can possibly answer the question (else refuse without the LLM).

    Relevant when enough of the question's content words appear in one passage, or the question is
    close to a passage in embedding space (e5 cosines sit in a narrow band: 0.86 was calibrated on the
    eval set, off-topic questions score about 0.80). Numbers in the question (a year, an issue, a
    date) must appear in the passages: "2024年…" is not answered by a 2023 figure; so must a name it quotes
    (“见义勇为”类: a list without that category does not answer it), and a title it asks about (市长) must be
    written for someone other than a deputy (passages with only 副市长 do not say what the 市长 did).
    """
    toks = content_tokens(question)
    if not hits:
        return Relevance(0.0, 0.0, 0.0, [], False)
    texts = [h.chunk.embed_text() for h in hits]
    dense = max((h.dense for h in hits if h.dense is not None), default=0.0)
    numbers = [n for n in _NUM_RE.findall(question) if not any(re.search(rf"(?<!\d){re.escape(n)}(?!\d)", t)
                                                               for t in texts)]
    quoted = missing_quoted(question, texts)
    deputies = deputy_only_titles(question, texts)
    absent = numbers or quoted or deputies
    if not toks:
        return Relevance(0.0, 0.0, dense, numbers, dense >= min_dense and not absent, quoted, deputies)
    idf = idf_from_hits(toks, hits)
    best_cov = max(coverage(toks, t) for t in texts)
    best_sent = max((s.score for h in hits for s in sentence_scores(toks, h.chunk.text, idf)), default=0.0)
    relevant = (best_cov >= min_coverage or dense >= min_dense) and not absent
    return Relevance(best_cov, best_sent, dense, numbers, relevant, quoted, deputies)


def missing_tokens(question_tokens: list[str], hits: list[Hit]) -> list[str]:
    """Content words of the question found in no passage (nor its title/metadata)."""
    return [t for t in question_tokens if not any(t in h.chunk.embed_text().lower() for h in hits)]
