"""One supplied quantity against its derived value: the entrywise allowed error, the verdict
and the worst entry.

Entry (i) passes when |s_i − d_i| ≤ allowed_i.  The allowed error comes from

- ``rtol`` (the user's): allowed_i = rtol · (|d_i| + 10⁻³ · max|d|): relative per entry, with
  entries below a thousandth of the largest judged against that thousandth (a derived 0 does
  not demand an exact 0); rtol = 1e-30 fails any difference that is not far below max|d|;
- for float64, a cheap a-priori rule, allowed_i = 10⁻⁹ · |d_i| + 10⁻¹¹ · max|d|: correct
  float64 gradients (torch autograd, a NumPy loop) differ from the derived ones by about
  10⁻¹⁵ of max|d| on the test cells (including saturated gates), a margin of 10⁴; a 10⁻⁶
  relative error in one entry of size above 10⁻⁵ · max|d| is caught.  Only when an entry
  exceeds it does the float64 rounding model (``numeric.rounding``) decide;
- for float32 and float16, always the rounding model of that dtype.
"""

from dataclasses import dataclass

import numpy as np

A_PRIORI = (1e-9, 1e-11)
A_PRIORI_TEXT = ("float64 a-priori rule: allowed = 1e-9·|derived| + 1e-11·max|derived| "
                 "(correct float64 gradients differ by about 1e-15·max|derived|)")
RTOL_FLOOR = 1e-3
TINY = 2.0**-1022  # float64's smallest normal number: a derived 0 allows subnormal noise
TIMED = ("step_jacobians", "delta", "delta_state")


@dataclass(frozen=True)
class QuantityCheck:
    """The verdict on one quantity: errors over its entries (componentwise relative error over
    the entries whose derived value is not 0, NaN when there are none), ``tolerance`` the
    allowed error at the worst entry (the one with the largest |s − d| / allowed), ``worst``
    {"index": [...], "time_step": k (1..T) or None, "supplied": s, "derived": d}."""

    name: str
    shape: tuple
    passed: bool
    max_abs_error: float
    max_rel_error: float
    tolerance: float
    tolerance_source: str
    worst: dict
    method: str = "entry by entry"

    def to_dict(self):
        return {"name": self.name, "shape": list(self.shape), "passed": self.passed,
                "max_abs_error": finite(self.max_abs_error),
                "max_rel_error": finite(self.max_rel_error),
                "tolerance": finite(self.tolerance), "tolerance_source": self.tolerance_source,
                "method": self.method,
                "worst": {key: finite(value) for key, value in self.worst.items()}}


def finite(value):
    """A JSON-ready value: float or int, None for NaN/inf; lists kept."""
    if value is None or isinstance(value, (bool, str, list)):
        return value
    if isinstance(value, (int, np.integer)):
        return int(value)
    value = float(value)
    return value if np.isfinite(value) else None


def a_priori(derived):
    """The float64 a-priori allowed error of every entry."""
    scale = float(np.max(np.abs(derived), initial=0.0))
    return A_PRIORI[0] * np.abs(derived) + A_PRIORI[1] * scale + TINY


def from_rtol(derived, rtol):
    scale = float(np.max(np.abs(derived), initial=0.0))
    return rtol * (np.abs(derived) + RTOL_FLOOR * scale)


def rtol_text(rtol):
    return (f"rtol = {rtol:g}: allowed = rtol·(|derived| + {RTOL_FLOOR:g}·max|derived|), "
            "as asked")


def compare(name, supplied, derived, allowed, source, method="entry by entry", time=None):
    """A ``QuantityCheck``; ``time`` maps the worst index to its time step (default: the first
    index + 1 for the quantities with one row per step)."""
    s, d = np.asarray(supplied, float), np.asarray(derived, float)
    allowed = np.broadcast_to(np.asarray(allowed, float), d.shape)
    diff = np.abs(s - d)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(diff == 0, 0.0, diff / allowed)
        rel = np.where(d != 0, diff / np.abs(d), np.nan)
    flat = int(np.argmax(ratio)) if ratio.size else 0
    index = [int(i) for i in np.unravel_index(flat, d.shape)] if d.ndim else []
    step = (index[0] + 1 if name in TIMED else None) if time is None else time(index)
    worst = {"index": index, "time_step": step, "supplied": float(s.flat[flat]),
             "derived": float(d.flat[flat])}
    max_rel = float(np.nanmax(rel)) if np.any(d != 0) else float("nan")
    return QuantityCheck(name, tuple(s.shape), bool(np.all(diff <= allowed)),
                         float(np.max(diff, initial=0.0)), max_rel,
                         float(allowed.flat[flat]), source, worst, method)


def within_a_priori(supplied, derived):
    """Whether every entry is within the float64 a-priori rule."""
    return bool(np.all(np.abs(supplied - derived) <= a_priori(derived)))
