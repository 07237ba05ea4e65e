"""Sweeps of log10‖∂h_T/∂h_0‖ over the recurrent weight w (or a gain g) and the length T.

Models:
    scalar  h_t = φ(w h_{t-1} + x_t), no bias;  ∂h_T/∂h_0 = Π_t w φ'(a_t)
    matrix  a_k = g W0 h_{k-1} + x_k, h_k = φ(a_k);  ∂h_T/∂h_0 = Π_k diag(φ'(a_k)) g W0

Identity activations use the closed form T·log10|w| on the whole grid at once.  Otherwise one
pass over time updates every grid point together, carrying each product as mantissa · 2^e:
the exponents are exact integers, so nothing overflows, underflows or accumulates rounding in
the logarithm for T up to 10^7.  The matrix sweep (``numeric.gains``) multiplies all G
products by W0 in one GEMM, W0 @ [P_1 … P_G], and applies the gains and φ' as row scales.

Accuracy: |∂h_T/∂h_0| to ~1e-12 relative against mpmath for T ≤ 2000 (the log10 returned is
a float64, so for |log10| ≳ 2000 its own ulp, ~4.5e-13, is the resolution).

Limitation: φ'(a) itself is evaluated in floating point; where it underflows (tanh at
|a| ≳ 355) the product is not representable, and the result flags those rows (``underflow``,
NaN values) instead of reporting 0.

Fixed points: where φ(w h_0 + x_t) = h_0 at every step the trajectory never leaves h_0, and
∂h_T/∂h_0 = (w φ'(a*))^T with a* = w h_0 + x (constant input): the linearisation at that
point, so the sweep shows the linear regime (tanh with h_0 = 0, x_t = 0 explodes for every
|w| > 1).  ``fixed_point`` marks those w.

Regime rule (documented, used for every label): over the T steps the gradient is "vanishing"
when |∂h_T/∂h_0| ≤ 10^-1 (it lost at least a factor of ten), "exploding" when ≥ 10^1, and
"stable" in between.

Horizon (``numeric.horizon``): the forward pass runs a second time from a twin h_0 a few
roundings away; ``horizon`` (per w, -1 for none) is the first step where the two differ by more
than 1e-4 relative, ``reliable`` says which (w, T) lie before it, and ``rate`` is
log10|∂h_T/∂h_0| / T, the part that stays meaningful beyond the horizon.  A linear φ (identity)
flags nothing: its value (w φ')^T does not depend on the trajectory, so every value is reliable
and the horizon is null.  (A one-dimensional tanh map with a constant input is monotone in h
for w > 0, and its square is for w < 0, so it is never chaotic; an unstable fixed point, the
only way such a row can cross, is flagged all the same.)

>>> import numpy as np
>>> r = scalar_sweep("identity", np.array([0.5, 1.0, 1.5]), np.array([100]))
>>> r.log10_abs_grad[:, 0].round(3).tolist(), r.regime[:, 0].tolist()
([-30.103, 0.0, 17.609], ['vanishing', 'stable', 'exploding'])
"""

import math
from dataclasses import dataclass

import numpy as np

import derive
from numeric import display
from numeric.bridge import raw_activation_functions
from numeric.exact_zeros import ZeroTest, kink_dict, kink_points, underflow_rows
from numeric.grids import grid, lengths, scalar_inputs
from numeric.horizon import NO_HORIZON, HorizonFlags, scalar_twin_horizon
from numeric.rnn import elman_step_jacobian

LOG10_2 = math.log10(2.0)
# The scalar pass multiplies in x87 extended precision where NumPy has it (64-bit mantissa): at
# a fixed point every step repeats the same rounding of the product, so T = 2000 float64 steps
# line up towards 1e-12 relative.  The forward pass and φ' stay in float64 (fast, ~1 ulp).
EXTENDED = np.longdouble
LOG10_2_EXTENDED = np.log10(EXTENDED(2))
RANGE = 900  # renormalise long products before bounds on their entries leave 2^±RANGE
REGIME_THRESHOLD = 1.0  # log10 of the factor gained or lost that counts as a regime


