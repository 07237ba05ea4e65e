"""γ_φ = sup_z |φ'(z)|, derived piece by piece.

``sympy.maximum`` cannot handle Heaviside, Max/Min or Piecewise derivatives, so φ' is first
written as a Piecewise over disjoint intervals of the real line.  On each interval (a, b) the
supremum of |φ'| is the largest of

* the one-sided limits of φ' at finite ends (a kinks' two sides are two candidates),
* the limits of φ' at ±∞ for unbounded ends,
* the values of φ' at the critical points of φ' inside (a, b): the roots of φ''.

Roots of φ'' come from ``solveset`` when it finds them in closed form (γ is then exact); when it
cannot (silu: z·tanh(z/2) = 2) each root is bracketed by a sign change of φ'' on a sample grid
over [-GRID_HALF_WIDTH, GRID_HALF_WIDTH] and refined by bisection to ``ROOT_DIGITS`` digits.
Roots of φ'' that do not change sign are inflections of φ', not extrema, and are rightly skipped.
"""

from dataclasses import dataclass

import sympy as sp
from sympy.calculus.util import continuous_domain
from sympy.polys.polyerrors import BasePolynomialError

ROOT_DIGITS = 45          # bisection width 10^-45: γ's error is far below 10^-40
GAMMA_DIGITS = 40         # digits kept for a numeric γ
GRID_HALF_WIDTH = 64      # numeric root search window
_COMPARE_DIGITS = 50


@dataclass(frozen=True)
class Gain:
    """γ_φ with where it is attained and whether it is exact.

    ``value`` is exact (a SymPy number such as 1, 1/4 or an erf expression) when ``exact``;
    otherwise a Float of ``GAMMA_DIGITS`` digits whose last digits are certified by bisection.
    ``at`` is the argument z where |φ'| reaches γ (±oo for a limit at infinity).
    """

    value: sp.Expr
    exact: bool
    at: sp.Expr


def derivative_pieces(dphi, z):
    """φ' as ``[(expr, interval), ...]`` with disjoint intervals covering the real line."""
    if isinstance(dphi, sp.Piecewise):
        pairs = dphi.as_expr_set_pairs(sp.S.Reals)
    else:
        pairs = [(dphi, sp.S.Reals)]
    pieces = []
    for expr, domain in pairs:
        parts = domain.args if isinstance(domain, sp.Union) else (domain,)
        for part in parts:
            if isinstance(part, sp.Interval):
                pieces.append((expr, part))
            elif isinstance(part, sp.FiniteSet):
                pieces.extend((expr, sp.Interval(p, p)) for p in part)
            elif part != sp.S.EmptySet:
                raise ValueError(f"cannot split φ' into intervals: piece domain {part}")
    return pieces


def activation_gain(dphi, z):
    """γ_φ = sup_z |φ'(z)| for φ' given as a SymPy expression in the real symbol ``z``."""
    candidates = []
    for expr, interval in derivative_pieces(dphi, z):
        candidates.extend(_interval_candidates(expr, interval, z))
    if not candidates:
        raise ValueError("φ' has no pieces on the real line")
    return max(candidates, key=lambda c: _magnitude(c.value))


def _magnitude(value):
    if value in (sp.oo, -sp.oo, sp.zoo):
        return float("inf")
    return sp.Abs(value).evalf(_COMPARE_DIGITS)


def _interval_candidates(expr, interval, z):
    lo, hi = interval.start, interval.end
    if lo == hi:
        return [Gain(sp.Abs(expr.subs(z, lo)), True, lo)]
    if not expr.has(z):  # a constant piece: attained anywhere in it, report a finite point
        at = lo if lo.is_finite else hi if hi.is_finite else sp.Integer(0)
        return [Gain(sp.Abs(expr), True, at)]
    out = [_end_value(expr, z, lo, "+"), _end_value(expr, z, hi, "-")]
    if expr.has(z):
        out.extend(_singular_values(expr, z, interval))
        out.extend(_critical_values(expr, z, interval))
    return out


