"""φ' as a function of an interval: a SymPy expression compiled into mpmath ``iv`` arithmetic
(outward rounded), so that F(X) ⊇ {φ'(z) : z ∈ X} for every box X, bounded or not (used by
``derive._certify``).

Numbers enter exactly (a Rational as an enclosure of p/q, a Float by its binary value); exp,
log, sqrt, sin, cos and integer powers are mpmath's interval functions; the monotone functions
tanh, atan, erf, erfc, sinh and the normal CDF are enclosed from their values at the two ends
(computed with 20 extra digits, widened by 10^-(dps+5) relative).  Anything else raises
``Unsupported``: then no enclosure, and no certificate.  A product whose plain enclosure is not
finite (z·e^{−z²} on [A, ∞) gives [A, ∞]·[0, e^{−A²}]) is bounded by the monotone rule of
``_product`` ((log|g|)' enclosed; |g| largest at one end where it excludes 0).  Call under
``mpmath.workdps`` equal to ``iv.dps`` (as ``derive._certify`` does).
"""

import sympy as sp

from derive._iv_functions import (
    MONOTONE_LIMITS,
    exact_mpf,
    magnitude_of,
    monotone,
    nonnegative,
    positive,
)

__all__ = ["Unsupported", "compile_interval"]


_PLAIN = False     # True while a product's (log|p|)' is compiled: no rule inside it


class Unsupported(ValueError):
    """The expression holds a function interval arithmetic here cannot enclose."""


_BOUNDED = (sp.sin, sp.cos, sp.tanh, sp.atan, sp.erf)   # enclosed as they are, never ±∞


def compile_interval(expr, z):
    """A function X ↦ an ``iv.mpf`` enclosing ``expr`` over the ``iv.mpf`` box X (built and
    called under the same ``iv.dps``: its constants are enclosed once, at that precision).

    >>> from mpmath import iv
    >>> z = sp.Symbol("z", real=True)
    >>> f = compile_interval(1 / (1 + z**2), z)
    >>> f(iv.mpf([1, 2])).b <= 0.5 and f(iv.mpf([1, 2])).a <= 0.2
    True
    """
    return _build(expr, z)


def _build(expr, z):
    from mpmath import iv

    if expr == z:
        return lambda x: x
    if expr.is_Rational:
        rational = iv.mpf(int(expr.p)) / int(expr.q)
        return lambda x: rational
    if expr.is_Float:
        value = iv.mpf(exact_mpf(expr._mpf_))
        return lambda x: value
    if expr in (sp.pi, sp.E):
        constant = iv.pi if expr == sp.pi else iv.e
        return lambda x: constant
    if isinstance(expr, sp.Add):
        return _fold(expr.args, z, lambda a, b: a + b)
    if isinstance(expr, sp.Mul):
        return _product(expr, z)
    if isinstance(expr, sp.Pow):
        return _power(expr, z)
    if isinstance(expr, sp.Function) and len(expr.args) == 1:
        return _function(expr, z)
    raise Unsupported(f"interval arithmetic cannot enclose {expr}")


def _fold(args, z, op):
    parts = [_build(a, z) for a in args]

    def folded(x):
        out = parts[0](x)
        for part in parts[1:]:
            out = op(out, part(x))
        return out

    return folded


def _product(expr, z):
    """A product, and where its enclosure is not finite on a box (z·e^{−z²} on [A, ∞): ∞·0)
    the monotone rule on log|g| for the factors g that are not bounded functions (sin, cos,
    tanh, atan, erf, whose enclosure is used as it is): where D(X) ⊇ (log|g|)' = Σ g_i'/g_i
    excludes 0, |g| is monotone on X (a factor vanishing inside would make D reach ±∞ on both
    sides of 0), so |g| ≤ |g| at the end it decreases towards, and |p| ≤ that · max|bounded|."""
    direct = _fold(expr.args, z, lambda a, b: a * b)
    if _PLAIN or not expr.has(z):
        return direct
    growing = [f for f in expr.args if not isinstance(f, _BOUNDED)]
    kept = [f for f in expr.args if isinstance(f, _BOUNDED)]
    if not any(f.has(z) for f in growing):
        return direct
    grow = _fold(growing, z, lambda a, b: a * b)
    rest = _fold(kept, z, lambda a, b: a * b) if kept else None
    slope = []          # compiled when first needed, without this rule (no recursion)

    def compiled_slope():
        global _PLAIN
        if not slope:
            slopes = [_log_slope(f, z) for f in growing if f.has(z)]
            _PLAIN = True
            try:
                slope.append(None if None in slopes else _build(sp.Add(*slopes), z))
            except Unsupported:
                slope.append(None)
            finally:
                _PLAIN = False
        return slope[0]

    def product(x):
        out = direct(x)
        if (_finite(out) and not _unbounded(x)) or x.a == x.b:
            return out
        if compiled_slope() is None:
            return out
        try:
            bound = _monotone_bound(grow, slope[0], x)
            if bound is not None and rest is not None:
                bound = bound * rest(x)
        except (ArithmeticError, ValueError, TypeError, ZeroDivisionError):
            return out
        return out if bound is None else _meet(out, bound)

    return product


