#!/usr/bin/env bash
# 简报问答 — one entry point for a fresh machine.
#   bash run.sh          install (first time), index the sample corpus, start the chat UI (http://127.0.0.1:7860)
#   bash run.sh test     install (first time) and run the whole test suite (unit + integration)
#   bash run.sh slow     the long-running tests (marked slow)
#   bash run.sh setup    only install
set -euo pipefail
cd "$(dirname "$0")"
VENV="${RAG_VENV:-.venv}"
PY="${PYTHON:-python3}"

setup() {
    if [ ! -x "$VENV/bin/python" ]; then
        echo ">> creating virtual environment $VENV" >&2
        "$PY" -m venv "$VENV"
    fi
    local stamp="$VENV/.rag-installed" want
    want="$(sha256sum pyproject.toml | cut -d' ' -f1)"
    if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
        echo ">> installing dependencies (CPU-only torch 2.13.0; a few minutes the first time)" >&2
        "$VENV/bin/python" -m pip install --quiet --upgrade pip
        "$VENV/bin/python" -m pip install --quiet -e '.[test]'
        echo "$want" > "$stamp"
    fi
    llama_for_this_cpu
}

llama_for_this_cpu() {
    # xllamacpp's PyPI wheel is compiled for AVX2 so that it runs anywhere; compiled here for this CPU
    # (AVX512/VNNI where present) the model reads a prompt 1.3-1.45x faster (README, "The local model").
    # The compiled wheel is cached per xllamacpp version and CPU flags, so it is built once per
    # machine (about 10 minutes on 2 cores). RAG_LLAMA_BUILD=prebuilt keeps (or restores) the PyPI wheel.
    local ver key stamp="$VENV/.rag-llama-build" cache wheel logf
    ver="$("$VENV/bin/python" -c 'import importlib.metadata as m; print(m.version("xllamacpp"))')"
    if [ "${RAG_LLAMA_BUILD:-native}" = prebuilt ]; then
        prebuilt_llama "$ver"
        return 0
    fi
    # the recipe's name is part of the key: a wheel compiled by an earlier recipe is built again
    key="$( { echo "$ver $LLAMA_RECIPE $(no_amx_flags)"; grep -m1 '^flags' /proc/cpuinfo 2>/dev/null || uname -m; } \
        | sha256sum | cut -c1-16)"
    [ "$(cat "$stamp" 2>/dev/null)" = "native-$key" ] && return 0
    cache="${RAG_WHEEL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/bulletin-qa/llama}/$key"
    wheel="$(ls "$cache"/xllamacpp-*.whl 2>/dev/null | head -n1 || true)"
    if [ -f "$cache/FAILED" ]; then
        echo ">> llama.cpp could not be compiled for this CPU earlier (log: $cache/build.log); the prebuilt" \
             "AVX2 wheel is in use. Delete $cache to try again." >&2
        prebuilt_llama "$ver"
        return 0
    fi
    if [ -z "$wheel" ]; then
        if ! command -v c++ >/dev/null 2>&1 || ! command -v cmake >/dev/null 2>&1; then
            echo ">> installing a C++ compiler and cmake to build llama.cpp for this CPU" >&2
            apt_install g++ cmake make || true
        fi
        mkdir -p "$cache"
        logf="$cache/build.log"
        echo ">> compiling llama.cpp (xllamacpp $ver) for this CPU, about 10 minutes once; log: $logf" >&2
        # llguidance and BoringSSL would be downloaded by the build and are not used here (grammar-free,
        # loopback-only server)
        # AMX is left out: on an Intel Xeon with AMX (a 2-core VM) the native build with it died with SIGSEGV
        # while loading the model (session 26); llama.cpp only uses AMX for batches larger than ours
        if CMAKE_ARGS="-DLLAMA_LLGUIDANCE=OFF -DLLAMA_BUILD_BORINGSSL=OFF -DLLAMA_OPENSSL=OFF $(no_amx_flags)" \
            "$VENV/bin/python" -m pip wheel --no-deps --no-binary xllamacpp --no-cache-dir \
            "xllamacpp==$ver" -w "$cache" >"$logf" 2>&1; then
            wheel="$(ls "$cache"/xllamacpp-*.whl 2>/dev/null | head -n1 || true)"
        fi
    fi
    if [ -z "$wheel" ]; then
        echo "!! could not compile llama.cpp for this CPU (last lines of ${logf:-the log} below); the prebuilt" \
             "AVX2 wheel stays in use, answers are the same, only slower" >&2
        tail -n 5 "$logf" >&2 || true
        touch "$cache/FAILED"
        prebuilt_llama "$ver"
        return 0
    fi
    "$VENV/bin/python" -m pip install --quiet --force-reinstall --no-deps "$wheel"
    # reading the build's instruction sets is not enough (an AMX build loaded, then crashed): the model must answer
    local smoke=0
    if "$VENV/bin/python" -c 'from rag.llm.cpu_build import check_build, loaded_build; check_build(loaded_build())'; then
        timeout 900 "$VENV/bin/python" -m rag.llm.smoke || smoke=$?
    else
        smoke=1
    fi
    if [ "$smoke" = 0 ]; then
        echo "native-$key" > "$stamp"
        echo ">> llama.cpp: $("$VENV/bin/python" -c 'from rag.llm.cpu_build import loaded_build; print(loaded_build().describe())')" >&2
    elif [ "$smoke" = 2 ]; then  # the model itself could not be assembled: nothing is known of the build yet
        echo "!! the compiled llama.cpp is installed untested (the model could not be assembled); the next" \
             "\`bash run.sh setup\` tests it again" >&2
    else
        echo "!! the compiled llama.cpp does not run on this machine (it failed or crashed answering two tokens);" \
             "back to the prebuilt AVX2 wheel: answers are the same, only slower. Delete $cache to try again" >&2
        rm -f "$cache"/xllamacpp-*.whl
        touch "$cache/FAILED"
        prebuilt_llama "$ver"
    fi
}

