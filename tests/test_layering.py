"""Layering: derive imports SymPy only; numeric does not load matplotlib; the packages import
each other only through their ``__init__`` exports.

The static check parses (ast) every module of derive/, numeric/ and reports/.  A module may use
another package only as ``import P`` / ``from P import name`` with ``name`` in ``P.__all__``
(and ``P.name`` attributes likewise): never a submodule (``from derive.notation import ...``,
``import numeric.rnn``), never a private name.  Allowed directions: numeric → derive,
reports → derive and numeric; derive imports neither.  tests/ may reach into internals.
"""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("derive", "numeric", "reports")
MAY_IMPORT = {"derive": set(), "numeric": {"derive"}, "reports": {"derive", "numeric"}}
HEAVY = {"derive": ("numpy", "matplotlib", "numeric", "reports"),
         "numeric": ("matplotlib", "reports")}


@pytest.mark.parametrize("package", sorted(HEAVY))
def test_import_does_not_load_heavy_modules(package):
    code = (f"import sys, {package}; "
            f"print(','.join(m for m in {HEAVY[package]!r} if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=ROOT)
    assert out.stdout.strip() == ""


def exports(package):
    """The names in ``package/__init__.py``'s ``__all__`` (a literal list)."""
    tree = ast.parse((ROOT / package / "__init__.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "__all__"
                                                for t in node.targets):
            return frozenset(ast.literal_eval(node.value))
    return frozenset()


def violations(source, own, exported):
    """Every way ``source`` (a module of package ``own``) uses another package other than
    through its exports; ``exported`` maps each package to its ``__all__``."""
    found, bound = [], {}  # bound: local name -> package imported as a whole
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                top, _, rest = alias.name.partition(".")
                if top in PACKAGES and top != own:
                    if top not in MAY_IMPORT[own]:
                        found.append(f"line {node.lineno}: {own} must not import {top}")
                    elif rest:
                        found.append(f"line {node.lineno}: import {alias.name}: {_kind(rest)}")
                    else:
                        bound[alias.asname or top] = top
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            top, _, rest = node.module.partition(".")
            if top in PACKAGES and top != own:
                if top not in MAY_IMPORT[own]:
                    found.append(f"line {node.lineno}: {own} must not import {top}")
                elif rest:
                    found.append(f"line {node.lineno}: from {node.module} import ...: "
                                 f"{_kind(rest)}")
                else:
                    found += [_name(top, alias.name, node.lineno, exported)
                              for alias in node.names]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) \
                and node.value.id in bound:
            found.append(_name(bound[node.value.id], node.attr, node.lineno, exported))
    return [f for f in found if f]


def _kind(submodule):
    private = any(part.startswith("_") for part in submodule.split("."))
    return "a private module" if private else "a submodule"


def _name(package, name, line, exported):
    if name.startswith("_"):
        return f"line {line}: {package}.{name}: a private name"
    if name not in exported[package]:
        return f"line {line}: {package}.{name}: not exported by {package}/__init__.py"
    return None


@pytest.mark.parametrize("package", PACKAGES)
def test_packages_use_each_other_only_through_their_exports(package):
    exported = {p: exports(p) for p in PACKAGES}
    modules = sorted((ROOT / package).rglob("*.py"))
    assert len(modules) > 2
    found = [f"{path.relative_to(ROOT)}: {problem}" for path in modules
             for problem in violations(path.read_text(encoding="utf-8"), package, exported)]
    assert found == []


@pytest.mark.parametrize("source, own, expected", [
    ("from derive.notation import latex", "reports", "derive.notation import ...: a submodule"),
    ("from derive._gain import derivative_pieces", "numeric", "._gain import ...: a private"),
    ("import derive.cells.cell", "numeric", "import derive.cells.cell: a submodule"),
    ("import numeric.rnn", "reports", "import numeric.rnn: a submodule"),
    ("import derive\nx = derive.notation.latex", "numeric", "derive.notation: not exported"),
    ("import derive as d\nd.RNN(1)._hash", "numeric", None),
    ("import derive as d\nd._gain", "numeric", "derive._gain: a private name"),
    ("from derive import _exact", "numeric", "derive._exact: a private name"),
    ("from derive import notation", "reports", "derive.notation: not exported"),
    ("def f():\n    import numeric", "derive", "derive must not import numeric"),
    ("from reports import cli", "numeric", "numeric must not import reports"),
    ("import reports", "derive", "derive must not import reports"),
    ("from derive import RNN, step_jacobian\nimport numeric\nnumeric.bptt", "reports", None),
    ("from numeric.rnn import _rescaled", "numeric", None),  # inside a package: anything
])
def test_the_layering_check_flags_each_kind_of_violation(source, own, expected):
    exported = {"derive": frozenset({"RNN", "step_jacobian"}), "numeric": frozenset({"bptt"}),
                "reports": frozenset()}
    found = violations(source, own, exported)
    if expected is None:
        assert found == []
    else:
        assert len(found) == 1 and expected in found[0], found


def test_the_exports_are_read_from_each_init():
    exported = {p: exports(p) for p in PACKAGES}
    assert {"RNN", "step_jacobian", "registry_entry"} <= exported["derive"]
    assert {"bptt", "mp_reference", "scalar_sweep"} <= exported["numeric"]
    import derive
    import numeric

    assert exported["derive"] == set(derive.__all__)
    assert exported["numeric"] == set(numeric.__all__)
