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
