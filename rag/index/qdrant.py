"""The Qdrant store (``RAG_STORE=qdrant``): a :class:`~rag.index.base.SearchBackend` over one Qdrant collection.

Layout of the collection (each rebuild fills a new one, ``<name>_000007``, then moves the alias ``<name>``
that readers search to it)::

    chunk points     id = Chunk.faiss_id; vectors "dense" (cosine) and "bm25" (sparse, modifier=IDF, see
                     ``sparse``); payload: the chunk's text and metadata, its jieba tokens and embed hash
    article points   no vectors; an article's full text (to merge neighbouring chunks into one passage)
    file points      no vectors; the row of the files table
    manifest point   no vectors; the :class:`Manifest` (model, chunking, files, failures), BM25 statistics and
                     a ``revision`` that every update writes anew (see :func:`published`)

Payload indexes: ``kind``, ``source``, ``issue``, ``section_key`` (keyword) and ``date`` (datetime).
``settings.qdrant_url`` empty: local mode, a folder ``<index_dir>/qdrant`` that one process at a time opens.
A server that cannot be reached or answers with an error is a one-line :class:`StoreUnavailable` naming its
URL (:class:`GuardedClient`), wherever the client is called. qdrant-client is imported only here and in
``qdrant_writer`` (``pip install .[qdrant]``).
"""
from __future__ import annotations

import atexit
import functools
import logging
import threading
import uuid
import warnings
from dataclasses import dataclass
from pathlib import Path

from ..embeddings import Embedder, make_embedder
from ..errors import IndexMissing, StoreUnavailable
from ..redact import public_url, redact
from ..settings import Settings
from ..text import tokenize
from ..types import Article, Chunk, Facets, Filters, Hit
from .manifest import Manifest
from .sparse import query_weights

log = logging.getLogger(__name__)
DENSE, SPARSE = "dense", "bm25"
_NS = uuid.UUID("6f0c3e52-1d7e-4a53-9a55-8c1a3b0e4f16")
MANIFEST_ID = str(uuid.uuid5(_NS, "manifest"))
_clients: dict[tuple[str, str], object] = {}
_clients_lock = threading.Lock()


def qdrant_models():
    """``qdrant_client.models``, or a one-line error naming the extra to install."""
    try:
        from qdrant_client import models
    except ImportError as exc:
        raise StoreUnavailable("RAG_STORE=qdrant needs the qdrant-client package: pip install .[qdrant]") from exc
    return models


def server_errors() -> tuple[type[Exception], ...]:
    """What the client raises when the server is down or answers with an error (HTTP status, refused, timeout)."""
    import httpx
    from qdrant_client.http.exceptions import ApiException

    return ApiException, httpx.HTTPError, ConnectionError, TimeoutError


def unavailable(where: str, exc: Exception) -> StoreUnavailable:
    """One line naming the server and what went wrong (a status, or why it could not be reached)."""
    status = getattr(exc, "status_code", None)
    first = str(exc).strip().splitlines()[0][:160] if str(exc).strip() else ""
    if status is not None:
        hint = "; check RAG_QDRANT_API_KEY" if status in (401, 403) else ""
        return StoreUnavailable(redact(f"Qdrant at {where} answered HTTP {status} "
                                       f"({getattr(exc, 'reason_phrase', '') or first}){hint}"))
    source = getattr(exc, "source", None) or exc  # ResponseHandlingException wraps the connection error
    detail = str(source).strip().splitlines()[0][:160] if str(source).strip() else ""
    return StoreUnavailable(redact(f"Qdrant at {where} cannot be reached ({type(source).__name__}"
                                   f"{': ' + detail if detail else ''}); check RAG_QDRANT_URL and the server"))


class _ClientCalls:
    """A Qdrant client whose method calls go through :meth:`_around`; other attributes pass through."""

    def __init__(self, client):
        self._client = client

    def _around(self, attr, args, kwargs):
        raise NotImplementedError

    def __getattr__(self, name: str):
        attr = getattr(self._client, name)
        if not callable(attr):
            return attr

        @functools.wraps(attr)
        def call(*args, **kwargs):
            return self._around(attr, args, kwargs)

        return call


