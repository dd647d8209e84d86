"""rag.llm.smoke: run.sh's check that the installed llama.cpp answers on this machine before it keeps a build."""
import subprocess
import sys

import pytest

from rag.llm import smoke


def test_a_failure_is_exit_status_1_with_a_line_naming_it(monkeypatch, capsys):
    def crash(models_dir, threads=2):
        raise RuntimeError("the model gave no completion")

    monkeypatch.setattr(smoke, "smoke", crash)
    assert smoke.main() == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "smoke test failed" in err and "no completion" in err


def test_a_model_that_cannot_be_assembled_is_exit_status_2(monkeypatch, capsys):
    def missing(models_dir):
        raise OSError("No space left on device")

    monkeypatch.setattr("rag.llm.assemble.ensure_gguf", missing)
    assert smoke.main() == 2
    assert "could not be assembled" in capsys.readouterr().err


def test_success_is_exit_status_0(monkeypatch, capsys):
    monkeypatch.setattr(smoke, "smoke", lambda models_dir, threads=2: "你好")
    assert smoke.main() == 0
    assert "answers on this machine" in capsys.readouterr().err


@pytest.mark.integration
def test_the_installed_llama_cpp_answers_here():
    """The real check, in a child process as run.sh runs it: a build that crashes (SIGSEGV of an AMX build on an
    Intel Xeon, session 26) fails here rather than in the first question."""
    done = subprocess.run([sys.executable, "-m", "rag.llm.smoke"], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "answers on this machine" in done.stderr
