"""Verification rules: what happens to a model's draft answer before the user sees it. Each rule is a small
named class that looks at the draft and the context and returns a typed :class:`Verdict` (or None: no
opinion); :func:`verify` asks them in order and the first verdict wins. Two chains:

* the model **refused** (or echoed the question): ``REFUSAL_RULES`` try to answer anyway — ask again with the
  best passage alone, answer from the passages' metadata, quote a passage that matches strongly, answer again
  with the refusal's opening banned when the model barely chose to refuse — else refuse;
* the model **answered**: ``ANSWER_RULES`` repair a figure taken from the wrong name in a list or a count the
  text states otherwise, re-point a
  figure cited to the wrong passage, ask again with the passage naming the office asked when the answer cites
  another unit's passage, refuse a near miss (near_misses.py: another place's, year's, period's, ordinal's or
  titled work's fact, a fact from an article that never writes the question's day or code, a larger unit's or
  several units' total, a figure counted as something else, a role never stated) — name all the people a passage
  says did it together when the answer names one, and replace or refuse an answer whose figure, name or person no
  passage holds (a guess). A repaired answer is judged again by the rules that read its cited articles
  (``ARTICLE_RULES``).

Nothing here reads the wording of a message: decisions are :class:`Action` and :class:`~rag.types.Outcome`."""
from __future__ import annotations

import logging
from dataclasses import replace

from ..types import Outcome
from .checks import NUMBER_RE, ProblemKind, repoint_number
from .citations import MARKER_RE, cited_numbers, opens_refusal, opens_with_refusal
from .counts import stated_count
from .extractive import extractive_answer, metadata_answer, paired_numbers
from .near_misses import (AnswerOfAnotherOrdinal, AnswerOfAnotherPeriod, AnswerOfAnotherPlace, AnswerOfAnotherTitle,
                          AnswerOfAnotherYear, AnswerOfWiderScope, CountOfAnotherKind, FigureOfAnotherItem, NearMiss,
                          OrganisationRoleNotStated, PlaceMoved, QuestionFigureNotInArticle, QuestionPersonNotInArticle,
                          QuestionPlaceNotInArticle, QuotedNameOfAnotherSubject,
                          RelabelledCount, RoleNotStated, SharedCount)
from .people import co_named
from .periods import missing_figures, question_figures
from .relevance import missing_tokens
from .runs import item_of_the_thing, place_of_named_item
from .subjects import subject_elsewhere
from .verdicts import Action, Draft, Evidence, Verdict

__all__ = ["ANSWER_RULES", "REFUSAL_RULES", "Action", "AllWhoDidIt", "AnswerAnUnsureRefusal", "AnswerFromAnotherSubject",
           "AnswerFromMetadata", "AnswerOfAnotherOrdinal", "AnswerOfAnotherPeriod", "AnswerOfAnotherPlace", "AnswerOfAnotherTitle",
           "AnswerOfAnotherYear", "AnswerOfWiderScope", "ARTICLE_RULES", "CountOfAnotherKind", "CountTheTextStates", "Draft", "Evidence", "FailedCheck",
           "FigureOfAnotherItem", "FigureOfTheNamedThing", "NearMiss", "OrganisationRoleNotStated", "PlaceFromTheList",
           "PlaceMoved", "PlaceOfTheNamedThing", "QuestionFigureNotInArticle", "QuestionPersonNotInArticle",
           "QuestionPlaceNotInArticle", "QuoteStrongEvidence",
           "QuotedNameOfAnotherSubject", "RelabelledCount",
           "Refuse", "RepointFigure", "RetryWithBestPassage", "RoleNotStated", "SharedCount", "Verdict", "verify"]

log = logging.getLogger(__name__)


class RetryWithBestPassage:
    """A small model refuses when distractors crowd a cut-off passage: ask once more with the passage whose
    best window matches most (or the first, when only its meaning is close), given twice the room — unless its
    article lacks a figure the question names (periods.missing_figures: its year too, when it writes another). RGB
    noise 1.0: 2 of 14 retried answers (queries 78, 165) came from another year's article; noise 0/0.8: none."""
    name = "retry_with_best_passage"

    def __call__(self, d: Draft, e: Evidence) -> Verdict | None:
        t = e.tuning
        if not (e.relevance.coverage >= t.retry_coverage or e.relevance.dense >= t.paraphrase_dense):
            return None
        score, n = max((sc, n) for n, sc in enumerate(e.window_scores, 1))
        if score < t.retry_window:
            if e.relevance.dense < t.paraphrase_dense:
                return None
            n = 1  # no passage shares the question's words, but the first is close in meaning (a paraphrase)
        i = e.intent
        if (not (i.time_order or i.computed_dates) and question_figures(i.question)
                and missing_figures(i.question, [e.article_text(n)])):
            return None  # its article lacks the question's day or code, or writes another year only: another event's
        got = e.retry(n)
        if got is None:
            return None
        text, wide = got
        return Verdict(self.name, Action.REPLACE, Outcome.MODEL_RETRY, text,
                       "model refused with all passages; answered from the best-matching one", (n, wide))


