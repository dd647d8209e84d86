"""Property test of the chunker over random Chinese texts (seeded): chunks are exact spans of the article,
never longer than the chunk size, together cover every non-space character, and no chunk repeats or is
contained in another — two equal chunks once aborted a whole `rag index` (UNIQUE constraint failed:
chunks.faiss_id)."""
from __future__ import annotations

import random

import pytest

from rag.ingest import chunk_article, parse_document
from rag.types import Article

CHARS = "示范区街道社区议事代表会议群众服务志愿文明创建工作开展活动组织学校开放日安排报名参加考生家长"


def _sentence(rng: random.Random) -> str:
    kind = rng.random()
    n = rng.choice([2, 5, 12, 30, 80]) if kind < 0.85 else rng.randint(300, 700)  # some longer than a chunk
    body = "".join(rng.choice(CHARS) for _ in range(n))
    if n > 100 and rng.random() < 0.7:  # a long list of items joined by commas, no full stop
        body = "，".join(body[i:i + 40] for i in range(0, len(body), 40))
    return body + rng.choice(["。", "；", "！", "？", "：", "", "”。"])


def _text(rng: random.Random) -> str:
    parts = []
    for _ in range(rng.randint(1, 25)):
        parts.append(_sentence(rng))
        if rng.random() < 0.3:
            parts.append(rng.choice(["\n", "\n\n", " \n", "\n  "]))
    return "".join(parts)


@pytest.mark.parametrize("seed", range(400))
def test_chunks_are_distinct_exact_bounded_and_cover_the_article(seed):
    rng = random.Random(seed)
    size = rng.choice([50, 80, 120, 300])
    overlap = rng.choice([0, 10, size // 2 - 1])
    article = Article(source="x.txt", number=0, title="标题", section=None, text=_text(rng))
    chunks = chunk_article(article, size, overlap)
    assert len({c.id for c in chunks}) == len(chunks)
    assert len({c.faiss_id for c in chunks}) == len(chunks)
    covered = set()
    for c in chunks:
        assert c.text == article.text[c.start:c.end] and c.text.strip() == c.text and c.text
        assert len(c.text) <= size
        covered.update(range(c.start, c.end))
    assert {i for i, ch in enumerate(article.text) if not ch.isspace()} <= covered
    spans = [(c.start, c.end) for c in chunks]
    assert not [a for a in spans for b in spans if a != b and b[0] <= a[0] and a[1] <= b[1]]


def test_the_reported_document_gives_distinct_chunks():
    """The issue's recipe: a heading, a normal sentence, then one ~450-character sentence of comma-joined items."""
    items = "，".join(f"第{i}学系在实验楼举行参观、讲座、交流座谈以及校园导览等系列活动，欢迎考生家长报名" for i in range(11))
    text = f"开放日活动安排\n学校将于春季举办开放日。\n开放日活动将分学系进行，于4月份举办。具体安排如下：{items}\n"
    doc = parse_document(text, "open-day.txt")
    for article in doc.articles:
        chunks = chunk_article(article, 300, 60)
        assert len({c.id for c in chunks}) == len(chunks)
