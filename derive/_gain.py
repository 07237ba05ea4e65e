"""γ_φ = sup_z |φ'(z)|, derived piece by piece.

``sympy.maximum`` cannot handle Heaviside, Max/Min or Piecewise derivatives, so φ' is first
written as a Piecewise over disjoint intervals of the real line.  On each interval (a, b) the
supremum of |φ'| is the largest of

* the one-sided limits of φ' at finite ends (a kinks' two sides are two candidates),
* the limits of φ' at ±∞ for unbounded ends (where φ' has none, as cos z: the largest of its
  accumulation values, from SymPy's AccumBounds; no limit is then claimed),
* the values of φ' at the critical points of φ' inside (a, b): the roots of φ''.

Roots of φ'' come from ``solveset`` when it finds them in closed form (γ is then exact): a
finite set, or for periodic φ' lattices {c + p·k : k ∈ ℤ} on which |φ'| is one exact value (cos z:
1 on πk).  When it cannot (silu: z·tanh(z/2) = 2) each root is bracketed by a sign change of
φ'' on a sample grid (``derive._roots.grid_description``) and refined by bisection to
``ROOT_DIGITS`` digits; |φ'| there is rounded up to ``GAMMA_DIGITS`` digits after a margin for
the bracket, so each value found is an upper bound.  That search is numeric, not a proof that
every critical point was found (two roots between grid points, or one beyond the grid, are not
seen); ``Gain.method`` says so.  Roots of φ'' that do not change sign are inflections of φ', not
extrema, and are rightly skipped.

Where φ' is periodic on an unbounded piece (sin z cos z, period π; checked φ'(z + p) = φ'(z))
its accumulation values at ±∞ are dropped: sup over the piece is sup over one period, reached at
a critical point (SymPy's AccumBounds overestimate it: [−2, 2] for sin z cos z).

Where γ_φ is then not an exact closed form (roots of φ'' from the grid, or accumulation values
left), ``derive._certify`` bounds |φ'| over the whole line (a period for periodic pieces) by
interval arithmetic: L ≤ sup|φ'| ≤ U.  γ_φ is an exact candidate ≥ U (exact), else the search's
rounded-up value ≥ U, else an accumulation value ≥ U (an upper bound), else U rounded up (an upper
bound within 10^-40, with no attained set claimed); the grid alone is never trusted.  Where no
certificate is found the formula is refused (ValueError): never an unproven γ_φ.  The registry
is certified the same way (silu: the search's value, confirmed over the whole line).

Every candidate also says where it holds: a constant piece on its whole interval, a critical
point or a closed end at that point, a lattice of critical points, a one-sided limit only in
the limit.  The candidates that tie with γ_φ give the set {z : |φ'(z)| = γ_φ} (the union of
their places) and the limits that approach γ_φ without being attained (z → ∞ for softplus); see
``Gain``.
"""

from dataclasses import dataclass

import sympy as sp

from derive._candidates import Candidate, derivative_pieces, piece_candidates
from derive._certify import at_least, certify_sup
from derive._lattice import merge_lattices, period_domain, period_of, unbounded
from derive._methods import (
    ACCUMULATION_BOUND,
    CERTIFIED_BOUND,
    EXACT_AFTER_SEARCH,
    certified_method,
    numeric_method,
)
from derive._roots import GAMMA_DIGITS, grid_set, round_up

__all__ = ["TIE_DIGITS", "Gain", "activation_gain"]
_COMPARE_DIGITS = 50


TIE_DIGITS = GAMMA_DIGITS - 5  # candidates this close to γ_φ (relative) tie with it


@dataclass(frozen=True)
class Gain:
    """γ_φ with where it is attained and whether it is exact.

    ``value`` is exact (a SymPy number such as 1, 1/4 or an erf expression) when ``exact``;
    otherwise a Float of ``GAMMA_DIGITS`` digits rounded up from the critical values found
    numerically (an upper bound of each of them; ``method`` gives the search).
    ``attained`` is the set {z : |φ'(z)| = γ_φ} (a SymPy Set, EmptySet when γ_φ is only a
    limit; an ImageSet such as {2πk : k ∈ ℤ} for 1 + cos(z)/2); ``approached`` the one-sided
    limits (point, direction) with |φ'| → γ_φ that the closure of ``attained`` does not
    already contain, e.g. ((oo, "-"),) for softplus; only limits that exist (cos z has none).
    ``unlimited``: the ends (point, direction, AccumBounds of φ' there) where φ' has no limit
    but |φ'| comes back to γ_φ without end, outside the reach of ``attained`` (a lim sup).
    ``method``: "exact", or how the numeric value was found (``numeric_method``), or
    ``EXACT_AFTER_SEARCH`` when γ_φ is exact but some critical points came from the grid;
    ``grid``: the grid points where the sign of φ'' was sought (None: no numeric search).
    """

    value: sp.Expr
    exact: bool
    attained: sp.Set
    approached: tuple
    unlimited: tuple = ()
    method: str = "exact"
    grid: sp.Set | None = None


