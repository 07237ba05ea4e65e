"""Hand-written BPTT programs, written the way a student of an RNN course writes them: explicit
loops over time in plain NumPy, never calling rnngrad's derivations. They are the independent
"submissions" of the supplied-gradient tests (tests/test_supplied_mistakes.py).

``program(case, dtype=np.float64, mistake=None)`` returns {name: gradient} under the names
``numeric.check_gradients`` accepts: the case's parameters (W_hh, W_xh, b_h for a legacy
``numeric.Case``; PyTorch's weight_ih, weight_hh, bias_ih, bias_hh for a cell case),
``grad_h0`` (``grad_c0`` too for the LSTM) and ``delta`` (T, n): row k−1 is ∂L/∂h_k. Every
array is computed in ``dtype`` arithmetic (float64 or float32 throughout).

Cells (s' from s and x, unbatched):
  legacy / elman  a = W_hh h + W_xh x + b_h (elman: W_ih x + b_ih + W_hh h + b_hh), h' = tanh(a)
  lstm            rows i, f, g, o of z = W_ih x + b_ih + W_hh h + b_hh; c' = f⊙c + i⊙g,
                  h' = o⊙tanh(c')
  gru             rows r, z, n; n = tanh(W_in x + b_in + r⊙(W_hn h + b_hn)), h' = (1−z)⊙n + z⊙h
Loss: L = ½‖h_T − y‖², or Σ_t ½‖h_t − y_t‖² for a legacy case with y of shape (T, n).

``mistake`` makes one well-known bug, the way it is usually made (see MISTAKES).
"""

import numpy as np

BATCH = 4  # the batch size a student divides by in "scaled_batch"
K = 2      # the steps kept by "truncated"
GATE_ORDER = {"lstm": "igfo", "gru": "zrn"}  # the order "gate_order" stacks the blocks in

MISTAKES = {
    "sign": "residual y − h_T instead of h_T − y",
    "transposed": "W_hh instead of W_hhᵀ in the backward recursion (block by block if gated)",
    "transposed_result": "∂L/∂W_hh returned transposed (dW.T)",
    "scaled_mean_time": "the loss averaged over the T steps: every gradient × 1/T",
    "scaled_missing_half": "∂L/∂h_T = 2(h_T − y): the ½ of the loss forgotten",
    "scaled_batch": f"divided by a batch size of {BATCH} the case does not have",
    "missing_activation_derivative": "tanh'(a) dropped (LSTM: tanh'(c_k); GRU: tanh'(n))",
    "missing_gate_derivative": "σ' of one gate dropped (LSTM: forget gate f; GRU: update gate z)",
    "time_shift_h": "outer product with h_k instead of h_{k−1}",
    "time_shift_x": "x[t - 1] instead of x[t] (Python wraps t = 0 to x_T)",
    "truncated": f"the loop runs over the last K = {K} steps only",
    "missing_immediate_term": "the k = T term left out of the parameter sums",
    "truncated_each": f"per-step loss: each L_t backpropagated K = {K} steps only",
    "missing_immediate_term_each": "per-step loss: each L_t's own step k = t left out of the "
                                   "parameter sums (only what flows back from later steps)",
    "gate_order": "gate blocks stacked in another order (LSTM [i, g, f, o]; GRU Keras' [z, r, n])",
    "gru_bias_placement": "b_hn added outside r⊙(·), in the forward and the backward pass",
}
GATED_ONLY = ("gate_order", "missing_gate_derivative")
ELMAN_ONLY = ("transposed_result",)
PER_STEP_ONLY = ("truncated_each", "missing_immediate_term_each")  # else the same as without


def cell_name(case):
    """"legacy" for a numeric.Case, else the cell kind's name."""
    return getattr(getattr(case, "kind", None), "name", "legacy")


