"""Hybrid retrieval: dense (e5 ``query:``) + BM25 (jieba) fused by reciprocal rank, filtered by metadata,
deduplicated, with neighbouring chunks of one article merged into one passage. Works on any
:class:`~rag.index.SearchBackend` (the folder index or Qdrant) through its methods only."""
from __future__ import annotations

import functools
import re
from dataclasses import replace

from ..index import SearchBackend
from ..text.dates import days_named
from ..types import Chunk, Hit
from .filters import MODES, Filters

RRF_K = 60  # reciprocal-rank-fusion constant, the value of the RRF paper (Cormack et al. 2009)
DAY_BOOST = 1.0  # a passage stating the day a question names, as much as a named issue


_BOOK_RE = re.compile(r"《[^》]{1,40}》")


@functools.lru_cache(maxsize=256)
def _query_cues(query: str) -> tuple[str | None, tuple[int, ...], str, frozenset[tuple[int, int]]]:
    """What a query names, read once per query (the boost runs for every pooled chunk): the issue number,
    the months, the query without its 《named publications》, and the calendar days (6月16日, 8月1日至8月6日)."""
    m = re.search(r"第\s*(\d+)\s*期", query)
    months = tuple(int(x) for x in re.findall(r"(?<!\d)(\d{1,2})\s*月", query))
    return (m.group(1) if m else None), months, _BOOK_RE.sub("", query), days_named(query)


# a section name is named as a section when it stands as a word of its own: after a boundary or a function
# character ("在工作动态栏目", "【工作动态】"), or followed by 栏目/专栏; inside a longer word ("征兵工作动态" is news of
# the draft, not the 【工作动态】 section) it is not
_SECTION_BEFORE = "的在于是从和与及、"
_SECTION_AFTER = re.compile(r"\s*(?:栏目|专栏|版块|板块|】)")


def names_section(query: str, section: str) -> bool:
    """The query names ``section`` as a section of a bulletin, not as part of a longer word."""
    if not section:
        return False
    for m in re.finditer(re.escape(section), query):
        before = query[m.start() - 1] if m.start() else ""
        if not before or not ("\u4e00" <= before <= "\u9fff") or before in _SECTION_BEFORE \
                or _SECTION_AFTER.match(query, m.end()):
            return True
    return False


def _metadata_boost(query: str, c: Chunk) -> float:
    """Questions that name an issue (第17期), a month (6月), a section, an article title or the publication
    (《商都高新区工作动态》) reach those articles. A section name counts only outside a named publication
    ("工作动态" in《商都高新区工作动态》is not the 【工作动态】 section of another bulletin). A question that names a
    day (6月16日, or the days of "8月1日至8月6日") reaches the passages that state that day (keyword search sees
    only the loose numbers "6" and "16", which every passage with a figure has)."""
    issue, months, outside_books, days = _query_cues(query)
    boost = 0.0
    if c.bulletin and len(c.bulletin) >= 4 and c.bulletin in query:
        boost += 1.0
        outside_books = outside_books.replace(c.bulletin, "")
    if issue and c.issue == issue:
        boost += 1.0
    if c.date:
        boost += 0.5 * sum(1 for month in months if int(c.date[5:7]) == month)
    if c.section and names_section(outside_books, c.section.strip("【】")):
        boost += 0.5
    if c.title and len(c.title) >= 6 and c.title in query:
        boost += 1.0
    if days and days & days_named(c.text):
        boost += DAY_BOOST
    return boost


