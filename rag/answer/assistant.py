"""Answering a question: rewrite follow-ups, retrieve, refuse when nothing is relevant, generate with
citations (or extract), verify the citations and fall back to extracted evidence when the model refuses
against strong evidence or cites nothing."""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator

from ..index import BulletinIndex
from ..llm.prompts import passage_label
from ..redact import redact
from ..retrieval import Filters, HybridRetriever
from ..settings import Settings
from ..text import content_tokens
from ..types import Answer, Citation, Hit, Outcome
from .checks import NUMBER_RE, ProblemKind, check_answer, repoint_number
from .citations import (MARKER_RE, NOT_FOUND, attribute, cited_numbers, drop_unsupported, is_echo, is_refusal,
                        normalise_markers)
from .context import best_window, idf_from_hits, passages_to_show, trim_passage
from .extractive import extractive_answer, metadata_answer, paired_numbers
from .question import asks_list, clean_history, clean_question, looks_like_followup, split_parts, wants_metadata
from .relevance import PARAPHRASE_DENSE, judge_relevance, missing_tokens

log = logging.getLogger(__name__)
LIST_BUDGET_FACTOR = 2  # a list question's items span more text than one fact: passages get twice the room


class Assistant:
    """Holds the index, the retriever and (lazily) the LLM chain; one per process, shared by sessions."""

    def __init__(self, settings: Settings, index: BulletinIndex | None = None, chat_model=None):
        self.settings = settings
        self.index = index or BulletinIndex.open(settings)
        self.retriever = HybridRetriever(self.index)
        self._chat_model = chat_model
        self._chain = None
        self._rewrites: dict[tuple, str] = {}  # shared by concurrent requests: used under _rewrites_lock
        self._rewrites_lock = threading.Lock()

    @property
    def backend(self) -> str:
        return "custom" if self._chat_model is not None else self.settings.llm

    def chain(self):
        if self._chain is None:
            from ..llm.chain import AnswerChain, make_chat_model

            model = self._chat_model if self._chat_model is not None else make_chat_model(self.settings)
            self._chain = AnswerChain(model, self.settings.prompts_dir)
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
        history = clean_history(history)
        if not history or not looks_like_followup(question):
            return question
        if self.backend == "extractive":
            return f"{history[-1]} {question}"
        key = (question, tuple(history[-3:]))
        with self._rewrites_lock:
            cached = self._rewrites.get(key)
        if cached is not None:
            return cached
        try:
            rewritten = self.chain().rewrite(question, history)
        except Exception as exc:  # a rewrite failure must not lose the question
            log.warning("follow-up rewrite failed (%s); using the history as context", type(exc).__name__)
            return f"{history[-1]} {question}"
        with self._rewrites_lock:
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
        budget = self.settings.passage_chars * (LIST_BUDGET_FACTOR if asks_list(standalone) else 1)
        shown = hits[:self.settings.context_passages]
        windows = {h.chunk.id: best_window(toks, h.chunk.text, budget, idf, standalone, h.chunk.title or "")
                   for h in shown}
        if self.backend != "extractive":  # prompt tokens cost time only with a model
            multi = len([p for p in split_parts(standalone) if len(p) >= 6]) >= 2
            shown = passages_to_show(toks, shown, budget, idf, standalone, multi,
                                     scores=[windows[h.chunk.id][2] for h in shown])
        passages = [trim_passage(h, toks, budget, window=windows[h.chunk.id]) for h in shown]
        answer = Answer(question=question, answer="", refused=False, standalone_question=standalone,
                        backend=self.backend, passages=[Citation.from_hit(n, h) for n, h in enumerate(passages, 1)])
        if not rel.relevant:
            answer.answer, answer.refused, answer.outcome = NOT_FOUND, True, Outcome.REFUSED
            answer.timings = {**timings, "first_token_ms": None, "total_ms": round((time.monotonic() - t0) * 1000)}
            yield NOT_FOUND
            yield answer
            return
        if self.backend == "extractive":
            text, used = extractive_answer(standalone, passages)
            answer.answer = text or NOT_FOUND
            answer.refused = not text
            answer.outcome = Outcome.EXTRACTED if text else Outcome.REFUSED
            yield answer.answer
            self._finish(answer, passages, timings, t0, None)
            yield answer
            return
        pieces: list[str] = []
        first = None
        usage: dict = {}  # this request's token counts (the chain is shared by concurrent requests)
        try:
            chain = self.chain()
            for delta in chain.stream(standalone, passages, with_meta=wants_metadata(standalone), usage=usage):
                if first is None:
                    first = time.monotonic()
                pieces.append(delta)
                yield delta
        except Exception as exc:  # endpoint down, wrong key, model failed to load: answer from the passages
            log.warning("LLM backend failed (%s); answering from the passages", redact(f"{type(exc).__name__}: {exc}")[:300])
            text, _ = extractive_answer(standalone, passages)
            answer.fallback = f"LLM backend unavailable ({type(exc).__name__}); answered from the passages"
            answer.answer, answer.refused = text or NOT_FOUND, not text
            answer.outcome = Outcome.BACKEND_DOWN
            yield ("\n" if pieces else "") + answer.answer
            self._finish(answer, passages if text else [], timings, t0, first)
            yield answer
            return
        answer.prompt_tokens = usage.get("input_tokens")
        raw = "".join(pieces).strip()
        text = normalise_markers(raw, len(passages))
        if is_refusal(text) or is_echo(text, standalone):
            retry = (self._focused_retry(chain, standalone, shown, toks, idf, rel.dense,
                                         [windows[h.chunk.id][2] for h in shown])
                     if rel.coverage >= 0.6 or rel.dense >= PARAPHRASE_DENSE else None)
            if retry:
                answer.fallback = "model refused with all passages; answered from the best-matching one"
                answer.outcome = Outcome.MODEL_RETRY
                text, n, wide = retry
                passages[n - 1] = wide
                answer.passages[n - 1] = Citation.from_hit(n, wide)
            elif meta := metadata_answer(standalone, passages):
                answer.fallback = "model refused; answered from the passage metadata"
                answer.outcome = Outcome.METADATA
                text = meta
            elif rel.sentence >= 0.75 and not missing_tokens(toks, passages):
                answer.fallback = "model refused although a passage matches the question"
                answer.outcome = Outcome.EXTRACTED
                text = extractive_answer(standalone, passages)[0]
            else:
                answer.answer, answer.refused, answer.outcome = NOT_FOUND, True, Outcome.REFUSED
                self._finish(answer, [], timings, t0, first)
                yield answer
                return
        else:
            labels = [passage_label(n, p, True) for n, p in enumerate(passages, 1)]
            text = attribute(text, labels)
            text, dropped = drop_unsupported(text, labels, standalone)
            if dropped:
                log.info("dropped answer sentences that no cited passage supports: %s", dropped)
            problem = check_answer(text, standalone, passages)
            pairs = [] if problem else paired_numbers(standalone, passages)
            if len({NUMBER_RE.search(c).group(0) for c, _ in pairs}) > 1:
                pairs = []  # the names pair with different figures: ambiguous, trust the model
            if pairs and not any(NUMBER_RE.search(c).group(0) in NUMBER_RE.findall(MARKER_RE.sub("", text))
                                 for c, _ in pairs):
                answer.fallback = "model answer's figure differs from the one the passage gives for the name asked"
                answer.outcome = Outcome.REPAIRED
                text = "；".join(f"{c}[{n}]" for c, n in pairs[:2]) + "。"
            elif problem and problem.kind is ProblemKind.FIGURE_NOT_CITED and (
                    moved := repoint_number(text, standalone, passages)):
                text = moved  # the figure is in another passage that is about the question: cite that one
                answer.outcome = Outcome.REPAIRED
            elif problem:
                # a figure that no passage contains means the model is guessing: say "not found" rather
                # than show it (on the eval set this never happened for an answerable question)
                guessed = problem.kind in (ProblemKind.FIGURE_NOT_SHOWN, ProblemKind.FIGURE_NOT_CITED,
                                           ProblemKind.PERSON_NOT_CITED)
                extracted = "" if guessed else extractive_answer(standalone, passages)[0]
                answer.fallback = problem.message
                if extracted:
                    text = extracted
                    answer.outcome = Outcome.EXTRACTED
                elif problem.kind is not ProblemKind.NUMBER_MISSING:
                    answer.answer, answer.refused, answer.outcome = NOT_FOUND, True, Outcome.REFUSED
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
        text = MARKER_RE.sub("[1]", text)
        if not cited_numbers(text):
            text = f"{text.rstrip('。')}[1]。"
        if check_answer(text, question, [wide]):
            return None
        return text.replace("[1]", f"[{n}]"), n, wide

    def _finish(self, answer: Answer, passages: list[Hit], timings: dict, t0: float, first: float | None) -> None:
        if passages:
            answer.answer = normalise_markers(answer.answer, len(passages))
        used = [n for n in cited_numbers(answer.answer) if 1 <= n <= len(passages)]
        answer.citations = [Citation.from_hit(n, passages[n - 1]) for n in sorted(used)]
        if not answer.citations and not answer.refused:
            answer.refused = is_refusal(answer.answer)
            if answer.refused and answer.outcome is not Outcome.BACKEND_DOWN:
                answer.outcome = Outcome.REFUSED
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