def activation_gain(dphi, z, certify=True):
    """γ_φ = sup_z |φ'(z)| for φ' given as a SymPy expression in the real symbol ``z``.

    Where φ' is periodic on an unbounded piece its end limits (accumulation bounds, an
    overestimate for sin z cos z) give way to one period.  Where the value is not an exact
    closed form (critical points from the grid search, or accumulation bounds left) and
    ``certify``, ``derive._certify`` bounds |φ'| over the whole line by interval arithmetic
    and γ_φ is made an upper bound it proves (``_certified``); ValueError when it cannot.
    """
    candidates, searched, domains = [], [], []
    for expr, interval in derivative_pieces(dphi, z):
        found = piece_candidates(expr, interval, z, searched)
        period = period_of(expr, z, interval) if any(c.oscillates for c in found) else None
        if period is not None:       # sup over the piece = sup over a period: critical points
            found = [c for c in found if not c.oscillates]
        candidates.extend(found)
        if interval.start != interval.end:   # a point's |φ'| is an exact candidate already
            domains.append((expr, period_domain(interval, period)))
    if not candidates:
        raise ValueError("φ' has no pieces on the real line")
    best = _best(candidates)
    method = ("exact" if not searched else EXACT_AFTER_SEARCH if best.exact
              else numeric_method(all(enclosed for _, enclosed in searched)))
    if certify and searched:
        best, method = _certified(candidates, domains, z)
    elif certify and any(c.oscillates for c in candidates):
        try:     # accumulation bounds at ±∞: confirmed where the boxes allow
            best, method = _certified(candidates, domains, z)
        except ValueError:   # every critical point exact: still an upper bound, maybe loose
            if best.oscillates:
                best = Candidate(best.value, False, best.where, best.limit, True)
                method = ACCUMULATION_BOUND
    ties = [c for c in candidates if _ties(c.value, best.value)]
    if method.startswith(CERTIFIED_BOUND):   # U itself: where |φ'| comes nearest is not shown
        ties = []
    attained = sp.Union(*[c.where for c in ties if c.where is not None])
    attained = sp.S.Reals if attained == sp.S.Reals else merge_lattices(attained)
    ends = {(c.limit, c.oscillates) for c in ties if c.limit is not None
            and not _covered(c.limit[0], attained)}
    approached = tuple(sorted({e for e, o in ends if not o}, key=_limit_key))
    unlimited = tuple((p, d, sp.limit(dphi, z, p, d)) for p, d in
                      sorted({e for e, o in ends if o}, key=_limit_key))
    grid = sp.Union(*[grid_set(i) for i, _ in searched]) if searched else None
    return Gain(best.value, best.exact, attained, approached, unlimited, method, grid)


def _certified(candidates, domains, z):
    """(best, method) after interval arithmetic proves sup|φ'| ≤ U, in this order: an exact
    candidate (attained, or a true limit) ≥ U is γ_φ exactly; the search's largest rounded-up
    value ≥ U; an accumulation value of φ' at ±∞ ≥ U (a lim sup: an upper bound, not claimed
    exact, since accumulation bounds may overestimate it); else U rounded up (exact False)."""
    target = max(_magnitude(c.value) for c in candidates if _magnitude(c.value) < float("inf"))
    try:
        certificate = certify_sup(domains, z, _mpf(target))
    except ValueError as err:
        raise ValueError(f"γ = sup|φ'| could not be certified: {err}; use a registered "
                         f"--activation, or a formula whose derivative has a closed-form "
                         f"supremum") from None
    upper = certificate.upper
    groups = (("exact", [c for c in candidates if c.exact and not c.oscillates]),
              ("found", [c for c in candidates if not c.exact]),
              ("limsup", [c for c in candidates if c.oscillates]))
    for kind, group in groups:
        if group:
            top = max(group, key=lambda c: _magnitude(c.value))
            if at_least(top.value, upper):
                if kind == "limsup":
                    top = Candidate(top.value, False, top.where, top.limit, True)
                return top, certified_method(certificate, kind)
    return (Candidate(round_up(upper, GAMMA_DIGITS), False),
            certified_method(certificate, "bound"))


def _mpf(value):
    import mpmath

    with mpmath.workdps(60):
        return mpmath.mpf(str(sp.Float(value, 60)))


def _best(candidates):
    """The largest |φ'|, an exact candidate where one equals it.  A numeric value is rounded
    up, so it beats an exact value it only agrees with (an upper bound either way)."""
    return max(candidates, key=lambda c: (_magnitude(c.value), c.exact))


def _ties(value, best):
    """|value| = |best| to ``TIE_DIGITS`` relative digits (exactly, for exact values that
    SymPy can compare)."""
    a, b = _magnitude(value), _magnitude(best)
    if b == float("inf") or a == float("inf"):
        return a == b
    return abs(a - b) <= sp.Float(10) ** -TIE_DIGITS * max(b, 1)


def _covered(point, attained):
    """Whether the limit point lies in the closure of the attained set (then the limit adds
    nothing: relu's 0+ next to (0, ∞)); ±∞ is covered when the set is unbounded that way."""
    if attained == sp.S.EmptySet:
        return False
    if point in (sp.oo, -sp.oo):
        return unbounded(attained, 1 if point == sp.oo else -1)
    try:
        return bool(attained.closure.contains(point))
    except NotImplementedError:   # a lattice: discrete, its closure is itself
        return attained.contains(point) == sp.true


def _limit_key(limit):
    point, direction = limit
    return (float(point), direction)


def _magnitude(value):
    if value in (sp.oo, -sp.oo, sp.zoo):
        return float("inf")
    return sp.Abs(value).evalf(_COMPARE_DIGITS)
