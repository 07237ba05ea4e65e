"""Conversion of user numbers to exact SymPy numbers (0.5 -> 1/2, never a Float)."""

import math
import numbers
import re
from fractions import Fraction

import sympy as sp

_DECIMAL = re.compile(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?")


def exact_number(value, what):
    """``value`` as an exact SymPy expression; ValueError naming ``what`` otherwise.

    ints, ``Fraction``s and rationals stay exact; floats become the Rational of their shortest
    decimal repr (0.1 -> 1/10); SymPy Floats likewise; other SymPy expressions (symbols, sqrt(2))
    are kept when real and finite.  Strings are refused: they would need parsing.

    >>> exact_number(0.5, "w")
    1/2
    """
    if isinstance(value, bool) or isinstance(value, (str, bytes)):
        raise ValueError(f"{what} must be a number, got {type(value).__name__} {value!r}")
    if isinstance(value, sp.Basic):
        return _exact_sympy(value, what)
    if isinstance(value, numbers.Integral):
        return sp.Integer(int(value))
    if isinstance(value, (Fraction, numbers.Rational)):
        return sp.Rational(int(value.numerator), int(value.denominator))
    if isinstance(value, numbers.Real):
        number = float(value)
        if not math.isfinite(number):
            raise ValueError(f"{what} must be finite, got {number!r}")
        text = repr(number) if isinstance(value, float) else str(value)  # np.float32(0.1): 0.1
        return sp.Rational(text if _DECIMAL.fullmatch(text) else repr(number))
    raise ValueError(f"{what} must be a real number, got {type(value).__name__} {value!r}")


def _exact_sympy(value, what):
    if not isinstance(value, sp.Expr) or isinstance(value, sp.MatrixBase):
        raise ValueError(f"{what} must be a scalar expression, got {type(value).__name__}")
    if value.has(sp.nan, sp.oo, -sp.oo, sp.zoo):
        raise ValueError(f"{what} must be finite, got {value}")
    if isinstance(value, sp.Float):
        return sp.Rational(str(value))
    value = value.xreplace({f: sp.Rational(str(f)) for f in value.atoms(sp.Float)})
    if value.is_extended_real is False:
        raise ValueError(f"{what} must be real, got {value}")
    return value
