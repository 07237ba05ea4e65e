"""What an absolute rounding of every activation derivative does to the gradient: the part of a
lower precision's error that perturbing stored values by a relative u cannot show.

Code that takes φ' from the stored output (1 − h² for tanh, σ(1 − σ) for the sigmoid) rounds
it with an absolute error of about u, not u·|φ'|: where a unit saturates (h → ±1, σ → 1) the
derivative is small and its relative error u/φ' large (float32 gives exactly 0 once
|a| ≳ 9).  Here every unit partial v = ∂G_a/∂L_j or ∂G_a/∂s_b of step k becomes

    v + u·ξ·(|v| + scale),   ξ uniform in [−1, 1],

scale = |v| with channel L_j set to 0, together with the channels of the same gate (the GRU's
n_x and n_h; a sigmoid gate's channel only where it is positive, ``sigmoid_channels``): the
derivative at its unsaturated value, the other factors kept; or |v| with the state set to 0
(so tanh(c) of the LSTM counts too); whichever is larger.  One BPTT is run with them
(``numeric.cells``'s recursion, float64, forward pass exact); the result is |that − the same
BPTT unperturbed| for the parameters (own names), ∂L/∂s_0 and the g_k (a
``numeric.backward.Backward``).
"""

from functools import lru_cache

import numpy as np
import sympy as sp

import derive
from numeric import cells
from numeric.backward import Backward, problem


def partial_rounding(case, u, rng):
    """|ΔθL|, |Δ∂L/∂s_0|, |Δg_k| (a ``Backward``, loss 0) under absolute partial rounding u."""
    prob = problem(case)
    plain = _bptt(prob, None)
    noisy = _bptt(prob, lambda v, scale: v + u * (np.abs(v) + scale) * rng.uniform(-1, 1, v.shape))
    return Backward({own: np.abs(noisy.params[own] - plain.params[own]) for own in plain.params},
                    np.abs(noisy.state0 - plain.state0), 0.0, np.abs(noisy.delta - plain.delta))


def _scales(prob, channels, s, n):
    """|v| at the unsaturated value of each partial's own gate, or at state 0."""
    kind, act, params = prob.kind, prob.act, prob.params
    scale = [[np.abs(np.broadcast_to(v, (n,))) for v in row]
             for row in cells.step_partials(kind, act, params, channels, 0 * s)]
    blocks = [{index for _, index, _ in ch.terms} for ch in kind.channels]
    sided = sigmoid_channels(kind, act)
    unsaturated = [np.where(L > 0, 0, L) if one else 0 * L for L, one in zip(
        channels, sided, strict=True)]
    for j in range(len(kind.channels)):
        zeroed = [unsaturated[i] if blocks[i] & blocks[j] else L for i, L in enumerate(channels)]
        at_zero = cells.step_partials(kind, act, params, zeroed, s)
        for a, row in enumerate(at_zero):
            scale[a][j] = np.maximum(scale[a][j], np.abs(row[j]))
    return scale


@lru_cache(maxsize=32)
def sigmoid_channels(kind, act):
    """Per channel: whether the gate function applied to it directly is the sigmoid alone.
    σ(1 − σ) formed from a stored σ cancels only where σ → 1 (L > 0); where σ → 0 its
    factors keep their relative precision, so those channels are left as they are."""
    outputs, _ = derive.unit_map(kind, act)
    gates = {g for e in outputs for g in e.atoms(sp.Function) if derive.is_gate(g)}

    def direct(arg):
        nested = {g: sp.Dummy() for g in arg.atoms(sp.Function) if derive.is_gate(g)}
        return arg.xreplace(nested).free_symbols

    names = [{type(g).activation.name for g in gates if ch.symbol in direct(g.args[0])}
             for ch in kind.channels]
    return tuple(found == {"sigmoid"} for found in names)


def _bptt(prob, noise):
    """BPTT of ``prob`` (final-step or per-step loss), each unit partial passed through
    ``noise(v, scale)`` when given."""
    kind, act, params, x = prob.kind, prob.act, prob.params, np.asarray(prob.x, float)
    path = cells.forward(kind, act, params, np.asarray(prob.s0, float), x)
    n, parts, nch, T = cells.hidden_size(kind, params), len(kind.state), len(kind.channels), len(x)
    grads = {name: np.zeros_like(v, dtype=float) for name, v in params.items()}
    delta, g_bp, rest = np.zeros((T, parts * n)), np.zeros(parts * n), np.zeros((parts - 1) * n)
    for k in range(T, 0, -1):
        h_k = path.states[k][:n]
        if prob.per_step or k == T:
            g_bp = g_bp + np.concatenate([h_k - (prob.y[k - 1] if prob.per_step else prob.y),
                                          rest])
        delta[k - 1] = g_bp
        L, s = path.channels[k - 1], path.states[k - 1]
        d = [[np.broadcast_to(np.asarray(v, float), (n,)) for v in row]
             for row in cells.step_partials(kind, act, params, L, s)]
        if noise is not None:
            d = [[noise(v, sc) for v, sc in zip(row, srow, strict=True)]
                 for row, srow in zip(d, _scales(prob, L, s, n), strict=True)]
        g = [g_bp[a * n:(a + 1) * n] for a in range(parts)]
        new = [sum(g[a] * d[a][nch + b] for a in range(parts)) for b in range(parts)]
        for j, ch in enumerate(kind.channels):
            dj = sum(g[a] * d[a][j] for a in range(parts))
            for name, index, by in ch.terms:
                rows = slice(index * n, (index + 1) * n)
                if by is None:
                    grads[name][rows] += dj
                    continue
                grads[name][rows] += np.outer(dj, x[k - 1] if by == "x" else s[:n])
                if by == "h":
                    new[0] = new[0] + params[name][rows].T @ dj
        for i, name in enumerate(kind.unit_parameters):
            grads[name] += sum(g[a] * d[a][nch + parts + i] for a in range(parts))
        g_bp = np.concatenate(new)
    own = {mine: grads[theirs] for mine, theirs in prob.names.items()}
    return Backward(own, g_bp, 0.0, delta)
