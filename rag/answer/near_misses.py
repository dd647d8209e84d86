"""The near-miss rules: the model answered with a neighbouring fact — another place's, year's, period's,
ordinal's or titled work's, a larger unit's total, a figure counted as something else or shared by several units,
a person or unit whose sentence never says they did what was asked. Each finder (subjects.py, counts.py,
periods.py, which_one.py, people.py) reads the answer, the question and the cited passages; a finding refuses."""
from __future__ import annotations

from ..types import Hit, Outcome
from .checks import quoted_names
from .citations import MARKER_RE, cited_numbers
from .counts import count_of_another_kind, relabelled_count, shared_count
from .districts import missing_places
from .people import asked_people, missing_people
from .periods import missing_figures, other_period, question_figures
from .runs import figure_of_another_item
from .subjects import (moved_place, named_subjects, org_role_not_stated, other_place, other_year,
                       places, role_not_stated, wider_scope)
from .timeline import Relative
from .verdicts import Action, Draft, Evidence, Verdict
from .which_one import other_ordinal, other_title


class NearMiss:
    """Shared shape of the near-miss rules: an answer without a failed check, the texts of the passages it
    cites, one finder (subjects, counts, periods, which_one, people) — a finding means a neighbouring fact given
    as the answer: refuse."""
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


class QuestionFigureNotInArticle(NearMiss):
    """The question names a day, a number or a code (8月2日, 1500米, M1, C919) and no article the answer cites
    writes it anywhere, metadata line included: the answer is the fact of a neighbouring article about another day
    or thing — refuse. RGB zh_refine, the 37 questions with such a figure: their positive passages write all of them
    275 times of 283, their negative ones 347 of 636. Not its year (news leaves its own year out; see
    periods.missing_figures), not for time order (each event is dated in its own article; a day computed from an
    event's is not written anywhere), not for a question in several parts (an answer may cite one part's article)."""
    name = "question_figure_not_in_article"

    def __call__(self, d: Draft, e: Evidence) -> Verdict | None:
        i = e.intent
        if d.problem or i.time_order or i.computed_dates or i.multi_part or not question_figures(i.question, years=False):
            return None  # (most questions name no figure: no article is read)
        cited = [n for n in cited_numbers(d.text) if 1 <= n <= len(e.passages)]
        missing = missing_figures(e.intent.question, [e.article_text(n) for n in cited], years=False) if cited else []
        return Verdict(self.name, Action.REFUSE, Outcome.REFUSED,
                       reason=f"no cited article writes the question's {'、'.join(missing)}") if missing else None


class QuestionPlaceNotInArticle(NearMiss):
    """The question names a place (文昌街道, 商水县, 贾寨村) and no article the answer cites writes it (a district or
    county: where the article names another one or is in another district's paper, as a local paper leaves its own
    out): the answer is a neighbouring place's fact, its sentence naming no place at all ("…选聘了238名网格员" from
    the 七一路街道 article for 文昌街道) — refuse. AnswerOfAnotherPlace sees only a source clause that names the other place. Not for
    time order or a question in several parts (each event or part has its own article)."""
    name = "question_place_not_in_article"

    def __call__(self, d: Draft, e: Evidence) -> Verdict | None:
        i = e.intent
        if d.problem or i.time_order or i.computed_dates or i.multi_part or not places(i.question):
            return None  # (most questions name no place: no article is read)
        cited = [n for n in cited_numbers(d.text) if 1 <= n <= len(e.passages)]
        missing = missing_places(i.question, [e.article_text(n) for n in cited],
                                 home=lambda k: e.home(cited[k])) if cited else []
        return Verdict(self.name, Action.REFUSE, Outcome.REFUSED,
                       reason=f"no cited article names the question's {'、'.join(missing)}") if missing else None


