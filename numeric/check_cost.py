"""The cost of a full check of supplied gradients, estimated before it runs, and whether to
check K random projections (``numeric.probes``) instead.

From n, m, T, the blocks (1 Elman/IndRNN, 3 GRU, 4 LSTM), S = parts·n and the quantities asked:

    reverse pass     T (STEP_S + ENTRY_S·e + MAC_S·blocks·n(n + m)),  e = parts·(channels + parts)
                     (forward, partials, BPTT: the per-step overhead of the unit partials grows
                     with their number e; the products are matrix-vector, memory-bound)
    passes           1 + ROUNDING_RUNS below float64 (the rounding model recomputes the
                     gradient a few times under perturbed rounding) + TAYLOR_PASSES
    step_jacobians   T·blocks·n²·S multiply-adds in matrix products (GEMM_S each), T·S²·8 bytes
                     for the derived stack and as much for the supplied one
    jacobian_product the same products, T·blocks·n²·S, and a few S × S matrices: O(T·S³)
    memory           the stored trajectory (T (S + channels·n) + T·S for δ) and every quantity
                     three times (supplied, derived, allowed), 8 bytes an entry.

The constants were measured on the two-core development machine with one BLAS thread while
other jobs ran (``numeric.threads``): cells.bptt per step at n = 8…256, T = 200 for Elman, GRU
and LSTM, and (S, S) matrix products at S = 64…512.  Estimates are meant to be right within a
factor of about 3, enough to choose between seconds and hours.  Above MAX_SECONDS or MAX_BYTES
the check uses probes.
"""

from dataclasses import dataclass

from numeric.probe_targets import as_cell, targets

STEP_S = 1.5e-4        # s per step: Python and NumPy call overhead of forward + reverse
ENTRY_S = 3.5e-5       # s per step and unit-partial entry
MAC_S = 6e-9           # s per multiply-add of the reverse pass (matrix-vector products)
GEMM_S = 4e-11         # s per multiply-add of a matrix product (one BLAS thread)
ELEMENT_S = 1e-9       # s per elementwise operation on a large array
ROUNDING_RUNS = 3      # reverse passes the rounding model adds below float64
TAYLOR_PASSES = 2      # reverse-pass equivalents of the Taylor test's forward evaluations
MAX_SECONDS = 30.0
MAX_BYTES = 2 * 2**30


@dataclass(frozen=True)
class CheckCost:
    """The estimated full check: ``seconds``, ``bytes``, ``probes`` (whether it is above the
    threshold, so probes are used) and ``text`` (one sentence for people)."""

    seconds: float
    bytes: int
    probes: bool
    text: str

    def to_dict(self):
        return {"seconds": self.seconds, "bytes": self.bytes, "probes": self.probes,
                "text": self.text}


def estimate_cost(case, names, dtype="float64"):
    """The cost of checking ``names`` (canonical names) in full.

    >>> import numpy as np, derive, numeric
    >>> case = numeric.Case(derive.activation("tanh"), np.eye(2), np.ones((2, 1)),
    ...                     np.zeros(2), np.zeros(2), np.ones((5, 1)))
    >>> estimate_cost(case, ["W_hh"]).probes
    False
    """
    from numeric.probe_targets import unit_roundoff

    view = as_cell(case, need_target=False)
    known = targets(view)
    for name in names:
        if name not in known:
            raise ValueError(f"unknown quantity {name!r}; this case takes: {', '.join(known)}")
    below64 = unit_roundoff(dtype) > 2.0**-53
    n, m, T, S = view.n, view.x.shape[1], view.T, view.S
    parts, nch = len(view.kind.state), len(view.kind.channels)
    blocks = max(len(p.bases) for p in view.kind.parameters)
    per_step = STEP_S + ENTRY_S * parts * (nch + parts) + MAC_S * blocks * n * (n + m)
    passes = 1 + (ROUNDING_RUNS if below64 else 0) + TAYLOR_PASSES
    seconds = passes * T * per_step
    stored = T * (2 * S + nch * n) + sum(v.size for v in view.params.values()) * 3
    entries = stored
    for name in set(names):
        size = _size(known[name].shape)
        entries += 2 * size if name != "delta" else 0
        if name in ("step_jacobians", "jacobian_product"):
            products = T * blocks * n * n * S
            seconds += (1 + (ROUNDING_RUNS if below64 else 0)) * (
                products * GEMM_S + T * S * S * parts * (nch + parts) * ELEMENT_S)
    nbytes = 8 * entries
    probes = seconds > MAX_SECONDS or nbytes > MAX_BYTES
    text = (f"full check: about {_seconds(seconds)} and {_bytes(nbytes)}; probes are used "
            f"above {MAX_SECONDS:g} s or {MAX_BYTES // 2**30} GiB")
    return CheckCost(seconds, int(nbytes), probes, text)


def _size(shape):
    size = 1
    for d in shape:
        size *= d
    return size


def _number(v):
    """Two significant digits, without an exponent: 0.43, 4.3, 43, 430."""
    return f"{v:.0f}" if v >= 10 else f"{v:.2g}"


def _seconds(s):
    for unit, size in (("days", 86400), ("h", 3600), ("min", 60)):
        if s >= size * (2 if unit == "days" else 1):
            return f"{_number(s / size)} {unit}"
    return f"{_number(s)} s"


def _bytes(b):
    for unit, size in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if b >= size:
            return f"{_number(b / size)} {unit}"
    return f"{b:.0f} B"