class GuardedClient(_ClientCalls):
    """A Qdrant client whose calls raise :class:`StoreUnavailable` naming the server (never its key) when the
    server is down or answers with an error, instead of the client's own exceptions and tracebacks."""

    def __init__(self, client, where: str):
        super().__init__(client)
        self._where = where

    def _around(self, attr, args, kwargs):
        try:
            return attr(*args, **kwargs)
        except server_errors() as exc:
            raise unavailable(self._where, exc) from exc


class SerialClient(_ClientCalls):
    """A local-folder Qdrant client whose calls run one at a time. Local mode keeps each collection in numpy arrays
    that an upsert resizes; a search or count from a UI thread during the writer's upsert into the served
    collection read them half-resized ("IndexError: index 131 is out of bounds for axis 0 with size 131", seen in
    the replica test). A server client needs no lock: the server serialises its own writes."""

    def __init__(self, client):
        super().__init__(client)
        self._lock = threading.RLock()

    def _around(self, attr, args, kwargs):
        with self._lock:
            return attr(*args, **kwargs)


def _where(settings: Settings) -> tuple[str, str]:
    return ("url", settings.qdrant_url) if settings.qdrant_url else ("path", str(Path(settings.index_dir) / "qdrant"))


def client_for(settings: Settings):
    """One client per server or local folder per process (a local folder admits one client at a time)."""
    qdrant_models()
    from qdrant_client import QdrantClient

    where = _where(settings)
    with _clients_lock:
        client = _clients.get(where)
        if client is None:
            try:
                if settings.qdrant_url:
                    # the client's background version check: an unreachable server is reported by the first call
                    warnings.filterwarnings("ignore", message="Failed to obtain server version")
                    with warnings.catch_warnings(record=True) as caught:
                        warnings.simplefilter("always")
                        client = QdrantClient(url=settings.qdrant_url, api_key=settings.qdrant_api_key or None)
                    for w in caught:  # e.g. "Api key is used with an insecure connection": one log line
                        log.warning("Qdrant at %s: %s", location(settings), redact(str(w.message)))
                    client = GuardedClient(client, location(settings))
                else:
                    Path(where[1]).mkdir(parents=True, exist_ok=True)
                    client = SerialClient(QdrantClient(path=where[1]))
            except RuntimeError as exc:  # the local folder is held by another process
                raise StoreUnavailable(f"the local Qdrant store {where[1]} is open in another process ({exc}); local "
                                       "mode serves one process at a time: run a Qdrant server and set "
                                       "RAG_QDRANT_URL") from exc
            if not _clients:
                atexit.register(close_clients)
            _clients[where] = client
    return client


def close_clients(settings: Settings | None = None) -> None:
    """Close the client of ``settings`` (default: every client this process opened); a local folder is then
    free for another process."""
    with _clients_lock:
        for where in [_where(settings)] if settings else list(_clients):
            client = _clients.pop(where, None)
            try:
                if client is not None:
                    client.close()
            except Exception:  # closing at exit: nothing left to tell
                log.debug("closing a Qdrant client failed", exc_info=True)


def location(settings: Settings) -> str:
    """Where the store is, as messages show it: the server's URL without credentials, or the local folder."""
    return public_url(settings.qdrant_url) if settings.qdrant_url else str(Path(settings.index_dir) / "qdrant")


def served_collection(client, alias: str) -> str | None:
    """The collection the alias points at, or None before the first build."""
    for a in client.get_aliases().aliases:
        if a.alias_name == alias:
            return a.collection_name
    return None


def article_id(source: str, article_no: int) -> str:
    return str(uuid.uuid5(_NS, f"article\x00{source}\x00{article_no}"))


def file_id(key: str) -> str:
    return str(uuid.uuid5(_NS, f"file\x00{key}"))


