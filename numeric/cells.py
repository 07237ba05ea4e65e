"""One numeric path for every cell: forward pass, step Jacobians, the rescaled product
∂s_T/∂s_0 and BPTT, all from the cell type's derived unit map (``numeric.cell_bridge``).

For a channel L_j = W_ih[j] x + W_hh[j] h + biases and the unit map G (new state part a from
channels, own state entries and unit parameters, unit by unit):

    ∂s'_a/∂h = Σ_j diag(∂G_a/∂L_j) W_hh[j] + diag(∂G_a/∂h),   ∂s'_a/∂c = diag(∂G_a/∂c)
    BPTT: δ_j = Σ_a g_a ⊙ ∂G_a/∂L_j;  ∂L/∂W_ih[j] += δ_j x_kᵀ, ∂L/∂W_hh[j] += δ_j h_{k−1}ᵀ,
          ∂L/∂b[j] += δ_j;  g_{k−1} = Σ_j W_hh[j]ᵀ δ_j + Σ_a g_a ⊙ ∂G_a/∂s_own

Parameters may carry leading batch dimensions (sweeps over a forget bias or a gain): every
array broadcasts as NumPy's matmul does.  Shapes: state (..., S) in the order of the cell's
state parts ([h; c] for the LSTM), x (T, m).
"""

from dataclasses import dataclass, field

import numpy as np

from numeric.cell_bridge import unit_functions
from numeric.rnn import ScaledMatrix, _pow2
from numeric.scaled_sums import ScaledSum, combined, log10_max, matvec_T, renormalised
from numeric.threads import small_products


@dataclass(frozen=True)
class CellTrajectory:
    """Channels (T entries, each a list of (..., n) arrays, one per channel) and states
    s_0..s_T ((T + 1) entries of (..., S))."""

    channels: list
    states: list


def _block(kind, params, name, index, n):
    """Row block ``index`` (n rows) of parameter ``name``: a matrix (..., n, cols), or for a
    vector parameter (a bias, columns 1) its n entries (..., n); leading dims are batch."""
    rows = slice(index * n, (index + 1) * n)
    if kind.parameter(name).columns == 1:
        return params[name][..., rows]
    return params[name][..., rows, :]


def channel_values(kind, params, n, h, x_k):
    """Every channel L_j at hidden state h (..., n) and input x_k (m,)."""
    values = []
    for ch in kind.channels:
        total = 0.0
        for name, index, by in ch.terms:
            B = _block(kind, params, name, index, n)
            if by == "x":
                total = total + B @ x_k
            elif by == "h":
                total = total + (B @ h[..., :, None])[..., 0]
            else:
                total = total + B
        values.append(np.asarray(total, dtype=np.result_type(h, float)))
    return values


def _unit_inputs(kind, params, n, channels, s):
    parts = [s[..., p * n:(p + 1) * n] for p in range(len(kind.state))]
    return channels + parts + [params[name] for name in kind.unit_parameters]


def forward(kind, act, params, s0, x, complex_values=False):
    """The states s_0..s_T and the channels of every step (``complex_values``: complex G)."""
    G, _ = unit_functions(kind, act, complex_values)
    n = hidden_size(kind, params)
    states, channels = [np.asarray(s0)], []
    with small_products(np.asarray(s0).size * n * len(kind.channels)):
        for x_k in np.asarray(x):
            L = channel_values(kind, params, n, states[-1][..., :n], x_k)
            channels.append(L)
            states.append(np.concatenate(G(*_unit_inputs(kind, params, n, L, states[-1])),
                                         axis=-1))
    return CellTrajectory(channels, states)


def hidden_size(kind, params):
    first = kind.parameters[0]
    return params[first.name].shape[-2] // len(first.bases)


def step_partials(kind, act, params, channels, s):
    """∂G rows (per new state part) of partials (per unit input), each (..., n)."""
    _, dG = unit_functions(kind, act)
    n = hidden_size(kind, params)
    return dG(*_unit_inputs(kind, params, n, channels, s))


