"""The linear cell's steps in ``derive.derivation``: the exact cases of a linear RNN (φ' = c,
∂h_T/∂h_0 = (c W_hh)^T) for symbolic weights, and for concrete weights the case that applies
(``derive.linear.linear_growth``) with the transient peak of a non-normal W_hh
(``derive.transient.transient_growth``)."""

import sympy as sp

from derive.latex import Step, reason
from derive.notation import T as T_
from derive.notation import _Display, k, norm, norm2, partial, vector
from derive.transient import transient_growth

TRANSIENT_LIMIT = 1000   # powers searched for the transient peak in a derivation


def _eq(lhs, rhs):
    return sp.Eq(lhs, rhs, evaluate=False)


def _h(index, n):
    return vector(f"h_{{{index}}}" if not isinstance(index, int) else f"h_{index}", n)


def _compare(value, shown):
    """``shown`` <, = or > 1 as the sign of value − 1 says."""
    return (sp.Lt if value < 1 else sp.Gt if value > 1 else sp.Eq)(shown, 1, evaluate=False)


def linear_cases(scaled, n):
    """The linear RNN's exact cases for symbolic weights: γ_φ ρ < 1 vanishes, > 1 explodes
    (geometrically), = 1 is decided by the largest Jordan block s of an eigenvalue of modulus
    1: log‖∂h_T/∂h_0‖ / log T → s − 1 (bounded iff s = 1)."""
    product = norm(partial(_h("T", n), _h(0, n)))
    limit = sp.Limit(product, T_, sp.oo)
    steps = [Step(sp.Implies(sp.Lt(scaled, 1, evaluate=False), sp.Eq(limit, 0)),
                  "linear RNN: vanishing, geometrically (Gelfand)"),
             Step(sp.Implies(sp.Gt(scaled, 1, evaluate=False), sp.Eq(limit, sp.oo)),
                  "linear RNN: exploding, geometrically (Gelfand)")]
    if n == 1:
        return steps + [Step(sp.Eq(scaled, 1, evaluate=False),
                             *reason("bounded: ", product, " = 1 for every ", T_))]
    return steps + [Step(sp.Eq(scaled, 1, evaluate=False), _JORDAN_DECIDE),
                    Step(_eq(_log_order(n), _S - 1),
                         *reason(_S, ": the largest such block; ", sp.Eq(_S, 1),
                                 " (semisimple): bounded"))]


_S = sp.Symbol("s", integer=True, positive=True)   # the largest unit-modulus Jordan block
_JORDAN_DECIDE = "then the Jordan blocks of the eigenvalues of modulus 1 decide"


def _log_order(n):
    """lim_{T→∞} log‖∂h_T/∂h_0‖ / log T: the power of T that the product grows like."""
    product = norm(partial(_h(T_, n), _h(0, n)))
    return sp.Limit(sp.log(product) / sp.log(T_), T_, sp.oo)


def linear_verdict_steps(conditions, W, slope, values):
    """The exact verdict of a linear cell (φ' = ``slope`` = c, W_hh = ``values``, shown as the
    symbol ``W``; ∂h_T/∂h_0 = (c W_hh)^T): γ_φ ρ(W_hh) < 1 vanishing, > 1 exploding, both
    geometrically; = 1: the largest Jordan block s of an eigenvalue of modulus 1 gives
    log‖∂h_T/∂h_0‖ / log T → s − 1 (bounded for s = 1); for ρ < 1 also the transient peak
    max_k ‖(c W_hh)^k‖₂ when it exceeds 1 (a non-normal W_hh)."""
    growth = conditions.growth
    scaled = conditions.gamma * sp.Function("rho")(W)
    relation = _compare(conditions.gamma * conditions.rho, scaled)
    if growth is None:
        return [Step(relation, "for the linear RNN the spectral radius decides")]
    if growth.verdict in ("vanishing", "exploding"):
        steps = [Step(relation, *reason(f"for these weights: {growth.verdict}, geometrically "
                                        "(rate ", scaled, " per step", _slow(growth), ")"))]
        return steps + (_transient(slope, values, W, relation) if growth.verdict == "vanishing"
                        else [])
    size = growth.unit_block
    like = (" (semisimple)" if size == 1 else ", like ", T_ if size > 1 else "",
            f" to the power {size - 1}" if size > 2 else "")
    return [Step(relation, _JORDAN_DECIDE),
            Step(_eq(_S, size), "the largest Jordan block of an eigenvalue of modulus 1"),
            Step(_eq(_log_order(W.rows), growth.order),
                 *reason(f"for these weights: {growth.verdict}", *like, _numeric_note(growth)))]


def _slow(growth, steps=1000):
    """For ρ within a hair of 1 (a factor 10 takes more than ``steps`` steps): how many."""
    per_decade = 1 / abs(sp.log(growth.rho, 10).evalf(30))
    return f"; a factor 10 takes {float(per_decade):.3g} steps" if per_decade > steps else ""


def _numeric_note(growth):
    """Where the Jordan analysis was numeric (irrational entries): its tolerance."""
    return "" if growth.tolerance is None else f" (numeric, tolerance {growth.tolerance:g})"


def _transient(slope, values, W, relation, limit=TRANSIENT_LIMIT):
    """max_{k≥1} ‖(c W_hh)^k‖₂ and the k where it peaks, shown when it exceeds 1 (W_hh not
    normal): ρ < 1 decides the limit, not the first steps.  Searched up to ``limit`` powers;
    beyond, the step says the powers are still above 1."""
    peak = transient_growth(slope * values, limit)
    if not peak.grows:
        return []
    base = W if slope == 1 else slope * W
    if peak.settled is None:
        first = Step(_eq(norm2(base ** peak.at), sp.Float(peak.peak, 6)),
                     *reason("transient growth: the largest for ", sp.Le(k, limit), " (6 digits)"
                             "; still above 1 at ", _eq(k, limit)))
    else:
        first = Step(_eq(_MaxK(norm2(base ** k)), sp.Float(peak.peak, 6)),
                     *reason("transient growth, the peak at ", _eq(k, peak.at), " (6 digits)"))
    return [first, Step(relation, *reason("transient growth: ", relation,
                                          " decides the limit, not the first steps"))]


class _MaxK(_Display):
    """max_{k ≥ 1} x: the largest value over the steps k = 1, 2, ..."""

    template, text = r"\max_{k \ge 1} %s", "max_{k>=1} %s"
    pretty = ("max_{k≥1} ", "", "", "")
