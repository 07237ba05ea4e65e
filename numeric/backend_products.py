"""log10‖P_T‖₂ of stacked products P_T = J_T ⋯ J_1 on an array backend (NumPy, JAX, PyTorch).

The step Jacobians come in ``numeric.step_chunks`` chunks (formed in NumPy from the forward
pass); the product runs on the backend, batched over settings, from P_0 = I (S × S):

    P_k = J_k P_{k−1} / 2^{e_k},   log10‖P_T‖₂ = log10 σ_max(P_T) + (Σ_{k ≤ T} e_k) · log10 2,

e_k the exponent of P's largest |entry| after step k (``Backend.rescale``: an exact power of
two, so the rescale adds no rounding and no T overflows or underflows), or 0 where no rescale
is needed: for the Elman form the bounds of ``rescale_steps`` say when max|P| could leave
2^±900, and only those steps (and the measured ones) rescale; a rescale touches all of P, as
much memory traffic as the product on a GPU.  The exponents are summed in float64 on the
backend and read back only at the wanted T.  With ``n_block`` the top-left n_block × n_block
block of P_T is measured too (∂h_T/∂h_0 of a cell whose state is s = [h; c]); its exponent is
the same 2^{Σe}.

On JAX each chunk is one jitted ``lax.scan`` over its steps (the rescale inside, σ_max taken
under a ``lax.cond`` at the wanted steps only); NumPy and PyTorch loop over the steps.

The sweeps' backend path: ``elman_gain_norms`` (the matrix gain sweep of ``numeric.gain_sweep``:
the forward pass a_k = g W0 h_{k−1} + x_k in NumPy, exactly as there, then the product here;
exact zeros, underflows and kinks told apart by the same rule, ``numeric.exact_zeros``).
"""

import dataclasses

import numpy as np

from numeric.backends import Backend
from numeric.backends import backend as get_backend
from numeric.bridge import raw_activation_functions
from numeric.exact_zeros import ZeroTest, kink_points, mark_rows
from numeric.rnn import _scaled_weights
from numeric.step_chunks import apply_step, elman_chunks, gain_pre_activations, on_backend

LOG10_2 = float(np.log10(2.0))
RANGE = 900   # rescale before bounds on max|P| could leave 2^±RANGE
FORWARD_ENTRIES = 2**21   # pre-activations formed at once: steps × gains × n


def product_log10_norms(backend, chunks, T_values, n_block=None, batch=None):
    """(log10‖P_T‖₂, log10‖P_T[:n_block, :n_block]‖₂ or None), each (len(T_values), *batch),
    for every T in ``T_values`` (≥ 1, any order, repeats allowed, at most the chunks' steps).
    ``backend``: a ``numeric.Backend`` or its name (None: numpy); ``batch``: the settings'
    shape, read from the first chunk when None."""
    if not isinstance(backend, Backend):
        backend = get_backend(backend)
    T_values = [int(T) for T in np.atleast_1d(T_values)]
    if not T_values or min(T_values) < 1:
        raise ValueError(f"T must be >= 1, got {T_values}")
    with np.errstate(over="ignore", under="ignore", divide="ignore", invalid="ignore"):
        found, done = _products(backend, chunks, set(T_values), n_block, batch)
    missing = sorted(set(T_values) - set(found))
    if missing:
        raise ValueError(f"T must be at most the number of steps {done}, got {missing[-1]}")
    full = np.array([found[T][0] for T in T_values])
    return full, (None if n_block is None else np.array([found[T][1] for T in T_values]))


def _products(backend, chunks, wanted, n_block, batch):
    """{T: (full, block)} at the wanted T, and the number of steps multiplied."""
    found, P, e, done = {}, None, None, 0
    for chunk in chunks:
        if P is None:
            S, shape = _sizes(chunk, batch)
            P = backend.asarray(np.broadcast_to(np.eye(S), (*shape, S, S)))
            e = backend.asarray(np.zeros(shape))
        if done >= max(wanted):
            break
        flags = np.array([chunk.start + i + 1 in wanted for i in range(len(chunk))])
        rescales = rescale_steps(chunk) | flags
        if backend.name == "jax":
            P, e, logs = _jax_chunk(backend, chunk, P, e, flags, rescales, n_block)
        else:
            P, e, logs = _eager_chunk(backend, chunk, P, e, flags, rescales, n_block)
        for i in np.flatnonzero(flags):
            found[chunk.start + int(i) + 1] = tuple(None if v is None else v[i] for v in logs)
        done = chunk.start + len(chunk)
    return found, done


