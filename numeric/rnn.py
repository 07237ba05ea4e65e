"""NumPy forward pass, step Jacobians, the rescaled Jacobian product and BPTT.

    a_k = W_hh h_{k-1} + W_xh x_k + b_h,  h_k = φ(a_k),  J_k = D_k W_hh,  D_k = diag(φ'(a_k))
    ∂h_T/∂h_0 = J_T ⋯ J_1 (later steps on the left), kept as P̂ · 2^e with |P̂|_max in [½, 1)
    ∂L/∂W_hh = Σ_k δ_k h_{k-1}^T,  δ_k = D_k g_k,  g_{k-1} = W_hh^T δ_k (+ ∂L_{k-1}/∂h_{k-1})

φ and φ' come from ``numeric.bridge`` (derive's stable forms).  Arrays: W_hh (n, n),
W_xh (n, m), b_h (n,), h0 (n,), x (T, m); a, h_1..h_T (T, n); J (T, n, n).
"""

import math
from dataclasses import dataclass, field

import numpy as np

from numeric.bridge import activation_functions
from numeric.scaled_sums import (
    ScaledSum,
    add_entries,
    log10_max,
    matvec_T,
    renormalised,
    top_size,
)

LOG10_2 = math.log10(2.0)


@dataclass(frozen=True)
class Trajectory:
    """A forward pass: pre-activations a (T, n) and states h (T + 1, n), h[0] = h_0."""

    a: np.ndarray
    h: np.ndarray


def forward(activation, W_hh, W_xh, b_h, h0, x, phi=None):
    """h_0..h_T and a_1..a_T for inputs x (T, m); see the module docstring for shapes.
    ``phi`` overrides the bridge's φ (complex step passes ``bridge.complex_phi``)."""
    phi = phi or activation_functions(activation)[0]
    T = len(x)
    a = np.empty((T, len(h0)), dtype=np.result_type(W_hh, W_xh, b_h, h0, x, float))
    h = np.empty((T + 1, len(h0)), dtype=a.dtype)
    h[0] = h0
    drive = x @ np.asarray(W_xh).T + b_h
    for k in range(T):
        a[k] = W_hh @ h[k] + drive[k]
        h[k + 1] = phi(a[k])
    return Trajectory(a, h)


def elman_step_jacobian(dphi_values, W_hh):
    """J_k = D_k W_hh = diag(φ'(a_k)) W_hh: the Elman step Jacobian, written once in numeric.

    ``dphi_values`` φ'(a_k) (..., n) an array, ``W_hh`` (..., n, n); leading axes broadcast (steps,
    swept weights), giving (..., n, n).  Applied to a product M, ``elman_step_jacobian(d,
    W_hh @ M)`` = J_k M without forming J_k.  (The mpmath oracle keeps its own formula.)

    >>> elman_step_jacobian(np.array([0.5, 2.0]), np.array([[1.0, 2.0], [3.0, 4.0]]))
    array([[0.5, 1. ],
           [6. , 8. ]])
    """
    return dphi_values[..., None] * W_hh


def step_jacobians(activation, W_hh, a):
    """J_k = diag(φ'(a_k)) W_hh for every step: (T, n, n) from a (T, n)."""
    _, dphi = activation_functions(activation)
    return elman_step_jacobian(dphi(a), np.asarray(W_hh))


@dataclass(frozen=True)
class ScaledMatrix:
    """A matrix held as ``mantissa · 2^exponent`` so that it never overflows or underflows.

    ``exponent`` is an exact integer (rescaling multiplies by powers of two, which is exact);
    ``log10_norm`` is log10 of the spectral norm, right for any size; ``value`` is the plain
    matrix, or None when it is not representable in float64 (say so rather than give 0 or inf).
    """

    mantissa: np.ndarray
    exponent: int

    @property
    def log10_norm(self):
        norm = np.linalg.norm(self.mantissa, 2)
        return -math.inf if norm == 0 else math.log10(norm) + self.exponent * LOG10_2

    @property
    def value(self):
        with np.errstate(over="ignore", under="ignore"):
            scaled = np.ldexp(self.mantissa, self.exponent)
        lost = (self.mantissa != 0) & ((scaled == 0) | ~np.isfinite(scaled))
        return None if lost.any() else scaled


def jacobian_product(J):
    """∂h_T/∂h_0 = J_T ⋯ J_1 for stacked J (T, n, n), rescaled by a power of two after every
    step (exact), so any T neither overflows nor underflows; a ``ScaledMatrix``."""
    P, exponent = np.eye(J.shape[-1], dtype=J.dtype), 0
    for J_k in J:
        J_hat, e_k = _scaled_weights(J_k)  # a subnormal J_k keeps its digits in Ĵ_k P
        P, exponent = _rescaled(J_hat @ P, exponent + e_k)
    return ScaledMatrix(P, exponent)


def product_along(activation, W_hh, a, chunk=4096):
    """∂h_T/∂h_0 = Π D_k W_hh along pre-activations a (T, n) without storing the T Jacobians
    (10^6 steps at n = 32 need 8 GB as a stack): φ' is evaluated a chunk of steps at a time."""
    _, dphi = activation_functions(activation)
    W_hh, w_e = _scaled_weights(np.asarray(W_hh))  # subnormal W_hh: Ŵ · 2^w_e keeps its digits
    P, exponent = np.eye(W_hh.shape[0], dtype=np.result_type(W_hh, a, float)), 0
    for start in range(0, len(a), chunk):
        for d in dphi(a[start:start + chunk]):
            P, exponent = _rescaled(elman_step_jacobian(d, W_hh @ P), exponent + w_e)
    return ScaledMatrix(P, exponent)


