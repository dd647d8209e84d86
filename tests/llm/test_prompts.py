"""Prompts come from the package (no source tree needed), or from a folder of edited copies."""
from __future__ import annotations

from pathlib import Path

import pytest

import rag.llm.prompts as prompts_module
from rag.llm import load_prompt
from rag.settings import Settings

SHIPPED = Path(prompts_module.__file__).parent / "prompts"


@pytest.mark.parametrize("name", ["system.txt", "answer.txt", "rewrite.txt"])
def test_shipped_prompts_are_package_data(name):
    assert load_prompt(name) == (SHIPPED / name).read_text(encoding="utf-8").strip()


def test_answer_prompt_has_its_slots():
    assert "{context}" in load_prompt("answer.txt") and "{question}" in load_prompt("answer.txt")
    assert "{history}" in load_prompt("rewrite.txt")


def test_prompts_dir_overrides_and_names_a_missing_file(tmp_path):
    (tmp_path / "system.txt").write_text("改过的系统提示\n", encoding="utf-8")
    assert load_prompt("system.txt", tmp_path) == "改过的系统提示"
    with pytest.raises(FileNotFoundError, match="answer.txt"):
        load_prompt("answer.txt", tmp_path)


def test_prompts_dir_setting(tmp_path):
    s = Settings.from_env(env={"RAG_PROMPTS_DIR": str(tmp_path)}, corpus_dir=tmp_path, index_dir=tmp_path,
                          models_dir=tmp_path)
    assert s.prompts_dir == tmp_path
    assert Settings.from_env(env={}).prompts_dir is None


def test_the_system_prompt_teaches_the_refusal_the_answer_stage_reads():
    """rules.AnswerAnUnsureRefusal bans the first token of this phrase: the prompt must ask for it verbatim."""
    from rag.answer.citations import MODEL_REFUSAL, is_refusal

    system = load_prompt("system.txt")
    assert system.count(MODEL_REFUSAL) >= 2 and is_refusal(MODEL_REFUSAL)  # the rule and the example
