"""The 文档管理 tab's work: list indexed documents, store uploads safely, delete documents, re-index."""
from __future__ import annotations

import os
import re
import shutil
import unicodedata
from pathlib import Path

from rag.errors import BulletinIndexError, EmbedderUnavailable, IndexBusy, UploadError
from rag.index import update_index
from rag.ingest import SUPPORTED
from rag.text import strip_invisible

from .render import as_text

_BAD_CHARS = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]')


def safe_filename(name: str) -> str:
    """A file name that stays inside the corpus folder: no directories, no ``..``, no control or
    reserved characters, no invisible format characters (U+202E right-to-left override, zero-width
    spaces), no leading dots; Chinese and spaces are kept; ``x..txt`` keeps its extension."""
    name = unicodedata.normalize("NFC", Path(str(name).replace("\\", "/")).name)
    name = strip_invisible(_BAD_CHARS.sub("_", name)).strip().lstrip(".").strip()
    stem, suffix = Path(name).stem, Path(name).suffix.lower()
    stem = stem.replace("..", "_").rstrip(". ")[:100]
    if suffix not in SUPPORTED:
        raise UploadError(f"{name or '(无名文件)'}: 不支持的文件类型 {suffix or '（无扩展名）'}，"
                          f"只接受 {', '.join(sorted(SUPPORTED))}")
    return f"{stem or 'upload'}{suffix}"


def store_uploads(paths: list[str], corpus_dir: Path, max_mb: float,
                  remove_sources: bool = False) -> tuple[list[Path], list[dict]]:
    """Copy uploaded temp files into the corpus folder under safe, non-clobbering names (and, with
    ``remove_sources``, delete the temp copies, which the web server would otherwise keep serving)."""
    corpus_dir = Path(corpus_dir)
    corpus_dir.mkdir(parents=True, exist_ok=True)
    stored, rejected = [], []
    for p in paths or []:
        src = Path(p)
        try:
            name = safe_filename(getattr(p, "orig_name", None) or src.name)
            size = src.stat().st_size
            if size > max_mb * 1024 * 1024:
                raise UploadError(f"{name}: 文件过大（{size / 1048576:.1f} MB，上限 {max_mb:g} MB）")
            if size == 0:
                raise UploadError(f"{name}: 文件为空")
            dest = corpus_dir / name
            n = 1
            while dest.exists():
                dest = corpus_dir / f"{Path(name).stem}-{n}{Path(name).suffix}"
                n += 1
            if corpus_dir.resolve() not in dest.resolve().parents:
                raise UploadError(f"{name}: 非法文件名")
            shutil.copyfile(src, dest)
            stored.append(dest)
        except UploadError as exc:
            rejected.append({"file": src.name, "error": str(exc)})
        finally:
            if remove_sources:  # the web server's cached copy must not outlive the document (or its deletion)
                src.unlink(missing_ok=True)
    return stored, rejected


def delete_documents(keys: list[str], corpus_dir: Path, hold: Path | None = None) -> list[str]:
    """Delete indexed documents that live in the corpus folder; returns what was removed. With ``hold``
    (a hidden folder, which `rag index` skips) the files are moved there instead, so that
    :func:`restore_documents` can put them back if the re-index fails."""
    root = Path(corpus_dir).resolve()
    removed = []
    for key in keys or []:
        path = (root / key).resolve()
        if root in path.parents and path.is_file():
            if hold is None:
                path.unlink()
            else:
                target = Path(hold) / key
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(path, target)
            removed.append(key)
    return removed


def restore_documents(keys: list[str], corpus_dir: Path, hold: Path) -> None:
    """Put files moved aside by :func:`delete_documents` back where they were."""
    for key in keys:
        if (Path(hold) / key).is_file():
            os.replace(Path(hold) / key, Path(corpus_dir) / key)
    shutil.rmtree(hold, ignore_errors=True)


BUSY = "另一个 `rag index` 正在更新索引，本次更改已撤销，请稍后重试。"


def reindex_or_undo(settings, undo) -> tuple[dict, str | None]:
    """Re-index the corpus folder; when that cannot happen (another `rag index` holds the lock, the index is
    damaged, the disk is full) ``undo()`` the file change, so the documents and the served index stay in
    step. Returns (summary, None) or ({}, a message for the user)."""
    try:
        return reindex(settings), None
    except IndexBusy:
        undo()
        return {}, BUSY
    except (BulletinIndexError, EmbedderUnavailable) as exc:
        undo()
        return {}, f"索引更新失败，本次更改已撤销：{exc}"


def reindex(settings, progress=None) -> dict:
    return update_index(settings, show_progress=True).to_dict()


def result_markdown(summary: dict, rejected: list[dict] | None = None, removed: list[str] | None = None) -> str:
    """The re-index result as a Markdown table; file names and error messages (which may quote a file's
    content) are shown as text, never rendered."""
    t = as_text
    lines = ["| 文件 | 结果 |", "|---|---|"]
    for f in summary.get("added", []):
        lines.append(f"| {t(f)} | 已索引（新增） |")
    for f in summary.get("changed", []):
        lines.append(f"| {t(f)} | 已重新索引（内容有变化） |")
    for f in summary.get("removed", []):
        lines.append(f"| {t(f)} | 已从索引中删除 |")
    for d in summary.get("duplicates", []):
        lines.append(f"| {t(d['file'])} | 跳过：与 {t(d['duplicate_of'])} 内容相同 |")
    for f in summary.get("unsupported", []) + summary.get("failed", []) + (rejected or []):
        lines.append(f"| {t(f['file'])} | 跳过：{t(f['error'])} |")
    if len(lines) == 2:
        lines.append("| （无） | 没有需要更新的文档 |")
    tail = (f"\n\n嵌入 {summary.get('chunks_embedded', 0)} 个段落，索引共 {summary.get('chunks_total', 0)} 个段落，"
            f"用时 {summary.get('seconds', 0)} 秒。")
    return "\n".join(lines) + tail


KINDS = {"bulletin": "简报", "newspaper": "报纸", "plain": "文档"}


def documents_table(state) -> list[list]:
    """The 文档管理 table of the index being served (``state.listing()``): one row per indexed file (its
    bulletin name, else its first article's title), then the files that could not be indexed."""
    listing = state.listing()
    if listing is None:
        return []
    rows = []
    for f in listing.files:
        rows.append([f["key"], KINDS.get(f["kind"], f["kind"]), f["bulletin"] or f.get("title") or "",
                     f["issue"] or "", f["date"] or "", f["n_articles"], f["n_chunks"],
                     f["indexed_at"].replace("T", " ")[:16]])
    for key, failure in sorted(listing.failed.items()):  # visible, and removable from the delete list
        rows.append([key, "未能索引", failure.get("error", "")[:120], "", "", 0, 0, ""])
    return rows
