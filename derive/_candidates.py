"""The candidates for γ_φ = sup_z |φ'(z)| on each piece of φ', each with where it holds.

φ' is first written as a Piecewise over disjoint intervals of the real line
(``derivative_pieces``).  On each interval (a, b) the candidates are

* the one-sided limits of φ' at finite ends (a kink's two sides are two candidates), and |φ'|
  at the ends that belong to the piece,
* the limits of φ' at ±∞ for unbounded ends (where φ' has none, as cos z: the largest of its
  accumulation values, from SymPy's AccumBounds, marked ``oscillates``),
* one-sided limits where φ' is discontinuous inside (a pole: ∞),
* |φ'| at the critical points of φ' inside (a, b), the roots of φ'': exact from ``solveset``
  (a finite set, or lattices {c + p·k : k ∈ ℤ} on which |φ'| is one value), else found by the
  grid search of ``derive._roots`` (rounded up, ``exact`` False; the interval is noted in
  ``searched``).

Which candidate is γ_φ, and whether it is certified, is ``derive._gain``'s job.
"""

from dataclasses import dataclass

import sympy as sp
from sympy.calculus.util import continuous_domain
from sympy.polys.polyerrors import BasePolynomialError

from derive._lattice import lattice_value, plainer, simplified_lattice
from derive._roots import numeric_critical_values

__all__ = ["Candidate", "derivative_pieces", "piece_candidates"]


@dataclass(frozen=True)
class Candidate:
    """|φ'| (or its one-sided limit) somewhere: on the set ``where`` (attained) or as the
    limit (point, direction) in ``limit`` (``oscillates``: φ' has no limit there and ``value``
    is the largest accumulation value of |φ'|)."""

    value: sp.Expr
    exact: bool
    where: sp.Set | None = None
    limit: tuple | None = None
    oscillates: bool = False


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


def piece_candidates(expr, interval, z, searched):
    """The candidates of one piece (φ' = ``expr`` on ``interval``); intervals searched on a
    grid are appended to ``searched`` as (interval, every root enclosed)."""
    lo, hi = interval.start, interval.end
    if lo == hi:
        return [Candidate(sp.Abs(expr.subs(z, lo)), True, where=sp.FiniteSet(lo))]
    if not expr.has(z):  # a constant piece: attained on all of it
        return [Candidate(sp.Abs(expr), True, where=interval)]
    out = [_end_value(expr, z, lo, "+"), _end_value(expr, z, hi, "-")]
    out.extend(_closed_end_values(expr, z, interval))
    out.extend(_singular_values(expr, z, interval))
    out.extend(_critical_values(expr, z, interval, searched))
    return out


def _closed_end_values(expr, z, interval):
    """|φ'| at the finite ends that belong to the piece (attained there)."""
    ends = [(interval.start, interval.left_open), (interval.end, interval.right_open)]
    out = []
    for end, is_open in ends:
        value = expr.subs(z, end) if end.is_finite and not is_open else None
        if value is not None and value.is_finite:
            out.append(Candidate(sp.Abs(value), True, where=sp.FiniteSet(end)))
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
    oscillates = isinstance(value, sp.AccumBounds)
    if oscillates:  # no limit: its accumulation values bound sup|φ'| near the end
        value = sp.Max(sp.Abs(value.min), sp.Abs(value.max))
    if value.has(sp.Limit, sp.AccumBounds, sp.nan):
        raise ValueError(f"φ' has no limit as z → {_approach(point, direction)} and its "
                         "largest values there have no closed form; use a registered "
                         "--activation, or a formula whose derivative settles or repeats "
                         "with one period")
    return Candidate(_abs_exact(value), True, limit=(point, direction), oscillates=oscillates)


def _approach(point, direction):
    """z → ``point`` in words: "+∞", "−∞", "0 from above".

    >>> _approach(-sp.oo, "+"), _approach(sp.Integer(0), "-")
    ('−∞', '0 from below')
    """
    if point in (sp.oo, -sp.oo):
        return "+∞" if point == sp.oo else "−∞"
    return f"{point} from {'above' if direction == '+' else 'below'}"


def _abs_exact(value):
    return sp.oo if value in (sp.oo, -sp.oo, sp.zoo) else sp.Abs(value)


def _critical_values(expr, z, interval, searched):
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
        found = _solve_exactly(expr, factor, z, interval)
        if found is None:
            found, enclosed = _numeric_critical_values(expr, factor, z, interval)
            searched.append((interval, enclosed))
        out.extend(found)
    return out


def _solve_exactly(expr, factor, z, interval):
    """Candidates at the roots of ``factor`` in the open interval, or None when no closed form
    is found: a finite set of roots, or lattices of roots on each of which |φ'| is one value."""
    open_interval = sp.Interval.open(interval.start, interval.end)
    try:
        roots = sp.solveset(factor, z, open_interval)
    except (NotImplementedError, ValueError, TypeError):
        return None
    if roots == sp.S.EmptySet:
        return []
    if isinstance(roots, sp.FiniteSet) and all(r.is_real for r in roots):
        return [Candidate(sp.Abs(sp.simplify(expr.subs(z, r))), True, where=sp.FiniteSet(r))
                for r in roots]
    parts = roots.args if isinstance(roots, sp.Union) else (roots,)
    found = [lattice_value(expr, z, part) or lattice_value(expr, z, simplified_lattice(part))
             for part in parts]
    if any(f is None for f in found):
        return None
    return [Candidate(plainer(value), True, where=where) for value, where in found]


def _numeric_critical_values(expr, factor, z, interval):
    found = numeric_critical_values(expr, factor, z, interval)
    return [Candidate(upper, False, where=sp.FiniteSet(at)) for upper, _, at, _ in found], \
        all(enclosed for *_, enclosed in found)
