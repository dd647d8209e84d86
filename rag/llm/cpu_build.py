"""Which llama.cpp build serves the local model, and whether this CPU can run it.

xllamacpp's PyPI wheel is compiled for AVX2 so that it runs anywhere. `bash run.sh setup` compiles the same
release for the machine's own CPU (``GGML_NATIVE``: AVX512, VNNI, BF16 where present), which measured 1.3-1.45x
faster prompt processing on the 2-core AVX512 machine (llama-bench pp300 65.8 -> 83.5-95.7 tokens/s; first token
p50 on the sample set 4.33 -> 3.27 s). A native build carried to a CPU without those instructions would die with
SIGILL on the first prompt, so the server checks the build against ``/proc/cpuinfo`` before it loads the model
and names the fix instead.
"""
from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import RagError

log = logging.getLogger(__name__)

#: ggml's compile-time CPU features (as ``llama_print_system_info`` names them) -> the /proc/cpuinfo flag the
#: processor must report to run code compiled with it. Features without a flag here are not instruction sets
#: (LLAMAFILE, OPENMP, REPACK) and are never checked.
FEATURE_FLAGS: dict[str, str] = {
    "SSE3": "pni",
    "SSSE3": "ssse3",
    "AVX": "avx",
    "AVX2": "avx2",
    "AVX_VNNI": "avx_vnni",
    "F16C": "f16c",
    "FMA": "fma",
    "BMI2": "bmi2",
    "AVX512": "avx512f",
    "AVX512_VBMI": "avx512vbmi",
    "AVX512_VNNI": "avx512_vnni",
    "AVX512_BF16": "avx512_bf16",
    "AMX_INT8": "amx_int8",
}

_FEATURE_RE = re.compile(r"([A-Z0-9_]+)\s*=\s*1\b")


class LlamaBuildError(RagError, RuntimeError):
    """The installed llama.cpp was compiled for instructions this CPU lacks."""


@dataclass(frozen=True)
class LlamaBuild:
    """The loaded xllamacpp: ``native`` when installed from a wheel compiled on this machine, else ``prebuilt``."""
    kind: str
    features: tuple[str, ...]

    def describe(self) -> str:
        return f"{self.kind} ({' '.join(self.features) or 'no SIMD'})"


def build_features(system_info: str) -> tuple[str, ...]:
    """The instruction-set features a build was compiled with, from its system-info line."""
    cpu_part = system_info.split("CPU :", 1)[-1].split("\n", 1)[0]
    return tuple(f for f in _FEATURE_RE.findall(cpu_part) if f in FEATURE_FLAGS)


def cpu_flags(cpuinfo: str) -> frozenset[str]:
    """The flags of the first processor listed in /proc/cpuinfo's text."""
    for line in cpuinfo.splitlines():
        if line.startswith("flags"):
            return frozenset(line.partition(":")[2].split())
    return frozenset()


def missing_instructions(features: tuple[str, ...], flags: frozenset[str]) -> list[str]:
    """The features of the build that this CPU does not report (empty: the build runs here)."""
    return [f for f in features if FEATURE_FLAGS[f] not in flags]


def installed_kind() -> str:
    """``native`` when pip installed xllamacpp from a local wheel file (PEP 610 ``direct_url.json``), which is
    what `run.sh` does with the wheel it compiles; ``prebuilt`` for the wheel from the package index."""
    from importlib import metadata

    try:
        raw = metadata.distribution("xllamacpp").read_text("direct_url.json")
    except metadata.PackageNotFoundError:
        return "missing"
    if raw:
        try:
            if json.loads(raw).get("url", "").startswith("file:"):
                return "native"
        except ValueError:
            pass
    return "prebuilt"


def loaded_build() -> LlamaBuild:
    import xllamacpp

    return LlamaBuild(installed_kind(), build_features(xllamacpp.get_system_info()))


def check_build(build: LlamaBuild, cpuinfo_path: Path = Path("/proc/cpuinfo")) -> None:
    """Raise :class:`LlamaBuildError` when ``build`` needs instructions the CPU lacks (Linux only: elsewhere
    there is no cpuinfo to read and the check is skipped)."""
    try:
        flags = cpu_flags(cpuinfo_path.read_text(encoding="utf-8", errors="replace"))
    except OSError:
        return
    if not flags:
        return
    missing = missing_instructions(build.features, flags)
    if missing:
        raise LlamaBuildError(
            f"the installed llama.cpp ({build.kind}) was compiled for {', '.join(missing)}, which this CPU lacks; "
            "run `bash run.sh setup` to compile it for this machine, or `RAG_LLAMA_BUILD=prebuilt bash run.sh setup` "
            "for the portable wheel")
