"""The index manifest and the generation folders that make updates atomic.

Layout of the index folder::

    index/CURRENT            name of the generation being served (replaced atomically)
    index/gen-000007/        manifest.json, chunks.sqlite, vectors.faiss, keyword/
    index/.lock              held by the one `rag index` allowed at a time

An update writes a new generation into a hidden temporary folder, renames it into place and then
replaces CURRENT; a crash at any moment leaves CURRENT naming a complete generation.
"""
from __future__ import annotations

import json
import os
import re
import shutil
from dataclasses import asdict, dataclass, field
from pathlib import Path

FORMAT_VERSION = 2  # 2: BM25 as term-frequency postings (keyword/vocab.json); written by this version
READABLE_FORMATS = (1, 2)  # 1: BM25 saved by bm25s; read as it is, converted by the next update
PIPELINE_VERSION = 1  # bump when cleaning/structure/chunking changes what chunks look like
CURRENT = "CURRENT"
_GEN_RE = re.compile(r"^gen-(\d{6})$")


class IndexError_(RuntimeError):
    """Base class for index problems shown to the user."""


class IndexMismatch(IndexError_):
    """The index was built with another model, chunking or format."""


class IndexMissing(IndexError_):
    """No index has been built yet."""


@dataclass
class Manifest:
    embedding_model: str
    dimension: int
    chunk_size: int
    chunk_overlap: int
    pipeline_version: int = PIPELINE_VERSION
    format_version: int = FORMAT_VERSION
    package_version: str = ""
    built_at: str = ""
    files: dict[str, str] = field(default_factory=dict)  # key -> sha256
    counts: dict[str, int] = field(default_factory=dict)

    def save(self, folder: Path) -> None:
        _write_atomic(folder / "manifest.json", json.dumps(asdict(self), ensure_ascii=False, indent=2))

    @classmethod
    def load(cls, folder: Path) -> "Manifest":
        path = folder / "manifest.json"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(**data)
        except (OSError, ValueError, TypeError) as exc:
            raise IndexMismatch(f"{path}: unreadable index manifest ({exc}); run `rag index --rebuild`") from exc

    def check_compatible(self, model_id: str, dimension: int, chunk_size: int, chunk_overlap: int) -> None:
        problems = []
        if self.format_version not in READABLE_FORMATS:
            problems.append(f"index format {self.format_version}, this version reads "
                            f"{', '.join(map(str, READABLE_FORMATS))}")
        if self.embedding_model != model_id or self.dimension != dimension:
            problems.append(f"built with embedding model {self.embedding_model} ({self.dimension}-d), "
                            f"configured model is {model_id} ({dimension}-d)")
        if (self.chunk_size, self.chunk_overlap) != (chunk_size, chunk_overlap):
            problems.append(f"built with chunk size/overlap {self.chunk_size}/{self.chunk_overlap}, "
                            f"configured {chunk_size}/{chunk_overlap}")
        if self.pipeline_version != PIPELINE_VERSION:
            problems.append(f"built by text pipeline v{self.pipeline_version}, this version is v{PIPELINE_VERSION}")
        if problems:
            raise IndexMismatch("The index does not match the current settings: " + "; ".join(problems)
                                + ". Run `rag index --rebuild` to rebuild it.")


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(str(path), os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def current_generation(index_dir: Path) -> Path | None:
    """The folder of the generation being served, or None when nothing was built yet."""
    try:
        name = (Path(index_dir) / CURRENT).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    folder = Path(index_dir) / name
    if not _GEN_RE.match(name) or not (folder / "manifest.json").is_file():
        raise IndexMismatch(f"{index_dir}/CURRENT names {name!r}, which is not a complete index; "
                            "run `rag index --rebuild`")
    return folder


def new_generation_dir(index_dir: Path) -> tuple[Path, Path]:
    """(temporary folder to build in, final folder name) for the next generation."""
    index_dir = Path(index_dir)
    numbers = [int(m.group(1)) for p in index_dir.iterdir() if (m := _GEN_RE.match(p.name))] if index_dir.exists() else []
    final = index_dir / f"gen-{(max(numbers) + 1 if numbers else 1):06d}"
    tmp = index_dir / f".tmp-{final.name}"
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir(parents=True)
    return tmp, final


def publish_generation(index_dir: Path, tmp: Path, final: Path, between=None) -> None:
    """Make ``tmp`` the served generation: rename into place, then switch CURRENT atomically
    (``between`` runs after the rename, before the switch: a crash-test hook)."""
    for p in tmp.rglob("*"):
        if p.is_file():
            with open(p, "rb") as fh:
                os.fsync(fh.fileno())
    _fsync_dir(tmp)
    os.replace(tmp, final)
    _fsync_dir(Path(index_dir))
    if between:
        between()
    _write_atomic(Path(index_dir) / CURRENT, final.name + "\n")
    _fsync_dir(Path(index_dir))


def prune_generations(index_dir: Path) -> None:
    """Delete leftovers of interrupted updates and every generation except the served one and the
    one before it (kept for readers that still have it open)."""
    index_dir = Path(index_dir)
    for p in index_dir.iterdir():
        if p.name.startswith(".tmp-"):
            shutil.rmtree(p, ignore_errors=True) if p.is_dir() else p.unlink(missing_ok=True)
    try:
        served = (index_dir / CURRENT).read_text().strip()
    except FileNotFoundError:
        return
    older = sorted(p.name for p in index_dir.iterdir() if _GEN_RE.match(p.name) and p.name < served)
    keep = {served, *older[-1:]}
    for p in index_dir.iterdir():
        if _GEN_RE.match(p.name) and p.name not in keep:
            shutil.rmtree(p, ignore_errors=True)
