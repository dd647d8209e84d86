"""Small typed data objects that flow through the pipeline: documents, articles, chunks (content-hash ids),
search filters and hits, and the answer with its citations."""
from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from enum import Enum


def sha256_hex(*parts: str) -> str:
    h = hashlib.sha256()
    for p in parts:
        h.update(p.encode("utf-8"))
        h.update(b"\x00")
    return h.hexdigest()


def iso_date_label(date: str | None) -> str | None:
    """How a publication date is shown: ``2023-06-20`` → ``2023年6月20日`` (anything else as it is)."""
    parts = (date or "").split("-")
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        return date or None
    return f"{int(parts[0])}年{int(parts[1])}月{int(parts[2])}日"


def issue_label(issue: str | None) -> str | None:
    """How an issue is shown: ``5`` → ``第5期``; a 公文 number (``商文明委〔2024〕6号``) as it is."""
    if not issue:
        return None
    return f"第{issue}期" if issue.isdigit() else issue


@dataclass
class DocMeta:
    """Metadata of one source document (one file)."""

    source: str
    kind: str  # "bulletin", "newspaper" or "plain"
    bulletin: str | None = None
    issue: str | None = None
    date: str | None = None  # ISO yyyy-mm-dd
    publisher: str | None = None
    distribution: str | None = None  # a bulletin's 报/送/发 block: metadata, never article text


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
        bits = [self.bulletin, issue_label(self.issue), self.date_label(),
                self.section, self.title]
        return " ".join(b for b in bits if b)

    def date_label(self) -> str | None:
        return iso_date_label(self.date)

    def embed_text(self) -> str:
        head = self.header()
        return f"{head}\n{self.text}" if head else self.text

    def to_dict(self) -> dict:
        d = asdict(self)
        d["id"] = self.id
        return d


@dataclass
class Filters:
    """Metadata filters of a search; every field that is set must match. Search backends translate them into
    their own query language (SQLite ``WHERE``, a Qdrant filter); :meth:`match` is the reference."""

    date_from: str | None = None  # yyyy-mm-dd, inclusive
    date_to: str | None = None
    sources: list[str] = field(default_factory=list)
    issues: list[str] = field(default_factory=list)
    sections: list[str] = field(default_factory=list)  # compared without 【】

    def active(self) -> bool:
        return bool(self.date_from or self.date_to or self.sources or self.issues or self.sections)

    def key(self) -> tuple:
        """A hashable form (to cache what a filter selects)."""
        return (self.date_from, self.date_to, tuple(self.sources), tuple(self.issues),
                tuple(s.strip("【】") for s in self.sections))

    def match(self, c: Chunk) -> bool:
        if self.sources and c.source not in self.sources:
            return False
        if self.issues and (c.issue or "") not in self.issues:
            return False
        if self.sections and (c.section or "").strip("【】") not in [s.strip("【】") for s in self.sections]:
            return False
        if self.date_from and (not c.date or c.date < self.date_from):
            return False
        if self.date_to and (not c.date or c.date > self.date_to):
            return False
        return True


@dataclass(frozen=True)
class Facets:
    """The values the metadata filters can choose among: the sections and issues of the indexed articles
    (distinct, sorted, empty ones left out; sections as written, with their 【】)."""

    sections: list[str] = field(default_factory=list)
    issues: list[str] = field(default_factory=list)


@dataclass
class Hit:
    """A chunk returned by a search, with its score and rank."""

    chunk: Chunk
    score: float
    rank: int = 0
    dense: float | None = None  # cosine to the query, when the dense side scored this chunk


@dataclass
class Citation:
    """A passage as shown to the user (or to the model): ``[n]`` and where it comes from."""

    n: int
    source: str
    bulletin: str | None
    issue: str | None
    date: str | None
    section: str | None
    title: str | None
    text: str
    start: int
    end: int
    score: float
    article_no: int = 0  # which article of the source (to show the cited span in context)

    @classmethod
    def from_hit(cls, n: int, hit: Hit) -> "Citation":
        c = hit.chunk
        return cls(n, c.source, c.bulletin, c.issue, c.date, c.section, c.title, c.text, c.start, c.end,
                   round(float(hit.score), 4), c.article_no)


@dataclass(frozen=True)
class TokenChoice:
    """One candidate for a token the model generates: its vocabulary id, its text and its probability."""

    id: int
    token: str
    p: float


class Outcome(str, Enum):
    """How an answer came about: what the UI and CLI tell the user, decided where it happens (never read back
    from the wording of a message)."""

    MODEL = "model"  # the model's answer, its citations checked
    MODEL_RETRY = "model_retry"  # the model asked again: with one passage alone (it refused, or cited another
    #                              unit's), or with its refusal's first word banned (it refused, but barely)
    REPAIRED = "repaired"  # the model's answer with its figure or citation corrected from the passages
    EXTRACTED = "extracted"  # evidence quoted from the passages instead of a model answer
    METADATA = "metadata"  # answered from the passages' publication metadata or the article's byline
    TIMELINE = "timeline"  # two events put in order by the dates their passages state
    REFUSED = "refused"  # the documents do not hold the answer
    BACKEND_DOWN = "backend_down"  # the model could not be reached: evidence quoted, or refused


@dataclass
class Answer:
    """The final answer to one question."""

    question: str
    answer: str
    refused: bool
    citations: list[Citation] = field(default_factory=list)
    timings: dict = field(default_factory=dict)  # ms since the question came: retrieve_ms (with the context chosen),
    # first_token_ms, answered_ms (the model's first answer complete; checks and retries follow), total_ms
    standalone_question: str | None = None
    backend: str = ""
    fallback: str | None = None  # why the extractive answer replaced the model's, if it did
    prompt_tokens: int | None = None
    passages: list[Citation] = field(default_factory=list)  # everything shown to the model
    outcome: Outcome = Outcome.MODEL
    closest: list[Citation] = field(default_factory=list)  # a refusal's nearest passages (not evidence)

    def to_dict(self, full: bool = False) -> dict:
        d = {"question": self.question, "answer": self.answer, "refused": self.refused,
             "outcome": self.outcome.value, "citations": [asdict(c) for c in self.citations],
             "timings": self.timings}
        if self.closest:
            d["closest"] = [asdict(c) for c in self.closest]
        if full:
            d.update(standalone_question=self.standalone_question, backend=self.backend, fallback=self.fallback,
                     prompt_tokens=self.prompt_tokens, passages=[asdict(c) for c in self.passages])
        return d