@dataclass(frozen=True)
class ScalarSweep(display.Displayed, HorizonFlags):
    """log10|∂h_T/∂h_0|, the bound's log10 (γ|w|)^T and the regime, each (len(w), len(T)),
    for the trajectory from ``h0`` driven by ``x_t`` (the constant input; None when it varies
    in time).  ``fixed_point`` (len(w),): h_t = h_0 at every step, see ``fixed_point_rows``.
    ``on_kink`` (len(w),): some a_t sat exactly on a point where φ' jumps (relu at h_0 = 0,
    x = 0): the value there rests on a convention (relu'(0) = 0; the one-sided derivatives
    are 0 and 1), so its verdict does too."""

    activation: str
    w: np.ndarray
    T: np.ndarray
    log10_abs_grad: np.ndarray
    log10_bound: np.ndarray
    regime: np.ndarray
    method: str
    underflow: np.ndarray
    h0: float
    x_t: float | None
    fixed_point: np.ndarray
    horizon: np.ndarray | None = None
    on_kink: np.ndarray | None = None

    @property
    def horizon_values(self):
        return self.log10_abs_grad

    def _display_parts(self):
        return display.scalar_sweep_parts(self)

    def to_dict(self):
        out = _to_dict(self, {"w": self.w, "log10_abs_grad": self.log10_abs_grad})
        out.update(h0=self.h0, x_t=self.x_t, fixed_point=self.fixed_point.tolist())
        if self.on_kink is not None:
            out.update(kink_dict(self.on_kink))
        if self.x_t is None:
            out["x_t_note"] = "null: the input x_t varies from step to step (not a constant)"
        return out


def _to_dict(result, fields):
    out = {"activation": result.activation, "T": result.T.tolist(),
           "regime": result.regime.tolist(), "phi_prime_underflow": result.underflow.tolist()}
    out.update(result.horizon_dict())
    for key, value in {"log10_bound": result.log10_bound, **fields}.items():
        out.update(_json_floats(key, value))
    return out


NULL_NOTE = ("null where the value is not a finite number: -inf is the log10 of an exact zero "
             "(w = 0, or phi' = 0 at some step), +inf of an unbounded value, NaN not "
             "representable (phi' underflowed: see phi_prime_underflow)")


def _json_floats(key, array):
    """``{key: nested lists}`` with every value that is not finite written as null, and then
    ``key_note`` saying what null stands for (strict JSON: no Infinity, NaN or "-inf").

    >>> _json_floats("g", np.array([1.5, -np.inf]))["g"]
    [1.5, None]
    """
    values = np.asarray(array, dtype=float)
    out = {key: np.where(np.isfinite(values), values, None).tolist()}
    if not np.isfinite(values).all():
        out[f"{key}_note"] = NULL_NOTE
    return out


def regime_labels(log10_values):
    """The documented rule: ≤ −1 vanishing, ≥ +1 exploding, else stable (elementwise); NaN
    (not representable, see ``underflow``) is "unknown"."""
    labels = np.full(np.shape(log10_values), "stable", dtype=object)
    labels[log10_values <= -REGIME_THRESHOLD] = "vanishing"
    labels[log10_values >= REGIME_THRESHOLD] = "exploding"
    labels[np.isnan(log10_values)] = "unknown"
    return labels.astype(str)


def scalar_sweep(activation, w, T, *, h0=0.0, inputs=0.0, progress=None):
    """Sweep h_t = φ(w h_{t-1} + x_t) over w (1-D) and T (1-D ints ≥ 1), with the horizon
    of every w (``scalar_horizon``).

    ``inputs``: a constant x_t or an array of length ≥ max(T).  ``progress(t, T_max)`` is
    called now and then during long sweeps.
    """
    act = _activation(activation)
    w, T = grid(w, "w"), lengths(T)
    x = scalar_inputs(inputs, T.max())
    if not math.isfinite(float(h0)):
        raise ValueError(f"h0 must be finite, got {h0}")
    h0, used = float(h0), x[: int(T.max())]
    gamma = float(act.gamma)
    with np.errstate(divide="ignore"):
        bound = T[None, :] * np.log10(gamma * np.abs(w))[:, None]
    linear = act.name == "identity" or not act.dphi.has(act.variable)
    if linear:
        with np.errstate(divide="ignore"):
            grad = T[None, :] * np.log10(np.abs(w * float(act.dphi)))[:, None]
        method = "closed form T*log10|w phi'|"
        lost, kink = np.zeros(len(w), dtype=bool), np.zeros(len(w), dtype=bool)
    else:
        grad, lost, kink = _scalar_pass(act, w, T, x, h0, progress)
        method = "one pass over time, products as mantissa*2^e"
    underflow = _mark_underflow(grad, lost)
    constant = float(used[0]) if np.all(used == used[0]) else None
    horizon = np.full(len(w), NO_HORIZON) if linear else scalar_horizon(act, w, x, h0, T.max())
    return ScalarSweep(act.name, w, T, grad, bound, regime_labels(grad), method, underflow,
                       h0, constant, fixed_point_rows(act, w, h0, used),
                       np.asarray(horizon, dtype=np.int64), kink)


def scalar_horizon(activation, w, x, h0, steps):
    """The predictability horizon of h_t = φ(w h_{t-1} + x_t) for every w (``numeric.horizon``:
    the same forward map, run from h_0 and from its twin), -1 where there is none."""
    phi, _ = raw_activation_functions(_activation(activation))
    column = np.asarray(w, dtype=float)[:, None]

    def step(k, h):
        a = column * h + x[k - 1]
        out = phi(a)
        return out if np.shape(out) == a.shape else np.broadcast_to(out, a.shape)

    with np.errstate(over="ignore", under="ignore"):
        return scalar_twin_horizon(step, np.full((len(column), 1), float(h0)), int(steps))


