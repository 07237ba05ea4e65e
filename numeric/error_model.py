"""Where the derivative checks' tolerances come from: a fixed relative tolerance per method for
what one step's rounding leaves, raised where an error model of the computation says float64
cannot do better (the product of T factors, a norm bound checked in float64).

Product P = J_T ⋯ J_1 (each J_k off by a few ε relative, every matrix product by n ε, and
φ'(a_k,i) by δ_k,i relative where the float trajectory's a_k has drifted from the exact one):
to first order P̂ − P = Σ_k P_{T:k+1} ΔJ_k P_{k−1:1}, so

    max|P̂ − P| ≤ ρ_P max|P|,    ρ_P = κ ((2n + 8) T ε + Σ_k max_i δ_k,i),

κ = max(|J_T| ⋯ |J_1|) / max|J_T ⋯ J_1| ≥ 1, the condition of the chain (1 for n = 1: the
factors never cancel).  Rounding grows with T: tanh, W_hh = 1.25, at its fixed point
h = 0.49, T = 10⁴: the float product is off by 2.6e-11 (the states drift by 4e-15, each
φ' by 2.6e-15), far beyond the mpmath check's 1e-12, which holds for a single step.  With
the default tolerance the product is judged to max(tol, ρ_P); with --rtol R the user's R
stands and ρ_P max|P| is a floor (an error below it is not a failure; a product the floor
hides is not judged), as for every other rounding floor.

Norm bound: log10 ‖∂h_T/∂h_0‖₂ ≤ T log10 (γ ‖W_hh‖₂) holds exactly for the true product; the
float64 one may exceed it by the rounding of the product, of ‖W_hh‖₂ and of γ, at most
BOUND_SLACK (n + 2) T ε / ln 10 in log10.
"""

import math
import numbers
from dataclasses import replace

import numpy as np

from numeric import rnn
from numeric.bridge import activation_functions
from numeric.conditioning import THETA

EPS = float(np.finfo(float).eps)
TINY = float(np.finfo(float).tiny)
HUGE = float(np.finfo(float).max)
BOUND_SLACK = 8.0


def checked_rtol(rtol, name="rtol"):
    """``rtol`` itself (None: each method's default) if it is a finite number > 0; else a
    ValueError naming ``name``.

    >>> checked_rtol(1e-9)
    1e-09
    >>> checked_rtol(0)
    Traceback (most recent call last):
    ...
    ValueError: rtol must be a finite number > 0, got 0
    """
    if rtol is None:
        return None
    if isinstance(rtol, bool) or not isinstance(rtol, numbers.Real):
        raise ValueError(f"{name} must be a finite number > 0, got {rtol!r}")
    if not (math.isfinite(rtol) and rtol > 0):
        raise ValueError(f"{name} must be a finite number > 0, got {rtol!r}")
    return rtol


def _log2_max(scaled):
    """log2 max|entry| of a ``ScaledMatrix`` (−inf for the zero matrix)."""
    biggest = float(np.max(np.abs(scaled.mantissa), initial=0.0))
    return -math.inf if biggest == 0 else math.log2(biggest) + scaled.exponent


def chain_condition(J):
    """κ = max(|J_T| ⋯ |J_1|) / max|J_T ⋯ J_1| for stacked J (T, n, n), both products in
    scaled form (any T); inf where the product is exactly 0."""
    J = np.asarray(J, dtype=float)
    top = _log2_max(rnn.jacobian_product(np.abs(J))) - _log2_max(rnn.jacobian_product(J))
    if math.isnan(top) or top > 1000:
        return math.inf
    return 2.0**top


def product_rounding(J, drift=0.0):
    """ρ_P = κ ((2n + 8) T ε + ``drift``): the relative normwise rounding of the float product
    of J; ``drift``: Σ_k max_i of the relative uncertainty of φ'(a_k,i) that the float
    trajectory's own rounding leaves (``numeric.conditioning.uncertainty`` / |φ'|), 0 where J
    is taken at the float states on both sides."""
    T, n = len(J), np.shape(J)[-1]
    return chain_condition(J) * ((2 * n + 8) * T * EPS + drift)


