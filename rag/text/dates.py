"""Calendar dates written in Chinese text: "2023年6月17日", "6 月 17 日" (PDF extractions space them),
"六月十七日", "10月17日上午". Found with their offsets, so a caller can tell which sentence states which date."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_NUM = r"(?:\d{1,2}|[一二三四五六七八九十]{1,3})"
_DATE_RE = re.compile(rf"(?:((?:19|20)\d{{2}}|[〇零一二三四五六七八九]{{4}})\s*年\s*)?(?<![\d〇零一二三四五六七八九十])({_NUM})\s*月\s*({_NUM})\s*[日号]")
_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0}


def chinese_number(text: str) -> int | None:
    """``"17"`` → 17, ``"十七"`` → 17, ``"二十"`` → 20, ``"二〇二三"`` → 2023; None when it is not a number."""
    if text.isdigit():
        return int(text)
    if "十" not in text:
        if all(c in _DIGITS for c in text):
            return int("".join(str(_DIGITS[c]) for c in text))
        return None
    tens, _, ones = text.partition("十")
    if (tens and tens not in _DIGITS) or (ones and ones not in _DIGITS):
        return None
    return (_DIGITS[tens] if tens else 1) * 10 + (_DIGITS[ones] if ones else 0)


@dataclass(frozen=True)
class DateMention:
    """A month and day (and the year, when written) at ``[start, end)`` of a text."""

    start: int
    end: int
    month: int
    day: int
    year: int | None = None

    def on(self, year: int) -> dt.date | None:
        """The calendar date, in the written year or else ``year``; None for an impossible date (2月30日)."""
        try:
            return dt.date(self.year or year, self.month, self.day)
        except ValueError:
            return None


def find_dates(text: str) -> list[DateMention]:
    """Every month-day date in ``text``, in order (impossible months and days are left out)."""
    out = []
    for m in _DATE_RE.finditer(text):
        year = chinese_number(m.group(1)) if m.group(1) else None
        month, day = chinese_number(m.group(2)), chinese_number(m.group(3))
        if month and day and 1 <= month <= 12 and 1 <= day <= 31:
            out.append(DateMention(m.start(), m.end(), month, day, year))
    return out


def date_label(date: dt.date, with_year: bool = False) -> str:
    """``2023-06-16`` → ``"6月16日"`` (``"2023年6月16日"`` with the year)."""
    return (f"{date.year}年" if with_year else "") + f"{date.month}月{date.day}日"


def event_year(month: int, published: str | None, default: int) -> int:
    """The year of an event dated by month only, in a text published on ``published`` (ISO date): the
    publication's year, or the year before when the month is later than the publication's (a January issue
    reporting December)."""
    if not published or not re.match(r"\d{4}-\d{2}", published):
        return default
    year, pub_month = int(published[:4]), int(published[5:7])
    return year - 1 if month > pub_month + 1 else year


_RANGE_JOIN = re.compile(r"\s*(?:至|到|—|–|-|～|~)\s*")
_MAX_SPAN = 31  # days a range in a question may cover (longer ones are months, not days)


def days_named(text: str) -> frozenset[tuple[int, int]]:
    """The (month, day) pairs a text names: each date, and every day of a range "8月1日至8月6日"."""
    mentions = find_dates(text)
    days = {(m.month, m.day) for m in mentions}
    for a, b in zip(mentions, mentions[1:]):
        if not _RANGE_JOIN.fullmatch(text[a.end:b.start]):
            continue
        start, end = a.on(2024), b.on(2024)  # a leap year: every month-day exists
        if start and end and start < end and (end - start).days <= _MAX_SPAN:
            days |= {((start + dt.timedelta(days=i)).month, (start + dt.timedelta(days=i)).day)
                     for i in range((end - start).days + 1)}
    return frozenset(days)


def chinese_numerals(n: int) -> list[str]:
    """How a text may write the whole number ``n`` (1–9999) in Chinese numerals: 40 → 四十, 19 → 十九, 2 → 二/两."""
    if not 0 < n < 10000:
        return []
    out, rest, zero = "", n, False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d, rest = divmod(rest, value)
        if d:
            out += ("零" if zero and out else "") + ("" if (value == 10 and d == 1 and not out) else "零一二三四五六七八九"[d]) + unit
            zero = False
        elif out:
            zero = True
    return [out, "两"] if n == 2 else [out]
