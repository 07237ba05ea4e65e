"""Numeric root search for φ'' where SymPy finds no closed form: a sign-change grid and
bisection in fixed-precision mpmath (used by ``derive._gain``)."""

import sympy as sp

ROOT_DIGITS = 45          # bisection width 10^-45: γ's error is far below 10^-40
GRID_HALF_WIDTH = 64      # numeric root search window


def _grid_signs(factor, z, grid, digits=40):
    """Signs of φ'' on the grid in fixed 40-digit arithmetic (evalf's adaptive precision can
    take seconds per point where φ'' is tiny); exact zeros stay 0.  Bisection then certifies."""
    import mpmath

    f = sp.lambdify(z, factor, "mpmath")
    with mpmath.workdps(digits):
        values = [f(_mpf(p)) for p in grid]
    return [0 if v == 0 else (1 if v > 0 else -1) for v in (mpmath.re(v) for v in values)]


def _search_grid(interval):
    lo = max(interval.start, -GRID_HALF_WIDTH)
    hi = min(interval.end, GRID_HALF_WIDTH)
    inner = [lo + (hi - lo) * sp.Rational(i, 1024) for i in range(1, 1024)] if lo < hi else []
    outer, step = [], sp.Integer(GRID_HALF_WIDTH)
    while step < 2**16:
        step = step * 5 / 4
        outer.append(step)
    left = [-p for p in reversed(outer) if -p > interval.start]
    right = [p for p in outer if p < interval.end]
    return left + inner + right


def _bisect(f, z, left, right, s_left):
    """Shrink [left, right] keeping the sign change of φ'' until it is 10^-ROOT_DIGITS wide
    (fixed ROOT_DIGITS + 15 digit arithmetic)."""
    import mpmath

    g = sp.lambdify(z, f, "mpmath")
    with mpmath.workdps(ROOT_DIGITS + 15):
        left, right = _mpf(left), _mpf(right)
        width = mpmath.mpf(10) ** (-ROOT_DIGITS)
        while right - left > width:
            mid = (left + right) / 2
            value = mpmath.re(g(mid))
            if value == 0:
                return mid
            if (value > 0) == (s_left > 0):
                left = mid
            else:
                right = mid
        return (left + right) / 2


def _mpf(value):
    """A SymPy number (or an mpf) as an mpf at the current precision."""
    import mpmath

    if isinstance(value, sp.Rational):
        return mpmath.mpf(value.p) / value.q
    if isinstance(value, sp.Basic):
        return mpmath.mpf(str(sp.Float(value, mpmath.mp.dps)))
    return mpmath.mpf(value)
