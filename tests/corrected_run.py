"""The audit's corrected program written out by hand (independent of reports/): tanh, n = 20,
m = 10, T = 100, W_hh scaled to ‖W_hh‖₂ = 0.9, numpy.random.default_rng(seed), h_0 = 0,
g_T = 1; back-propagation δ_k = (1 − h_k²) g_k, g_{k−1} = W_hhᵀ δ_k."""

import numpy as np


def corrected_run(seed=0):
    """(W_hh, h_0..h_T, x_1..x_T, {k: δ_k}, {k: δ_k with tanh' replaced by 1})."""
    rng = np.random.default_rng(seed)
    W = rng.standard_normal((20, 20))
    W *= 0.9 / np.linalg.norm(W, 2)
    W_xh, x = rng.standard_normal((20, 10)), rng.standard_normal((100, 10))
    h = [np.zeros(20)]
    for x_k in x:
        h.append(np.tanh(W @ h[-1] + W_xh @ x_k))
    g, bare, deltas, bares = np.ones(20), np.ones(20), {}, {}
    for k in range(100, 0, -1):
        deltas[k], bares[k] = (1 - h[k] ** 2) * g, bare
        g, bare = W.T @ deltas[k], W.T @ bare
    return W, h, x, deltas, bares
