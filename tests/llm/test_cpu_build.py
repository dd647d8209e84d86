"""The llama.cpp build check: which instructions a build needs, and whether the CPU has them."""
from __future__ import annotations

import json

import pytest

from rag.llm import cpu_build
from rag.llm.cpu_build import (LlamaBuild, LlamaBuildError, build_features, check_build, cpu_flags,
                               missing_instructions)

PREBUILT_INFO = ("CPU : SSE3 = 1 | SSSE3 = 1 | AVX = 1 | AVX2 = 1 | F16C = 1 | FMA = 1 | BMI2 = 1 | "
                 "LLAMAFILE = 1 | OPENMP = 1 | REPACK = 1 | ")
NATIVE_INFO = ("CPU : SSE3 = 1 | SSSE3 = 1 | AVX = 1 | AVX2 = 1 | F16C = 1 | FMA = 1 | BMI2 = 1 | AVX512 = 1 | "
               "AVX512_VBMI = 1 | AVX512_VNNI = 1 | AVX512_BF16 = 1 | LLAMAFILE = 1 | OPENMP = 1 | REPACK = 1 | ")
AVX2_FLAGS = "fpu vme pni ssse3 fma sse4_1 sse4_2 avx f16c avx2 bmi1 bmi2"
AVX512_FLAGS = AVX2_FLAGS + " avx512f avx512dq avx512vbmi avx512_vnni avx512_bf16 avx512bw"


@pytest.mark.parametrize("info, features", [
    (PREBUILT_INFO, ("SSE3", "SSSE3", "AVX", "AVX2", "F16C", "FMA", "BMI2")),
    (NATIVE_INFO, ("SSE3", "SSSE3", "AVX", "AVX2", "F16C", "FMA", "BMI2", "AVX512", "AVX512_VBMI",
                   "AVX512_VNNI", "AVX512_BF16")),
    ("CPU : AVX = 0 | AVX2 = 0 | OPENMP = 1 | ", ()),  # switched-off features and non-ISA entries ignored
    ("AVX = 1 | AVX2 = 1 | ", ("AVX", "AVX2")),  # no "CPU :" prefix
    ("CPU : AVX512 = 1 | AVX512_VNNI = 10 | ", ("AVX512",)),  # only "= 1" counts
])
def test_build_features(info, features):
    assert build_features(info) == features


@pytest.mark.parametrize("info, flags, missing", [
    (PREBUILT_INFO, AVX2_FLAGS, []),
    (PREBUILT_INFO, AVX512_FLAGS, []),
    (NATIVE_INFO, AVX512_FLAGS, []),
    (NATIVE_INFO, AVX2_FLAGS, ["AVX512", "AVX512_VBMI", "AVX512_VNNI", "AVX512_BF16"]),
    (NATIVE_INFO, AVX512_FLAGS.replace(" avx512_bf16", ""), ["AVX512_BF16"]),
    (PREBUILT_INFO, "fpu vme pni ssse3", ["AVX", "AVX2", "F16C", "FMA", "BMI2"]),
])
def test_missing_instructions(info, flags, missing):
    assert missing_instructions(build_features(info), frozenset(flags.split())) == missing


def test_cpu_flags_reads_the_first_processor():
    text = ("processor\t: 0\nmodel name\t: Some CPU\nflags\t\t: fpu avx avx2\n\n"
            "processor\t: 1\nflags\t\t: fpu\n")
    assert cpu_flags(text) == {"fpu", "avx", "avx2"}
    assert cpu_flags("processor\t: 0\n") == frozenset()


def test_check_build_names_the_missing_instructions_and_the_fix(tmp_path):
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text(f"processor\t: 0\nflags\t\t: {AVX2_FLAGS}\n", encoding="utf-8")
    native = LlamaBuild("native", build_features(NATIVE_INFO))
    with pytest.raises(LlamaBuildError) as err:
        check_build(native, cpuinfo)
    assert "AVX512" in str(err.value) and "run.sh setup" in str(err.value)
    check_build(LlamaBuild("prebuilt", build_features(PREBUILT_INFO)), cpuinfo)  # runs here: no error


def test_check_build_skips_where_there_is_no_cpuinfo(tmp_path):
    native = LlamaBuild("native", build_features(NATIVE_INFO))
    check_build(native, tmp_path / "absent")  # e.g. macOS: nothing to compare against
    (tmp_path / "empty").write_text("", encoding="utf-8")
    check_build(native, tmp_path / "empty")


@pytest.mark.parametrize("direct_url, kind", [
    (None, "prebuilt"),
    (json.dumps({"url": "file:///home/u/.cache/bulletin-qa/llama/abc/xllamacpp.whl", "archive_info": {}}), "native"),
    (json.dumps({"url": "https://files.pythonhosted.org/xllamacpp.whl", "archive_info": {}}), "prebuilt"),
    ("not json", "prebuilt"),
])
def test_installed_kind(monkeypatch, direct_url, kind):
    class Dist:
        def read_text(self, name):
            assert name == "direct_url.json"
            return direct_url

    from importlib import metadata
    monkeypatch.setattr(metadata, "distribution", lambda name: Dist())
    assert cpu_build.installed_kind() == kind


def test_describe():
    assert LlamaBuild("native", ("AVX2", "AVX512")).describe() == "native (AVX2 AVX512)"
    assert LlamaBuild("prebuilt", ()).describe() == "prebuilt (no SIMD)"
