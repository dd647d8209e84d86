"""The wheel built from the repository is a complete product: installed into a fresh virtual environment,
away from the source tree, `rag index` and `rag ask --llm extractive` work on a folder of documents, with the
prompts and the jieba user dictionary coming from the package itself."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile

import pytest

from .conftest import ROOT, SAMPLE_CORPUS

pytestmark = pytest.mark.integration


def _run(cmd, **kw):
    proc = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, timeout=600, **kw)
    assert proc.returncode == 0, f"{cmd}\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return proc


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    src = out / "src"  # a clean copy: build/ and *.egg-info never leak into the checkout
    top_level = {".git", ".venv", "models", "index", "reports", "test-artifacts", "build"}

    def ignore(folder, names):
        return [n for n in names if (folder == str(ROOT) and n in top_level) or n == "__pycache__"
                or n.endswith(".egg-info")]

    shutil.copytree(ROOT, src, ignore=ignore)
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-q",
          "-w", out, src])
    (path,) = out.glob("bulletin_qa-*.whl")
    return path


def test_wheel_holds_the_package_data_and_nothing_else(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    sources = {p.relative_to(ROOT).as_posix() for pkg in ("rag", "ui") for p in (ROOT / pkg).rglob("*")
               if p.is_file() and p.suffix in (".py", ".txt") and "__pycache__" not in p.parts}
    assert "rag/llm/prompts/system.txt" in sources and "rag/text/userdict.txt" in sources
    assert sources - names == set()
    assert not [n for n in names if n.startswith(("tests/", "bench/", "corpus/", "eval/"))]
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    text = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert "rag = rag.cli:main" in text and "ui = ui.cli:ui" in text


def test_installed_wheel_indexes_and_answers(wheel, tmp_path):
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", venv])
    bin_dir = venv / ("Scripts" if os.name == "nt" else "bin")
    _run([sys.executable, "-m", "pip", "--python", bin_dir / "python", "install", "--no-deps", "--no-index", "-q",
          wheel])
    # the dependencies come from the test environment's site-packages as a plain path entry: its .pth files
    # (the editable install of this checkout) are not processed, so `rag` can only come from the wheel
    purelib = _run([bin_dir / "python", "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]).stdout
    (venv / purelib.strip() / "_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")

    work = tmp_path / "office"  # a user's folder: documents in corpus/, the index beside them
    shutil.copytree(SAMPLE_CORPUS, work / "corpus")
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAG_")}
    env.update(RAG_MODELS_DIR=str(ROOT / "models"), PYTHONNOUSERSITE="1")  # the converted e5 cache (no re-conversion)
    where = _run([bin_dir / "python", "-c", "import rag, ui; print(rag.__file__); print(ui.__file__)"],
                 cwd=work, env=env).stdout.split()
    assert all(str(venv) in w for w in where), where

    summary = json.loads(_run([bin_dir / "rag", "index", "--json"], cwd=work, env=env).stdout)
    assert len(summary["added"]) == len(list(SAMPLE_CORPUS.glob("*.txt"))) and not summary["failed"]
    assert (work / "index" / "CURRENT").is_file()

    answer = json.loads(_run([bin_dir / "rag", "ask", "--llm", "extractive", "--json",
                              "2023年，示范区信访案件化解的群众满意率达到了多少？"], cwd=work, env=env).stdout)
    assert not answer["refused"] and "99.01%" in answer["answer"], answer
    assert [c["source"] for c in answer["citations"]] == ["003_de095c37571e801a.txt"]

    prompt = _run([bin_dir / "python", "-c", "from rag.llm import load_prompt; print(load_prompt('system.txt'))"],
                  cwd=work, env=env).stdout
    assert "简报问答" in prompt and "<资料>" in prompt
    assert "--host" in _run([bin_dir / "rag", "ui", "--help"], cwd=work, env=env).stdout
