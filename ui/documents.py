"""The 文档管理 tab's work: list indexed documents, store uploads safely, delete documents, re-index."""
from __future__ import annotations

import re
import shutil
import unicodedata
from pathlib import Path

from rag.errors import UploadError
from rag.index import update_index
from rag.ingest import SUPPORTED

_BAD_CHARS = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]')


def safe_filename(name: str) -> str:
    """A file name that stays inside the corpus folder: no directories, no ``..``, no control or
    reserved characters, no leading dots; Chinese and spaces are kept."""
    name = unicodedata.normalize("NFC", Path(str(name).replace("\\", "/")).name)
    name = _BAD_CHARS.sub("_", name)
    name = name.replace("..", "_").strip().lstrip(".").strip()
    stem, suffix = Path(name).stem[:100], Path(name).suffix.lower()
    if suffix not in SUPPORTED:
        raise UploadError(f"{name or '(无名文件)'}: 不支持的文件类型 {suffix or '（无扩展名）'}，"
                          f"只接受 {', '.join(sorted(SUPPORTED))}")
    return f"{stem or 'upload'}{suffix}"


def store_uploads(paths: list[str], corpus_dir: Path, max_mb: float) -> tuple[list[Path], list[dict]]:
    """Copy uploaded temp files into the corpus folder under safe, non-clobbering names."""
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
    return stored, rejected


def delete_documents(keys: list[str], corpus_dir: Path) -> list[str]:
    """Delete indexed documents that live in the corpus folder; returns what was removed."""
    root = Path(corpus_dir).resolve()
    removed = []
    for key in keys or []:
        path = (root / key).resolve()
        if root in path.parents and path.is_file():
            path.unlink()
            removed.append(key)
    return removed


def reindex(settings, progress=None) -> dict:
    return update_index(settings, show_progress=True).to_dict()


def result_markdown(summary: dict, rejected: list[dict] | None = None, removed: list[str] | None = None) -> str:
    lines = ["| 文件 | 结果 |", "|---|---|"]
    for f in summary.get("added", []):
        lines.append(f"| {f} | 已索引（新增） |")
    for f in summary.get("changed", []):
        lines.append(f"| {f} | 已重新索引（内容有变化） |")
    for f in summary.get("removed", []):
        lines.append(f"| {f} | 已从索引中删除 |")
    for d in summary.get("duplicates", []):
        lines.append(f"| {d['file']} | 跳过：与 {d['duplicate_of']} 内容相同 |")
    for f in summary.get("failed", []) + (rejected or []):
        lines.append(f"| {f['file']} | 跳过：{f['error']} |")
    if len(lines) == 2:
        lines.append("| （无） | 没有需要更新的文档 |")
    tail = (f"\n\n嵌入 {summary.get('chunks_embedded', 0)} 个段落，索引共 {summary.get('chunks_total', 0)} 个段落，"
            f"用时 {summary.get('seconds', 0)} 秒。")
    return "\n".join(lines) + tail


def documents_table(state) -> list[list]:
    a = state.assistant
    if a is None:
        return []
    rows = []
    for f in a.index.store.files():
        titles = a.index.store.db.execute("SELECT title FROM articles WHERE source=? AND title IS NOT NULL "
                                          "ORDER BY article_no LIMIT 1", (f["key"],)).fetchone()
        rows.append([f["key"], {"bulletin": "简报", "newspaper": "报纸", "plain": "文档"}.get(f["kind"], f["kind"]),
                     f["bulletin"] or (titles[0] if titles else "") or "", f["issue"] or "", f["date"] or "",
                     f["n_articles"], f["n_chunks"], f["indexed_at"].replace("T", " ")[:16]])
    return rows
