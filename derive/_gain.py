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

Every candidate also says where it holds: a constant piece on its whole interval, a critical
point or a closed end at that point, a one-sided limit only in the limit.  The candidates that
tie with γ_φ give the set {z : |φ'(z)| = γ_φ} (the union of their places) and the limits that
approach γ_φ without being attained (z → ∞ for softplus); see ``Gain``.
"""

from dataclasses import dataclass

import sympy as sp
from sympy.calculus.util import continuous_domain
from sympy.polys.polyerrors import BasePolynomialError

from derive._roots import GRID_HALF_WIDTH, ROOT_DIGITS, _bisect, _grid_signs, _mpf, _search_grid

GAMMA_DIGITS = 40         # digits kept for a numeric γ
__all__ = ["GAMMA_DIGITS", "GRID_HALF_WIDTH", "ROOT_DIGITS", "Gain", "activation_gain",
           "derivative_pieces"]
_COMPARE_DIGITS = 50


_TIE_DIGITS = GAMMA_DIGITS - 5  # candidates this close to γ_φ (relative) tie with it


@dataclass(frozen=True)
class Gain:
    """γ_φ with where it is attained and whether it is exact.

    ``value`` is exact (a SymPy number such as 1, 1/4 or an erf expression) when ``exact``;
    otherwise a Float of ``GAMMA_DIGITS`` digits whose last digits are certified by bisection.
    ``attained`` is the set {z : |φ'(z)| = γ_φ} (a SymPy Set, EmptySet when γ_φ is only a
    limit); ``approached`` the one-sided limits (point, direction) with |φ'| → γ_φ that the
    closure of ``attained`` does not already contain, e.g. ((oo, "-"),) for softplus.
    """

    value: sp.Expr
    exact: bool
    attained: sp.Set
    approached: tuple


@dataclass(frozen=True)
class _Candidate:
    """|φ'| (or its one-sided limit) somewhere: on the set ``where`` (attained) or as the
    limit (point, direction) in ``limit``."""

    value: sp.Expr
    exact: bool
    where: sp.Set | None = None
    limit: tuple | None = None


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
    best = max(candidates, key=lambda c: _magnitude(c.value))
    ties = [c for c in candidates if _ties(c.value, best.value)]
    attained = sp.Union(*[c.where for c in ties if c.where is not None])
    attained = sp.S.Reals if attained == sp.S.Reals else attained  # not Interval(-oo, oo)
    approached = tuple(sorted({c.limit for c in ties if c.limit is not None
                               and not _covered(c.limit[0], attained)}, key=_limit_key))
    return Gain(best.value, best.exact, attained, approached)


def _ties(value, best):
    """|value| = |best| to ``_TIE_DIGITS`` relative digits (exactly, for exact values that
    SymPy can compare)."""
    a, b = _magnitude(value), _magnitude(best)
    if b == float("inf") or a == float("inf"):
        return a == b
    return abs(a - b) <= sp.Float(10) ** -_TIE_DIGITS * max(b, 1)


def _covered(point, attained):
    """Whether the limit point lies in the closure of the attained set (then the limit adds
    nothing: relu's 0+ next to (0, ∞)); ±∞ is covered when the set is unbounded that way."""
    if attained == sp.S.EmptySet:
        return False
    if point == sp.oo:
        return attained.sup == sp.oo
    if point == -sp.oo:
        return attained.inf == -sp.oo
    return bool(attained.closure.contains(point))


def _limit_key(limit):
    point, direction = limit
    return (float(point), direction)


def _magnitude(value):
    if value in (sp.oo, -sp.oo, sp.zoo):
        return float("inf")
    return sp.Abs(value).evalf(_COMPARE_DIGITS)


def _interval_candidates(expr, interval, z):
    lo, hi = interval.start, interval.end
    if lo == hi:
        return [_Candidate(sp.Abs(expr.subs(z, lo)), True, where=sp.FiniteSet(lo))]
    if not expr.has(z):  # a constant piece: attained on all of it
        return [_Candidate(sp.Abs(expr), True, where=interval)]
    out = [_end_value(expr, z, lo, "+"), _end_value(expr, z, hi, "-")]
    out.extend(_closed_end_values(expr, z, interval))
    out.extend(_singular_values(expr, z, interval))
    out.extend(_critical_values(expr, z, interval))
    return out


def _closed_end_values(expr, z, interval):
    """|φ'| at the finite ends that belong to the piece (attained there)."""
    ends = [(interval.start, interval.left_open), (interval.end, interval.right_open)]
    out = []
    for end, is_open in ends:
        value = expr.subs(z, end) if end.is_finite and not is_open else None
        if value is not None and value.is_finite:
            out.append(_Candidate(sp.Abs(value), True, where=sp.FiniteSet(end)))
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
    return _Candidate(_abs_exact(value), True, limit=(point, direction))


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
            out.extend(_Candidate(sp.Abs(sp.simplify(expr.subs(z, r))), True,
                                  where=sp.FiniteSet(r)) for r in roots)
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
    """Roots of φ'' (``factor``) bracketed on a grid: 1023 points across the window
    [-GRID_HALF_WIDTH, GRID_HALF_WIDTH] plus points growing by 5/4 out to ±2^16 on unbounded
    sides; a grid point where the sign is exactly 0 is a root itself."""
    out = []
    grid = _search_grid(interval)
    signs = _grid_signs(factor, z, grid)
    for point, sign in zip(grid, signs, strict=True):
        if sign == 0:
            out.append(_numeric_gain(expr, z, point))
    nonzero = [(p, q) for p, q in zip(grid, signs, strict=True) if q != 0]
    for (left, s_left), (right, s_right) in zip(nonzero, nonzero[1:], strict=False):
        if s_left * s_right < 0:
            out.append(_numeric_gain(expr, z, _bisect(factor, z, left, right, s_left)))
    return out


def _numeric_gain(expr, z, root):
    """|φ'| at a root of φ'' found numerically, in 60-digit arithmetic, kept to 40 digits.
    (A spurious root from rounding noise only adds a true value |φ'(p)| <= γ: never an
    overestimate.)"""
    import mpmath

    f = sp.lambdify(z, expr, "mpmath")
    with mpmath.workdps(GAMMA_DIGITS + 20):
        root = _mpf(root)
        value = abs(mpmath.re(f(root)))
        at = sp.Float(mpmath.nstr(root, GAMMA_DIGITS + 5), GAMMA_DIGITS)
        return _Candidate(sp.Float(mpmath.nstr(value, GAMMA_DIGITS + 5), GAMMA_DIGITS), False,
                          where=sp.FiniteSet(at))


