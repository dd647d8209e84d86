"""The index manifest: which model, chunking, pipeline and format built a generation, and its files.
An index built otherwise is refused with the reason and the remedy (as txtai refuses a mismatched model)."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..errors import IndexMismatch
from .generations import write_atomic

FORMAT_VERSION = 2  # 2: BM25 as term-frequency postings (keyword/vocab.json); written by this version
READABLE_FORMATS = (1, 2)  # 1: BM25 saved by bm25s; read as it is, converted by the next update
PIPELINE_VERSION = 6  # bump when cleaning/structure/chunking changes what chunks look like
# 2: compatibility characters normalised (full-width digits, Kangxi radicals, glyph names); nested chunks dropped


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
    failed: dict[str, dict] = field(default_factory=dict)  # key -> {"sha256", "error"}: not parsed again unchanged

    def save(self, folder: Path) -> None:
        write_atomic(folder / "manifest.json", json.dumps(asdict(self), ensure_ascii=False, indent=2))

    @classmethod
    def load(cls, folder: Path) -> "Manifest":
        path = folder / "manifest.json"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(**data)
        except (OSError, ValueError, TypeError) as exc:
            raise IndexMismatch(f"{path}: unreadable index manifest ({exc}); run `rag index --rebuild`") from exc

    def check_compatible(self, model_id: str, dimension: int | None, chunk_size: int, chunk_overlap: int) -> None:
        """Refuse an index built otherwise. ``dimension`` None: not known yet (a served model tells it with its
        first answer, which :meth:`check_query` then checks), so the model ids alone decide here."""
        problems = []
        if self.format_version not in READABLE_FORMATS:
            problems.append(f"index format {self.format_version}, this version reads "
                            f"{', '.join(map(str, READABLE_FORMATS))}")
        if self.embedding_model != model_id or dimension not in (None, self.dimension):
            problems.append(f"built with embedding model {self.embedding_model} ({self.dimension}-d), "
                            f"configured model is {model_id} ({dimension or '?'}-d)")
        if (self.chunk_size, self.chunk_overlap) != (chunk_size, chunk_overlap):
            problems.append(f"built with chunk size/overlap {self.chunk_size}/{self.chunk_overlap}, "
                            f"configured {chunk_size}/{chunk_overlap}")
        if self.pipeline_version != PIPELINE_VERSION:
            problems.append(f"built by text pipeline v{self.pipeline_version}, this version is v{PIPELINE_VERSION}")
        if problems:
            raise IndexMismatch("The index does not match the current settings: " + "; ".join(problems)
                                + ". Run `rag index --rebuild` to rebuild it.")

    def check_query(self, vector) -> None:
        """A query vector must have the index's size (a served model can change behind the same name)."""
        if len(vector) != self.dimension:
            raise IndexMismatch(f"The index holds {self.dimension}-d vectors of {self.embedding_model}, but the "
                                f"embedding model now answers with {len(vector)}-d ones. Run `rag index --rebuild` "
                                "if the model was changed on purpose.")