def chunk_payload(c: Chunk, embed_hash: str, tokens: list[str]) -> dict:
    p = {"kind": "chunk", "id": c.id, "source": c.source, "article_no": c.article_no, "start": c.start,
         "end": c.end, "text": c.text, "title": c.title, "section": c.section, "bulletin": c.bulletin,
         "issue": c.issue or "", "section_key": (c.section or "").strip("【】"), "embed_hash": embed_hash,
         "tokens": " ".join(tokens), "doc_len": len(tokens) or 1}
    if c.date:
        p["date"] = c.date
    return p


def payload_chunk(p: dict) -> Chunk:
    return Chunk(source=p["source"], article_no=p["article_no"], text=p["text"], start=p["start"], end=p["end"],
                 title=p.get("title"), section=p.get("section"), bulletin=p.get("bulletin"),
                 issue=p.get("issue") or None, date=p.get("date"), id=p["id"])


def kind_is(kind: str):
    m = qdrant_models()
    return m.FieldCondition(key="kind", match=m.MatchValue(value=kind))


def to_filter(filters: Filters | None, kind: str | None = None, source: str | None = None):
    """A Qdrant filter that selects what :meth:`Filters.match` accepts (and only points of ``kind``)."""
    m = qdrant_models()
    must = [kind_is(kind)] if kind else []
    if source:
        must.append(m.FieldCondition(key="source", match=m.MatchValue(value=source)))
    if filters is not None:
        for key, values in (("source", filters.sources), ("issue", filters.issues),
                            ("section_key", [s.strip("【】") for s in filters.sections])):
            if values:
                must.append(m.FieldCondition(key=key, match=m.MatchAny(any=list(values))))
        if filters.date_from or filters.date_to:
            must.append(m.FieldCondition(key="date", range=m.DatetimeRange(gte=filters.date_from or None,
                                                                            lte=filters.date_to or None)))
    return m.Filter(must=must) if must else None


def scroll_all(client, collection: str, flt, with_vectors=False, batch: int = 512, with_payload=True):
    """Every point a filter selects, page by page (``with_payload``: True, or the payload keys to read)."""
    offset = None
    while True:
        points, offset = client.scroll(collection, scroll_filter=flt, limit=batch, offset=offset,
                                       with_payload=with_payload, with_vectors=with_vectors)
        yield from points
        if offset is None:
            return


def read_manifest(client, collection: str) -> tuple[Manifest, dict] | None:
    got = client.retrieve(collection, ids=[MANIFEST_ID], with_payload=True)
    if not got:
        return None
    p = got[0].payload
    return Manifest(**p["manifest"]), dict(p["bm25"])


def read_generation(client, alias: str) -> str | None:
    """``<collection>@<revision>`` of what the alias serves now, or None before the first build."""
    served = served_collection(client, alias)
    if served is None:
        return None
    got = client.retrieve(served, ids=[MANIFEST_ID], with_payload=["revision"])
    return f"{served}@{got[0].payload.get('revision', '') if got else ''}"


def published(settings: Settings) -> str | None:
    """The generation published now: the alias's collection and the revision of its last update."""
    client = client_for(settings)
    try:
        return read_generation(client, settings.qdrant_collection)
    except StoreUnavailable:  # the guarded client already named the URL
        raise
    except Exception as exc:  # connection refused, timeout: one line, not a traceback
        raise StoreUnavailable(f"Qdrant at {location(settings)} cannot be read ({type(exc).__name__})") from exc


