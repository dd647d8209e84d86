"""Answering a question: rewrite follow-ups, retrieve, refuse when nothing is relevant, generate with
citations (or extract), verify the citations and fall back to extracted evidence when the model refuses
against strong evidence or cites nothing."""
from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import logging
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

from ..index import SearchBackend, open_index
from ..llm.prompts import passage_label
from ..redact import redact
from ..retrieval import Filters, HybridRetriever
from ..settings import Settings
from ..text import content_tokens
from ..types import Answer, Chunk, Citation, Hit, Outcome
from .checks import check_answer, looped, until_loop
from .citations import (MARKER_RE, attribute, circle_list_numbers, cited_numbers, complete_years, drop_unsupported,
                        is_echo, is_refusal, normalise_markers, opens_with_refusal, refusal_text)
from .dating import Compared, Resolved, answer_in_time
from .districts import home_district
from .context import (best_window, cut_passage, distinct, idf_from_hits, passages_to_show, second_window,
                      trim_passage, widen_passage)
from .bylines import who_signed
from .extractive import extractive_answer
from .question import Intent, analyse, clean_history, clean_question, looks_like_followup
from .relevance import Relevance, judge_relevance
from .rules import Action, Draft, Evidence, Verdict, verify
from .tuning import TUNING

log = logging.getLogger(__name__)
CLOSEST = 2  # a refusal names this many of the nearest passages (with their dates) so the user can judge
EVENT_HITS = 4  # passages searched for each event of a time-order question


@dataclass
class Context:
    """What one question is answered from: its intent, the retrieved hits, those shown (whole and trimmed
    to their best windows) and how relevant they are."""

    intent: Intent
    hits: list[Hit]
    shown: list[Hit]
    passages: list[Hit]
    tokens: list[str]
    idf: dict[str, float]
    budget: int
    window_scores: list[float]
    relevance: Relevance


