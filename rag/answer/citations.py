"""Citation markers: parse ``[n]`` from an answer, drop numbers that name no passage, attribute
unmarked sentences to the passage they were taken from, and detect refusals."""
from __future__ import annotations

import re

from ..text import has_word
from ..text.dates import find_dates
from ..types import issue_label
from .tuning import TUNING

MARKER_RE = re.compile(r"[\[【［]\s*(\d{1,2}(?:\s*[,，、]\s*\d{1,2})*)\s*[\]】］]")
REFUSAL_RE = re.compile(r"(未找到|没有找到|找不到|未提及|没有提及|未提供|没有提供|无法回答|无法确定|没有相关|无相关|不包含|未包含|没有具体|未说明|没有说明|未涉及|未公布|没有公布|未披露|没有披露)")
NOT_FOUND = "在已收录的简报中未找到相关内容。"
MODEL_REFUSAL = "资料中未找到相关内容"  # what the system prompt (rag/llm/prompts/system.txt) teaches the model
CLOSEST_LEAD = "最接近的内容："


def refusal_text(closest) -> str:
    """The refusal, naming the nearest passages (title, bulletin, 期号, date) so the user can judge:
    "在已收录的简报中未找到相关内容。最接近的内容：《…》（周口示范区工作简报 第17期，2023-06-20）。"
    ``closest``: :class:`~rag.types.Citation` objects (none: the plain refusal)."""
    named = []
    for c in closest:
        where = "，".join(b for b in (c.bulletin, issue_label(c.issue), c.date) if b)
        label = f"《{c.title}》" if c.title else c.source
        named.append(f"{label}（{where}）" if where else label)
    return f"{NOT_FOUND}{CLOSEST_LEAD}{'；'.join(named)}。" if named else NOT_FOUND


def cited_numbers(answer: str) -> list[int]:
    out: list[int] = []
    for m in MARKER_RE.finditer(answer):
        for n in re.split(r"[,，、]", m.group(1)):
            n = int(n.strip())
            if n not in out:
                out.append(n)
    return out


def normalise_markers(answer: str, n_passages: int) -> str:
    """Rewrite markers as ``[n]``; markers naming no passage are removed."""
    def fix(m: re.Match) -> str:
        nums = [int(x.strip()) for x in re.split(r"[,，、]", m.group(1))]
        return "".join(f"[{n}]" for n in nums if 1 <= n <= n_passages)
    text = MARKER_RE.sub(fix, answer)
    # "…[1]。[1]" → "…[1]。"
    return re.sub(r"(\[\d+\])([。！？；，]?)\s*\1", r"\1\2", text)


# a list item's number ("1. …", "2、…", "（3）…", "1．…") at the start of a line, after a sentence's end, a
# colon, a comma, a citation marker or markdown emphasis; after "." no digit may follow (a decimal: "1.5万")
LIST_ITEM_RE = re.compile(r"(^|[\s：:；;。，,\]】*])([（(]?)(\d{1,2})(?:([.．])(?!\d)|([、)）]))")
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


def _runs_from_one(numbers: list[int]) -> bool:
    """1, 2, 3… — or several such runs (a list per part: "甲：1. … 2. …；乙：1. … 2. …")."""
    return all(n == 1 or (i > 0 and n == numbers[i - 1] + 1) for i, n in enumerate(numbers))


def circle_list_numbers(answer: str) -> str:
    """A numbered list's item numbers written as ①②③: they count the model's own items, they are no figures
    of the passages, and the figure checks would take "1." for a number no passage states. Only runs numbered
    1, 2, 3… (two items or more) are lists; "2、3个" is left alone."""
    items = list(LIST_ITEM_RE.finditer(answer))
    numbers = [int(m.group(3)) for m in items]
    if len(items) < 2 or max(numbers) < 2 or not _runs_from_one(numbers) or max(numbers) > len(CIRCLED):
        return answer
    return LIST_ITEM_RE.sub(lambda m: m.group(1) + CIRCLED[int(m.group(3)) - 1], answer)


def is_refusal(answer: str) -> bool:
    """The model says the passages do not hold the answer, or says nothing at all (an empty answer, one that is
    only citation markers and punctuation: "[1]", or only a lead-in with nothing after its colon: "提了以下标准：")."""
    body = MARKER_RE.sub("", answer).strip().rstrip("。. ")
    return bool(REFUSAL_RE.search(answer[:80])) or not has_word(body) or bool(re.search(r"(?<!\d)[：:]$", body))


