"""The cost of a full check of supplied gradients, estimated before it runs, and whether to
check K random projections (``numeric.probes``) instead.

From n, m, T, the blocks (1 Elman/IndRNN, 3 GRU, 4 LSTM), S = parts·n and the quantities asked:

    reverse pass     T (STEP_S + ENTRY_S·e + MAC_S·blocks·n(n + m)),  e = parts·(channels + parts)
                     (forward, partials, BPTT: the per-step overhead of the unit partials grows
                     with their number e; the products are matrix-vector, memory-bound)
    passes           1 + ROUNDING_RUNS below float64 (the rounding model recomputes the
                     gradient a few times under perturbed rounding), + TAYLOR_PASSES where the
                     Taylor test runs (float64, a parameter or initial-state gradient
                     supplied, T × parameters ≤ TAYLOR_SMALL)
    step_jacobians   T·blocks·n²·S multiply-adds in matrix products (GEMM_S each), T·S²·8 bytes
                     for the derived stack and as much for the supplied one
    jacobian_product the same products, T·blocks·n²·S, and a few S × S matrices: O(T·S³)
    memory           the stored trajectory (T (S + channels·n) + T·S for δ) and every quantity
                     three times (supplied, derived, allowed), 8 bytes an entry.

The constants were measured on the two-core development machine with one BLAS thread while
other jobs ran (load 3 to 7; ``numeric.threads``): ``numeric.check_gradients`` of torch's
float64 gradients at Elman n = 64…512 and LSTM n = 64…256, T = 100…300 (per step 2.0e-4 s
at Elman n = 64, 1.2e-3 s at n = 512; 8.2e-4 s at LSTM n = 64, 1.9e-3 s at n = 256), the
Taylor test at n = 8, T = 200 (25 to 37 reverse passes' worth), and (S, S) matrix products at
S = 64…512.  Estimates are meant to be right within a factor of about 3, enough to choose
between seconds and hours; the diagnosis of a wrong gradient (a backward pass per
hypothesis) comes on top and is not counted.  The probes' time (``_probe_seconds``) was
measured the same way (Elman n = 64…512, LSTM n = 64…256, T = 200…500, one to five
quantities: within a factor 1.5).  The check uses probes above MAX_BYTES, and above
MAX_SECONDS when the probes are estimated faster: for parameter gradients alone one reverse
pass costs about what 16 forward-mode directions do, so the probes pay off by memory and for
the Jacobians (O(T·S²·K) against O(T·S³)).
"""

from dataclasses import dataclass

from numeric.probe_targets import as_cell, targets

STEP_S = 6.4e-5        # s per step: Python and NumPy call overhead of forward + reverse
ENTRY_S = 5.8e-5       # s per step and unit-partial entry
MAC_S = 4e-9           # s per multiply-add of the reverse pass (matrix-vector products)
GEMM_S = 4e-11         # s per multiply-add of a matrix product (one BLAS thread)
ELEMENT_S = 1e-9       # s per elementwise operation on a large array
ROUNDING_RUNS = 3      # reverse passes the rounding model adds below float64
TAYLOR_PASSES = 30     # reverse-pass equivalents of the Taylor test's forward evaluations
TAYLOR_SMALL = 200_000  # T × parameters up to which the check runs the Taylor test
TAYLOR_NAMES = ("grad_h0", "grad_c0")   # besides the parameters and their blocks
PROBE_STEP_S = 2e-5    # s per step of a forward-mode run
PROBE_ENTRY_S = 1e-5   # s per step and unit-partial entry (partials formed once, batched)
READ_S = 5e-10         # s per weight a step (a skinny product reads every weight)
PROBE_GEMM = 2.5       # a skinny product's multiply-add, in GEMM_S
MAX_SECONDS = 30.0
MAX_BYTES = 2 * 2**30


@dataclass(frozen=True)
class CheckCost:
    """The estimated full check: ``seconds``, ``bytes``, ``probes`` (whether probes are used:
    above MAX_BYTES, or above MAX_SECONDS when they are faster), ``text`` (one sentence for
    people) and ``probe_seconds`` (the probes' estimated time)."""

    seconds: float
    bytes: int
    probes: bool
    text: str
    probe_seconds: float = 0.0

    def to_dict(self):
        return {"seconds": self.seconds, "bytes": self.bytes, "probes": self.probes,
                "text": self.text, "probe_seconds": self.probe_seconds}


def estimate_cost(case, names, dtype="float64", probes=16):
    """The cost of checking ``names`` (canonical names) in full, and by ``probes`` random
    projections (``probe_seconds``).

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
    passes = 1 + (ROUNDING_RUNS if below64 else 0)
    n_params = sum(v.size for v in view.params.values())
    if not below64 and n_params * T <= TAYLOR_SMALL and any(
            known[name].what == "param" or name in TAYLOR_NAMES for name in names):
        passes += TAYLOR_PASSES
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
    probe_s = _probe_seconds(view, [known[name] for name in set(names)], probes)
    use = nbytes > MAX_BYTES or (seconds > MAX_SECONDS and probe_s < seconds)
    text = (f"full check: about {_seconds(seconds)} and {_bytes(nbytes)}, {probes} probes: "
            f"about {_seconds(probe_s)}; probes are used above {MAX_SECONDS:g} s (when "
            f"faster) or {MAX_BYTES // 2**30} GiB")
    return CheckCost(seconds, int(nbytes), use, text, probe_s)


def _probe_seconds(view, asked, K):
    """The probes' time (``numeric.probes``): 1 + RERUNS forward-mode runs, each a read of the
    weights a step and a (blocks·n, n) by (n, columns) product, K columns per quantity in the
    first, RERUN_PROBES in the others; step_jacobians adds T·S²·K; the loss needs no column."""
    from numeric.probe_rounding import RERUN_PROBES, RERUNS

    n, m, T, S = view.n, view.x.shape[1], view.T, view.S
    parts, nch = len(view.kind.state), len(view.kind.channels)
    blocks = max(len(p.bases) for p in view.kind.parameters)
    groups = sum(t.what not in ("loss", "step_jacobians") for t in asked)
    columns = groups * (K + RERUNS * min(K, RERUN_PROBES))
    per_run = PROBE_STEP_S + PROBE_ENTRY_S * parts * (nch + parts) + READ_S * blocks * n * (n + m)
    seconds = T * ((1 + RERUNS) * per_run + GEMM_S * PROBE_GEMM * blocks * n * n * columns)
    if any(t.what == "step_jacobians" for t in asked):
        seconds += (1 + RERUNS) * T * S * (S + blocks * n) * min(K, RERUN_PROBES) * GEMM_S
    return seconds


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
