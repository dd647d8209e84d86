"""Answering a question: rewrite follow-ups, retrieve, refuse when nothing is relevant, generate with
citations (or extract), verify the citations and fall back to extracted evidence when the model refuses
against strong evidence or cites nothing."""
from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field

from .citations import MARKER_RE as MARKERS_RE
from .citations import (NOT_FOUND, attribute, cited_numbers, drop_unsupported, is_echo, is_refusal,
                        normalise_markers)
from .evidence import (content_tokens, extractive_answer, idf_from_hits, judge_relevance, metadata_answer,
                       PARAPHRASE_DENSE, best_window, missing_tokens, paired_numbers, passages_to_show,
                       trim_passage)
from .index import BulletinIndex
from .models import Hit
from .redact import redact
from .retrieval import Filters, HybridRetriever
from .settings import Settings

log = logging.getLogger(__name__)
MAX_QUESTION_CHARS = 500
_FOLLOWUP_RE = re.compile(r"^(那|那么|那个|它|他|她|他们|它们|这|该|此|其|还有|另外|又|是|由|都|分别|具体|哪些|哪个|谁)"
                          r"|呢[？?]?$|^(为什么|怎么样)[？?]?$")


class QuestionError(ValueError):
    """The question cannot be asked as given (empty, only punctuation…)."""


@dataclass
class Citation:
    n: int
    source: str
    bulletin: str | None
    issue: str | None
    date: str | None
    section: str | None
    title: str | None
    text: str
    start: int
    end: int
    score: float
    article_no: int = 0  # which article of the source (to show the cited span in context)


@dataclass
class Answer:
    question: str
    answer: str
    refused: bool
    citations: list[Citation] = field(default_factory=list)
    timings: dict = field(default_factory=dict)
    standalone_question: str | None = None
    backend: str = ""
    fallback: str | None = None  # why the extractive answer replaced the model's, if it did
    prompt_tokens: int | None = None
    passages: list[Citation] = field(default_factory=list)  # everything shown to the model

    def to_dict(self, full: bool = False) -> dict:
        d = {"question": self.question, "answer": self.answer, "refused": self.refused,
             "citations": [asdict(c) for c in self.citations], "timings": self.timings}
        if full:
            d.update(standalone_question=self.standalone_question, backend=self.backend, fallback=self.fallback,
                     prompt_tokens=self.prompt_tokens, passages=[asdict(c) for c in self.passages])
        return d


_NUMBER_RE = re.compile(r"\d+(?:\.\d+)?")


def unsupported(text: str, question: str, passages: list[Hit]) -> str | None:
    """Why a model answer cannot be shown as it is, or None: it cites nothing, it states a number found
    in no passage (a hallucinated figure), or a number was asked for and it gives none."""
    from .evidence import _ASKS_NUMBER, _HAS_NUMBER

    if not cited_numbers(text):
        return "model answer cites no passage"
    body = MARKERS_RE.sub("", text)
    shown = question + "".join(p.chunk.embed_text() for p in passages)
    cited = question + "".join(passages[n - 1].chunk.embed_text() for n in cited_numbers(text)
                               if 1 <= n <= len(passages))
    for num in _NUMBER_RE.findall(body):
        if not _has_number(num, shown):
            return f"model answer states {num}, which no passage contains"
        if not _has_number(num, cited):
            return f"model answer states {num}, which the passage it cites does not contain"
    if _ASKS_PERSON.search(question):
        cited_hits = [passages[n - 1] for n in cited_numbers(text) if 1 <= n <= len(passages)]
        for name in person_names(body):
            if name not in question and not any(name in h.chunk.embed_text() and _coverage(question, h, passages)
                                                >= 0.5 for h in cited_hits):
                return f"model answer names {name}, whom no cited passage about the question mentions"
    if _ASKS_NUMBER.search(question) and not _HAS_NUMBER.search(body):
        return "a number was asked for and the model answer gives none"
    return None


_ASKS_PERSON = re.compile(r"(谁|哪位|哪一位|何人|哪些人|哪个领导|哪名)")


def person_names(text: str) -> list[str]:
    """Person names (jieba part-of-speech ``nr``, two characters or more) in an answer."""
    import jieba.posseg

    return [w.word for w in jieba.posseg.cut(text) if w.flag == "nr" and len(w.word) >= 2]


def _coverage(question: str, hit: Hit, hits: list[Hit]) -> float:
    """IDF-weighted share of the question's words in ``hit`` (words that only some of ``hits`` contain,
    like the county in "鹿邑县…推进会", weigh most)."""
    toks = content_tokens(question)
    idf = idf_from_hits(toks, hits)
    text = hit.chunk.embed_text()
    total = sum(idf.values())
    return sum(w for t, w in idf.items() if t in text) / total if total else 0.0


