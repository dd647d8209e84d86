"""Verification rules: what happens to a model's draft answer before the user sees it. Each rule is a small
named class that looks at the draft and the context and returns a typed :class:`Verdict` (or None: no
opinion); :func:`verify` asks them in order and the first verdict wins. Two chains:

* the model **refused** (or echoed the question): ``REFUSAL_RULES`` try to answer anyway — ask again with the
  best passage alone, answer from the passages' metadata, quote a passage that matches strongly — else refuse;
* the model **answered**: ``ANSWER_RULES`` repair a figure taken from the wrong name in a list, re-point a
  figure cited to the wrong passage, ask again with the passage naming the office asked when the answer cites
  another unit's passage, refuse a near miss — another place's, year's, ordinal's (第一艘 for 第三艘), numbered
  name's (神舟十二号 for 神舟十三号) or titled work's fact given for the one asked, or a fact of an article whose
  title names another period (第一季度 for 第二季度), a place moved into another than its passage puts it in, a
  larger unit's total given for a smaller one, a figure counted as something else than its passage counts it, a
  person or a unit whose sentence never says they did what was asked — name all the people a passage says did
  it together when the answer names one, and replace or refuse an answer whose figure, name or person no
  passage holds (a guess).

Nothing here reads the wording of a message: decisions are :class:`Action` and :class:`~rag.types.Outcome`."""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum

from ..types import Hit, Outcome
from .checks import NUMBER_RE, Problem, ProblemKind, repoint_number
from .citations import MARKER_RE, cited_numbers
from .counts import relabelled_count
from .extractive import extractive_answer, metadata_answer, paired_numbers
from .people import co_named
from .periods import other_period
from .question import Intent
from .relevance import Relevance, missing_tokens
from .which_one import other_ordinal, other_title
from .subjects import (moved_place, org_role_not_stated, other_place, other_year,
                       role_not_stated, subject_elsewhere, wider_scope)
from .tuning import TUNING, Tuning

log = logging.getLogger(__name__)


class Action(Enum):
    KEEP = "keep"  # show the draft
    REPLACE = "replace"  # show ``Verdict.text`` instead
    REFUSE = "refuse"  # the documents do not hold the answer


@dataclass(frozen=True)
class Verdict:
    rule: str
    action: Action
    outcome: Outcome
    text: str = ""
    reason: str | None = None  # shown as Answer.fallback (why the model's answer was not shown as it was)
    widened: tuple[int, Hit] | None = None  # passage n was widened for a retry: cite the wider one


@dataclass
class Evidence:
    """What the rules look at: the question's intent and the passages shown to the model."""

    intent: Intent
    passages: list[Hit]
    tokens: list[str]
    relevance: Relevance
    window_scores: list[float]  # each passage's best-window score
    retry: Callable[[int], tuple[str, Hit] | None] = lambda n: None  # ask again with passage n alone
    tuning: Tuning = TUNING


@dataclass
class Draft:
    """The model's answer after its citations were normalised, attributed and unsupported sentences dropped."""

    text: str
    refused: bool
    problem: Problem | None = None
    extra: dict = field(default_factory=dict)


class RetryWithBestPassage:
    """A small model refuses when distractors crowd a cut-off passage: ask once more with the passage whose
    best window matches most (or the first, when only its meaning is close), given twice the room."""
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
        got = e.retry(n)
        if got is None:
            return None
        text, wide = got
        return Verdict(self.name, Action.REPLACE, Outcome.MODEL_RETRY, text,
                       "model refused with all passages; answered from the best-matching one", (n, wide))


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


