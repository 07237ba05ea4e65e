# Sourced by install.sh and test.sh: which Python rnngrad is installed into.
# An externally managed interpreter (PEP 668: Debian's own /usr/bin/python3 outside any venv)
# refuses pip installs, so rnngrad then lives in the project venv .venv/; anywhere else (a venv,
# pyenv, conda) it goes into the python3 on PATH.

externally_managed() {
    "$1" -c 'import os, sys, sysconfig
marker = os.path.join(sysconfig.get_path("stdlib"), "EXTERNALLY-MANAGED")
sys.exit(0 if sys.prefix == sys.base_prefix and os.path.exists(marker) else 1)'
}

rnngrad_python() {
    if externally_managed python3; then echo "$PWD/.venv/bin/python"; else command -v python3; fi
}