def fixed_point_rows(activation, w, h0, x):
    """Which w keep h_t = h_0 at every step t = 1..len(x): exactly those with
    φ(w h_0 + x_t) = h_0 for every t (by induction a_t = w h_0 + x_t and h_t = h_0), tested
    in the float64 arithmetic of the pass itself, so a flagged row's trajectory is h_0 bit for
    bit.  There ∂h_T/∂h_0 = Π_t w φ'(w h_0 + x_t), with a constant input (w φ'(a*))^T:
    the linearisation at a* = w h_0 + x.  A varying input can keep a fixed point only where
    φ is flat (relu at h_0 = 0 with every x_t ≤ 0).

    >>> fixed_point_rows("tanh", np.array([0.5, 3.0]), 0.0, np.zeros(5)).tolist()
    [True, True]
    >>> fixed_point_rows("tanh", np.array([0.5, 3.0]), 0.0, np.full(5, 0.1)).tolist()
    [False, False]
    """
    phi, _ = raw_activation_functions(_activation(activation))
    w, x = np.asarray(w, dtype=float), np.asarray(x, dtype=float)
    x = x[:1] if np.all(x == x[0]) else x  # a constant input: one step decides
    fixed = np.ones(len(w), dtype=bool)
    chunk = max(1, 2**20 // len(w))
    with np.errstate(over="ignore", under="ignore"):
        for start in range(0, len(x), chunk):
            rows = np.flatnonzero(fixed)
            if rows.size == 0:
                break
            a = w[rows, None] * h0 + x[None, start:start + chunk]
            fixed[rows] = np.all(np.broadcast_to(phi(a), a.shape) == h0, axis=1)
    return fixed


def _mark_underflow(log10_values, rows):
    """``rows`` (one per swept weight): a φ'(a) that is not exactly 0 evaluated to 0 in float64
    (``numeric.exact_zeros``), so a zero product there is not representable.  Those rows'
    -inf values become NaN (null in JSON) and are flagged.  Every other -inf is an exact zero
    (w = 0, W0 = 0, relu's zero piece, φ'(0) = 0 for φ = z²): -inf stays, "vanishing"."""
    lost = np.isneginf(log10_values) & np.asarray(rows, dtype=bool)[:, None]
    log10_values[lost] = np.nan
    return lost.any(axis=1)


def _scalar_pass(act, w, T, x, h0, progress):
    with np.errstate(over="ignore", under="ignore"):  # exp(800) in sech² is the right limit
        return _scalar_loop(act, w, T, x, h0, progress)


def _scalar_loop(act, w, T, x, h0, progress):
    """The pass over time; returns log10|∂h_T/∂h_0| (len(w), len(T)), the rows where φ'
    underflowed (``numeric.exact_zeros``) and the rows that sat on a kink of φ."""
    phi, dphi = raw_activation_functions(act)
    test, kinks = ZeroTest(act), kink_points(act)
    lost, kink = np.zeros(len(w), dtype=bool), np.zeros(len(w), dtype=bool)
    wanted = _columns(T)
    out = np.empty((len(w), len(T)))
    T_max = int(T.max())
    w_hh = w.astype(EXTENDED)[:, None, None]  # one 1×1 W_hh per swept w
    h = np.full(len(w), h0)
    mantissa, exponent = np.ones(len(w), dtype=EXTENDED), np.zeros(len(w), dtype=np.int64)
    for t in range(1, T_max + 1):
        a = w * h + x[t - 1]
        h = phi(a)
        d = np.broadcast_to(dphi(a), a.shape)
        for point in kinks:  # one or two points: cheaper than np.isin every step
            kink |= a == point
        if not d.all():
            underflow_rows(test, a[None, :, None], d[None, :, None], lost)
        J = elman_step_jacobian(d[:, None], w_hh)[:, 0, 0]  # J_t = φ'(a_t) w, n = 1
        mantissa, shift = np.frexp(mantissa * J)
        exponent += shift
        if t in wanted:
            with np.errstate(divide="ignore"):
                value = (np.log10(np.abs(mantissa)) + exponent * LOG10_2_EXTENDED).astype(float)
                out[:, wanted[t]] = value[:, None]
        if progress is not None and (t % 65536 == 0 or t == T_max):
            progress(t, T_max)
    return out, lost, kink


def _columns(T):
    """{T value: [output columns]}: a T listed twice fills every column that asks for it."""
    wanted = {}
    for column, t in enumerate(T):
        wanted.setdefault(int(t), []).append(column)
    return wanted


def _activation(activation):
    if isinstance(activation, derive.Activation):
        return activation
    return derive.activation(activation)
