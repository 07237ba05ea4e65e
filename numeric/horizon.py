"""The predictability horizon of a forward pass: the step from which rounding, not the model,
decides the trajectory.

In a chaotic regime a rounding error δ grows like δ e^{λ_max t}; after T* ≈ ln(1/ε)/λ_max steps
two correct float64 programs that differ only in the order of their roundings follow different
trajectories, and log10‖∂s_T/∂s_0‖ is one sample of a random quantity, not a number.  Only its
growth rate is well defined (the maximal Lyapunov exponent, ``numeric.lyapunov_spectrum``).

Rule (one for every sweep and check).  Run the forward pass twice: from s_0 and from the twin
s̃_0 = s_0 + δ, δ a fixed pattern of signs times PERTURBATION · max(1, ‖s_0‖_∞) (2^-50 ≈ 8.9e-16,
four units in the last place of 1: the size of the roundings of one step).  At every step k

    e_k = ‖s_k − s̃_k‖_∞ / max(1, ‖s_k‖_∞),

re-starting the twin at s_k + δ whenever it has fallen exactly onto the trajectory (a contraction
absorbed δ in the rounding; roundings happen at every step, so the test goes on), and the horizon
is the first k with e_k > THRESHOLD (1e-4): from there on the trajectory keeps
fewer than four significant digits under a perturbation of a few roundings.  A value at length T
is *reliable* iff T < horizon (no horizon within the steps run: every T is reliable).  For a
stable or a linear forward pass e_k stays at the rounding level and nothing is flagged.

>>> import numpy as np
>>> s = np.array([[0.0], [0.5], [0.501]]); twin = np.array([[0.0], [0.5], [0.5]])
>>> horizon_steps(relative_separation(s, twin)).tolist(), reliable_mask(np.array(2), [1, 2])
(2, array([ True, False]))
"""

from functools import lru_cache

import numpy as np

from numeric.threads import small_products

PERTURBATION = 2.0**-50
THRESHOLD = 1e-4
NO_HORIZON = -1
RULE_TEXT = ("a value at length T is reliable when T is below the predictability horizon: the "
             "first step at which a twin forward pass started 2^-50 * max(1, |s_0|) away (a few "
             "roundings) differs from the trajectory by more than 1e-4 relative; beyond it the "
             "value depends on the order of roundings and only the rate (1/T) log10 |ds_T/ds_0| "
             "is meaningful")
HORIZON_NOTE = ("horizon: the first step at which the twin forward pass started a few roundings "
                "away differs by more than 1e-4 relative; null where it stayed closer over every "
                "step run")


def twin_start(s0):
    """s̃_0 = s_0 + δ: δ = ±PERTURBATION · max(1, ‖s_0‖_∞) along the last axis, signs from a
    fixed pattern (``default_rng(0)``), the same for every batch member."""
    s0 = np.asarray(s0, dtype=float)
    size = s0.shape[-1]
    signs = _signs(size)
    scale = np.maximum(1.0, np.abs(s0).max(axis=-1, keepdims=True)) if size else 1.0
    return s0 + PERTURBATION * scale * signs


@lru_cache(maxsize=32)
def _signs(size):
    """The fixed sign pattern of ``twin_start`` (read-only; drawn once per size)."""
    signs = np.random.default_rng(0).choice([-1.0, 1.0], size=size)
    signs.flags.writeable = False
    return signs


def twin_separation(step, s0, steps):
    """e_0..e_steps (shape (steps + 1, ...)) of the rule above for the forward map
    ``step(k, s) -> s_k`` (k = 1..steps, s batched as (..., S)), the twin re-started at
    ``twin_start(s_k)`` wherever it equals s_k exactly."""
    with small_products(_step_cost(s0)):
        return np.stack(list(_separations(step, s0, steps)))


def _step_cost(s0):
    """Multiply-adds of one batched step with a dense S × S matrix (both runs)."""
    s0 = np.asarray(s0)
    return 2 * s0.size * (s0.shape[-1] if s0.ndim else 1)


def _separations(step, s0, steps):
    """e_0, e_1, ... one step at a time (the loop of ``twin_separation``)."""
    s = np.asarray(s0, dtype=float)
    twin = twin_start(s)
    yield relative_separation(s, twin)
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(1, steps + 1):
            s, twin = step(k, s), step(k, twin)
            same = np.all(s == twin, axis=-1, keepdims=True)
            if same.any():
                twin = np.where(same, twin_start(s), twin)
            yield relative_separation(s, twin)


def twin_horizon(step, s0, steps):
    """``horizon_steps(twin_separation(step, s0, steps))`` without storing the separations
    (memory O(batch) for any number of steps); the loop stops once every batch member has
    crossed, since the horizon is the first crossing."""
    with small_products(_step_cost(s0)):
        return _first_crossings(step, s0, steps)


def _first_crossings(step, s0, steps):
    horizon = None
    for k, e in enumerate(_separations(step, s0, steps)):
        over = np.asarray(e) > THRESHOLD
        if horizon is None:
            horizon = np.full(over.shape, NO_HORIZON, dtype=np.int64)
        if over.any():
            horizon[over & (horizon == NO_HORIZON)] = k
            if np.all(horizon != NO_HORIZON):
                break
    return horizon


