"""Shared by the derive.rnn tests: hand-built real symbols, Float detection, exact columns and
the 2×2 tanh case written out in the tests with Fractions and mpmath."""

from fractions import Fraction

import sympy as sp


def R(name):
    """A real symbol, as the spec promises every generated symbol to be."""
    return sp.Symbol(name, real=True)


def floats_in(expr):
    """Every Float atom anywhere inside ``expr`` (a SymPy expression or matrix)."""
    if isinstance(expr, sp.MatrixBase):
        return [f for entry in expr for f in floats_in(entry)]
    return [a for a in sp.preorder_traversal(expr) if isinstance(a, sp.Float)]


def column(values):
    return sp.ImmutableMatrix([[sp.Rational(Fraction(v).numerator, Fraction(v).denominator)]
                               for v in values])


CASE = dict(W_hh=[[0.5, -0.3], [0.2, 0.9]], W_xh=[[1.0], [0.5]], b_h=[0.1, -0.2],
            h0=[0.3, -0.1], x=[[0.2], [0.7], [-0.4]])
