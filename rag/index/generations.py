"""The generation folders that make index updates atomic.

Layout of the index folder::

    index/CURRENT            name of the generation being served (replaced atomically)
    index/gen-000007/        manifest.json, chunks.sqlite, vectors.faiss, keyword/
    index/.lock              held by the one `rag index` allowed at a time

An update writes a new generation into a hidden temporary folder, renames it into place and then
replaces CURRENT; a crash at any moment leaves CURRENT naming a complete generation.
"""
from __future__ import annotations

import os
import re
import shutil
import sqlite3
from contextlib import contextmanager
from pathlib import Path

from ..errors import IndexDamaged, IndexMismatch

CURRENT = "CURRENT"
_GEN_RE = re.compile(r"^gen-(\d{6})$")


def write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def fsync_dir(path: Path) -> None:
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
    except (OSError, UnicodeDecodeError) as exc:
        raise IndexMismatch(f"{index_dir}/CURRENT cannot be read ({exc}); run `rag index --rebuild`") from exc
    folder = Path(index_dir) / name
    if not _GEN_RE.match(name) or not (folder / "manifest.json").is_file():
        raise IndexMismatch(f"{index_dir}/CURRENT names {name!r}, which is not a complete index; "
                            "run `rag index --rebuild`")
    return folder


PARTS = {"chunks.sqlite": "the chunk store (chunks.sqlite)", "vectors.faiss": "the vector index (vectors.faiss)",
         "keyword": "the keyword index (keyword/)"}


@contextmanager
def reading_part(folder: Path, part: str):
    """Reading ``part`` of a generation: any failure (missing, truncated, garbage) becomes one
    :class:`IndexDamaged` naming the part and the remedy, instead of a traceback from sqlite/FAISS/numpy."""
    try:
        yield
    except IndexDamaged:
        raise
    except (OSError, RuntimeError, ValueError, KeyError, EOFError, sqlite3.DatabaseError) as exc:
        # the last line: FAISS and sqlite put the useful part there
        reason = getattr(exc, "strerror", None) or (str(exc).strip().splitlines() or [type(exc).__name__])[-1]
        raise IndexDamaged(f"the index in {folder.parent} is damaged: {PARTS.get(part, part)} of {folder.name} "
                           f"cannot be read ({reason[:160]}); run `rag index --rebuild` to rebuild it from the "
                           "documents") from exc


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
    fsync_dir(tmp)
    os.replace(tmp, final)
    fsync_dir(Path(index_dir))
    if between:
        between()
    write_atomic(Path(index_dir) / CURRENT, final.name + "\n")
    fsync_dir(Path(index_dir))


def prune_generations(index_dir: Path) -> None:
    """Delete leftovers of interrupted updates and every generation except the served one and the
    one before it (kept for readers that still have it open)."""
    index_dir = Path(index_dir)
    for p in index_dir.iterdir():
        if p.name.startswith(".tmp-"):
            shutil.rmtree(p, ignore_errors=True) if p.is_dir() else p.unlink(missing_ok=True)
    try:
        served_folder = current_generation(index_dir)
    except (IndexMismatch, OSError, UnicodeDecodeError):
        return  # never prune on the strength of a pointer that cannot be read: the generations may be all there is
    if served_folder is None:
        return
    served = served_folder.name
    older = sorted(p.name for p in index_dir.iterdir() if _GEN_RE.match(p.name) and p.name < served)
    keep = {served, *older[-1:]}
    for p in index_dir.iterdir():
        if _GEN_RE.match(p.name) and p.name not in keep:
            shutil.rmtree(p, ignore_errors=True)
