"""The package's shape: stage folders with documented ``__init__`` exports, no import cycles between modules
or between stages, stages depending only on earlier ones, every module importable on its own without
loading a heavy library, and no module far over ~400 lines."""
from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from .conftest import ROOT

PACKAGES = ("rag", "ui", "bench")
# the data path, first to last: a unit may import only units before it (and itself)
LAYERS = ("rag", "rag.errors", "rag.redact", "rag.types", "rag.settings", "rag.text", "rag.ingest",
          "rag.embeddings", "rag.index", "rag.retrieval", "rag.llm", "rag.answer", "rag.eval", "rag.cli",
          "rag.__main__", "ui", "bench")
HEAVY = ("torch", "faiss", "gradio", "langchain_core", "langchain_openai", "sentence_transformers",
         "transformers", "jieba", "xllamacpp", "pypdf", "docx", "qdrant_client")
HEAVY_BY_DESIGN = {"ui.app": {"gradio"}}  # the Gradio app itself (imported only when `rag ui` runs)
MAX_LINES = 420  # "modules under ~400 lines"


def _modules() -> dict[str, Path]:
    out = {}
    for pkg in PACKAGES:
        for path in sorted((ROOT / pkg).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            out[".".join(parts)] = path
    return out


MODULES = _modules()


def _imports(name: str, path: Path) -> set[str]:
    """Modules of ours that ``name`` imports anywhere (also inside functions: a lazy import is a dependency)."""
    is_pkg = path.name == "__init__.py"
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".") if is_pkg else name.split(".")[:-1]
                base = base[:len(base) - (node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            # `from pkg import sub` names the submodule when there is one
            targets = [f"{module}.{a.name}" if f"{module}.{a.name}" in MODULES else module for a in node.names]
        else:
            continue
        for t in targets:
            while t and t not in MODULES:  # `import rag.index.reader` → that module; unknown tails → parent
                t = t.rpartition(".")[0]
            if t and t != name:
                found.add(t)
    return found


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


def _unit(module: str) -> str:
    parts = module.split(".")
    if parts[0] != "rag" or len(parts) == 1:
        return parts[0]
    return ".".join(parts[:2])


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one node (Tarjan)."""
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_cycle_finder_finds_cycles():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycle_between_modules():
    assert _cycles(GRAPH) == []


def test_stages_import_only_earlier_stages():
    assert set(map(_unit, MODULES)) <= set(LAYERS), "a new stage must be placed in LAYERS"
    wrong = sorted(f"{m} imports {t}" for m, targets in GRAPH.items() for t in targets
                   if LAYERS.index(_unit(t)) > LAYERS.index(_unit(m)))
    assert wrong == []


def test_rag_never_imports_ui_or_bench():
    assert not [(m, t) for m, ts in GRAPH.items() for t in ts if m.startswith("rag") and _unit(t) in ("ui", "bench")]


def _import_alone(module: str) -> tuple[str, int, str]:
    code = (f"import sys, {module}; heavy = {HEAVY!r}; "
            "print(' '.join(sorted(h for h in heavy if h in sys.modules)))")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    return module, proc.returncode, (proc.stdout.strip() if proc.returncode == 0 else proc.stderr[-2000:])


def test_each_module_imports_alone_without_heavy_libraries():
    names = [m for m in MODULES if not m.endswith("__main__")]
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(_import_alone, names))
    failed = [(m, out) for m, rc, out in results if rc != 0]
    assert failed == []
    heavy = {m: set(out.split()) - HEAVY_BY_DESIGN.get(m, set()) for m, rc, out in results}
    assert {m: h for m, h in heavy.items() if h} == {}


@pytest.mark.parametrize("package", sorted(m for m, p in MODULES.items() if p.name == "__init__.py"))
def test_each_package_says_what_it_holds_and_exports_its_names(package):
    mod = importlib.import_module(package)
    assert mod.__doc__ and len(mod.__doc__.strip()) > 20, f"{package}/__init__.py needs a docstring"
    for name in getattr(mod, "__all__", []):
        assert hasattr(mod, name), f"{package}.__all__ names {name}, which it does not have"


def test_stage_packages_export_their_public_names():
    for package in LAYERS:
        if MODULES.get(package, Path()).name == "__init__.py" and package.startswith("rag."):
            assert getattr(importlib.import_module(package), "__all__", None), f"{package} exports nothing"


def test_modules_stay_small():
    long = {m: n for m, p in MODULES.items() if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}