class NearMiss:
    """Shared shape of the near-miss rules: an answer without a failed check, the texts of the passages it
    cites, one finder from ``subjects`` — a finding means a neighbouring fact given as the answer: refuse."""
    name = "near_miss"
    reads_title = False  # the finder reads (article title, text) of each cited passage, not the text alone

    def applies(self, e: Evidence) -> bool:
        return True

    def find(self, answer: str, question: str, cited: list):
        raise NotImplementedError

    def reason(self, found) -> str:
        raise NotImplementedError

    def source(self, hit: Hit):
        """What the finder reads of a cited passage: its text, or its title and text."""
        return (hit.chunk.title or "", hit.chunk.text) if self.reads_title else hit.chunk.text

    def __call__(self, d: Draft, e: Evidence) -> Verdict | None:
        if d.problem or not self.applies(e):
            return None
        cited = [self.source(e.passages[n - 1]) for n in cited_numbers(d.text) if 1 <= n <= len(e.passages)]
        found = self.find(MARKER_RE.sub("", d.text), e.intent.question, cited)
        return None if found is None else Verdict(self.name, Action.REFUSE, Outcome.REFUSED, reason=self.reason(found))


class AnswerOfAnotherPlace(NearMiss):
    """The clause the answer took its figure or name from is about another place of the kind asked (川汇区's
    社区 for a question about 淮阳区, 许湾街道's 村 for 文昌街道): a neighbouring fact, not the answer — refuse."""
    name = "answer_of_another_place"
    find = staticmethod(other_place)

    def reason(self, found) -> str:
        asked, other = found
        return f"the answer's source clause is about {other.name}{other.kind}, not {asked.name}{asked.kind}"


class PlaceMoved(NearMiss):
    """The answer puts a place inside another place than its passage does ("淮阳区新闻社区" from "川汇区新闻社区、
    淮阳区道德文明使者"): it moved a neighbouring place's fact to the one asked — refuse."""
    name = "place_moved"
    find = staticmethod(moved_place)

    def reason(self, found) -> str:
        inner, said, given = found
        return f"the answer puts {inner} in {said}; its passage puts it in {given}"


class AnswerOfAnotherYear(NearMiss):
    """The question names a year and every sentence the answer drew on names other years, not that one: the
    2020 figure given for 2021 — refuse. Not for a date question: the 2023 list's notice is dated 2024."""
    name = "answer_of_another_year"
    find = staticmethod(other_year)

    def applies(self, e: Evidence) -> bool:
        return not e.intent.date

    def reason(self, found) -> str:
        asked, other = found
        return f"the answer's source sentence is about {other}, not {asked}"


class AnswerOfAnotherPeriod(NearMiss):
    """The question names a period (2024年, 第二季度, 上半年, 全年) and the answer's figure is another period's: its
    sentence names another part of the year before it ("第四季度的总收入为140亿美元" for 全年营收), or its sentences
    name none and every cited article's title names another ("2024年第一季度各街道志愿服务统计表" for 第二季度), or
    neither does and the rest of the passage names only another part of the year (2024年春季征兵 for 秋季) —
    refuse. Not for a date question (its answer has its own date)."""
    name = "answer_of_another_period"
    find = staticmethod(other_period)
    reads_title = True  # a table's rows name no period; its title does

    def applies(self, e: Evidence) -> bool:
        return not e.intent.date

    def reason(self, found) -> str:
        where = (f"《{found.title}》" if found.title else "the answer's passage" if found.passage
                 else "the answer's source sentence")
        return f"{where} is about {found.given}, not {found.asked}"


class AboutAnotherOne(NearMiss):
    """Shared shape of the "which one" rules (which_one.py): their finders read titles and return (the one
    asked, the one the answer's source is about)."""
    reads_title = True

    def reason(self, found) -> str:
        asked, other = found
        return f"the answer's source sentence is about {other}, not {asked}"


class AnswerOfAnotherOrdinal(AboutAnotherOne):
    """The question names an ordinal or a numbered name (第三艘, 神舟十三号, U14) and every sentence the answer
    drew on names another of the same kind, not that one: the first submarine's launch given for the third's,
    the U12 champion for the U14 one — refuse."""
    name = "answer_of_another_ordinal"
    find = staticmethod(other_ordinal)


class AnswerOfAnotherTitle(AboutAnotherOne):
    """The question names a work in 《》 and every sentence the answer drew on names another work and not that
    one, nor does its article's title: the singers of another song of the gala given for 《吉庆团圆》 — refuse."""
    name = "answer_of_another_title"
    find = staticmethod(other_title)


