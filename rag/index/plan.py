"""What an index update has to do, whatever the store: scan the given files and folders, compare them with
what the store holds (by content hash), and read and chunk the new or changed ones. A file that cannot
be read is reported and keeps its indexed version; a file with another file's content is a duplicate."""
from __future__ import annotations

import hashlib
import logging
import os
import re
import signal
import time
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from ..errors import LoadError
from ..ingest import SUPPORTED, ParsedDocument, chunk_articles, read_document
from ..settings import Settings
from ..types import Chunk

log = logging.getLogger(__name__)


@dataclass
class Summary:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    failed: list[dict] = field(default_factory=list)
    duplicates: list[dict] = field(default_factory=list)
    unsupported: list[dict] = field(default_factory=list)  # {"file", "error"}: a type no loader reads
    hidden: list[str] = field(default_factory=list)  # hidden files and folders under a scanned folder (not read)
    unchanged_files: list[str] = field(default_factory=list)
    chunks_embedded: int = 0
    chunks_total: int = 0
    seconds: float = 0.0
    phases: dict[str, float] = field(default_factory=dict)  # seconds per step (not in to_dict)

    def to_dict(self) -> dict:
        return {"added": self.added, "changed": self.changed, "removed": self.removed, "unchanged": self.unchanged,
                "failed": self.failed, "duplicates": self.duplicates, "unsupported": self.unsupported,
                "hidden": self.hidden, "unchanged_files": self.unchanged_files,
                "chunks_embedded": self.chunks_embedded, "chunks_total": self.chunks_total,
                "seconds": round(self.seconds, 2)}


class _Clock:
    """Adds the seconds since the previous mark to ``phases[name]`` (where an update spends its time)."""

    def __init__(self, phases: dict[str, float]):
        self.phases, self.t = phases, time.perf_counter()

    def __call__(self, name: str) -> None:
        now = time.perf_counter()
        self.phases[name] = round(self.phases.get(name, 0.0) + now - self.t, 3)
        self.t = now


@dataclass
class _Found:
    key: str
    path: Path
    sha256: str
    size: int


