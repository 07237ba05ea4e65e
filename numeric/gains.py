"""The matrix sweep: log10‖∂h_T/∂h_0‖₂ for W_hh = g·W0 over the gains g and the length T.

Model: a_k = g W0 h_{k-1} + x_k, h_k = φ(a_k);  ∂h_T/∂h_0 = Π_k diag(φ'(a_k)) g W0.  One pass
over time for all gains: W0 @ [P_1 … P_G] in one GEMM per step, the gains and φ' as row scales,
each product carried as mantissa · 2^e (exact power-of-two renormalisation), so T up to 10^7
neither overflows nor underflows.  Regimes, JSON, horizon, ``reliable`` and ``rate`` as in
``numeric.sweep``: the twin pass is the same forward map h ↦ φ(g W0 h + x_k) for all gains at
once (O(T·G·n²), beside the product's O(T·G·n³)).  A linear φ (identity) flags nothing: the
product (g W0)^T does not depend on the trajectory, so every value is reliable, horizon null.
"""

from contextlib import nullcontext
from dataclasses import dataclass

import numpy as np

from numeric import display
from numeric.backend_products import elman_gain_norms
from numeric.backends import backend as get_backend
from numeric.bridge import raw_activation_functions
from numeric.exact_zeros import ZeroTest, kink_dict, kink_points, mark_rows
from numeric.grids import grid, lengths, matrix_inputs, vector
from numeric.horizon import NO_HORIZON, HorizonFlags, twin_horizon
from numeric.rnn import _scaled_weights
from numeric.step_chunks import gain_pre_activations
from numeric.sweep import (
    LOG10_2,
    RANGE,
    _activation,
    _columns,
    _mark_underflow,
    _to_dict,
    regime_labels,
)
from numeric.threads import is_small, one_blas_thread, small_products


@dataclass(frozen=True)
class GainSweep(display.Displayed, HorizonFlags):
    """log10‖∂h_T/∂h_0‖₂ for W_hh = g·W0, the bound's log10 (γ g σ_max(W0))^T, ρ(g W0) and the
    regime; arrays of shape (len(gains), len(T)) (spectral_radius: (len(gains),))."""

    activation: str
    gains: np.ndarray
    T: np.ndarray
    log10_norm: np.ndarray
    log10_bound: np.ndarray
    spectral_radius: np.ndarray
    regime: np.ndarray
    underflow: np.ndarray
    horizon: np.ndarray | None = None
    backend: str = "numpy"
    device: str = "cpu"
    on_kink: np.ndarray | None = None  # as ScalarSweep.on_kink (None: not tracked)

    def _display_parts(self):
        return display.gain_sweep_parts(self)

    def to_dict(self):
        return {**_to_dict(self, {"gains": self.gains, "log10_norm": self.log10_norm,
                                  "spectral_radius": self.spectral_radius}),
                "backend": self.backend, "device": self.device,
                **({} if self.on_kink is None else kink_dict(self.on_kink))}


def gain_sweep(W0, gains, T, *, activation="tanh", h0=None, inputs=None, progress=None,
               backend=None):
    """Sweep a_k = g W0 h_{k-1} + x_k over the gains g (1-D) and T (1-D ints ≥ 1).

    ``h0``: None (zero) or a length-n vector; ``inputs``: None (zero), a length-n vector (the
    same drive every step) or an array (max(T), n).  ``backend``: None or "numpy" (this
    module's loop), "jax" or "torch" (the products on that library, on its GPU when present:
    ``numeric.backend_products``).
    """
    bk = get_backend(backend)
    act = _activation(activation)
    W0 = np.asarray(W0, dtype=float)
    if W0.ndim != 2 or W0.shape[0] != W0.shape[1] or W0.size == 0 or \
            not np.all(np.isfinite(W0)):
        raise ValueError(f"W0 must be a finite, non-empty square matrix, got shape {W0.shape}")
    n = W0.shape[0]
    gains, T = grid(gains, "gains"), lengths(T)
    x = matrix_inputs(inputs, int(T.max()), n)
    h = np.zeros((len(gains), n)) if h0 is None else np.tile(vector(h0, n, "h0"), (len(gains), 1))
    with one_blas_thread():     # LAPACK on threads that spin on busy cores: 10-40× slower
        sigma, rho = np.linalg.norm(W0, 2), float(np.max(np.abs(np.linalg.eigvals(W0))))
    with np.errstate(divide="ignore"):
        bound = T[None, :] * np.log10(float(act.gamma) * sigma * np.abs(gains))[:, None]
    if bk.name == "numpy":
        norms, lost, kink = _gain_pass(act, W0, gains, T, x, h, progress)
    else:
        norms, lost, kink = elman_gain_norms(bk, act, W0, gains, T, x, h)
    underflow = _mark_underflow(norms, lost)
    if act.name == "identity" or not act.dphi.has(act.variable):
        horizon = np.full(len(gains), NO_HORIZON)
    else:
        horizon = gain_horizon(act, W0, gains, x, h, int(T.max()))
    return GainSweep(act.name, gains, T, norms, bound, np.abs(gains) * rho,
                     regime_labels(norms), underflow, np.asarray(horizon, dtype=np.int64),
                     backend=bk.name, device=bk.device, on_kink=kink)