def _has_number(num: str, text: str) -> bool:
    return bool(re.search(rf"(?<![\d.]){re.escape(num)}(?![\d]|\.\d)", text))


def repoint_number(text: str, question: str, passages: list[Hit]) -> str | None:
    """An answer whose figure sits in another passage than the one it cites: cite that passage instead,
    but only if it is about the question (most of the question's words occur in it); else None — the
    model borrowed a figure from an unrelated passage."""
    toks = content_tokens(question)
    body = MARKERS_RE.sub("", text)
    nums = [n for n in _NUMBER_RE.findall(body) if not _has_number(n, question)]
    holders = [i for i, p in enumerate(passages, 1) if nums and all(_has_number(n, p.chunk.embed_text()) for n in nums)]
    for i in holders:
        emb = passages[i - 1].chunk.embed_text()
        if toks and sum(t in emb for t in toks) / len(toks) >= 0.5:
            return MARKERS_RE.sub(f"[{i}]", text)
    return None


def _citation(n: int, h: Hit) -> Citation:
    c = h.chunk
    return Citation(n, c.source, c.bulletin, c.issue, c.date, c.section, c.title, c.text, c.start, c.end,
                    round(float(h.score), 4), c.article_no)


def wants_metadata(question: str) -> bool:
    """Questions about the bulletin itself (issue, publication date, section) get passage metadata."""
    return bool(re.search(r"(期|简报|出刊|出版|刊发|刊登|登在|栏目|版面|哪份|发布)", question))


def clean_question(question: str) -> str:
    from .chain import strip_special_tokens

    q = strip_special_tokens(question or "").strip()
    if not q:
        raise QuestionError("请输入问题。(The question is empty.)")
    if not re.search(r"[\w\u3400-\u9fff]", q):
        raise QuestionError("问题只包含标点符号，请输入具体的问题。(The question has no words.)")
    if len(q) > MAX_QUESTION_CHARS:
        log.info("question of %d characters cut to %d", len(q), MAX_QUESTION_CHARS)
        q = q[:MAX_QUESTION_CHARS]
    return to_simplified(q)


def to_simplified(text: str) -> str:
    """Traditional characters (示範區信訪…) to simplified, which is what the bulletins and BM25 use."""
    try:
        import zhconv
    except ImportError:  # pragma: no cover - a declared dependency
        log.warning("zhconv is not installed; traditional Chinese questions are not converted (pip install zhconv)")
        return text
    return zhconv.convert(text, "zh-cn")


def split_parts(question: str) -> list[str]:
    """The parts of a compound question: "…多少份？又组织了多少名…？" → two parts."""
    parts = [p.strip() for p in re.split(r"[？?；;]\s*(?:又|还|另外|并且|同时)?|，\s*(?:又|另外|同时)", question) if p.strip()]
    return parts if len(parts) >= 2 else [question]


def looks_like_followup(question: str) -> bool:
    q = question.strip()
    return bool(_FOLLOWUP_RE.search(q)) or len(re.sub(r"[^\w\u3400-\u9fff]", "", q)) <= 4