def apply_step_jacobian(kind, params, partials, M):
    """J_k M for a state-space matrix M (..., S, c), without forming J_k."""
    n, parts, nch = hidden_size(kind, params), len(kind.state), len(kind.channels)
    M_parts = [M[..., p * n:(p + 1) * n, :] for p in range(parts)]
    recurrent = [(j, ch.recurrent) for j, ch in enumerate(kind.channels) if ch.recurrent]
    WM = {j: _block(kind, params, name, index, n) @ M_parts[0] for j, (name, index) in recurrent}
    rows = []
    for a in range(parts):
        d = partials[a]
        total = sum(d[j][..., :, None] * WM[j] for j, _ in recurrent) if recurrent else 0.0
        for b in range(parts):
            total = total + d[nch + b][..., :, None] * M_parts[b]
        rows.append(total)
    return np.concatenate(rows, axis=-2)


def step_jacobians(kind, act, params, path):
    """J_k = ∂s_k/∂s_{k−1} for k = 1..T, stacked (T, ..., S, S)."""
    S = path.states[0].shape[-1]
    eye = np.broadcast_to(np.eye(S), (*path.states[0].shape[:-1], S, S))
    return np.stack([apply_step_jacobian(kind, params, step_partials(
        kind, act, params, L, s), eye) for L, s in zip(path.channels, path.states, strict=False)])


def jacobian_product(kind, act, params, path):
    """∂s_T/∂s_0 = J_T ⋯ J_1 (unbatched), rescaled by a power of two after every step: a
    ``ScaledMatrix`` that neither overflows nor underflows for any T.  A weight or partial
    below 2^-960 (subnormal W_hh, IndRNN's u) runs in long double
    (``numeric.cell_products.extended_params``), where gated cells keep the digits of their
    subnormal W_hh terms beside the O(1) own-state ones."""
    from numeric.cell_products import EXTENDED, extended_params, has_tiny
    from numeric.rnn import _rescaled

    P, exponent = np.eye(path.states[0].shape[-1]), 0
    long = extended_params(params) if has_tiny(list(params.values())) else None
    if long is not None:
        params, P = long, P.astype(EXTENDED)
    for L, s in zip(path.channels, path.states, strict=False):
        partials = step_partials(kind, act, params, L, s)
        if P.dtype == float and has_tiny(partials) and extended_params(params) is not None:
            params, P = extended_params(params), P.astype(EXTENDED)  # IndRNN's u φ', u tiny
            partials = step_partials(kind, act, params, L, s)
        step = apply_step_jacobian(kind, params, partials, P)
        if P.dtype != float:
            P, exponent = _rescaled_long(step, exponent)
            continue
        if np.max(np.abs(step)) < 2.0**-900:  # a subnormal W_hh: W_hh P lost its digits
            step, exponent = apply_step_jacobian(kind, params, partials, P * 2.0**600), \
                exponent - 600
        P, exponent = _rescaled(step, exponent)
    if P.dtype != float:
        P = P.astype(float)  # max |P| in [½, 1); entries below 2^-1074 become 0 or subnormal
    return ScaledMatrix(P, exponent)


def _rescaled_long(P, exponent):
    """(P / 2^e, exponent + e) for a long-double P, e the exponent of max |P| (0 for P = 0)."""
    biggest = np.max(np.abs(P))
    if biggest == 0:
        return P, exponent
    e = int(np.frexp(biggest)[1])
    return np.ldexp(P, -e), exponent + e


def log10_product_norms(kind, act, params, path, T_values, block=None):
    """log10 ‖∂s_T/∂s_0‖₂ for every T in ``T_values``, batched over the parameters' leading
    dimensions: an array (len(T_values), ...).  ``block="h"``: log10 ‖∂h_T/∂h_0‖₂, the
    hidden-to-hidden block (the LSTM's top-left n × n).  Every step rescales each batch
    member's product by a power of two (exact) and carries the exponent
    (``numeric.cell_products``: step Jacobians formed a chunk of steps at a time)."""
    from numeric.cell_products import product_norms

    key = "h" if block == "h" else "s"
    return product_norms(kind, act, params, path, T_values, (key,))[key]