def scalar_twin_horizon(step, s0, steps):
    """``twin_horizon`` for a one-dimensional state (s0: (B, 1)) and an elementwise ``step``:
    the same rule and the same numbers (an elementwise map rounds each entry alike whether or
    not the trajectory and its twin share one array), with one call of ``step`` per step on
    both at once and the separation written out for S = 1: a scalar sweep's loop is mostly
    per-step overhead, so this keeps the twin pass near the cost of the sweep itself."""
    s = np.asarray(s0, dtype=float)
    if s.ndim != 2 or s.shape[1] != 1:
        raise ValueError(f"scalar_twin_horizon needs states of shape (B, 1), got {s.shape}")
    sign = float(_signs(1)[0])
    pair = np.stack([s, twin_start(s)])                      # (2, B, 1)
    horizon = np.full(len(s), NO_HORIZON, dtype=np.int64)
    if np.any(over := _over(pair[0, :, 0], pair[1, :, 0])):
        horizon[over] = 0
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(1, steps + 1):
            pair = step(k, pair)
            now, twin = pair[0, :, 0], pair[1, :, 0]
            same = now == twin
            if same.any():   # re-start: twin_start(s) = s + sign * 2^-50 * max(1, |s|)
                pair[1, :, 0] = np.where(
                    same, now + PERTURBATION * np.maximum(1.0, np.abs(now)) * sign, twin)
            if np.any(over := _over(now, pair[1, :, 0])):
                horizon[over & (horizon == NO_HORIZON)] = k
                if np.all(horizon != NO_HORIZON):
                    break
    return horizon


def _over(s, twin):
    """e_k > THRESHOLD for S = 1 (relative_separation's values, non-finite cases included)."""
    if np.isfinite(s).all():
        gap = np.abs(s - twin)
        if not np.isnan(gap).any():
            return gap / np.maximum(1.0, np.abs(s)) > THRESHOLD
    return relative_separation(s[:, None], twin[:, None]) > THRESHOLD


class HorizonFlags:
    """Mixin of the sweep results: ``reliable`` (T < horizon, the values' shape) and ``rate``
    ((1/T) log10 value) derived from the stored ``horizon`` (per setting, NO_HORIZON where
    none; None when not estimated), ``T`` and the class's ``horizon_values`` (the log10 values
    the flags describe: ``log10_norm`` unless the class says otherwise)."""

    @property
    def horizon_values(self):
        return self.log10_norm

    @property
    def reliable(self):
        return None if self.horizon is None else reliable_mask(self.horizon, self.T)

    @property
    def rate(self):
        with np.errstate(divide="ignore", invalid="ignore"):
            return rates(self.horizon_values, self.T)

    def horizon_dict(self):
        """The JSON's horizon keys (``json_fields``), empty when no horizon was estimated."""
        if self.horizon is None:
            return {}
        return json_fields(self.horizon, self.reliable, self.rate)


def json_fields(horizon, reliable, rate):
    """The sweep JSON's horizon keys: ``reliable`` (booleans), ``horizon`` (ints, null where
    none), ``horizon_note``, ``reliable_rule`` and ``rate`` (floats, null where not finite,
    then ``rate_note``)."""
    rate = np.asarray(rate, dtype=float)
    out = {"reliable": np.asarray(reliable, dtype=bool).tolist(),
           "horizon": horizon_json(horizon), "horizon_note": HORIZON_NOTE,
           "reliable_rule": RULE_TEXT,
           "rate": np.where(np.isfinite(rate), rate, None).tolist()}
    if not np.isfinite(rate).all():
        out["rate_note"] = ("rate = log10 value / T; null where the value is not a finite "
                            "number (see the value's note)")
    return out


def relative_separation(states, twin):
    """e_k = ‖s_k − s̃_k‖_∞ / max(1, ‖s_k‖_∞) for states of shape (K, ..., S): shape (K, ...).
    A non-finite state (an overflowed linear pass) gives e_k = 0 when both runs agree in it and
    inf otherwise."""
    states, twin = np.asarray(states, dtype=float), np.asarray(twin, dtype=float)
    with np.errstate(invalid="ignore", over="ignore"):
        size = np.abs(states).max(axis=-1)
        if np.isfinite(size).all():  # finite states: the same numbers, fewer passes
            e = np.abs(states - twin).max(axis=-1) / np.maximum(1.0, size)
            if not np.isnan(e).any():
                return e
        gap = np.where(states == twin, 0.0, np.abs(states - twin))
        gap = np.where(np.isnan(gap), np.inf, gap)
        size = np.maximum(1.0, np.abs(np.where(np.isfinite(states), states, 0.0)))
        return (gap / size.max(axis=-1, keepdims=True)).max(axis=-1)


def horizon_steps(separation, first_step=0):
    """The first step k (``first_step`` + index along axis 0) with separation > THRESHOLD,
    NO_HORIZON (−1) where there is none; shape separation.shape[1:]."""
    over = np.asarray(separation) > THRESHOLD
    first = np.argmax(over, axis=0)
    return np.where(over.any(axis=0), first + first_step, NO_HORIZON)


def reliable_mask(horizon, T_values):
    """Booleans (..., len(T_values)): T < horizon, or True where there is no horizon."""
    horizon = np.asarray(horizon)[..., None]
    T = np.asarray(T_values)
    return (horizon == NO_HORIZON) | (T < horizon)


def horizon_json(horizon):
    """The horizons as JSON: integers, null where there is none."""
    h = np.asarray(horizon)
    return np.where(h == NO_HORIZON, None, h).tolist()


def rates(log10_values, T_values):
    """(1/T) log10‖∂s_T/∂s_0‖ beside the values (…, len(T))."""
    return np.asarray(log10_values, dtype=float) / np.asarray(T_values, dtype=float)