def gain_horizon(activation, W0, gains, x, h0, steps):
    """The predictability horizon (``numeric.horizon``) of a_k = g W0 h_{k-1} + x_k,
    h_k = φ(a_k) for every gain (h0: (G, n), x: (≥ steps, n)), -1 where there is none."""
    phi, _ = raw_activation_functions(_activation(activation))
    gains, x = np.asarray(gains, dtype=float), np.asarray(x, dtype=float)

    def step(k, h):
        a = gains[:, None] * (h @ W0.T) + x[k - 1]
        out = phi(a)
        return out if np.shape(out) == a.shape else np.broadcast_to(out, a.shape)

    with np.errstate(over="ignore", under="ignore"):
        return twin_horizon(step, h0, steps)


def _gain_pass(act, W0, gains, T, x, h, progress):
    """The loop on one BLAS thread when its GEMM W0 @ [P_1 … P_G] (G n³ multiply-adds a step)
    is small (``numeric.threads``): threads that spin on busy cores made it up to 6× slower.  The
    SVDs run on one thread always: LAPACK's level-2 steps are many small calls, and on two busy
    cores 16 SVDs of 256 × 256 matrices took 33 s on two threads, 0.9 s on one."""
    G, n = h.shape
    with np.errstate(over="ignore", under="ignore"), small_products(G * n**3):
        return _gain_loop(act, W0, gains, T, x, h, progress)


def _gain_loop(act, W0, gains, T, x, h, progress):
    """One pass over time for all gains, a chunk of steps at a time: the forward pass of a
    chunk, φ' for the whole chunk at once, then one GEMM per step, W0 @ [P_1 … P_G], with the
    gains and φ' as row scales.  The products are renormalised (by exact powers of two) only
    when bounds on their entries could leave 2^±RANGE: a step grows max|P| by at most
    γ g ‖W0‖_∞ and shrinks it by at least min|φ'(a)| · g σ_min(W0) / n."""
    phi, dphi = raw_activation_functions(act)
    test, kinks = ZeroTest(act), kink_points(act)
    G, n = h.shape
    lost, kink = np.zeros(G, dtype=bool), np.zeros(G, dtype=bool)
    T_max, wanted = int(T.max()), _columns(T)
    W_hat, w_e = _scaled_weights(W0)  # W0 = Ŵ0 · 2^w_e: a subnormal W0 keeps its digits in Ŵ0 P
    out = np.empty((G, len(T)))
    P = np.tile(np.eye(n)[:, None, :], (1, G, 1))  # (n, G, n): row index, gain, column
    spare, exponent = np.empty((n, G * n)), np.zeros(G, dtype=np.int64)
    grow = np.log2(np.maximum(float(act.gamma) * np.abs(gains) * np.abs(W_hat).sum(axis=1).max(),
                              1.0))
    lapack = nullcontext if is_small(G * n**3) else one_blas_thread  # one thread already
    with lapack():
        shrink_floor = np.abs(gains) * np.linalg.svd(W_hat, compute_uv=False)[-1] / n
    chunk = max(1, min(4096, 2**21 // (G * n)))
    t = 0
    while t < T_max:
        stop = min([T_max, t + chunk] + [w for w in wanted if w > t])
        with small_products(G * n * n):
            a, h = gain_pre_activations(phi, W0, gains, x[t:stop], h)
        d = np.broadcast_to(dphi(a), a.shape)
        mark_rows(test, kinks, gains, a, d, lost, kink)
        with np.errstate(divide="ignore"):
            shrink = np.log2(np.abs(d).min(axis=2) * shrink_floor)
        low = np.cumsum(np.maximum(shrink, -2.0 * RANGE), axis=0)  # -inf: renormalise at once
        scales = np.ascontiguousarray((gains[None, :, None] * d).transpose(0, 2, 1))[..., None]
        P, spare = _multiply_steps(W_hat, P, spare, scales, grow, low, exponent)
        exponent += w_e * (stop - t)
        t = stop
        if t in wanted:
            with lapack():
                top = np.linalg.svd(P.transpose(1, 0, 2), compute_uv=False)[:, 0]
            with np.errstate(divide="ignore"):
                out[:, wanted[t]] = (np.log10(top) + exponent * LOG10_2)[:, None]
        if progress is not None:
            progress(t, T_max)
    return out, lost, kink


def _multiply_steps(W0, P, spare, scales, grow, low, exponent):
    """P ← D_k g W0 P for each step of a chunk (scales: (L, n, G, 1)), renormalising whenever
    the cumulative bounds (high: grow per step; low: the cumulative log2 shrink) say so.
    This is elman_step_jacobian(g φ'(a_k), W0 @ P) of numeric.rnn fused for all gains (one
    GEMM, then row scales in place); tests/test_sweep.py checks it against a plain product."""
    n, G, _ = P.shape
    L, start = len(scales), 0
    steps = np.arange(1, L + 1)[:, None]
    while start < L:
        base = low[start - 1] if start else 0.0
        safe = ((steps[: L - start] * grow <= RANGE) & (low[start:] - base >= -RANGE)).all(axis=1)
        stop = start + max(1, int(np.argmin(safe)) if not safe.all() else L - start)
        for k in range(start, stop):
            np.matmul(W0, P.reshape(n, G * n), out=spare)  # one GEMM for all gains
            P, spare = spare.reshape(n, G, n), P.reshape(n, G * n)
            P *= scales[k]
        exponent += _renormalise(P)
        start = stop
    return P, spare


def _renormalise(P):
    """Scale each gain's product (axis 1) by a power of two so its max |entry| is in [½, 1);
    exact, also for a subnormal product (ldexp of the entries themselves: the factor 2^-shift
    alone would overflow to inf there).  Returns the exponents taken out."""
    biggest = np.abs(P).max(axis=(0, 2))
    _, shift = np.frexp(biggest)
    shift[biggest == 0] = 0
    np.ldexp(P, (-shift)[None, :, None], out=P)
    return shift
