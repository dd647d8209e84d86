"""Evidence selection without an LLM: sentence scoring, passage trimming for a small prompt, the
relevance gate that decides when to refuse, and the extractive answer."""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace

from .chunking import split_sentences
from .models import Hit
from .store.keyword import tokenize

# question words and fillers that say nothing about the topic
STOPWORDS = set("""
的 了 是 在 和 与 及 或 有 为 对 于 把 被 让 从 到 等 哪 哪些 哪个 哪里 哪天 哪位 什么 怎么 怎样 如何 多少 几 几个 几次 多 吗 呢
么 吧 啊 请问 请 问 一下 是否 是不是 谁 何时 何地 什么时候 情况 相关 有关 这 那 这个 那个 其 该 个 名 次 人 年 月 日 上 中 下
我 我们 你 您 他 她 它 他们 呀 哦 还 又 也 都 就 能 会 要 可以 举办 开展 召开 进行 活动 工作 什么样 主要 具体 分别 共 一共 总共
""".split())


def content_tokens(text: str) -> list[str]:
    out = []
    for t in tokenize(text):
        if t in STOPWORDS:
            continue
        if len(t) == 1 and not t.isdigit():
            continue
        if t not in out:
            out.append(t)
    return out


@dataclass
class Scored:
    start: int  # offsets inside the hit's chunk text
    end: int
    score: float


def sentence_scores(question_tokens: list[str], text: str, idf: dict[str, float] | None = None) -> list[Scored]:
    """IDF-weighted share of the question's content tokens found in each sentence."""
    weights = {t: (idf or {}).get(t, 1.0) for t in question_tokens}
    total = sum(weights.values()) or 1.0
    out = []
    for s, e in split_sentences(text):
        sent = text[s:e]
        got = sum(w for t, w in weights.items() if t in sent)
        out.append(Scored(s, e, got / total))
    return out


def coverage(question_tokens: list[str], text: str) -> float:
    if not question_tokens:
        return 0.0
    return sum(1 for t in question_tokens if t in text) / len(question_tokens)


def idf_from_hits(question_tokens: list[str], hits: list[Hit]) -> dict[str, float]:
    """A rough IDF from the retrieved passages: tokens found everywhere count less."""
    n = max(1, len(hits))
    return {t: math.log(1 + n / (1 + sum(1 for h in hits if t in h.chunk.text))) + 0.1 for t in question_tokens}


_CLAUSE_RE = re.compile(r"[^，。！？；：\n]*(?:[，。！？；：]+[”’」』）)]*|\n|$)")


def clauses(text: str) -> list[tuple[int, int]]:
    """Spans of clauses (split at ，。！？；： and line ends), covering the text."""
    return [(m.start(), m.end()) for m in _CLAUSE_RE.finditer(text) if m.end() > m.start()]


_ASKS_NUMBER = re.compile(r"(多少|几[个名次人项份户条座期天支所家位]|比例|百分之|数量|几)")
_ASKS_DATE = re.compile(r"(哪天|哪一天|何时|什么时候|几月几日|日期|哪日)")
_HAS_NUMBER = re.compile(r"[\d一二三四五六七八九十百千万两]+\s*[个名次人项份户条座期天支所家位%余多万千百亿元吨场处件]")
_HAS_DATE = re.compile(r"\d{1,2}月\d{1,2}日|\d{4}年")


def answer_shape_bonus(question: str, text: str) -> float:
    """Evidence that has the kind of thing the question asks for (a number, a date) ranks higher."""
    bonus = 0.0
    if _ASKS_NUMBER.search(question) and _HAS_NUMBER.search(text):
        bonus += 0.4
    if _ASKS_DATE.search(question) and _HAS_DATE.search(text):
        bonus += 0.4
    return bonus


def best_window(question_tokens: list[str], text: str, budget: int, idf: dict[str, float] | None = None,
                question: str = "") -> tuple[int, int, float]:
    """The span of at most ``budget`` characters, made of whole clauses, that holds the most question
    content (IDF-weighted, plus a bonus when it has the number/date asked for); then grown to use the
    rest of the budget, forward first."""
    spans = clauses(text)
    if not spans:
        return 0, len(text), 0.0
    weights = {t: (idf or {}).get(t, 1.0) for t in question_tokens}
    total = sum(weights.values()) or 1.0

    def score(lo: int, hi: int) -> float:
        window = text[spans[lo][0]:spans[hi][1]]
        return sum(w for t, w in weights.items() if t in window) / total + answer_shape_bonus(question, window)

    best = (-1.0, 0, 0)
    for lo in range(len(spans)):
        for hi in range(lo, len(spans)):
            if hi > lo and spans[hi][1] - spans[lo][0] > budget:
                break
            sc = score(lo, hi) - 0.001 * (hi - lo)
            if sc > best[0]:
                best = (sc, lo, hi)
    _, lo, hi = best
    for step in range(len(spans)):
        grown = False
        if hi + 1 < len(spans) and spans[hi + 1][1] - spans[lo][0] <= budget:
            hi, grown = hi + 1, True
        if lo > 0 and spans[hi][1] - spans[lo - 1][0] <= budget:
            lo, grown = lo - 1, True
        if not grown:
            break
    s, e = spans[lo][0], spans[hi][1]
    if e - s > budget:
        e = s + budget
    return s, e, score(lo, hi)


