"""The complex step's size for one quantity Q (a J_k, a gradient): what keeps Im F a normal
float, and the extrapolation that lets the step grow when Q is tiny.

For F analytic and real on the real axis, Q(t) = Im F(x + i t e)/t is even in t:
    Q(t) = F'(x) − t² F'''(x)/3! + t⁴ F⁽⁵⁾(x)/5! − …
with no cancellation, but Im F = t F' is a float: below TINY = 2^-1022 it is subnormal and
keeps only |t F'| / 2^-1074 significant units (none at all below 2^-1075).

Plain: the caller's ``base`` step (its Im a_k ≤ COMPLEX_STEP) is used when
base · max|Q| ≥ FLOOR = 2^10 TINY: the largest entry's Im F is normal (relative rounding ε), and
so is every intermediate of its evaluation up to 2^10 times smaller (the loss' residual times
Im h_T, a product of Im a with φ'); entries of Q much below its largest carry an absolute
subnormal error ≤ 2^-1075 / base, at most 2^-63 max|Q|, far below rtol max|Q|.

Raised: otherwise (a gradient near 1e-301, sigmoid'(−700) ≈ 1e-304; base = 1e-30 puts
Im F near 1e-331, which is 0) the step grows to t = min(cap, 2^(LEVELS+1) FLOOR / max|Q|),
the smallest ladder t, t/2, …, t/2^(LEVELS+1) whose smallest member still puts FLOOR into
Im F, but never past ``cap`` (|Im a| ≤ IM_CAP for every pre-activation the perturbation
reaches; the caller computes cap).  The same holds for the first imaginary part the step
injects (``reach``: Im a_k = t h_{k−1}), which a large residual may scale up later.  The
O(t²), …, O(t^(2 LEVELS)) terms are removed by Richardson extrapolation in t² (factors 4, 16,
64); R_L(t/2) is the estimate, and |R_L(t) − R_L(t/2)| (about 2^(2L+2) times the truncation
left in R_L(t/2), plus any rounding of the smallest steps) its error estimate: twice that
joins the quantity's allowance, and a quantity is judged only where it is within
rtol max|Q| (an error beyond even the widened bound still fails).  At |Im a| = 1/16 against
a φ' that varies on a scale ≥ 1 the truncation left is ~ t⁸/9! ≈ 6e-16 relative.  No step
works (the quantity is not compared) when even the cap leaves the smallest member's Im F
below TINY, or Q is 0 or subnormal (then a probe at the cap checks that the true Q is not
larger: a wrong 0 still fails).

Overflow: Im F = t Q with t ≤ base ≤ COMPLEX_STEP for any Q the plain step handles, so
Im F ≤ 1e-30 · 1.8e308 never overflows; the step is raised only for Q < FLOOR / base, where
t Q ≤ 2^(LEVELS+1) FLOOR.  What can overflow is the real part of an intermediate (the loss of
a trajectory near 1e154): the caller does not compare a non-finite estimate.
"""

import numpy as np

TINY = float(np.finfo(float).tiny)
FLOOR = 2.0**10 * TINY
LEVELS = 3
IM_CAP = 2.0**-4