@dataclass(frozen=True)
class CellGradients:
    """∂L/∂θ for every parameter (dict keyed by PyTorch's names, PyTorch's shapes),
    ∂L/∂s_0 (S,), and L = ½‖h_T − y‖².  ``overflow``: {name: log10 max|entry|} of each
    gradient ("state0" for ∂L/∂s_0) whose exact value leaves float64 (inf entries there)."""

    params: dict
    state0: np.ndarray
    loss: float
    overflow: dict = field(default_factory=dict)


def bptt(kind, act, params, s0, x, y):
    """Backpropagation through time for L = ½‖h_T − y‖² (y of shape (n,)), unbatched.

    g_k is carried as ĝ · 2^s (s one per entry once they drift apart) and the sums with an
    exponent per entry (as ``numeric.rnn.bptt``, ``numeric.scaled_sums``):
    a g_k beyond float64 meeting an exact zero state or partial gives 0, not inf · 0 = NaN."""
    path = forward(kind, act, params, s0, x)
    n, parts = hidden_size(kind, params), len(kind.state)
    nch = len(kind.channels)
    residual = path.states[-1][:n] - y
    g, s = np.concatenate([residual, np.zeros((parts - 1) * n)]), 0
    sums = {name: ScaledSum(np.shape(value)) for name, value in params.items()}
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        for k in range(len(x), 0, -1):
            d = step_partials(kind, act, params, path.channels[k - 1], path.states[k - 1])
            g_parts = [g[p * n:(p + 1) * n] for p in range(parts)]
            s_parts = [s[p * n:(p + 1) * n] if isinstance(s, np.ndarray) else s
                       for p in range(parts)]

            def through(index, g_parts=g_parts, s_parts=s_parts, d=d):
                """Σ_a g_a ⊙ ∂G_a/∂(unit input index), with its exponent(s)."""
                return combined((g_parts[a] * d[a][index], s_parts[a]) for a in range(parts))

            new_g = [through(nch + b) for b in range(parts)]
            for j, ch in enumerate(kind.channels):
                delta, e = through(j)
                rows_e = e[:, None] if isinstance(e, np.ndarray) else e
                for name, index, by in ch.terms:
                    rows = slice(index * n, (index + 1) * n)
                    if by == "x":
                        sums[name].add(np.outer(delta, _input(x, k)), rows_e, rows)
                    elif by == "h":
                        sums[name].add(np.outer(delta, path.states[k - 1][:n]), rows_e, rows)
                        new_g[0] = combined([new_g[0], matvec_T(params[name][rows], delta, e)])
                    else:
                        sums[name].add(delta, e, rows)
            for u, name in enumerate(kind.unit_parameters):
                sums[name].add(*through(nch + parts + u))
            g, s = renormalised(np.concatenate([v for v, _ in new_g]),
                                _joined([e for _, e in new_g], n))
        values = {name: S.value() for name, S in sums.items()}
        state0 = _pow2(g, s)
    overflow = {name: sums[name].log10_max() for name, value in values.items()
                if not np.all(np.isfinite(value))}
    if not np.all(np.isfinite(state0)):
        overflow["state0"] = log10_max(g, s)
    return CellGradients(values, state0, 0.5 * float(residual @ residual), overflow)


def _input(x, k):
    """The input of step k (1-based) as an array."""
    return np.asarray(x[k - 1])


def _joined(exps, n):
    """The state's exponents from its parts': one int when all parts share it, else (S,)."""
    if not any(isinstance(e, np.ndarray) for e in exps) and len(set(exps)) == 1:
        return exps[0]
    return np.concatenate([np.broadcast_to(e, (n,)) for e in exps])
