"""Norms of a cell's product ∂s_T/∂s_0 = J_T ⋯ J_1 for many parameter values at once.

Every step Jacobian is formed explicitly, a chunk of steps at a time and batched over the
parameters' leading dimensions, from the derived partials of the unit map:

    J_k[a, :n] = Σ_j diag(∂G_a/∂L_j) W_hh[j] + diag(∂G_a/∂h),   J_k[a, b] = diag(∂G_a/∂s_b)

(the channel sum as one small matmul per unit: Σ_j D[a, i, j] W_hh[j][i, :]).  The product then
costs one batched matmul per step, J_k @ P into a preallocated buffer, and an exact rescaling:
each batch member's P is divided by the power of two 2^e that brings its largest entry into
[½, 1), e is carried as an integer, so no T overflows or underflows and the rescaling adds no
rounding.  ``block="h"`` multiplies only the h columns (∂s_T/∂h_0) and reads rows :n.

Subnormal weights (W_hh = [[5e-324]], IndRNN's u = [1e-310]): a weight or partial below 2^-960
switches the product to long double (``extended_params``, where wider than float64), in which
the partials, J_k and P keep their digits; the norms are taken of the rescaled float64 P.
"""

import numpy as np

from numeric.cells import _block, hidden_size, step_partials

LOG10_2 = np.log10(2.0)
CHUNK_ENTRIES = 2**21  # Jacobian columns formed at once: chunk × batch × S × n
# long double where its exponent range is wider than float64's (x86: 80-bit, 2^±16382), else None
EXTENDED = np.longdouble if np.finfo(np.longdouble).minexp < np.finfo(float).minexp else None
TINY = 2.0**-960  # below this a weight or a partial times an O(1) factor may lose digits


def has_tiny(arrays):
    """Whether some entry of the arrays (nested lists allowed) is 0 < |v| < 2^-960: a partial
    or a weight whose products in float64 may be subnormal (digits lost: tanh'(0.1) · 2^-1074
    evaluates to 2^-1074)."""
    if isinstance(arrays, (list, tuple)):
        return any(has_tiny(a) for a in arrays)
    v = np.abs(np.asarray(arrays))
    return bool(np.any((v > 0) & (v < TINY)))


def extended_params(params):
    """The parameters in long double (``EXTENDED``), where that type has a wider exponent range
    than float64; else None.  Every weight is exact there, and the partials and step Jacobians
    computed from them keep their digits down to 2^-16382 (gated cells mix O(1) own-state
    partials with the subnormal W_hh terms, so no one power of two rescales J_k)."""
    if EXTENDED is None:
        return None
    return {name: np.asarray(value, dtype=EXTENDED) for name, value in params.items()}


def _recurrent_weights(kind, params, n, batch):
    """(indices of the recurrent channels, W) with W[..., i, j, :] = row i of channel j's
    W_hh block: (n, J, n) when no recurrent weight has batch dimensions, else broadcast to
    (*batch, n, J, n)."""
    recurrent = [(j, ch.recurrent) for j, ch in enumerate(kind.channels) if ch.recurrent]
    if not recurrent:
        return [], None
    W = np.stack([_block(kind, params, name, index, n) for _, (name, index) in recurrent], axis=-2)
    return [j for j, _ in recurrent], (W if W.ndim == 3 else np.broadcast_to(
        W, (*batch, n, len(recurrent), n)))


def dense_columns(kind, partials, n, recurrent, W):
    """The h columns of J_k for a chunk of L steps, (L, *batch, parts, n, n) (a view):
    [a, i, :] = Σ_j ∂G_a/∂L_j[i] W_hh[j][i, :] + ∂G_a/∂h[i] e_i, one matmul per unit i."""
    parts, nch = len(kind.state), len(kind.channels)
    shape = np.broadcast_shapes(*(np.shape(v) for row in partials for v in row))
    L, batch = shape[0], shape[1:-1]
    D = np.stack([np.stack([np.broadcast_to(partials[a][j], shape) for j in recurrent], -1)
                  for a in range(parts)], axis=-2)           # (L, *batch, n, parts, J)
    if W.ndim == 3:    # shared weights: units lead, every step and batch member are rows
        D = np.moveaxis(D, -3, 0).reshape(n, -1, len(recurrent))
        R = np.matmul(D, W).reshape(n, L, *batch, parts, n)
        R = np.moveaxis(R, 0, -2)
    else:              # weights per batch member: batch dims lead
        D = np.moveaxis(D, 0, -3).reshape(*batch, n, L * parts, len(recurrent))
        R = np.matmul(D, W).reshape(*batch, n, L, parts, n)
        R = np.moveaxis(R, (-4, -3), (-2, 0))
    idx = np.arange(n)
    for a in range(parts):
        R[..., a, idx, idx] += partials[a][nch]
    return R


