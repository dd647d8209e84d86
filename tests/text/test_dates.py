"""Dates in Chinese text: offsets, spaced PDF extractions, Chinese numerals, ranges, the year of an event."""
import datetime as dt

import pytest

from rag.text.dates import chinese_number, date_label, days_named, event_year, find_dates


@pytest.mark.parametrize("text, expected", [
    ("6月17日下午，市创文办举办培训会", [(6, 17, None)]),
    ("10 月 17 日上午，王少青带队", [(10, 17, None)]),  # PDF extraction spaces the digits
    ("2023 年 6 月 20 日", [(6, 20, 2023)]),
    ("二〇二三年十月一日，", [(10, 1, 2023)]),
    ("十一月二十日至十一月二十二日", [(11, 20, None), (11, 22, None)]),
    ("8月8日上午和7月28日下午", [(8, 8, None), (7, 28, None)]),
    ("“6·14 信用记录关爱日”", []),  # not a written date
    ("第123月5日", []),  # digits glued to another number
    ("13月5日，2月0日", []),  # impossible month, day
    ("6月份以来，共开展活动", []),  # a month alone is no day
    ("5号楼的会议室", []),
    ("3月5号上午", [(3, 5, None)]),
])
def test_find_dates(text, expected):
    assert [(m.month, m.day, m.year) for m in find_dates(text)] == expected


def test_offsets_point_at_the_date():
    text = "本报讯 1 月 12 日，示范区各街道相继召开会议"
    m = find_dates(text)[0]
    assert text[m.start:m.end] == "1 月 12 日"


@pytest.mark.parametrize("text, number", [("17", 17), ("十七", 17), ("十", 10), ("二十", 20), ("三十一", 31),
                                          ("二〇二三", 2023), ("五", 5), ("十五十", None), ("甲", None)])
def test_chinese_number(text, number):
    assert chinese_number(text) == number


@pytest.mark.parametrize("text, days", [
    ("6月16日，市委宣传部举办了什么活动？", {(6, 16)}),
    ("8月1日至8月6日期间，我市召开了一个什么会？", {(8, d) for d in range(1, 7)}),
    ("1月30日至2月2日", {(1, 30), (1, 31), (2, 1), (2, 2)}),  # across a month's end
    ("2月28日至3月1日", {(2, 28), (2, 29), (3, 1)}),  # a leap day may be meant
    ("1月1日至12月31日", {(1, 1), (12, 31)}),  # a year is no list of days
    ("6月16日和6月18日", {(6, 16), (6, 18)}),  # two days, not a range
    ("全年共开展活动", set()),
])
def test_days_named(text, days):
    assert days_named(text) == days


@pytest.mark.parametrize("month, published, year", [
    (6, "2023-06-20", 2023),
    (6, "2023-07-05", 2023),  # a July issue reporting June
    (12, "2024-01-10", 2023),  # a January issue reporting December
    (1, "2024-01-10", 2024),
    (6, None, 2026),  # no publication date: the default
])
def test_event_year(month, published, year):
    assert event_year(month, published, 2026) == year


def test_date_label():
    assert date_label(dt.date(2023, 6, 16)) == "6月16日"
    assert date_label(dt.date(2023, 6, 16), with_year=True) == "2023年6月16日"