def ladder(base, size, cap, probe=None, reach=np.inf):
    """The steps for one quantity whose largest entry is ``size``: (base,) when the plain
    step keeps Im F ≥ FLOOR; the raised ladder (t, t/2, …, t/2^(LEVELS+1)); () when no step
    works (size 0 or not finite, or the cap too small).

    ``probe``: t ↦ Q(t), called once at the cap when the plain step does not do: its largest
    entry, if larger, sizes the ladder instead.  The size is the value compared, which may be
    wrong: too small (1e-314 where φ'(−700) ≈ 1e-304 is right, or 0), it would leave no step
    and the check n/a; the probe sees the true size to a relative error ~cap², and the
    extrapolated estimate then fails the wrong value.

    ``reach``: the largest imaginary part a unit step puts into the first quantity it moves
    (Im a_k = t (h_{k−1})_j for (W_hh)_ij: reach = max|h_{k−1}|): where it is smaller than
    Q, the intermediate t · reach must stay normal too (h0 = 1e-200 under a residual of 1e150:
    Im a_1 = 1e-180 · 1e-200 is 0 while t ∂L/∂W is 1e-134), so the size is min(Q, reach).

    >>> ladder(1e-30, 1.0, 0.0625)
    (1e-30,)
    >>> [f"{t:.3g}" for t in ladder(1e-30, 9e-301, 0.0625)]  # 2.53e-5 · 9e-301 = 2^10 TINY
    ['0.000405', '0.000203', '0.000101', '5.06e-05', '2.53e-05']
    >>> ladder(1e-30, 1e-320, 0.0625)
    ()
    """
    if not np.isfinite(size) or base <= 0:
        return ()
    if base * min(size, reach) >= FLOOR:
        return (base,)
    if probe is not None and cap > 0 and base * size < FLOOR:
        with np.errstate(all="ignore"):
            seen = np.abs(np.asarray(probe(cap)))
        if np.all(np.isfinite(seen)) and seen.size:
            size = max(size, float(np.max(seen)))
    size = min(size, reach)
    rungs = 2.0 ** (LEVELS + 1)
    if size <= 0:
        return ()
    t = min(cap, max(base, rungs * FLOOR / size))
    if not np.isfinite(t) or t / rungs * size < TINY:
        return ()
    return tuple(t / 2.0**i for i in range(LEVELS + 2))


def extrapolate(values):
    """(estimate, error estimate) from the quotients Q(t_i) at a ladder's steps (one value:
    the plain quotient, error 0).  Richardson in t²: R ← (4^j fine − coarse)/(4^j − 1)."""
    values = [np.asarray(v) for v in values]
    if len(values) == 1:
        return values[0], 0.0
    table = values
    for level in range(1, len(values) - 1):
        factor = 4.0**level
        table = [(factor * fine - coarse) / (factor - 1)
                 for coarse, fine in zip(table, table[1:], strict=False)]
    with np.errstate(invalid="ignore", over="ignore"):
        spread = float(np.max(np.abs(table[0] - table[1])))
    return table[1], spread


def scaling_notes(counts, raised, moved="Im a_k"):
    """The check's notes on raised steps (``raised``: the largest step of each raised
    quantity) and on the quantities not compared (``counts``: "small", "overflow",
    "unsettled"); ``moved``: what the cap keeps small."""
    notes = []
    if raised:
        low, high = min(raised), max(raised)
        span = f"{low:.1e}" if low == high else f"{low:.1e} to {high:.1e}"
        notes.append(f"step raised to {span} for {len(raised)} quantities so that t F' stays "
                     f"a normal float (extrapolated in t^2 over {LEVELS + 2} steps, error "
                     "estimate included)")
    if counts["small"]:
        notes.append(f"{counts['small']} quantities not compared: zero, or t F' (or the "
                     f"imaginary part the step first puts into {moved[3:]}) below float64's "
                     f"normal range for every step that keeps {moved} below {IM_CAP}")
    if counts["overflow"]:
        notes.append(f"{counts['overflow']} quantities not compared: the complex evaluation "
                     "overflowed (non-finite), its real counterpart did not")
    if counts["unsettled"]:
        notes.append(f"{counts['unsettled']} quantities not judged: the raised step's "
                     "extrapolation did not settle to rtol")
    return notes


def judge(verdict, estimate, exact, allowance, tol, spread):
    """Add one quantity to ``verdict`` (a ``numeric.verdicts.Verdict``) with twice the
    extrapolation's error estimate added to its allowance.  Returns False, adding nothing,
    where that estimate exceeds rtol max|Q| and the error is within the widened bound (the
    raised step did not settle: not judged); an error beyond even that bound still fails."""
    error = float(np.max(np.abs(estimate - exact)))
    scale = float(np.max(np.abs(exact)))
    extra = 2.0 * spread
    if extra > tol * scale and error <= tol * scale + allowance + extra:
        return False
    verdict.add(error, scale, allowance + extra, tol)
    return True