def _log_slope(f, z):
    """(log|f|)' as a SymPy expression, or None where it is not smooth (Abs, sign)."""
    if isinstance(f, sp.Pow) and f.exp.is_Rational:
        inner = _log_slope(f.base, z)
        return None if inner is None else f.exp * inner
    if isinstance(f, sp.exp):
        return sp.diff(f.args[0], z)
    if f == z:
        return 1 / z
    if f.has(sp.Abs, sp.sign, sp.Piecewise, sp.Heaviside, sp.Max, sp.Min):
        return None
    return sp.diff(f, z) / f


def _monotone_bound(direct, slope, x):
    """[−m, m] with m = |p| at the end of X where |p| is largest, or None (D(X) ∋ 0)."""
    import mpmath
    from mpmath import iv

    d = slope(x)
    d_lo, d_hi = exact_mpf(d.a._mpi_[0]), exact_mpf(d.b._mpi_[1])
    lo, hi = exact_mpf(x.a._mpi_[0]), exact_mpf(x.b._mpi_[1])
    if not (d_hi < 0 or d_lo > 0):
        return None
    ends = [lo, hi] if not _unbounded(x) else [lo] if d_hi < 0 else [hi]
    if any(mpmath.isinf(e) for e in ends):
        return None
    with mpmath.workprec(max(mpmath.mp.prec, iv.prec)):     # |·| exact at iv's precision
        m = max(_magnitude(direct(iv.mpf([e, e]))) for e in ends)
    return None if mpmath.isinf(m) or mpmath.isnan(m) else iv.mpf([-m, m])


def _magnitude(value):
    import mpmath

    a, b = exact_mpf(value.a._mpi_[0]), exact_mpf(value.b._mpi_[1])
    return max(abs(a), abs(b)) if not (mpmath.isnan(a) or mpmath.isnan(b)) else mpmath.nan


def _finite(value):
    from mpmath.libmp import finf, fnan, fninf

    a, b = value._mpi_
    return a not in (finf, fninf, fnan) and b not in (finf, fninf, fnan)


def _unbounded(x):
    return not _finite(x)


def _meet(out, bound):
    """The intersection of two enclosures of one value (``out`` may be NaN or unbounded)."""
    import mpmath
    from mpmath import iv

    a, b = exact_mpf(out.a._mpi_[0]), exact_mpf(out.b._mpi_[1])
    c, d = exact_mpf(bound.a._mpi_[0]), exact_mpf(bound.b._mpi_[1])
    if mpmath.isnan(a) or mpmath.isnan(b):
        return bound
    return iv.mpf([max(a, c), min(b, d)])


def _power(expr, z):
    from mpmath import iv

    base, exponent = _build(expr.base, z), expr.exp
    if exponent.is_Integer:
        n = int(exponent)
        return (lambda x: base(x) ** n) if n >= 0 else (lambda x: 1 / base(x) ** -n)
    if exponent == sp.Rational(1, 2):
        return lambda x: iv.sqrt(nonnegative(base(x)))
    if exponent == sp.Rational(-1, 2):
        return lambda x: 1 / iv.sqrt(nonnegative(base(x)))
    if expr.base == sp.E:
        power = _build(exponent, z)
        return lambda x: iv.exp(power(x))
    power = _build(exponent, z)
    return lambda x: iv.exp(power(x) * iv.log(positive(base(x))))


def _function(expr, z):
    from mpmath import iv

    inner = _build(expr.args[0], z)
    name = type(expr).__name__
    if name in ("exp", "sin", "cos"):
        f = getattr(iv, name)
        return lambda x: f(inner(x))
    if name == "log":
        return lambda x: iv.log(positive(inner(x)))
    if name == "cosh":
        return lambda x: (iv.exp(inner(x)) + iv.exp(-inner(x))) / 2
    if name == "sech":
        return lambda x: 2 / (iv.exp(inner(x)) + iv.exp(-inner(x)))
    if name == "Abs":
        return lambda x: magnitude_of(inner(x))
    if name == "normal_cdf":
        name = "ncdf"
    if name in MONOTONE_LIMITS:
        return monotone(name, inner)
    raise Unsupported(f"interval arithmetic cannot enclose {name}")