class AnswerAnUnsureRefusal:
    """A small model refuses a question worded otherwise than its passage (上门走访时…用什么方式记下来 for
    "分类分条记录") although the answer is in front of it — but then its refusal is a close call: the refusal's
    first token ("资料") had less than ``unsure_refusal`` of the probability, the rest spread over ways to answer.
    Answer again with the refusal's opening tokens banned (llama.cpp's prompt cache mostly spares re-reading).
    They stay banned through that answer, so it cannot copy a word such as "资料" (宣传资料) either; the answer
    rules judge it as they judge a first answer, and a refusal or a refused answer stays refused."""
    name = "answer_unsure_refusal"

    def __call__(self, d: Draft, e: Evidence) -> Verdict | None:
        if not opens_with_refusal(d.text):  # an echo, a loop, an unsupported answer: not the model's refusal
            return None
        choices = e.first_token()
        if not choices or not opens_refusal(choices[0].token):  # no probabilities, or it would not refuse now
            return None
        openers = tuple(c for c in choices if opens_refusal(c.token))
        if sum(c.p for c in openers) >= e.tuning.unsure_refusal:
            return None
        draft = e.regenerate(tuple(c.id for c in openers))
        if draft is None or draft.refused:
            return None
        again = verify(draft, e, ANSWER_RULES)
        if again.action is Action.REFUSE:
            return None
        return replace(again, rule=self.name, outcome=Outcome.MODEL_RETRY if again.outcome is Outcome.MODEL
                       else again.outcome, reason=again.reason or "model refused, but barely; answered again")


class PlaceFromTheList:
    """The model refused a question for the places of a thing that a list names after them ("…周滨社区国槐街、小桥
    办事处高庄社区幸福巷…" for 国槐街属于哪个社区): the thing's item of the list answers it, quoted."""
    name = "place_from_the_list"

    def __call__(self, d: Draft, e: Evidence) -> Verdict | None:
        found = item_of_the_thing(e.intent.question, [p.chunk.text for p in e.passages])
        if found is None:
            return None
        item, n = found
        return Verdict(self.name, Action.REPLACE, Outcome.EXTRACTED, f"{item}[{n}]。",
                       "model refused; the list in the passage names the places of what was asked")


class AnswerFromMetadata:
    """An issue, date or 栏目 question is answered from the passages' metadata."""
    name = "answer_from_metadata"

    def __call__(self, d: Draft, e: Evidence) -> Verdict | None:
        text = metadata_answer(e.intent.question, e.passages)
        return Verdict(self.name, Action.REPLACE, Outcome.METADATA, text,
                       "model refused; answered from the passage metadata") if text else None


class QuoteStrongEvidence:
    """A sentence matches the question strongly and no question word is missing: quote it."""
    name = "quote_strong_evidence"

    def __call__(self, d: Draft, e: Evidence) -> Verdict | None:
        if e.relevance.sentence < e.tuning.extract_sentence or missing_tokens(e.tokens, e.passages):
            return None
        text = extractive_answer(e.intent.question, e.passages)[0]
        return Verdict(self.name, Action.REPLACE, Outcome.EXTRACTED, text,
                       "model refused although a passage matches the question") if text else None


class FigureOfTheNamedThing:
    """A list ("许湾街道58名、文昌街道57名…") is where a small model picks the wrong figure: when the passage
    pairs the name asked with one figure and the answer states another, answer with the passage's pair."""
    name = "figure_of_the_named_thing"

    def __call__(self, d: Draft, e: Evidence) -> Verdict | None:
        if d.problem:
            return None
        pairs = paired_numbers(e.intent.question, e.passages)
        if not pairs or len({NUMBER_RE.search(c).group(0) for c, _ in pairs}) > 1:
            return None  # nothing paired, or the names pair with different figures: trust the model
        stated = NUMBER_RE.findall(MARKER_RE.sub("", d.text))
        if any(NUMBER_RE.search(c).group(0) in stated for c, _ in pairs):
            return None
        return Verdict(self.name, Action.REPLACE, Outcome.REPAIRED,
                       "；".join(f"{c}[{n}]" for c, n in pairs[:2]) + "。",
                       "model answer's figure differs from the one the passage gives for the name asked")


