"""Named places in a text and the clause an answer drew on (rag/answer/subjects.py), table-driven."""
import pytest

from rag.answer.subjects import Place, other_place, places, source_clauses


@pytest.mark.parametrize("text, expected", [
    ("中心城区各区负责同志及川汇区新闻社区负责同志", [("川汇", "区"), ("新闻", "社区")]),  # 城区/各区 name nothing
    ("深入许湾街道尚楼行政村", [("许湾", "街道"), ("尚楼", "行政村")]),
    ("淮阳区道德文明使者代表", [("淮阳", "区")]),
    ("截至目前，该区已累计开展各类活动32000余场次", []),  # 该区 is a pointer, not a name
    ("“创文”示范片区打造情况", []),  # a common noun before a one-character kind word
    ("走进纺城社区开展活动", [("纺城", "社区")]),
    ("示范区社区服务中心组织入户大走访", [("示范", "区")]),  # 社区 qualifies an organisation here
    ("七一路街道办事处选聘网格员", [("七一路街道", "办事处")]),  # one word in the user dictionary
])
def test_places(text, expected):
    assert [(p.name, p.kind) for p in places(text)] == expected


@pytest.mark.parametrize("answer, question, passage, clauses", [
    ("文昌街道57名", "文昌街道确定了多少名议事代表？", "其中许湾街道58名、文昌街道57名", ["文昌街道57名"]),
    ("尚楼行政村", "去的是哪个行政村？", "深入许湾街道尚楼行政村、华耀城街道郭庄行政村", ["深入许湾街道尚楼行政村"]),
    ("开展了活动", "开展了什么活动？", "开展了活动。", []),  # nothing new in the answer: no source clause
])
def test_source_clauses(answer, question, passage, clauses):
    assert source_clauses(answer, question, passage) == clauses


def test_other_place_needs_a_rival_of_the_same_kind():
    visit = "深入许湾街道尚楼行政村、华耀城街道郭庄行政村"
    assert other_place("文昌街道尚楼行政村", "去的是文昌街道的哪个行政村？", [visit]) == (Place("文昌", "街道"), Place("许湾", "街道"))
    assert other_place("淮阳区尚楼行政村", "去的是淮阳区的哪个行政村？", [visit]) is None  # no other 区 in the clause
    assert other_place("尚楼行政村", "去的是哪个行政村？", [visit]) is None  # no place asked
