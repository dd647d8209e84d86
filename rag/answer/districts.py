"""Where a question names a place (文昌街道, 商水县, 贾寨村), the article its answer cites must write it: else the
answer is a neighbouring place's fact (``missing_places``, for near_misses.QuestionPlaceNotInArticle). A district's
own paper leaves the district out, so a district or county is missing only where the article names another or is
in another one's paper (``home_district``)."""
from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from .subjects import KINDS, SCOPE_RANK, Place, places
from .tuning import TUNING

# Where a question names places, the answer's article names the most specific one; a larger one (its district, a
# street of its community) often goes unsaid. A district (区, 县) also goes unsaid in its own paper's articles ("区委
# 书记刘德君主持召开…推进会" in the 川汇区 paper), which name others in passing, so it is missing only where the
# article's opening names another district and refers to none of its own (区委, 我区) — a zone (开发区, 老城区,
# 示范区) is no other district — or where its file is another district's paper (session 31: swapped-county dev
# questions answered from the 川汇区 paper, whose articles say 区委). Review of session 30 for the zones,
# own-district words, parents and full names.
COUNTY_KINDS = frozenset({"区", "县"})
ZONE_ENDINGS = ("开发", "高新", "经开", "新城", "老城", "主城", "城", "风景", "景", "保护", "服务", "商务", "试验", "功能",
                "生活", "居住", "产业", "工业", "园", "片", "示范",
                "地", "特", "自治", "湾")  # and regions wider than a county: 地区, 特区, 自治区, 大湾区
OWN_DISTRICT = re.compile(r"(?<![区县])(?:区委|区政府|区人大|区政协|区长|县委|县政府|县人大|县政协|县长)|[我本全该][区县]")
GLUED_FRONT = "和与及在到对向从为由把被给将让是于同随自"  # a one-character word jieba may glue onto a name ("和小乔/街道")


def _written_names(place: Place) -> tuple[str, ...]:
    """How an article may write ``place``'s name: as the question does, without a kind word the question kept
    inside it (七一路 of 七一路街道/办事处), without a one-character word jieba glued to its front (小乔 of 和小乔), or a
    long name by its short form with the kind word (示范区 for 城乡一体化示范区)."""
    name = next((place.name[: -len(k)] for k in KINDS if place.name.endswith(k) and len(place.name) - len(k) >= 2),
                place.name)
    bare = name[1:] if name[0] in GLUED_FRONT and len(name) >= 3 else name
    short = name[-2:] + place.kind if len(name) >= 4 else name
    return tuple(dict.fromkeys((place.name, name, bare, short)))


def _same_unit(a: str, b: str) -> bool:
    return a.endswith(b) or b.endswith(a)  # 城乡一体化示范 and 示范


def _is_district(place: Place) -> bool:
    """A district or county, not a zone (开发区, 示范区) nor a wider region (地区, 自治区)."""
    return place.kind in COUNTY_KINDS and not place.name.endswith(ZONE_ENDINGS)


def _other_home(place: Place, home: str | None) -> bool:
    """The article is in the paper of another district than ``place``."""
    return home is not None and not _same_unit(home[:-1], place.name)


@lru_cache(maxsize=256)
def home_district(text: str) -> str | None:
    """The district or county (川汇区) a file is the paper of: the one that makes at least ``TUNING.home_share`` of
    the file's mentions of districts and counties (zones aside), named at least ``TUNING.home_mentions`` times. A
    district's paper names its own throughout and leaves it out where it says 区委 or 我区; a city's bulletin names
    many. None when no district is the file's."""
    flat = re.sub(r"\s+", "", text)
    names = {o.name + o.kind for o in places(flat) if _is_district(o)}
    counts = sorted(((flat.count(n), n) for n in names), reverse=True)
    total = sum(c for c, _ in counts)
    if not counts or counts[0][0] < TUNING.home_mentions or counts[0][0] < TUNING.home_share * total:
        return None
    return counts[0][1]


def _another_district(place: Place, opening: str) -> bool:
    """The article's ``opening`` names a district other than ``place`` and refers to no unnamed one of its own."""
    if OWN_DISTRICT.search(opening):
        return False
    return any(_is_district(o) and not _same_unit(o.name, place.name) for o in places(opening))


def missing_places(question: str, articles: list[str], opening: int = TUNING.place_opening,
                   home: Callable[[int], str | None] = lambda i: None) -> list[str]:
    """The places the question names (七一路街道, 淮阳区) that none of ``articles`` (metadata line and text) writes: the
    most specific ones anywhere (a larger one named beside a written smaller one need not be); a district or county
    only where an article's opening names another one (``_another_district``) or the article is in another one's
    paper (``home(i)``: article i's file's district, see ``home_district``). The answer is then a neighbouring
    place's fact. Nothing when the question names two places of one level (a comparison: each part has its own
    article). Swapping the place of a dev question's fact for another of the corpus (eval/mutate.py, 50 dev
    questions): 43 of 50 answered before this check."""
    asked = places(question)
    levels = [SCOPE_RANK[p.kind] for p in asked]
    if not asked or len(levels) != len(set(levels)):
        return []
    flat = [re.sub(r"\s+", "", a) for a in articles]
    written = [p for p in asked if any(n in f for n in _written_names(p) for f in flat)]
    if written:  # the most specific place written: those larger than it go unsaid
        finest = min(SCOPE_RANK[p.kind] for p in written)
        asked = tuple(p for p in asked if SCOPE_RANK[p.kind] <= finest)
    missing = []
    for p in asked:
        if p in written:
            continue
        if p.kind in COUNTY_KINDS and not any(_another_district(p, f[:opening]) or _other_home(p, home(i))
                                              for i, f in enumerate(flat)):
            continue  # the article is about no other district: it may be its own paper's
        missing.append(p.name + p.kind)
    return missing
