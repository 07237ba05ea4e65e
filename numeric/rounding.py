"""How far a correct gradient computed in a lower precision may be from the float64 derivation:
an error model for float32 (or float16) without false alarms.

For every quantity d (a canonical name of ``numeric.supplied_names``) the allowed absolute
error of entry i is

    allowed_i = SAFETY · spread_i + pool · max spread + PARTIALS · max |Δ_partials|
                + RELATIVE · u · |d_i| + SUBNORMAL · (the dtype's smallest subnormal)

* spread_i = max over ``runs`` recomputations (Monte Carlo arithmetic) of |d_i^(r) − d_i|, each
  with every input (parameters, s_0, x) and every stored value (channels, states, partials,
  g_k, accumulators; ``numeric.backward``'s ``perturb``) changed by a random relative amount up
  to u = ``unit_roundoff(dtype)`` and then rounded to the dtype (so underflow and overflow
  happen where they would).  This carries how rounding grows along T: by the gains of the
  product in an exploding or chaotic run, not at all where it vanishes.
* pool = POOL, or SAFETY where the run is chaotic (max spread > CHAOTIC · max |d|: the dtype
  then gets few digits of d right, and ``runs`` draws per entry under-sample that noise).
* Δ_partials: the same BPTT with every activation derivative given an absolute error of u
  (``numeric.rounding_partials``), as code that forms 1 − h² from a stored h does; maximum
  over the quantity's entries.  Only for the quantities of the backward pass (parameters and
  their gate blocks, ∂L/∂h_0, ∂L/∂c_0, delta).
* RELATIVE · u · |d_i|: the rounding of the entry itself; SUBNORMAL subnormal spacings: below
  the dtype's normal range rounding is absolute (float32: 1.4e-45 per operation).

The constants come from a sweep of torch float32 autograd against the float64 derivation on 396
random Elman, LSTM and GRU cells (n 4 to 64, T 8 to 100, weights ×0.2 to ×6, biases +3, ±5,
±30; 2112 quantities): the largest ratio |torch32 − d| / allowed was 0.26 (a GRU with every gate
saturated: the floor of the partials is what covers it, hence PARTIALS); a float32 NumPy Elman
BPTT (1 − h² from the stored h) on 36 cells: 0.15.  Where float32 itself gets a quantity to
1e-4, an error of 1e-3 in its largest entry exceeds the allowance in 91 % of the quantities and
in an entry of root-mean-square size in 87 %; the misses are cells with most units saturated
(the partials' floor is normwise and conservative there).
Not covered by the partials' floor: ``jacobian_product`` and ``step_jacobians`` (spread only).
Cost: ``runs`` perturbed backward passes plus two BPTTs of ``numeric.rounding_partials``, whose
partials are evaluated up to 2 + (number of channels) times per step.
"""

from dataclasses import dataclass

import numpy as np

from numeric.rounding_partials import partial_rounding
from numeric.supplied_reference import _from_backward, derived_quantities

SAFETY = 8
POOL = 0.5
CHAOTIC = 1e-3
PARTIALS = 160
RELATIVE = 16
SUBNORMAL = 64
NOT_BACKWARD = ("loss", "jacobian_product", "step_jacobians")


@dataclass(frozen=True)
class RoundingModel:
    """``allowed``: name → array of allowed absolute errors (the quantity's shape); ``source``:
    the sentence that says where they come from; ``dtype``, ``unit_roundoff``, ``runs``."""

    allowed: dict
    source: str
    dtype: str
    unit_roundoff: float
    runs: int


def unit_roundoff(dtype):
    """u = 2^−p for a floating dtype of p significand bits: float64 2^−53, float32 2^−24,
    float16 2^−11.

    >>> unit_roundoff("float32") == 2.0 ** -24
    True
    """
    try:
        dt = np.dtype(dtype)
    except TypeError as error:
        raise ValueError(f"unknown dtype {dtype!r}; use float16, float32 or float64") from error
    if not np.issubdtype(dt, np.floating):
        raise ValueError(f"dtype must be a floating type (float16, float32, float64), got {dt}")
    return float(np.finfo(dt).eps) / 2


def rounder(dtype, u, rng):
    """perturb(array) → the array × (1 + u·ξ), ξ uniform in [−1, 1], rounded to ``dtype``
    (float64 values back)."""
    def perturb(value):
        value = np.asarray(value, dtype=float)
        with np.errstate(over="ignore", invalid="ignore"):
            changed = value * (1 + u * rng.uniform(-1, 1, value.shape))
            return changed.astype(dtype).astype(np.float64)
    return perturb


def rounding_model(case, names, dtype, *, reference=None, runs=3, seed=0):
    """The allowed absolute error of each quantity in ``names`` when computed in ``dtype``
    (``reference``: the float64 values, name → array, computed when None); ``seed`` fixes
    the random changes, so the same call gives the same model."""
    if not isinstance(runs, int) or isinstance(runs, bool) or runs < 1:
        raise ValueError(f"runs must be a positive integer, got {runs!r}")
    u, dt, names = unit_roundoff(dtype), np.dtype(dtype), tuple(names)
    if reference is None:
        reference = derived_quantities(case, names)
    rng = np.random.default_rng(seed)
    perturb = rounder(dt, u, rng)
    samples = [derived_quantities(case, names, perturb=perturb) for _ in range(runs)]
    backward_names = tuple(name for name in names if name not in NOT_BACKWARD)
    partials = _from_backward(case, backward_names, partial_rounding(case, u, rng)) \
        if backward_names else {}
    allowed = {name: _allowed(np.asarray(reference[name], dtype=float),
                              [s[name] for s in samples], partials.get(name), u, dt)
               for name in names}
    return RoundingModel(allowed, source(dt.name, runs, u), dt.name, u, runs)


def _allowed(d, samples, partial, u, dtype):
    with np.errstate(invalid="ignore", over="ignore"):
        spread = np.max([np.abs(s - d) for s in samples], axis=0)
    spread = np.where(np.isfinite(spread), spread, np.inf)
    largest = float(np.max(spread, initial=0.0))
    scale = float(np.max(np.abs(d), initial=0.0))
    pool = SAFETY if largest > CHAOTIC * scale else POOL
    floor = 0.0 if partial is None else PARTIALS * float(np.max(partial, initial=0.0))
    with np.errstate(invalid="ignore", over="ignore"):
        return (SAFETY * spread + pool * largest + floor + RELATIVE * u * np.abs(d)
                + SUBNORMAL * float(np.finfo(dtype).smallest_subnormal))


def source(dtype, runs, u):
    """The sentence printed with a verdict under this model."""
    return (f"{dtype} rounding model: {SAFETY}× the spread of {runs} recomputations with every "
            f"input and stored value changed by up to u = 2^{int(np.log2(u))} relative and "
            f"rounded to {dtype}, plus {POOL}× its largest entry ({SAFETY}× where the run is "
            f"chaotic), plus {PARTIALS}× the change when every activation derivative is off by "
            f"u absolute (1 − h² from a stored h), plus {RELATIVE}u of each value and "
            f"{SUBNORMAL} of {dtype}'s smallest subnormal")