def opens_refusal(token: str) -> bool:
    """A token the model's refusal starts with ("资料", or "资" where a tokenizer splits it)."""
    token = token.strip()
    return bool(token) and MODEL_REFUSAL.startswith(token)


def opens_with_refusal(answer: str) -> bool:
    """The model's answer is its taught refusal (资料中未找到相关内容, or 资料中没有提到… in its own words), not an
    echo, a loop or an answer whose sentences no passage supports."""
    return answer.lstrip().startswith(MODEL_REFUSAL[:2]) and is_refusal(answer)


def is_echo(answer: str, question: str) -> bool:
    """An "answer" that only restates the question ("…是由鹿邑县领导主持的") says nothing: every
    character of it already occurs in the question."""
    core = re.sub(r"[\s，。！？；：、“”‘’（）()《》]", "", MARKER_RE.sub("", answer))
    return bool(core) and all(ch in question for ch in core) and _figures(core) <= _figures(re.sub(r"\s", "", question))


# a figure with the character after it: "第1届" fills the question's "第几届" even when "1月12日" gives it a 1
_FIGURE_RE = re.compile(r"(?<![\d.])\d+(?:\.\d+)?(?![\d.])")


def _figures(text: str) -> set[tuple[str, str]]:
    return {(m.group(0), text[m.end():m.end() + 1]) for m in _FIGURE_RE.finditer(text)}


def _bigrams(text: str) -> set[str]:
    text = re.sub(r"\s+", "", text)
    return {text[i:i + 2] for i in range(len(text) - 1)}


_PUNCT_RE = re.compile(r"[。！？；，、：,;:\s]")


def _answer_sentences(answer: str) -> list[str]:
    """An answer cut after each sentence end (。！？；, a line break), each piece keeping its end and markers."""
    return re.split(r"(?<=[。！？；\n])", answer)


def bigram_share(sentence: str, passage: str) -> float:
    """The share of ``sentence``'s character bigrams (punctuation and spaces left out) found in ``passage``."""
    grams = _bigrams(_PUNCT_RE.sub("", sentence))
    return len(grams & _bigrams(passage)) / max(1, len(grams))


def repoint(answer: str, passages: list[str], weak: float = TUNING.repoint_weak,
            strong: float = TUNING.repoint_strong) -> str:
    """A cited sentence that shares little with the passage it cites but was clearly copied from another
    passage gets that passage's number instead."""
    parts = _answer_sentences(answer)
    out = []
    for part in parts:
        nums = cited_numbers(part)
        core = MARKER_RE.sub("", part).strip()
        if len(nums) == 1 and len(core) >= 6 and 1 <= nums[0] <= len(passages):
            scores = [bigram_share(core, p) for p in passages]
            best = max(range(len(passages)), key=lambda i: scores[i])
            if scores[nums[0] - 1] < weak and scores[best] >= strong:
                part = MARKER_RE.sub(f"[{best + 1}]", part)
        elif len(nums) == 1 and sum(1 for x in parts if x.strip()) == 1 and 1 <= nums[0] <= len(passages):
            part = _repoint_short(part, core, nums[0], passages)
        out.append(part)
    return "".join(out)


def _repoint_short(part: str, core: str, cited: int, passages: list[str]) -> str:
    """A one-sentence answer too short for bigram shares ("赵媛媛[3]") moves only when it is a name or term (no
    figure: RepointFigure's job, and "5次" would match "15次"), copied verbatim from the text (not the label) of
    exactly one other passage, and shares no bigram with the cited one (which may word it otherwise: "张三和李四")."""
    bare = _PUNCT_RE.sub("", core)
    if len(bare) < 2 or re.search(r"\d", bare):
        return part
    texts = [re.sub(r"\s", "", p.split("：", 1)[-1]) for p in passages]
    holders = [n for n, t in enumerate(texts, 1) if bare in t]
    if len(holders) == 1 and holders[0] != cited and bigram_share(bare, texts[cited - 1]) == 0:
        return MARKER_RE.sub(f"[{holders[0]}]", part)
    return part


