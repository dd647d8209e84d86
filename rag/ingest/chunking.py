"""Sentence-aware chunking of articles: chunks never cross an article and know their character span."""
from __future__ import annotations

from ..text import split_sentences
from ..types import Article, Chunk


def _hard_split(start: int, end: int, size: int) -> list[tuple[int, int]]:
    """A single sentence longer than the chunk size is cut at commas, else at ``size`` characters."""
    return [(s, min(s + size, end)) for s in range(start, end, size)]


def chunk_article(article: Article, size: int = 300, overlap: int = 60) -> list[Chunk]:
    """Pack whole sentences into chunks of at most ``size`` characters; each new chunk repeats the
    last sentences of the previous one up to ``overlap`` characters and always reaches further than it (a
    chunk contained in the previous one is never emitted, so no two chunks are the same)."""
    text = article.text
    sentences: list[tuple[int, int]] = []
    for s, e in split_sentences(text):
        sentences.extend(_hard_split(s, e, size) if e - s > size else [(s, e)])
    chunks: list[Chunk] = []
    emitted_to = -1  # end of the last chunk: a window that ends no later adds nothing (and could repeat it)
    i = 0
    while i < len(sentences):
        start = sentences[i][0]
        j = i
        while j + 1 < len(sentences) and sentences[j + 1][1] - start <= size:
            j += 1
        end = sentences[j][1]
        span = text[start:end]
        lead = len(span) - len(span.lstrip())
        trail = len(span) - len(span.rstrip())
        if span.strip() and end - trail > emitted_to:
            emitted_to = end - trail
            chunks.append(Chunk(source=article.source, article_no=article.number, text=span.strip(),
                                start=start + lead, end=end - trail, title=article.title,
                                section=article.section, bulletin=article.bulletin, issue=article.issue,
                                date=article.date))
        if j + 1 >= len(sentences):
            break
        # step back over trailing sentences for the overlap, but always make progress
        k = j
        while k > i and sentences[j][1] - sentences[k][0] <= overlap:
            k -= 1
        i = max(k + 1, i + 1)
    return chunks


def chunk_articles(articles: list[Article], size: int = 300, overlap: int = 60) -> list[Chunk]:
    out: list[Chunk] = []
    for a in articles:
        out.extend(chunk_article(a, size, overlap))
    return out