def file_key(path: Path, corpus_dir: Path) -> str:
    """How a file is named in the index: relative to the corpus folder when inside it, else absolute."""
    path = path.resolve()
    try:
        return path.relative_to(Path(corpus_dir).resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def _sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


# a document whose whole text is one line this short without a sentence end is only a title or heading
# (a list or a table has several lines and is indexed)
MIN_BODY_CHARS = 30
FAILPOINTS = ("store-copied", "embedded", "keyword-saved", "vectors-saved", "manifest-saved", "renamed",
              "published")


def failpoint(name: str) -> None:
    """Crash tests: ``RAG_FAILPOINT=<name>`` kills the process (SIGKILL, no cleanup) at that step."""
    if os.environ.get("RAG_FAILPOINT") == name:
        log.warning("failpoint %s: killing the process", name)
        os.kill(os.getpid(), signal.SIGKILL)


def scan(paths: list[Path], corpus_dir: Path, summary: Summary, max_bytes: float = float("inf"),
         unreadable: set[str] | None = None) -> tuple[list[_Found], list[Path]]:
    """Supported files under ``paths`` (hidden files skipped), and the roots that were scanned. Files
    that cannot be read or are too large are reported in ``summary`` and their keys added to
    ``unreadable`` (an indexed version of them is kept, not removed)."""
    unreadable = set() if unreadable is None else unreadable
    found: list[_Found] = []
    roots: list[Path] = []
    for root in paths:
        root = Path(root)
        if not root.exists():
            summary.failed.append({"file": str(root), "error": f"{root}: no such file or folder"})
            continue
        roots.append(root.resolve())
        if root.is_file():
            candidates = [root]
        else:
            candidates = []
            for p in sorted(root.rglob("*")):
                parts = p.relative_to(root).parts
                hidden_at = next((i for i, part in enumerate(parts) if part.startswith(".")), None)
                if hidden_at is not None:  # reported once, at the hidden file or folder itself
                    if hidden_at == len(parts) - 1:
                        summary.hidden.append(file_key(p, corpus_dir) + ("/" if p.is_dir() else ""))
                    continue
                if not p.is_file():
                    continue
                if p.suffix.lower() not in SUPPORTED:
                    summary.unsupported.append({"file": file_key(p, corpus_dir), "error": (
                        f"{p.name}: {p.suffix.lower() or 'a file without an extension'} is not a supported type "
                        f"(supported: {', '.join(sorted(SUPPORTED))}); not indexed")})
                    continue
                candidates.append(p)
        for p in candidates:
            key = file_key(p, corpus_dir)
            try:
                size = p.stat().st_size
                if size > max_bytes:
                    # checked before reading: a huge export would otherwise take hours to embed
                    summary.failed.append({"file": key, "error": f"{p.name}: is {size / 2**20:.0f} MB, over the "
                                           f"{max_bytes / 2**20:g} MB limit for one document (RAG_MAX_FILE_MB)"})
                    unreadable.add(key)
                    continue
                found.append(_Found(key, p.resolve(), _sha256_file(p), size))
            except OSError as exc:
                summary.failed.append({"file": key, "error": f"{p.name}: cannot be read ({exc.strerror})"})
                unreadable.add(key)
    return found, roots


def _under(key_path: Path, roots: list[Path]) -> bool:
    return any(key_path == r or r in key_path.parents for r in roots)


@dataclass
class Previous:
    """What the served index holds: file key → sha256, files that failed (not parsed again unchanged), and
    where each indexed file was read from (to know which scanned folder it belongs to)."""

    files: dict[str, str] = field(default_factory=dict)
    failed: dict[str, dict] = field(default_factory=dict)
    paths: dict[str, Path] = field(default_factory=dict)


@dataclass
class Parsed:
    """A new or changed file, read and chunked."""

    found: _Found
    doc: ParsedDocument
    chunks: list[Chunk]

    def row(self, indexed_at: str) -> dict:
        """The file's row in the files table (``title``: its first titled article; the folder index derives it
        from the articles table instead, see ``ChunkStore.files``)."""
        f, doc = self.found, self.doc
        return {"key": f.key, "path": str(f.path), "sha256": f.sha256, "size": f.size, "indexed_at": indexed_at,
                "kind": doc.meta.kind, "bulletin": doc.meta.bulletin, "issue": doc.meta.issue,
                "date": doc.meta.date, "publisher": doc.meta.publisher, "n_articles": len(doc.articles),
                "n_chunks": len(self.chunks), "title": next((a.title for a in doc.articles if a.title), None)}


@dataclass
class Plan:
    """The files to (re)index, the keys that leave the index, and every file that failed now."""

    parsed: list[Parsed]
    removed: list[str]
    failed: dict[str, dict]

    def replaced(self, previous: Previous) -> list[str]:
        """Keys whose indexed chunks leave: changed files (their new chunks come in) and removed files."""
        return [p.found.key for p in self.parsed if p.found.key in previous.files] + self.removed


def plan_update(settings: Settings, paths: list[Path], previous: Previous, summary: Summary, clock: _Clock,
                quiet: bool | None = None) -> Plan:
    """Scan ``paths``, classify each file against ``previous`` and read the new or changed ones."""
    old_files, old_failed, old_paths = previous.files, previous.failed, previous.paths
    failed_now: dict[str, dict] = {}
    unreadable: set[str] = set()
    found, roots = scan(paths, settings.corpus_dir, summary, settings.max_file_mb * 2**20, unreadable)
    # classify; a file whose content equals another indexed file is reported, not indexed twice
    present = {f.key for f in found} | unreadable
    alive = [k for k in old_files if k in present or not _under(old_paths.get(k, Path(k)), roots)]
    seen_hash: dict[str, str] = {old_files[k]: k for k in alive}
    todo: list[_Found] = []
    dup_keys: set[str] = set()
    for f in found:
        if old_files.get(f.key) == f.sha256:
            summary.unchanged += 1
            summary.unchanged_files.append(f.key)
            continue
        known = old_failed.get(f.key)
        if known and known.get("sha256") == f.sha256:
            failed_now[f.key] = known
            summary.failed.append({"file": f.key, "error": f"{known['error']} (unchanged since it failed: not "
                                   "read again; replace the file or remove it)"})
            continue
        twin = seen_hash.get(f.sha256)
        if twin and twin != f.key:
            summary.duplicates.append({"file": f.key, "duplicate_of": twin})
            dup_keys.add(f.key)
            continue
        seen_hash[f.sha256] = f.key
        todo.append(f)
    removed = [k for k in old_files
               if (k not in present and _under(old_paths.get(k, Path(k)), roots)) or k in dup_keys]

    clock("scan")
    # parse and chunk new/changed files; a file that fails keeps its previous version indexed
    parsed = []
    for f in tqdm(todo, desc="files", unit="file", disable=quiet):
        try:
            doc = read_document(f.path, f.key)
            if not doc.articles:
                raise LoadError(f.path, "contains no text after cleaning")
            body = "\n".join(a.text for a in doc.articles).strip()
            if len(body) < MIN_BODY_CHARS and "\n" not in body and not re.search(r"[。！？!?；;]", body):
                raise LoadError(f.path, f"has only a title or heading ({body[:30]!r}), no sentences to answer from")
            chunks = chunk_articles(doc.articles, settings.chunk_size, settings.chunk_overlap)
        except Exception as exc:  # a parser of a third-party format can raise anything; one file must never
            # fail the update of the others (KeyboardInterrupt and SystemExit still stop it)
            if isinstance(exc, LoadError):
                msg = str(exc)
            elif isinstance(exc, OSError):
                msg = f"{f.path.name}: cannot be read ({exc.strerror or exc})"
            else:
                log.debug("parsing %s failed", f.path, exc_info=True)
                detail = (str(exc).strip().splitlines() or [""])[0][:160]
                msg = f"{f.path.name}: could not be read ({type(exc).__name__}: {detail})"
            summary.failed.append({"file": f.key, "error": msg})
            failed_now[f.key] = {"sha256": f.sha256, "error": msg}
            log.warning("%s", msg)
            continue
        parsed.append((f, doc, chunks))
    # a copy of a file that failed has failed too (an empty .ofd is no "duplicate" of an empty .html); a
    # copy that was indexed before keeps that version, as any file that turns bad does
    shas = {f.key: f.sha256 for f in found}
    for dup in [d for d in summary.duplicates if d["duplicate_of"] in failed_now
                and failed_now[d["duplicate_of"]]["sha256"] == shas[d["file"]]]:
        summary.duplicates.remove(dup)
        reason = failed_now[dup["duplicate_of"]]["error"].split(": ", 1)[-1]
        msg = f"{Path(dup['file']).name}: {reason} (the same content as {dup['duplicate_of']})"
        summary.failed.append({"file": dup["file"], "error": msg})
        failed_now[dup["file"]] = {"sha256": shas[dup["file"]], "error": msg}
        if dup["file"] in removed and dup["file"] in present:
            removed.remove(dup["file"])
    clock("parse")
    return Plan([Parsed(f, doc, chunks) for f, doc, chunks in parsed], removed, failed_now)
