"""Hand-written Elman BPTT loops with the well-known mistakes made (``elman_loop``,
``per_step_truncated``, ``hand_delta``) and the small wrappers the diagnosis tests share: the
independent side of tests/test_diagnose.py and tests/test_diagnose_transforms.py."""

import numpy as np

import numeric

LEGACY_NAMES = ("W_hh", "W_xh", "b_h", "grad_h0")


def elman_loop(case, *, transposed=False, drop=None, shift=None, K=None, immediate=True,
               skip_last=False):
    """Hand-written Elman BPTT (tanh) with a mistake made; per-step or final loss.  K: the
    loop over the last K steps only; skip_last: the term of step T left out of the sums."""
    W, U, b, x, y = case.W_hh, case.W_xh, case.b_h, case.x, case.y
    T, n = len(x), len(b)
    h = [case.h0]
    for x_k in x:
        h.append(np.tanh(W @ h[-1] + U @ x_k + b))
    e = [h[k] - y[k - 1] if y.ndim == 2 else (h[T] - y if k == T else np.zeros(n))
         for k in range(T + 1)]
    dW, dU, db, g_bp = np.zeros((n, n)), np.zeros_like(U), np.zeros(n), np.zeros(n)
    for k in range(T, 0, -1):
        D = 1 - h[k] ** 2
        delta = {None: D * (g_bp + e[k]), "h": g_bp + e[k], "a": g_bp + D * e[k]}[drop]
        term = delta if immediate else D * g_bp
        h_in = h[k] if shift == "h+1" else h[k - 1]
        x_in = {None: x[k - 1], "h+1": x[k - 1], "x+1": x[k] if k < T else 0 * x[0],
                "x-1": x[k - 2] if k > 1 else 0 * x[0], "x-1 wrap": x[k - 2]}[shift]
        if (K is None or k > T - K) and not (skip_last and k == T):
            dW, dU, db = dW + np.outer(term, h_in), dU + np.outer(term, x_in), db + term
        g_bp = (W if transposed else W.T) @ delta
    g0 = g_bp if K is None or K >= T else np.zeros(n)
    return {"W_hh": dW, "W_xh": dU, "b_h": db, "grad_h0": g0}


def per_step_truncated(case, K):
    """Σ_t L_t with each L_t backpropagated K steps (k = t − K + 1..t), hand-written."""
    W, U, b, x, y = case.W_hh, case.W_xh, case.b_h, case.x, case.y
    h = [case.h0]
    for x_k in x:
        h.append(np.tanh(W @ h[-1] + U @ x_k + b))
    out = {"W_hh": 0 * W, "W_xh": 0 * U, "b_h": 0 * b}
    for t in range(1, len(x) + 1):
        g = h[t] - y[t - 1]
        for k in range(t, max(t - K, 0), -1):
            delta = (1 - h[k] ** 2) * g
            out["W_hh"] = out["W_hh"] + np.outer(delta, h[k - 1])
            out["W_xh"] = out["W_xh"] + np.outer(delta, x[k - 1])
            out["b_h"] = out["b_h"] + delta
            g = W.T @ delta
    return out


def allowed_for(reference):
    return {k: 1e-9 * (np.abs(v) + np.max(np.abs(v))) for k, v in reference.items()}


def codes(findings):
    return [(f.code, f.detail) for f in findings]


def diagnosed(case, supplied, reference):
    return numeric.diagnose(case, supplied, reference, allowed_for(reference))


def hand_delta(case, K=None):
    """∂L/∂h_k (T, n) of a final-step loss by a hand-written loop; K: only the last K rows
    filled (the loop over the last K steps), the others 0."""
    h = [case.h0]
    for x_k in case.x:
        h.append(np.tanh(case.W_hh @ h[-1] + case.W_xh @ x_k + case.b_h))
    T, g = len(case.x), h[-1] - case.y
    rows = np.zeros((T, len(g)))
    for k in range(T, 0, -1):
        rows[k - 1] = g if K is None or k > T - K else 0
        g = case.W_hh.T @ ((1 - h[k] ** 2) * g)
    return rows
