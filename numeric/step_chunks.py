"""Step Jacobians J_k = ∂s_k/∂s_{k−1}, a chunk of consecutive steps at a time, batched over
settings (gains, seeds): the input of the product and QR kernels on any array backend.

Two forms.  Scaled (the Elman RNN): J_k[g] = diag(scale[k, g]) W[g], scale = φ'(a_k) (times the
gain), W shared (S, S) or per setting (G, S, S); only the scales are formed.  Dense (every
cell): J_k[g] as (S, S) matrices, from the cell's derived unit map (``numeric.cell_products``):

    J_k[a, :n] = Σ_j diag(∂G_a/∂L_j) W_hh[j] + diag(∂G_a/∂h),   J_k[a, b] = diag(∂G_a/∂s_b).

Every chunk holds at most CHUNK_ENTRIES numbers.
"""

from dataclasses import dataclass

import numpy as np

from numeric.bridge import raw_activation_functions
from numeric.cell_products import _recurrent_weights, _stacked, dense_columns
from numeric.cells import hidden_size, step_partials

CHUNK_ENTRIES = 2**22


@dataclass(frozen=True)
class StepChunk:
    """Steps ``start``+1 .. ``start``+L: ``scale`` (L, *batch, S) with ``W`` (S, S) or
    (*batch, S, S), or ``dense`` (L, *batch, S, S)."""

    start: int
    scale: np.ndarray | None = None
    W: np.ndarray | None = None
    dense: np.ndarray | None = None

    def __len__(self):
        return len(self.scale if self.dense is None else self.dense)


def elman_chunks(act, W, pre_activations, gains=None):
    """Scaled chunks of J_k = diag(g φ'(a_k)) W for the Elman RNN: pre_activations (T, *batch, n)
    (a_k = g W h_{k−1} + W_xh x_k + b), ``gains`` None or (G,) for batch (G,)."""
    _, dphi = raw_activation_functions(act)
    a = np.asarray(pre_activations, dtype=float)
    W = np.array(W, dtype=float)    # writable (see below), copied once for all chunks
    length = max(1, CHUNK_ENTRIES // max(1, a[0].size))
    for start in range(0, len(a), length):
        with np.errstate(over="ignore", under="ignore"):
            # a writable copy: broadcast_to gives a read-only view, which torch.from_numpy
            # warns about (and the test suite turns warnings into errors)
            d = np.array(np.broadcast_to(dphi(a[start:start + length]),
                                         a[start:start + length].shape), dtype=float)
            if gains is not None:
                d = d * np.asarray(gains, dtype=float)[None, :, None]
        yield StepChunk(start, scale=np.ascontiguousarray(d), W=W)


def gain_pre_activations(phi, W0, gains, drive, h):
    """a_k = g W0 h_{k−1} + drive_k for every gain, the steps of ``drive`` (L, n) from h (G, n):
    (a (L, G, n), the last h).  One GEMM per step for all gains (W0 shared, the gains as row
    scales): the forward pass of ``numeric.gain_sweep`` and of the Elman gain sweeps on a
    backend and of the Lyapunov gain sweep."""
    a = np.empty((len(drive), *np.shape(h)))
    for k in range(len(drive)):
        a[k] = gains[:, None] * (h @ W0.T) + drive[k]
        h = phi(a[k])
    return a, h


def cell_chunks(kind, act, params, path):
    """Dense chunks of a cell's step Jacobians along ``path`` (numeric.cells.forward, batched
    over the parameters' leading dimensions)."""
    n, S = hidden_size(kind, params), path.states[0].shape[-1]
    batch = path.states[0].shape[:-1]
    T = len(path.channels)
    recurrent, W = _recurrent_weights(kind, params, n, batch)
    parts, nch = len(kind.state), len(kind.channels)
    length = max(1, CHUNK_ENTRIES // max(1, int(np.prod(batch, dtype=np.int64)) * S * S))
    idx = np.arange(n)
    for start in range(0, T, length):
        stop = min(T, start + length)
        with np.errstate(over="ignore", under="ignore"):
            d = step_partials(kind, act, params, *_stacked(kind, path, start, stop, batch, n))
            J = np.zeros((stop - start, *batch, S, S))
            if recurrent:
                h_columns = dense_columns(kind, d, n, recurrent, W)
            for a in range(parts):
                rows = slice(a * n, (a + 1) * n)
                if recurrent:
                    J[..., rows, :n] = h_columns[..., a, :, :]
                else:
                    J[..., rows, :n][..., idx, idx] = d[a][nch]
                for b in range(1, parts):
                    J[..., rows, b * n:(b + 1) * n][..., idx, idx] = d[a][nch + b]
        yield StepChunk(start, dense=J)


def apply_step(backend, chunk, arrays, step, M):
    """J_k M on ``backend`` for step index ``step`` of ``chunk`` (``arrays``: the chunk's
    arrays moved to the backend by ``on_backend``)."""
    if chunk.dense is None:
        scale, W = arrays
        return backend.scale_rows(scale[step], shared_matmul(backend, W, M))
    return backend.matmul(arrays[0][step], M)


def shared_matmul(backend, W, M):
    """W M for every member of the stack M (..., S, k): with W shared (S, S), one GEMM on the
    members side by side, W [M_1 … M_G] (a stack of small products leaves BLAS idle);
    otherwise the batched matmul."""
    if W.ndim != 2 or M.ndim < 3:
        return backend.matmul(W, M)
    S, k = M.shape[-2:]
    side = backend.moveaxis(M, -2, 0).reshape(S, -1)
    return backend.moveaxis(backend.matmul(W, side).reshape((S,) + M.shape[:-2] + (k,)),
                            0, -2)


def on_backend(backend, chunk):
    """The chunk's arrays on the backend: (scale, W) or (dense,)."""
    if chunk.dense is None:
        return backend.asarray(chunk.scale), backend.asarray(chunk.W)
    return (backend.asarray(chunk.dense),)
