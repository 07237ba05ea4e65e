"""Packaging promises: every subpackage ships, pytest collects the doctests of all three
packages."""

import subprocess
import sys
import tomllib

from tests.readme_blocks import ROOT


def test_packaging_testpaths_cover_every_package():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    pytest_options = config["tool"]["pytest"]["ini_options"]
    assert {"derive", "numeric", "reports", "tests"} <= set(pytest_options["testpaths"])
    assert "--doctest-modules" in pytest_options["addopts"]


def test_packaging_ships_every_subpackage():
    """A plain `pip install .` (or a wheel) ships what the packages import: every folder with an
    __init__.py below derive, numeric and reports (derive.cells, reports.notes), not only the
    three top-level ones (an editable install hides a missing one)."""
    from setuptools import find_packages

    tool = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]
    listed = tool["setuptools"].get("packages")
    shipped = set(listed) if isinstance(listed, list) else set(
        find_packages(str(ROOT), include=tool["setuptools"]["packages"]["find"]["include"]))
    present = {".".join(init.parent.relative_to(ROOT).parts)
               for top in ("derive", "numeric", "reports") for init in (ROOT / top).rglob(
                   "__init__.py") if "__pycache__" not in init.parts}
    assert {"derive.cells", "reports.notes"} <= present
    assert shipped == present


def test_packaging_each_package_has_collected_doctests():
    listing = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q",
                              "-p", "no:cacheprovider", "derive", "numeric", "reports"],
                             cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert listing.returncode == 0, listing.stdout[-2000:]
    for package in ("derive", "numeric", "reports"):
        assert any(line.startswith(f"{package}/") for line in listing.stdout.splitlines()), package


def test_packaging_no_shipped_file_names_the_internal_design_document():
    """Users receive the whole repository; none of its files may send them to a document
    they do not have (the team's internal design notes)."""
    needle = "DES" "IGN"   # split, so that this file does not name it either
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True,
                             check=True).stdout.decode().split("\0")
    naming = [name for name in filter(None, tracked) if (ROOT / name).is_file()
              and needle in (ROOT / name).read_text(encoding="utf-8", errors="replace")]
    assert len(tracked) > 50 and naming == []