def rescale_steps(chunk):
    """The steps of the chunk after which P is rescaled: for scaled chunks only where bounds say
    its largest entry could otherwise leave 2^±RANGE before the next rescale, and always at the
    chunk's last step; every step for dense chunks.  A step multiplies max|P| by at most
    max|d_k| ‖W‖_∞ and, since ‖P‖₂ ≥ max|P| ≥ ‖P‖₂/S, by at least Π min|d_k| σ_min(W) / S over
    the steps since the last rescale (the worst setting of the batch decides)."""
    L = len(chunk)
    if chunk.dense is not None:
        return np.ones(L, dtype=bool)
    with np.errstate(divide="ignore"):
        W = np.asarray(chunk.W)
        width = np.abs(W).sum(axis=-1).max(axis=-1)                   # ‖W‖_∞ per setting
        floor = np.linalg.svd(W, compute_uv=False)[..., -1]            # σ_min per setting
        d = np.abs(chunk.scale)
        up = np.log2(d.max(axis=-1) * width).reshape(L, -1).max(axis=1)
        down = np.log2(d.min(axis=-1) * floor).reshape(L, -1).min(axis=1)
    slack = np.log2(d.shape[-1]) + 1.0
    out, high, low = np.zeros(L, dtype=bool), 0.0, 0.0
    for k in range(L):
        high, low = high + max(up[k], 0.0), low + min(down[k], 0.0)
        last = k + 1 == L
        if last or high + max(up[k + 1], 0.0) > RANGE or \
                low + min(down[k + 1], 0.0) - slack < -RANGE:
            out[k], high, low = True, 0.0, 0.0
    return out


def _sizes(chunk, batch):
    if chunk.dense is None:
        shape, S = chunk.scale.shape[1:-1], chunk.scale.shape[-1]
    else:
        shape, S = chunk.dense.shape[1:-2], chunk.dense.shape[-1]
    return S, tuple(shape if batch is None else batch)


def _log10_sigma(bk, P, e):
    """log10 σ_max(P) + e log10 2 (−inf for a zero P), on the backend."""
    return bk.xp.log10(bk.top_singular_values(P)) + e * LOG10_2


def _eager_chunk(bk, chunk, P, e, flags, rescales, n_block):
    """Step by step (NumPy, PyTorch): P ← J_k P, rescaled at ``rescales``, σ_max at the
    flagged steps."""
    arrays = on_backend(bk, chunk)
    full = [None] * len(chunk)
    block = [None] * len(chunk)
    for i in range(len(chunk)):
        P = apply_step(bk, chunk, arrays, i, P)
        if rescales[i]:
            P, de = bk.rescale(P)
            e = e + de
        if flags[i]:
            full[i] = bk.to_numpy(_log10_sigma(bk, P, e))
            if n_block is not None:
                block[i] = bk.to_numpy(_log10_sigma(bk, P[..., :n_block, :n_block], e))
    return P, e, (full, None if n_block is None else block)


_JITTED = {}


def _jax_chunk(bk, chunk, P, e, flags, rescales, n_block):
    """One jitted lax.scan over the chunk's steps; σ_max only where flagged (lax.cond)."""
    key = (bk.device, chunk.dense is None, n_block)
    if key not in _JITTED:
        _JITTED[key] = _jax_scan(bk, chunk.dense is None, n_block)
    arrays = on_backend(bk, chunk)
    J, W = (arrays[0], arrays[1]) if chunk.dense is None else (arrays[0], None)
    P, e, logs = _JITTED[key](P, e, W, J, bk.asarray(flags.astype(float)) > 0,
                              bk.asarray(rescales.astype(float)) > 0)
    logs = [np.asarray(v) for v in logs]
    return P, e, (logs[0], logs[1] if n_block is not None else None)