@dataclass
class QdrantBackend:
    """Search and read one Qdrant collection through its alias (see the module docstring)."""

    client: object
    alias: str
    where: str
    manifest: Manifest
    embedder: Embedder
    generation: str = ""  # ``<collection>@<revision>`` when opened (searches see later updates at once)

    @classmethod
    def open(cls, settings: Settings, embedder: Embedder | None = None, check: bool = True) -> "QdrantBackend":
        client = client_for(settings)
        alias = settings.qdrant_collection
        try:
            generation = read_generation(client, alias)
            found = generation and read_manifest(client, alias)
        except StoreUnavailable:
            raise
        except Exception as exc:  # connection refused, timeout, unauthorised: one line, not a traceback
            raise StoreUnavailable(f"Qdrant at {location(settings)} cannot be read ({type(exc).__name__}: "
                                   f"{str(exc).splitlines()[0][:160] if str(exc) else ''})") from exc
        if not found:
            raise IndexMissing(f"No index in Qdrant collection {alias!r} at {location(settings)}; build it with "
                               "`rag index`.")
        manifest = found[0]
        embedder = embedder or make_embedder(settings)
        if check:
            manifest.check_compatible(embedder.model_id, embedder.known_dimension(), settings.chunk_size,
                                      settings.chunk_overlap)
        return cls(client, alias, location(settings), manifest, embedder, generation)

    def close(self) -> None:  # the client is shared by the process (see client_for)
        pass

    def _hits(self, points) -> list[Hit]:
        return [Hit(payload_chunk(p.payload), float(p.score), rank)
                for rank, p in enumerate((p for p in points if p.score > 0), 1)]

    def search_dense(self, query: str, k: int = 8, filters: Filters | None = None) -> list[Hit]:
        vec = self.embedder.embed_query(query)
        self.manifest.check_query(vec)
        res = self.client.query_points(self.alias, query=[float(x) for x in vec], using=DENSE, limit=k,
                                       query_filter=to_filter(filters), with_payload=True)
        return [Hit(payload_chunk(p.payload), float(p.score), rank) for rank, p in enumerate(res.points, 1)]

    def search_bm25(self, query: str, k: int = 8, filters: Filters | None = None) -> list[Hit]:
        w = query_weights(tokenize(query))
        if not w.indices:
            return []
        m = qdrant_models()
        res = self.client.query_points(self.alias, query=m.SparseVector(indices=w.indices, values=w.values),
                                       using=SPARSE, limit=k, query_filter=to_filter(filters), with_payload=True)
        return self._hits(res.points)

    def count(self, filters: Filters | None = None) -> int:
        return self.client.count(self.alias, count_filter=to_filter(filters, "chunk"), exact=True).count

    def chunks(self, source: str | None = None) -> list[Chunk]:
        out = [payload_chunk(p.payload) for p in scroll_all(self.client, self.alias, to_filter(None, "chunk", source))]
        return sorted(out, key=lambda c: (c.source, c.article_no, c.start))

    def article(self, source: str, article_no: int) -> Article | None:
        got = self.client.retrieve(self.alias, ids=[article_id(source, article_no)], with_payload=True)
        if not got:
            return None
        p = got[0].payload
        return Article(source=p["source"], number=p["article_no"], title=p.get("title"), section=p.get("section"),
                       text=p["text"], bulletin=p.get("bulletin"), issue=p.get("issue"), date=p.get("date"),
                       event_dates=list(p.get("event_dates") or []))

    def files(self) -> list[dict]:
        rows = [p.payload["row"] for p in scroll_all(self.client, self.alias, to_filter(None, "file"))]
        return sorted(rows, key=lambda r: r["key"])

    def facets(self) -> Facets:
        sections, issues = set(), set()
        for p in scroll_all(self.client, self.alias, to_filter(None, "article"), with_payload=["section", "issue"]):
            sections.add(p.payload.get("section") or "")
            issues.add(p.payload.get("issue") or "")
        return Facets(sections=sorted(sections - {""}), issues=sorted(issues - {""}))

    def counts(self) -> dict[str, int]:
        n = {kind: self.client.count(self.alias, count_filter=to_filter(None, kind), exact=True).count
             for kind in ("file", "article", "chunk")}
        return {"files": n["file"], "articles": n["article"], "chunks": n["chunk"]}

    def status(self) -> dict:
        m, counts = self.manifest, self.counts()
        served = served_collection(self.client, self.alias)
        return {"store": "qdrant", "index": f"{self.where} collection {self.alias} -> {served}",
                "generation": self.generation,
                "embedding_model": m.embedding_model, "dimension": m.dimension, "chunk_size": m.chunk_size,
                "chunk_overlap": m.chunk_overlap, "built_at": m.built_at, "package_version": m.package_version,
                **counts, "vectors": counts["chunks"], "keyword_docs": counts["chunks"], "documents": self.files(),
                "failed": {k: f.get("error", "") for k, f in m.failed.items()}}