class HybridRetriever:
    def __init__(self, index: SearchBackend, pool: int = 40):
        self.index = index
        self.pool = pool

    def _pool_size(self, k: int, total: int) -> int:
        return min(total, max(self.pool, 4 * k))

    def retrieve(self, query: str, k: int = 8, mode: str = "hybrid", filters: Filters | None = None,
                 merge: bool = True) -> list[Hit]:
        if mode not in MODES:
            raise ValueError(f"unknown retrieval mode {mode!r}; expected one of {', '.join(MODES)}")
        query = query.strip()
        if not query:
            return []
        # the backend searches only the chunks that match the filters, not the whole index
        filters = filters if filters and filters.active() else None
        total = self.index.count(filters)
        if not total:
            return []
        n = self._pool_size(k, total)
        dense = self.index.search_dense(query, n, filters) if mode in ("hybrid", "dense") else []
        sparse = self.index.search_bm25(query, n, filters) if mode in ("hybrid", "bm25") else []
        if filters:  # the store's answer, checked once more on the chunks themselves
            dense = [h for h in dense if filters.match(h.chunk)]
            sparse = [h for h in sparse if filters.match(h.chunk)]
        if mode == "dense":
            hits = dense
            for h in hits:
                h.dense = h.score
        elif mode == "bm25":
            hits = sparse
        else:
            hits = self._fuse(query, dense, sparse)
        hits = self._dedup(hits)
        if merge:
            hits = self._merge_neighbours(hits)
        hits = hits[:k]
        for r, h in enumerate(hits, 1):
            h.rank = r
        return hits

    @staticmethod
    def _fuse(query: str, dense: list[Hit], sparse: list[Hit]) -> list[Hit]:
        scores: dict[str, float] = {}
        chunks: dict[str, Chunk] = {}
        cosine = {h.chunk.id: h.score for h in dense}
        for hits in (dense, sparse):
            for rank, h in enumerate(hits, 1):
                scores[h.chunk.id] = scores.get(h.chunk.id, 0.0) + 1.0 / (RRF_K + rank)
                chunks[h.chunk.id] = h.chunk
        for cid, c in chunks.items():
            scores[cid] += _metadata_boost(query, c) / RRF_K
        order = sorted(scores, key=lambda cid: -scores[cid])
        return [Hit(chunks[cid], scores[cid], dense=cosine.get(cid)) for cid in order]

    @staticmethod
    def _dedup(hits: list[Hit]) -> list[Hit]:
        seen: set[str] = set()
        out = []
        for h in hits:
            key = re.sub(r"\s+", "", h.chunk.text)
            if key in seen:
                continue
            seen.add(key)
            out.append(h)
        return out

    def _merge_neighbours(self, hits: list[Hit]) -> list[Hit]:
        """Overlapping or adjacent chunks of the same article become one passage at the better rank."""
        out: list[Hit] = []
        for h in hits:
            c = h.chunk
            for i, o in enumerate(out):
                oc = o.chunk
                if (oc.source, oc.article_no) == (c.source, c.article_no) and c.start <= oc.end + 1 \
                        and oc.start <= c.end + 1 and max(oc.end, c.end) - min(oc.start, c.start) <= 900:
                    article = self.index.article(c.source, c.article_no)
                    start, end = min(oc.start, c.start), max(oc.end, c.end)
                    text = article.text[start:end] if article else oc.text
                    dense = max((d for d in (o.dense, h.dense) if d is not None), default=None)
                    out[i] = Hit(replace(oc, start=start, end=end, text=text, id=oc.id), max(o.score, h.score),
                                 dense=dense)
                    break
            else:
                out.append(h)
        return self._remove_overlaps(out)

    @staticmethod
    def _remove_overlaps(hits: list[Hit]) -> list[Hit]:
        """A passage that overlaps a better-ranked one of the same article keeps only what it adds."""
        kept: list[Hit] = []
        for h in hits:
            c = h.chunk
            for o in kept:
                oc = o.chunk
                if (oc.source, oc.article_no) != (c.source, c.article_no) or c.end <= oc.start or oc.end <= c.start:
                    continue
                if c.start >= oc.start and c.end > oc.end:
                    cut = oc.end - c.start
                    c = replace(c, start=oc.end, text=c.text[cut:])
                elif c.start < oc.start and c.end <= oc.end:
                    c = replace(c, end=oc.start, text=c.text[:oc.start - c.start])
                else:
                    c = replace(c, text="")
                    break
            stripped = c.text.lstrip()
            c = replace(c, start=c.start + len(c.text) - len(stripped), text=stripped.rstrip())
            c = replace(c, end=c.start + len(c.text))
            if len(c.text) >= 20:
                kept.append(Hit(c, h.score, h.rank, h.dense))
        return kept