class CountTheTextStates:
    """Asked how many of a thing there are ("一共归纳了几项举措？"), a small model counts the items its window shows
    (一是…二是… → "两项") where the text states the count ("三项举措", often in the headline): when the cited
    passages count the thing with one figure only and the answer with another, answer with that count, quoted."""
    name = "count_the_text_states"

    def __call__(self, d: Draft, e: Evidence) -> Verdict | None:
        if d.problem:
            return None
        cited = [n for n in cited_numbers(d.text) if 1 <= n <= len(e.passages)]
        found = stated_count(d.text, e.intent.question, [e.passages[n - 1].chunk.embed_text() for n in cited])
        if found is None:
            return None  # (only the cited passages: a distractor's count of the thing is about something else)
        phrase, i = found
        n = cited[i - 1]
        return Verdict(self.name, Action.REPLACE, Outcome.REPAIRED, f"{phrase}[{n}]。",
                       "the answer counts what the passage states a count of with another figure")


class PlaceOfTheNamedThing:
    """A run of items ("七一路办事处周滨社区国槐街、小桥办事处高庄社区幸福巷") is where a small model gives another
    item's places: when the answer says where a thing of the question is with places its cited passage gives only
    to other items of the run, answer with the thing's own item, quoted."""
    name = "place_of_the_named_thing"

    def __call__(self, d: Draft, e: Evidence) -> Verdict | None:
        if d.problem or not e.intent.place:
            return None
        body = MARKER_RE.sub("", d.text)
        for n in cited_numbers(d.text):
            if 1 <= n <= len(e.passages) and (found := place_of_named_item(body, e.intent.question,
                                                                            [e.passages[n - 1].chunk.text])):
                thing, given, item = found
                return Verdict(self.name, Action.REPLACE, Outcome.REPAIRED, f"{item}[{n}]。",
                               f"the answer gives {thing} the place {given} of another item of its passage's list")
        return None


class RepointFigure:
    """The answer's figure is in another passage than the one cited, and that passage is about the question:
    cite it instead."""
    name = "repoint_figure"

    def __call__(self, d: Draft, e: Evidence) -> Verdict | None:
        if not d.problem or d.problem.kind is not ProblemKind.FIGURE_NOT_CITED:
            return None
        moved = repoint_number(d.text, e.intent.question, e.passages)
        return Verdict(self.name, Action.REPLACE, Outcome.REPAIRED, moved) if moved else None


class AnswerFromAnotherSubject:
    """The question names an office or organisation (招商引资服务局) that no passage the answer cites names, while
    another passage shown does: the answer is likely a neighbouring unit's fact from the passage beside it
    (社区服务中心's problems). Ask again with the passage that names it; keep the answer when that gives none."""
    name = "answer_from_another_subject"

    def __call__(self, d: Draft, e: Evidence) -> Verdict | None:
        if d.problem or e.intent.multi_part:
            return None
        cited = [n for n in cited_numbers(d.text) if 1 <= n <= len(e.passages)]
        others = [n for n in range(1, len(e.passages) + 1) if n not in cited]
        found = subject_elsewhere(e.intent.question, [e.passages[n - 1].chunk.embed_text() for n in cited],
                                  [e.passages[n - 1].chunk.embed_text() for n in others])
        if found is None:
            return None
        name, i = found
        got = e.retry(others[i])
        if got is None:
            return None
        text, wide = got
        return Verdict(self.name, Action.REPLACE, Outcome.MODEL_RETRY, text,
                       f"the answer cites no passage naming {name}; answered from the one that does", (others[i], wide))


class AllWhoDidIt:
    """Asked who did something, the answer names one of the people its passage names together as the ones
    who did it ("王少青、副市长刘颖通报…" answered "王少青"): name them all."""
    name = "all_who_did_it"

    def __call__(self, d: Draft, e: Evidence) -> Verdict | None:
        if d.problem or not e.intent.person:
            return None
        cited = [e.passages[n - 1].chunk.text for n in cited_numbers(d.text) if 1 <= n <= len(e.passages)]
        found = co_named(MARKER_RE.sub("", d.text), e.intent.question, cited)
        if found is None:
            return None
        return Verdict(self.name, Action.REPLACE, Outcome.REPAIRED, d.text.replace(found.name, found.completed, 1),
                       f"the answer left out {'、'.join(found.missing)}, named with {found.name} in its passage")


GUESSES = (ProblemKind.FIGURE_NOT_SHOWN, ProblemKind.NAME_NOT_SHOWN, ProblemKind.FIGURE_NOT_CITED,
           ProblemKind.PERSON_NOT_CITED, ProblemKind.HEDGED)
