import re

import pytest

from rag.ingest import chunk_article, load_text, parse_document

from rag.text import CJK, split_sentences
from rag.ingest.clean import ends_paragraph, looks_like_subheading
from rag.types import Article

from ..conftest import SAMPLE_CORPUS, SAMPLES


def test_sentences_cover_text():
    text = "第一句。第二句！第三句？\n第四句；最后"
    spans = split_sentences(text)
    assert "".join(text[s:e] for s, e in spans) == text
    assert [text[s:e] for s, e in spans][:3] == ["第一句。", "第二句！", "第三句？"]


def test_chunks_respect_size_overlap_and_spans():
    text = "".join(f"这是第{i}个句子，内容是关于文明城市创建的工作安排。" for i in range(40))
    art = Article(source="a.txt", number=3, title="标题", section="【工作动态】", text=text)
    chunks = chunk_article(art, size=120, overlap=30)
    assert len(chunks) > 5
    for c in chunks:
        assert len(c.text) <= 120
        assert text[c.start:c.end] == c.text
        assert c.text.endswith("。")
        assert (c.title, c.section, c.article_no) == ("标题", "【工作动态】", 3)
    for a, b in zip(chunks, chunks[1:]):
        assert b.start < a.end  # overlap
        assert b.start > a.start  # progress


def test_ids_are_content_hashes():
    art = Article(source="a.txt", number=0, title=None, section=None, text="一句话。")
    assert chunk_article(art)[0].id == chunk_article(art)[0].id
    other = Article(source="b.txt", number=0, title=None, section=None, text="一句话。")
    assert chunk_article(art)[0].id != chunk_article(other)[0].id


def test_overlong_sentence_is_cut():
    art = Article(source="a.txt", number=0, title=None, section=None, text="长" * 700)
    chunks = chunk_article(art, size=300, overlap=0)
    assert [len(c.text) for c in chunks] == [300, 300, 100]


@pytest.mark.parametrize("name", SAMPLES)
def test_sample_chunks_are_clean(name):
    doc = parse_document(load_text(SAMPLE_CORPUS / name), name)
    for a in doc.articles:
        for c in chunk_article(a):
            assert "\ufffd" not in c.text
            assert not re.search(r"(.)\1(.)\2(.)\3(.)\4", c.text), c.text  # doubled-character caption
            # every line break ends a sentence/caption or follows a heading-like line
            lines = c.text.split("\n")
            for left, right in zip(lines, lines[1:]):
                ok = ends_paragraph(left) or looks_like_subheading(left) or len(left) <= 25
                assert ok, f"line break inside a sentence in {name}: {left[-15:]!r} | {right[:15]!r}"
                assert not (re.search(f"[{CJK}]$", left) and len(left) > 25)