def _singular_values(expr, z, interval):
    """One-sided limits of φ' where it is discontinuous inside the interval (a pole: ∞)."""
    inner = sp.Interval.open(interval.start, interval.end)
    try:
        gaps = sp.Complement(inner, continuous_domain(expr, z, inner))
    except NotImplementedError:  # erf and friends: entire, so only the denominator matters
        gaps = sp.solveset(sp.denom(sp.together(expr)), z, inner)
    if gaps == sp.S.EmptySet:
        return []
    if not isinstance(gaps, sp.FiniteSet):
        raise ValueError(f"φ' is discontinuous on {gaps}")
    return [_end_value(expr, z, p, side) for p in gaps for side in "+-"]


def _end_value(expr, z, point, direction):
    value = sp.limit(expr, z, point, direction) if expr.has(z) else expr
    if isinstance(value, sp.AccumBounds):  # oscillating tail: its limit points bound sup|φ'|
        value = sp.Max(sp.Abs(value.min), sp.Abs(value.max))
    if value.has(sp.Limit, sp.AccumBounds, sp.nan):
        raise ValueError(f"φ' has no limit at z = {point}: got {value}")
    return Gain(_abs_exact(value), True, point)


def _abs_exact(value):
    return sp.oo if value in (sp.oo, -sp.oo, sp.zoo) else sp.Abs(value)


def _critical_values(expr, z, interval):
    d2 = sp.diff(expr, z)
    numerator = sp.numer(sp.together(d2))
    try:
        factors = [f for f, _ in sp.factor_list(numerator)[1]]
    except BasePolynomialError:  # not a polynomial in anything (2**z): solve it whole
        factors = [numerator]
    out = []
    for factor in factors:
        if not factor.has(z):
            continue
        roots = _solve_exactly(factor, z, interval)
        if roots is not None:
            out.extend(Gain(sp.Abs(sp.simplify(expr.subs(z, r))), True, r) for r in roots)
        else:
            out.extend(_numeric_critical_values(expr, factor, z, interval))
    return out


def _solve_exactly(factor, z, interval):
    """Roots of ``factor`` in the open interval, or None when no closed form is found."""
    open_interval = sp.Interval.open(interval.start, interval.end)
    try:
        roots = sp.solveset(factor, z, open_interval)
    except (NotImplementedError, ValueError, TypeError):
        return None
    if isinstance(roots, sp.FiniteSet) and all(r.is_real for r in roots):
        return list(roots)
    if roots == sp.S.EmptySet:
        return []
    return None


def _numeric_critical_values(expr, factor, z, interval):
    lo = max(interval.start, -GRID_HALF_WIDTH)
    hi = min(interval.end, GRID_HALF_WIDTH)
    if lo >= hi:
        return []
    grid = [lo + (hi - lo) * sp.Rational(i, 1024) for i in range(1, 1024)]
    signs = [_sign(factor, z, p) for p in grid]
    out = []
    for left, right, s_left, s_right in zip(grid, grid[1:], signs, signs[1:], strict=False):
        if s_left * s_right < 0:
            root = _bisect(factor, z, left, right, s_left)
            value = sp.Abs(expr.evalf(GAMMA_DIGITS + 10, subs={z: root}))
            out.append(Gain(sp.Float(value, GAMMA_DIGITS), False, sp.Float(root, GAMMA_DIGITS)))
    return out


def _sign(f, z, point, digits=30):
    value = f.evalf(digits, subs={z: point})
    if not value.is_real:
        raise ValueError(f"φ'' is not real at z = {point}")
    return 1 if value.is_positive else -1 if value.is_negative else 0


def _bisect(f, z, left, right, s_left):
    """Shrink [left, right] keeping the sign change until it is 10^-ROOT_DIGITS wide."""
    left, right = sp.Float(left, ROOT_DIGITS + 15), sp.Float(right, ROOT_DIGITS + 15)
    width = sp.Float(10, ROOT_DIGITS + 15) ** (-ROOT_DIGITS)
    while right - left > width:
        mid = (left + right) / 2
        s_mid = _sign(f, z, mid, ROOT_DIGITS + 15)
        if s_mid == 0:
            return mid
        if s_mid == s_left:
            left = mid
        else:
            right = mid
    return (left + right) / 2