def product_norms(kind, act, params, path, T_values, blocks=("s",)):
    """{block: log10 ‖·‖₂ of ∂s_T/∂s_0 ("s") or ∂h_T/∂h_0 ("h"), shape (len(T_values), ...)}
    for every T in ``T_values`` (any order, repeats allowed, each ≤ the path's length)."""
    n, S = hidden_size(kind, params), path.states[0].shape[-1]
    batch = path.states[0].shape[:-1]
    T_values = [int(T) for T in T_values]
    if min(T_values) < 1 or max(T_values) > len(path.channels):
        raise ValueError(f"T must be in 1..{len(path.channels)}, got {T_values}")
    C = n if set(blocks) == {"h"} else S
    P = np.broadcast_to(np.eye(S)[:, :C], (*batch, S, C)).copy()
    exponent, found = np.zeros(batch), {}
    chunk = max(1, CHUNK_ENTRIES // max(1, int(np.prod(batch, dtype=np.int64)) * S * n))
    if has_tiny(list(params.values())) and extended_params(params) is not None:
        params, P = extended_params(params), P.astype(EXTENDED)
    recurrent, W = _recurrent_weights(kind, params, n, batch)
    buffers = (np.empty_like(P), np.empty((*batch, n, C), dtype=P.dtype))
    for start in range(0, max(T_values), chunk):
        stop = min(max(T_values), start + chunk)
        stacked = _stacked(kind, path, start, stop, batch, n)
        d = step_partials(kind, act, params, *stacked)
        if P.dtype == float and has_tiny(d) and extended_params(params) is not None:
            # a partial lost digits (IndRNN's u φ' with u subnormal): long double from here on
            params, P = extended_params(params), P.astype(EXTENDED)
            recurrent, W = _recurrent_weights(kind, params, n, batch)
            buffers = (np.empty_like(P), np.empty((*batch, n, C), dtype=P.dtype))
            d = step_partials(kind, act, params, *stacked)
        W_hat, w_e = _tiny_scaled(kind, d, W)
        dense = dense_columns(kind, d, n, recurrent, W_hat) if recurrent else None
        for k in range(start, stop):
            P, buffers = _step(kind, d, dense, k - start, P, buffers, n)
            exponent += _rescale(P) + w_e
            if k + 1 in T_values:
                found[k + 1] = _norms(P, exponent, n, blocks)
    return {b: np.array([found[T][b] for T in T_values]) for b in blocks}


def _tiny_scaled(kind, d, W):
    """(Ŵ, e) with W = Ŵ · 2^e when every recurrent weight is below 2^-64 and J_k has no
    own-state term (elman: J_k = D_k W_hh, so J_k = D_k Ŵ · 2^e exactly), else (W, 0): the
    partials times a subnormal W_hh would lose their digits (tanh'(0.1) · 2^-1074 = 2^-1074)."""
    if W is None:
        return W, 0
    big = float(np.max(np.abs(W)))
    parts, nch = len(kind.state), len(kind.channels)
    own = any(np.any(d[a][nch + b]) for a in range(parts) for b in range(parts))
    if big == 0 or big >= 2.0**-64 or own:
        return W, 0
    e = int(np.frexp(big)[1])
    return np.ldexp(W, -e), e


def _stacked(kind, path, start, stop, batch, n):
    """Channels and states of steps start+1..stop stacked along a leading time axis."""
    S = path.states[0].shape[-1]
    channels = [np.stack([np.broadcast_to(path.channels[k][j], (*batch, n))
                          for k in range(start, stop)]) for j in range(len(kind.channels))]
    return channels, np.stack([np.broadcast_to(path.states[k], (*batch, S))
                               for k in range(start, stop)])


def _step(kind, d, dense, step, P, buffers, n):
    """P ← J_k P: the dense h columns by matmul, each diagonal own-state block (∂G_a/∂s_b,
    b ≥ 1: the LSTM's c) as a row scale.  Returns (new P, spare buffers)."""
    new, tmp = buffers
    parts, nch = len(kind.state), len(kind.channels)
    for a in range(parts):
        rows = new[..., a * n:(a + 1) * n, :]
        if dense is not None:
            np.matmul(dense[step, ..., a, :, :], P[..., :n, :], out=rows)
        else:
            np.multiply(d[a][nch][step][..., None], P[..., :n, :], out=rows)
        for b in range(1, parts):
            np.multiply(d[a][nch + b][step][..., None], P[..., b * n:(b + 1) * n, :], out=tmp)
            rows += tmp
    return new, (P, tmp)


def _rescale(P):
    """Divide each batch member of P (..., S, C) by 2^e, e the exponent of its largest |entry|
    (max |P| in [½, 1) afterwards; exact); returns e (0 where P is exactly zero).  Two
    factors, since 2^-e alone overflows for a subnormal P (e < −1023)."""
    biggest = np.maximum(P.max(axis=(-2, -1)), -P.min(axis=(-2, -1)))
    _, e = np.frexp(biggest)
    if P.dtype != float:  # long double: its exponents may pass float64's 2^±1074
        np.ldexp(P, -e[..., None, None], out=P)
        return e
    half = -e // 2
    P *= np.ldexp(1.0, half)[..., None, None]
    P *= np.ldexp(1.0, -e - half)[..., None, None]
    return e


def _norms(P, exponent, n, blocks):
    out = {}
    with np.errstate(divide="ignore"):
        for b in blocks:
            shown, e = P[..., :n, :n] if b == "h" else P, 0
            if P.dtype != float:  # long double: rescale the block itself, then float64's SVD
                shown = shown.copy()
                e = _rescale(shown)
                shown = shown.astype(float)
            out[b] = np.log10(np.linalg.norm(shown, 2, axis=(-2, -1))) + (exponent + e) * LOG10_2
    return out
