#!/bin/sh
# Install rnngrad and what it needs on a fresh Debian 12 machine (Python >= 3.11).
#   sh scripts/install.sh          the package, a TeX engine (for compiled PDFs), rnngrad on PATH
#   sh scripts/install.sh --test   the same plus the test extras; then: sh scripts/test.sh
# System packages come from apt-get (as root, or through sudo), each only when missing:
# texlive-latex-base texlive-latex-recommended poppler-utils (the PDFs); with --test
# also chromium chromium-driver (the HTML report's browser test) and fonts-wqy-microhei (a
# Chinese font for the Chinese page); and python3-venv where python3 is externally managed
# (PEP 668, Debian's own python3). There the package goes into the project venv .venv/ and
# `rnngrad` is linked into /usr/local/bin (RNNGRAD_BIN_DIR overrides); in a venv, pyenv or
# conda it goes into the python3 on PATH.
set -eu
cd "$(dirname "$0")/.."
. scripts/interpreter.sh
case "${1:-}" in
    "") extras="" ;;
    --test) extras="[test]" ;;
    *) echo "install.sh: unknown option '$1' (use no option, or --test)" >&2; exit 2 ;;
esac

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
missing=""
if ! command -v pdflatex >/dev/null 2>&1 || ! command -v pdftotext >/dev/null 2>&1; then
    missing="texlive-latex-base texlive-latex-recommended poppler-utils"
fi
if [ -n "$extras" ]; then
    if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then
        missing="$missing chromium chromium-driver"
    fi
    if ! fc-list :lang=zh 2>/dev/null | grep -q .; then
        missing="$missing fonts-wqy-microhei"
    fi
fi
managed=no
if externally_managed python3; then
    managed=yes
    python3 -c "import ensurepip" 2>/dev/null || missing="$missing python3-venv"
fi
if [ -n "$missing" ]; then
    echo "install.sh: installing with apt-get:$missing" >&2
    $sudo apt-get update -qq
    # shellcheck disable=SC2086  # one word per package
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
        $missing >/dev/null
fi

if [ "$managed" = yes ] && [ ! -x .venv/bin/python ]; then
    echo "install.sh: python3 is externally managed (PEP 668): creating the venv .venv/" >&2
    python3 -m venv .venv
fi
python=$(rnngrad_python)
"$python" -m pip install --quiet --disable-pip-version-check -e ".$extras"

if [ "$managed" = yes ]; then
    bin="${RNNGRAD_BIN_DIR:-/usr/local/bin}"
    [ -w "$bin" ] || [ ! -d "$bin" ] || bin_sudo="$sudo"
    ${bin_sudo:-} mkdir -p "$bin"
    ${bin_sudo:-} ln -sf "$PWD/.venv/bin/rnngrad" "$bin/rnngrad"
    echo "install.sh: linked $bin/rnngrad -> .venv/bin/rnngrad" >&2
fi
# pyenv puts new console scripts on PATH only after a rehash
if command -v pyenv >/dev/null 2>&1; then pyenv rehash; fi
