"""The transform hypotheses of ``numeric.diagnose``, judged quantity by quantity: ``sign``
(−G), ``scaled`` (c·G), ``transposed`` (Gᵀ, blockwise for stacked gates) and ``gate_order``
(G's row blocks stacked in another order), G the derived value of a supplied quantity.

A hypothesis holds when every supplied quantity it applies to equals either its derived value
or its transformed one (within ``allowed``), at least one equals the transformed one, and that
one differs from the derived value somewhere: a program that negates ∂L/∂W_hh alone (or
transposes it, or restacks its gate blocks) is told so, naming the quantities ("W_hh only").

``scaled`` fits c = Σ⟨S, G⟩ / Σ⟨G, G⟩ (S supplied) over the quantities that fail and tries the
recognised values v (1/T, 2, ½, an integer B or 1/B, each with c's sign) and then c itself.
c is compared with v (and with ±1) within the uncertainty of the fit,
|c − v| ≤ |v|·max(ROUNDING·u, Σ allowed·|G| / Σ G²), u the unit roundoff of the supplied
dtype (``numeric.rounding.unit_roundoff``) and the second term the most the allowed errors can
move c: a c within it of −1 is the sign error (reported once, as ``sign``), of +1 no error.
An unrecognised c is reported only when at least two entries above their allowance support it
(one entry is always a multiple of its derived value).  Cost: a few passes over the arrays.
"""

import numpy as np

from numeric import mistakes
from numeric.rounding import unit_roundoff

ROUNDING = 32  # the multiple of the unit roundoff within which c counts as a recognised value
NOT_MATRICES = ("loss", "step_jacobians")
NOT_STACKED = ("loss", "step_jacobians", "jacobian_product")


def per_quantity(judge, names, transform, scale=None):
    """(flagged, applicable): the names whose supplied value is ``transform(name, derived)``
    while every other name of ``names`` is right, or ([], applicable) when that is not so;
    ``applicable`` the names the transform gives a value for."""
    flagged, applicable, departs = [], [], False
    for name in names:
        ref = judge.reference[name]
        candidate = transform(name, ref)
        if candidate is not None:
            applicable.append(name)
        if judge.close(name, ref):
            continue
        if candidate is None or not judge.close(name, candidate, scale):
            return [], applicable
        flagged.append(name)
        departs = departs or judge.departs(name, candidate)
    return (flagged if departs else []), applicable


def findings(case, judge, kind, dtype):
    """[(code, detail, only)] of the transforms that hold; ``only``: a strict subset of the
    quantities the transform applies to is concerned."""
    grads = [k for k in judge.supplied if k not in mistakes.NOT_GRADIENTS]
    out = []
    flagged, applicable = per_quantity(judge, grads, lambda name, ref: -ref)
    if flagged:
        out.append(("sign", {"factor": -1.0, "quantities": flagged},
                    len(flagged) < len(applicable)))
    out += _scaled(case, judge, grads, dtype)
    matrices = [k for k in judge.supplied if k not in NOT_MATRICES]
    flagged, _ = per_quantity(judge, matrices,
                              lambda name, ref: mistakes.transposed(kind, ref))
    if flagged:
        out.append(("transposed", {"quantities": flagged, "where": "matrix"}, False))
    stacked = [k for k in judge.supplied if k not in NOT_STACKED]
    for order in mistakes.other_orders(kind):
        flagged, applicable = per_quantity(
            judge, stacked, lambda name, ref, order=order:
            mistakes.reordered(kind, name, ref, order))
        if flagged:
            out.append(("gate_order", {"permutation": list(order), "where": "blocks",
                                       "quantities": flagged},
                        len(flagged) < len(applicable)))
    return out


def fit_tolerance(judge, names, dtype):
    """The relative uncertainty of a fitted c: max(ROUNDING·u, Σ allowed·|G| / Σ G²)."""
    num = sum(float(np.sum(judge.allowed[k] * np.abs(judge.reference[k]))) for k in names)
    den = sum(float(np.sum(judge.reference[k] ** 2)) for k in names)
    spread = num / den if den > 0 else 0.0
    return max(ROUNDING * unit_roundoff(dtype), spread if np.isfinite(spread) else 0.0)


def _scaled(case, judge, grads, dtype):
    ref = judge.reference
    failing = [k for k in grads if not judge.close(k, ref[k])]
    with np.errstate(over="ignore", invalid="ignore"):
        num = sum(float(np.sum(judge.supplied[k] * ref[k])) for k in failing)
        den = sum(float(np.sum(ref[k] * ref[k])) for k in failing)
    if not failing or den == 0 or not np.isfinite(num) or num == 0:
        return []
    c, tol = num / den, fit_tolerance(judge, failing, dtype)
    if abs(abs(c) - 1) <= tol:
        return []  # −1: the sign error, +1: no scaling
    for value, meaning in recognised(c, case.T, tol):
        flagged, applicable = per_quantity(judge, grads, lambda name, r, v=value: v * r,
                                           abs(value))
        if flagged and (meaning is not None or _support(judge, flagged) >= 2):
            detail = {"factor": value, "meaning": meaning, "quantities": flagged}
            return [("scaled", detail, len(flagged) < len(applicable))]
    return []


def _support(judge, names):
    """The entries of ``names`` whose derived value exceeds its allowance."""
    return sum(int(np.count_nonzero(np.abs(judge.reference[k]) > judge.allowed[k]))
               for k in names)


def recognised(c, T, tol):
    """(value, meaning) to try for a fitted factor c: 1/T, 2, ½, an integer B or 1/B, each
    with c's sign, where |c| is within ``tol`` (relative) of it, then c itself (meaning None).

    >>> recognised(-0.2000001, 5, 1e-6)
    [(-0.2, 'mean over time'), (-0.2000001, None)]
    """
    sign, a = (1.0 if c > 0 else -1.0), abs(c)
    out = [(1 / T, "mean over time"), (2.0, "missing half"), (0.5, "extra half")]
    B = round(1 / a) if a < 1 else round(a)
    if B >= 2 and B != (T if a < 1 else 2):  # 1/T and 2 are named by their usual cause
        out.append((1 / B if a < 1 else float(B), "batch"))
    tried = [(sign * v, m) for v, m in out if abs(v - a) <= tol * v]
    return tried + [(c, None)]