def _jax_scan(bk, scaled, n_block):
    import jax
    from jax import lax

    jnp = bk.xp

    def measure(P, e):
        full = _log10_sigma(bk, P, e)
        block = full if n_block is None else _log10_sigma(bk, P[..., :n_block, :n_block], e)
        return full, block

    def skip(P, e):
        nan = jnp.full(e.shape, jnp.nan)
        return nan, nan

    def keep(P):
        return P, jnp.zeros(P.shape[:-2])

    def run(P, e, W, J, flags, rescales):
        def body(carry, xs):
            P, e = carry
            Jk, flag, again = xs
            P = Jk[..., :, None] * jnp.matmul(W, P) if scaled else jnp.matmul(Jk, P)
            P, de = lax.cond(again, bk.rescale, keep, P)
            e = e + de
            return (P, e), lax.cond(flag, measure, skip, P, e)

        (P, e), logs = lax.scan(body, (P, e), (J, flags, rescales))
        return P, e, logs

    return jax.jit(run)


def elman_gain_norms(bk, act, W0, gains, T, x, h):
    """(log10‖∂h_T/∂h_0‖₂ (len(gains), len(T)), underflow rows, kink rows) for
    a_k = g W0 h_{k−1} + x_k, h_0 = h (G, n): the forward pass in NumPy (the same operations as
    ``numeric.gain_sweep``'s), the product of J_k = diag(g φ'(a_k)) Ŵ0 on ``bk``, with
    W0 = Ŵ0 · 2^w_e (a subnormal W0 keeps its digits; 2^{T·w_e} is added to the log).

    The rows are found as on NumPy's path (``numeric.exact_zeros``): a φ' that evaluated to 0
    where it is not exactly 0, or g φ' that underflowed; besides, a subnormal g φ'(a_k) (a
    backend may flush it to 0: JAX on the CPU does), so a zero product there is never taken
    for an exact zero (W0 = 0, relu's zero piece and φ'(0) = 0 of z² still are)."""
    W_hat, w_e = _scaled_weights(np.asarray(W0, dtype=float))
    lost, kink = np.zeros(len(gains), dtype=bool), np.zeros(len(gains), dtype=bool)
    chunks = _elman_gain_chunks(act, W0, W_hat, gains, int(max(T)), x, h, lost, kink)
    full, _ = product_log10_norms(bk, chunks, T, batch=(len(gains),))
    full = full + np.asarray(T, dtype=float)[:, None] * (w_e * LOG10_2)
    return full.T, lost, kink


def _elman_gain_chunks(act, W0, W_hat, gains, T_max, x, h, lost, kink):
    """The chunks of J_k = diag(g φ'(a_k)) Ŵ0; ``lost`` and ``kink`` (G,) set on the way."""
    phi, dphi = raw_activation_functions(act)
    test, kinks = ZeroTest(act), kink_points(act)
    G, n = h.shape
    length = max(1, FORWARD_ENTRIES // (G * n))
    for t in range(0, T_max, length):
        stop = min(T_max, t + length)
        a, h = gain_pre_activations(phi, W0, gains, x[t:stop], h)
        _mark_rows(test, kinks, gains, a, dphi, lost, kink)
        for chunk in elman_chunks(act, W_hat, a, gains):
            yield dataclasses.replace(chunk, start=chunk.start + t)


def _mark_rows(test, kinks, gains, a, dphi, lost, kink):
    """``lost`` and ``kink`` (in place) for the pre-activations a (L, G, n); a subnormal
    g φ'(a_k) counts as lost (a backend may flush it to 0)."""
    with np.errstate(over="ignore", under="ignore"):
        d = np.broadcast_to(dphi(a), a.shape)
    mark_rows(test, kinks, gains, a, d, lost, kink, floor=np.finfo(float).tiny)