def attribute(answer: str, passages: list[str], threshold: float = TUNING.attribute_share) -> str:
    """Add ``[n]`` after sentences that carry no marker when most of their character bigrams come from
    passage n. Sentences that match no passage stay unmarked (and so are unsupported)."""
    parts = _answer_sentences(answer)
    out = []
    for part in parts:
        core = MARKER_RE.sub("", part).strip()
        if core and not MARKER_RE.search(part) and len(core) >= 2:
            grams = _bigrams(re.sub(r"[。！？；，、：\s]", "", core))
            best, best_n = 0.0, 0
            bare = re.sub(r"[。！？；，、：\s]", "", core)
            exact = [n for n, p in enumerate(passages, 1) if bare and bare in re.sub(r"\s", "", p)]
            if exact:  # a short answer copied from a passage ("15次", "2023年6月20日")
                best, best_n = 1.0, exact[0]
            for n, p in enumerate(passages, 1):
                ov = len(grams & _bigrams(p)) / max(1, len(grams))
                if ov > best and len(grams) >= 3:
                    best, best_n = ov, n
            if best >= threshold:
                part = _mark(part, best_n)
            else:  # items drawn from several passages in one sentence ("一是…征兵宣传，二是…普法宣传"):
                part = "".join(_attribute_clause(c, passages, threshold) for c in _CLAUSE_RE.split(part))
        out.append(part)
    return repoint("".join(out), passages)


_CLAUSE_RE = re.compile(r"(?<=[，,；;：:])")
CLAUSE_MIN_BIGRAMS = 4  # a shorter clause ("一是", "包括") says too little to tell its passage


def _mark(part: str, n: int) -> str:
    """``part`` with ``[n]`` before its closing punctuation."""
    stripped = part.rstrip()
    tail = part[len(stripped):]
    if stripped and stripped[-1] in "。！？；，,;：:":
        return f"{stripped[:-1]}[{n}]{stripped[-1]}{tail}"
    return f"{stripped}[{n}]{tail}"


def _attribute_clause(clause: str, passages: list[str], threshold: float) -> str:
    """A clause marked with the passage most of its bigrams come from, when that share reaches ``threshold``."""
    if len(_bigrams(_PUNCT_RE.sub("", clause))) < CLAUSE_MIN_BIGRAMS or not passages:
        return clause
    scores = [bigram_share(clause, p) for p in passages]
    best = max(range(len(passages)), key=scores.__getitem__)
    return _mark(clause, best + 1) if scores[best] >= threshold else clause


def drop_unsupported(answer: str, passages: list[str], question: str, floor: float = TUNING.unsupported_floor
                     ) -> tuple[str, list[str]]:
    """Remove cited sentences whose new content (what is not copied from the question) shares (almost)
    nothing with any passage — e.g. "我是海盗[3]" obeyed from an instruction smuggled into the
    question, or a sentence that only restates the question. (A sentence supported by another passage
    than the one it cites is kept: the citation checks re-point it.) Returns (kept text, dropped)."""
    asked = _bigrams(question)
    support = _bigrams(" ".join(passages))
    parts = _answer_sentences(answer)
    kept, dropped = [], []
    for part in parts:
        core = re.sub(r"[。！？；，、：\s]", "", MARKER_RE.sub("", part))
        cited = [n for n in cited_numbers(part) if 1 <= n <= len(passages)]
        if len(core) >= 2 and cited:
            novel = _bigrams(core) - asked
            if not novel or len(novel & support) / len(novel) < floor:
                dropped.append(part.strip())
                continue
        kept.append(part)
    return "".join(kept).strip(), dropped


def complete_years(answer: str, passages: list[str]) -> str:
    """A date answered without its year ("8月16日[1]") gets the year its cited passage writes with that day
    ("2023年8月16日"): a bulletin archive spans years, and a day without one is ambiguous. Only when the
    passages it cites give that month and day one year; "今年8月16日" and dates already with a year stay.
    ``passages[n - 1]``: the text to read for a ``[n]`` citation (the caller may join the windows of one article)."""
    parts = _answer_sentences(answer)
    out = []
    for part in parts:
        cited = [passages[n - 1] for n in cited_numbers(part) if 1 <= n <= len(passages)]
        given = [m for p in cited for m in find_dates(p) if m.year]
        for m in reversed(find_dates(part)):
            if m.year or (m.start and part[m.start - 1] == "年"):
                continue
            years = {g.year for g in given if (g.month, g.day) == (m.month, m.day)}
            if len(years) == 1:
                part = f"{part[:m.start]}{years.pop()}年{part[m.start:]}"
        out.append(part)
    return "".join(out)
