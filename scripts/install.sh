#!/bin/sh
# Install rnngrad and what it needs on a fresh Debian machine with Python 3.11.
#   sh scripts/install.sh          the package and a TeX engine (for compiled PDFs)
#   sh scripts/install.sh --test   the same plus the test extras (pytest, hypothesis)
# The TeX engine (texlive-latex-base, texlive-latex-recommended, latexmk, poppler-utils)
# is installed with apt-get only when latexmk is not already on PATH.
set -eu
extras=""
[ "${1:-}" = "--test" ] && extras="[test]"

if ! command -v latexmk >/dev/null 2>&1 || ! command -v pdftotext >/dev/null 2>&1; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    echo "install.sh: installing the TeX engine with apt-get" >&2
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
        texlive-latex-base texlive-latex-recommended latexmk poppler-utils >/dev/null
fi

python3 -m pip install --quiet --disable-pip-version-check -e ".$extras"
# pyenv puts new console scripts on PATH only after a rehash
if command -v pyenv >/dev/null 2>&1; then pyenv rehash; fi
