"""Layering: derive imports SymPy only; numeric does not load matplotlib."""

import subprocess
import sys

import pytest

HEAVY = {"derive": ("numpy", "matplotlib"), "numeric": ("matplotlib",)}


@pytest.mark.parametrize("package", sorted(HEAVY))
def test_import_does_not_load_heavy_modules(package):
    code = (f"import sys, {package}; "
            f"print(','.join(m for m in {HEAVY[package]!r} if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == ""
