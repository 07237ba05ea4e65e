"""Packaging promises: pytest collects the doctests of all three packages."""

import subprocess
import sys
import tomllib

from tests.readme_blocks import ROOT


def test_packaging_testpaths_cover_every_package():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    pytest_options = config["tool"]["pytest"]["ini_options"]
    assert {"derive", "numeric", "reports", "tests"} <= set(pytest_options["testpaths"])
    assert "--doctest-modules" in pytest_options["addopts"]


def test_packaging_each_package_has_collected_doctests():
    listing = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q",
                              "-p", "no:cacheprovider", "derive", "numeric", "reports"],
                             cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert listing.returncode == 0, listing.stdout[-2000:]
    for package in ("derive", "numeric", "reports"):
        assert any(line.startswith(f"{package}/") for line in listing.stdout.splitlines()), package
