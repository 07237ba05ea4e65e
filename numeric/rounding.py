"""How far a correct gradient computed in a lower precision may be from the float64 derivation:
an error model for float32 (or float16) without false alarms.

For every quantity d (a canonical name of ``numeric.supplied_names``) the allowed absolute
error of entry i is

    allowed_i = SAFETY · spread_i + pool · max spread + RELATIVE · u · |d_i|
                + PARTIALS · partial_i + PARTIALS_POOL · max partial + COHERENT · coherent_i
                + SUBNORMAL · (the dtype's smallest subnormal)

* spread_i = max over ``runs`` recomputations (Monte Carlo arithmetic) of |d_i^(r) − d_i|, each
  with every input (parameters, s_0, x) and every stored value (channels, states, partials,
  g_k, accumulators; ``numeric.backward``'s ``perturb``) changed by a random relative amount up
  to u = ``unit_roundoff(dtype)`` and then rounded to the dtype (so underflow and overflow
  happen where they would).  This carries how rounding grows along T: by the gains of the
  product in an exploding or chaotic run, not at all where it vanishes.
* pool = POOL, or SAFETY where the run is chaotic (max spread > CHAOTIC · max |d|: the dtype
  then gets few digits of d right, and ``runs`` draws per entry under-sample that noise).
* partial_i, coherent_i: the partials' floor (``numeric.rounding_partials``), entrywise.  Code
  that forms φ' from a stored output (1 − h², σ(1 − σ)) or 1 − σ from a stored σ makes an
  absolute error of about u where a unit saturates, which relative perturbations cannot show.
  Every unit partial v of every step is given an error u·ξ·(|v| + Σ_y |∂v/∂y|·|y|), y the gate
  outputs it is formed from, and the same BPTT, the step Jacobians and their product are
  recomputed: partial_i is the largest change of entry i over ``runs`` runs with ξ drawn afresh
  at every step, coherent_i over ``runs`` runs with ξ drawn once per unit and kept for all T
  steps (a saturated unit rounds the same way at every step, so its errors add up along T).
  All quantities but the loss.
* RELATIVE · u · |d_i|: the rounding of the entry itself; SUBNORMAL subnormal spacings: below
  the dtype's normal range rounding is absolute (float32: 1.4e-45 per operation).

The constants come from a sweep of torch float32 autograd against the float64 derivation on 792
random Elman, LSTM and GRU cells (n 4 to 64, T 8 to 100, weights ×0.2 to ×6, biases +3, ±5,
±30; 4224 quantities): the largest ratio |torch32 − d| / allowed was 0.27 (a GRU with weights
×2 and biases +3), and 0.27 on 396 cells of other seeds not used to choose them (an Elman
with weights ×6, 2112 quantities): a false-alarm margin of 3.7.  A float32 NumPy Elman BPTT
(1 − h² from the stored h) on 36 cells: 0.12.  Where float32 itself gets a quantity to 1e-4,
an error of 1e-3 in its largest entry exceeds the allowance in 96.4 % of them (2608; 96.1 %
of the 1299 held out; 99.4 % of the 2499 it gets to 3e-5) and in an entry of root-mean-square
size in 92 % (91 %; 95 %); the misses are Elman cells with weights ×4 to ×6 (float32's own
error is then near 1e-4, and the pooled spread of 3 draws must cover it) and GRUs with every
gate saturated (biases ±5: the floor allows the worst rounding of 1 − n² and 1 − z at every
step, the float32 run often rounds better).  Step
Jacobians and their product (torch ``jacrev`` in float32 and a NumPy (1 − h²) W_hh, 162
cells, saturated ones included; 432 quantities): largest ratio 0.22 (without the floor:
9 × 10^5), 1e-3 in the largest entry caught in 99.6 % of those float32 resolves to 1e-4.
Cost: ``runs`` perturbed backward passes plus one BPTT with 2·``runs`` + 1 lanes side by side
(the partials and their floor evaluated once per step): 3.6 to 4.1 backward passes in all
(Elman n = 128, T = 200; LSTM and GRU n = 64, T = 100), besides the float64 reference.
"""

from dataclasses import dataclass

import numpy as np

from numeric.rounding_partials import partial_spread
from numeric.supplied_reference import derived_quantities

SAFETY = 8
POOL = 6
CHAOTIC = 1e-3
PARTIALS = 8
PARTIALS_POOL = 1
COHERENT = 6
RELATIVE = 16
SUBNORMAL = 64


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
    independent, coherent = partial_spread(case, names, u, rng, runs)
    allowed = {name: _allowed(np.asarray(reference[name], dtype=float),
                              [s[name] for s in samples], u, dt)
               + _floor(independent.get(name), coherent.get(name)) for name in names}
    return RoundingModel(allowed, source(dt.name, runs, u), dt.name, u, runs)


def _allowed(d, samples, u, dtype):
    with np.errstate(invalid="ignore", over="ignore"):
        spread = np.max([np.abs(s - d) for s in samples], axis=0)
    spread = np.where(np.isfinite(spread), spread, np.inf)
    largest = float(np.max(spread, initial=0.0))
    scale = float(np.max(np.abs(d), initial=0.0))
    pool = SAFETY if largest > CHAOTIC * scale else POOL
    with np.errstate(invalid="ignore", over="ignore"):
        return (SAFETY * spread + pool * largest + RELATIVE * u * np.abs(d)
                + SUBNORMAL * float(np.finfo(dtype).smallest_subnormal))


def _floor(independent, coherent):
    """PARTIALS · (independent spread) + PARTIALS_POOL · its largest entry + COHERENT · (coherent
    spread), entrywise (0 for the loss)."""
    if independent is None:
        return 0.0
    independent, coherent = (np.where(np.isfinite(p), p, np.inf) for p in (independent, coherent))
    with np.errstate(invalid="ignore", over="ignore"):
        return (PARTIALS * independent + PARTIALS_POOL * float(np.max(independent, initial=0.0))
                + COHERENT * coherent)


def source(dtype, runs, u):
    """The sentence printed with a verdict under this model."""
    return (f"{dtype} rounding model: {SAFETY}× the spread of {runs} recomputations with every "
            f"input and stored value changed by up to u = 2^{int(np.log2(u))} relative and "
            f"rounded to {dtype}, plus {POOL}× its largest entry ({SAFETY}× where the run is "
            f"chaotic), plus the spread, entry by entry, when every activation derivative and "
            f"gate output is also off by up to u absolute, as where 1 − h² or 1 − σ is formed "
            f"from a stored output ({PARTIALS}× over {runs} runs with new errors at every step, "
            f"plus {PARTIALS_POOL}× its largest entry, plus {COHERENT}× over {runs} runs with "
            f"the same error at every step), plus {RELATIVE}u of each value and {SUBNORMAL} of "
            f"{dtype}'s smallest subnormal")