class AnswerOfWiderScope(NearMiss):
    """The sentence the answer's figure comes from counts it for a larger unit than the one asked (该区, 全市 for
    a question about one team or one street) and never names the asked one: that unit's total, not the answer —
    refuse."""
    name = "answer_of_wider_scope"
    find = staticmethod(wider_scope)

    def reason(self, found) -> str:
        asked, scope = found
        return f"the answer's figure is counted for {scope}, not for the {asked} asked about"


class RelabelledCount(NearMiss):
    """The answer counts a figure as something else than the passage it cites does ("25个优秀志愿服务项目" where
    the passage has "25 支志愿服务队"): another classifier and another noun — the figure of a neighbouring fact,
    refuse."""
    name = "relabelled_count"
    find = staticmethod(relabelled_count)

    def reason(self, found) -> str:
        num, said, given = found
        return f"the answer counts {num} as {said}; the passage counts {num} {given}"


class RoleNotStated(NearMiss):
    """Asked who chaired (spoke, led the visit, directed the film…), the answer names a person whose sentence says
    they did something else ("王少青出席会议并代表市委表态发言" for 由谁主持): a role the text never gives — refuse."""
    name = "role_not_stated"
    find = staticmethod(role_not_stated)  # it reads the question's 谁 (or the role it ends with: "…的导演") itself

    def reason(self, found) -> str:
        name, roles = found
        return f"no cited sentence says that {name} did what was asked ({'/'.join(roles)})"


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


class OrganisationRoleNotStated(RoleNotStated):
    """Asked which unit built (organised, designed…) something, the answer names one whose sentence says it did
    something else ("市城市管理局启动公园提升改造工程" for 由哪家施工单位承建): a role the text never gives — refuse."""
    name = "organisation_role_not_stated"
    find = staticmethod(org_role_not_stated)


GUESSES = (ProblemKind.FIGURE_NOT_SHOWN, ProblemKind.NAME_NOT_SHOWN, ProblemKind.FIGURE_NOT_CITED,
           ProblemKind.PERSON_NOT_CITED)
# the model, shown the passages, answered another kind of thing than was asked (a time for "在哪", a count for
# "多少资金"): what it read most likely does not hold the asked kind, and a quote of it would not either (RGB
# dev at noise 1.0: the three such quotes were all wrong) — refuse
OTHER_KIND = (ProblemKind.PLACE_MISSING, ProblemKind.OTHER_MEASURE)


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


REFUSAL_RULES = (RetryWithBestPassage(), AnswerFromMetadata(), QuoteStrongEvidence(), Refuse())
ANSWER_RULES = (FigureOfTheNamedThing(), RepointFigure(), AnswerFromAnotherSubject(), AnswerOfAnotherPlace(), PlaceMoved(),
                AnswerOfAnotherYear(), AnswerOfAnotherPeriod(), AnswerOfAnotherOrdinal(), AnswerOfAnotherTitle(),
                AnswerOfWiderScope(), RelabelledCount(), RoleNotStated(),
                OrganisationRoleNotStated(), AllWhoDidIt(), FailedCheck())


def verify(draft: Draft, evidence: Evidence, rules: tuple | None = None) -> Verdict:
    """The first verdict of the chain for this draft (or of ``rules``); KEEP when no rule objects. A rule that
    fails on some text is logged with its name and gives no opinion: one rule's bug must not lose the answer."""
    for rule in rules if rules is not None else REFUSAL_RULES if draft.refused else ANSWER_RULES:
        try:
            verdict = rule(draft, evidence)
        except Exception:  # noqa: BLE001 - logged with the traceback; the other rules still judge the draft
            log.exception("verification rule %s failed; treated as no opinion", getattr(rule, "name", rule))
            continue
        if verdict is not None:
            return verdict
    return Verdict("none", Action.KEEP, Outcome.MODEL, draft.text)
