"""Grids and inputs for the sweeps: validation of w/gains, T, h_0 and inputs, and W0 draws."""

import math

import numpy as np

# The largest grid: w values × T values.  Peak memory grows by about BYTES_PER_CELL per cell
# (measured: peak RSS of `rnngrad sweep --w 0:1:N --T 1 --json` for N = 10^4 and 10^5, where
# the JSON's nested lists cost the most; --csv about 0.5 kB), so MAX_GRID cells stay near
# 1 GiB.  Counts are checked before any array is made.
MAX_GRID = 500_000
BYTES_PER_CELL = 2200
MAX_T = 10**7


def random_W0(n, kind, rng):
    """W0 drawn from ``rng``: "gaussian" (entries N(0, 1/n)) or "orthogonal" (QR of a Gaussian,
    signs fixed so the draw is uniform)."""
    if kind == "gaussian":
        return rng.standard_normal((n, n)) / math.sqrt(n)
    if kind == "orthogonal":
        Q, R = np.linalg.qr(rng.standard_normal((n, n)))
        return Q * np.sign(np.diag(R))
    raise ValueError(f"unknown W0 kind {kind!r}; expected 'gaussian' or 'orthogonal'")


def grid(values, name):
    values = np.atleast_1d(np.asarray(values, dtype=float))
    if values.ndim != 1 or values.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D list of numbers")
    if not np.all(np.isfinite(values)):
        raise ValueError(f"{name} must be finite")
    return values


def lengths(T):
    T = np.atleast_1d(np.asarray(T))
    if T.ndim != 1 or T.size == 0 or not np.issubdtype(T.dtype, np.integer):
        raise ValueError("T must be a non-empty 1-D list of ints")
    if T.min() < 1:
        raise ValueError(f"T must be >= 1, got {int(T.min())}")
    return T.astype(np.int64)


def scalar_inputs(inputs, T_max):
    x = np.asarray(inputs, dtype=float)
    if x.ndim == 0:
        if not np.isfinite(x):
            raise ValueError(f"inputs must be finite, got {float(x)}")
        return np.full(T_max, float(x))
    if x.ndim != 1 or len(x) < T_max or not np.all(np.isfinite(x)):
        raise ValueError(f"inputs must be a constant or a finite array of length >= {T_max}")
    return x


def vector(value, n, name):
    v = np.asarray(value, dtype=float)
    if v.shape != (n,) or not np.all(np.isfinite(v)):
        raise ValueError(f"{name} must be a finite vector of length {n}, got shape {v.shape}")
    return v


def matrix_inputs(inputs, T_max, n):
    if inputs is None:
        return np.zeros((T_max, n))
    x = np.asarray(inputs, dtype=float)
    if x.ndim == 1:
        return np.tile(vector(x, n, "inputs"), (T_max, 1))
    if x.ndim != 2 or x.shape[1] != n or len(x) < T_max or not np.all(np.isfinite(x)):
        raise ValueError(f"inputs must be None, a length-{n} vector or a finite "
                         f"(>= {T_max}, {n}) array, got shape {x.shape}")
    return x