class QuestionPersonNotInArticle(NearMiss):
    """The question names a person (刘颖, 王少青) whom no article the answer cites writes, byline included: the
    answer is another person's fact from a neighbouring report ("刘颖1月10日要求…" answered from 宋力's speech) —
    refuse. Not for time order or a question in several parts (each event or part has its own article)."""
    name = "question_person_not_in_article"

    def __call__(self, d: Draft, e: Evidence) -> Verdict | None:
        i = e.intent
        if d.problem or i.time_order or i.computed_dates or i.multi_part:
            return None
        cited = [n for n in cited_numbers(d.text) if 1 <= n <= len(e.passages)]
        if not cited or not asked_people(i.question):
            return None  # (most questions name nobody: no article is read)
        missing = missing_people(i.question, [e.article_text(n) for n in cited])
        return Verdict(self.name, Action.REFUSE, Outcome.REFUSED,
                       reason=f"no cited article names {'、'.join(missing)}") if missing else None


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


class SharedCount(NearMiss):
    """The answer's figure is counted for several units together: the passage names the asked one in a run with
    others ("在贾寨村、梁寨村等开展…共发放宣传册500余份" for 梁寨村 alone) — their total, not the answer: refuse."""
    name = "shared_count"
    find = staticmethod(shared_count)

    def applies(self, e: Evidence) -> bool:
        return not e.intent.date  # a date is the event's, not a count

    def reason(self, found) -> str:
        asked, run = found
        return f"the answer's figure is counted for {run} together, not for {asked} alone"


class OrganisationRoleNotStated(RoleNotStated):
    """Asked which unit built (organised, designed…) something, the answer names one whose sentence says it did
    something else ("市城市管理局启动公园提升改造工程" for 由哪家施工单位承建): a role the text never gives — refuse."""
    name = "organisation_role_not_stated"
    find = staticmethod(org_role_not_stated)


class CountOfAnotherKind(NearMiss):
    """Asked how many people (多少名信访专员) or events (几次), the answer counts something else ("共举行培训会15次"):
    the figure of a neighbouring fact — refuse."""
    name = "count_of_another_kind"
    find = staticmethod(count_of_another_kind)

    def reason(self, found) -> str:
        asked, given = found
        return f"a count in {asked} was asked for; the answer counts {given}"


class FigureOfAnotherItem(NearMiss):
    """The answer's figure is, wherever its passage gives it, one item's of a run ("许湾街道58名、文昌街道57名、搬口
    街道50名") that the question does not name ("物业工作人员有多少名" answered "50名"): a neighbour's figure — refuse."""
    name = "figure_of_another_item"
    find = staticmethod(figure_of_another_item)

    def applies(self, e: Evidence) -> bool:
        return not e.intent.date  # a date is the event's, not a count

    def reason(self, found) -> str:
        num, item = found
        return f"the answer's figure {num} is the passage's for another item of a list ({item})"


class QuotedNameOfAnotherSubject:
    """The answer gives a quoted name (a project, a campaign: “守护沙颍河，我们在行动”) that only passages about another
    unit hold, while a shown passage names the unit the question asks about (鹿邑县神鹰救援队): another unit's name
    given for the one asked — refuse."""
    name = "quoted_name_of_another_subject"

    def __call__(self, d: Draft, e: Evidence) -> Verdict | None:
        timeline = e.intent.timeline  # "A发布名单的第二天，市法院开展了什么活动？": A's unit is not the one asked
        if d.problem or (timeline is not None and not isinstance(timeline, Relative)):
            return None
        subjects = named_subjects(timeline.rest if timeline is not None else e.intent.question)
        if not subjects:
            return None
        texts = [p.chunk.embed_text() for p in e.passages]
        # a passage is about a unit when its article is: a later window of an article may not repeat the unit's name
        article = {}
        for p, t in zip(e.passages, texts):
            key = (p.chunk.source, p.chunk.article_no)
            article[key] = article.get(key, "") + t
        about = [article[(p.chunk.source, p.chunk.article_no)] for p in e.passages]
        for quoted in quoted_names(MARKER_RE.sub("", d.text)):
            holding = [a for t, a in zip(texts, about) if quoted in t]
            if quoted in e.intent.question or not holding:
                continue
            for subject in subjects:
                if not any(subject in t for t in holding) and any(subject in t for t in texts):
                    return Verdict(self.name, Action.REFUSE, Outcome.REFUSED,
                                   reason=f"“{quoted}” is in passages about another unit than {subject}")
        return None