class Assistant:
    """Holds the index, the retriever and (lazily) the LLM chain; one per process, shared by sessions."""

    def __init__(self, settings: Settings, index: SearchBackend | None = None, chat_model=None):
        self.settings = settings
        self.index = index or open_index(settings)
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
            self._chain = AnswerChain(model, self.settings.prompts_dir,
                                      token_probs=self._chat_model is None and self.settings.llm == "local")
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
               mode: str = "hybrid", hits: list[Hit] | None = None) -> Iterator[str | Answer]:
        """Yield answer text deltas as they are generated, then the final :class:`Answer`: analyse the
        question → retrieve (or take ``hits``) → choose the context → generate → verify → repair or fall back.

        The final answer's text is authoritative: it can differ from the streamed text when the
        citations were repaired or the extractive fallback replaced the model's answer.
        """
        t0 = time.monotonic()
        question = clean_question(question)
        standalone, plan, ctx = self.prepare(question, history or [], filters, mode, hits)
        intent = ctx.intent
        timings = {"retrieve_ms": round((time.monotonic() - t0) * 1000)}  # with choosing the context (~10 ms)
        answer = Answer(question=question, answer="", refused=False, standalone_question=standalone,
                        backend=self.backend, passages=[Citation.from_hit(n, h) for n, h in enumerate(ctx.passages, 1)])
        first = None  # when the model's first token came
        if isinstance(plan, Compared):
            verdict = Verdict("timeline", Action.REPLACE, Outcome.TIMELINE, plan.text)
        elif not ctx.relevance.relevant:
            verdict = Verdict("relevance_gate", Action.REFUSE, Outcome.REFUSED, reason=ctx.relevance.lacking())
        elif signed := who_signed(standalone, ctx.shown, ctx.passages, self._opening, self.settings.passage_chars):
            verdict = signed  # a reporter or author: the article's byline says who
        elif self.backend == "extractive":
            text = extractive_answer(standalone, ctx.passages)[0]
            verdict = (Verdict("extractive", Action.REPLACE, Outcome.EXTRACTED, text) if text
                       else Verdict("extractive", Action.REFUSE, Outcome.REFUSED))
        else:
            usage: dict = {}  # this request's token counts (the chain is shared by concurrent requests)
            pieces: list[str] = []
            try:
                for delta in until_loop(self.chain().stream(standalone, ctx.passages, with_meta=intent.with_meta,
                                                            usage=usage)):
                    first = first or time.monotonic()
                    pieces.append(delta)
                    yield delta
            except Exception as exc:  # endpoint down, wrong key, model failed to load: answer from the passages
                verdict = self._backend_down(exc, ctx)
            else:
                timings["answered_ms"] = round((time.monotonic() - t0) * 1000)  # then checks and retries
                answer.prompt_tokens = usage.get("input_tokens")
                draft, evidence = self.draft("".join(pieces), ctx), self.evidence(ctx)
                if opens_with_refusal(draft.text):  # read now: the prompt is in the model's cache (a retry
                    evidence.first_token()  # with one passage would evict it)
                verdict = verify(draft, evidence)
        self._conclude(answer, ctx, verdict, timings, t0, first)
        if first is None or verdict.outcome is Outcome.BACKEND_DOWN:  # nothing streamed, or a fallback after it
            yield ("\n" if first else "") + answer.answer
        yield answer

    def prepare(self, question: str, history: list[str], filters: Filters | None = None, mode: str = "hybrid",
                hits: list[Hit] | None = None) -> tuple[str, Compared | Resolved | None, Context]:
        """Everything before generation: the stand-alone question, its time-order plan (if any) and the context the
        model will see. ``rag eval --context-only`` scores this alone (no model, except to rewrite a follow-up)."""
        standalone = self.standalone(question, history)
        intent = analyse(standalone, followup=standalone != question)
        plan = self._timeline(intent, mode, filters) if hits is None else None
        if isinstance(plan, Resolved):  # "A两天后，…" is asked about A's date + 2 days
            standalone = plan.question
            intent = dataclasses.replace(analyse(plan.question, followup=intent.followup), computed_dates=True)
        if hits is None:
            hits = plan.passages if isinstance(plan, Compared) else self._retrieve(intent, mode, filters)
        return standalone, plan, self.context(intent, hits)

    def _timeline(self, intent: Intent, mode: str, filters: Filters | None) -> Compared | Resolved | None:
        """A time-order question answered from the calendar: two events put in order by their dates, or a day
        relative to an event resolved into a date; None when the question is of neither kind or an event is
        not found (the question is then answered as any other)."""
        if intent.timeline is None:
            return None
        search = lambda q: self.retriever.retrieve(q, k=EVENT_HITS, mode=mode, filters=filters)  # noqa: E731
        return answer_in_time(intent.timeline, search, self.index.article, self.settings.passage_chars, dt.date.today())

    def context(self, intent: Intent, hits: list[Hit]) -> Context:
        """The passages the model sees: copies of a passage already shown left out (reprinted news), each cut to
        its best window (twice the room when the answer spans several facts), the weak ones left out when a model
        reads them (prompt tokens cost time), and the first passage's second-best window as passage [2] when it
        matches nearly as well (long articles; model backends)."""
        toks = content_tokens(intent.question)
        idf = idf_from_hits(toks, hits)
        budget = self.settings.passage_chars * (TUNING.list_budget_factor if intent.spans_passages else 1)
        windows = {h.chunk.id: best_window(toks, h.chunk.text, budget, idf, intent.question, h.chunk.title or "")
                   for h in hits}
        shown = distinct(hits, windows, self.settings.context_passages)
        if self.backend != "extractive":
            shown = passages_to_show(toks, shown, budget, idf, intent.question, intent.multi_part,
                                     scores=[windows[h.chunk.id][2] for h in shown], metadata=intent.with_meta)
        passages = [trim_passage(h, toks, budget, window=windows[h.chunk.id]) for h in shown]
        scores = [windows[h.chunk.id][2] for h in shown]
        if shown and self.backend != "extractive":  # a long first passage also shows its second-best window
            # as a passage of its own (the extractive answerer searches whole sentences itself: on the formats
            # set the extra passage cost it two answers, so it keeps one window per passage)
            top = shown[0]
            extra = second_window(toks, top.chunk.text, budget, windows[top.chunk.id], idf, intent.question,
                                  top.chunk.title or "")
            if extra is not None:
                shown, passages = [top, *shown], [passages[0], cut_passage(top, extra[0], extra[1]), *passages[1:]]
                scores = [scores[0], extra[2], *scores[1:]]
        return Context(intent, hits, shown, passages, toks, idf, budget, scores, judge_relevance(intent.question, hits))

    def draft(self, raw: str, ctx: Context) -> Draft:
        """The model's text with its markers normalised; an answer also gets markers attributed to the
        passages it copies and loses sentences that no passage supports."""
        text = circle_list_numbers(normalise_markers(raw.strip(), len(ctx.passages)))
        if is_refusal(text) or is_echo(text, ctx.intent.question) or looped(text):  # a loop answers nothing
            return Draft(text, refused=True)
        labels = [passage_label(n, p, True) for n, p in enumerate(ctx.passages, 1)]
        text, dropped = drop_unsupported(attribute(text, labels), labels, ctx.intent.question)
        if dropped:
            log.info("dropped answer sentences that no cited passage supports: %s", dropped)
            if is_refusal(text):  # nothing the passages support is left: as good as a refusal
                return Draft(text, refused=True)
        if ctx.intent.date:  # the year may be written in another window of the cited article
            article = [(p.chunk.source, p.chunk.article_no) for p in ctx.passages]
            same_article = ["\n".join(lb for lb, a in zip(labels, article) if a == own) for own in article]
            text = complete_years(text, same_article)
        return Draft(text, refused=False, problem=check_answer(text, ctx.intent.question, ctx.passages))

    def _opening(self, hit: Hit) -> str | None:
        """The text of the article ``hit`` belongs to (its opening holds the byline)."""
        article = self.index.article(hit.chunk.source, hit.chunk.article_no)
        return article.text if article else None

    def _article_text(self, chunk: Chunk) -> str:
        """The metadata line and full text of the article ``chunk`` belongs to (the chunk's own, when the index keeps
        no articles): a question's day is often written in the article's opening, outside the passage."""
        article = self.index.article(chunk.source, chunk.article_no)
        return f"{chunk.header()}\n{article.text}" if article and article.text else chunk.embed_text()

    def evidence(self, ctx: Context) -> Evidence:
        question, hits, meta = ctx.intent.question, ctx.passages, ctx.intent.with_meta
        texts: dict[tuple[str, int], str] = {}  # this request's articles, each read once ([1] and [2] may be one)

        def article(n: int) -> str:
            c = ctx.shown[n - 1].chunk
            if (c.source, c.article_no) not in texts:
                texts[c.source, c.article_no] = self._article_text(c)
            return texts[c.source, c.article_no]

        return Evidence(ctx.intent, ctx.passages, ctx.tokens, ctx.relevance, ctx.window_scores,
                        retry=lambda n: self._focused_retry(ctx, n),
                        first_token=functools.cache(lambda: self.chain().first_token(question, hits, with_meta=meta)),
                        regenerate=lambda banned: self._regenerate(ctx, banned), article=article,
                        home=lambda n: self._home(ctx.shown[n - 1].chunk.source))

    def _home(self, source: str) -> str | None:
        """The district whose paper the file ``source`` is (districts.home_district; cached by the file's text)."""
        return home_district("\n".join(c.text for c in self.index.chunks(source)))

    def _regenerate(self, ctx: Context, banned: tuple[int, ...]) -> Draft | None:
        """The model's answer to the same prompt with the tokens ``banned``, drafted as a first answer is; None
        when the backend fails."""
        try:
            raw = "".join(until_loop(self.chain().stream(ctx.intent.question, ctx.passages,
                                                          with_meta=ctx.intent.with_meta, banned=banned)))
        except Exception as exc:  # noqa: BLE001 - the refusal stands
            log.info("answering again with the refusal's tokens banned failed (%s)", type(exc).__name__)
            return None
        return self.draft(raw, ctx)

    def _backend_down(self, exc: Exception, ctx: Context) -> Verdict:
        log.warning("LLM backend failed (%s); answering from the passages", redact(f"{type(exc).__name__}: {exc}")[:300])
        text = extractive_answer(ctx.intent.question, ctx.passages)[0]
        return Verdict("backend_down", Action.REPLACE if text else Action.REFUSE, Outcome.BACKEND_DOWN, text,
                       f"LLM backend unavailable ({type(exc).__name__}); answered from the passages")

    def _conclude(self, answer: Answer, ctx: Context, verdict: Verdict, timings: dict, t0: float,
                  first: float | None) -> None:
        """Apply the verdict: the text, its citations, the outcome; a refusal names the closest passages."""
        answer.outcome, answer.fallback = verdict.outcome, verdict.reason
        passages = list(ctx.passages)
        if verdict.widened:
            n, wide = verdict.widened
            passages[n - 1] = wide
            answer.passages[n - 1] = Citation.from_hit(n, wide)
        if verdict.action is Action.REFUSE:
            answer.refused = True
            seen, nearest = set(), []  # the first passage of each article, nearest first
            for h in ctx.passages:
                if (h.chunk.source, h.chunk.article_no) not in seen:
                    seen.add((h.chunk.source, h.chunk.article_no))
                    nearest.append(h)
            nearest = nearest[:CLOSEST]
            answer.closest = [Citation.from_hit(n, h) for n, h in enumerate(nearest, 1)]
            answer.answer = refusal_text(answer.closest)
            passages = []
        else:
            answer.answer = normalise_markers(verdict.text, len(passages))
        used = [n for n in cited_numbers(answer.answer) if 1 <= n <= len(passages)]
        answer.citations = [Citation.from_hit(n, passages[n - 1]) for n in sorted(used)]
        if not answer.citations and not answer.refused and is_refusal(answer.answer):
            answer.refused = True
            if answer.outcome is not Outcome.BACKEND_DOWN:
                answer.outcome = Outcome.REFUSED
        # answered_ms: when the model's first answer was complete (None without one); what follows is its checks
        # and any second request (a retry with one passage, an answer with the refusal banned)
        answer.timings = {"retrieve_ms": timings["retrieve_ms"],
                          "first_token_ms": round((first - t0) * 1000) if first else None,
                          "answered_ms": timings.get("answered_ms"), "total_ms": round((time.monotonic() - t0) * 1000)}

    def _retrieve(self, intent: Intent, mode: str, filters: Filters | None) -> list[Hit]:
        """Retrieve for the question; a question in several parts (…？又…？ / 分别…和…) also gets the best
        passage of each part among the first ones, so the model sees evidence for every part."""
        k = self.settings.top_k
        hits = self.retriever.retrieve(intent.question, k=k, mode=mode, filters=filters)
        if not intent.multi_part:
            return hits
        firsts = []
        for part in (p for p in intent.parts if len(p) >= 6):
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

    def _focused_retry(self, ctx: Context, n: int) -> tuple[str, Hit] | None:
        """Ask once more with passage ``n`` alone, grown around what the model saw to twice the room
        (distractors and a cut-off passage are what make a small model refuse). Returns (answer citing [n], the
        widened passage) when the answer is not a refusal and passes the checks."""
        question, full = ctx.intent.question, ctx.shown[n - 1].chunk
        wide = widen_passage(ctx.shown[n - 1], ctx.passages[n - 1], 2 * self.settings.passage_chars)
        text = "".join(until_loop(self.chain().stream(question, [wide], with_meta=ctx.intent.with_meta))).strip()
        text = circle_list_numbers(normalise_markers(text, 1))
        if is_refusal(text) or is_echo(text, question) or looped(text):
            return None
        text = MARKER_RE.sub("[1]", text)
        if not cited_numbers(text):
            text = f"{text.rstrip('。')}[1]。"
        if check_answer(text, question, [wide]):
            return None
        # the near-miss rules judge the retry's answer as they judge a first answer
        again = verify(Draft(text, refused=False), Evidence(ctx.intent, [wide], ctx.tokens, ctx.relevance, [0.0],
                                                            article=lambda _: self._article_text(full),
                                                            home=lambda _: self._home(full.source)))
        if again.action is Action.REFUSE:
            return None
        return again.text.replace("[1]", f"[{n}]"), wide

    def ask(self, question: str, history: list[str] | None = None, filters: Filters | None = None,
            mode: str = "hybrid", hits: list[Hit] | None = None) -> Answer:
        final = None
        for item in self.stream(question, history, filters, mode, hits):
            if isinstance(item, Answer):
                final = item
        return final