def trim_passage(hit: Hit, question_tokens: list[str], budget: int, idf: dict[str, float] | None = None,
                 question: str = "", window: tuple[int, int, float] | None = None) -> Hit:
    """Narrow a passage to its most relevant clauses (at most ``budget`` characters) so the prompt stays
    small; the hit's start/end follow the kept span (the citation highlights it). ``window``: the
    passage's :func:`best_window` for these arguments, when the caller has it already."""
    c = hit.chunk
    if len(c.text) <= budget:
        return hit
    s, e, _ = window or best_window(question_tokens, c.text, budget, idf, question)
    raw = c.text[s:e]
    text = raw.strip()
    lead = len(raw) - len(raw.lstrip())
    return Hit(replace(c, text=text, start=c.start + s + lead, end=c.start + s + lead + len(text), id=c.id),
               hit.score, hit.rank)


STRONG_WINDOW = 0.6  # a passage past the first two is shown only when its best window holds this much


def passages_to_show(question_tokens: list[str], hits: list[Hit], budget: int, idf: dict[str, float] | None,
                     question: str, multi_part: bool = False, scores: list[float] | None = None) -> list[Hit]:
    """The passages worth the prompt's time. The first two always; each later one only for a question in
    several parts, or when it matches the question strongly (``STRONG_WINDOW``) or better than every
    passage before it (``scores``: their best-window scores, when the caller has them). Prompt reading dominates the first token on a 2-core CPU (~15 ms a token, a
    passage ~90 tokens), and on the eval set a weak third passage was never the one an answer needed."""
    kept = []
    best = 0.0
    for n, h in enumerate(hits):
        score = scores[n] if scores is not None else best_window(question_tokens, h.chunk.text, budget, idf, question)[2]
        if n < 2 or multi_part or score >= STRONG_WINDOW or score > best:
            kept.append(h)
        best = max(best, score)
    return kept


@dataclass
class Relevance:
    coverage: float  # best share of question content tokens found in one passage (with its metadata)
    sentence: float  # best IDF-weighted sentence score
    dense: float  # best cosine between the question and a passage
    missing_numbers: list[str]
    relevant: bool


_NUM_RE = re.compile(r"\d+(?:\.\d+)?")


PARAPHRASE_DENSE = 0.88  # cosine at which a passage sharing none of the question's words is still taken as on topic


def judge_relevance(question: str, hits: list[Hit], min_coverage: float = 0.34, min_dense: float = 0.86
                    ) -> Relevance:
    """Decide whether the passages can possibly answer the question (else refuse without the LLM).

    Relevant when enough of the question's content words appear in one passage, or the question is
    close to a passage in embedding space (e5 cosines sit in a narrow band: 0.86 was calibrated on the
    eval set, off-topic questions score about 0.80). Numbers in the question (a year, an issue, a
    date) must appear in the passages: "2024年…" is not answered by a 2023 figure.
    """
    toks = content_tokens(question)
    if not hits:
        return Relevance(0.0, 0.0, 0.0, [], False)
    texts = [h.chunk.embed_text() for h in hits]
    dense = max((h.dense for h in hits if h.dense is not None), default=0.0)
    numbers = [n for n in _NUM_RE.findall(question) if not any(re.search(rf"(?<!\d){re.escape(n)}(?!\d)", t)
                                                               for t in texts)]
    if not toks:
        return Relevance(0.0, 0.0, dense, numbers, dense >= min_dense and not numbers)
    idf = idf_from_hits(toks, hits)
    best_cov = max(coverage(toks, t) for t in texts)
    best_sent = max((s.score for h in hits for s in sentence_scores(toks, h.chunk.text, idf)), default=0.0)
    relevant = (best_cov >= min_coverage or dense >= min_dense) and not numbers
    return Relevance(best_cov, best_sent, dense, numbers, relevant)


