"""How well float64 can know φ'(a): the allowance of the mpmath and complex-step checks.

A float φ'(a) is at best φ'(a(1 + δ₁))(1 + δ₂) with |δ| of a few ε, at a float a_k that
differs from the exact one by Δa; the value is therefore uncertain by

    u = 2ε |a φ''(a)| + 4ε |φ'(a)| + |φ''(a)| |Δa|

(φ'' from derive's φ', for this allowance only; where its float form gives inf or NaN, as
softplus'' = e^z/(1 + e^z)² at z = 700, from mpmath).  Where u ≤ THETA |φ'(a)| the entry is as well
conditioned as float64 allows and gets no allowance.  Elsewhere (near a zero of φ': silu at
−1.278, gelu at −0.752, where φ' is a difference of two nearly equal terms; gelu's far tail) a
quantity Q built from φ' — J_k, P = J_T ⋯ J_1, ∂L/∂W_hh, each affine in every single
φ'(a_k,i) — is uncertain by  B_Q = Σ |∂Q/∂φ'(a_k,i)| u_k,i  over those entries (entrywise,
the partials from the oracle at 50 digits); ∂L/∂W_hh likewise for states h_k,i that rounding
leaves uncertain beyond THETA relative.  A check decides a quantity only where
B_Q ≤ rtol · max|Q|; elsewhere float64 cannot resolve it to rtol and it is not judged, unless
its error exceeds rtol · max|Q| + B_Q (then it fails).
"""

from functools import lru_cache

import mpmath as mp
import numpy as np
import sympy as sp

from numeric import differences as fd
from numeric.bridge import activation_functions, elementwise
from numeric.oracle import _mp_bptt, derivatives

EPS = fd.EPS
THETA = 1e-13


@lru_cache(maxsize=128)
def _second_derivative_expr(activation):
    return sp.diff(activation.dphi, activation.variable)


@lru_cache(maxsize=128)
def _second_derivative(activation):
    return elementwise(_second_derivative_expr(activation), activation.variable)


def uncertainty(activation, a, shift=0.0):
    """u per entry of the float pre-activations a (T, n); ``shift``: float a − exact a
    (0 where φ' is taken at the float value).  Where SymPy's φ'' is not finite (σ'' as
    e^{−z}/(1 + e^{−z})² − …, inf/inf at z = −700; softplus'' at 700) it is evaluated by the
    guarded evaluation (mpmath where float64 loses it); one still not finite gives u = inf."""
    dphi = np.abs(activation_functions(activation)[1](a))
    with np.errstate(invalid="ignore", over="ignore"):
        d2 = np.abs(_second_derivative(activation)(a))
    lost = ~np.isfinite(d2)
    if lost.any():
        from numeric.stable_eval import guarded

        d2[lost] = np.abs(guarded(_second_derivative_expr(activation),
                                  activation.variable)(np.asarray(a, dtype=float)[lost]))
    d2 = np.where(np.isfinite(d2), d2, np.inf)
    return 2 * EPS * np.abs(a) * d2 + 4 * EPS * dphi + d2 * np.abs(shift)


def ill_conditioned(activation, a, u):
    """Entries (k, i) whose float φ'(a_k,i) is uncertain by more than THETA relative."""
    dphi = np.abs(activation_functions(activation)[1](a))
    return [tuple(index) for index in np.argwhere(u > THETA * dphi)]


def allowances(case, ref, u, entries, h=None):
    """B_Q for J_1..J_T, P and ∂L/∂W_hh (floats; 0.0 where no entry is ill-conditioned),
    from the partials of each quantity in the oracle's φ' values ``ref.D``.  With the float
    states ``h`` (T + 1, n), ∂L/∂W_hh also allows for states that rounding leaves uncertain
    beyond THETA relative (a state on a kink: relu(10⁻¹⁷) is 0 in float64), by
    |∂ grad/∂h_k,i| (2|Δh_k,i| + 4ε|h_k,i|); it is affine in each single h_k,i too."""
    W = np.abs(case.W_hh)
    B_J = [0.0] * case.T
    for k, i in entries:
        B_J[k] = max(B_J[k], float(u[k, i] * np.max(W[i])))
    with mp.workdps(50):
        states = [] if h is None or case.y is None else _uncertain_states(ref.h, h)
        if not entries and not states:
            return B_J, 0.0, None if case.y is None else 0.0
        Wm = mp.matrix(case.W_hh.tolist())
        J, _, grad0 = derivatives(case, Wm, ref.D, ref.h)
        after, before = product_partials(J, Wm)
        P_sum, grad_sum = mp.zeros(Wm.rows, Wm.rows), mp.zeros(Wm.rows, Wm.rows)
        for k, i in entries:
            width = mp.mpf(float(u[k, i]))
            P_sum += _abs(after[k][:, i] * before[k][i, :]) * width
            if grad0 is not None:
                D = [list(row) for row in ref.D]
                D[k][i] += 1
                grad_sum += _abs(_mp_bptt(case, Wm, ref.h, D) - grad0) * width
        for k, i, width in states:
            hs = [row.copy() for row in ref.h]
            hs[k][i] += 1
            grad_sum += _abs(derivatives(case, Wm, ref.D, hs)[2] - grad0) * width
        return B_J, float(max(P_sum)), None if grad0 is None else float(max(grad_sum))


def product_partials(J, W):
    """(after, before) with ∂P/∂D_k,i = after[k][:, i] · before[k][i, :] for P = J_T ⋯ J_1,
    J_k = diag(D_k) W (0-based k): after[k] = J_T ⋯ J_{k+2}, before[k] = W J_k ⋯ J_1, from one
    prefix and one suffix pass (P is affine in each D_k,i: rank one, no product per entry)."""
    n, T = W.rows, len(J)
    before, prefix = [], mp.eye(n)
    for k in range(T):
        before.append(W * prefix)
        prefix = J[k] * prefix
    after, suffix = [None] * T, mp.eye(n)
    for k in range(T - 1, -1, -1):
        after[k] = suffix
        suffix = suffix * J[k]
    return after, before


def _uncertain_states(exact, h):
    """(k, i, width) for states whose float value is off by more than THETA relative."""
    states = []
    for k in range(1, len(exact)):
        for i in range(len(exact[k])):
            shift = abs(mp.mpf(float(h[k][i])) - exact[k][i])
            if shift > THETA * abs(exact[k][i]):
                states.append((k, i, 2 * shift + 4 * EPS * abs(exact[k][i])))
    return states


def _abs(matrix):
    return matrix.apply(abs)
