"""Shared fixtures: seeded randomness and the activation registry."""

import random

import pytest

import derive


@pytest.fixture
def rng():
    """A seeded random.Random, so every test draws the same numbers on every run."""
    return random.Random(20261123)


ACTIVATIONS = derive.activation_names()


def mp_values(matrix, values=None, dps=50):
    """Entries of a SymPy matrix evaluated in mpmath at ``dps`` digits, shared subexpressions
    computed once (lambdify with cse); ``values`` maps the free symbols to numbers."""
    import mpmath
    import sympy as sp

    values = values or {}
    symbols = sorted(values, key=str)
    function = sp.lambdify(symbols, list(matrix), modules="mpmath", cse=True)
    with mpmath.workdps(dps):
        return function(*[mpmath.mpf(sp.Rational(values[s]).p) / sp.Rational(values[s]).q
                          for s in symbols])