def missing_tokens(question_tokens: list[str], hits: list[Hit]) -> list[str]:
    """Content words of the question found in no passage (nor its title/metadata)."""
    return [t for t in question_tokens if not any(t in h.chunk.embed_text() for h in hits)]


def extractive_answer(question: str, hits: list[Hit], budget: int = 90) -> tuple[str, list[int]]:
    """The best evidence span (whole clauses, at most ``budget`` characters) with its passage number:
    ``(text with an [n] marker, [n])``. Passage metadata answers metadata questions (期号, 日期)."""
    toks = content_tokens(question)
    idf = idf_from_hits(toks, hits)
    best = None
    for n, h in enumerate(hits, 1):
        s, e, score = best_window(toks, h.chunk.text, budget, idf, question)
        score -= 0.03 * (n - 1)
        if best is None or score > best[0]:
            best = (score, n, h.chunk.text[s:e].strip(), h)
    if best is None or not best[2]:
        return "", []
    score, n, text, hit = best
    if _ASKS_NUMBER.search(question) and not _HAS_NUMBER.search(text):
        return "", []  # a number was asked for and the best evidence holds none
    if re.search(r"(哪一?期|第几期|期号|哪天出|什么时候出|出版|印发)", question) and (hit.chunk.issue or hit.chunk.date):
        c = hit.chunk
        meta = "，".join(x for x in [c.bulletin, f"第{c.issue}期" if c.issue else None, c.date_label()] if x)
        return f"据{meta}《{c.title or '相关文章'}》：{_tidy(text)}[{n}]", [n]
    return f"{_tidy(text)}[{n}]", [n]


def _tidy(text: str) -> str:
    """A quoted span as shown in an answer: markers or template tokens inside the document become
    plain text (a "[3]" in the source must not read as a citation of passage 3)."""
    from .chain import sanitise_passage

    text = sanitise_passage(text).strip()
    if text and text[-1] in "，；：、":
        text = text[:-1] + "……"
    return text


_UNIT_ASKED = re.compile(r"(?:多少|几)([个名次人项份户条座天支所家位场处件吨元万])")


def paired_numbers(question: str, hits: list[Hit]) -> list[tuple[str, int]]:
    """Numbers that a passage states right after a specific name from the question, with the unit the
    question asks for (``文昌街道57名`` for "文昌街道确定了多少名…"): ``[(clause text, passage n), …]``.

    Lists such as "许湾街道58名、文昌街道57名、搬口街道50名" are where a small model most often picks
    the wrong figure; this pairing is the check."""
    m = _UNIT_ASKED.search(question)
    if not m:
        return []
    unit = m.group(1)
    names = [t for t in content_tokens(question) if len(t) >= 3 and not t.isdigit()]
    out: list[tuple[str, int]] = []
    for n, h in enumerate(hits, 1):
        text = h.chunk.text
        for name in names:
            for hit_at in re.finditer(re.escape(name), text):
                tail = text[hit_at.end():hit_at.end() + 10]
                mm = re.match(rf"[^，。；、\d]{{0,4}}?(\d+(?:\.\d+)?(?:余|多)?{unit})", tail)
                if mm:
                    start = max(text.rfind(c, 0, hit_at.start()) for c in "，。；、：\n") + 1
                    clause = _tidy(text[start:hit_at.end() + mm.end()])
                    if (clause, n) not in out:
                        out.append((clause, n))
    return out


_ASKS_METADATA = re.compile(r"(哪一?期|第几期|期号|哪天出版|出版日期|什么时候出(?:版|刊)|哪天出刊|哪个栏目|什么栏目|哪一栏目|"
                            r"哪份简报|哪一份简报|出自哪)")


def metadata_answer(question: str, hits: list[Hit]) -> str:
    """A question about where an article was published (issue, publication date, section, bulletin) is
    answered from the passage metadata of the best passage that has it — no model needed."""
    if not _ASKS_METADATA.search(question):
        return ""
    for n, h in enumerate(hits, 1):
        c = h.chunk
        if not (c.issue or c.date or c.section or c.bulletin):
            continue
        bits = []
        if c.bulletin or c.issue:
            bits.append(f"刊登在《{c.bulletin or '简报'}》" + (f"第{c.issue}期" if c.issue else ""))
        if c.date:
            bits.append(f"{c.date_label()}出刊")
        if c.section:
            bits.append(f"栏目为{c.section}")
        return f"《{c.title or '该文'}》" + "，".join(bits) + f"[{n}]。"
    return ""
