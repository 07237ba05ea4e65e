"""Workload B of ``python -m numeric.bench``: the gain sweep of a 32-unit tanh RNN.

B: n = 32 tanh, W_hh = g·W0, W0 ~ N(0, 1/n) (seed 0), 256 gains in [0.25, 2.5], T = 100,
   x_k = 0.1·N(0, I) (seed 1), h_0 = 0: ‖∂h_T/∂h_0‖₂ for every g.  Ours: ``numeric.gain_sweep``
   (one GEMM W0 @ [P_1 … P_G] a step, 2^23 multiply-adds); the baseline: the plain batched
   product P_g ← diag(φ'(a)) g W0 P_g, 256 separate 32 × 32 matmuls a step.  Both are timed
   with the BLAS's default threads and again under ``threadpool_limits(1)``, in the same run:
   on a machine whose cores are busy a threaded GEMM of this size waits for descheduled
   threads, so the sweep runs it on one thread (``numeric.threads``) and says so.
"""

import math

import mpmath
import numpy as np

from numeric.gains import gain_sweep
from numeric.threads import is_small

REPEAT = 5  # best of: B takes a tenth of a second


def workload_b(quick=False):
    n, G, T = (8, 16, 20) if quick else (32, 256, 100)
    W0 = np.random.default_rng(0).standard_normal((n, n)) / math.sqrt(n)
    x = 0.1 * np.random.default_rng(1).standard_normal((T, n))
    return W0, np.linspace(0.25, 2.5, G), T, x


def ours_b(W0, gains, T, x):
    return gain_sweep(W0, gains, np.array([T]), inputs=x).log10_norm[:, 0]


def baseline_b(W0, gains, T, x):
    """Plain batched NumPy: P_g ← diag(φ'(a)) g W0 P_g for every g at once, no rescaling."""
    G, n = len(gains), len(W0)
    W = gains[:, None, None] * W0[None]
    h, P = np.zeros((G, n)), np.tile(np.eye(n), (G, 1, 1))
    with np.errstate(all="ignore"):
        for t in range(T):
            a = np.einsum("gij,gj->gi", W, h) + x[t]
            h = np.tanh(a)
            P = (1 / np.cosh(a) ** 2)[:, :, None] * (W @ P)
        return np.log10(np.linalg.norm(P, 2, axis=(1, 2)))


def mp_b(W0, g, T, x, dps=30):
    with mpmath.workdps(dps):
        W = mpmath.matrix((g * W0).tolist())  # g·W0 rounded once, as every float path does
        n = W.rows
        h, P = mpmath.zeros(n, 1), mpmath.eye(n)
        for t in range(T):
            a = W * h + mpmath.matrix(x[t].tolist())
            h = mpmath.matrix([mpmath.tanh(v) for v in a])
            P = mpmath.diag([mpmath.sech(v) ** 2 for v in a]) * W * P
        return float(mpmath.log10(max(mpmath.svd_r(P, compute_uv=False))))


def run_b(quick, timed, bench_peers, threads):
    """Workload B, timed with the BLAS's default threads and again under one thread (both
    methods, in the same run): the sweep picks one thread itself for this shape
    (``numeric.threads``), the baseline's (n, n) matmuls are too small to be threaded."""
    from threadpoolctl import threadpool_limits

    W0, gains, T, x = workload_b(quick)
    t_base, base = timed(baseline_b, W0, gains, T, x, repeat=REPEAT)
    t_ours, ours = timed(ours_b, W0, gains, T, x, repeat=REPEAT)
    with threadpool_limits(limits=1, user_api="blas"):
        t_base1, _ = timed(baseline_b, W0, gains, T, x, repeat=REPEAT)
        t_ours1, _ = timed(ours_b, W0, gains, T, x, repeat=REPEAT)
    n = len(W0)
    out = {"blas_threads": threads,
           "sweep_blas_threads": 1 if is_small(len(gains) * n**3) else threads,
           "baseline_s": t_base, "ours_s": t_ours, "ours_over_baseline": t_ours / t_base,
           "baseline_1_thread_s": t_base1, "ours_1_thread_s": t_ours1,
           "ours_over_baseline_1_thread": t_ours1 / t_base1,
           **bench_peers.against_ours(base, ours, "max_rel_diff_ours_baseline"),
           "float64_range_note": bench_peers.RANGE_NOTE}
    out.update(_accuracy_b(W0, gains, T, x, ours, quick))
    out.update(bench_peers.gain_peers(W0, gains, T, x, ours, t_base, quick))
    return out


def _accuracy_b(W0, gains, T, x, ours, quick):
    picks = [0.5, 1.0, 1.5, 2.4] if not quick else [0.5, 2.4]
    idx = [int(np.argmin(np.abs(gains - g))) for g in picks]
    rng = np.random.default_rng(5)
    ulp = np.finfo(float).eps
    W1 = W0 * (1 + ulp * rng.choice([-1, 1], W0.shape))
    h_shift = ulp * rng.standard_normal(len(W0))
    perturbed = gain_sweep(W1, gains[idx], np.array([T]), inputs=x,
                           h0=h_shift).log10_norm[:, 0]
    rows = []
    for k, i in enumerate(idx):
        exact = mp_b(W0, gains[i], T, x)
        rows.append({"g": float(gains[i]),
                     "rel_error_vs_mpmath": abs(ours[i] - exact) * math.log(10),
                     "condition_spread": abs(perturbed[k] - ours[i]) * math.log(10)})
    return {"mpmath_subsample": rows}