def applies(case, mistake):
    """Whether ``mistake`` can be made in a program for ``case`` (and is not the same as another
    one there)."""
    cell = cell_name(case)
    if mistake in PER_STEP_ONLY:
        return cell == "legacy" and case.y.ndim == 2
    if mistake == "gru_bias_placement":
        return cell == "gru"
    if mistake in GATED_ONLY:
        return cell in ("lstm", "gru")
    if mistake in ELMAN_ONLY:
        return cell in ("legacy", "elman")
    return True


def program(case, dtype=np.float64, mistake=None):
    """The hand-written gradients of ``case`` (numeric.Case or numeric.CellCase)."""
    if mistake is not None and mistake not in MISTAKES:
        raise ValueError(f"unknown mistake {mistake!r}")
    kind = cell_name(case)
    if mistake is not None and not applies(case, mistake):
        raise ValueError(f"{mistake} does not apply to this {kind} case")
    run = {"legacy": legacy_elman, "elman": elman_cell, "lstm": lstm_cell, "gru": gru_cell}[kind]
    with np.errstate(over="ignore"):
        return run(case, np.dtype(dtype), mistake)


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def loss_seeds(h, y, T, mistake):
    """dy (T, n): the direct ∂L/∂h_t of each step t = 1..T (only the last for ½‖h_T − y‖²)."""
    dy = np.zeros_like(h[1:])
    if y.ndim == 2:
        dy[:] = h[1:] - y
    else:
        dy[-1] = h[-1] - y
    scale = {"sign": -1, "scaled_missing_half": 2, "scaled_mean_time": 1 / T,
             "scaled_batch": 1 / BATCH}.get(mistake, 1)
    return (dy * dy.dtype.type(scale)).astype(h.dtype)


def steps(T, mistake):
    """t = T−1, …, 0 (0-based), or the last K only when truncated."""
    return range(T - 1, T - 1 - K if mistake == "truncated" else -1, -1)


def inputs(t, h, x, mistake):
    """(h_prev, x_t) for the outer products of step t, shifted by the time_shift mistakes."""
    return (h[t + 1] if mistake == "time_shift_h" else h[t],
            x[t - 1] if mistake == "time_shift_x" else x[t])


def elman(W, U, b, h0, x, y, mistake):
    """(dW, dU, db, dh0, delta) of h_t = tanh(W h_{t−1} + U x_t + b)."""
    T, n = len(x), len(h0)
    h = np.zeros((T + 1, n), h0.dtype)
    h[0] = h0
    for t in range(T):
        h[t + 1] = np.tanh(W @ h[t] + U @ x[t] + b)
    dy = loss_seeds(h, y, T, mistake)
    if mistake == "truncated_each":
        return elman_truncated_each(W, U, b, h, x, dy)
    dW, dU, db = np.zeros_like(W), np.zeros_like(U), np.zeros_like(b)
    delta = np.zeros((T, n), h0.dtype)
    dh_next = np.zeros(n, h0.dtype)
    for t in steps(T, mistake):
        dh = dh_next + dy[t]
        delta[t] = dh
        da = dh if mistake == "missing_activation_derivative" else (1 - h[t + 1] ** 2) * dh
        if mistake == "missing_immediate_term_each":  # the own loss term's part left out
            da_sum = (1 - h[t + 1] ** 2) * dh_next
        else:
            da_sum = da
        if not (mistake == "missing_immediate_term" and t == T - 1):
            h_prev, x_t = inputs(t, h, x, mistake)
            dW += np.outer(da_sum, h_prev)
            dU += np.outer(da_sum, x_t)
            db += da_sum
        dh_next = (W if mistake == "transposed" else W.T) @ da
    if mistake == "truncated":
        dh_next = np.zeros_like(dh_next)  # the gradient never reaches h_0
    if mistake == "transposed_result":
        dW = dW.T
    return dW, dU, db, dh_next, delta


