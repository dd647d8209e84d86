"""Small typed data objects that flow through the pipeline: articles, chunks and search hits."""
from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field


def sha256_hex(*parts: str) -> str:
    h = hashlib.sha256()
    for p in parts:
        h.update(p.encode("utf-8"))
        h.update(b"\x00")
    return h.hexdigest()


@dataclass
class DocMeta:
    """Metadata of one source document (one file)."""

    source: str
    kind: str  # "bulletin", "newspaper" or "plain"
    bulletin: str | None = None
    issue: str | None = None
    date: str | None = None  # ISO yyyy-mm-dd
    publisher: str | None = None


@dataclass
class Article:
    """One article of a document, with its cleaned text (paragraphs separated by newlines)."""

    source: str
    number: int  # position in the document, 0-based
    title: str | None
    section: str | None
    text: str
    bulletin: str | None = None
    issue: str | None = None
    date: str | None = None
    event_dates: list[str] = field(default_factory=list)


@dataclass
class Chunk:
    """A retrievable passage: a span [start, end) of one article's text plus that article's metadata."""

    source: str
    article_no: int
    text: str
    start: int
    end: int
    title: str | None = None
    section: str | None = None
    bulletin: str | None = None
    issue: str | None = None
    date: str | None = None
    id: str = ""

    def __post_init__(self) -> None:
        if not self.id:
            self.id = sha256_hex(self.source, str(self.article_no), self.title or "", self.section or "",
                                 str(self.start), self.text)

    @property
    def faiss_id(self) -> int:
        """A stable positive int64 derived from the content hash (60 bits), used as the FAISS id."""
        return int(self.id[:15], 16)

    def header(self) -> str:
        """The metadata line that is embedded and keyword-indexed together with the text."""
        bits = [self.bulletin, f"第{self.issue}期" if self.issue else None, self.date_label(),
                self.section, self.title]
        return " ".join(b for b in bits if b)

    def date_label(self) -> str | None:
        if not self.date:
            return None
        y, m, d = self.date.split("-")
        return f"{int(y)}年{int(m)}月{int(d)}日"

    def embed_text(self) -> str:
        head = self.header()
        return f"{head}\n{self.text}" if head else self.text

    def to_dict(self) -> dict:
        d = asdict(self)
        d["id"] = self.id
        return d


@dataclass
class Hit:
    """A chunk returned by a search, with its score and rank."""

    chunk: Chunk
    score: float
    rank: int = 0
    dense: float | None = None  # cosine to the query, when the dense side scored this chunk