LLAMA_RECIPE="no-amx"  # change it when the compile recipe below changes, so that cached wheels are rebuilt

no_amx_flags() {
    # the CMake arguments that keep AMX out of a GGML_NATIVE build, when the compiler knows the flags
    local f="-mno-amx-tile -mno-amx-int8 -mno-amx-bf16"
    if echo 'int main(void){return 0;}' | c++ $f -x c++ -o /dev/null - >/dev/null 2>&1; then
        printf '%s' "-DCMAKE_C_FLAGS='$f' -DCMAKE_CXX_FLAGS='$f'"
    fi
}

prebuilt_llama() {
    # (re)install xllamacpp's PyPI wheel unless it is the one installed
    # the installed kind decides (a stale "prebuilt" stamp can sit beside a compiled wheel)
    if [ "$("$VENV/bin/python" -c 'from rag.llm.cpu_build import installed_kind; print(installed_kind())')" != prebuilt ]; then
        echo ">> installing the prebuilt (AVX2) llama.cpp wheel" >&2
        "$VENV/bin/python" -m pip install --quiet --force-reinstall --no-deps "xllamacpp==$1"
    fi
    echo prebuilt > "$VENV/.rag-llama-build"
}

apt_install() {
    if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
    if ! { $SUDO apt-get update -qq >/dev/null && \
           DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "$@" >/dev/null; }; then
        echo "!! could not install $* with apt-get; install them yourself (see README, Formats)" >&2
        return 1
    fi
}

install_converter() {
    # OCR's opencv needs libGL and GLib; legacy Word (.doc) and Kingsoft WPS (.wps) files are converted by
    # LibreOffice (about 260 MB installed)
    if ! ldconfig -p 2>/dev/null | grep -q "libGL.so.1" || ! ldconfig -p 2>/dev/null | grep -q "libgthread-2.0"; then
        echo ">> installing libGL and GLib for the OCR engine" >&2
        apt_install libgl1 libglib2.0-0 || echo "!! scanned PDFs and images cannot be read by OCR" >&2
    fi
    if ! command -v soffice >/dev/null 2>&1 && ! command -v libreoffice >/dev/null 2>&1; then
        echo ">> installing LibreOffice Writer (headless) to read .doc/.wps files" >&2
        apt_install libreoffice-writer-nogui || echo "!! .doc/.wps files will be reported as not readable" >&2
    fi
}

install_browser() {
    # the browser test drives Debian's chromium (no browser download at test time)
    if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi "CJK"; then
        echo ">> installing chromium for the browser test" >&2
        apt_install chromium fonts-noto-cjk
    fi
}

case "${1:-app}" in
    setup) setup ;;
    app)
        setup
        install_converter
        "$VENV/bin/rag" index
        "$VENV/bin/rag" index --status
        exec "$VENV/bin/rag" ui
        ;;
    test)
        setup
        install_browser
        install_converter
        shift || true
        "$VENV/bin/python" -m pytest -m "not slow" "$@"
        ;;
    slow)
        setup
        shift || true
        "$VENV/bin/python" -m pytest -m slow "$@"
        ;;
    *) echo "usage: bash run.sh [app|test|slow|setup]" >&2; exit 2 ;;
esac
