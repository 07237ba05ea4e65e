#!/bin/sh
# Run the whole test suite with the Python that scripts/install.sh installed rnngrad into
# (the project venv .venv/ where python3 is externally managed, else python3).
# Extra arguments go to pytest: sh scripts/test.sh -x tests/test_cli.py
set -eu
cd "$(dirname "$0")/.."
. scripts/interpreter.sh
exec "$(rnngrad_python)" -m pytest -q "$@"