class Assistant:
    """Holds the index, the retriever and (lazily) the LLM chain; one per process, shared by sessions."""

    def __init__(self, settings: Settings, index: BulletinIndex | None = None, chat_model=None):
        self.settings = settings
        self.index = index or BulletinIndex.open(settings)
        self.retriever = HybridRetriever(self.index)
        self._chat_model = chat_model
        self._chain = None
        self._rewrites: dict[tuple, str] = {}

    @property
    def backend(self) -> str:
        return "custom" if self._chat_model is not None else self.settings.llm

    def chain(self):
        if self._chain is None:
            from .chain import AnswerChain, make_chat_model

            model = self._chat_model if self._chat_model is not None else make_chat_model(self.settings)
            self._chain = AnswerChain(model)
        return self._chain

    def warm_up(self) -> None:
        """Load the embedder (and the LLM server, for the local backend) before the first question."""
        self.index.embedder.embed_query("预热")
        if self.backend != "extractive":
            chain = self.chain()
            # one tiny request puts the fixed system prompt into the llama.cpp prompt cache
            try:
                for _ in chain.stream("你好", []):
                    break
            except Exception as exc:  # the first real question will report the problem
                log.warning("LLM warm-up request failed: %s", redact(str(exc)))

    def standalone(self, question: str, history: list[str]) -> str:
        """The follow-up rewritten into a stand-alone question (an LLM call, so the last few are cached:
        the evaluation asks for the rewrite and then the answer of the same turn)."""
        if not history or not looks_like_followup(question):
            return question
        if self.backend == "extractive":
            return f"{history[-1]} {question}"
        key = (question, tuple(history[-3:]))
        if key in self._rewrites:
            return self._rewrites[key]
        try:
            rewritten = self.chain().rewrite(question, history)
        except Exception as exc:  # a rewrite failure must not lose the question
            log.warning("follow-up rewrite failed (%s); using the history as context", type(exc).__name__)
            return f"{history[-1]} {question}"
        if len(self._rewrites) >= 256:
            self._rewrites.pop(next(iter(self._rewrites)))
        self._rewrites[key] = rewritten
        return rewritten

    def stream(self, question: str, history: list[str] | None = None, filters: Filters | None = None,
               mode: str = "hybrid") -> Iterator[str | Answer]:
        """Yield answer text deltas as they are generated, then the final :class:`Answer`.

        The final answer's text is authoritative: it can differ from the streamed text when the
        citations were repaired or the extractive fallback replaced the model's answer.
        """
        t0 = time.monotonic()
        question = clean_question(question)
        standalone = self.standalone(question, history or [])
        hits = self._retrieve(standalone, mode, filters)
        t_retrieved = time.monotonic()
        timings = {"retrieve_ms": round((t_retrieved - t0) * 1000)}
        rel = judge_relevance(standalone, hits)
        toks = content_tokens(standalone)
        idf = idf_from_hits(toks, hits)
        budget = self.settings.passage_chars
        shown = hits[:self.settings.context_passages]
        windows = {h.chunk.id: best_window(toks, h.chunk.text, budget, idf, standalone) for h in shown}
        if self.backend != "extractive":  # prompt tokens cost time only with a model
            multi = len([p for p in split_parts(standalone) if len(p) >= 6]) >= 2
            shown = passages_to_show(toks, shown, budget, idf, standalone, multi,
                                     scores=[windows[h.chunk.id][2] for h in shown])
        passages = [trim_passage(h, toks, budget, window=windows[h.chunk.id]) for h in shown]
        answer = Answer(question=question, answer="", refused=False, standalone_question=standalone,
                        backend=self.backend, passages=[_citation(n, h) for n, h in enumerate(passages, 1)])
        if not rel.relevant:
            answer.answer, answer.refused = NOT_FOUND, True
            answer.timings = {**timings, "first_token_ms": None, "total_ms": round((time.monotonic() - t0) * 1000)}
            yield NOT_FOUND
            yield answer
            return
        if self.backend == "extractive":
            text, used = extractive_answer(standalone, passages)
            answer.answer = text or NOT_FOUND
            answer.refused = not text
            yield answer.answer
            self._finish(answer, passages, timings, t0, None)
            yield answer
            return
        pieces: list[str] = []
        first = None
        try:
            chain = self.chain()
            for delta in chain.stream(standalone, passages, with_meta=wants_metadata(standalone)):
                if first is None:
                    first = time.monotonic()
                pieces.append(delta)
                yield delta
        except Exception as exc:  # endpoint down, wrong key, model failed to load: answer from the passages
            log.warning("LLM backend failed (%s); answering from the passages", redact(f"{type(exc).__name__}: {exc}")[:300])
            text, _ = extractive_answer(standalone, passages)
            answer.fallback = f"LLM backend unavailable ({type(exc).__name__}); answered from the passages"
            answer.answer, answer.refused = text or NOT_FOUND, not text
            yield ("\n" if pieces else "") + answer.answer
            self._finish(answer, passages if text else [], timings, t0, first)
            yield answer
            return
        answer.prompt_tokens = (chain.last_usage or {}).get("input_tokens")
        raw = "".join(pieces).strip()
        text = normalise_markers(raw, len(passages))
        if is_refusal(text) or is_echo(text, standalone):
            retry = (self._focused_retry(chain, standalone, shown, toks, idf, rel.dense,
                                         [windows[h.chunk.id][2] for h in shown])
                     if rel.coverage >= 0.6 or rel.dense >= PARAPHRASE_DENSE else None)
            if retry:
                answer.fallback = "model refused with all passages; answered from the best-matching one"
                text, n, wide = retry
                passages[n - 1] = wide
                answer.passages[n - 1] = _citation(n, wide)
            elif meta := metadata_answer(standalone, passages):
                answer.fallback = "model refused; answered from the passage metadata"
                text = meta
            elif rel.sentence >= 0.75 and not missing_tokens(toks, passages):
                answer.fallback = "model refused although a passage matches the question"
                text = extractive_answer(standalone, passages)[0]
            else:
                answer.answer, answer.refused = NOT_FOUND, True
                self._finish(answer, [], timings, t0, first)
                yield answer
                return
        else:
            from .chain import passage_label

            labels = [passage_label(n, p, True) for n, p in enumerate(passages, 1)]
            text = attribute(text, labels)
            text, dropped = drop_unsupported(text, labels, standalone)
            if dropped:
                log.info("dropped answer sentences that no cited passage supports: %s", dropped)
            problem = unsupported(text, standalone, passages)
            pairs = [] if problem else paired_numbers(standalone, passages)
            if len({_NUMBER_RE.search(c).group(0) for c, _ in pairs}) > 1:
                pairs = []  # the names pair with different figures: ambiguous, trust the model
            if pairs and not any(_NUMBER_RE.search(c).group(0) in _NUMBER_RE.findall(MARKERS_RE.sub("", text))
                                 for c, _ in pairs):
                answer.fallback = "model answer's figure differs from the one the passage gives for the name asked"
                text = "；".join(f"{c}[{n}]" for c, n in pairs[:2]) + "。"
            elif problem and "the passage it cites" in problem and (moved := repoint_number(text, standalone, passages)):
                text = moved  # the figure is in another passage that is about the question: cite that one
            elif problem:
                # a figure that no passage contains means the model is guessing: say "not found" rather
                # than show it (on the eval set this never happened for an answerable question)
                extracted = ("" if problem.startswith(("model answer states", "model answer names"))
                             else extractive_answer(standalone, passages)[0])
                answer.fallback = problem
                if extracted:
                    text = extracted
                elif not problem.startswith("a number was asked"):
                    answer.answer, answer.refused = NOT_FOUND, True
                    self._finish(answer, [], timings, t0, first)
                    yield answer
                    return
        answer.answer = text
        self._finish(answer, passages, timings, t0, first)
        yield answer

    def _retrieve(self, question: str, mode: str, filters: Filters | None) -> list[Hit]:
        """Retrieve for the question; a question in several parts (…？又…？ / 分别…和…) also gets the best
        passage of each part among the first ones, so the model sees evidence for every part."""
        k = self.settings.top_k
        hits = self.retriever.retrieve(question, k=k, mode=mode, filters=filters)
        parts = [p for p in split_parts(question) if len(p) >= 6]
        if len(parts) < 2:
            return hits
        firsts = []
        for part in parts:
            part_hits = self.retriever.retrieve(part, k=2, mode=mode, filters=filters)
            for h in part_hits:
                if all(h.chunk.id != f.chunk.id for f in firsts):
                    firsts.append(h)
                    break
        rest = [h for h in hits if all(h.chunk.id != f.chunk.id for f in firsts)]
        merged = firsts + rest
        for r, h in enumerate(merged, 1):
            h.rank = r
        return merged[:k]

    def _focused_retry(self, chain, question: str, hits: list[Hit], toks, idf, dense: float, scores: list[float]
                       ) -> tuple[str, int, Hit] | None:
        """Ask once more with only the passage that best matches the question, given more room (distractors
        and a cut-off passage are what make a small model refuse). Returns (answer, passage number, the
        widened passage) if the answer is not a refusal and passes the checks. ``scores``: the passages'
        best-window scores at the normal budget."""
        budget = self.settings.passage_chars
        score, n = max((sc, n) for n, sc in enumerate(scores, 1))
        if score < 0.5:
            if dense < PARAPHRASE_DENSE:
                return None
            n = 1  # no passage shares the question's words, but the first is close in meaning (a paraphrase)
        wide = trim_passage(hits[n - 1], toks, 2 * budget, idf, question)
        text = "".join(chain.stream(question, [wide], with_meta=wants_metadata(question))).strip()
        text = normalise_markers(text, 1)
        if is_refusal(text) or is_echo(text, question):
            return None
        text = MARKERS_RE.sub("[1]", text)
        if not cited_numbers(text):
            text = f"{text.rstrip('。')}[1]。"
        if unsupported(text, question, [wide]):
            return None
        return text.replace("[1]", f"[{n}]"), n, wide

    def _finish(self, answer: Answer, passages: list[Hit], timings: dict, t0: float, first: float | None) -> None:
        if passages:
            answer.answer = normalise_markers(answer.answer, len(passages))
        used = [n for n in cited_numbers(answer.answer) if 1 <= n <= len(passages)]
        answer.citations = [_citation(n, passages[n - 1]) for n in sorted(used)]
        if not answer.citations and not answer.refused:
            answer.refused = is_refusal(answer.answer)
        answer.timings = {**timings,
                          "first_token_ms": round((first - t0) * 1000) if first else None,
                          "total_ms": round((time.monotonic() - t0) * 1000)}

    def ask(self, question: str, history: list[str] | None = None, filters: Filters | None = None,
            mode: str = "hybrid") -> Answer:
        final = None
        for item in self.stream(question, history, filters, mode):
            if isinstance(item, Answer):
                final = item
        return final
