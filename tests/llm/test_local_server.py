"""The local server's llama.cpp parameters: prompt-lookup speculation on by default, off with 0, and the setting
read from the environment and checked (the real server answering with it: tests/integration/test_local_llm.py)."""
import pytest

from rag.llm import local_server
from rag.settings import Settings

xllamacpp = pytest.importorskip("xllamacpp")
NGRAM_SIMPLE = xllamacpp.common_speculative_type.COMMON_SPECULATIVE_TYPE_NGRAM_SIMPLE
NONE = xllamacpp.common_speculative_type.COMMON_SPECULATIVE_TYPE_NONE


@pytest.fixture
def params(monkeypatch):
    """The CommonParams a LocalServer hands to llama.cpp (no model is loaded)."""
    seen = []

    class FakeServer:
        listening_address = "http://127.0.0.1:1"

        def __init__(self, p):
            seen.append(p)

    monkeypatch.setattr(xllamacpp, "Server", FakeServer)
    monkeypatch.setattr("rag.llm.cpu_build.check_build", lambda build: None)
    return seen


@pytest.mark.parametrize("draft, types, drafted", [
    (8, [NGRAM_SIMPLE], 8),
    (16, [NGRAM_SIMPLE], 16),
    (0, [NONE], None),
])
def test_lookup_draft_sets_ngram_speculation(params, tmp_path, draft, types, drafted):
    local_server.LocalServer(tmp_path / "model.gguf", lookup_draft=draft)
    p = params[0]
    assert p.speculative.types == types
    if drafted is not None:
        assert p.speculative.ngram_simple.size_n == local_server.LOOKUP_NGRAM
        assert p.speculative.ngram_simple.size_m == drafted
        assert p.speculative.draft.n_max == drafted and p.speculative.draft.n_min == 0


@pytest.mark.parametrize("env, expected", [({}, 8), ({"RAG_LLM_LOOKUP_DRAFT": "0"}, 0),
                                           ({"RAG_LLM_LOOKUP_DRAFT": "16"}, 16)])
def test_lookup_draft_from_the_environment(tmp_path, env, expected):
    assert Settings.from_env(env=env, corpus_dir=tmp_path).llm_lookup_draft == expected


@pytest.mark.parametrize("raw", ["-1", "65"])
def test_lookup_draft_out_of_range_is_a_clear_error(tmp_path, raw):
    with pytest.raises(ValueError, match="RAG_LLM_LOOKUP_DRAFT"):
        Settings.from_env(env={"RAG_LLM_LOOKUP_DRAFT": raw}, corpus_dir=tmp_path)