def elman_truncated_each(W, U, b, h, x, dy):
    """Truncated BPTT of a per-step loss: each L_t's error goes back K steps from step t."""
    T, n = len(x), h.shape[1]
    dW, dU, db = np.zeros_like(W), np.zeros_like(U), np.zeros_like(b)
    delta = np.zeros((T, n), h.dtype)
    for t_loss in range(T):
        dh = dy[t_loss]
        for t in range(t_loss, max(t_loss - K, -1), -1):
            delta[t] += dh
            da = (1 - h[t + 1] ** 2) * dh
            dW += np.outer(da, h[t])
            dU += np.outer(da, x[t])
            db += da
            dh = W.T @ da
    return dW, dU, db, np.zeros(n, h.dtype), delta


def legacy_elman(case, dtype, mistake):
    W, U, b, h0, x, y = (np.asarray(v, dtype) for v in
                         (case.W_hh, case.W_xh, case.b_h, case.h0, case.x, case.y))
    dW, dU, db, dh0, delta = elman(W, U, b, h0, x, y, mistake)
    return {"W_hh": dW, "W_xh": dU, "b_h": db, "grad_h0": dh0, "delta": delta}


def elman_cell(case, dtype, mistake):
    if case.activation.name != "tanh":
        raise ValueError("the hand-written Elman cell is tanh only")
    p = {name: np.asarray(v, dtype) for name, v in case.params.items()}
    s0, x, y = (np.asarray(v, dtype) for v in (case.s0, case.x, case.y))
    dW, dU, db, dh0, delta = elman(p["weight_hh"], p["weight_ih"],
                                   p["bias_ih"] + p["bias_hh"], s0, x, y, mistake)
    return {"weight_ih": dU, "weight_hh": dW, "bias_ih": db, "bias_hh": db.copy(),
            "grad_h0": dh0, "delta": delta}


def stack_gates(grads, cell, mistake):
    """Gate blocks restacked in GATE_ORDER when the mistake is gate_order."""
    if mistake != "gate_order":
        return grads
    pytorch = {"lstm": "ifgo", "gru": "rzn"}[cell]
    out = dict(grads)
    for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
        blocks = np.split(grads[name], len(pytorch))
        out[name] = np.concatenate([blocks[pytorch.index(g)] for g in GATE_ORDER[cell]])
    return out


def recurrent(Wh, dz, mistake):
    """W_hhᵀ dz, or Σ_b W_hh[b] dz[b] (each n × n block untransposed) when transposed."""
    if mistake != "transposed":
        return Wh.T @ dz
    n = Wh.shape[1]
    return sum(Wh[j:j + n] @ dz[j:j + n] for j in range(0, len(Wh), n))


def cell_arrays(case, dtype):
    p = {name: np.asarray(v, dtype) for name, v in case.params.items()}
    s0, x, y = (np.asarray(v, dtype) for v in (case.s0, case.x, case.y))
    return p["weight_ih"], p["weight_hh"], p["bias_ih"], p["bias_hh"], s0, x, y