def phi_drift(activation, a, u):
    """Σ_k max_i u_k,i / |φ'(a_k,i)| over the entries float64 knows to THETA relative
    (u ≤ THETA |φ'|, ``numeric.conditioning``; the others are in the allowance B_P): how far
    the trajectory's rounding moves the product's factors."""
    dphi = np.abs(activation_functions(activation)[1](a))
    with np.errstate(divide="ignore", invalid="ignore"):
        rel = np.where(u <= THETA * dphi, u / np.where(dphi > 0, dphi, 1.0), 0.0)
    return float(np.sum(np.max(rel, axis=1)))


def product_rule(J, drift=0.0):
    """The sentence that says where the product's tolerance comes from."""
    T, n = len(J), np.shape(J)[-1]
    carried = f", drift = {drift:.2g}: phi'(a_k)'s relative uncertainty from the " \
        "trajectory's rounding, summed over k" if drift else ""
    return (f"raised for dh_T/dh_0, judged to kappa ((2n + 8) T eps"
            f"{' + drift' if drift else ''}) = "
            f"{product_rounding(J, drift):.2g} (n = {n}, T = {T}, kappa = max(|J_T|...|J_1|)"
            f"/max|J_T...J_1| = {chain_condition(J):.3g}{carried}): the rounding of a "
            "product of T float64 factors")


def state_rule(shape, allowance):
    """The sentence that says where the states' allowance B_h comes from
    (``numeric.componentwise.state_floor``, ``measured_state_floor``; ``shape``: W_xh's
    (n, m))."""
    return (f"states h_k allowed B_h = max min(f_k, g_k) = {allowance:.2g}: the rounding of "
            "a_k = W_hh h_{k-1} + W_xh x_k + b_h, r_k = |W_hh| f_{k-1} + (n + m + 2) eps "
            "(|W_hh||h_{k-1}| + |W_xh||x_k| + |b_h|), carried by phi': f_k = eps |h_k| + "
            "max |phi'| over a_k +- r_k times r_k; or as it happened, g_k = 2 max |phi'| "
            "over a_k +- |da_k| times |da_k| + 4 eps |h_k|, da_k = a_k - the exact a_k from the "
            f"exact h_(k-1) (n = {shape[0]}, m = {shape[1]})")


def with_product_tolerance(report, J, rounding, drift=0.0):
    """``report`` (a check performed with the default tolerance) with its tolerance raised
    to ρ_P and the rule said, where ρ_P (finite) exceeds it; else unchanged."""
    if report.passed is None or not math.isfinite(rounding) or rounding <= report.tolerance:
        return report
    return replace(report, tolerance=rounding, tolerance_source=product_rule(J, drift))


def product_tolerance(tol, explicit, rounding):
    """(tolerance, relative floor) of the product: (max(tol, ρ_P), 0) by default, (tol, ρ_P)
    when the user gave the tolerance (``explicit``)."""
    if not math.isfinite(rounding):
        return tol, 0.0
    if explicit:
        return tol, rounding
    return max(tol, rounding), 0.0


def bound_slack(n, T):
    """The rounding allowance of the norm bound check, in log10: 8 (n + 2) T ε / ln 10.

    >>> bound_slack(1, 1) < 1e-14
    True
    """
    return BOUND_SLACK * (n + 2) * T * EPS / math.log(10)


def mp_relative(value, exact, allowance, floor):
    """(error, scale, allowance + floor · scale) for ``Verdict.add`` from mpmath matrices:
    (max |value − exact|, max |exact|) as floats where the latter is a normal float, else
    divided by it in mpmath first (a product of 10⁴ factors of 0.7 is 10^-1660: as floats
    its error and scale would both be 0, a vacuous pass; one of 10³ factors of 10 is
    10^1000: as floats both would be inf, a false failure), and the absolute error as a float
    (the keyword ``absolute``)."""
    error = max(abs(v - e) for v, e in zip(value, exact, strict=True))
    scale = max(abs(e) for e in exact)
    if scale == 0 or TINY / EPS <= scale <= HUGE:
        return (float(error), float(scale), allowance + floor * float(scale)), {}
    return ((float(error / scale), 1.0, float(allowance / scale) + floor),
            {"absolute": float(error)})