# the model, shown the passages, answered another kind of thing than was asked (a time for "在哪", a count for
# "多少资金" or for "哪些国家", no 街道 for "哪个街道"): what it read most likely does not hold the asked kind, and a quote of it would not either (RGB
# dev at noise 1.0: the three such quotes were all wrong) — refuse
OTHER_KIND = (ProblemKind.PLACE_MISSING, ProblemKind.PLACE_KIND_MISSING, ProblemKind.OTHER_MEASURE,
              ProblemKind.COUNT_FOR_LIST)


class FailedCheck:
    """Any other failed check: a figure or person that no cited passage holds is a guess, and an answer of
    another kind than asked (a time for a place) shows the passages lack it — refuse rather than show it;
    otherwise quote the evidence (a date question only with a date, a count only with a figure), else refuse:
    a number asked, none in the answer nor the best evidence, is a near miss — unless who/where/which is asked."""
    name = "failed_check"

    def __call__(self, d: Draft, e: Evidence) -> Verdict | None:
        if not d.problem:
            return None
        quotable = d.problem.kind not in GUESSES + OTHER_KIND
        extracted = extractive_answer(e.intent.question, e.passages)[0] if quotable else ""
        if extracted:
            return Verdict(self.name, Action.REPLACE, Outcome.EXTRACTED, extracted, d.problem.message)
        i = e.intent  # "数量最多的是哪个社区" asks a place: its answer needs no figure
        if d.problem.kind is ProblemKind.NUMBER_MISSING and (i.person or i.place or i.list or i.multi_part):
            return Verdict(self.name, Action.KEEP, Outcome.MODEL, d.text, d.problem.message)
        return Verdict(self.name, Action.REFUSE, Outcome.REFUSED, reason=d.problem.message)


class Refuse:
    """Last of the refusal chain: the model said the documents do not hold the answer, and nothing above
    found it either."""
    name = "refuse"

    def __call__(self, d: Draft, e: Evidence) -> Verdict | None:
        return Verdict(self.name, Action.REFUSE, Outcome.REFUSED)


REFUSAL_RULES = (PlaceFromTheList(), RetryWithBestPassage(), AnswerFromMetadata(), QuoteStrongEvidence(),
                 AnswerAnUnsureRefusal(), Refuse())
# the rules that judge what the articles an answer cites are about (the question's place, person, day or code
# unwritten there), whatever the answer's words: a repaired answer (a figure, count or place its passage pairs
# with the name asked) keeps its citations, so they judge it too. Replay of every recorded repaired answer
# (own, formats, CRUD, RGB, swapped-place probe): 2 wrong answers refused (formats dev, probe dev), no right one
ARTICLE_RULES = (QuestionPlaceNotInArticle(), QuestionPersonNotInArticle(), QuestionFigureNotInArticle())
_PLACE, _PERSON, _FIGURE = ARTICLE_RULES
ANSWER_RULES = (FigureOfTheNamedThing(), CountTheTextStates(), PlaceOfTheNamedThing(), RepointFigure(), AnswerFromAnotherSubject(),
                AnswerOfAnotherPlace(), PlaceMoved(), _PLACE, _PERSON, QuotedNameOfAnotherSubject(),
                AnswerOfAnotherYear(), _FIGURE, AnswerOfAnotherPeriod(), AnswerOfAnotherOrdinal(),
                AnswerOfAnotherTitle(),
                AnswerOfWiderScope(), SharedCount(), FigureOfAnotherItem(), RelabelledCount(), CountOfAnotherKind(),
                RoleNotStated(),
                OrganisationRoleNotStated(), AllWhoDidIt(), FailedCheck())


def verify(draft: Draft, evidence: Evidence, rules: tuple | None = None) -> Verdict:
    """The first verdict of the chain for this draft (or of ``rules``); KEEP when no rule objects. A repaired
    answer is judged by ``ARTICLE_RULES`` too. A rule that fails on some text is logged with its name and gives no
    opinion: one rule's bug must not lose the answer."""
    verdict = _first_verdict(draft, evidence, rules if rules is not None else REFUSAL_RULES if draft.refused
                             else ANSWER_RULES)
    if verdict.outcome is Outcome.REPAIRED:
        checked = _first_verdict(Draft(verdict.text, refused=False), evidence, ARTICLE_RULES)
        if checked.action is Action.REFUSE:
            return checked
    return verdict


def _first_verdict(draft: Draft, evidence: Evidence, rules: tuple) -> Verdict:
    for rule in rules:
        try:
            verdict = rule(draft, evidence)
        except Exception:  # noqa: BLE001 - logged with the traceback; the other rules still judge the draft
            log.exception("verification rule %s failed; treated as no opinion", getattr(rule, "name", rule))
            continue
        if verdict is not None:
            return verdict
    return Verdict("none", Action.KEEP, Outcome.MODEL, draft.text)