def lstm_cell(case, dtype, mistake):
    Wi, Wh, bi, bh, s0, x, y = cell_arrays(case, dtype)
    T, n = len(x), len(Wh[0])
    h, c = np.zeros((T + 1, n), dtype), np.zeros((T + 1, n), dtype)
    h[0], c[0] = s0[:n], s0[n:]
    gates = np.zeros((T, 4, n), dtype)
    for t in range(T):
        z = Wi @ x[t] + bi + Wh @ h[t] + bh
        i, f, g, o = sigmoid(z[:n]), sigmoid(z[n:2 * n]), np.tanh(z[2 * n:3 * n]), \
            sigmoid(z[3 * n:])
        gates[t] = i, f, g, o
        c[t + 1] = f * c[t] + i * g
        h[t + 1] = o * np.tanh(c[t + 1])
    dy = loss_seeds(h, y, T, mistake)
    grads = {name: np.zeros_like(v) for name, v in
             (("weight_ih", Wi), ("weight_hh", Wh), ("bias_ih", bi), ("bias_hh", bh))}
    delta = np.zeros((T, n), dtype)
    dh_next, dc_next = np.zeros(n, dtype), np.zeros(n, dtype)
    for t in steps(T, mistake):
        i, f, g, o = gates[t]
        dh = dh_next + dy[t]
        delta[t] = dh
        tc = np.tanh(c[t + 1])
        if mistake == "missing_activation_derivative":
            dc = dc_next + dh * o
        else:
            dc = dc_next + dh * o * (1 - tc ** 2)
        df = dc * c[t] if mistake == "missing_gate_derivative" else dc * c[t] * f * (1 - f)
        dz = np.concatenate([dc * g * i * (1 - i), df, dc * i * (1 - g ** 2),
                             dh * tc * o * (1 - o)])
        if not (mistake == "missing_immediate_term" and t == T - 1):
            h_prev, x_t = inputs(t, h, x, mistake)
            grads["weight_ih"] += np.outer(dz, x_t)
            grads["weight_hh"] += np.outer(dz, h_prev)
            grads["bias_ih"] += dz
            grads["bias_hh"] += dz
        dh_next, dc_next = recurrent(Wh, dz, mistake), dc * f
    if mistake == "truncated":
        dh_next, dc_next = np.zeros_like(dh_next), np.zeros_like(dc_next)
    return {**stack_gates(grads, "lstm", mistake), "grad_h0": dh_next, "grad_c0": dc_next,
            "delta": delta}


def gru_cell(case, dtype, mistake):
    Wi, Wh, bi, bh, s0, x, y = cell_arrays(case, dtype)
    T, n = len(x), len(Wh[0])
    outside = mistake == "gru_bias_placement"
    h = np.zeros((T + 1, n), dtype)
    h[0] = s0
    saved = []
    for t in range(T):
        gi, gh = Wi @ x[t] + bi, Wh @ h[t] + bh
        hn = gh[2 * n:] - bh[2 * n:] if outside else gh[2 * n:]  # what r multiplies
        r, z = sigmoid(gi[:n] + gh[:n]), sigmoid(gi[n:2 * n] + gh[n:2 * n])
        nn = np.tanh(gi[2 * n:] + r * hn + (bh[2 * n:] if outside else 0))
        saved.append((r, z, nn, hn))
        h[t + 1] = (1 - z) * nn + z * h[t]
    dy = loss_seeds(h, y, T, mistake)
    grads = {name: np.zeros_like(v) for name, v in
             (("weight_ih", Wi), ("weight_hh", Wh), ("bias_ih", bi), ("bias_hh", bh))}
    delta = np.zeros((T, n), dtype)
    dh_next = np.zeros(n, dtype)
    for t in steps(T, mistake):
        r, z, nn, hn = saved[t]
        dh = dh_next + dy[t]
        delta[t] = dh
        dn = dh * (1 - z)
        dan = dn if mistake == "missing_activation_derivative" else dn * (1 - nn ** 2)
        dar = dan * hn * r * (1 - r)
        daz = dh * (h[t] - nn)
        if mistake != "missing_gate_derivative":
            daz = daz * z * (1 - z)
        dgi = np.concatenate([dar, daz, dan])
        dgh = np.concatenate([dar, daz, dan * r])
        dbh = np.concatenate([dar, daz, dan]) if outside else dgh
        if not (mistake == "missing_immediate_term" and t == T - 1):
            h_prev, x_t = inputs(t, h, x, mistake)
            grads["weight_ih"] += np.outer(dgi, x_t)
            grads["weight_hh"] += np.outer(dgh, h_prev)
            grads["bias_ih"] += dgi
            grads["bias_hh"] += dbh
        dh_next = dh * z + recurrent(Wh, dgh, mistake)
    if mistake == "truncated":
        dh_next = np.zeros_like(dh_next)
    return {**stack_gates(grads, "gru", mistake), "grad_h0": dh_next, "delta": delta}