def _rescaled(P, exponent):
    """P / 2^e with max |P| in [½, 1), and the exponent carried (exact: powers of two)."""
    biggest = max(P.max(), -P.min())
    if biggest == 0 or not math.isfinite(biggest):
        return P, exponent
    _, e = math.frexp(biggest)
    if not e:
        return P, exponent
    half = -e // 2  # two exact factors: 2^-e alone overflows for subnormal P (e < -1023)
    return P * math.ldexp(1.0, half) * math.ldexp(1.0, -e - half), exponent + e


@dataclass(frozen=True)
class Gradients:
    """∂L/∂W_hh (n, n), ∂L/∂W_xh (n, m), ∂L/∂b_h (n,), ∂L/∂h_0 (n,), the loss, and the
    per-step contributions ‖δ_k h_{k-1}^T‖_F = ‖δ_k‖ ‖h_{k-1}‖ for k = 1..T, shape (T,).

    ``overflow``: {name: log10 max|entry|} for each of "W_hh", "W_xh", "b_h", "h0" whose exact
    value has entries beyond float64's range (those entries are inf in the array: not a value,
    the log10 says how large it is); empty when every entry is representable."""

    W_hh: np.ndarray
    W_xh: np.ndarray
    b_h: np.ndarray
    h0: np.ndarray
    loss: float
    contributions: np.ndarray
    overflow: dict = field(default_factory=dict)


def bptt(activation, W_hh, W_xh, b_h, h0, x, y):
    """BPTT for L = ½‖h_T − y‖² (y of shape (n,)) or L = Σ_t ½‖h_t − y_t‖² (y of shape (T, n)).

    g_T = ∂L/∂h_T, δ_k = D_k g_k, g_{k-1} = W_hh^T δ_k (+ h_{k-1} − y_{k-1} for per-step
    losses); ∂L/∂W_hh = Σ_k δ_k h_{k-1}^T, ∂L/∂W_xh = Σ_k δ_k x_k^T, ∂L/∂b_h = Σ_k δ_k.

    g_k is carried as ĝ · 2^s (exact powers of two, as the product; s one per entry once
    its entries drift more than float64's range apart), and the sums with an exponent per
    entry (``numeric.scaled_sums``: a finite entry beside an overflowing one keeps its
    value), so g_k ~ 10^1000 neither overflows nor makes inf · 0 = NaN: where h = 0 the
    term δ_k h_{k-1}^T is exactly 0, and a sum that truly leaves float64 is inf and listed in
    ``overflow`` with its log10.  Results are bit for bit those of the plain recursion
    whenever that stays in float64's normal range (scaling by 2^s is exact).
    """
    x, y, W_hh = np.asarray(x, float), np.asarray(y, float), np.asarray(W_hh, float)
    path = forward(activation, W_hh, W_xh, b_h, h0, x)
    _, dphi = activation_functions(activation)
    T = len(x)
    targets = np.broadcast_to(y, (T, len(h0))) if y.ndim == 2 else None
    residual = path.h[1:] - (targets if targets is not None else y)
    loss = 0.5 * float(np.sum(residual**2) if targets is not None else residual[-1] @ residual[-1])
    sums = [ScaledSum(np.shape(W_hh)), ScaledSum((len(h0), x.shape[1])), ScaledSum(len(h0))]
    W_hat, w_e = _scaled_weights(W_hh)  # W_hh = Ŵ · 2^w_e (w_e = 0 unless tiny or huge)
    contributions = np.empty(T)
    g, s = residual[-1].copy(), 0   # g_k = g · 2^s (s an int, or one per entry)
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        for k in range(T, 0, -1):
            delta = dphi(path.a[k - 1]) * g
            rows = s[:, None] if isinstance(s, np.ndarray) else s
            terms = ((np.outer(delta, path.h[k - 1]), rows), (np.outer(delta, x[k - 1]), rows),
                     (delta, s))
            for S, (term, exponent) in zip(sums, terms, strict=True):
                S.add(term, exponent)
            size, top = top_size(delta, s)
            contributions[k - 1] = _pow2(size * np.linalg.norm(path.h[k - 1]), top)
            g, s = matvec_T(W_hat, delta, s)
            s = s + w_e
            if targets is not None and k > 1:
                g, s = add_entries(g, s, residual[k - 2])
            g, s = renormalised(g, s)
        values = [S.value() for S in sums] + [_pow2(g, s)]
    overflow = {name: S.log10_max() for name, S in zip(("W_hh", "W_xh", "b_h"), sums, strict=True)
                if not np.all(np.isfinite(S.value()))}
    if not np.all(np.isfinite(values[3])):
        overflow["h0"] = log10_max(g, s)
    return Gradients(*values[:3], values[3], loss, contributions, overflow)


def _pow2(X, k):
    """X · 2^k, exact (np.ldexp): 0 stays 0 for any k, inf where it leaves float64's range."""
    return X if not isinstance(k, np.ndarray) and k == 0 else np.ldexp(X, k)


def _scaled_weights(W):
    """W = Ŵ · 2^e: Ŵ = W (e = 0) unless max|W| is below 2^-64 or above 2^64 (a subnormal
    W_hh would lose its digits in W^T δ), then max|Ŵ| in [½, 1)."""
    big = float(np.max(np.abs(W))) if W.size else 0.0
    if big == 0 or 2.0**-64 <= big <= 2.0**64:
        return W, 0
    e = math.frexp(big)[1]
    return np.ldexp(W, -e), e
